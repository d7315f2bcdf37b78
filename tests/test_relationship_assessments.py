"""A Relationship carries its latest switching cost; JSON keeps it exactly."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamcore.domain import (
    Money,
    Relationship,
    SatisfactionSummary,
    SwitchingCost,
    SwitchingCostComponent,
)
from kamcore.errors import InvalidParameterError
from kamcore.io import json as kjson
from kamcore.testing import strategies as ks


@given(rel=ks.relationships(max_moves=3), cost=ks.switching_costs())
def test_switching_cost_travels_with_the_relationship(rel, cost):
    r = rel.with_switching_cost(cost)
    assert r.switching_cost == cost
    assert r == rel  # entity: identity by id is unchanged
    back = kjson.loads(kjson.dumps(r), Relationship)
    assert back.switching_cost == cost
    assert kjson.dumps(back) == kjson.dumps(r)


@given(cost=ks.switching_costs())
def test_switching_cost_round_trips_alone(cost):
    assert kjson.loads(kjson.dumps(cost), SwitchingCost) == cost


def test_switching_cost_must_be_a_switching_cost():
    rel = Relationship.start("r", "c", account_manager="amy", on=dt.date(2024, 1, 1))
    with pytest.raises(InvalidParameterError, match="'switching_cost' must be a SwitchingCost"):
        rel.with_switching_cost(0.5)  # type: ignore[arg-type]
    cost = SwitchingCost([SwitchingCostComponent("setup", "process", money=Money.of("10", "EUR"))])
    assert rel.with_switching_cost(cost).with_switching_cost(None).switching_cost is None


@given(rel=ks.relationships(max_moves=3), data=st.data())
def test_satisfaction_summary_travels_with_the_relationship(rel, data):
    summary = data.draw(ks.satisfaction_summaries(customer_id=rel.customer_id))
    r = rel.with_satisfaction(summary)
    back = kjson.loads(kjson.dumps(r), Relationship)
    assert back.satisfaction == summary
    assert kjson.dumps(back) == kjson.dumps(r)


def test_satisfaction_summary_must_be_about_the_same_customer():
    rel = Relationship.start("r", "c", account_manager="amy", on=dt.date(2024, 1, 1))
    other = SatisfactionSummary(
        customer_id="someone-else",
        as_of=dt.date(2024, 6, 1),
        overall_gap=-0.5,
        weighted_gap=None,
        dimension_gaps={"reliability": -0.5},
        respondents=2,
    )
    with pytest.raises(InvalidParameterError, match="'satisfaction' must be about customer 'c'"):
        rel.with_satisfaction(other)
