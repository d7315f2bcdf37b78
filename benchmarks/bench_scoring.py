"""Benchmark every built-in scorer against a plain numpy baseline doing the same arithmetic.

Run: ``python benchmarks/bench_scoring.py`` (``--quick`` skips 1M rows).

The baseline of each strategy is the bare numpy arithmetic on the already
extracted columns (no validation, no result object); the ratio is
scorer time / baseline time (target: within 2x).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import measure

from kamcore._portfolio import CUSTOMER_FACT_COLUMNS
from kamcore.scoring import get_scorer
from kamcore.testing import example_portfolio

AS_OF = "2025-06-30"


def _classify(x, thresholds):
    codes = np.zeros(x.shape, dtype=np.int8)
    for t in thresholds:
        codes += x < t
    return codes


def base_rubric(p):
    score = np.zeros(len(p))
    pts = np.array([1.0, 4.0, 3.0, 2.0, 1.0])
    for c, cuts in (
        ("profit_last_year", [30e3, 100e3, 300e3]),
        ("sales_last_year", [50e3, 500e3, 1e6]),
        ("expected_sales", [50e3, 500e3, 1e6]),
    ):
        lv = 4 - np.searchsorted(cuts, p[c], side="left")
        score += pts[lv] / 13
    for c in CUSTOMER_FACT_COLUMNS:
        score += pts[p[c]] / 13
    return _classify(score, (3.25, 2.5, 1.75))


def base_pareto(p):
    v = p["sales_last_year"]
    s = np.sort(v)
    c = np.cumsum(s)
    right = np.searchsorted(s, s, side="right")
    share = (c[-1] - c[right - 1]) / c[-1]
    n = s.size
    t = [s[n - np.count_nonzero(share < cut)] for cut in (0.8, 0.95)]
    return _classify(v, t)


def base_pyramid(p):
    v = p["sales_last_year"]
    s = np.sort(v)
    above = s.size - np.searchsorted(s, s, side="right")
    n = s.size
    t = [s[n - np.count_nonzero(above < cut * n)] for cut in (0.01, 0.2, 0.5)]
    return _classify(v, t)


def base_classes(p):
    c, pot = p["sales_last_year"], p["expected_sales"]
    cs = np.sort(c)
    tc, tp = cs.mean(), pot.mean()
    k = np.searchsorted(cs, tc)
    tcore, tsmall = cs[k:].mean(), cs[:k].mean()
    return np.where(
        c >= tc, np.where(c >= tcore, 0, 1), np.where(pot >= tp, 2, np.where(c >= tsmall, 3, 4))
    )


def base_rfm(p):
    out = []
    for col, lower in (("recency", True), ("frequency", False), ("monetary", False)):
        v = p[col]
        s = np.sort(v)
        n = s.size
        if lower:
            above = n - np.searchsorted(s, s, side="right")
            edges = [s[np.count_nonzero(5 * above >= k * n) - 1] for k in range(1, 5)]
            q = 1 + sum((v <= e) for e in edges)
        else:
            below = np.searchsorted(s, s, side="left")
            edges = [s[np.count_nonzero(5 * below < k * n)] for k in range(1, 5)]
            q = 1 + sum((v >= e) for e in edges)
        out.append(q)
    r, f, m = out
    return 100.0 * r + 10.0 * f + m


def base_clp(p):
    m, r = p["margin"], p["retention"]
    return m * r / (1.1 - r)


def base_churn(p):
    risk = np.zeros(len(p))
    for col, fires in (
        ("order_volume_change", lambda x: x <= -0.1),
        ("order_cycle_change", lambda x: x >= 0.2),
        ("sow_change", lambda x: x <= -0.05),
        ("satisfaction_gap", lambda x: x < 0),
        ("complaints", lambda x: x >= 1),
        ("days_late", lambda x: x >= 30),
    ):
        risk += fires(p[col]) / 6
    return 1 - risk


BASELINES = {
    "rubric": base_rubric,
    "pareto": base_pareto,
    "pyramid": base_pyramid,
    "classes": base_classes,
    "rfm": base_rfm,
    "clp": base_clp,
    "churn_risk": base_churn,
}


def main() -> None:
    sizes = [10_000, 100_000] if "--quick" in sys.argv else [10_000, 100_000, 1_000_000]
    print("| scorer | n | kamcore | numpy baseline | ratio | peak (kamcore) |")
    print("|---|---|---|---|---|---|")
    for n in sizes:
        p = example_portfolio(n, rng=np.random.default_rng(n))
        for name, base in BASELINES.items():
            scorer = get_scorer(name)
            t, peak, _ = measure(lambda s=scorer, q=p: s.score(q, as_of=AS_OF))
            tb, _, _ = measure(lambda b=base, q=p: b(q))
            print(
                f"| {name} | {n:,} | {t * 1e3:,.1f} ms | {tb * 1e3:,.1f} ms | {t / tb:.2f}x "
                f"| {peak:,.1f} MiB |",
                flush=True,
            )


if __name__ == "__main__":
    main()
