"""Benchmark: SERVQUAL survey evaluation at 10k / 100k / 1M responses x 22 items.

Run from the repository root:

    python benchmarks/bench_satisfaction.py            # 10k, 100k, 1M respondents
    python benchmarks/bench_satisfaction.py --quick    # 10k, 100k only
    python benchmarks/bench_satisfaction.py 1000000    # one size

Data: N respondents answering the 22-item SERVQUAL instrument on a 1-7 scale
(perception and expectation), 2 % of the answers missing (NaN), N / 10
customers (ids ``"C0000123"``), importance points per respondent. For each
size it times (best of 3, ``time.perf_counter``) and measures the peak traced
memory (tracemalloc, numpy buffers included, inputs excluded) of:

- building ``SurveyResponses`` (validation + read-only copies);
- ``SatisfactionModel().evaluate`` (equal weights), and with ``weights="points"``;
- ``SatisfactionModel().evaluate_servperf``;
- ``reliability`` (Cronbach's alpha per dimension, listwise);
- ``SatisfactionResult.customer_columns`` is free (views), so it is not timed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import numpy as np
from _util import time_and_peak as measure

from kamcore.satisfaction import Instrument, SatisfactionModel, SurveyResponses, reliability


def data(n: int) -> dict[str, Any]:
    rng = np.random.default_rng(2024)
    p = rng.integers(1, 8, (n, 22)).astype(np.float64)
    e = rng.integers(1, 8, (n, 22)).astype(np.float64)
    p[rng.random((n, 22)) < 0.02] = np.nan
    e[rng.random((n, 22)) < 0.02] = np.nan
    customers = np.char.add("C", np.char.zfill(rng.integers(0, max(n // 10, 1), n).astype(str), 7))
    points = rng.dirichlet(np.ones(5), n) * 100
    return {"p": p, "e": e, "customers": customers, "points": points}


def run(n: int) -> None:
    inst = Instrument.servqual()
    d = data(n)

    def build() -> SurveyResponses:
        return SurveyResponses(
            inst, d["customers"], d["p"], expectation=d["e"], importance=d["points"]
        )

    responses = build()
    equal = SatisfactionModel()
    points = SatisfactionModel(weights="points")
    cases: list[tuple[str, Callable[[], Any]]] = [
        ("SurveyResponses (validate + copy)", build),
        ("evaluate, equal weights", lambda: equal.evaluate(responses)),
        ("evaluate, weights='points'", lambda: points.evaluate(responses)),
        ("evaluate_servperf", lambda: equal.evaluate_servperf(responses)),
        ("reliability (alpha x 5)", lambda: reliability(responses)),
    ]
    res = equal.evaluate(responses)
    print(f"\nN = {n:,} respondents x 22 items, {res.customer_ids.size:,} customers")
    for label, fn in cases:
        repeat = 1 if n >= 1_000_000 else 3
        secs, peak = measure(fn, repeat=repeat)
        print(f"| {label} | {n:,} | {secs * 1e3:,.0f} ms | {peak:,.0f} MiB |")


def main(argv: list[str]) -> None:
    if any(a.isdigit() for a in argv):
        sizes = [int(a) for a in argv if a.isdigit()]
    elif "--quick" in argv:
        sizes = [10_000, 100_000]
    else:
        sizes = [10_000, 100_000, 1_000_000]
    for n in sizes:
        run(n)


if __name__ == "__main__":
    main(sys.argv[1:])
