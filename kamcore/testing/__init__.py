"""Public testing helpers: hypothesis strategies and the scorer conformance check.

``kamcore.testing.strategies`` needs hypothesis (a test dependency); it is
imported only when asked for.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["check_scorer", "strategies"]


def __getattr__(name: str) -> Any:
    if name == "strategies":
        return importlib.import_module("kamcore.testing.strategies")
    if name == "check_scorer":
        return importlib.import_module("kamcore.testing._scorers").check_scorer
    raise AttributeError(f"module 'kamcore.testing' has no attribute {name!r}")
