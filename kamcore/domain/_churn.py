"""Decline and churn, recorded: churn types, decline causes, retention plans by grade.

- :class:`ChurnType` - how a customer was lost: *natural* (the need went
  away: the customer closed, moved, changed business), *malicious* (the
  customer left to exploit us or in bad faith, e.g. after unpaid invoices or
  to take our know-how elsewhere), *competitive* (a competitor won the
  business) and *negligent* (our own fault: poor service, broken promises,
  neglect).
- :class:`DeclineCause` - the seven main causes of decline, a controlled
  vocabulary (see the class docstring).
- :class:`ChurnRecord` - one dated record of why a relationship moved to
  DECLINE or ENDED; a :class:`~kamcore.domain.Relationship` carries them
  next to its dated stage history.
- :class:`RetentionEffort` and :data:`RETENTION_PLANS` - the retention
  strategy chosen by customer grade (analyse causes -> choose a strategy by
  grade -> execute -> evaluate with churn and retention rates);
  :func:`retention_plan` looks a grade up in the default or a given table.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from typing import Any, Final

import attrs

from kamcore.domain._checks import bad, check_optional_text
from kamcore.domain._coerce import coerce_key, coerce_mapping, date_converter, enum_converter
from kamcore.domain._customer import FrozenMap
from kamcore.errors import InvalidParameterError

__all__ = [
    "RETENTION_PLANS",
    "ChurnRecord",
    "ChurnType",
    "DeclineCause",
    "RetentionEffort",
    "retention_plan",
]


class ChurnType(enum.Enum):
    """How a customer was lost (the four churn types).

    NATURAL
        The need went away: the customer closed, merged, moved or changed business.
    MALICIOUS
        Bad faith: the customer left owing money or to exploit what it got from us.
    COMPETITIVE
        A competitor won the business (price, product, relationship).
    NEGLIGENT
        Our fault: poor service, broken promises, neglect of the account.

    Examples
    --------
    >>> [member.name for member in ChurnType]
    ['NATURAL', 'MALICIOUS', 'COMPETITIVE', 'NEGLIGENT']
    >>> ChurnType['NATURAL']
    <ChurnType.NATURAL: 'natural'>
    """

    NATURAL = "natural"
    MALICIOUS = "malicious"
    COMPETITIVE = "competitive"
    NEGLIGENT = "negligent"


class DeclineCause(enum.Enum):
    """The seven main causes of decline (a controlled vocabulary; several may apply).

    PRODUCT_OR_SERVICE_QUALITY
        Our product or service fell short (defects, delivery, support).
    PRICE_AND_TERMS
        Price, discounts or payment terms no longer competitive for the customer.
    COMPETITOR_OFFER
        A competitor made a better offer or out-sold us.
    RELATIONSHIP_NEGLECT
        Too little contact, unanswered complaints, broken promises.
    PEOPLE_CHANGE
        A key person left on either side (account manager, decision maker).
    CUSTOMER_BUSINESS_CHANGE
        The customer's own business shrank, changed strategy or no longer needs us.
    CREDIT_OR_COMPLIANCE
        Payment problems, disputes or compliance issues ended the trust.

    Examples
    --------
    >>> [member.name for member in DeclineCause]
    ['PRODUCT_OR_SERVICE_QUALITY', 'PRICE_AND_TERMS', 'COMPETITOR_OFFER',
    'RELATIONSHIP_NEGLECT', 'PEOPLE_CHANGE', 'CUSTOMER_BUSINESS_CHANGE',
    'CREDIT_OR_COMPLIANCE']
    >>> DeclineCause['PRODUCT_OR_SERVICE_QUALITY']
    <DeclineCause.PRODUCT_OR_SERVICE_QUALITY: 'product_or_service_quality'>
    """

    PRODUCT_OR_SERVICE_QUALITY = "product_or_service_quality"
    PRICE_AND_TERMS = "price_and_terms"
    COMPETITOR_OFFER = "competitor_offer"
    RELATIONSHIP_NEGLECT = "relationship_neglect"
    PEOPLE_CHANGE = "people_change"
    CUSTOMER_BUSINESS_CHANGE = "customer_business_change"
    CREDIT_OR_COMPLIANCE = "credit_or_compliance"


def _to_causes(value: Any) -> Any:
    """Freeze a list, tuple, set or single cause; anything else passes through."""
    if isinstance(value, DeclineCause):
        return frozenset({value})
    if isinstance(value, (list, tuple, set, frozenset)):
        return frozenset(value)
    return value


def _check_causes(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    del instance
    if not isinstance(value, frozenset):
        raise bad(attribute.name, "be a set of DeclineCause members", value)
    for item in value:
        if not isinstance(item, DeclineCause):
            names = ", ".join(m.name for m in DeclineCause)
            raise bad(attribute.name, f"contain only DeclineCause members ({names})", item)


@attrs.frozen
class ChurnRecord:
    """Why a relationship declined or ended, on a day (value object).

    Parameters
    ----------
    on : datetime.date
        The day of the stage change the record explains; a relationship
        accepts the record only if it entered DECLINE or ENDED that day.
    churn_type : ChurnType or None, keyword-only
        How the customer was lost (mostly known when the relationship ends).
    causes : frozenset of DeclineCause, keyword-only
        The causes found by the analysis (a list, set or single cause is
        accepted and frozen).
    note : str or None, keyword-only
        Free text (what happened, who analysed it); non-blank when given.

    Raises
    ------
    InvalidParameterError
        A bad field, or neither a churn type nor a cause (an empty record).

    Examples
    --------
    >>> import datetime as dt
    >>> r = ChurnRecord(dt.date(2024, 5, 2), churn_type=ChurnType.COMPETITIVE,
    ...                 causes=[DeclineCause.PRICE_AND_TERMS])
    >>> r.churn_type.value, sorted(c.value for c in r.causes)
    ('competitive', ['price_and_terms'])
    """

    on: dt.date = attrs.field(converter=date_converter())  # type: ignore[misc]
    churn_type: ChurnType | None = attrs.field(
        default=None,
        kw_only=True,
        converter=enum_converter(ChurnType, optional=True),  # type: ignore[misc]
    )
    causes: frozenset[DeclineCause] = attrs.field(
        default=frozenset(), kw_only=True, converter=_to_causes, validator=_check_causes
    )
    note: str | None = attrs.field(default=None, kw_only=True, validator=check_optional_text)

    def __attrs_post_init__(self) -> None:
        if self.churn_type is None and not self.causes:
            raise InvalidParameterError(
                "a ChurnRecord must give a 'churn_type' or at least one of 'causes'; got neither "
                f"(on {self.on.isoformat()})."
            )

    @property
    def is_our_fault(self) -> bool:
        """True for NEGLIGENT churn (the customer was lost through our own fault)."""
        return self.churn_type is ChurnType.NEGLIGENT


class RetentionEffort(enum.Enum):
    """How much to invest in keeping a declining customer, most first.

    ALL_OUT
        Executive sponsor visit, a tailored recovery plan, concessions within margin.
    ACTIVE
        An account-manager retention plan: cause analysis, targeted offers, closer contact.
    STANDARD
        Standard service recovery and regular contact at low cost.
    LET_GO
        No extra investment: part on good terms, record the causes, keep the door open.

    Examples
    --------
    >>> [member.name for member in RetentionEffort]
    ['ALL_OUT', 'ACTIVE', 'STANDARD', 'LET_GO']
    >>> RetentionEffort['ALL_OUT']
    <RetentionEffort.ALL_OUT: 'all_out'>
    """

    ALL_OUT = "all_out"
    ACTIVE = "active"
    STANDARD = "standard"
    LET_GO = "let_go"


#: Default retention strategy by customer grade (A best): the higher the
#: grade, the more a customer is worth keeping. A read-only mapping; extend or
#: override it with :func:`kamcore.domain.extend_mapping` and pass the result
#: to :func:`retention_plan`.
RETENTION_PLANS: Final[Mapping[str, RetentionEffort]] = FrozenMap(
    {
        "A": RetentionEffort.ALL_OUT,
        "B": RetentionEffort.ACTIVE,
        "C": RetentionEffort.STANDARD,
        "D": RetentionEffort.LET_GO,
    }
)


def retention_plan(
    grade: str, plans: Mapping[str, RetentionEffort] = RETENTION_PLANS
) -> RetentionEffort:
    """Return the retention strategy for a customer ``grade``.

    Parameters
    ----------
    grade : str
        The customer's grade (e.g. ``"A"``).
    plans : mapping of str to RetentionEffort
        Grade -> strategy; :data:`RETENTION_PLANS` by default.

    Returns
    -------
    RetentionEffort
        The effort the plan gives the grade.

    Raises
    ------
    UnknownNameError
        ``grade`` is not in ``plans`` (the message lists the known grades).
    InvalidParameterError
        A value of ``plans`` is not a :class:`RetentionEffort`.

    Examples
    --------
    >>> retention_plan("B")
    <RetentionEffort.ACTIVE: 'active'>
    >>> retention_plan("Gold", {"Gold": RetentionEffort.ALL_OUT}).name
    'ALL_OUT'
    """
    effort = coerce_key(coerce_mapping(plans, "plans"), grade, "grade")
    if not isinstance(effort, RetentionEffort):
        raise bad("plans", "map grades to RetentionEffort members", effort)
    return effort
