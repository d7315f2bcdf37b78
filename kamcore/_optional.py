"""Lazy imports of optional dependencies, with the pip command in the error."""

from __future__ import annotations

import contextlib
import functools
import importlib
import threading
from collections.abc import Iterator
from types import ModuleType
from typing import Any, Final

from kamcore.errors import MissingOptionalDependencyError

__all__ = ["require", "single_threaded_blas"]

#: optional module -> the kamcore extra that installs it
EXTRAS: Final[dict[str, str]] = {
    "pandas": "pandas",
    "polars": "polars",
    "pyarrow": "arrow",
    "pyarrow.parquet": "arrow",
    "narwhals": "pandas",
    "matplotlib": "plot",
    "matplotlib.pyplot": "plot",
    "matplotlib.figure": "plot",
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


_BLAS_LOCK: Final = threading.Lock()


class _BlasScope:
    """Process-wide state of :func:`single_threaded_blas`: users and the active limiter."""

    users: int = 0
    limiter: Any = None


def _release_openblas_control() -> None:
    """Let any thread change OpenBLAS's limits next (threadpoolctl >= 3.7 has an owner).

    Recent threadpoolctl lets only one "controlling" thread change a shared
    OpenBLAS pool and silently ignores the others; the last user to leave may
    be another thread than the first, so control is released around each change.
    """
    try:
        from threadpoolctl import OpenBLASController
    except ImportError:  # pragma: no cover - threadpoolctl without OpenBLAS support
        return
    clear = getattr(OpenBLASController, "clear_controlling_thread", None)
    if clear is not None:
        clear(force=True)


@contextlib.contextmanager
def _limited_blas(controller: Any) -> Iterator[Any]:
    # BLAS thread limits are process-wide, so nested and concurrent contexts
    # share one limiter: the first user applies it, the last one to leave
    # restores the limits found when the first entered (reference counting
    # under a lock).
    with _BLAS_LOCK:
        if _BlasScope.users == 0:
            _release_openblas_control()
            _BlasScope.limiter = controller.limit(limits=1, user_api="blas")
        _BlasScope.users += 1
        limiter = _BlasScope.limiter
    try:
        yield limiter
    finally:
        with _BLAS_LOCK:
            _BlasScope.users -= 1
            if _BlasScope.users == 0:
                _BlasScope.limiter = None
                _release_openblas_control()
                limiter.restore_original_limits()
                _release_openblas_control()


def single_threaded_blas() -> contextlib.AbstractContextManager[Any]:
    """Limit BLAS to one thread while a small optimisation runs (a no-op without threadpoolctl).

    SciPy's L-BFGS-B calls its bundled OpenBLAS on tiny matrices; when the
    machine's cores are busy, waking OpenBLAS's worker threads stalls a call for
    up to ~100 ms, which made 5 ms fits take 150 ms on a loaded 2-core machine.
    One thread is always enough for these sizes. ``threadpoolctl`` (in the
    ``all`` and ``dev`` extras) is optional: without it nothing is limited.

    The limit is process-wide, so the context is reference-counted: nested or
    concurrent uses (fits in several threads) share one limit, and the
    original thread counts come back when the last user leaves.
    """
    controller = _blas_controller()
    if controller is None:
        return contextlib.nullcontext()
    return _limited_blas(controller)
