"""The single source of kamcore's version."""

__version__ = "0.1.0"
