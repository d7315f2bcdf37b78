"""Our side of the account and the kind of account: team, team roles, account type, influence.

- :class:`AccountTeamRole` - roles on our account team (the virtual KA team).
- :class:`TeamMember` and :class:`AccountTeam` - the owner plus members with
  roles; carried by a :class:`~kamcore.domain.Relationship` (``team``).
- :class:`AccountType` - what kind of account a :class:`~kamcore.domain.Customer`
  record is (customer, prospect, partner, reseller, competitor, other).
- :class:`Influence` - how much weight a contact carries in the buying
  decision (high, medium, low), next to the contact's buying role.
"""

from __future__ import annotations

import enum
from typing import Any

import attrs

from kamcore.domain._checks import check_id, check_tuple_of, to_tuple
from kamcore.domain._coerce import enum_converter
from kamcore.errors import InvalidParameterError

__all__ = ["AccountTeam", "AccountTeamRole", "AccountType", "Influence", "TeamMember"]


class AccountTeamRole(enum.Enum):
    """A role on our account team.

    Examples
    --------
    >>> [member.name for member in AccountTeamRole]
    ['ACCOUNT_MANAGER', 'EXECUTIVE_SPONSOR', 'SALES', 'SERVICE', 'TECHNICAL', 'FINANCE',
    'OTHER']
    >>> AccountTeamRole['ACCOUNT_MANAGER']
    <AccountTeamRole.ACCOUNT_MANAGER: 'account_manager'>
    """

    ACCOUNT_MANAGER = "account_manager"
    EXECUTIVE_SPONSOR = "executive_sponsor"
    SALES = "sales"
    SERVICE = "service"
    TECHNICAL = "technical"
    FINANCE = "finance"
    OTHER = "other"


class AccountType(enum.Enum):
    """What kind of account a customer record is.

    Examples
    --------
    >>> [member.name for member in AccountType]
    ['CUSTOMER', 'PROSPECT', 'PARTNER', 'RESELLER', 'COMPETITOR', 'OTHER']
    >>> AccountType['CUSTOMER']
    <AccountType.CUSTOMER: 'customer'>
    """

    CUSTOMER = "customer"
    PROSPECT = "prospect"
    PARTNER = "partner"
    RESELLER = "reseller"
    COMPETITOR = "competitor"
    OTHER = "other"


class Influence(enum.Enum):
    """A contact's weight in the buying decision, highest first.

    Examples
    --------
    >>> [member.name for member in Influence]
    ['HIGH', 'MEDIUM', 'LOW']
    >>> Influence['HIGH']
    <Influence.HIGH: 'high'>
    """

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


@attrs.frozen
class TeamMember:
    """One person on our account team in one role (value object).

    Parameters
    ----------
    person : str
        Who (an id or name on our side; non-blank, no surrounding whitespace).
    role : AccountTeamRole
        The role they play on the team.

    Examples
    --------
    >>> TeamMember("bo", AccountTeamRole.TECHNICAL)
    TeamMember(person='bo', role=<AccountTeamRole.TECHNICAL: 'technical'>)
    """

    person: str = attrs.field(validator=check_id)
    role: AccountTeamRole = attrs.field(converter=enum_converter(AccountTeamRole))  # type: ignore[misc]


def _check_members(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    check_tuple_of(TeamMember)(instance, attribute, value)
    seen: set[TeamMember] = set()
    for index, member in enumerate(value):
        if member in seen:
            raise InvalidParameterError(
                f"{attribute.name!r} must not repeat a person in the same role; got "
                f"{member.person!r} as {member.role.name} twice (again at index {index})."
            )
        if member.role is AccountTeamRole.ACCOUNT_MANAGER:
            raise InvalidParameterError(
                f"{attribute.name!r} must not hold ACCOUNT_MANAGER (the owner holds it); "
                f"got {member.person!r} at index {index}."
            )
        seen.add(member)


@attrs.frozen
class AccountTeam:
    """Our team on one account: the owner plus members with roles (value object).

    The owner is the account manager (the one who owns the relationship); the
    members hold every other role, one person may hold several roles.

    Parameters
    ----------
    owner : str
        The account manager (non-blank, no surrounding whitespace).
    members : tuple of TeamMember
        Everyone else, in any role but ACCOUNT_MANAGER; no person twice in the
        same role. A list is accepted and frozen.

    Raises
    ------
    InvalidParameterError
        A bad owner, a member that is not a TeamMember, a duplicate, or a
        member in the ACCOUNT_MANAGER role.

    Examples
    --------
    >>> team = AccountTeam("amy", [TeamMember("ceo", AccountTeamRole.EXECUTIVE_SPONSOR),
    ...                            TeamMember("bo", AccountTeamRole.TECHNICAL)])
    >>> sorted(team.people), [m.person for m in team.members_in(AccountTeamRole.TECHNICAL)]
    (['amy', 'bo', 'ceo'], ['bo'])
    """

    owner: str = attrs.field(validator=check_id)
    members: tuple[TeamMember, ...] = attrs.field(
        default=(), converter=to_tuple, validator=_check_members
    )

    @property
    def people(self) -> frozenset[str]:
        """Everyone on the team, owner included."""
        return frozenset({self.owner, *(m.person for m in self.members)})

    @property
    def roles_covered(self) -> frozenset[AccountTeamRole]:
        """Roles held by someone (ACCOUNT_MANAGER always, by the owner)."""
        return frozenset({AccountTeamRole.ACCOUNT_MANAGER, *(m.role for m in self.members)})

    def members_in(self, role: AccountTeamRole) -> tuple[TeamMember, ...]:
        """Return the members in ``role`` (for ACCOUNT_MANAGER: the owner as a member)."""
        if role is AccountTeamRole.ACCOUNT_MANAGER:
            return (TeamMember(self.owner, role),)
        return tuple(m for m in self.members if m.role is role)

    def with_member(self, member: TeamMember) -> AccountTeam:
        """Return a copy with ``member`` added (validated like the rest)."""
        return attrs.evolve(self, members=(*self.members, member))

    def with_owner(self, owner: str) -> AccountTeam:
        """Return a copy owned by ``owner`` (members unchanged)."""
        return attrs.evolve(self, owner=owner)
