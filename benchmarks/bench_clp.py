"""Benchmark: closed-form CLP, stage-shaped/margin-path CLP and Markov values.

Run from the repository root::

    python benchmarks/bench_clp.py            # 10k / 100k / 1M customers
    python benchmarks/bench_clp.py --quick    # 10k / 100k only
    python benchmarks/bench_clp.py --btyd     # only: BG/NBD CLP, factored vs reference

The BG/NBD section compares :func:`customer_lifetime_profit` on the model itself
(the factored path: the period loop runs once per distinct (frequency, T)) with the
same call on a wrapper that only exposes ``expected_purchases`` and
``probability_alive_at`` (the reference path: one 2F1 per distinct history and
period), and prints the largest relative difference of the results.

Timings are the best of a few repeats (time.perf_counter); peak memory is the
tracemalloc peak of one separate call (numpy reports its buffers to tracemalloc),
inputs excluded.
"""

from __future__ import annotations

import sys
import time

import numpy as np
from _util import peak_mib

from kamcore.clp import (
    BetaGeo,
    MarkovChain,
    curve_lifetime_profit,
    customer_equity,
    customer_lifetime_profit,
    customer_lifetime_profit_interval,
    lifetime_profit,
    matrix_lifetime_profit,
    stage_lifetime_profit,
)


def best_of(fn, repeats=3):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def row(label, n, seconds, mib):
    rate = n / seconds / 1e6 if seconds > 0 else float("inf")
    print(f"{label:<46} {n:>9,} {seconds * 1e3:>10.1f} ms {rate:>8.1f} M/s {mib:>9.1f} MiB")


class _Reference:
    """Hides a model's factored form: customer_lifetime_profit takes the reference path."""

    def __init__(self, model):
        self.model = model

    def expected_purchases(self, **kw):
        return self.model.expected_purchases(**kw)

    def probability_alive_at(self, **kw):
        return self.model.probability_alive_at(**kw)


def btyd_clp(n):
    """BG/NBD per-customer CLP over 120 weekly periods: factored path vs reference path."""
    rng = np.random.default_rng(7)
    bgnbd = BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426)
    x, tx, T = bgnbd.simulate(n_customers=n, T=39.0, rng=rng)
    spend = rng.gamma(2.0, 20.0, n)
    margin = rng.uniform(-0.1, 0.4, n)
    unique = len({(a, b) for a, b in zip(x.tolist(), tx.tolist(), strict=True)})
    print(f"\nBG/NBD CLP, {n:,} customers x 120 periods, {unique:,} distinct histories")
    for basis in ("horizon", "alive"):
        for label, model in (("factored", bgnbd), ("reference", _Reference(bgnbd))):

            def run(model=model, basis=basis):
                return customer_lifetime_profit(
                    model,
                    frequency=x,
                    recency=tx,
                    T=T,
                    spend=spend,
                    margin_rate=margin,
                    cost_per_period=0.5,
                    cost_basis=basis,
                    discount_rate=0.0025,
                    n_periods=120,
                )

            start = time.perf_counter()
            res = run()
            seconds = time.perf_counter() - start
            row(f"BG/NBD CLP, cost {basis}, {label}", n, seconds, peak_mib(run))
            if label == "factored":
                fast = res
        rel = max(
            float(np.max(np.abs(getattr(fast, f) - getattr(res, f)) / np.abs(getattr(res, f))))
            for f in ("discounted_revenue", "discounted_cost", "purchases")
        )
        print(f"  largest relative difference (revenue, cost, purchases): {rel:.2e}")

    # delta-method intervals on a model fitted to 100k of these customers
    fitted = BetaGeo.fit(frequency=x[:100_000], recency=tx[:100_000], T=T[:100_000])
    cases = (
        (
            "expected_purchases_interval (t=52)",
            lambda: fitted.expected_purchases_interval(t=52.0, frequency=x, recency=tx, T=T),
        ),
        (
            "probability_alive_interval",
            lambda: fitted.probability_alive_interval(frequency=x, recency=tx, T=T),
        ),
        (
            "customer_lifetime_profit_interval (120 periods)",
            lambda: customer_lifetime_profit_interval(
                fitted,
                frequency=x,
                recency=tx,
                T=T,
                spend=spend,
                margin_rate=margin,
                discount_rate=0.0025,
                n_periods=120,
            ),
        ),
    )
    for label, fn in cases:
        start = time.perf_counter()
        fn()
        row(label, n, time.perf_counter() - start, peak_mib(fn))


def main(argv):
    if "--btyd" in argv:
        btyd_clp(1_000_000)
        return
    sizes = [10_000, 100_000] if "--quick" in argv else [10_000, 100_000, 1_000_000]
    rng = np.random.default_rng(2024)
    print(f"{'case':<46} {'n':>9} {'time':>13} {'rate':>10} {'peak':>13}")

    for n in sizes:
        margin = rng.gamma(2.0, 500.0, n)
        retention = rng.uniform(0.3, 0.97, n)
        horizon = rng.integers(1, 121, n)
        segments = rng.choice(np.array(["A", "B", "C", "D"]), n)

        def inf(margin=margin, retention=retention):
            return lifetime_profit(margin, retention, 0.1)

        def fin(margin=margin, retention=retention, horizon=horizon):
            return lifetime_profit(
                margin,
                retention,
                0.1,
                n_periods=horizon,
                timing="start",
                acquisition_cost=50.0,
                cost_to_serve=20.0,
            )

        values = inf()

        def equity(values=values, segments=segments):
            return customer_equity(values, segments=segments)

        stages = rng.choice(
            np.array(["exploration", "formation", "stability", "decline", "ended"]), n
        )

        def by_stage(stages=stages, margin=margin):
            return stage_lifetime_profit(stages, 0.1, scale=margin)

        row("closed form, infinite horizon", n, best_of(inf), peak_mib(inf))
        row("closed form, finite horizon + costs", n, best_of(fin), peak_mib(fin))
        row("customer equity, 4 segments", n, best_of(equity), peak_mib(equity))
        row("stage-shaped CLP from string stages", n, best_of(by_stage), peak_mib(by_stage))

    # ---- 1M customers x 120 periods, no n x T allocation
    n, periods = sizes[-1], 120
    level = rng.gamma(2.0, 500.0, n)
    retention = rng.uniform(0.3, 0.97, n)
    curve = np.minimum(1.0, np.arange(1, periods + 1) / 24.0)  # ramp-up then flat

    def curve_customer(level=level, curve=curve, retention=retention):
        return curve_lifetime_profit(level, curve, retention, 0.01)

    def curve_period(level=level, curve=curve):
        return curve_lifetime_profit(level, curve, np.full((1, periods), 0.98), 0.01)

    view = np.broadcast_to(level[:, None], (n, periods))  # a read-only view: no n x T buffer

    def matrix_view(view=view, retention=retention):
        return matrix_lifetime_profit(view, retention, 0.01)

    full_bytes = n * periods * 8 / 2**20
    print(
        f"\n{n:,} customers x {periods} periods; a dense n x T float64 matrix = "
        f"{full_bytes:,.0f} MiB"
    )
    row(
        f"curve CLP, per-customer retention (T={periods})",
        n,
        best_of(curve_customer, 1),
        peak_mib(curve_customer),
    )
    row(
        f"curve CLP, per-period retention (T={periods})",
        n,
        best_of(curve_period, 1),
        peak_mib(curve_period),
    )
    row(
        f"matrix CLP on a view, per-customer r (T={periods})",
        n,
        best_of(matrix_view, 1),
        peak_mib(matrix_view),
    )

    # ---- Markov chain, 5 states (grades A-D + lost)
    p = np.array(
        [
            [0.80, 0.12, 0.04, 0.02, 0.02],
            [0.15, 0.65, 0.12, 0.04, 0.04],
            [0.03, 0.15, 0.60, 0.12, 0.10],
            [0.01, 0.04, 0.15, 0.55, 0.25],
            [0.00, 0.00, 0.00, 0.00, 1.00],
        ]
    )
    chain = MarkovChain(
        p, [500.0, 250.0, 100.0, 20.0, 0.0], 0.1, states=("A", "B", "C", "D", "lost")
    )
    print()
    t_inf = best_of(chain.value, 50)
    t_fin = best_of(lambda: chain.value(n_periods=120), 20)
    print(f"{'Markov value, 5 states, infinite (solve)':<46} {t_inf * 1e6:>21.1f} us")
    print(f"{'Markov value, 5 states, T = 120 (Horner)':<46} {t_fin * 1e6:>21.1f} us")
    grades = rng.choice(np.array(chain.states), n)

    def per_customer(grades=grades):
        return chain.customer_value(grades)

    row(
        "Markov value per customer (string states)",
        n,
        best_of(per_customer),
        peak_mib(per_customer),
    )
    btyd_clp(n)


if __name__ == "__main__":
    main(sys.argv[1:])
