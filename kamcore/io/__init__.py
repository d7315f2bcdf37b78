"""Edges of kamcore: serialisation (JSON through cattrs) and frame adapters.

Heavy optional libraries (pandas, polars, pyarrow) are imported lazily inside
the modules that need them; importing :mod:`kamcore.io` itself is cheap.
"""

from __future__ import annotations

from kamcore.io.json import SCHEMA_VERSION, converter, dumps, loads, register, registered_types

__all__ = ["SCHEMA_VERSION", "converter", "dumps", "loads", "register", "registered_types"]
