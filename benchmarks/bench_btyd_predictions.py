"""Per-customer predictions of the repeat-buying models at 1M rows (best of 3).

Run from the project root::

    PYTHONPATH=$PWD python benchmarks/bench_btyd_predictions.py

Data: 1,000,000 simulated histories (seeded): BG/NBD and MBG/NBD customers with
ages of whole days between 27 and 39 weeks, Poisson(1) repeat purchases and
recencies of whole days; BG/BB donors with 6 opportunities. Parameters: the
published CDNOW and donation estimates, plus BG/NBD with ``a = 1000`` (the
kernel's large-``a`` series). The BG/BB new-customer case draws horizons of 1 to
99 opportunities.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from kamcore.clp import BetaGeo, BetaGeoBetaBinom, ModifiedBetaGeo

N = 1_000_000


def _best(f: Callable[[], Any], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    rng = np.random.default_rng(0)
    T = rng.integers(27 * 7, 39 * 7 + 1, N) / 7.0
    x = rng.poisson(1.0, N)
    tx = np.where(x > 0, np.floor(rng.uniform(0, 1, N) * T * 7) / 7.0, 0.0)
    tx = np.where((x > 0) & (tx == 0), 1 / 7, tx)
    bx = rng.integers(0, 7, N)
    btx = np.where(bx > 0, np.maximum(bx, rng.integers(0, 7, N)), 0)
    bn = np.full(N, 6)
    horizons = rng.integers(1, 100, N)
    bg = BetaGeo(0.243, 4.414, 0.793, 2.426)
    bg_big_a = BetaGeo(0.243, 4.414, 1e3, 2.426)
    mbg = ModifiedBetaGeo(0.525, 6.183, 0.891, 1.614)
    bb = BetaGeoBetaBinom(1.204, 0.75, 0.657, 2.783)
    cases: dict[str, Callable[[], Any]] = {
        "BG/NBD expected_purchases(t=52)": lambda: bg.expected_purchases(
            t=52.0, frequency=x, recency=tx, T=T
        ),
        "MBG/NBD expected_purchases(t=52)": lambda: mbg.expected_purchases(
            t=52.0, frequency=x, recency=tx, T=T
        ),
        "BG/NBD a=1000 expected_purchases(t=52)": lambda: bg_big_a.expected_purchases(
            t=52.0, frequency=x, recency=tx, T=T
        ),
        "BG/BB expected_purchases(t=5)": lambda: bb.expected_purchases(
            t=5, frequency=bx, recency=btx, T=bn
        ),
        "BG/BB expected_purchases_new(1..99)": lambda: bb.expected_purchases_new(horizons),
    }
    for name, f in cases.items():
        print(f"{name}: {_best(f):.3f} s")


if __name__ == "__main__":
    main()
