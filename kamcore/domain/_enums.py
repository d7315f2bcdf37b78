"""Enumerations of the KAM domain (standard library only).

The ten grading facts of the 13-factor rubric are
:class:`Level` enums with four members ordered best to worst: ``.level`` is
1 for the best level and 4 for the worst, and members compare by that order
(``CreditRecord.PAYS_PER_CONTRACT < CreditRecord.UNCOLLECTABLE`` means "better
than"). Members are serialised by name.
"""

from __future__ import annotations

import enum
import math
from typing import Self

__all__ = [
    "BuyingRole",
    "CooperationLength",
    "CreditRecord",
    "IndustryStanding",
    "KamStage",
    "Level",
    "LifecycleStage",
    "LossImpact",
    "LoyaltyLevel",
    "ProductImportance",
    "Prospects",
    "RelationshipDepth",
    "RelationshipType",
    "Seniority",
    "Stance",
    "StrategicFit",
    "SupplyShare",
]


class Level(enum.Enum):
    """Base of the four-level grading facts; value = level, 1 (best) to 4 (worst).

    Examples
    --------
    >>> from kamcore.domain import Level, LoyaltyLevel
    >>> issubclass(LoyaltyLevel, Level), LoyaltyLevel.ALWAYS.value
    (True, 1)
    """

    @property
    def level(self) -> int:
        """The level number: 1 is best, 4 is worst."""
        return int(self.value)

    def __lt__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, Level)
        return self.level < other.level

    def __le__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, Level)
        return self.level <= other.level

    def __gt__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, Level)
        return self.level > other.level

    def __ge__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, Level)
        return self.level >= other.level

    @classmethod
    def from_level(cls, level: int) -> Self:
        """Return the member with the given level number (1 = best)."""
        for member in cls:
            if member.value == level:
                return member
        from kamcore.errors import InvalidParameterError

        raise InvalidParameterError(
            f"{cls.__name__!r} level must be one of 1, 2, 3, 4; got {level!r}."
        )


class CreditRecord(Level):
    """Factor 4: how the customer pays.

    Examples
    --------
    >>> [member.name for member in CreditRecord]
    ['PAYS_PER_CONTRACT', 'LATE_BUT_COLLECTABLE', 'HARD_TO_COLLECT', 'UNCOLLECTABLE']
    >>> CreditRecord['PAYS_PER_CONTRACT']
    <CreditRecord.PAYS_PER_CONTRACT: 1>
    """

    PAYS_PER_CONTRACT = 1
    LATE_BUT_COLLECTABLE = 2
    HARD_TO_COLLECT = 3
    UNCOLLECTABLE = 4


class LoyaltyLevel(Level):
    """Factor 5: how consistently the customer buys from us.

    Examples
    --------
    >>> [member.name for member in LoyaltyLevel]
    ['ALWAYS', 'MOSTLY', 'OFTEN_SWITCHES', 'OCCASIONAL']
    >>> LoyaltyLevel['ALWAYS']
    <LoyaltyLevel.ALWAYS: 1>
    """

    ALWAYS = 1
    MOSTLY = 2
    OFTEN_SWITCHES = 3
    OCCASIONAL = 4


class ProductImportance(Level):
    """Factor 6: importance of our product to the customer.

    Examples
    --------
    >>> [member.name for member in ProductImportance]
    ['KEY_COMPONENT', 'COMPETITIVE_NEED', 'FUNCTIONAL', 'MARGINAL']
    >>> ProductImportance['KEY_COMPONENT']
    <ProductImportance.KEY_COMPONENT: 1>
    """

    KEY_COMPONENT = 1
    COMPETITIVE_NEED = 2
    FUNCTIONAL = 3
    MARGINAL = 4


class IndustryStanding(Level):
    """Factor 7: the customer's standing in its industry.

    Examples
    --------
    >>> [member.name for member in IndustryStanding]
    ['INDUSTRY_WIDE', 'REGIONAL', 'LOCAL', 'LITTLE']
    >>> IndustryStanding['INDUSTRY_WIDE']
    <IndustryStanding.INDUSTRY_WIDE: 1>
    """

    INDUSTRY_WIDE = 1
    REGIONAL = 2
    LOCAL = 3
    LITTLE = 4


class CooperationLength(Level):
    """Factor 8: length of cooperation (> 5, 3-5, 1-3, < 1 years).

    Examples
    --------
    >>> [member.name for member in CooperationLength]
    ['OVER_5_YEARS', 'YEARS_3_TO_5', 'YEARS_1_TO_3', 'UNDER_1_YEAR']
    >>> CooperationLength['OVER_5_YEARS']
    <CooperationLength.OVER_5_YEARS: 1>
    """

    OVER_5_YEARS = 1
    YEARS_3_TO_5 = 2
    YEARS_1_TO_3 = 3
    UNDER_1_YEAR = 4

    @classmethod
    def from_years(cls, years: float) -> CooperationLength:
        """Band a length of cooperation in years: > 5, [3, 5], [1, 3), < 1."""
        from kamcore.errors import InvalidParameterError

        if not isinstance(years, (int, float)) or isinstance(years, bool) or math.isnan(years):
            raise InvalidParameterError(f"'years' must be a real number; got {years!r}.")
        if years < 0 or years == float("inf"):
            raise InvalidParameterError(f"'years' must be finite and >= 0; got {years!r}.")
        if years > 5:
            return cls.OVER_5_YEARS
        if years >= 3:
            return cls.YEARS_3_TO_5
        if years >= 1:
            return cls.YEARS_1_TO_3
        return cls.UNDER_1_YEAR


class SupplyShare(Level):
    """Factor 9: our share of the customer's supply.

    Examples
    --------
    >>> [member.name for member in SupplyShare]
    ['SOLE_SUPPLIER', 'LARGEST_SHARE', 'SIMILAR_SHARE', 'BACKUP']
    >>> SupplyShare['SOLE_SUPPLIER']
    <SupplyShare.SOLE_SUPPLIER: 1>
    """

    SOLE_SUPPLIER = 1
    LARGEST_SHARE = 2
    SIMILAR_SHARE = 3
    BACKUP = 4


class RelationshipDepth(Level):
    """Factor 10: how deep our ties into the customer's organisation go.

    Examples
    --------
    >>> [member.name for member in RelationshipDepth]
    ['TOP_TO_BOTTOM', 'MIDDLE_CLOSE', 'MIDDLE_AND_BASE', 'OPERATORS_ONLY']
    >>> RelationshipDepth['TOP_TO_BOTTOM']
    <RelationshipDepth.TOP_TO_BOTTOM: 1>
    """

    TOP_TO_BOTTOM = 1
    MIDDLE_CLOSE = 2
    MIDDLE_AND_BASE = 3
    OPERATORS_ONLY = 4


class Prospects(Level):
    """Factor 11: count of positive prospects (policy, products, investment, technology).

    Examples
    --------
    >>> [member.name for member in Prospects]
    ['FOUR', 'TWO_OR_THREE', 'ONE', 'NONE']
    >>> Prospects['FOUR']
    <Prospects.FOUR: 1>
    """

    FOUR = 1
    TWO_OR_THREE = 2
    ONE = 3
    NONE = 4

    @classmethod
    def from_count(cls, count: int) -> Prospects:
        """Band a prospects count 0-4: 4, 2-3, 1, 0."""
        from kamcore.errors import InvalidParameterError

        if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= 4:
            raise InvalidParameterError(
                f"'prospects' count must be an integer in 0..4; got {count!r}."
            )
        bands = {4: cls.FOUR, 3: cls.TWO_OR_THREE, 2: cls.TWO_OR_THREE, 1: cls.ONE, 0: cls.NONE}
        return bands[count]


class LossImpact(Level):
    """Factor 12: the impact of losing the customer.

    Examples
    --------
    >>> [member.name for member in LossImpact]
    ['OTHERS_FOLLOW', 'COSTLY', 'SMALL', 'NONE']
    >>> LossImpact['OTHERS_FOLLOW']
    <LossImpact.OTHERS_FOLLOW: 1>
    """

    OTHERS_FOLLOW = 1
    COSTLY = 2
    SMALL = 3
    NONE = 4


class StrategicFit(Level):
    """Factor 13: fit with our strategy.

    Examples
    --------
    >>> [member.name for member in StrategicFit]
    ['SUPPORTS_GROWTH', 'CONSISTENT', 'ROUGHLY_CONSISTENT', 'INCONSISTENT']
    >>> StrategicFit['SUPPORTS_GROWTH']
    <StrategicFit.SUPPORTS_GROWTH: 1>
    """

    SUPPORTS_GROWTH = 1
    CONSISTENT = 2
    ROUGHLY_CONSISTENT = 3
    INCONSISTENT = 4


class BuyingRole(enum.Enum):
    """A contact's role in the buying decision.

    Examples
    --------
    >>> [member.name for member in BuyingRole]
    ['DECISION_MAKER', 'ECONOMIC_BUYER', 'TECHNICAL_EVALUATOR', 'USER', 'INFLUENCER',
    'GATEKEEPER', 'COACH']
    >>> BuyingRole['DECISION_MAKER']
    <BuyingRole.DECISION_MAKER: 'decision_maker'>
    """

    DECISION_MAKER = "decision_maker"
    ECONOMIC_BUYER = "economic_buyer"
    TECHNICAL_EVALUATOR = "technical_evaluator"
    USER = "user"
    INFLUENCER = "influencer"
    GATEKEEPER = "gatekeeper"
    COACH = "coach"


class Stance(enum.Enum):
    """A contact's stance toward us.

    Examples
    --------
    >>> [member.name for member in Stance]
    ['SUPPORTER', 'NEUTRAL', 'OPPONENT']
    >>> Stance['SUPPORTER']
    <Stance.SUPPORTER: 'supporter'>
    """

    SUPPORTER = "supporter"
    NEUTRAL = "neutral"
    OPPONENT = "opponent"


class Seniority(Level):
    """A contact's seniority, top first.

    Examples
    --------
    >>> [member.name for member in Seniority]
    ['EXECUTIVE', 'MIDDLE', 'BASE', 'OPERATOR']
    >>> Seniority['EXECUTIVE']
    <Seniority.EXECUTIVE: 1>
    """

    EXECUTIVE = 1
    MIDDLE = 2
    BASE = 3
    OPERATOR = 4


class RelationshipType(enum.Enum):
    """How many people and functions the relationship involves.

    Examples
    --------
    >>> [member.name for member in RelationshipType]
    ['ORDINARY', 'PARTNERSHIP', 'STRATEGIC']
    >>> RelationshipType['ORDINARY']
    <RelationshipType.ORDINARY: 'ordinary'>
    """

    ORDINARY = "ordinary"
    PARTNERSHIP = "partnership"
    STRATEGIC = "strategic"


class LifecycleStage(enum.Enum):
    """The four relationship phases plus the terminal ENDED state.

    The legal moves between them are data: see
    :data:`kamcore.domain.TRANSITIONS`.

    Examples
    --------
    >>> [member.name for member in LifecycleStage]
    ['EXPLORATION', 'FORMATION', 'STABILITY', 'DECLINE', 'ENDED']
    >>> LifecycleStage['EXPLORATION']
    <LifecycleStage.EXPLORATION: 'exploration'>
    """

    EXPLORATION = "exploration"
    FORMATION = "formation"
    STABILITY = "stability"
    DECLINE = "decline"
    ENDED = "ended"


class KamStage(enum.Enum):
    """Millman & Wilson's relational KAM development stages.

    Bow-tie stages (PRE, EARLY, MID) correspond to an ORDINARY relationship
    type; PARTNERSHIP to PARTNERSHIP; SYNERGISTIC to STRATEGIC; UNCOUPLING is
    the dissolution of any of them. See
    :func:`kamcore.domain.relationship_type_for`.

    Examples
    --------
    >>> [member.name for member in KamStage]
    ['PRE', 'EARLY', 'MID', 'PARTNERSHIP', 'SYNERGISTIC', 'UNCOUPLING']
    >>> KamStage['PRE']
    <KamStage.PRE: 'pre'>
    """

    PRE = "pre"
    EARLY = "early"
    MID = "mid"
    PARTNERSHIP = "partnership"
    SYNERGISTIC = "synergistic"
    UNCOUPLING = "uncoupling"
