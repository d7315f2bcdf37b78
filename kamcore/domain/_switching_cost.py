"""Switching cost: the customer's barrier to leaving us (standard library and attrs only).

A :class:`SwitchingCost` is a value object made of typed
:class:`SwitchingCostComponent` s. Each component sits on one of the eight
facets of Burnham, Frels & Mahajan (2003), which belong to three kinds:

================  ====================================================
kind              facets
================  ====================================================
procedural        economic risk, evaluation, learning, setup
financial         benefit loss, monetary loss
relational        personal relationship loss, brand relationship loss
================  ====================================================

and names the supplier lever that built it (product and
technology, service, process, dedicated assets, emotional and brand
dependence). A component carries a monetary estimate (:class:`Money` >= 0),
a strength in [0, 1], or both.

Totals (by kind, by lever) are exact :class:`Money` sums. The barrier index
is a number in [0, 1]:

1. each component's strength is ``max(strength, 1 - exp(-amount / scale))``
   (a monetary estimate saturates at ``scale``: a cost equal to ``scale``
   binds with strength 0.63);
2. components of the same facet pool by noisy-OR ``1 - prod(1 - s_i)``;
3. the facet strengths aggregate by noisy-OR again (the default of
   :func:`kamcore.switching.barrier_index`, where other aggregators plug in).

With one common ``scale``, a money-only cost's index is ``1 - exp(-total /
scale)`` however the money is split into components. The index is computed in
one place, :mod:`kamcore.switching` (``barrier_index_of(cost, scale=...)``
for these objects).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterator
from typing import Any, Final

import attrs

from kamcore.domain._coerce import enum_converter, money_converter
from kamcore.domain._money import Money
from kamcore.errors import CurrencyMismatchError, InvalidParameterError

__all__ = [
    "DependenceLever",
    "SwitchingCost",
    "SwitchingCostComponent",
    "SwitchingCostFacet",
    "SwitchingCostKind",
]


class SwitchingCostKind(enum.Enum):
    """The three types of switching cost (Burnham, Frels & Mahajan 2003).

    Examples
    --------
    >>> [member.name for member in SwitchingCostKind]
    ['PROCEDURAL', 'FINANCIAL', 'RELATIONAL']
    >>> SwitchingCostKind['PROCEDURAL']
    <SwitchingCostKind.PROCEDURAL: 'procedural'>
    """

    PROCEDURAL = "procedural"
    """Time and effort: economic risk, evaluation, learning, setup."""
    FINANCIAL = "financial"
    """Loss of financially quantifiable resources: benefits lost, money lost."""
    RELATIONAL = "relational"
    """Psychological or emotional discomfort: personal and brand relationships lost."""

    @property
    def code(self) -> int:
        """Position of the kind, 0..2 (the column in by-kind arrays)."""
        return _KIND_CODES[self]


class SwitchingCostFacet(enum.Enum):
    """The eight facets of switching cost; ``.kind`` gives the type each belongs to.

    Examples
    --------
    >>> [member.name for member in SwitchingCostFacet]
    ['ECONOMIC_RISK', 'EVALUATION', 'LEARNING', 'SETUP', 'BENEFIT_LOSS', 'MONETARY_LOSS',
    'PERSONAL_RELATIONSHIP_LOSS', 'BRAND_RELATIONSHIP_LOSS']
    >>> SwitchingCostFacet['ECONOMIC_RISK']
    <SwitchingCostFacet.ECONOMIC_RISK: 'economic_risk'>
    """

    ECONOMIC_RISK = "economic_risk"
    """Uncertainty of a poorer outcome with an untried supplier (procedural)."""
    EVALUATION = "evaluation"
    """Time and effort to search for and assess alternatives (procedural)."""
    LEARNING = "learning"
    """Time and effort to acquire new skills or know-how (procedural)."""
    SETUP = "setup"
    """Time and effort to start with a new supplier (procedural)."""
    BENEFIT_LOSS = "benefit_loss"
    """Contractual or loyalty benefits lost by leaving (financial)."""
    MONETARY_LOSS = "monetary_loss"
    """One-off outlays and sunk investment: penalties, fees, dedicated assets (financial)."""
    PERSONAL_RELATIONSHIP_LOSS = "personal_relationship_loss"
    """Losing the bonds with the people one deals with (relational)."""
    BRAND_RELATIONSHIP_LOSS = "brand_relationship_loss"
    """Losing the identification with the supplier's brand (relational)."""

    @property
    def kind(self) -> SwitchingCostKind:
        """The type of switching cost this facet belongs to."""
        return _FACET_KIND[self]

    @property
    def code(self) -> int:
        """Position of the facet, 0..7 (the column in facet matrices)."""
        return _FACET_CODES[self]


class DependenceLever(enum.Enum):
    """The five ways a supplier raises switching cost.

    Examples
    --------
    >>> [member.name for member in DependenceLever]
    ['PRODUCT_TECHNOLOGY', 'SERVICE', 'PROCESS', 'DEDICATED_ASSETS', 'EMOTIONAL_BRAND']
    >>> DependenceLever['PRODUCT_TECHNOLOGY']
    <DependenceLever.PRODUCT_TECHNOLOGY: 'product_technology'>
    """

    PRODUCT_TECHNOLOGY = "product_technology"
    """Product and technology dependence."""
    SERVICE = "service"
    """Service dependence."""
    PROCESS = "process"
    """Process dependence."""
    DEDICATED_ASSETS = "dedicated_assets"
    """Dependence on dedicated assets or facilities."""
    EMOTIONAL_BRAND = "emotional_brand"
    """Emotional and brand dependence."""

    @property
    def code(self) -> int:
        """Position of the lever, 0..4 (the column in by-lever arrays)."""
        return _LEVER_CODES[self]


_P, _F, _R = SwitchingCostKind.PROCEDURAL, SwitchingCostKind.FINANCIAL, SwitchingCostKind.RELATIONAL
_FACET_KIND: Final[dict[SwitchingCostFacet, SwitchingCostKind]] = {
    SwitchingCostFacet.ECONOMIC_RISK: _P,
    SwitchingCostFacet.EVALUATION: _P,
    SwitchingCostFacet.LEARNING: _P,
    SwitchingCostFacet.SETUP: _P,
    SwitchingCostFacet.BENEFIT_LOSS: _F,
    SwitchingCostFacet.MONETARY_LOSS: _F,
    SwitchingCostFacet.PERSONAL_RELATIONSHIP_LOSS: _R,
    SwitchingCostFacet.BRAND_RELATIONSHIP_LOSS: _R,
}
_KIND_CODES: Final = {k: i for i, k in enumerate(SwitchingCostKind)}
_FACET_CODES: Final = {f: i for i, f in enumerate(SwitchingCostFacet)}
_LEVER_CODES: Final = {v: i for i, v in enumerate(DependenceLever)}


def _is_real(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@attrs.frozen
class SwitchingCostComponent:
    """One component of a switching cost (value object).

    Parameters
    ----------
    facet : SwitchingCostFacet or str
        Which of the eight facets; a member, its value (``"learning"``) or its
        name (``"LEARNING"``). The kind follows from the facet.
    lever : DependenceLever or str
        The supplier lever behind it, given the same way.
    money : Money, optional
        Monetary estimate of what switching would cost the customer; >= 0.
    strength : float, optional
        How strongly the component binds, in [0, 1].
    note : str
        Free text (e.g. "custom ERP interface"). At least one of ``money``
        and ``strength`` is required.

    Raises
    ------
    UnknownNameError
        An unknown facet or lever.
    InvalidParameterError
        Neither money nor strength, negative money, or a strength that is not a
        real number in [0, 1] (NaN included); the message names the component.

    Examples
    --------
    >>> from decimal import Decimal
    >>> c = SwitchingCostComponent("setup", "process", money=Money(Decimal("12000"), "EUR"))
    >>> c.kind
    <SwitchingCostKind.PROCEDURAL: 'procedural'>
    """

    facet: SwitchingCostFacet = attrs.field(converter=enum_converter(SwitchingCostFacet))  # type: ignore[misc]
    lever: DependenceLever = attrs.field(converter=enum_converter(DependenceLever))  # type: ignore[misc]
    money: Money | None = attrs.field(
        default=None,
        kw_only=True,
        converter=money_converter(optional=True),  # type: ignore[misc]
    )
    strength: float | None = attrs.field(default=None, kw_only=True)
    note: str = attrs.field(default="", kw_only=True)

    def __attrs_post_init__(self) -> None:
        who = f"switching cost component ({self.facet.value}, {self.lever.value})"
        if self.money is None and self.strength is None:
            raise InvalidParameterError(
                f"{who} must have a 'money' estimate or a 'strength'; got neither."
            )
        if self.money is not None:
            if not isinstance(self.money, Money):
                raise InvalidParameterError(
                    f"{who}: 'money' must be a Money value; got {self.money!r}."
                )
            if self.money.is_negative():
                raise InvalidParameterError(f"{who}: 'money' must be >= 0; got {self.money}.")
        if self.strength is not None:
            s = self.strength
            if not _is_real(s) or math.isnan(s) or not 0.0 <= s <= 1.0:
                raise InvalidParameterError(
                    f"{who}: 'strength' must be a real number in [0, 1]; got {s!r}."
                )
            object.__setattr__(self, "strength", float(s))
        if not isinstance(self.note, str):
            raise InvalidParameterError(f"{who}: 'note' must be a string; got {self.note!r}.")

    @property
    def kind(self) -> SwitchingCostKind:
        """The switching-cost type of the component's facet."""
        return self.facet.kind


def _components_converter(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return tuple(value)
    return value


def _check_components(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    del instance
    if not isinstance(value, tuple):
        raise InvalidParameterError(
            f"{attribute.name!r} must be a sequence of SwitchingCostComponent; got {value!r}."
        )
    for i, item in enumerate(value):
        if not isinstance(item, SwitchingCostComponent):
            raise InvalidParameterError(
                f"{attribute.name!r} must contain only SwitchingCostComponent objects; "
                f"got {item!r} at index {i}."
            )


@attrs.frozen
class SwitchingCost:
    """A customer's switching cost: typed components and exact monetary totals.

    Value object: two switching costs are equal when their components (in
    order) and currency are equal.

    Parameters
    ----------
    components : sequence of SwitchingCostComponent
        The components; an empty sequence means no known barrier.
    currency : str, optional
        The currency of the monetary estimates. Inferred from the components
        when omitted; give it to get zero totals for a strength-only cost.

    Raises
    ------
    CurrencyMismatchError
        Components (or ``currency``) in different currencies; the message names
        the first component that disagrees.
    InvalidParameterError
        Items that are not components, or a bad currency code.

    Examples
    --------
    >>> from decimal import Decimal
    >>> eur = lambda x: Money(Decimal(x), "EUR")
    >>> cost = SwitchingCost([
    ...     SwitchingCostComponent("setup", "process", money=eur("30000")),
    ...     SwitchingCostComponent("monetary_loss", "dedicated_assets", money=eur("50000")),
    ...     SwitchingCostComponent("personal_relationship_loss", "service", strength=0.6),
    ... ])
    >>> str(cost.total)
    '80000 EUR'
    >>> {k.value: str(v) for k, v in cost.total_by_kind().items()}
    {'procedural': '30000 EUR', 'financial': '50000 EUR', 'relational': '0 EUR'}
    """

    components: tuple[SwitchingCostComponent, ...] = attrs.field(
        default=(), converter=_components_converter, validator=_check_components
    )
    currency: str | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        currency = self.currency
        if currency is not None:
            Money.zero(currency)  # validates the code
        for i, c in enumerate(self.components):
            if c.money is None:
                continue
            if currency is None:
                currency = c.money.currency
            elif c.money.currency != currency:
                raise CurrencyMismatchError(
                    f"switching cost component {i} ({c.facet.value}, {c.lever.value}) is in "
                    f"{c.money.currency} but the cost is in {currency}; convert first."
                )
        object.__setattr__(self, "currency", currency)

    @classmethod
    def of(cls, *components: SwitchingCostComponent, currency: str | None = None) -> SwitchingCost:
        """Build a switching cost from components given as arguments."""
        return cls(components, currency=currency)

    def __len__(self) -> int:
        return len(self.components)

    def __iter__(self) -> Iterator[SwitchingCostComponent]:
        return iter(self.components)

    def with_component(self, component: SwitchingCostComponent) -> SwitchingCost:
        """Return a new switching cost with ``component`` appended."""
        return SwitchingCost((*self.components, component), currency=self.currency)

    # ------------------------------------------------------------------ totals
    def _zero(self) -> Money | None:
        return None if self.currency is None else Money.zero(self.currency)

    @property
    def total(self) -> Money | None:
        """Exact sum of the monetary estimates; None when no currency is known."""
        zero = self._zero()
        if zero is None:
            return None
        return sum((c.money for c in self.components if c.money is not None), zero)

    def total_by_kind(self) -> dict[SwitchingCostKind, Money]:
        """Return the monetary total of each kind (all three, zero-filled).

        Empty when no currency is known. The values add up to :attr:`total`.
        """
        return self._grouped(list(SwitchingCostKind), lambda c: c.kind)

    def total_by_facet(self) -> dict[SwitchingCostFacet, Money]:
        """Return the monetary total of each facet (all eight, zero-filled)."""
        return self._grouped(list(SwitchingCostFacet), lambda c: c.facet)

    def total_by_lever(self) -> dict[DependenceLever, Money]:
        """Return the monetary total behind each lever (all five, zero-filled)."""
        return self._grouped(list(DependenceLever), lambda c: c.lever)

    def _grouped(self, keys: list[Any], key_of: Any) -> dict[Any, Money]:
        zero = self._zero()
        if zero is None:
            return {}
        out: dict[Any, Money] = dict.fromkeys(keys, zero)
        for c in self.components:
            if c.money is not None:
                k = key_of(c)
                out[k] = out[k] + c.money
        return out
