"""Benchmark: field-level access (redacted portfolios and views) and the funnel metrics.

Run from the repository root::

    python benchmarks/bench_access.py            # 10k / 100k / 1M rows
    python benchmarks/bench_access.py --quick    # 10k / 100k only

``AccessPolicy.redact`` runs on N accounts with the 19 columns of
``Portfolio.from_customers`` plus 4 others (3 KPI columns, 1 column no tier
lists), for each built-in role;
``AccessPolicy.view`` on N // 100 Customer objects (10k at 1M) with every
money figure set; ``pipeline_value`` and ``funnel_conversion`` on N
opportunities. Each figure is the best of ``--repeat`` wall-clock runs
(time.perf_counter) and the peak traced memory of one extra run
(tracemalloc).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import numpy as np
from _util import time_and_peak as measure

from kamcore import Portfolio
from kamcore._portfolio import CUSTOMER_FACT_COLUMNS, CUSTOMER_MONEY_COLUMNS
from kamcore.access import AccessPolicy
from kamcore.domain import Customer, Money
from kamcore.metrics import funnel_conversion, pipeline_value


def account_portfolio(n: int, rng: np.random.Generator) -> Portfolio:
    ids = np.char.add("c", np.arange(n).astype(str))
    cols: dict[str, Any] = {
        "name": np.char.add("Account ", np.arange(n).astype(str)),
        "industry": rng.choice(np.array(["printing", "automotive", "food"]), n),
        "region": rng.choice(np.array(["north", "south"]), n),
    }
    for name in CUSTOMER_MONEY_COLUMNS:
        cols[name] = rng.gamma(2.0, 50_000.0, n)
    for name in CUSTOMER_FACT_COLUMNS:
        cols[name] = rng.integers(0, 5, n).astype(np.int8)
    cols["grade"] = rng.choice(np.array(["A", "B", "C", "D"]), n)
    cols["score"] = rng.random(n)
    cols["churn_risk"] = rng.random(n)
    cols["internal_note"] = rng.choice(np.array(["x", "y"]), n)
    return Portfolio.from_columns(
        ids,
        cols,
        currencies=dict.fromkeys(CUSTOMER_MONEY_COLUMNS, "EUR"),
        nullable=CUSTOMER_MONEY_COLUMNS,
    )


def customers(n: int, rng: np.random.Generator) -> list[Customer]:
    amounts = rng.integers(1, 10**7, (n, len(CUSTOMER_MONEY_COLUMNS)))
    return [
        Customer(
            f"c{i}",
            f"Account {i}",
            industry="printing",
            **{
                name: Money(Decimal(int(a)), "EUR")
                for name, a in zip(CUSTOMER_MONEY_COLUMNS, row, strict=True)
            },
        )
        for i, row in enumerate(amounts)
    ]


def opportunities(n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    stage = rng.choice(5, n, p=[0.35, 0.25, 0.15, 0.15, 0.10])
    lost_from = np.where(stage == 4, rng.integers(0, 3, n), -1)
    return {
        "stage": stage,
        "amount": rng.gamma(2.0, 20_000.0, n),
        "probability": rng.random(n),
        "lost_from": lost_from,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
    rng = np.random.default_rng(2026)
    policy = AccessPolicy.default()
    rows = []
    for size in sizes:
        p = account_portfolio(size, rng)
        for role in policy.role_names:
            t, mem = measure(lambda p=p, role=role: policy.redact(p, role), args.repeat)
            kept = len(policy.redact(p, role).column_names)
            rows.append(
                (f"redact, role {role} ({kept}/{len(p.column_names)} columns)", size, t, mem)
            )
        objs = customers(size // 100, rng)
        for role in ("sales", "executive"):
            t, mem = measure(
                lambda objs=objs, role=role: [policy.view(c, role) for c in objs], args.repeat
            )
            rows.append((f"view, role {role} (Customer objects)", len(objs), t, mem))
        opp = opportunities(size, rng)
        cases: dict[str, Callable[[], Any]] = {
            "pipeline_value": lambda o=opp: pipeline_value(
                o["stage"], o["amount"], o["probability"]
            ),
            "funnel_conversion": lambda o=opp: funnel_conversion(o["stage"], o["lost_from"]),
        }
        for name, fn in cases.items():
            t, mem = measure(fn, args.repeat)
            rows.append((f"{name} (opportunities)", size, t, mem))
    print("| case | rows | best time | peak traced memory |")
    print("|---|---|---|---|")
    for name, n, t, mem in rows:
        print(f"| {name} | {n:,} | {t * 1e3:,.3f} ms | {mem:,.2f} MiB |")


if __name__ == "__main__":
    main()
