"""Benchmark: BG/BB, Gamma-Gamma and sBG fits; per-customer CLP over 1M customers x 120 periods.

Run from the repository root::

    python benchmarks/bench_models.py            # published data + 10k / 100k / 1M rows
    python benchmarks/bench_models.py --quick    # skip the 1M-row cases

Fits are timed once (a fit is seconds, not microseconds) after a warm-up on the
published data; peak memory is the tracemalloc peak of one separate call, inputs
excluded. Simulated data come from the models' own simulators with a fixed seed.
"""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path

import numpy as np
from _util import peak_mib

from kamcore.clp import (
    BetaGeo,
    BetaGeoBetaBinom,
    GammaGamma,
    ShiftedBetaGeometric,
    customer_lifetime_profit,
)

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


def timed(fn, repeats=1):
    best = float("inf")
    out = None
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def row(label, n, seconds, mib, note=""):
    print(f"| {label} | {n:,} | {seconds * 1e3:,.1f} ms | {mib:,.1f} MiB | {note} |", flush=True)


def read(name):
    with (DATA / name).open() as fh:
        return list(csv.DictReader(fh))


def published() -> None:
    print("\n## Fits on the published data\n")
    print("| case | rows | time | peak | result |\n|---|---|---|---|---|")
    don = read("donations.csv")
    x = np.array([int(r["frequency"]) for r in don])
    tx = np.array([int(r["recency"]) for r in don])
    w = np.array([int(r["weights"]) for r in don])
    BetaGeoBetaBinom.fit(frequency=x, recency=tx, T=6, weights=w)  # warm-up
    sec, m = timed(lambda: BetaGeoBetaBinom.fit(frequency=x, recency=tx, T=6, weights=w), repeats=3)
    mib = peak_mib(lambda: BetaGeoBetaBinom.fit(frequency=x, recency=tx, T=6, weights=w))
    row(
        "BG/BB donations (22 patterns, 11,104 donors)",
        22,
        sec,
        mib,
        f"LL {m.fit_report.log_likelihood:.1f}",
    )
    cd = read("cdnow_customers_summary_with_transactions.csv")
    fx = np.array([int(r["x"]) for r in cd])
    z = np.array([float(r["zbar"]) for r in cd])
    sec, g = timed(
        lambda: GammaGamma.fit(frequency=fx, average_spend=z, exclude_zero_frequency=True),
        repeats=3,
    )
    mib = peak_mib(
        lambda: GammaGamma.fit(frequency=fx, average_spend=z, exclude_zero_frequency=True)
    )
    row(
        "Gamma-Gamma CDNOW (946 repeat buyers)",
        2357,
        sec,
        mib,
        f"LL {g.fit_report.log_likelihood:.1f}",
    )
    surv = read("sbg_survivors.csv")
    counts = [int(r["regular"]) for r in surv]
    sec, s = timed(lambda: ShiftedBetaGeometric.fit_survivors(counts), repeats=3)
    mib = peak_mib(lambda: ShiftedBetaGeometric.fit_survivors(counts))
    row("sBG survivors, regular (8 counts)", 8, sec, mib, f"alpha {s.alpha:.3f} beta {s.beta:.3f}")


def simulated(sizes) -> None:
    print("\n## Fits on simulated rows (collapse on, the default)\n")
    print("| case | rows | time | peak | unique rows |\n|---|---|---|---|---|")
    rng = np.random.default_rng(20100)
    bgbb = BetaGeoBetaBinom(alpha=1.2, beta=0.75, gamma=0.66, delta=2.8)
    gg = GammaGamma(p=6.25, q=3.74, gamma=15.44)
    sbg = ShiftedBetaGeometric(alpha=0.7, beta=1.2)
    for n in sizes:
        x, tx, periods = bgbb.simulate(n_customers=n, T=6, rng=rng)
        sec, m = timed(
            lambda x=x, tx=tx, periods=periods: BetaGeoBetaBinom.fit(
                frequency=x, recency=tx, T=periods
            )
        )
        mib = peak_mib(
            lambda x=x, tx=tx, periods=periods: BetaGeoBetaBinom.fit(
                frequency=x, recency=tx, T=periods
            )
        )
        row("BG/BB, 6 opportunities", n, sec, mib, f"{m.fit_report.n_rows}")
        freq = rng.integers(1, 11, n)
        zbar = np.round(gg.simulate(freq, rng=rng), 2)  # spend in cents: real data repeat
        sec, g = timed(
            lambda freq=freq, zbar=zbar: GammaGamma.fit(frequency=freq, average_spend=zbar)
        )
        mib = peak_mib(
            lambda freq=freq, zbar=zbar: GammaGamma.fit(frequency=freq, average_spend=zbar)
        )
        row("Gamma-Gamma, spend rounded to cents", n, sec, mib, f"{g.fit_report.n_rows:,}")
        d, c = sbg.simulate(n_customers=n, rng=rng, n_periods=12)
        sec, s = timed(lambda d=d, c=c: ShiftedBetaGeometric.fit(durations=d, censored=c))
        mib = peak_mib(lambda d=d, c=c: ShiftedBetaGeometric.fit(durations=d, censored=c))
        row("sBG, durations censored at 12", n, sec, mib, f"{s.fit_report.n_rows}")
    n = sizes[0]
    x, tx, periods = bgbb.simulate(n_customers=n, T=6, rng=rng)
    sec, _ = timed(lambda: BetaGeoBetaBinom.fit(frequency=x, recency=tx, T=periods, collapse=False))
    row(
        "BG/BB, 6 opportunities, collapse=False",
        n,
        sec,
        peak_mib(lambda: BetaGeoBetaBinom.fit(frequency=x, recency=tx, T=periods, collapse=False)),
        f"{n:,}",
    )


def clp(n) -> None:
    print(f"\n## Per-customer CLP, {n:,} customers x 120 periods\n")
    print("| case | customers | time | peak | note |\n|---|---|---|---|---|")
    rng = np.random.default_rng(7)
    bgnbd = BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426)
    x, tx, T = bgnbd.simulate(n_customers=n, T=39.0, rng=rng)
    spend = rng.gamma(2.0, 20.0, n)
    margin = rng.uniform(-0.1, 0.4, n)

    def run_bgnbd():
        return customer_lifetime_profit(
            bgnbd,
            frequency=x,
            recency=tx,
            T=T,
            spend=spend,
            margin_rate=margin,
            cost_per_period=0.5,
            cost_basis="horizon",
            discount_rate=0.0025,
            n_periods=120,
            period_length=1.0,
        )

    sec, res = timed(run_bgnbd)
    unique = len({(a, b) for a, b in zip(x.tolist(), tx.tolist(), strict=True)})
    row(
        "BG/NBD (weekly), every recency distinct",
        n,
        sec,
        peak_mib(run_bgnbd),
        f"{unique:,} distinct histories; n x T matrix would be {n * 120 * 8 / 2**20:,.0f} MiB",
    )

    bgbb = BetaGeoBetaBinom(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783)
    bx, btx, bn = bgbb.simulate(n_customers=n, T=6, rng=rng)
    gg = GammaGamma(p=6.25, q=3.74, gamma=15.44)
    z = np.where(bx > 0, gg.simulate(bx, rng=rng), 0.0)

    def run_bgbb():
        return customer_lifetime_profit(
            bgbb,
            frequency=bx,
            recency=btx,
            T=bn,
            spend_model=gg,
            average_spend=z,
            margin_rate=margin,
            cost_per_period=0.5,
            discount_rate=0.05,
            n_periods=120,
        )

    sec, _ = timed(run_bgbb)
    row(
        "BG/BB + Gamma-Gamma, cost while alive", n, sec, peak_mib(run_bgbb), "28 distinct histories"
    )
    _ = res


def main() -> None:
    quick = "--quick" in sys.argv
    sizes = [10_000, 100_000] if quick else [10_000, 100_000, 1_000_000]
    published()
    simulated(sizes)
    clp(100_000 if quick else 1_000_000)


if __name__ == "__main__":
    main()
