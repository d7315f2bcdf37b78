"""The development funnel: lead -> prospect -> opportunity -> won or lost.

- :class:`FunnelStage` - the funnel steps. A *lead* is a name we may sell
  to; a *prospect* is a lead with a need, a fit with what we offer and the
  ability to pay; an *opportunity* is a prospect with a concrete deal under
  way; the deal is then WON (the first order: the relationship lifecycle
  starts in EXPLORATION) or LOST.
- :class:`CompetitivePosition` - where we stand against competitors in a deal.
- :class:`OpportunityAssessment` - the qualification of a deal: need,
  purchase schedule, budget, competitive position, decision process and fit
  with our strategy.
- :class:`Opportunity` - one deal (entity), with amount, probability,
  expected close date and, once closed, the outcome and its reason.

Pipeline value and conversion rates over many deals are array functions in
:mod:`kamcore.metrics`.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any, ClassVar, Final

import attrs

from kamcore.domain._checks import (
    Entity,
    bad,
    check_finite_unit,
    check_id,
    check_optional_text,
)
from kamcore.domain._coerce import coerce_enum, date_converter, enum_converter
from kamcore.domain._enums import StrategicFit
from kamcore.domain._money import Money
from kamcore.errors import InvalidTransitionError

__all__ = [
    "OPEN_FUNNEL_STAGES",
    "CompetitivePosition",
    "FunnelStage",
    "Opportunity",
    "OpportunityAssessment",
]


class FunnelStage(enum.Enum):
    """The funnel steps, in order; WON and LOST close a deal.

    The position in the enum (0 LEAD, 1 PROSPECT, 2 OPPORTUNITY, 3 WON, 4 LOST)
    is the code the array functions of :mod:`kamcore.metrics` use.

    Examples
    --------
    >>> [member.name for member in FunnelStage]
    ['LEAD', 'PROSPECT', 'OPPORTUNITY', 'WON', 'LOST']
    >>> FunnelStage['LEAD']
    <FunnelStage.LEAD: 'lead'>
    """

    LEAD = "lead"
    PROSPECT = "prospect"
    OPPORTUNITY = "opportunity"
    WON = "won"
    LOST = "lost"

    @property
    def code(self) -> int:
        """Position in the funnel: 0 LEAD ... 3 WON, 4 LOST."""
        return _CODES[self]

    @property
    def is_open(self) -> bool:
        """True for LEAD, PROSPECT and OPPORTUNITY."""
        return self in OPEN_FUNNEL_STAGES


_CODES: Final[dict[FunnelStage, int]] = {s: i for i, s in enumerate(FunnelStage)}

#: The stages of a deal still under way, in funnel order.
OPEN_FUNNEL_STAGES: Final[tuple[FunnelStage, ...]] = (
    FunnelStage.LEAD,
    FunnelStage.PROSPECT,
    FunnelStage.OPPORTUNITY,
)


class CompetitivePosition(enum.Enum):
    """Where we stand against the competition in a deal, best first.

    Examples
    --------
    >>> [member.name for member in CompetitivePosition]
    ['SOLE_SUPPLIER', 'FAVOURED', 'EVEN', 'BEHIND']
    >>> CompetitivePosition['SOLE_SUPPLIER']
    <CompetitivePosition.SOLE_SUPPLIER: 'sole_supplier'>
    """

    SOLE_SUPPLIER = "sole_supplier"
    FAVOURED = "favoured"
    EVEN = "even"
    BEHIND = "behind"


def _check_optional_flag(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    del instance
    if value is not None and not isinstance(value, bool):
        raise bad(attribute.name, "be True, False or None (not assessed)", value)


def _flag() -> Any:
    return attrs.field(default=None, kw_only=True, validator=_check_optional_flag)


@attrs.frozen
class OpportunityAssessment:
    """The qualification of a deal (value object); every item may be left unassessed (None).

    Parameters
    ----------
    need : bool or None, keyword-only
        The customer has a confirmed need we can meet.
    schedule : bool or None, keyword-only
        A purchase schedule is known (when they will buy).
    budget : bool or None, keyword-only
        Budget is allocated (the ability to pay).
    competitive_position : CompetitivePosition or None, keyword-only
        Our standing against the competitors in the decision.
    decision_process : bool or None, keyword-only
        We know how the decision is made and who takes it (priorities,
        criteria, decision makers).
    strategic_fit : StrategicFit or None, keyword-only
        Whether the deal fits our strategy (the rubric's four levels).

    Examples
    --------
    >>> a = OpportunityAssessment(need=True, budget=True, schedule=False,
    ...                           competitive_position=CompetitivePosition.FAVOURED)
    >>> a.is_prospect, a.confirmed, a.assessed
    (True, 3, 4)
    """

    need: bool | None = _flag()
    schedule: bool | None = _flag()
    budget: bool | None = _flag()
    competitive_position: CompetitivePosition | None = attrs.field(
        default=None,
        kw_only=True,
        converter=enum_converter(CompetitivePosition, optional=True),  # type: ignore[misc]
    )
    decision_process: bool | None = _flag()
    strategic_fit: StrategicFit | None = attrs.field(
        default=None,
        kw_only=True,
        converter=enum_converter(StrategicFit, optional=True),  # type: ignore[misc]
    )

    @property
    def is_prospect(self) -> bool:
        """True when the deal qualifies a lead as a prospect: need and budget confirmed."""
        return self.need is True and self.budget is True

    @property
    def assessed(self) -> int:
        """How many of the six items have been assessed (are not None)."""
        return sum(getattr(self, f.name) is not None for f in attrs.fields(type(self)))

    @property
    def confirmed(self) -> int:
        """How many items speak for the deal.

        A flag counts when True; the competitive position when SOLE_SUPPLIER or
        FAVOURED; the strategic fit when SUPPORTS_GROWTH or CONSISTENT.
        """
        flags = sum(v is True for v in (self.need, self.schedule, self.budget))
        flags += self.decision_process is True
        flags += self.competitive_position in (
            CompetitivePosition.SOLE_SUPPLIER,
            CompetitivePosition.FAVOURED,
        )
        flags += self.strategic_fit in (StrategicFit.SUPPORTS_GROWTH, StrategicFit.CONSISTENT)
        return int(flags)


def _check_amount(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    del instance
    if not isinstance(value, Money) or value.is_negative():
        raise bad(attribute.name, "be a Money amount >= 0", value)


def _to_probability(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _check_assessment(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    del instance
    if value is not None and not isinstance(value, OpportunityAssessment):
        raise bad(attribute.name, "be an OpportunityAssessment or None", value)


@attrs.frozen(eq=False)
class Opportunity(Entity):
    """One deal in the development funnel (entity: equal and hashed by ``id`` only).

    Parameters
    ----------
    id : str
        Identifier of the deal.
    customer_id : str
        The (prospective) customer.
    stage : FunnelStage
        Where the deal is.
    amount : Money
        Expected deal value, >= 0.
    probability : float
        Chance of winning, in [0, 1]; must be 1 when WON and 0 when LOST.
    expected_close : datetime.date or None, keyword-only
        When the deal is expected to close.
    closed_on : datetime.date or None, keyword-only
        When it was won or lost; required exactly for WON and LOST.
    lost_from : FunnelStage or None, keyword-only
        The open stage a LOST deal was lost from (so conversion rates know how
        far it got); required for LOST and only then.
    reason : str or None, keyword-only
        Why the deal was won or lost; only for a closed deal.
    assessment : OpportunityAssessment or None, keyword-only
        The latest qualification.

    Raises
    ------
    InvalidParameterError
        A bad field or a combination the rules above forbid.

    Examples
    --------
    >>> import datetime as dt
    >>> o = Opportunity("o1", "c1", FunnelStage.PROSPECT, Money.of("50000", "EUR"), 0.3)
    >>> o = o.advance(FunnelStage.OPPORTUNITY, probability=0.6)
    >>> str(o.weighted_amount)
    '30000.0 EUR'
    >>> lost = o.lose(on=dt.date(2025, 3, 1), reason="price")
    >>> lost.stage.name, lost.lost_from.name, lost.probability
    ('LOST', 'OPPORTUNITY', 0.0)
    """

    _ENTITY: ClassVar[str] = "opportunity"

    id: str = attrs.field(validator=check_id)
    customer_id: str = attrs.field(validator=check_id)
    stage: FunnelStage = attrs.field(converter=enum_converter(FunnelStage))  # type: ignore[misc]
    amount: Money = attrs.field(validator=_check_amount)
    probability: float = attrs.field(converter=_to_probability, validator=check_finite_unit)
    expected_close: dt.date | None = attrs.field(
        default=None,
        kw_only=True,
        converter=date_converter(optional=True),  # type: ignore[misc]
    )
    closed_on: dt.date | None = attrs.field(
        default=None,
        kw_only=True,
        converter=date_converter(optional=True),  # type: ignore[misc]
    )
    lost_from: FunnelStage | None = attrs.field(
        default=None,
        kw_only=True,
        converter=enum_converter(FunnelStage, optional=True),  # type: ignore[misc]
    )
    reason: str | None = attrs.field(default=None, kw_only=True, validator=check_optional_text)
    assessment: OpportunityAssessment | None = attrs.field(
        default=None, kw_only=True, validator=_check_assessment
    )

    def __attrs_post_init__(self) -> None:
        stage = self.stage
        if stage is FunnelStage.WON and self.probability != 1.0:
            raise bad("probability", "be 1 for a WON deal", self.probability)
        if stage is FunnelStage.LOST and self.probability != 0.0:
            raise bad("probability", "be 0 for a LOST deal", self.probability)
        if stage.is_open:
            if self.closed_on is not None:
                rule = f"be None while the deal is open ({stage.name})"
                raise bad("closed_on", rule, self.closed_on)
            if self.reason is not None:
                raise bad("reason", f"be None while the deal is open ({stage.name})", self.reason)
        elif self.closed_on is None:
            raise bad("closed_on", f"be the closing date of a {stage.name} deal", None)
        if stage is FunnelStage.LOST:
            if self.lost_from is None or not self.lost_from.is_open:
                raise bad(
                    "lost_from",
                    "be the open stage a LOST deal was lost from (LEAD, PROSPECT, OPPORTUNITY)",
                    self.lost_from,
                )
        elif self.lost_from is not None:
            rule = f"be None unless the deal is LOST (it is {stage.name})"
            raise bad("lost_from", rule, self.lost_from)

    @property
    def is_open(self) -> bool:
        """True while the deal is LEAD, PROSPECT or OPPORTUNITY."""
        return self.stage.is_open

    @property
    def weighted_amount(self) -> Money:
        """``amount x probability`` (the deal's contribution to the pipeline value).

        The probability enters as the decimal of its shortest repr (0.6 -> ``Decimal("0.6")``).
        """
        return self.amount * Decimal(repr(self.probability))

    def advance(self, stage: FunnelStage, *, probability: float | None = None) -> Opportunity:
        """Return the deal moved forward to a later open ``stage`` (optionally re-estimated).

        Raises
        ------
        InvalidTransitionError
            ``stage`` is not an open stage after the current one, or the deal is closed.
        """
        stage = coerce_enum(FunnelStage, stage, "stage")
        if not self.is_open or not stage.is_open or stage.code <= self.stage.code:
            raise InvalidTransitionError(
                f"a deal moves forward through LEAD -> PROSPECT -> OPPORTUNITY; cannot go from "
                f"{self.stage.name} to {stage.name} (close it with win() or lose())."
            )
        p = self.probability if probability is None else probability
        return attrs.evolve(self, stage=stage, probability=p)

    def win(self, *, on: dt.date, reason: str | None = None) -> Opportunity:
        """Return the deal WON on ``on`` (probability 1).

        Raises
        ------
        InvalidTransitionError
            The deal is already closed.
        """
        self._require_open("win")
        return attrs.evolve(
            self, stage=FunnelStage.WON, probability=1.0, closed_on=on, reason=reason
        )

    def lose(self, *, on: dt.date, reason: str | None = None) -> Opportunity:
        """Return the deal LOST on ``on`` from its current stage (probability 0).

        Raises
        ------
        InvalidTransitionError
            The deal is already closed.
        """
        self._require_open("lose")
        return attrs.evolve(
            self,
            stage=FunnelStage.LOST,
            probability=0.0,
            closed_on=on,
            reason=reason,
            lost_from=self.stage,
        )

    def with_assessment(self, assessment: OpportunityAssessment | None) -> Opportunity:
        """Return a copy carrying ``assessment`` (None clears it)."""
        return attrs.evolve(self, assessment=assessment)

    def _require_open(self, what: str) -> None:
        if not self.is_open:
            raise InvalidTransitionError(
                f"cannot {what} deal {self.id!r}: it is already {self.stage.name} "
                f"(closed on {self.closed_on})."
            )
