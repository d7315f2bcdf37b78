"""Small timing and memory helpers shared by the benchmark scripts."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from typing import Any


def peak_mib(fn: Callable[[], Any]) -> float:
    """Return the peak memory traced by ``tracemalloc`` during one call of ``fn``, in MiB."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def measure(fn: Callable[[], Any], *, repeat: int = 3) -> tuple[float, float, Any]:
    """Return (best wall seconds over ``repeat`` runs, peak traced MiB of one run, result)."""
    best = float("inf")
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, peak_mib(fn), result


def time_and_peak(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, float]:
    """Return (best wall seconds over ``repeat`` runs, peak traced MiB of one run)."""
    best, peak, _ = measure(fn, repeat=repeat)
    return best, peak


def row(label: str, seconds: float, peak_mib: float, extra: str = "") -> str:
    """Format one result line (also a Markdown table row)."""
    return f"| {label} | {seconds * 1e3:,.1f} ms | {peak_mib:,.1f} MiB | {extra} |"
