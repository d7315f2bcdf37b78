"""kamcore: the key-account-management domain model.

Objects for meaning, arrays for volume: frozen attrs domain objects describe
one customer or relationship; a columnar :class:`Portfolio` carries many; every
calculator is a numpy kernel over its columns.
"""

from __future__ import annotations

from kamcore._version import __version__
from kamcore.errors import (
    ConvergenceError,
    CurrencyMismatchError,
    InvalidParameterError,
    InvalidTransitionError,
    KamcoreError,
    MissingOptionalDependencyError,
    SchemaError,
    ShapeMismatchError,
    UnknownNameError,
)

__all__ = [
    "ConvergenceError",
    "CurrencyMismatchError",
    "InvalidParameterError",
    "InvalidTransitionError",
    "KamcoreError",
    "MissingOptionalDependencyError",
    "SchemaError",
    "ShapeMismatchError",
    "UnknownNameError",
    "__version__",
]
