"""Relationship entity with dated lifecycle history; Contact entity; coverage helpers."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamcore.domain import (
    TRANSITIONS,
    BuyingRole,
    Contact,
    KamStage,
    LifecycleStage,
    Relationship,
    RelationshipType,
    Seniority,
    StageChange,
    Stance,
    is_legal,
    sensitive_fields,
)
from kamcore.errors import InvalidParameterError, InvalidTransitionError, UnknownNameError
from kamcore.testing.strategies import contacts, dates, relationships

S = LifecycleStage
D0 = dt.date(2020, 1, 1)


def _start(**kwargs: Any) -> Relationship:
    return Relationship.start("r1", "c1", account_manager="amy", on=D0, **kwargs)


# ------------------------------------------------------------------ StageChange
def test_stage_change_is_a_value_object() -> None:
    assert StageChange(S.FORMATION, D0) == StageChange(S.FORMATION, D0)
    assert len({StageChange(S.FORMATION, D0), StageChange(S.FORMATION, D0)}) == 1
    with pytest.raises(InvalidParameterError, match="'stage' must be a LifecycleStage"):
        StageChange(2, D0)
    with pytest.raises(UnknownNameError, match="'stage' must be a LifecycleStage"):
        StageChange("forming", D0)
    with pytest.raises(InvalidParameterError, match=r"'on' must be a datetime\.date"):
        StageChange(S.FORMATION, "2020-1-1")
    # what a CRM sends: the value or the name in any case, an ISO date string
    assert StageChange("Formation", "2020-01-01") == StageChange(S.FORMATION, dt.date(2020, 1, 1))
    with pytest.raises(InvalidParameterError, match="'on'"):
        StageChange(S.FORMATION, dt.datetime(2020, 1, 1, 12))


# ------------------------------------------------------------------ lifecycle
def test_start_and_grow() -> None:
    r = _start()
    assert r.stage is S.EXPLORATION
    assert r.started_on == D0
    r2 = r.move_to(S.FORMATION, on=dt.date(2020, 6, 1)).move_to(S.STABILITY, on=dt.date(2021, 1, 1))
    assert r2.stage is S.STABILITY
    assert [c.stage for c in r2.history] == [S.EXPLORATION, S.FORMATION, S.STABILITY]
    assert r.stage is S.EXPLORATION  # the original is unchanged
    assert r2 == r  # entity: same id
    assert r2.last_change == StageChange(S.STABILITY, dt.date(2021, 1, 1))
    assert r2.is_active


def test_decline_redevelop_and_end() -> None:
    r = (
        _start()
        .move_to(S.DECLINE, on=dt.date(2020, 3, 1))
        .move_to(S.FORMATION, on=dt.date(2020, 9, 1))
        .move_to(S.DECLINE, on=dt.date(2021, 1, 1))
        .move_to(S.ENDED, on=dt.date(2021, 1, 1))
    )
    assert r.stage is S.ENDED
    assert not r.is_active
    with pytest.raises(InvalidTransitionError, match=r"ENDED -> FORMATION.*none \(terminal\)"):
        r.move_to(S.FORMATION, on=dt.date(2022, 1, 1))


def test_skipping_a_phase_is_illegal_and_message_names_everything() -> None:
    with pytest.raises(InvalidTransitionError) as info:
        _start().move_to(S.STABILITY, on=dt.date(2020, 2, 1))
    message = str(info.value)
    assert "EXPLORATION -> STABILITY" in message
    assert "2020-01-01" in message
    assert "2020-02-01" in message


def test_moving_back_in_time_raises() -> None:
    r = _start().move_to(S.FORMATION, on=dt.date(2020, 6, 1))
    with pytest.raises(InvalidTransitionError, match=r"date order.*2020-06-01.*2020-05-31"):
        r.move_to(S.STABILITY, on=dt.date(2020, 5, 31))


def test_same_day_moves_are_allowed() -> None:
    r = _start().move_to(S.DECLINE, on=D0).move_to(S.ENDED, on=D0)
    assert r.stage_on(D0) is S.ENDED


@given(relationships(), st.sampled_from(list(S)), dates())
def test_move_to_is_legal_iff_table_and_dates_allow(
    r: Relationship, target: LifecycleStage, day: dt.date
) -> None:
    ok = is_legal(r.stage, target) and day >= r.last_change.on
    if ok:
        moved = r.move_to(target, on=day)
        assert moved.stage is target
        assert moved.history[:-1] == r.history
    else:
        with pytest.raises(InvalidTransitionError):
            r.move_to(target, on=day)


@given(relationships())
def test_generated_histories_are_valid(r: Relationship) -> None:
    assert r.stage is r.history[-1].stage
    for a, b in itertools.pairwise(r.history):
        assert a.on <= b.on
        assert b.stage in TRANSITIONS[a.stage]


@given(relationships(), st.data())
def test_stage_on_matches_scalar_reference(r: Relationship, data: st.DataObject) -> None:
    day = data.draw(dates(min_value=r.started_on, max_value=r.started_on + dt.timedelta(4000)))
    expected = r.history[0].stage
    for change in r.history:  # reference: the last change not after the day
        if change.on <= day:
            expected = change.stage
    assert r.stage_on(day) is expected


def test_stage_on_before_start_and_bad_day() -> None:
    r = _start()
    with pytest.raises(InvalidParameterError, match="'day' must be on or after"):
        r.stage_on(dt.date(2019, 12, 31))
    with pytest.raises(InvalidParameterError, match=r"'day' must be a datetime\.date"):
        r.stage_on("2020/01/01")
    with pytest.raises(InvalidParameterError, match=r"'until' must be a datetime\.date"):
        r.days_in_stages(dt.datetime(2021, 1, 1))
    assert r.stage_on("2020-01-01") is r.stage_on(dt.date(2020, 1, 1))  # the domain's date rule


def test_days_in_stages() -> None:
    r = (
        _start()
        .move_to(S.FORMATION, on=dt.date(2020, 1, 11))
        .move_to(S.DECLINE, on=dt.date(2020, 1, 31))
        .move_to(S.FORMATION, on=dt.date(2020, 2, 5))
    )
    assert r.days_in_stages(dt.date(2020, 2, 10)) == {
        S.EXPLORATION: 10,
        S.FORMATION: 25,
        S.DECLINE: 5,
    }
    with pytest.raises(InvalidParameterError, match="'until'"):
        r.days_in_stages(dt.date(2020, 2, 1))


@given(relationships())
def test_days_in_stages_add_up(r: Relationship) -> None:
    until = r.last_change.on + dt.timedelta(days=30)
    days = r.days_in_stages(until)
    end = r.last_change.on if r.stage is S.ENDED else until
    assert sum(days.values()) == (end - r.started_on).days


# ------------------------------------------------------------------ construction rules
@pytest.mark.parametrize(
    ("history", "error", "pattern"),
    [
        ((), InvalidParameterError, "'history' must hold at least"),
        ("x", InvalidParameterError, "'history' must be a sequence of StageChange"),
        ((D0,), InvalidParameterError, "'history' must contain only StageChange"),
        ((StageChange(S.ENDED, D0),), InvalidTransitionError, "must start in a live stage"),
        (
            (StageChange(S.EXPLORATION, D0), StageChange(S.STABILITY, D0)),
            InvalidTransitionError,
            "EXPLORATION -> STABILITY",
        ),
        (
            (StageChange(S.EXPLORATION, D0), StageChange(S.FORMATION, dt.date(2019, 1, 1))),
            InvalidTransitionError,
            "date order",
        ),
    ],
)
def test_bad_histories(history: Any, error: type[Exception], pattern: str) -> None:
    with pytest.raises(error, match=pattern):
        Relationship("r1", "c1", RelationshipType.ORDINARY, "amy", history)


def test_history_list_is_frozen_and_stage_checked() -> None:
    history = [StageChange(S.EXPLORATION, D0), StageChange(S.FORMATION, D0)]
    r = Relationship("r1", "c1", RelationshipType.ORDINARY, "amy", history)
    assert isinstance(r.history, tuple)
    assert r.stage is S.FORMATION
    with pytest.raises(InvalidParameterError, match="'stage' must equal the last history entry"):
        Relationship("r1", "c1", RelationshipType.ORDINARY, "amy", history, stage=S.EXPLORATION)


@pytest.mark.parametrize(
    ("field", "value", "pattern"),
    [
        ("id", "", "'id'"),
        ("customer_id", " c1", "'customer_id'"),
        ("type", 0, "'type' must be a RelationshipType"),
        ("account_manager", "", "'account_manager'"),
        ("kam_stage", 1.5, "'kam_stage' must be a KamStage"),
        ("contacts", [1], "'contacts' must contain only Contact"),
    ],
)
def test_bad_fields(field: str, value: Any, pattern: str) -> None:
    kwargs: dict[str, Any] = {
        "id": "r1",
        "customer_id": "c1",
        "type": RelationshipType.ORDINARY,
        "account_manager": "amy",
        "history": (StageChange(S.EXPLORATION, D0),),
    }
    kwargs[field] = value
    with pytest.raises(InvalidParameterError, match=pattern):
        Relationship(**kwargs)


def test_kam_stage_must_fit_the_type() -> None:
    assert _start(type=RelationshipType.STRATEGIC, kam_stage=KamStage.SYNERGISTIC).kam_stage
    assert _start(type=RelationshipType.PARTNERSHIP, kam_stage=KamStage.UNCOUPLING).kam_stage
    with pytest.raises(InvalidParameterError, match="'kam_stage' must be consistent"):
        _start(type=RelationshipType.ORDINARY, kam_stage=KamStage.SYNERGISTIC)


def test_contacts_must_belong_to_the_customer_and_be_unique() -> None:
    mine = Contact("p1", "Li", "c1", BuyingRole.USER)
    theirs = Contact("p2", "Wu", "c2", BuyingRole.USER)
    with pytest.raises(InvalidParameterError, match="'contacts' must all belong to customer 'c1'"):
        _start(contacts=[mine, theirs])
    with pytest.raises(InvalidParameterError, match="'contacts' must have unique ids"):
        _start(contacts=[mine, mine])
    r = _start().add_contact(mine)
    assert r.contacts == (mine,)
    with pytest.raises(InvalidParameterError):
        r.add_contact(theirs)


# ------------------------------------------------------------------ coverage
def test_coverage_helpers() -> None:
    people = [
        Contact(
            "p1",
            "A",
            "c1",
            BuyingRole.DECISION_MAKER,
            stance=Stance.SUPPORTER,
            seniority=Seniority.EXECUTIVE,
        ),
        Contact("p2", "B", "c1", BuyingRole.USER, stance=Stance.OPPONENT),
        Contact("p3", "C", "c1", BuyingRole.COACH, stance=Stance.SUPPORTER),
        Contact("p4", "D", "c1", BuyingRole.USER),
    ]
    r = _start(contacts=people)
    assert r.roles_covered == {BuyingRole.DECISION_MAKER, BuyingRole.USER, BuyingRole.COACH}
    assert r.missing_roles() == {BuyingRole.ECONOMIC_BUYER, BuyingRole.TECHNICAL_EVALUATOR}
    assert r.missing_roles([BuyingRole.USER]) == frozenset()
    assert r.supporter_share == 0.5
    assert r.has_executive_contact
    assert r.has_coach
    empty = _start()
    assert empty.supporter_share is None
    assert not empty.has_executive_contact
    assert not empty.has_coach
    assert r.with_contacts([]).contacts == ()


@given(st.lists(contacts(customer_id="c1"), max_size=6, unique_by=lambda c: c.id))
def test_supporter_share_matches_reference(people: list[Contact]) -> None:
    r = _start(contacts=people)
    if not people:
        assert r.supporter_share is None
    else:
        count = 0
        for p in people:
            if p.stance is Stance.SUPPORTER:
                count += 1
        assert r.supporter_share == count / len(people)


# ------------------------------------------------------------------ Contact
def test_contact_sensitive_fields_hidden_from_repr() -> None:
    c = Contact(
        "p1",
        "Li Wei",
        "c1",
        BuyingRole.DECISION_MAKER,
        email="li@secret.example",
        phone="+8612345678",
        birthday=dt.date(1980, 5, 17),
        interests={"golf", "tea"},
    )
    text = repr(c)
    for secret in ("secret.example", "+8612345678", "1980", "golf"):
        assert secret not in text
    assert "Li Wei" in text
    assert sensitive_fields(Contact) == ("email", "phone", "birthday", "interests")
    for name in sensitive_fields(Contact):
        assert attrs.fields_dict(Contact)[name].metadata["sensitive"] is True
    cleaned = c.without_personal_details()
    assert cleaned.email is None
    assert cleaned.interests == frozenset()
    assert cleaned == c  # same entity


def test_sensitive_fields_needs_an_attrs_class() -> None:
    with pytest.raises(InvalidParameterError, match="'cls'"):
        sensitive_fields(int)


@given(contacts(), contacts())
def test_contact_identity_by_id(a: Contact, b: Contact) -> None:
    assert (a == b) == (a.id == b.id)
    assert attrs.evolve(a, strength=1.0 - a.strength) == a
    assert hash(attrs.evolve(a, name="z")) == hash(a)


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"strength": 1.5}, "'strength' must be a real number in \\[0, 1\\]"),
        ({"strength": float("nan")}, "'strength'"),
        ({"strength": -0.1}, "'strength'"),
        ({"strength": True}, "'strength'"),
        ({"strength": "0.5"}, "'strength'"),
        ({"stance": False}, "'stance' must be a Stance"),
        ({"seniority": 1.0}, "'seniority'"),
        ({"email": "not-an-email"}, "'email' must look like an e-mail"),
        ({"email": "a @b.c"}, "'email'"),
        ({"phone": " "}, "'phone'"),
        ({"birthday": "01/01/1980"}, "'birthday'"),
        ({"birthday": dt.datetime(1980, 1, 1)}, "'birthday'"),
        ({"interests": "golf"}, "'interests'"),
    ],
)
def test_contact_bad_inputs(kwargs: dict[str, Any], pattern: str) -> None:
    with pytest.raises(InvalidParameterError, match=pattern):
        Contact("p1", "Li", "c1", BuyingRole.USER, **kwargs)


def test_contact_errors_do_not_echo_personal_data() -> None:
    with pytest.raises(InvalidParameterError) as info:
        Contact("p1", "Li", "c1", BuyingRole.USER, email="private address")
    assert "private address" not in str(info.value)


def test_contact_strength_int_accepted_as_float() -> None:
    assert Contact("p1", "Li", "c1", BuyingRole.USER, strength=1).strength == 1.0
    with pytest.raises(InvalidParameterError, match="'role'"):
        Contact("p1", "Li", "c1", 7)
    assert Contact("p1", "Li", "c1", "user").role is BuyingRole.USER
