"""A Relationship carries its latest switching cost; JSON keeps it exactly."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given

from kamcore.domain import Relationship, SwitchingCost, SwitchingCostComponent
from kamcore.domain.money import Money
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
