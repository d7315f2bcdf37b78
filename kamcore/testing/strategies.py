"""Hypothesis strategies for every kamcore domain object.

Use them in your own property tests (``pip install 'kamcore[test]'``)::

    from hypothesis import given
    from kamcore.testing.strategies import customers

    @given(customers())
    def test_my_scorer_accepts_any_customer(customer): ...

Every strategy draws only *valid* objects (they pass their validators);
relationship histories are random walks over the legal lifecycle graph with
non-decreasing dates. Identifiers are short printable strings without
surrounding whitespace.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from kamcore.domain import (
    ISO_4217_CODES,
    OPEN_FUNNEL_STAGES,
    RUBRIC_FACTS,
    TRANSITIONS,
    AccountTeam,
    AccountTeamRole,
    AccountType,
    BuyingRole,
    ChurnRecord,
    ChurnType,
    CompetitivePosition,
    Complaint,
    ComplaintChannel,
    ComplaintSeverity,
    Contact,
    Customer,
    DeclineCause,
    FunnelStage,
    Influence,
    KamStage,
    LifecycleStage,
    Money,
    Opportunity,
    OpportunityAssessment,
    Relationship,
    RelationshipType,
    Seniority,
    StageChange,
    Stance,
    StrategicFit,
    TeamMember,
    Transaction,
    kam_stages_for,
)
from kamcore.domain._coerce import coerce_items
from kamcore.domain._satisfaction_summary import SatisfactionSummary
from kamcore.domain._switching_cost import (
    DependenceLever,
    SwitchingCost,
    SwitchingCostComponent,
    SwitchingCostFacet,
)
from kamcore.domain._transitions import START_STAGES
from kamcore.errors import InvalidParameterError

__all__ = [
    "account_teams",
    "churn_records",
    "complaints",
    "opportunities",
    "opportunity_assessments",
    "team_members",
    "satisfaction_summaries",
    "switching_cost_components",
    "switching_costs",
    "amounts",
    "contacts",
    "currencies",
    "customers",
    "dates",
    "identifiers",
    "lifecycle_paths",
    "money",
    "relationships",
    "stage_changes",
    "stage_histories",
    "transactions",
]

_SORTED_CODES = sorted(ISO_4217_CODES)
_MIN_DATE = dt.date(1990, 1, 1)
_MAX_DATE = dt.date(2060, 12, 31)


def identifiers(*, max_size: int = 12) -> st.SearchStrategy[str]:
    """Identifiers: non-empty printable strings without surrounding whitespace.

    Parameters
    ----------
    max_size
        Maximum length.

    Returns
    -------
    SearchStrategy[str]
        A strategy drawing valid values of that type.

    Raises
    ------
    hypothesis.errors.InvalidArgument
        When an example is drawn, for bounds hypothesis refuses (a minimum
        above the maximum, a size below 1).
    KamcoreError
        When an example is drawn, for an argument the domain objects refuse
        (e.g. an unknown currency code).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5, database=None)
    ... @given(identifiers())
    ... def test_identifiers(x):
    ...     assert isinstance(x, str) and len(x) >= 1
    >>> test_identifiers()
    """
    alphabet = st.characters(
        min_codepoint=33, max_codepoint=0x2FFF, blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")
    )
    return st.text(alphabet, min_size=1, max_size=max_size)


def _labels() -> st.SearchStrategy[str]:
    inner = st.text(
        st.characters(min_codepoint=32, max_codepoint=0x2FFF, blacklist_categories=("Cs", "Cc")),
        max_size=12,
    )
    return st.builds(lambda a, b: a + b.strip(), identifiers(max_size=1), inner).filter(
        lambda s: s == s.strip()
    )


def _decimal(value: Any, name: str) -> Decimal:
    """Return a finite ``Decimal`` bound; refuse other types and NaN/infinity by name."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise InvalidParameterError(
            f"{name!r} must be a Decimal or an int; got {type(value).__name__} {value!r}."
        )
    out = Decimal(value)
    if not out.is_finite():
        raise InvalidParameterError(f"{name!r} must be finite; got {value!r}.")
    return out


def currencies(codes: Sequence[str] | None = None) -> st.SearchStrategy[str]:
    """ISO 4217 codes, drawn from ``codes`` or from every known code.

    Parameters
    ----------
    codes : sequence of str, optional
        The codes to draw from; every ISO 4217 code when None.

    Returns
    -------
    SearchStrategy[str]
        A strategy drawing valid values of that type.

    Raises
    ------
    hypothesis.errors.InvalidArgument
        When an example is drawn, for bounds hypothesis refuses (a minimum
        above the maximum, a size below 1).
    KamcoreError
        When an example is drawn, for an argument the domain objects refuse
        (e.g. an unknown currency code).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from kamcore.domain import ISO_4217_CODES
    >>> @settings(max_examples=5, database=None)
    ... @given(currencies())
    ... def test_currencies(x):
    ...     assert x in ISO_4217_CODES
    >>> test_currencies()
    """
    if codes is None:
        return st.sampled_from(_SORTED_CODES)
    return st.sampled_from(list(coerce_items(codes, "codes", str)))


def amounts(
    *,
    min_value: Decimal | int | None = None,
    max_value: Decimal | int | None = None,
    max_places: int = 4,
) -> st.SearchStrategy[Decimal]:
    """Finite decimal amounts with 0 to ``max_places`` decimal places.

    Parameters
    ----------
    min_value, max_value
        Bounds (default +/- 10**12).
    max_places
        Largest number of digits after the point.

    Returns
    -------
    SearchStrategy[Decimal]
        A strategy drawing valid values of that type.

    Raises
    ------
    hypothesis.errors.InvalidArgument
        When an example is drawn, for bounds hypothesis refuses (a minimum
        above the maximum, a size below 1).
    KamcoreError
        When an example is drawn, for an argument the domain objects refuse
        (e.g. an unknown currency code).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from decimal import Decimal
    >>> @settings(max_examples=5, database=None)
    ... @given(amounts())
    ... def test_amounts(x):
    ...     assert isinstance(x, Decimal)
    >>> test_amounts()
    """
    low = Decimal(-(10**12)) if min_value is None else _decimal(min_value, "min_value")
    high = Decimal(10**12) if max_value is None else _decimal(max_value, "max_value")
    return st.integers(0, max_places).flatmap(
        lambda places: st.decimals(
            min_value=low, max_value=high, places=places, allow_nan=False, allow_infinity=False
        )
    )


def money(
    currency: str | st.SearchStrategy[str] | None = None,
    *,
    min_value: Decimal | int | None = None,
    max_value: Decimal | int | None = None,
    max_places: int = 4,
) -> st.SearchStrategy[Money]:
    """:class:`~kamcore.domain.Money` values.

    Parameters
    ----------
    currency
        A fixed code, a strategy of codes, or ``None`` for any ISO code.
    min_value, max_value, max_places
        As in :func:`amounts`.

    Returns
    -------
    SearchStrategy[Money]
        A strategy drawing valid values of that type.

    Raises
    ------
    hypothesis.errors.InvalidArgument
        When an example is drawn, for bounds hypothesis refuses (a minimum
        above the maximum, a size below 1).
    KamcoreError
        When an example is drawn, for an argument the domain objects refuse
        (e.g. an unknown currency code).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from kamcore.domain import Money
    >>> @settings(max_examples=5, database=None)
    ... @given(money())
    ... def test_money(x):
    ...     assert isinstance(x, Money)
    >>> test_money()
    """
    codes = _currency_strategy(currency)
    return st.builds(
        Money,
        amounts(min_value=min_value, max_value=max_value, max_places=max_places),
        codes,
    )


def _currency_strategy(currency: str | st.SearchStrategy[str] | None) -> st.SearchStrategy[str]:
    if currency is None:
        return currencies()
    if isinstance(currency, str):
        return st.just(currency)
    return currency


def dates(
    *, min_value: dt.date = _MIN_DATE, max_value: dt.date = _MAX_DATE
) -> st.SearchStrategy[dt.date]:
    """Calendar days (``datetime.date``) in a bounded range.

    Parameters
    ----------
    min_value, max_value : datetime.date
        The range of the dates drawn (both included).

    Returns
    -------
    SearchStrategy[datetime.date]
        A strategy drawing valid values of that type.

    Raises
    ------
    hypothesis.errors.InvalidArgument
        When an example is drawn, for bounds hypothesis refuses (a minimum
        above the maximum, a size below 1).
    KamcoreError
        When an example is drawn, for an argument the domain objects refuse
        (e.g. an unknown currency code).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> import datetime as dt
    >>> @settings(max_examples=5, database=None)
    ... @given(dates())
    ... def test_dates(x):
    ...     assert isinstance(x, dt.date)
    >>> test_dates()
    """
    return st.dates(min_value=min_value, max_value=max_value)


def _draw_id(draw: st.DrawFn, value: str | st.SearchStrategy[str] | None) -> str:
    """A fixed id, one drawn from a given strategy, or one from :func:`identifiers`."""
    if value is None:
        return draw(identifiers())
    if isinstance(value, str):
        return value
    return draw(value)


def _optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


@st.composite
def customers(
    draw: st.DrawFn,
    *,
    ids: st.SearchStrategy[str] | None = None,
    currency: str | st.SearchStrategy[str] | None = None,
) -> Customer:
    """:class:`~kamcore.domain.Customer` entities with random optional fields.

    Parameters
    ----------
    ids
        Strategy for ``id`` (default :func:`identifiers`).
    currency
        Currency of the yearly figures (default: any ISO code).

    Returns
    -------
    SearchStrategy[Customer]
        A strategy drawing valid values of that type.

    Raises
    ------
    hypothesis.errors.InvalidArgument
        When an example is drawn, for bounds hypothesis refuses (a minimum
        above the maximum, a size below 1).
    KamcoreError
        When an example is drawn, for an argument the domain objects refuse
        (e.g. an unknown currency code).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from kamcore.domain import Customer
    >>> @settings(max_examples=5, database=None)
    ... @given(customers())
    ... def test_customers(x):
    ...     assert isinstance(x, Customer)
    >>> test_customers()
    """
    ident = draw(ids if ids is not None else identifiers())
    code = draw(_currency_strategy(currency))
    parent = draw(_optional(identifiers().filter(lambda p: p != ident)))
    facts = {
        name: draw(_optional(st.sampled_from(tuple(enum_cls.__members__.values()))))
        for name, enum_cls in RUBRIC_FACTS.items()
    }
    return Customer(
        ident,
        draw(st.text(max_size=20)),
        industry=draw(_optional(_labels())),
        region=draw(_optional(_labels())),
        tags=draw(st.frozensets(_labels(), max_size=4)),
        external_ids=draw(st.dictionaries(identifiers(), identifiers(), max_size=3)),
        parent_id=parent,
        profit_last_year=draw(_optional(money(code))),
        sales_last_year=draw(_optional(money(code, min_value=0))),
        expected_sales=draw(_optional(money(code, min_value=0))),
        **facts,
        account_type=draw(_optional(st.sampled_from(list(AccountType)))),
        gross_margin=draw(_optional(money(code))),
        net_profit=draw(_optional(money(code))),
        cost_to_serve=draw(_optional(money(code, min_value=0))),
    )


@st.composite
def contacts(
    draw: st.DrawFn,
    *,
    customer_id: str | st.SearchStrategy[str] | None = None,
    ids: st.SearchStrategy[str] | None = None,
) -> Contact:
    """:class:`~kamcore.domain.Contact` entities, personal details included.

    Parameters
    ----------
    customer_id
        Fixed customer id or a strategy (default :func:`identifiers`).
    ids
        Strategy for the contact ``id``.

    Returns
    -------
    SearchStrategy[Contact]
        A strategy drawing valid values of that type.

    Raises
    ------
    hypothesis.errors.InvalidArgument
        When an example is drawn, for bounds hypothesis refuses (a minimum
        above the maximum, a size below 1).
    KamcoreError
        When an example is drawn, for an argument the domain objects refuse
        (e.g. an unknown currency code).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from kamcore.domain import Contact
    >>> @settings(max_examples=5, database=None)
    ... @given(contacts())
    ... def test_contacts(x):
    ...     assert isinstance(x, Contact)
    >>> test_contacts()
    """
    cid = _draw_id(draw, customer_id)
    email = draw(
        _optional(
            st.builds(
                lambda a, b: f"{a}@{b}.example",
                st.from_regex(r"[a-z]{1,8}", fullmatch=True),
                st.from_regex(r"[a-z]{1,8}", fullmatch=True),
            )
        )
    )
    return Contact(
        draw(ids if ids is not None else identifiers()),
        draw(st.text(max_size=20)),
        cid,
        draw(st.sampled_from(list(BuyingRole))),
        stance=draw(st.sampled_from(list(Stance))),
        strength=draw(st.floats(0.0, 1.0, allow_nan=False)),
        seniority=draw(_optional(st.sampled_from(list(Seniority)))),
        title=draw(_optional(_labels())),
        email=email,
        phone=draw(_optional(st.from_regex(r"\+[0-9]{6,12}", fullmatch=True))),
        birthday=draw(_optional(st.dates(dt.date(1930, 1, 1), dt.date(2010, 12, 31)))),
        interests=draw(st.frozensets(_labels(), max_size=3)),
        influence=draw(_optional(st.sampled_from(list(Influence)))),
    )


def stage_changes() -> st.SearchStrategy[StageChange]:
    """Single :class:`~kamcore.domain.StageChange` records (any stage, any day).

    Returns
    -------
    SearchStrategy[StageChange]
        A strategy drawing valid values of that type.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from kamcore.domain import StageChange
    >>> @settings(max_examples=5, database=None)
    ... @given(stage_changes())
    ... def test_stage_changes(x):
    ...     assert isinstance(x, StageChange)
    >>> test_stage_changes()
    """
    return st.builds(StageChange, st.sampled_from(list(LifecycleStage)), dates())


@st.composite
def lifecycle_paths(
    draw: st.DrawFn, *, max_moves: int = 8, start: LifecycleStage | None = None
) -> tuple[LifecycleStage, ...]:
    """Draw sequences of stages where each step is a legal move (a walk on the graph).

    Parameters
    ----------
    max_moves
        Largest number of moves after the start.
    start
        Starting stage (default: any live stage).

    Returns
    -------
    SearchStrategy[tuple[LifecycleStage, ...]]
        A strategy drawing valid values of that type.

    Raises
    ------
    hypothesis.errors.InvalidArgument
        When an example is drawn, for bounds hypothesis refuses (a minimum
        above the maximum, a size below 1).
    KamcoreError
        When an example is drawn, for an argument the domain objects refuse
        (e.g. an unknown currency code).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from kamcore.domain import LifecycleStage
    >>> @settings(max_examples=5, database=None)
    ... @given(lifecycle_paths())
    ... def test_lifecycle_paths(x):
    ...     assert all(isinstance(stage, LifecycleStage) for stage in x)
    >>> test_lifecycle_paths()
    """
    stage = (
        start
        if start is not None
        else draw(st.sampled_from(sorted(START_STAGES, key=lambda s: s.name)))
    )
    path = [stage]
    for _ in range(draw(st.integers(0, max_moves))):
        moves = sorted(TRANSITIONS[path[-1]], key=lambda s: s.name)
        if not moves:
            break
        path.append(draw(st.sampled_from(moves)))
    return tuple(path)


@st.composite
def stage_histories(draw: st.DrawFn, *, max_moves: int = 8) -> tuple[StageChange, ...]:
    """Valid dated histories: a legal path with non-decreasing dates.

    Parameters
    ----------
    max_moves : int
        The most stage changes after the first.

    Returns
    -------
    SearchStrategy[tuple[StageChange, ...]]
        A strategy drawing valid values of that type.

    Raises
    ------
    hypothesis.errors.InvalidArgument
        When an example is drawn, for bounds hypothesis refuses (a minimum
        above the maximum, a size below 1).
    KamcoreError
        When an example is drawn, for an argument the domain objects refuse
        (e.g. an unknown currency code).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from kamcore.domain import StageChange
    >>> @settings(max_examples=5, database=None)
    ... @given(stage_histories())
    ... def test_stage_histories(x):
    ...     assert all(isinstance(c, StageChange) for c in x)
    >>> test_stage_histories()
    """
    path = draw(lifecycle_paths(max_moves=max_moves))
    day = draw(dates(max_value=dt.date(2040, 1, 1)))
    history = []
    for stage in path:
        history.append(StageChange(stage, day))
        day = day + dt.timedelta(days=draw(st.integers(0, 400)))
    return tuple(history)


@st.composite
def relationships(
    draw: st.DrawFn,
    *,
    customer_id: str | st.SearchStrategy[str] | None = None,
    max_contacts: int = 4,
    max_moves: int = 8,
) -> Relationship:
    """:class:`~kamcore.domain.Relationship` entities with legal random histories.

    Some DECLINE and ENDED entries carry a :class:`~kamcore.domain.ChurnRecord`
    of the same day; about half the relationships carry an
    :class:`~kamcore.domain.AccountTeam` owned by the account manager.

    Parameters
    ----------
    customer_id
        Fixed customer id or a strategy (default :func:`identifiers`).
    max_contacts
        Largest number of contacts (unique ids, all at the customer).
    max_moves
        Largest number of lifecycle moves after the start.

    Returns
    -------
    SearchStrategy[Relationship]
        A strategy drawing valid values of that type.

    Raises
    ------
    hypothesis.errors.InvalidArgument
        When an example is drawn, for bounds hypothesis refuses (a minimum
        above the maximum, a size below 1).
    KamcoreError
        When an example is drawn, for an argument the domain objects refuse
        (e.g. an unknown currency code).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from kamcore.domain import Relationship
    >>> @settings(max_examples=5, database=None)
    ... @given(relationships())
    ... def test_relationships(x):
    ...     assert isinstance(x, Relationship)
    >>> test_relationships()
    """
    cid = _draw_id(draw, customer_id)
    rtype = draw(st.sampled_from(list(RelationshipType)))
    kam = draw(_optional(st.sampled_from(sorted(kam_stages_for(rtype), key=lambda k: k.name))))
    people = draw(
        st.lists(contacts(customer_id=cid), max_size=max_contacts, unique_by=lambda c: c.id)
    )
    kam_stage: KamStage | None = kam
    manager = draw(_labels())
    history = draw(stage_histories(max_moves=max_moves))
    churn_days = sorted(
        {c.on for c in history if c.stage in (LifecycleStage.DECLINE, LifecycleStage.ENDED)}
    )
    records = [draw(churn_records(on=day)) for day in churn_days if draw(st.booleans())]
    team = draw(_optional(account_teams(owner=manager)))
    return Relationship(
        draw(identifiers()),
        cid,
        rtype,
        manager,
        history,
        contacts=tuple(people),
        kam_stage=kam_stage,
        switching_cost=draw(_optional(switching_costs())),
        satisfaction=draw(_optional(satisfaction_summaries(customer_id=cid))),
        churn_records=records,
        team=team,
    )


_GAPS = st.floats(-6.0, 6.0, allow_nan=False)


@st.composite
def satisfaction_summaries(
    draw: st.DrawFn, *, customer_id: str | None = None
) -> SatisfactionSummary:
    """:class:`~kamcore.domain.SatisfactionSummary` values.

    Gaps lie in [-6, 6] (a 1-7 scale); a dimension may be missing (None).

    Parameters
    ----------
    customer_id : str, optional
        The customer of every summary; any identifier when None.

    Returns
    -------
    SearchStrategy
        A strategy of valid SatisfactionSummary values.

    Raises
    ------
    hypothesis.errors.InvalidArgument
        When an example is drawn, for bounds hypothesis refuses (a minimum
        above the maximum, a size below 1).
    KamcoreError
        When an example is drawn, for an argument the domain objects refuse
        (e.g. an unknown currency code).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from kamcore.domain import SatisfactionSummary
    >>> @settings(max_examples=5, database=None)
    ... @given(satisfaction_summaries())
    ... def test_satisfaction_summaries(x):
    ...     assert isinstance(x, SatisfactionSummary)
    >>> test_satisfaction_summaries()
    """
    dims = ("tangibles", "reliability", "responsiveness", "assurance", "empathy")
    gaps = {d: draw(_optional(_GAPS)) for d in dims}
    return SatisfactionSummary(
        customer_id=customer_id if customer_id is not None else draw(identifiers()),
        as_of=draw(dates()),
        overall_gap=draw(_optional(_GAPS)),
        weighted_gap=draw(_optional(_GAPS)),
        dimension_gaps=gaps,
        respondents=draw(st.integers(0, 500)),
    )


@st.composite
def switching_cost_components(draw: st.DrawFn, *, currency: str = "EUR") -> SwitchingCostComponent:
    """:class:`~kamcore.domain.SwitchingCostComponent` values.

    Each has a money estimate, a strength in [0, 1], or both.

    Parameters
    ----------
    currency : str
        The currency of the money estimates.

    Returns
    -------
    SearchStrategy
        A strategy of valid SwitchingCostComponent values.

    Raises
    ------
    hypothesis.errors.InvalidArgument
        When an example is drawn, for bounds hypothesis refuses (a minimum
        above the maximum, a size below 1).
    KamcoreError
        When an example is drawn, for an argument the domain objects refuse
        (e.g. an unknown currency code).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from kamcore.domain import SwitchingCostComponent
    >>> @settings(max_examples=5, database=None)
    ... @given(switching_cost_components())
    ... def test_switching_cost_components(x):
    ...     assert isinstance(x, SwitchingCostComponent)
    >>> test_switching_cost_components()
    """
    has_money, has_strength = draw(st.sampled_from([(True, False), (False, True), (True, True)]))
    return SwitchingCostComponent(
        draw(st.sampled_from(list(SwitchingCostFacet))),
        draw(st.sampled_from(list(DependenceLever))),
        money=draw(money(currency, min_value=0)) if has_money else None,
        strength=draw(st.floats(0.0, 1.0)) if has_strength else None,
    )


def switching_costs(
    *, currency: str = "EUR", max_components: int = 6
) -> st.SearchStrategy[SwitchingCost]:
    """:class:`~kamcore.domain.SwitchingCost` values in one currency.

    Parameters
    ----------
    currency : str
        The currency of the money estimates.
    max_components : int
        The most components per switching cost.

    Returns
    -------
    SearchStrategy
        A strategy of valid SwitchingCost values.

    Raises
    ------
    hypothesis.errors.InvalidArgument
        When an example is drawn, for bounds hypothesis refuses (a minimum
        above the maximum, a size below 1).
    KamcoreError
        When an example is drawn, for an argument the domain objects refuse
        (e.g. an unknown currency code).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from kamcore.domain import SwitchingCost
    >>> @settings(max_examples=5, database=None)
    ... @given(switching_costs())
    ... def test_switching_costs(x):
    ...     assert isinstance(x, SwitchingCost)
    >>> test_switching_costs()
    """
    return st.lists(switching_cost_components(currency=currency), max_size=max_components).map(
        lambda comps: SwitchingCost(comps, currency=currency)
    )


@st.composite
def transactions(
    draw: st.DrawFn,
    *,
    customer_id: str | st.SearchStrategy[str] | None = None,
    currency: str | st.SearchStrategy[str] | None = None,
) -> Transaction:
    """:class:`~kamcore.domain.Transaction` values (margin, cost, both or neither).

    Parameters
    ----------
    customer_id
        Fixed customer id or a strategy.
    currency
        Fixed currency or a strategy (default any ISO code).

    Returns
    -------
    SearchStrategy[Transaction]
        A strategy drawing valid values of that type.

    Raises
    ------
    hypothesis.errors.InvalidArgument
        When an example is drawn, for bounds hypothesis refuses (a minimum
        above the maximum, a size below 1).
    KamcoreError
        When an example is drawn, for an argument the domain objects refuse
        (e.g. an unknown currency code).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from kamcore.domain import Transaction
    >>> @settings(max_examples=5, database=None)
    ... @given(transactions())
    ... def test_transactions(x):
    ...     assert isinstance(x, Transaction)
    >>> test_transactions()
    """
    cid = _draw_id(draw, customer_id)
    code = draw(_currency_strategy(currency))
    amount = draw(money(code, min_value=0, max_value=10**9))
    cost = draw(_optional(money(code, min_value=0, max_value=10**9)))
    kind = draw(st.sampled_from(["none", "margin", "cost", "both"]))
    margin: Money | None = None
    if kind in ("margin", "both") and cost is not None:
        margin = amount - cost
    if kind in ("margin", "none"):
        cost = None
    return Transaction(
        cid,
        draw(dates()),
        amount,
        margin=margin,
        cost=cost,
        product_line=draw(_optional(_labels())),
        main_business=draw(st.booleans()),
        refund=draw(st.booleans()),
    )


# ---------------------------------------------------------------- account records
@st.composite
def churn_records(draw: st.DrawFn, *, on: dt.date | None = None) -> ChurnRecord:
    """:class:`~kamcore.domain.ChurnRecord` values: a type, causes or both.

    Parameters
    ----------
    on
        Fixed day (default: any day from :func:`dates`).

    Returns
    -------
    SearchStrategy
        A strategy of valid ChurnRecord values.

    Raises
    ------
    hypothesis.errors.InvalidArgument
        When an example is drawn, for bounds hypothesis refuses (a minimum
        above the maximum, a size below 1).
    KamcoreError
        When an example is drawn, for an argument the domain objects refuse
        (e.g. an unknown currency code).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from kamcore.domain import ChurnRecord
    >>> @settings(max_examples=5, database=None)
    ... @given(churn_records())
    ... def test_churn_records(x):
    ...     assert isinstance(x, ChurnRecord)
    >>> test_churn_records()
    """
    kind = draw(st.sampled_from(["type", "causes", "both"]))
    churn_type = draw(st.sampled_from(list(ChurnType))) if kind != "causes" else None
    causes = (
        draw(st.frozensets(st.sampled_from(list(DeclineCause)), min_size=1, max_size=3))
        if kind != "type"
        else frozenset()
    )
    return ChurnRecord(
        on if on is not None else draw(dates()),
        churn_type=churn_type,
        causes=causes,
        note=draw(_optional(_labels())),
    )


@st.composite
def complaints(
    draw: st.DrawFn, *, customer_id: str | st.SearchStrategy[str] | None = None
) -> Complaint:
    """:class:`~kamcore.domain.Complaint` values, open or resolved (never before receipt).

    Parameters
    ----------
    customer_id : str or SearchStrategy of str, optional
        The customer every complaint is about; any identifier when None.

    Returns
    -------
    SearchStrategy
        A strategy of valid Complaint values.

    Raises
    ------
    hypothesis.errors.InvalidArgument
        When an example is drawn, for bounds hypothesis refuses (a minimum
        above the maximum, a size below 1).
    KamcoreError
        When an example is drawn, for an argument the domain objects refuse
        (e.g. an unknown currency code).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from kamcore.domain import Complaint
    >>> @settings(max_examples=5, database=None)
    ... @given(complaints())
    ... def test_complaints(x):
    ...     assert isinstance(x, Complaint)
    >>> test_complaints()
    """
    cid = _draw_id(draw, customer_id)
    received = draw(dates(max_value=dt.date(2050, 1, 1)))
    resolved = draw(_optional(st.integers(0, 400).map(lambda d: received + dt.timedelta(days=d))))
    return Complaint(
        cid,
        received,
        draw(st.sampled_from(list(ComplaintChannel))),
        draw(_labels()),
        draw(st.sampled_from(list(ComplaintSeverity))),
        resolved_on=resolved,
        recovery_action=draw(_optional(_labels())),
    )


_TEAM_ROLES = [r for r in AccountTeamRole if r is not AccountTeamRole.ACCOUNT_MANAGER]


def team_members() -> st.SearchStrategy[TeamMember]:
    """:class:`~kamcore.domain.TeamMember` values in any role but ACCOUNT_MANAGER.

    Returns
    -------
    SearchStrategy
        A strategy of valid TeamMember values.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from kamcore.domain import TeamMember
    >>> @settings(max_examples=5, database=None)
    ... @given(team_members())
    ... def test_team_members(x):
    ...     assert isinstance(x, TeamMember)
    >>> test_team_members()
    """
    return st.builds(TeamMember, _labels(), st.sampled_from(_TEAM_ROLES))


@st.composite
def account_teams(
    draw: st.DrawFn, *, owner: str | st.SearchStrategy[str] | None = None, max_members: int = 5
) -> AccountTeam:
    """:class:`~kamcore.domain.AccountTeam` values (no person twice in one role).

    Parameters
    ----------
    owner
        Fixed owner or a strategy (default: a label).
    max_members
        Largest number of members.

    Returns
    -------
    SearchStrategy
        A strategy of valid AccountTeam values.

    Raises
    ------
    hypothesis.errors.InvalidArgument
        When an example is drawn, for bounds hypothesis refuses (a minimum
        above the maximum, a size below 1).
    KamcoreError
        When an example is drawn, for an argument the domain objects refuse
        (e.g. an unknown currency code).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from kamcore.domain import AccountTeam
    >>> @settings(max_examples=5, database=None)
    ... @given(account_teams())
    ... def test_account_teams(x):
    ...     assert isinstance(x, AccountTeam)
    >>> test_account_teams()
    """
    who = owner if isinstance(owner, str) else draw(owner if owner is not None else _labels())
    members = draw(st.lists(team_members(), max_size=max_members, unique=True))
    return AccountTeam(who, members)


def opportunity_assessments() -> st.SearchStrategy[OpportunityAssessment]:
    """:class:`~kamcore.domain.OpportunityAssessment` values, any item possibly unassessed.

    Returns
    -------
    SearchStrategy
        A strategy of valid OpportunityAssessment values.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from kamcore.domain import OpportunityAssessment
    >>> @settings(max_examples=5, database=None)
    ... @given(opportunity_assessments())
    ... def test_opportunity_assessments(x):
    ...     assert isinstance(x, OpportunityAssessment)
    >>> test_opportunity_assessments()
    """
    flag = _optional(st.booleans())
    return st.builds(
        OpportunityAssessment,
        need=flag,
        schedule=flag,
        budget=flag,
        competitive_position=_optional(st.sampled_from(list(CompetitivePosition))),
        decision_process=flag,
        strategic_fit=_optional(st.sampled_from(list(StrategicFit))),
    )


@st.composite
def opportunities(
    draw: st.DrawFn,
    *,
    customer_id: str | st.SearchStrategy[str] | None = None,
    currency: str | st.SearchStrategy[str] | None = None,
) -> Opportunity:
    """:class:`~kamcore.domain.Opportunity` entities, open, won or lost, consistent fields.

    Parameters
    ----------
    customer_id : str or SearchStrategy of str, optional
        The customer of every deal; any identifier when None.
    currency : str or SearchStrategy of str, optional
        The currency of the amounts; any ISO 4217 code when None.

    Returns
    -------
    SearchStrategy
        A strategy of valid Opportunity values.

    Raises
    ------
    hypothesis.errors.InvalidArgument
        When an example is drawn, for bounds hypothesis refuses (a minimum
        above the maximum, a size below 1).
    KamcoreError
        When an example is drawn, for an argument the domain objects refuse
        (e.g. an unknown currency code).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from kamcore.domain import Opportunity
    >>> @settings(max_examples=5, database=None)
    ... @given(opportunities())
    ... def test_opportunities(x):
    ...     assert isinstance(x, Opportunity)
    >>> test_opportunities()
    """
    cid = _draw_id(draw, customer_id)
    stage = draw(st.sampled_from(list(FunnelStage)))
    code = draw(_currency_strategy(currency))
    closed = None if stage.is_open else draw(dates())
    if stage is FunnelStage.WON:
        probability = 1.0
    elif stage is FunnelStage.LOST:
        probability = 0.0
    else:
        probability = draw(st.floats(0.0, 1.0, allow_nan=False))
    return Opportunity(
        draw(identifiers()),
        cid,
        stage,
        draw(money(code, min_value=0, max_value=10**9)),
        probability,
        expected_close=draw(_optional(dates())),
        closed_on=closed,
        lost_from=draw(st.sampled_from(OPEN_FUNNEL_STAGES)) if stage is FunnelStage.LOST else None,
        reason=None if stage.is_open else draw(_optional(_labels())),
        assessment=draw(_optional(opportunity_assessments())),
    )
