"""Portfolio.from_customers equals from_columns on the same data; currency rules."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamcore import Portfolio
from kamcore._portfolio import CUSTOMER_FACT_COLUMNS, CUSTOMER_MONEY_COLUMNS
from kamcore.domain import CreditRecord, Customer, Money
from kamcore.errors import CurrencyMismatchError, InvalidParameterError
from kamcore.testing import strategies as ks

unique_customers = st.lists(
    ks.customers(currency="CNY"), max_size=15, unique_by=lambda c: c.id
).filter(lambda cs: not any(c.name.endswith("\x00") for c in cs))


def by_hand(customers):
    """Build the expected columns one customer and one field at a time."""
    cols = {}
    for field in ("name", "industry", "region"):
        cols[field] = np.array([getattr(c, field) or "" for c in customers], dtype=object)
    currencies = {}
    for field in CUSTOMER_MONEY_COLUMNS:
        values = []
        for c in customers:
            m = getattr(c, field)
            values.append(np.nan if m is None else float(m.amount))
            if m is not None:
                currencies[field] = m.currency
        cols[field] = np.array(values, dtype=float)
    for field in CUSTOMER_FACT_COLUMNS:
        cols[field] = np.array(
            [0 if getattr(c, field) is None else getattr(c, field).value for c in customers],
            dtype=np.int8,
        )
    return Portfolio.from_columns(
        [c.id for c in customers], cols, currencies=currencies, nullable=CUSTOMER_MONEY_COLUMNS
    )


@given(customers=unique_customers)
def test_from_customers_equals_from_columns(customers):
    p = Portfolio.from_customers(customers)
    assert p == by_hand(customers)
    assert len(p) == len(customers)


@given(customers=unique_customers, data=st.data())
def test_from_customers_commutes_with_take(customers, data):
    perm = data.draw(st.permutations(range(len(customers))))
    p = Portfolio.from_customers(customers)
    q = Portfolio.from_customers([customers[i] for i in perm])
    assert q == p.take(np.array(perm, dtype=np.int64))


def test_mixed_currencies_across_customers_are_rejected():
    a = Customer("a", "A", sales_last_year=Money(Decimal(1), "CNY"))
    b = Customer("b", "B", sales_last_year=Money(Decimal(2), "USD"))
    with pytest.raises(CurrencyMismatchError, match="'sales_last_year' must hold one currency"):
        Portfolio.from_customers([a, b])
    c = Customer("c", "C", profit_last_year=Money(Decimal(2), "USD"))
    with pytest.raises(CurrencyMismatchError, match="share one currency"):
        Portfolio.from_customers([a, c])


def test_duplicate_customers_are_rejected():
    a = Customer("a", "A", credit_record=CreditRecord.HARD_TO_COLLECT)
    with pytest.raises(InvalidParameterError, match="duplicate ids"):
        Portfolio.from_customers([a, a])


def test_levels_and_missing_facts():
    a = Customer("a", "A", credit_record=CreditRecord.HARD_TO_COLLECT)
    p = Portfolio.from_customers([a])
    assert p["credit_record"].tolist() == [3]
    assert p["loyalty"].tolist() == [0]
    assert np.isnan(p["sales_last_year"][0])
    assert p.currency("sales_last_year") is None
