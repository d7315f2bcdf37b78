"""Data shipped with kamcore: public repeat-buying data sets and the demo accounts.

- :func:`load_cdnow` — the CDNOW music-store cohort: the published
  calibration summary of the 1/10 sample (2,357 customers) and the
  transaction logs of the sample (6,919 rows) and of the full cohort
  (23,570 customers, 69,659 rows).
- :func:`load_donations` — the BG/BB donations data (11,104 donors, 6
  annual opportunities, as 22 weighted patterns).
- :func:`demo` — the generated demo data set of the ``kamcore report``
  command: 300 accounts of an industrial supplier over six years with their
  orders, surveys, contacts, switching costs, complaints, grade and
  lifecycle histories (:class:`DemoData`; tables, DataFrames, a
  :class:`~kamcore.Portfolio` and domain objects).
- :func:`load_demo_portfolio` and :func:`demo_rows` — 40 fictitious key
  accounts of an industrial supplier.

The published maximum-likelihood estimates on each public data set are in
the loaders' docstrings.

The demo accounts carry the facts of the 13-factor rubric (level codes 1 best ..
4 worst), yearly money figures in CNY, a relationship type, the current
lifecycle stage and the relationship's start date. They are made up, with a
Pareto-like spread of sales, for examples, the ``kamcore demo`` command and
tests of the report.
"""

from __future__ import annotations

import csv
from importlib import resources
from typing import Any

import numpy as np

from kamcore._portfolio import CUSTOMER_FACT_COLUMNS, CUSTOMER_MONEY_COLUMNS, Portfolio
from kamcore.data._demo import DEFAULT_SEED, DemoData, demo
from kamcore.data._public_sets import load_cdnow, load_donations

__all__ = [
    "DEFAULT_SEED",
    "DemoData",
    "demo",
    "demo_rows",
    "load_cdnow",
    "load_demo_portfolio",
    "load_donations",
]

_FILE = "demo_accounts.csv"


def demo_rows() -> list[dict[str, str]]:
    """Return the demo accounts as CSV rows (strings, one dict per account).

    Returns
    -------
    list of dict of str to str
        One dict per account (40), keyed by the CSV header.

    Examples
    --------
    >>> rows = demo_rows()
    >>> len(rows), rows[0]["name"]
    (40, 'HuaMotors Co.')
    """
    text = resources.files(__name__).joinpath(_FILE).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def load_demo_portfolio() -> Portfolio:
    """Return the demo accounts as a :class:`~kamcore.Portfolio`.

    Columns: ``name``, ``industry``, ``region``, ``relationship_type``,
    ``stage``, ``account_manager`` (text); ``relationship_start`` (date); the
    money figures ``sales_last_year``, ``profit_last_year``,
    ``expected_sales`` (float64, CNY); the rubric level codes of
    :data:`~kamcore._portfolio.CUSTOMER_FACT_COLUMNS` (int8).

    Returns
    -------
    Portfolio
        40 accounts, one row each, in the file's order.

    Examples
    --------
    >>> p = load_demo_portfolio()
    >>> len(p), p.currency("sales_last_year")
    (40, 'CNY')
    """
    rows = demo_rows()
    ids = np.array([r["id"] for r in rows], dtype=str)
    cols: dict[str, Any] = {}
    for name in ("name", "industry", "region", "relationship_type", "stage", "account_manager"):
        cols[name] = np.array([r[name] for r in rows], dtype=str)
    cols["relationship_start"] = np.array(
        [r["relationship_start"] for r in rows], dtype="datetime64[D]"
    )
    money = [name for name in CUSTOMER_MONEY_COLUMNS if name in rows[0]]
    for name in money:
        cols[name] = np.array([float(r[name]) for r in rows])
    for name in CUSTOMER_FACT_COLUMNS:
        cols[name] = np.array([int(r[name]) for r in rows], dtype=np.int8)
    currency = rows[0]["currency"]
    return Portfolio.from_columns(ids, cols, currencies=dict.fromkeys(money, currency))
