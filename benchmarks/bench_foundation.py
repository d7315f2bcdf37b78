"""Foundation benchmarks: Portfolio construction and the transaction-log summary.

Run: ``python benchmarks/bench_foundation.py`` (from the project root, with
kamcore installed). Prints a Markdown table; figures are recorded in
benchmarks/README.md.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np
from _util import measure, row

from kamcore import Portfolio
from kamcore.transactions import summarize_transactions

ROOT = Path(__file__).resolve().parents[1]
MASTER = ROOT / "tests" / "data" / "CDNOW_master.txt"


def bench_from_columns(n: int) -> str:
    rng = np.random.default_rng(0)
    ids = np.char.add("C", np.arange(n).astype(str))
    cols = {
        "revenue": rng.gamma(2.0, 1000.0, n),
        "margin": rng.normal(100.0, 50.0, n),
        "orders": rng.poisson(5, n),
        "region": rng.choice(np.array(["north", "south", "east", "west"]), n),
    }
    t, mem, _ = measure(lambda: Portfolio.from_columns(ids, cols, currencies={"revenue": "EUR"}))
    return row(f"Portfolio.from_columns, {n:,} customers, 4 columns", t, mem)


def bench_from_customers(n: int) -> str:
    from kamcore.domain import CreditRecord, Customer, LoyaltyLevel, Money

    customers = [
        Customer(
            id=f"C{i}",
            name=f"Customer {i}",
            industry="machinery",
            sales_last_year=Money(Decimal(1000 + i), "CNY"),
            credit_record=CreditRecord.from_level(1 + i % 4),
            loyalty=LoyaltyLevel.from_level(1 + (i // 3) % 4),
        )
        for i in range(n)
    ]
    t, mem, _ = measure(lambda: Portfolio.from_customers(customers), repeat=2)
    return row(f"Portfolio.from_customers, {n:,} Customer objects", t, mem)


def _load_master() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    raw = np.loadtxt(MASTER, dtype=str, skiprows=1)
    d = raw[:, 1]
    dates = (
        np.char.add(
            np.char.add(
                np.char.add(np.char.add(np.strings.slice(d, 0, 4), "-"), np.strings.slice(d, 4, 6)),
                "-",
            ),
            np.strings.slice(d, 6, 8),
        )
    ).astype("datetime64[D]")
    return raw[:, 0], dates, raw[:, 3].astype(float)


def bench_cdnow_master() -> str:
    ids, dates, dollars = _load_master()
    t, mem, s = measure(
        lambda: summarize_transactions(
            ids, dates, dollars, observation_end="1998-06-30", time_unit="W"
        )
    )
    return row(f"summarize CDNOW master log ({ids.size:,} rows -> {len(s):,} customers)", t, mem)


def bench_synthetic_log(n_rows: int, n_customers: int) -> str:
    rng = np.random.default_rng(1)
    ids = np.char.add("C", rng.integers(0, n_customers, n_rows).astype(str))
    dates = np.datetime64("2020-01-01") + rng.integers(0, 1500, n_rows)
    amounts = rng.gamma(2.0, 30.0, n_rows)
    t, mem, s = measure(
        lambda: summarize_transactions(ids, dates, amounts, time_unit="W"), repeat=2
    )
    return row(f"summarize synthetic log ({n_rows:,} rows -> {len(s):,} customers)", t, mem)


def main() -> None:
    print("| benchmark | best time | peak traced memory | note |")
    print("|---|---|---|---|")
    for n in (10_000, 100_000, 1_000_000):
        print(bench_from_columns(n), flush=True)
    try:
        for n in (10_000, 100_000):
            print(bench_from_customers(n), flush=True)
    except ImportError as exc:  # domain objects not available
        print(f"| Portfolio.from_customers | skipped | | {exc} |")
    print(bench_cdnow_master(), flush=True)
    print(bench_synthetic_log(1_000_000, 100_000), flush=True)


if __name__ == "__main__":
    main()
