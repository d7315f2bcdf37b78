"""Benchmark: KAM metrics, lifecycle stage detection and budget allocation.

Run from the repository root::

    python benchmarks/bench_metrics.py            # 10k / 100k / 1M rows
    python benchmarks/bench_metrics.py --quick    # 10k / 100k only

Transaction-log metrics run on M transactions from M/10 customers over three
years (monthly periods); stage detection on N accounts x 12 periods;
allocation on N accounts with exponential response curves and a minimum per
grade. Each figure is the best of ``--repeat`` wall-clock runs
(time.perf_counter) and the peak traced memory of one extra run (tracemalloc).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

import numpy as np
from _util import time_and_peak as measure

from kamcore.allocation import ExponentialResponse, allocate, service_minimums
from kamcore.lifecycle import detect_stages
from kamcore.loyalty import cross_sell
from kamcore.metrics import cohort_retention, order_cycles, period_metrics, period_values


def transaction_log(m: int, rng: np.random.Generator) -> dict[str, Any]:
    n_cust = max(m // 10, 1)
    ids = np.char.add("c", rng.integers(0, n_cust, m).astype(str)).astype("U8")
    days = rng.integers(0, 3 * 365, m)
    dates = np.datetime64("2022-01-01") + days.astype("timedelta64[D]")
    amounts = rng.gamma(2.0, 50.0, m)
    main = rng.random(m) < 0.7
    return {"ids": ids, "dates": dates, "amounts": amounts, "main": main}


def series(n: int, rng: np.random.Generator) -> np.ndarray:
    t = np.arange(12.0)
    base = rng.uniform(50, 500, n)[:, None]
    trend = rng.normal(0, 0.05, n)[:, None] * base
    x = base + trend * t + rng.normal(0, 5, (n, 12))
    start = rng.integers(0, 12, n)
    x[t[None, :] < start[:, None]] = 0.0
    return np.maximum(x, 0.0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    sizes = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
    rng = np.random.default_rng(2024)
    rows = []
    for size in sizes:
        log = transaction_log(size, rng)
        cases: dict[str, Callable[[], Any]] = {
            "period_metrics (M)": lambda log=log: period_metrics(
                log["ids"], log["dates"], log["amounts"], freq="M"
            ),
            "cohort_retention (M)": lambda log=log: cohort_retention(
                log["ids"], log["dates"], freq="M"
            ),
            "order_cycles": lambda log=log: order_cycles(log["ids"], log["dates"]),
            "cross_sell": lambda log=log: cross_sell(log["ids"], log["amounts"], log["main"]),
            "period_values (Q)": lambda log=log: period_values(
                log["ids"], log["dates"], log["amounts"], freq="Q"
            ),
        }
        for name, fn in cases.items():
            t, mem = measure(fn, args.repeat)
            rows.append((name, f"{size:,} tx", t, mem))
        x = series(size, rng)
        t, mem = measure(lambda x=x: detect_stages(x), args.repeat)
        rows.append(("detect_stages (x12)", f"{size:,} acc", t, mem))
        curve = ExponentialResponse(rng.uniform(100, 10_000, size), rng.uniform(0.01, 0.5, size))
        grades = rng.choice(np.array(["A", "B", "C", "D"]), size, p=[0.05, 0.15, 0.3, 0.5])
        mins = service_minimums(grades, {"A": 12.0, "B": 6.0, "C": 2.0, "D": 0.0})
        budget = float(mins.sum()) * 1.5
        t, mem = measure(lambda c=curve, b=budget, m=mins: allocate(c, b, minimum=m), args.repeat)
        rows.append(("allocate kkt (exp)", f"{size:,} acc", t, mem))
    print(f"{'operation':<24} {'rows':>14} {'time [s]':>10} {'peak [MiB]':>11}")
    for name, size_s, t, mem in rows:
        print(f"{name:<24} {size_s:>14} {t:>10.3f} {mem:>11.1f}")


if __name__ == "__main__":
    main()
