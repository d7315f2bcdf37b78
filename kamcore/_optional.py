"""Lazy imports of optional dependencies, with the pip command in the error."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Final

from kamcore.errors import MissingOptionalDependencyError

__all__ = ["require"]

#: optional module -> the kamcore extra that installs it
EXTRAS: Final[dict[str, str]] = {
    "pandas": "pandas",
    "polars": "polars",
    "pyarrow": "arrow",
    "matplotlib": "plot",
    "matplotlib.pyplot": "plot",
    "dask": "dask",
    "dask.array": "dask",
}


def require(module: str) -> ModuleType:
    """Import an optional dependency or raise with the pip command that installs it.

    Raises
    ------
    MissingOptionalDependencyError
        e.g. ``this feature requires pandas, which is not installed:
        pip install 'kamcore[pandas]'``.
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        extra = EXTRAS.get(module, module.split(".", maxsplit=1)[0])
        raise MissingOptionalDependencyError(
            f"this feature requires {module}, which is not installed: "
            f"pip install 'kamcore[{extra}]'"
        ) from None
