"""The public hypothesis strategies draw valid, varied domain objects."""

from __future__ import annotations

import itertools
from decimal import Decimal

from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st

from kamcore.domain import (
    ISO_4217_CODES,
    TRANSITIONS,
    Contact,
    Customer,
    LifecycleStage,
    Money,
    Relationship,
    StageChange,
    Transaction,
)
from kamcore.testing import strategies as ks


@given(ks.identifiers())
def test_identifiers_are_valid_ids(ident: str) -> None:
    assert ident
    assert ident == ident.strip()


@given(ks.money(min_value=0, max_value=100, max_places=2))
def test_money_respects_bounds_and_places(m: Money) -> None:
    assert isinstance(m, Money)
    assert m.currency in ISO_4217_CODES
    assert Decimal(0) <= m.amount <= Decimal(100)
    exponent = m.amount.as_tuple().exponent
    assert isinstance(exponent, int)
    assert exponent >= -2


@given(ks.money(st.sampled_from(["EUR", "USD"])))
def test_money_currency_strategy(m: Money) -> None:
    assert m.currency in {"EUR", "USD"}


@given(ks.customers(currency="CNY"))
def test_customers_are_valid(c: Customer) -> None:
    assert isinstance(c, Customer)
    assert c.currency in (None, "CNY")
    if c.sales_last_year is not None:
        assert not c.sales_last_year.is_negative()
    assert c.parent_id != c.id


@given(ks.contacts(customer_id="c1"))
def test_contacts_belong_to_the_given_customer(c: Contact) -> None:
    assert c.customer_id == "c1"
    assert 0.0 <= c.strength <= 1.0


@given(ks.relationships(customer_id="c9", max_moves=5))
def test_relationships_have_legal_histories(r: Relationship) -> None:
    assert r.customer_id == "c9"
    assert len(r.history) <= 6
    assert all(c.customer_id == "c9" for c in r.contacts)
    for a, b in itertools.pairwise(r.history):
        assert b.stage in TRANSITIONS[a.stage]
        assert a.on <= b.on


@given(ks.stage_histories())
def test_stage_histories_build_relationships(history: tuple[StageChange, ...]) -> None:
    from kamcore.domain import Relationship, RelationshipType

    r = Relationship("r", "c", RelationshipType.ORDINARY, "m", history)
    assert r.stage is history[-1].stage


@given(ks.transactions(customer_id="c1", currency="EUR"))
def test_transactions_are_valid(t: Transaction) -> None:
    assert t.customer_id == "c1"
    assert t.currency == "EUR"


# Generate only (no shrinking: a minimal example is not needed, only existence).
_FIND = settings(phases=[Phase.generate], max_examples=2000, database=None)


def test_strategies_reach_the_interesting_cases() -> None:
    ended = find(ks.relationships(), lambda r: r.stage is LifecycleStage.ENDED, settings=_FIND)
    assert ended.stage is LifecycleStage.ENDED
    redeveloped = find(
        ks.lifecycle_paths(),
        lambda p: any(
            a is LifecycleStage.DECLINE and b is LifecycleStage.FORMATION
            for a, b in itertools.pairwise(p)
        ),
        settings=_FIND,
    )
    assert LifecycleStage.DECLINE in redeveloped
    both = find(
        ks.transactions(), lambda t: t.margin is not None and t.cost is not None, settings=_FIND
    )
    assert both.margin == both.amount - both.cost  # type: ignore[operator]
    rich = find(
        ks.customers(),
        lambda c: c.credit_record is not None and bool(c.external_ids),
        settings=_FIND,
    )
    assert rich.external_ids
    negative_profit = find(
        ks.customers(),
        lambda c: c.profit_last_year is not None and c.profit_last_year.is_negative(),
        settings=_FIND,
    )
    assert negative_profit.profit_last_year is not None
