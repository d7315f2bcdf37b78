"""JSON documents and pickles of the account records: lossless round trips, strict reading."""

from __future__ import annotations

import datetime as dt
import json
import pickle
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamcore.domain import (
    AccountTeam,
    ChurnRecord,
    ChurnType,
    Complaint,
    FunnelStage,
    Money,
    Opportunity,
    OpportunityAssessment,
    TeamMember,
)
from kamcore.errors import SchemaError
from kamcore.io.json import JSON_TYPES, dumps, loads
from kamcore.testing.strategies import (
    account_teams,
    churn_records,
    complaints,
    contacts,
    customers,
    opportunities,
    opportunity_assessments,
    relationships,
    team_members,
)

NEW_OBJECTS = st.one_of(
    churn_records(),
    complaints(),
    team_members(),
    account_teams(),
    opportunity_assessments(),
    opportunities(),
    relationships(),
    customers(),
    contacts(),
)


def _deep(obj: Any) -> Any:
    if attrs.has(type(obj)):
        return (
            type(obj).__name__,
            tuple(_deep(getattr(obj, f.name)) for f in attrs.fields(type(obj))),
        )
    if isinstance(obj, (tuple, list)):
        return tuple(_deep(x) for x in obj)
    if isinstance(obj, frozenset):
        return frozenset(_deep(x) for x in obj)
    if hasattr(obj, "items"):
        return tuple((k, _deep(v)) for k, v in obj.items())
    return obj


def test_every_new_class_is_in_the_one_table() -> None:
    names = {entry.cls: entry.name for entry in JSON_TYPES}
    for cls in (
        ChurnRecord,
        Complaint,
        TeamMember,
        AccountTeam,
        OpportunityAssessment,
        Opportunity,
    ):
        assert names[cls] == cls.__name__


@given(NEW_OBJECTS)
def test_json_round_trip_is_lossless(obj: Any) -> None:
    text = dumps(obj)
    back = loads(text, type(obj))
    assert _deep(back) == _deep(obj)
    assert _deep(loads(text)) == _deep(obj)
    assert dumps(back) == text


@given(NEW_OBJECTS)
def test_pickle_round_trip_is_lossless(obj: Any) -> None:
    back = pickle.loads(pickle.dumps(obj))
    assert _deep(back) == _deep(obj)
    assert back == obj


def test_enums_are_written_by_name_and_bad_documents_are_refused() -> None:
    record = ChurnRecord(dt.date(2024, 1, 2), churn_type=ChurnType.NATURAL)
    doc = json.loads(dumps(record))
    assert doc["data"]["churn_type"] == "NATURAL"
    doc["data"]["churn_type"] = "natural"  # the value, not the name
    with pytest.raises(SchemaError, match=r"\$\.data\.churn_type: expected a ChurnType name"):
        loads(json.dumps(doc))
    deal = Opportunity("o1", "c1", FunnelStage.LEAD, Money.of("10", "EUR"), 0.5)
    bad = json.loads(dumps(deal))
    bad["data"]["probability"] = 1.5
    with pytest.raises(SchemaError, match=r"'probability' must be a real number in \[0, 1\]"):
        loads(json.dumps(bad))
    bad["data"]["probability"] = 0.5
    bad["data"]["lost_from"] = "LEAD"
    with pytest.raises(SchemaError, match=r"'lost_from' must be None unless the deal is LOST"):
        loads(json.dumps(bad))
