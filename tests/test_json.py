"""JSON documents: lossless round-trips, envelope, strict per-field errors, extensibility."""

from __future__ import annotations

import datetime as dt
import enum
import json
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamcore.domain import (
    BuyingRole,
    Contact,
    CreditRecord,
    Customer,
    LifecycleStage,
    Money,
    Relationship,
    StageChange,
    Transaction,
)
from kamcore.errors import InvalidParameterError, KamcoreError, SchemaError
from kamcore.io import json as kjson
from kamcore.io.json import SCHEMA_VERSION, dumps, loads, register, registered_types
from kamcore.testing.strategies import (
    contacts,
    customers,
    money,
    relationships,
    stage_changes,
    transactions,
)

ANY_DOMAIN_OBJECT = st.one_of(
    money(), customers(), contacts(), stage_changes(), relationships(), transactions()
)


def _deep(obj: Any) -> Any:
    """Full structural view: every field, recursively, Decimals by exact string."""
    if attrs.has(type(obj)):
        return (
            type(obj).__name__,
            tuple(_deep(getattr(obj, f.name)) for f in attrs.fields(type(obj))),
        )
    if isinstance(obj, Decimal):
        return ("Decimal", str(obj))
    if isinstance(obj, (tuple, list)):
        return tuple(_deep(x) for x in obj)
    if isinstance(obj, frozenset):
        return frozenset(_deep(x) for x in obj)
    if hasattr(obj, "items"):
        return tuple((k, _deep(v)) for k, v in obj.items())
    return obj


def _doc(obj: Any) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(dumps(obj))
    return parsed


# ------------------------------------------------------------------ round trips
@given(ANY_DOMAIN_OBJECT)
def test_round_trip_is_lossless(obj: Any) -> None:
    text = dumps(obj)
    back = loads(text, type(obj))
    assert type(back) is type(obj)
    assert _deep(back) == _deep(obj)
    assert dumps(back) == text


@given(ANY_DOMAIN_OBJECT)
def test_round_trip_without_naming_the_class(obj: Any) -> None:
    assert _deep(loads(dumps(obj))) == _deep(obj)


def test_document_layout_and_conventions() -> None:
    c = Customer(
        "c1",
        "Acme",
        tags={"b", "a", "c"},
        external_ids={"sap": "9", "crm": "1"},
        sales_last_year=Money.of("1250.50", "EUR"),
        credit_record=CreditRecord.HARD_TO_COLLECT,
    )
    doc = _doc(c)
    assert doc["schema_version"] == SCHEMA_VERSION == 2
    assert doc["type"] == "Customer"
    assert doc["type_version"] == 1
    data = doc["data"]
    assert data["tags"] == ["a", "b", "c"]  # sorted list
    assert data["external_ids"] == {"sap": "9", "crm": "1"}  # object
    assert data["sales_last_year"] == {"amount": "1250.50", "currency": "EUR"}  # exact string
    assert data["credit_record"] == "HARD_TO_COLLECT"  # by NAME
    assert data["loyalty"] is None
    r = Relationship.start("r1", "c1", account_manager="amy", on=dt.date(2024, 2, 29))
    rdoc = _doc(r)["data"]
    assert rdoc["history"] == [{"stage": "EXPLORATION", "on": "2024-02-29"}]
    assert rdoc["type"] == "ORDINARY"


def test_decimal_exactness_through_json() -> None:
    for text in ("0.1", "0.10", "1E+3", "-0.000001", "123456789012345678901234567890.123456789"):
        m = Money(Decimal(text), "USD")
        back = loads(dumps(m), Money)
        assert str(back.amount) == text


def test_dumps_is_deterministic_for_sets() -> None:
    a = Customer("c1", "A", tags=["x", "y", "z", "w"])
    b = Customer("c1", "A", tags=["w", "z", "y", "x"])
    assert dumps(a) == dumps(b)


def test_indent_option() -> None:
    assert "\n" in dumps(Money(1, "EUR"), indent=2)


# ------------------------------------------------------------------ envelope
GOOD = dumps(Money(1, "EUR"))


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("not json", "invalid JSON"),
        ("[1, 2]", "'\\$' must be a JSON object"),
        (
            '{"schema_version": 3, "type": "Money", "data": {"amount": "1", "currency": "EUR"}}',
            "'schema_version' must be 1 or 2.*got 3",
        ),
        (
            '{"schema_version": 2, "type": "Money", "data": {"amount": "1", "currency": "EUR"}}',
            "schema_version 2 must have exactly the keys.*missing \\['type_version'\\]",
        ),
        (
            '{"schema_version": 1, "type": "Money", "type_version": 1, "data": {}}',
            "schema_version 1 must have exactly the keys.*unknown \\['type_version'\\]",
        ),
        (
            '{"schema_version": 2, "type": "Money", "type_version": 2, "data": {}}',
            "'type_version' of a Money document must be one of 1 .*got 2",
        ),
        (
            '{"schema_version": 2, "type": "Money", "type_version": true, "data": {}}',
            "'type_version' of a Money document .*got True",
        ),
        (
            '{"schema_version": 2, "type": "Money", "type_version": 1.0, "data": {}}',
            "'type_version' of a Money document .*got 1.0",
        ),
        (
            '{"schema_version": 1.0, "type": "Money", "data": {}}',
            "'schema_version' must be 1 or 2.*got 1.0",
        ),
        (
            (
                '{"schema_version": 2, "type": "kamcore.clp.btyd.betageo.BetaGeo", '
                '"type_version": 1, "data": {}}'
            ),
            "'type' must name a registered type.*got 'kamcore.clp.btyd.betageo.BetaGeo'",
        ),
        (
            '{"schema_version": "1", "type": "Money", "data": {"amount": "1", "currency": "EUR"}}',
            "'schema_version'",
        ),
        (
            '{"schema_version": true, "type": "Money", "data": {"amount": "1", "currency": "EUR"}}',
            "'schema_version'",
        ),
        ('{"type": "Money", "data": {}}', "missing \\['schema_version'\\]"),
        ('{"schema_version": 1, "type": "Money", "data": {}, "x": 1}', "unknown \\['x'\\]"),
        ('{"schema_version": 1, "type": "os.system", "data": {}}', "'type' must name"),
        ('{"schema_version": 1, "type": 5, "data": {}}', "'type' must be a string"),
        ('{"schema_version": 1, "type": "Money", "data": []}', "'\\$.data' must be a JSON object"),
        (
            '{"schema_version": 1, "type": "Money", "data": {"amount": NaN, "currency": "EUR"}}',
            "NaN",
        ),
    ],
)
def test_bad_envelopes(text: str, pattern: str) -> None:
    with pytest.raises(SchemaError, match=pattern):
        loads(text)


def test_type_must_match_the_requested_class() -> None:
    with pytest.raises(SchemaError, match=r"'type' must be 'Customer'.*got 'Money'"):
        loads(GOOD, Customer)
    assert loads(GOOD.encode(), Money) == Money(1, "EUR")


# ------------------------------------------------------------------ per-field errors
def _customer_doc(**changes: Any) -> dict[str, Any]:
    doc = _doc(Customer("c1", "Acme", sales_last_year=Money(5, "EUR")))
    for key, value in changes.items():
        if value is _DELETE:
            del doc["data"][key]
        else:
            doc["data"][key] = value
    return doc


_DELETE = object()


def _errors(doc: dict[str, Any], cls: type[Any] = Customer) -> SchemaError:
    with pytest.raises(SchemaError) as info:
        loads(json.dumps(doc), cls)
    return info.value


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"bogus": 1}, "$.data: unknown field(s) bogus"),
        ({"id": _DELETE}, "$.data.id: required field missing"),
        ({"name": 3}, "$.data.name: expected a string; got number 3"),
        ({"tags": "vip"}, "$.data.tags: expected an array; got string 'vip'"),
        ({"tags": ["a", 1]}, "$.data.tags[1]: expected a string"),
        ({"external_ids": ["a"]}, "$.data.external_ids: expected an object"),
        ({"loyalty": "GREAT"}, "$.data.loyalty: expected a LoyaltyLevel name"),
        ({"loyalty": 1}, "$.data.loyalty: expected a LoyaltyLevel name"),
        (
            {"sales_last_year": {"amount": 5, "currency": "EUR"}},
            "$.data.sales_last_year.amount: expected a decimal number written as a string",
        ),
        (
            {"sales_last_year": {"amount": "5", "currency": "EUR", "fx": 1}},
            "$.data.sales_last_year: unknown field(s) fx",
        ),
        (
            {"sales_last_year": {"amount": "5"}},
            "$.data.sales_last_year.currency: required field missing",
        ),
        (
            {"sales_last_year": {"amount": "Infinity", "currency": "EUR"}},
            "$.data.sales_last_year.amount: expected a finite decimal number",
        ),
    ],
)
def test_field_problems_are_listed_with_paths(changes: dict[str, Any], fragment: str) -> None:
    error = _errors(_customer_doc(**changes))
    assert fragment in str(error)


def test_all_problems_reported_at_once() -> None:
    error = _errors(_customer_doc(name=3, loyalty="X", bogus=True, id=_DELETE))
    message = str(error)
    assert "(4 problems)" in message
    for path in ("$.data.name", "$.data.loyalty", "$.data.id", "unknown field(s) bogus"):
        assert path in message


def test_domain_validation_errors_surface_as_schema_errors_with_cause() -> None:
    error = _errors(_customer_doc(sales_last_year={"amount": "-5", "currency": "EUR"}))
    assert "'sales_last_year' must be >= 0" in str(error)
    assert isinstance(error.__cause__, InvalidParameterError)
    error = _errors(_customer_doc(sales_last_year={"amount": "5", "currency": "eur"}))
    assert "$.data.sales_last_year: 'currency' must be an ISO 4217 code" in str(error)
    assert isinstance(error.__cause__, KamcoreError)
    error = _errors(_customer_doc(id=" padded"))
    assert "'id' must be a non-empty string" in str(error)


def test_illegal_history_in_a_document() -> None:
    r = Relationship.start("r1", "c1", account_manager="amy", on=dt.date(2020, 1, 1))
    doc = _doc(r.move_to(LifecycleStage.FORMATION, on=dt.date(2020, 2, 1)))
    doc["data"]["history"][1]["stage"] = "STABILITY"
    doc["data"]["stage"] = "STABILITY"
    error = _errors(doc, Relationship)
    assert "'history': illegal lifecycle move EXPLORATION -> STABILITY" in str(error)
    doc["data"]["history"][1] = {"stage": "FORMATION", "on": "2020-02-30"}
    error = _errors(doc, Relationship)
    assert "$.data.history[1].on: expected a valid calendar date" in str(error)


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("2020/01/01", "expected an ISO 8601 date"),
        ("20200101", "expected an ISO 8601 date"),
        ("2020-01-01T00:00:00", "expected an ISO 8601 date"),
        (20200101, "expected an ISO 8601 date"),
    ],
)
def test_dates_are_strict(value: Any, fragment: str) -> None:
    doc = _doc(StageChange(LifecycleStage.DECLINE, dt.date(2020, 1, 1)))
    doc["data"]["on"] = value
    assert fragment in str(_errors(doc, StageChange))


def test_contact_strength_and_bools_are_strict() -> None:
    doc = _doc(Contact("p1", "Li", "c1", BuyingRole.USER, strength=0.5))
    doc["data"]["strength"] = "0.5"
    assert "$.data.strength: expected a number" in str(_errors(doc, Contact))
    doc["data"]["strength"] = True
    assert "$.data.strength: expected a number" in str(_errors(doc, Contact))
    doc["data"]["strength"] = 2
    assert "'strength' must be a real number in [0, 1]" in str(_errors(doc, Contact))
    tdoc = _doc(Transaction("c1", dt.date(2020, 1, 1), Money(1, "EUR")))
    tdoc["data"]["main_business"] = 1
    assert "$.data.main_business: expected true or false" in str(_errors(tdoc, Transaction))


# ------------------------------------------------------------------ extensibility
class Colour(enum.Enum):
    RED = "r"
    BLUE = "b"


@attrs.frozen
class Survey:
    title: str
    when: dt.date
    colours: frozenset[Colour]
    scores: tuple[float, ...]
    weights: dict[str, int]
    pair: tuple[int, str]
    budget: Money | None = None
    stamp: dt.datetime | None = None
    tag_list: list[str] = attrs.Factory(list)


def test_unregistered_attrs_class_is_refused_until_registered() -> None:
    s = Survey(
        "Q1",
        dt.date(2024, 1, 2),
        frozenset({Colour.RED, Colour.BLUE}),
        (1.0, 2.5),
        {"a": 1},
        (3, "x"),
        Money.of("9.99", "EUR"),
        dt.datetime(2024, 1, 2, 3, 4, 5),
        ["z", "y"],
    )
    with pytest.raises(InvalidParameterError, match=r"registered JSON type.*Survey, which has no"):
        dumps(s)  # no name is invented from the module path
    register(Survey, name="TestSurvey")
    doc = _doc(s)
    assert doc["type"] == "TestSurvey"
    assert doc["data"]["colours"] == ["BLUE", "RED"]
    assert doc["data"]["pair"] == [3, "x"]
    assert loads(dumps(s), Survey) == s
    assert loads(dumps(s)) == s
    doc["data"]["pair"] = [3]
    assert "$.data.pair: expected an array of 2 items" in str(_errors(doc, Survey))
    doc["data"]["pair"] = [3, "x"]
    doc["data"]["weights"] = {"a": "1"}
    assert "$.data.weights['a']: expected an integer" in str(_errors(doc, Survey))


@attrs.frozen
class Score:
    value: float


def test_register_with_name_and_custom_hooks() -> None:
    register(
        Score,
        name="TestScore",
        unstructure_hook=lambda s: {"v": s.value},
        structure_hook=lambda d, _: Score(float(d["v"])),
    )
    assert registered_types()["TestScore"] is Score
    text = dumps(Score(0.5))
    assert json.loads(text) == {
        "schema_version": 2,
        "type": "TestScore",
        "type_version": 1,
        "data": {"v": 0.5},
    }
    assert loads(text) == Score(0.5)
    assert register(Score, name="TestScore") is Score  # idempotent
    with pytest.raises(InvalidParameterError, match="'name' must be unique"):
        register(Unnamed, name="TestScore")
    with pytest.raises(InvalidParameterError, match=r"'cls' must be registered once.*'TestScore'"):
        register(Score, name="OtherScore")
    for bad in (" ", "", "test.Score", "kamcore.x.Score", "9Score"):
        with pytest.raises(InvalidParameterError, match=r"'name' must be a short type name"):
            register(Unnamed, name=bad)
    with pytest.raises(InvalidParameterError, match="'version' must be an integer >= 1; got 0"):
        register(Unnamed, version=0)


@attrs.frozen
class Unnamed:
    x: int


@attrs.frozen
class Versioned:
    total: int
    unit: str


def test_older_type_versions_are_upgraded() -> None:
    register(Versioned, name="TestVersioned", version=3, upgrades={1: _v1_to_v2, 2: _v2_to_v3})
    v3 = dumps(Versioned(5, "EUR"))
    assert json.loads(v3)["type_version"] == 3
    v1 = '{"schema_version": 2, "type": "TestVersioned", "type_version": 1, "data": {"n": 5}}'
    assert loads(v1) == loads(v3, Versioned) == Versioned(5, "EUR")
    with pytest.raises(SchemaError, match="'type_version' of a TestVersioned document must be one"):
        loads(v1.replace('"type_version": 1', '"type_version": 4'))
    broken = '{"schema_version": 2, "type": "TestVersioned", "type_version": 1, "data": {}}'
    with pytest.raises(SchemaError, match=r"TestVersioned \(type_version 1\)"):
        loads(broken)
    with pytest.raises(InvalidParameterError, match="'upgrades' keys must be versions in"):
        register(Unnamed, name="TestUnnamed", version=2, upgrades={2: _v2_to_v3})


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    return {"total": data["n"]}


def _v2_to_v3(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "unit": "EUR"}


@attrs.frozen
class OldTimer:
    x: int


def test_version_1_documents_of_unregistered_classes_still_load_with_the_class() -> None:
    text = f'{{"schema_version": 1, "type": "{__name__}.OldTimer", "data": {{"x": 1}}}}'
    assert loads(text, OldTimer) == OldTimer(1)
    with pytest.raises(
        SchemaError, match=r"(?s)invalid OldTimer document.*\$\.data\.x: expected an int"
    ):
        loads(text.replace('"x": 1', '"x": "1"'), OldTimer)
    with pytest.raises(SchemaError, match="'type' must name a registered type"):
        loads(text)
    with pytest.raises(SchemaError, match="OldTimer has no registered type name"):
        loads(
            text.replace('"schema_version": 1', '"schema_version": 2, "type_version": 1'), OldTimer
        )


def test_domain_types_are_registered() -> None:
    names = registered_types()
    for cls in (Money, Customer, Contact, StageChange, Relationship, Transaction):
        assert names[cls.__name__] is cls
    assert kjson.converter is kjson.converter  # one module-level converter


def test_dumps_rejects_non_attrs_objects() -> None:
    with pytest.raises(InvalidParameterError, match="'obj' must be an attrs instance"):
        dumps({"a": 1})


@attrs.frozen
class Weird:
    x: float


def test_dumps_refuses_nan_instead_of_writing_invalid_json() -> None:
    register(Weird, name="TestWeird")
    with pytest.raises(SchemaError, match="cannot write"):
        dumps(Weird(float("nan")))


@pytest.mark.parametrize("items", [None, float("nan"), 1, object(), "ab", {"a": 1}])
def test_collection_refuses_items_that_are_not_a_sequence(items: Any) -> None:
    with pytest.raises(InvalidParameterError, match="'items' must be a sequence"):
        kjson.Collection(items)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", float("nan"), "'name' must be a short type name"),
        ("name", 3, "'name' must be a short type name"),
        ("cls", float("nan"), "'cls' must be a class"),
        ("cls", "Money", "'cls' must be a class"),
        ("bare", float("nan"), "'bare' must be a callable"),
        ("aliases", float("nan"), "'aliases' must be a tuple of names"),
        ("aliases", "old.Name", "'aliases' must be a tuple of names"),
        ("upgrades", None, "'upgrades' must be a mapping"),
        ("upgrades", "x", "'upgrades' must be a mapping"),
        ("upgrades", 1, "'upgrades' must be a mapping"),
        ("upgrades", {1: "not callable"}, "'upgrades' must map each version to a callable"),
    ],
)
def test_json_type_refuses_bad_fields(field: str, value: Any, message: str) -> None:
    good: dict[str, Any] = {"name": "TestEntry", "cls": Money, "version": 2}
    with pytest.raises(InvalidParameterError, match=message):
        kjson.JsonType(**{**good, field: value})


def test_json_type_keeps_aliases_as_a_tuple() -> None:
    entry = kjson.JsonType("TestEntry", Money, aliases=["old.Money"])
    assert entry.aliases == ("old.Money",)


@pytest.mark.parametrize("cls", ["x", float("nan"), 1, [], object()])
def test_loads_refuses_a_cls_that_is_not_a_class(cls: Any) -> None:
    text = dumps(Money.of("1", "EUR"))
    with pytest.raises(InvalidParameterError, match="'cls' must be the expected class"):
        loads(text, cls)
