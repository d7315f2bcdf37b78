"""The :class:`Customer` entity and the immutable :class:`FrozenMap`.

A customer is an *entity*: two ``Customer`` objects are equal (and hash
equally) when their ``id`` is equal, whatever their other fields say. Its
yearly money figures (profit, sales, expected sales) share one currency and
its rubric facts are the level enums of :mod:`kamcore.domain._enums`; whether
it is a *key* account is a result of scoring, never an input.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, ClassVar, Final, TypeVar

import attrs

from kamcore.domain._account_team import AccountType
from kamcore.domain._checks import (
    Entity,
    bad,
    check_id,
    check_optional_id,
    check_optional_text,
    check_str,
    check_str_frozenset,
    to_str_frozenset,
)
from kamcore.domain._coerce import coerce_items, enum_converter, money_converter
from kamcore.domain._enums import (
    CooperationLength,
    CreditRecord,
    IndustryStanding,
    LossImpact,
    LoyaltyLevel,
    ProductImportance,
    Prospects,
    RelationshipDepth,
    StrategicFit,
    SupplyShare,
)
from kamcore.domain._money import Money
from kamcore.domain._transaction import Transaction
from kamcore.errors import CurrencyMismatchError, InvalidParameterError

__all__ = ["MONEY_FIELDS", "RUBRIC_FACTS", "Customer", "FrozenMap"]

K = TypeVar("K")
V = TypeVar("V")


class FrozenMap(Mapping[K, V]):
    """An immutable, hashable mapping (insertion order kept).

    Parameters
    ----------
    items : Mapping or iterable of pairs, optional
        The content, copied.

    Examples
    --------
    >>> m = FrozenMap({"salesforce": "001A", "sap": "42"})
    >>> m["sap"], len(m), m == {"sap": "42", "salesforce": "001A"}
    ('42', 2, True)
    """

    __slots__ = ("_data", "_hash")

    def __init__(self, items: Mapping[K, V] | Iterable[tuple[K, V]] = ()) -> None:
        try:
            self._data: dict[K, V] = dict(items)
        except (TypeError, ValueError) as exc:
            raise InvalidParameterError(
                f"'items' must be a mapping or an iterable of (key, value) pairs; {exc}."
            ) from None
        self._hash: int | None = None

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._data.items()))
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FrozenMap):
            return self._data == other._data
        if isinstance(other, Mapping):
            return self._data == dict(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenMap, (self._data,))


def _to_external_ids(value: Any) -> Any:
    """Copy a mapping into a FrozenMap; non-mappings pass through to the validator."""
    if isinstance(value, Mapping):
        return FrozenMap(value)
    return value


def _check_external_ids(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    del instance
    if not isinstance(value, FrozenMap):
        raise bad(attribute.name, "be a mapping of system name to id", value)
    items: list[tuple[Any, Any]] = list(value.items())
    for system, ident in items:
        if not isinstance(system, str) or not system.strip() or system != system.strip():
            raise bad(attribute.name, "have non-empty system names without whitespace", system)
        if not isinstance(ident, str) or not ident.strip() or ident != ident.strip():
            raise InvalidParameterError(
                f"{attribute.name!r} must map each system to a non-empty id without "
                f"surrounding whitespace; got {ident!r} for {system!r}."
            )


#: The yearly money figures of a customer, in one currency: rubric factors 1-3,
#: then the confidential margin and cost figures.
MONEY_FIELDS: Final[tuple[str, ...]] = (
    "profit_last_year",
    "sales_last_year",
    "expected_sales",
    "gross_margin",
    "net_profit",
    "cost_to_serve",
)

#: The rubric-fact fields (rubric factors 4-13) and their level enums.
RUBRIC_FACTS: Final[Mapping[str, type[Any]]] = FrozenMap(
    {
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
)


class _Keep:
    """Sentinel: keep the current value."""

    def __repr__(self) -> str:
        return "KEEP"


_KEEP: Final = _Keep()


@attrs.frozen(eq=False)
class Customer(Entity):
    """A customer of ours (entity: equal and hashed by ``id`` only).

    Parameters
    ----------
    id : str
        Our identifier; non-empty, no surrounding whitespace (not stripped
        for you: ``" c1"`` is refused rather than silently changed).
    name : str
        Display name (free text).
    industry, region : str or None, keyword-only
        Labels; when given, non-blank without surrounding whitespace.
    tags : frozenset of str, keyword-only
        Free labels; a list, tuple or set is accepted and frozen.
    external_ids : Mapping[str, str], keyword-only
        System name -> the customer's id in that system (CRM, ERP ...),
        stored as an immutable :class:`FrozenMap`.
    parent_id : str or None, keyword-only
        Id of the parent account (must differ from ``id``).
    profit_last_year, sales_last_year, expected_sales : Money or None, keyword-only
        Rubric factors 1-3. All given figures share one currency
        (:class:`~kamcore.errors.CurrencyMismatchError` otherwise); sales
        figures must be >= 0, profit may be negative.
    credit_record, loyalty, product_importance, industry_standing, cooperation, \
supply_share, relationship_depth, prospects, loss_impact, strategic_fit : enum or None
        Rubric factors 4-13, keyword-only, each a member of its
        :mod:`kamcore.domain._enums` level enum (see :data:`RUBRIC_FACTS`), or
        what a CRM sends for it: the level number (``2``), or the member's
        name or level written as a string, any case (``"late_but_collectable"``,
        ``"2"``); see :mod:`kamcore.domain._coerce`.
    account_type : AccountType or None, keyword-only
        What kind of account the record is (customer, prospect, partner,
        reseller, competitor, other); None when not recorded.
    gross_margin, net_profit, cost_to_serve : Money or None, keyword-only
        Last year's gross margin, net profit and cost to serve the account,
        in the same currency as the other figures. Margin and profit may be
        negative; the cost to serve must be >= 0. These are the figures the
        access tiers protect (:mod:`kamcore.access`): account managers see
        the gross margin, executives alone the net profit and cost to serve.

    Examples
    --------
    >>> from kamcore.domain._enums import CreditRecord
    >>> acme = Customer(
    ...     "c-001", "Acme Ltd", industry="printing",
    ...     sales_last_year=Money.of("1200000", "CNY"),
    ...     credit_record=CreditRecord.PAYS_PER_CONTRACT,
    ... )
    >>> acme.currency
    'CNY'
    >>> acme == Customer("c-001", "Acme Limited")   # entity: same id
    True
    """

    _ENTITY: ClassVar[str] = "customer"

    id: str = attrs.field(validator=check_id)
    name: str = attrs.field(validator=check_str)
    industry: str | None = attrs.field(default=None, kw_only=True, validator=check_optional_text)
    region: str | None = attrs.field(default=None, kw_only=True, validator=check_optional_text)
    tags: frozenset[str] = attrs.field(
        default=frozenset(),
        kw_only=True,
        converter=to_str_frozenset,
        validator=check_str_frozenset,
    )
    external_ids: Mapping[str, str] = attrs.field(
        factory=FrozenMap,
        kw_only=True,
        converter=_to_external_ids,
        validator=_check_external_ids,
    )
    parent_id: str | None = attrs.field(default=None, kw_only=True, validator=check_optional_id)
    profit_last_year: Money | None = attrs.field(
        default=None,
        kw_only=True,
        converter=money_converter(optional=True),  # type: ignore[misc]
    )
    sales_last_year: Money | None = attrs.field(
        default=None,
        kw_only=True,
        converter=money_converter(optional=True),  # type: ignore[misc]
    )
    expected_sales: Money | None = attrs.field(
        default=None,
        kw_only=True,
        converter=money_converter(optional=True),  # type: ignore[misc]
    )
    credit_record: CreditRecord | None = attrs.field(
        default=None,
        kw_only=True,
        converter=enum_converter(CreditRecord, optional=True),  # type: ignore[misc]
    )
    loyalty: LoyaltyLevel | None = attrs.field(
        default=None,
        kw_only=True,
        converter=enum_converter(LoyaltyLevel, optional=True),  # type: ignore[misc]
    )
    product_importance: ProductImportance | None = attrs.field(
        default=None,
        kw_only=True,
        converter=enum_converter(ProductImportance, optional=True),  # type: ignore[misc]
    )
    industry_standing: IndustryStanding | None = attrs.field(
        default=None,
        kw_only=True,
        converter=enum_converter(IndustryStanding, optional=True),  # type: ignore[misc]
    )
    cooperation: CooperationLength | None = attrs.field(
        default=None,
        kw_only=True,
        converter=enum_converter(CooperationLength, optional=True),  # type: ignore[misc]
    )
    supply_share: SupplyShare | None = attrs.field(
        default=None,
        kw_only=True,
        converter=enum_converter(SupplyShare, optional=True),  # type: ignore[misc]
    )
    relationship_depth: RelationshipDepth | None = attrs.field(
        default=None,
        kw_only=True,
        converter=enum_converter(RelationshipDepth, optional=True),  # type: ignore[misc]
    )
    prospects: Prospects | None = attrs.field(
        default=None,
        kw_only=True,
        converter=enum_converter(Prospects, optional=True),  # type: ignore[misc]
    )
    loss_impact: LossImpact | None = attrs.field(
        default=None,
        kw_only=True,
        converter=enum_converter(LossImpact, optional=True),  # type: ignore[misc]
    )
    strategic_fit: StrategicFit | None = attrs.field(
        default=None,
        kw_only=True,
        converter=enum_converter(StrategicFit, optional=True),  # type: ignore[misc]
    )
    account_type: AccountType | None = attrs.field(
        default=None,
        kw_only=True,
        converter=enum_converter(AccountType, optional=True),  # type: ignore[misc]
    )
    gross_margin: Money | None = attrs.field(
        default=None,
        kw_only=True,
        converter=money_converter(optional=True),  # type: ignore[misc]
    )
    net_profit: Money | None = attrs.field(
        default=None,
        kw_only=True,
        converter=money_converter(optional=True),  # type: ignore[misc]
    )
    cost_to_serve: Money | None = attrs.field(
        default=None,
        kw_only=True,
        converter=money_converter(optional=True),  # type: ignore[misc]
    )

    def __attrs_post_init__(self) -> None:
        if self.parent_id is not None and self.parent_id == self.id:
            raise InvalidParameterError(
                f"'parent_id' must differ from the customer's own id; got {self.parent_id!r}."
            )
        for name in ("sales_last_year", "expected_sales", "cost_to_serve"):
            money: Money | None = getattr(self, name)
            if money is not None and money.is_negative():
                raise InvalidParameterError(f"{name!r} must be >= 0; got {money}.")
        given = [(name, getattr(self, name)) for name in MONEY_FIELDS]
        present = [(name, m) for name, m in given if m is not None]
        if present:
            first_name, first = present[0]
            for name, money in present[1:]:
                if money.currency != first.currency:
                    raise CurrencyMismatchError(
                        f"{name!r} must be in the same currency as {first_name!r} "
                        f"({first.currency}); got {money}."
                    )

    # ------------------------------------------------------------ helpers
    @property
    def currency(self) -> str | None:
        """The currency of the yearly figures, or None if none is given."""
        for name in MONEY_FIELDS:
            money: Money | None = getattr(self, name)
            if money is not None:
                return money.currency
        return None

    def with_yearly_figures(
        self,
        *,
        profit_last_year: Money | _Keep | None = _KEEP,
        sales_last_year: Money | _Keep | None = _KEEP,
        expected_sales: Money | _Keep | None = _KEEP,
    ) -> Customer:
        """Return a copy with new yearly figures (omitted figures are kept).

        Parameters
        ----------
        profit_last_year, sales_last_year, expected_sales : Money or None
            New values; pass ``None`` to clear one. The result is validated
            again (one currency, sales >= 0).

        Returns
        -------
        Customer
            A new customer with the same id.

        Examples
        --------
        >>> c = Customer("c1", "Acme")
        >>> c.with_yearly_figures(sales_last_year=Money(500, "EUR")).sales_last_year
        Money(amount=Decimal('500'), currency='EUR')
        """
        changes: dict[str, Any] = {}
        if not isinstance(profit_last_year, _Keep):
            changes["profit_last_year"] = profit_last_year
        if not isinstance(sales_last_year, _Keep):
            changes["sales_last_year"] = sales_last_year
        if not isinstance(expected_sales, _Keep):
            changes["expected_sales"] = expected_sales
        return attrs.evolve(self, **changes)

    def with_figures_from(self, transactions: Iterable[Transaction], *, year: int) -> Customer:
        """Return a copy whose ``sales_last_year`` and ``profit_last_year`` come from transactions.

        Sales = the sum of :attr:`Transaction.signed_amount` (refunds count
        negative) of this customer's transactions dated in ``year``; profit =
        the sum of their gross margins (refunds negative), set only when every
        one of them carries a margin or a cost — otherwise the profit figure is
        left as it is and the caller decides. Transactions of other customers
        or other years are ignored (the log may be the whole company's).

        Parameters
        ----------
        transactions
            A transaction log (any customers, any years), one currency.
        year
            The calendar year the figures are for ("last year").

        Raises
        ------
        CurrencyMismatchError
            Transactions in more than one currency, or in another currency
            than the customer's existing figures.
        InvalidParameterError
            This customer has no transaction in ``year``.

        Examples
        --------
        >>> import datetime as dt
        >>> from kamcore.domain._transaction import Transaction
        >>> eur = lambda x: Money.of(x, "EUR")
        >>> log = [
        ...     Transaction("c1", dt.date(2024, 3, 1), eur("1000"), cost=eur("700")),
        ...     Transaction("c1", dt.date(2024, 9, 1), eur("500"), margin=eur("100")),
        ...     Transaction("c2", dt.date(2024, 9, 1), eur("9999"), margin=eur("1")),
        ... ]
        >>> c = Customer("c1", "Acme").with_figures_from(log, year=2024)
        >>> str(c.sales_last_year), str(c.profit_last_year)
        ('1500 EUR', '400 EUR')
        """
        items = coerce_items(transactions, "transactions", Transaction)
        mine = [t for t in items if t.customer_id == self.id and t.date.year == year]
        if not mine:
            raise InvalidParameterError(
                f"'transactions' must hold at least one transaction of customer {self.id!r} "
                f"in {year}; got none."
            )
        sales = sum((t.signed_amount for t in mine[1:]), start=mine[0].signed_amount)
        margins = [t.gross_margin for t in mine]
        changes: dict[str, Any] = {"sales_last_year": sales}
        if all(m is not None for m in margins):
            signed = [
                -m if t.refund else m for t, m in zip(mine, margins, strict=True) if m is not None
            ]
            changes["profit_last_year"] = sum(signed[1:], start=signed[0])
        return attrs.evolve(self, **changes)

    def rubric_facts(self) -> dict[str, Any]:
        """Return the rubric facts (factors 4-13) by field name, ``None`` where unknown."""
        return {name: getattr(self, name) for name in RUBRIC_FACTS}
