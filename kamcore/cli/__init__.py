"""The ``kamcore`` command line: ``main(argv) -> int``.

Sub-commands
------------
``kamcore demo``
    Summarise the embedded demo portfolio: accounts, relationship types,
    lifecycle stages and revenue concentration.
``kamcore summarize LOG.csv``
    Summarise a transaction log (CSV with ``customer_id,date,amount`` columns)
    into per-customer repeat-buying columns, written as CSV to stdout.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence
from typing import TextIO

import numpy as np

from kamcore._version import __version__
from kamcore.errors import KamcoreError

__all__ = ["main"]


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kamcore",
        description="kamcore: the key-account-management domain model.",
    )
    parser.add_argument("--version", action="version", version=f"kamcore {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("demo", help="summarise the embedded demo portfolio")
    summ = sub.add_parser("summarize", help="summarise a transaction log CSV per customer")
    summ.add_argument("path", help="CSV file with customer_id,date,amount columns")
    summ.add_argument("--time-unit", default="D", help="D (days) or W (weeks); default D")
    summ.add_argument("--observation-end", default=None, help="ISO date; default: last date")
    return parser


def _share_of_top(values: np.ndarray, fraction: float) -> float:
    ordered = np.sort(values)[::-1]
    k = max(1, round(fraction * ordered.size))
    total = ordered.sum()
    return float(ordered[:k].sum() / total) if total > 0 else 0.0


def _gini(values: np.ndarray) -> float:
    v = np.sort(values)
    n = v.size
    total = v.sum()
    if n == 0 or total <= 0:
        return 0.0
    cum = np.cumsum(v) / total
    # Gini = 1 - sum (du)(v_k + v_{k-1}) over the Lorenz curve, du = 1/n
    return float(1.0 - np.sum((cum + np.concatenate(([0.0], cum[:-1]))) / n))


def _demo(out: TextIO) -> int:
    from kamcore.data import load_demo_portfolio

    p = load_demo_portfolio()
    sales = p["sales_last_year"]
    profit = p["profit_last_year"]
    cur = p.currency("sales_last_year")
    print(f"kamcore {__version__} - demo portfolio", file=out)
    print(f"accounts: {len(p)}", file=out)
    groups = (("relationship_type", "relationship types"), ("stage", "lifecycle stages"))
    for column, title in groups:
        names, counts = np.unique(p[column], return_counts=True)
        parts = ", ".join(f"{n} {c}" for n, c in zip(names.tolist(), counts.tolist(), strict=True))
        print(f"{title}: {parts}", file=out)
    print(f"sales last year: {sales.sum():,.0f} {cur}; profit: {profit.sum():,.0f} {cur}", file=out)
    print(
        f"concentration: top 20% of accounts bring {_share_of_top(sales, 0.2):.0%} of sales "
        f"and {_share_of_top(profit, 0.2):.0%} of profit; Gini of sales {_gini(sales):.2f}",
        file=out,
    )
    top = np.argsort(sales)[::-1][:5]
    print("largest accounts:", file=out)
    for i in top.tolist():
        print(
            f"  {p.ids[i]}  {p['name'][i]:<22} {p['stage'][i]:<12} "
            f"{sales[i]:>14,.0f} {cur}",
            file=out,
        )
    return 0


def _summarize(path: str, time_unit: str, end: str | None, out: TextIO) -> int:
    from kamcore.transactions import summarize_transactions

    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    missing = {"customer_id", "date", "amount"} - set(rows[0] if rows else {})
    if missing:
        raise KamcoreError(f"{path}: missing columns {sorted(missing)}")
    unit: str | float = time_unit if time_unit in ("D", "W") else float(time_unit)
    s = summarize_transactions(
        [r["customer_id"] for r in rows],
        [r["date"] for r in rows],
        [float(r["amount"]) for r in rows],
        observation_end=end,
        time_unit=unit,
    )
    cols = s.columns()
    writer = csv.writer(out)
    writer.writerow(["customer_id", *cols])
    for i in range(len(s)):
        writer.writerow([s.ids[i], *(cols[k][i] for k in cols)])
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``kamcore`` command; return the process exit status.

    Examples
    --------
    >>> main(["demo"])  # doctest: +ELLIPSIS
    kamcore ... - demo portfolio
    accounts: 40
    ...
    0
    """
    parser = _build_parser()
    args = parser.parse_args(argv)
    out = sys.stdout
    try:
        if args.command == "demo":
            return _demo(out)
        if args.command == "summarize":
            return _summarize(args.path, args.time_unit, args.observation_end, out)
    except (KamcoreError, OSError) as exc:
        print(f"kamcore: error: {exc}", file=sys.stderr)
        return 2
    parser.print_help(out)
    return 0
