"""The one coercion layer: every enum, date and money field accepts what a CRM sends."""

from __future__ import annotations

import datetime as dt
import enum
import typing
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamcore import domain
from kamcore.domain import (
    RUBRIC_FACTS,
    BuyingRole,
    Contact,
    CreditRecord,
    Customer,
    DependenceLever,
    KamStage,
    LifecycleStage,
    Money,
    Relationship,
    RelationshipType,
    Seniority,
    StageChange,
    Stance,
    SwitchingCostComponent,
    SwitchingCostFacet,
    Transaction,
)
from kamcore.errors import InvalidParameterError, KamcoreError, UnknownNameError

#: Every enum field of every domain class, with its enum.
ENUM_FIELDS: dict[tuple[type[Any], str], type[enum.Enum]] = {
    **{(Customer, name): cls for name, cls in RUBRIC_FACTS.items()},
    (Contact, "role"): BuyingRole,
    (Contact, "stance"): Stance,
    (Contact, "seniority"): Seniority,
    (Relationship, "type"): RelationshipType,
    (Relationship, "stage"): LifecycleStage,
    (Relationship, "kam_stage"): KamStage,
    (StageChange, "stage"): LifecycleStage,
    (SwitchingCostComponent, "facet"): SwitchingCostFacet,
    (SwitchingCostComponent, "lever"): DependenceLever,
    (Customer, "account_type"): domain.AccountType,
    (Contact, "influence"): domain.Influence,
    (domain.ChurnRecord, "churn_type"): domain.ChurnType,
    (domain.Complaint, "channel"): domain.ComplaintChannel,
    (domain.Complaint, "severity"): domain.ComplaintSeverity,
    (domain.Opportunity, "stage"): domain.FunnelStage,
    (domain.Opportunity, "lost_from"): domain.FunnelStage,
    (domain.OpportunityAssessment, "competitive_position"): domain.CompetitivePosition,
    (domain.OpportunityAssessment, "strategic_fit"): domain.StrategicFit,
    (domain.TeamMember, "role"): domain.AccountTeamRole,
}
#: Every attrs class the domain exports (so a new class cannot be forgotten).
DOMAIN_CLASSES = tuple(
    obj
    for obj in (getattr(domain, name) for name in domain.__all__)
    if isinstance(obj, type) and attrs.has(obj)
)


def _enum_of(hint: Any) -> type[enum.Enum] | None:
    """The enum of a single-valued field (``E`` or ``E | None``); None for sets of members."""
    if typing.get_origin(hint) in (frozenset, set, tuple, list):
        return None
    for arg in (hint, *typing.get_args(hint)):
        if isinstance(arg, type) and issubclass(arg, enum.Enum):
            return arg
    return None


def test_the_table_lists_every_enum_field_of_every_domain_class() -> None:
    found = {}
    for cls in DOMAIN_CLASSES:
        hints = typing.get_type_hints(cls)
        for field in attrs.fields(cls):
            enum_cls = _enum_of(hints[field.name])
            if enum_cls is not None:
                found[(cls, field.name)] = enum_cls
    assert found == ENUM_FIELDS


def _convert(cls: type[Any], name: str, value: Any) -> Any:
    """Run the field's own converter, as the constructor does."""
    conv = attrs.fields_dict(cls)[name].converter
    assert isinstance(conv, attrs.Converter)
    return conv.converter(value, attrs.fields_dict(cls)[name])  # type: ignore[call-arg]


def _random_case(text: str, data: st.DataObject) -> str:
    flips = data.draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(c.upper() if f else c.lower() for c, f in zip(text, flips, strict=True))


FIELDS = sorted(ENUM_FIELDS, key=lambda k: (k[0].__name__, k[1]))


@pytest.mark.parametrize(("cls", "name"), FIELDS, ids=[f"{c.__name__}.{n}" for c, n in FIELDS])
@given(data=st.data())
def test_every_member_value_and_name_in_any_case_coerce(
    cls: type[Any], name: str, data: st.DataObject
) -> None:
    enum_cls = ENUM_FIELDS[(cls, name)]
    member = data.draw(st.sampled_from(list(enum_cls)))
    assert _convert(cls, name, member) is member
    assert _convert(cls, name, member.value) is member
    assert _convert(cls, name, _random_case(member.name, data)) is member
    assert _convert(cls, name, _random_case(str(member.value), data)) is member


@pytest.mark.parametrize(("cls", "name"), FIELDS, ids=[f"{c.__name__}.{n}" for c, n in FIELDS])
@given(
    junk=st.one_of(
        st.text(max_size=30),
        st.floats(allow_nan=True),
        st.booleans(),
        st.integers(min_value=5) | st.integers(max_value=0),
        st.just(b"USER"),
    )
)
def test_junk_is_refused_naming_the_field_and_the_spellings(
    cls: type[Any], name: str, junk: Any
) -> None:
    enum_cls = ENUM_FIELDS[(cls, name)]
    spelled = {m.name.casefold() for m in enum_cls} | {str(m.value).casefold() for m in enum_cls}
    if isinstance(junk, str) and junk.casefold() in spelled:
        return
    with pytest.raises(KamcoreError) as info:
        _convert(cls, name, junk)
    message = str(info.value)
    assert message.startswith(f"{name!r} must be a {enum_cls.__name__} member")
    assert all(m.name in message for m in enum_cls)


def test_surrounding_whitespace_is_not_stripped() -> None:
    with pytest.raises(UnknownNameError, match="whitespace is not stripped"):
        Contact("p1", "Li", "c1", " user")
    with pytest.raises(UnknownNameError, match="'role' must be a BuyingRole member"):
        Contact("p1", "Li", "c1", "buyer")


def test_a_member_of_another_enum_is_refused() -> None:
    with pytest.raises(InvalidParameterError, match="'loyalty' must be a LoyaltyLevel member"):
        Customer("c1", "A", loyalty=CreditRecord.PAYS_PER_CONTRACT)


def test_whole_objects_from_crm_spellings() -> None:
    c = Customer("c1", "Acme", credit_record="late_but_collectable", loyalty=1, prospects="3")
    assert c.credit_record is CreditRecord.LATE_BUT_COLLECTABLE
    assert c.loyalty.name == "ALWAYS"
    assert c.prospects.name == "ONE"
    r = Relationship.start("r1", "c1", account_manager="amy", on="2024-01-02", type="Partnership")
    r = r.move_to("formation", on="2024-03-01")
    assert r.stage is LifecycleStage.FORMATION
    assert r.type is RelationshipType.PARTNERSHIP
    assert r.history[-1].on == dt.date(2024, 3, 1)
    t = Transaction("c1", "2024-05-02", Money(Decimal("10"), "EUR"))
    assert t.date == dt.date(2024, 5, 2)


@pytest.mark.parametrize(
    "value",
    [
        dt.datetime(2024, 5, 2),
        dt.datetime(2024, 5, 2, 10, 30),
        "2024-05-02T00:00",
        "20240502",
        "2024-02-30",
        " 2024-05-02",
        20240502,
        None,
    ],
)
def test_dates_refuse_datetimes_and_other_spellings(value: Any) -> None:
    with pytest.raises(InvalidParameterError, match="'date'"):
        Transaction("c1", value, Money(1, "EUR"))


@given(st.dates())
def test_iso_date_strings_coerce(day: dt.date) -> None:
    assert StageChange("exploration", day.isoformat()).on == day


@pytest.mark.parametrize("value", [10, Decimal("10"), 10.0, "10 EUR"])
def test_money_fields_take_money_only(value: Any) -> None:
    with pytest.raises(InvalidParameterError, match="'amount' must be a Money value"):
        Transaction("c1", dt.date(2024, 1, 1), value)
    with pytest.raises(InvalidParameterError, match="'money' must be a Money value"):
        SwitchingCostComponent("setup", "process", money=value)


def test_plain_amounts_take_ints_and_decimals_not_floats() -> None:
    assert Money(10, "EUR") == Money(Decimal("10.0"), "EUR")
    with pytest.raises(InvalidParameterError, match=r"Money\.of"):
        Money(10.0, "EUR")  # type: ignore[arg-type]


def test_long_values_are_cut_in_messages() -> None:
    with pytest.raises(KamcoreError) as info:
        Contact("p1", "Li", "c1", "x" * 1_000_000)
    assert len(str(info.value)) < 1000
    assert "..." in str(info.value)
    with pytest.raises(KamcoreError) as info:
        Customer("c1", "A", industry=" " + "y" * 1_000_000)
    assert len(str(info.value)) < 300


def test_sensitive_dates_are_not_echoed() -> None:
    with pytest.raises(InvalidParameterError) as info:
        Contact("p1", "Li", "c1", "user", birthday="12/31/1980")
    assert "1980" not in str(info.value)
    assert "'birthday'" in str(info.value)
