"""Benchmark: switching-cost barrier index and attraction-barrier retention.

Run from the repository root:

    python benchmarks/bench_loyalty.py            # 10k, 100k, 1M accounts
    python benchmarks/bench_loyalty.py 1000000    # one size

For each size it times (best of 3, time.perf_counter) and measures the peak
traced memory (tracemalloc, numpy allocations included) of:

- barrier_index on an N x 8 strength matrix plus an N x 8 money matrix;
- barrier_index_long on 3 components per account (3N rows, facet codes);
- totals_by_kind on the same long form;
- RetentionModel.retention on N accounts;
- RetentionModel.fit on N simulated outcomes (4 coefficients, SEs);
- attraction_barrier_matrix with mean splits;
- share_of_wallet.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import numpy as np
from _util import time_and_peak as measure

from kamcore.loyalty import RetentionModel, attraction_barrier_matrix, share_of_wallet
from kamcore.switching import barrier_index, barrier_index_long, totals_by_kind


def run(n: int) -> None:
    rng = np.random.default_rng(2024)
    strengths = rng.uniform(0, 1, (n, 8)) * (rng.random((n, 8)) < 0.4)
    money = rng.gamma(2.0, 10_000.0, (n, 8)) * (rng.random((n, 8)) < 0.3)
    rows = 3 * n
    accounts = np.repeat(np.arange(n, dtype=np.int64), 3)
    facets = rng.integers(0, 8, rows)
    strength_long = rng.uniform(0, 1, rows)
    money_long = rng.gamma(2.0, 10_000.0, rows)
    attraction = rng.uniform(-6, 6, n)
    barrier = rng.uniform(0, 1, n)
    model = RetentionModel()
    retained = rng.random(n) < model.retention(attraction=attraction, barrier=barrier)
    ours = rng.uniform(0, 100, n)
    category = ours + rng.uniform(0, 100, n)

    cases: dict[str, Callable[[], Any]] = {
        "barrier_index (N x 8, strength+money)": lambda: barrier_index(
            strengths, money=money, scale=50_000.0
        ),
        "barrier_index_long (3N rows)": lambda: barrier_index_long(
            accounts,
            facets,
            strength=strength_long,
            money=money_long,
            scale=50_000.0,
            n_accounts=n,
        ),
        "totals_by_kind (3N rows)": lambda: totals_by_kind(
            accounts, facets, money_long, n_accounts=n
        ),
        "RetentionModel.retention": lambda: model.retention(attraction=attraction, barrier=barrier),
        "RetentionModel.fit": lambda: RetentionModel.fit(
            attraction=attraction, barrier=barrier, retained=retained
        ),
        "attraction_barrier_matrix": lambda: attraction_barrier_matrix(attraction, barrier),
        "share_of_wallet": lambda: share_of_wallet(ours, category),
    }
    for name, fn in cases.items():
        seconds, peak = measure(fn, repeat=1 if name == "RetentionModel.fit" and n >= 10**6 else 3)
        print(f"{n:>9,d}  {name:<40s} {seconds * 1e3:10.1f} ms  {peak:9.1f} MiB peak")


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [10_000, 100_000, 1_000_000]
    print(f"{'N':>9s}  {'case':<40s} {'time':>13s}  {'memory':>14s}")
    for n in sizes:
        run(n)


if __name__ == "__main__":
    main(sys.argv[1:])
