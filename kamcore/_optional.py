"""Lazy imports of optional dependencies, with the pip command in the error."""

from __future__ import annotations

import contextlib
import functools
import importlib
from types import ModuleType
from typing import Any, Final, cast

from kamcore.errors import MissingOptionalDependencyError

__all__ = ["require", "single_threaded_blas"]

#: optional module -> the kamcore extra that installs it
EXTRAS: Final[dict[str, str]] = {
    "pandas": "pandas",
    "polars": "polars",
    "pyarrow": "arrow",
    "narwhals": "pandas",
    "matplotlib": "plot",
    "matplotlib.pyplot": "plot",
    "threadpoolctl": "fast",
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


@functools.cache
def _blas_controller() -> Any:
    """Return the threadpoolctl controller (built once, ~7 ms), or None without threadpoolctl."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return None
    return ThreadpoolController()


def single_threaded_blas() -> contextlib.AbstractContextManager[Any]:
    """Limit BLAS to one thread while a small optimisation runs (a no-op without threadpoolctl).

    SciPy's L-BFGS-B calls its bundled OpenBLAS on tiny matrices; when the
    machine's cores are busy, waking OpenBLAS's worker threads stalls a call for
    up to ~100 ms, which made 5 ms fits take 150 ms on a loaded 2-core machine.
    One thread is always enough for these sizes. ``threadpoolctl`` (in the
    ``all`` and ``dev`` extras) is optional: without it nothing is limited.
    """
    controller = _blas_controller()
    if controller is None:
        return contextlib.nullcontext()
    return cast(contextlib.AbstractContextManager[Any], controller.limit(limits=1, user_api="blas"))
