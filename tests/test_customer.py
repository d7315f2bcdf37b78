"""Customer entity and Transaction value object: fields, validation, identity."""

from __future__ import annotations

import datetime as dt
import pickle
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamcore.domain import (
    MONEY_FIELDS,
    RUBRIC_FACTS,
    CooperationLength,
    CreditRecord,
    Customer,
    FrozenMap,
    IndustryStanding,
    LossImpact,
    LoyaltyLevel,
    Money,
    ProductImportance,
    Prospects,
    RelationshipDepth,
    StrategicFit,
    SupplyShare,
    Transaction,
)
from kamcore.errors import CurrencyMismatchError, InvalidParameterError
from kamcore.testing.strategies import customers, transactions

EXPECTED_FIELDS = (
    "id",
    "name",
    "industry",
    "region",
    "tags",
    "external_ids",
    "parent_id",
    "profit_last_year",
    "sales_last_year",
    "expected_sales",
    "credit_record",
    "loyalty",
    "product_importance",
    "industry_standing",
    "cooperation",
    "supply_share",
    "relationship_depth",
    "prospects",
    "loss_impact",
    "strategic_fit",
    "account_type",
    "gross_margin",
    "net_profit",
    "cost_to_serve",
)


def test_field_names_are_the_contract() -> None:
    assert tuple(f.name for f in attrs.fields(Customer)) == EXPECTED_FIELDS
    assert MONEY_FIELDS == (
        "profit_last_year",
        "sales_last_year",
        "expected_sales",
        "gross_margin",
        "net_profit",
        "cost_to_serve",
    )
    assert dict(RUBRIC_FACTS) == {
        "credit_record": CreditRecord,
        "loyalty": LoyaltyLevel,
        "product_importance": ProductImportance,
        "industry_standing": IndustryStanding,
        "cooperation": CooperationLength,
        "supply_share": SupplyShare,
        "relationship_depth": RelationshipDepth,
        "prospects": Prospects,
        "loss_impact": LossImpact,
        "strategic_fit": StrategicFit,
    }


def test_defaulted_arguments_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        Customer("c1", "Acme", "printing")  # type: ignore[call-arg]
    for f in attrs.fields(Customer)[2:]:
        assert f.kw_only, f.name
        assert f.default is not attrs.NOTHING  # type: ignore[comparison-overlap]


def test_full_customer() -> None:
    c = Customer(
        "c-1",
        "Acme",
        industry="printing",
        region="East",
        tags={"vip", "export"},
        external_ids={"salesforce": "001A", "sap": "42"},
        parent_id="group-1",
        profit_last_year=Money.of("-5000", "CNY"),
        sales_last_year=Money.of("1200000", "CNY"),
        expected_sales=Money(0, "CNY"),
        credit_record=CreditRecord.PAYS_PER_CONTRACT,
        loyalty=LoyaltyLevel.MOSTLY,
        prospects=Prospects.from_count(3),
    )
    assert c.currency == "CNY"
    assert c.tags == frozenset({"vip", "export"})
    assert isinstance(c.external_ids, FrozenMap)
    assert c.external_ids == {"salesforce": "001A", "sap": "42"}
    assert c.rubric_facts()["loyalty"] is LoyaltyLevel.MOSTLY
    assert c.rubric_facts()["cooperation"] is None
    assert Customer("c2", "X").currency is None


def test_external_ids_are_immutable_and_copied() -> None:
    source = {"crm": "1"}
    c = Customer("c1", "Acme", external_ids=source)
    source["crm"] = "2"
    assert c.external_ids["crm"] == "1"
    with pytest.raises(TypeError):
        c.external_ids["crm"] = "3"  # type: ignore[index]


@given(customers(), customers())
def test_entity_identity_by_id(a: Customer, b: Customer) -> None:
    renamed = attrs.evolve(a, name=a.name + "x", tags=frozenset({"other"}))
    assert renamed == a
    assert hash(renamed) == hash(a)
    assert (a == b) == (a.id == b.id)
    assert len({a, renamed}) == 1


@given(customers())
def test_pickle_round_trip_keeps_every_field(c: Customer) -> None:
    back = pickle.loads(pickle.dumps(c))
    assert attrs.astuple(back, recurse=False) == attrs.astuple(c, recurse=False)


def test_with_yearly_figures() -> None:
    c = Customer("c1", "Acme", sales_last_year=Money(10, "EUR"), profit_last_year=Money(2, "EUR"))
    d = c.with_yearly_figures(expected_sales=Money(20, "EUR"))
    assert d.sales_last_year == Money(10, "EUR")
    assert d.expected_sales == Money(20, "EUR")
    e = d.with_yearly_figures(profit_last_year=None)
    assert e.profit_last_year is None
    with pytest.raises(CurrencyMismatchError, match="'expected_sales'"):
        c.with_yearly_figures(expected_sales=Money(20, "USD"))
    with pytest.raises(InvalidParameterError, match="'sales_last_year' must be >= 0"):
        c.with_yearly_figures(sales_last_year=Money(-1, "EUR"))


@pytest.mark.parametrize(
    ("field", "value", "pattern"),
    [
        ("id", "", "'id' must be a non-empty string"),
        ("id", " c1", "'id' must be a non-empty string without surrounding whitespace"),
        ("id", 7, "'id'"),
        ("name", None, "'name' must be a string"),
        ("industry", "", "'industry'"),
        ("region", 3, "'region'"),
        ("tags", "vip", "'tags' must be a set or sequence of strings"),
        ("tags", ["ok", ""], "'tags' must contain only non-empty strings"),
        ("external_ids", [("a", "b")], "'external_ids' must be a mapping"),
        ("external_ids", {"crm": ""}, "'external_ids' must map each system"),
        ("external_ids", {"": "1"}, "'external_ids'"),
        ("parent_id", "c1", "'parent_id' must differ"),
        ("parent_id", "", "'parent_id'"),
        ("profit_last_year", 100.0, "'profit_last_year' must be a Money value"),
        ("sales_last_year", Money(-1, "EUR"), "'sales_last_year' must be >= 0"),
        ("expected_sales", Money(-1, "EUR"), "'expected_sales' must be >= 0"),
        ("credit_record", 5, "'credit_record' must be a CreditRecord member"),
        ("credit_record", 1.0, "'credit_record' must be a CreditRecord member"),
        ("loyalty", CreditRecord.PAYS_PER_CONTRACT, "'loyalty' must be a LoyaltyLevel member"),
        ("strategic_fit", True, "'strategic_fit'"),
    ],
)
def test_bad_fields_raise_naming_the_field(field: str, value: Any, pattern: str) -> None:
    kwargs: dict[str, Any] = {"id": "c1", "name": "Acme"}
    kwargs[field] = value
    with pytest.raises(InvalidParameterError, match=pattern):
        Customer(**kwargs)


def test_money_figures_share_one_currency() -> None:
    with pytest.raises(CurrencyMismatchError, match=r"'sales_last_year'.*EUR"):
        Customer("c1", "A", profit_last_year=Money(1, "EUR"), sales_last_year=Money(1, "USD"))
    # Profit may be negative.
    assert Customer("c1", "A", profit_last_year=Money(-1, "EUR")).profit_last_year


# ------------------------------------------------------------------ Transaction
DAY = dt.date(2024, 5, 2)


def test_transaction_margin_and_cost() -> None:
    t = Transaction("c1", DAY, Money(100, "EUR"), cost=Money(60, "EUR"))
    assert t.gross_margin == Money(40, "EUR")
    t2 = Transaction("c1", DAY, Money(100, "EUR"), margin=Money(-5, "EUR"))
    assert t2.gross_margin == Money(-5, "EUR")
    t3 = Transaction("c1", DAY, Money(100, "EUR"), margin=Money(40, "EUR"), cost=Money(60, "EUR"))
    assert t3.gross_margin == Money(40, "EUR")
    assert Transaction("c1", DAY, Money(1, "EUR")).gross_margin is None
    assert t == Transaction("c1", DAY, Money(Decimal("100.00"), "EUR"), cost=Money(60, "EUR"))


def test_refund_is_flagged_not_negative() -> None:
    t = Transaction("c1", DAY, Money(30, "EUR"), refund=True)
    assert t.signed_amount == Money(-30, "EUR")
    with pytest.raises(InvalidParameterError, match=r"'amount' must be >= 0.*refund=True"):
        Transaction("c1", DAY, Money(-30, "EUR"))


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"margin": Money(1, "USD")}, CurrencyMismatchError, "'margin'"),
        ({"cost": Money(1, "USD")}, CurrencyMismatchError, "'cost'"),
        ({"cost": Money(-1, "EUR")}, InvalidParameterError, "'cost' must be >= 0"),
        ({"margin": Money(101, "EUR")}, InvalidParameterError, "'margin' must be <="),
        (
            {"margin": Money(10, "EUR"), "cost": Money(60, "EUR")},
            InvalidParameterError,
            "'margin' must equal amount - cost",
        ),
        ({"margin": 10}, InvalidParameterError, "'margin' must be a Money"),
        ({"product_line": ""}, InvalidParameterError, "'product_line'"),
        ({"main_business": 1}, InvalidParameterError, "'main_business' must be True or False"),
        ({"refund": "no"}, InvalidParameterError, "'refund'"),
    ],
)
def test_transaction_bad_inputs(
    kwargs: dict[str, Any], error: type[Exception], pattern: str
) -> None:
    with pytest.raises(error, match=pattern):
        Transaction("c1", DAY, Money(100, "EUR"), **kwargs)


@pytest.mark.parametrize(
    ("args", "pattern"),
    [
        (("", DAY, Money(1, "EUR")), "'customer_id'"),
        (("c1", "2024/05/02", Money(1, "EUR")), "'date' must be a datetime.date"),
        (("c1", dt.datetime(2024, 5, 2, 10), Money(1, "EUR")), "'date'"),
        (("c1", DAY, 1), "'amount' must be a Money value"),
    ],
)
def test_transaction_bad_positional(args: tuple[Any, ...], pattern: str) -> None:
    with pytest.raises(InvalidParameterError, match=pattern):
        Transaction(*args)


@given(transactions())
def test_generated_transactions_are_consistent(t: Transaction) -> None:
    if t.margin is not None and t.cost is not None:
        assert t.margin == t.amount - t.cost
    gm = t.gross_margin
    if gm is not None:
        assert gm <= t.amount
    assert t.signed_amount.amount == (-t.amount.amount if t.refund else t.amount.amount)


@given(st.lists(transactions(currency="EUR"), max_size=8))
def test_net_sales_is_sum_of_signed_amounts(ts: list[Transaction]) -> None:
    net = Money.total([t.signed_amount for t in ts], currency="EUR")
    gross = Money.total([t.amount for t in ts if not t.refund], currency="EUR")
    refunds = Money.total([t.amount for t in ts if t.refund], currency="EUR")
    assert net == gross - refunds


# ------------------------------------------------------------------ rubric-fact enums
@pytest.mark.parametrize(
    ("years", "expected"),
    [
        (0, CooperationLength.UNDER_1_YEAR),
        (0.99, CooperationLength.UNDER_1_YEAR),
        (1, CooperationLength.YEARS_1_TO_3),
        (3, CooperationLength.YEARS_3_TO_5),
        (5, CooperationLength.YEARS_3_TO_5),
        (5.01, CooperationLength.OVER_5_YEARS),
    ],
)
def test_cooperation_bands(years: float, expected: CooperationLength) -> None:
    assert CooperationLength.from_years(years) is expected


@pytest.mark.parametrize("years", [float("nan"), float("inf"), -1, True, "3"])
def test_cooperation_bad_years(years: Any) -> None:
    with pytest.raises(InvalidParameterError, match="'years'"):
        CooperationLength.from_years(years)


def test_prospect_bands_and_level_order() -> None:
    assert [Prospects.from_count(n) for n in range(5)] == [
        Prospects.NONE,
        Prospects.ONE,
        Prospects.TWO_OR_THREE,
        Prospects.TWO_OR_THREE,
        Prospects.FOUR,
    ]
    with pytest.raises(InvalidParameterError, match="'prospects'"):
        Prospects.from_count(5)
    assert CreditRecord.PAYS_PER_CONTRACT < CreditRecord.UNCOLLECTABLE
    assert CreditRecord.from_level(2) is CreditRecord.LATE_BUT_COLLECTABLE
    with pytest.raises(InvalidParameterError, match="'CreditRecord' level"):
        CreditRecord.from_level(5)


def test_yearly_figures_come_from_the_transactions_of_that_year() -> None:
    eur = lambda x: Money.of(x, "EUR")  # noqa: E731
    log = [
        Transaction("c1", dt.date(2023, 12, 31), eur("50"), margin=eur("5")),
        Transaction("c1", dt.date(2024, 1, 1), eur("1000"), cost=eur("700")),
        Transaction("c1", dt.date(2024, 5, 1), eur("200"), margin=eur("20"), refund=True),
        Transaction("c2", dt.date(2024, 5, 1), eur("7"), margin=eur("1")),
    ]
    c = Customer("c1", "Acme").with_figures_from(log, year=2024)
    assert c.sales_last_year == eur("800")
    assert c.profit_last_year == eur("280")
    no_margin = [*log, Transaction("c1", dt.date(2024, 6, 1), eur("10"))]
    c2 = Customer("c1", "Acme").with_figures_from(no_margin, year=2024)
    assert c2.sales_last_year == eur("810")
    assert c2.profit_last_year is None
    with pytest.raises(InvalidParameterError, match="customer 'c1' in 2022"):
        Customer("c1", "Acme").with_figures_from(log, year=2022)
