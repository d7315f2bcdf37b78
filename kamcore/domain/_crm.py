"""CRM vocabularies mapped to kamcore's: data tables a user can extend.

Each table is a read-only :class:`~kamcore.domain.FrozenMap` from a CRM's
values (spelled as that CRM shows them) to kamcore's enums, total over the
CRM's standard vocabulary. A value with no kamcore equivalent maps to
``None`` (the caller decides). Tables are never changed in place:
:func:`extend_mapping` returns a new table with a company's own values added
(custom picklist entries, renamed roles), and :func:`translate` looks a value
up with an error that lists the known ones.

=================================  =============================================
table                              from -> to
=================================  =============================================
:data:`SALESFORCE_CONTACT_ROLES`   Salesforce contact roles -> BuyingRole
:data:`BUYING_ROLE_TO_SALESFORCE`  BuyingRole -> Salesforce contact role
:data:`DYNAMICS_STAKEHOLDER_ROLES`  Dynamics 365 stakeholder roles -> BuyingRole
:data:`BUYING_ROLE_TO_DYNAMICS`    BuyingRole -> Dynamics 365 stakeholder role
:data:`SALESFORCE_TEAM_ROLES`      Salesforce account-team roles -> AccountTeamRole
:data:`HUBSPOT_FUNNEL_STAGES`      HubSpot lifecycle stages -> FunnelStage
:data:`HUBSPOT_KAM_START`          HubSpot lifecycle stages -> the KAM LifecycleStage
=================================  =============================================

Choices worth knowing: Salesforce's "Economic Decision Maker" is the budget
holder, an ECONOMIC_BUYER; its "Executive Sponsor" is the customer's senior
backer of the deal, a DECISION_MAKER; "Technical Buyer" and "Evaluator" both
evaluate (TECHNICAL_EVALUATOR). Dynamics' "blocker" is the person who can
stop the deal, a GATEKEEPER (record the stance OPPONENT on the contact as
well). kamcore's COACH is written back as an "Influencer" to both CRMs.
A HubSpot "customer" or "evangelist" has bought: the deal is WON and the KAM
relationship lifecycle starts (EXPLORATION); earlier HubSpot stages belong to
the funnel and have no lifecycle stage (None).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import Any, Final, TypeVar

from kamcore.domain._account_team import AccountTeamRole
from kamcore.domain._coerce import coerce_items, coerce_mapping
from kamcore.domain._customer import FrozenMap
from kamcore.domain._enums import BuyingRole, LifecycleStage
from kamcore.domain._funnel import FunnelStage
from kamcore.errors import InvalidParameterError, UnknownNameError

__all__ = [
    "BUYING_ROLE_TO_DYNAMICS",
    "BUYING_ROLE_TO_SALESFORCE",
    "DYNAMICS_STAKEHOLDER_ROLES",
    "HUBSPOT_FUNNEL_STAGES",
    "HUBSPOT_KAM_START",
    "SALESFORCE_CONTACT_ROLES",
    "SALESFORCE_TEAM_ROLES",
    "extend_mapping",
    "translate",
]

K = TypeVar("K")
V = TypeVar("V")

_R = BuyingRole

#: Salesforce contact roles (opportunity and account contact roles) -> BuyingRole.
SALESFORCE_CONTACT_ROLES: Final[Mapping[str, BuyingRole | None]] = FrozenMap(
    {
        "Decision Maker": _R.DECISION_MAKER,
        "Economic Buyer": _R.ECONOMIC_BUYER,
        "Economic Decision Maker": _R.ECONOMIC_BUYER,
        "Technical Buyer": _R.TECHNICAL_EVALUATOR,
        "Evaluator": _R.TECHNICAL_EVALUATOR,
        "Influencer": _R.INFLUENCER,
        "Business User": _R.USER,
        "Executive Sponsor": _R.DECISION_MAKER,
        "Other": None,
    }
)

#: BuyingRole -> the Salesforce contact role written back.
BUYING_ROLE_TO_SALESFORCE: Final[Mapping[BuyingRole, str]] = FrozenMap(
    {
        _R.DECISION_MAKER: "Decision Maker",
        _R.ECONOMIC_BUYER: "Economic Buyer",
        _R.TECHNICAL_EVALUATOR: "Technical Buyer",
        _R.USER: "Business User",
        _R.INFLUENCER: "Influencer",
        _R.GATEKEEPER: "Other",
        _R.COACH: "Influencer",
    }
)

#: Dynamics 365 stakeholder roles (connection roles of a sales deal) -> BuyingRole.
DYNAMICS_STAKEHOLDER_ROLES: Final[Mapping[str, BuyingRole | None]] = FrozenMap(
    {
        "decision maker": _R.DECISION_MAKER,
        "influencer": _R.INFLUENCER,
        "blocker": _R.GATEKEEPER,
    }
)

#: BuyingRole -> the Dynamics 365 stakeholder role written back.
BUYING_ROLE_TO_DYNAMICS: Final[Mapping[BuyingRole, str]] = FrozenMap(
    {
        _R.DECISION_MAKER: "decision maker",
        _R.ECONOMIC_BUYER: "decision maker",
        _R.TECHNICAL_EVALUATOR: "influencer",
        _R.USER: "influencer",
        _R.INFLUENCER: "influencer",
        _R.GATEKEEPER: "blocker",
        _R.COACH: "influencer",
    }
)

_T = AccountTeamRole

#: Salesforce's standard account-team roles -> AccountTeamRole.
SALESFORCE_TEAM_ROLES: Final[Mapping[str, AccountTeamRole | None]] = FrozenMap(
    {
        "Account Manager": _T.ACCOUNT_MANAGER,
        "Channel Manager": _T.SALES,
        "Executive Sponsor": _T.EXECUTIVE_SPONSOR,
        "Lead Qualifier": _T.SALES,
        "Pre-Sales Consultant": _T.TECHNICAL,
        "Sales Manager": _T.SALES,
        "Sales Rep": _T.SALES,
        "Technical Sales": _T.TECHNICAL,
    }
)

_F = FunnelStage

#: HubSpot lifecycle stages (internal values) -> FunnelStage.
HUBSPOT_FUNNEL_STAGES: Final[Mapping[str, FunnelStage | None]] = FrozenMap(
    {
        "subscriber": _F.LEAD,
        "lead": _F.LEAD,
        "marketingqualifiedlead": _F.LEAD,
        "salesqualifiedlead": _F.PROSPECT,
        "opportunity": _F.OPPORTUNITY,
        "customer": _F.WON,
        "evangelist": _F.WON,
        "other": None,
    }
)

#: HubSpot lifecycle stages -> where the KAM relationship lifecycle begins
#: (a customer has bought: EXPLORATION); None before the first deal.
HUBSPOT_KAM_START: Final[Mapping[str, LifecycleStage | None]] = FrozenMap(
    {
        "subscriber": None,
        "lead": None,
        "marketingqualifiedlead": None,
        "salesqualifiedlead": None,
        "opportunity": None,
        "customer": LifecycleStage.EXPLORATION,
        "evangelist": LifecycleStage.EXPLORATION,
        "other": None,
    }
)


def extend_mapping(
    base: Mapping[K, V],
    additions: Mapping[K, V] | Iterable[tuple[K, V]],
    *,
    replace: bool = False,
) -> FrozenMap[K, V]:
    """Return a new table: ``base`` plus ``additions`` (``base`` is not changed).

    Parameters
    ----------
    base : Mapping
        A table, e.g. :data:`SALESFORCE_CONTACT_ROLES`.
    additions : Mapping or iterable of pairs
        New entries (a company's own CRM values).
    replace : bool
        Allow an addition to change an existing entry; by default a key that
        is already mapped to a different value is refused.

    Returns
    -------
    FrozenMap
        A new read-only table, base entries first.

    Raises
    ------
    InvalidParameterError
        A key already mapped differently (without ``replace``), or a value of
        another kind than the table's (e.g. a string in a table of BuyingRole).

    Examples
    --------
    >>> mine = extend_mapping(SALESFORCE_CONTACT_ROLES, {"Champion": BuyingRole.COACH})
    >>> mine["Champion"], "Champion" in SALESFORCE_CONTACT_ROLES
    (<BuyingRole.COACH: 'coach'>, False)
    """
    coerce_mapping(base, "base")
    if not isinstance(additions, Mapping):
        pairs = coerce_items(additions, "additions", tuple)
        bad_pair = next((p for p in pairs if len(p) != 2), None)
        if bad_pair is not None:
            raise InvalidParameterError(
                f"'additions' must be a mapping or (key, value) pairs; got {bad_pair!r}."
            )
        additions = dict(pairs)
    new: dict[K, V] = dict(additions)
    kinds = {type(v) for v in base.values() if v is not None}
    for key, value in new.items():
        if value is not None and kinds and type(value) not in kinds:
            names = ", ".join(sorted(k.__name__ for k in kinds))
            raise InvalidParameterError(
                f"'additions' must map to {names} (or None) like the table; got {value!r} "
                f"for {key!r}."
            )
        if not replace and key in base and base[key] != value:
            raise InvalidParameterError(
                f"'additions' must not change existing entry {key!r} (mapped to {base[key]!r}); "
                f"got {value!r} (pass replace=True to change it)."
            )
    return FrozenMap({**dict(base), **new})


def translate(mapping: Mapping[K, V], value: K, *, vocabulary: str = "value") -> V:
    """Look ``value`` up in a table, naming the known values when it is missing.

    Parameters
    ----------
    mapping : mapping
        A CRM mapping table (e.g. :data:`SALESFORCE_CONTACT_ROLES`).
    value
        The CRM's value.
    vocabulary : str
        What the values are called, for the error message.

    Returns
    -------
    object
        The table's entry for ``value`` (None where the table says there is no
        kamcore equivalent).

    Raises
    ------
    UnknownNameError
        ``value`` is not in the table.

    Examples
    --------
    >>> translate(HUBSPOT_FUNNEL_STAGES, "salesqualifiedlead")
    <FunnelStage.PROSPECT: 'prospect'>
    >>> translate(DYNAMICS_STAKEHOLDER_ROLES, "champion", vocabulary="stakeholder role")
    Traceback (most recent call last):
    ...
    kamcore.errors.UnknownNameError: 'stakeholder role' must be one of 'decision maker', ...
    """
    coerce_mapping(mapping, "mapping")
    if not isinstance(value, Hashable):
        raise InvalidParameterError(f"{vocabulary!r} must be a single value; got {value!r}.")
    if value not in mapping:
        known = ", ".join(repr(_show(k)) for k in mapping)
        raise UnknownNameError(f"{vocabulary!r} must be one of {known}; got {value!r}.")
    return mapping[value]


def _show(key: Any) -> Any:
    return key.name if hasattr(key, "name") and not isinstance(key, str) else key
