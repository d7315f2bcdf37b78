"""The :class:`Contact` entity: a person at a customer, and sensitive-field metadata.

Personal details (email, phone, birthday, interests) are marked with the attrs
field metadata ``{"sensitive": True}`` and hidden from ``repr``; an access
policy or an export can find them with :func:`sensitive_fields`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, Final

import attrs

from kamcore.domain._account_team import Influence
from kamcore.domain._checks import (
    Entity,
    check_finite_unit,
    check_id,
    check_optional_text,
    check_str,
    check_str_frozenset,
    to_str_frozenset,
)
from kamcore.domain._coerce import date_converter, enum_converter
from kamcore.domain._enums import BuyingRole, Seniority, Stance
from kamcore.errors import InvalidParameterError

__all__ = ["SENSITIVE", "Contact", "sensitive_fields"]

#: attrs field metadata that marks a personal, access-restricted field.
SENSITIVE: Final[dict[str, Any]] = {"sensitive": True}


def sensitive_fields(cls: type[Any]) -> tuple[str, ...]:
    """Return the names of the fields of an attrs class marked sensitive.

    Parameters
    ----------
    cls
        An attrs class.

    Returns
    -------
    tuple of str
        Field names whose metadata has ``sensitive`` true, in field order.

    Raises
    ------
    InvalidParameterError
        If ``cls`` is not an attrs class.

    Examples
    --------
    >>> sensitive_fields(Contact)
    ('email', 'phone', 'birthday', 'interests')
    """
    if not (isinstance(cls, type) and attrs.has(cls)):
        raise InvalidParameterError(f"'cls' must be an attrs class; got {cls!r}.")
    return tuple(f.name for f in attrs.fields(cls) if f.metadata.get("sensitive", False))


def _to_strength(value: float) -> Any:
    """Integers 0 and 1 become floats; everything else is left to the validator."""
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _check_email(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    del instance
    if value is None:
        return
    ok = isinstance(value, str) and value == value.strip() and " " not in value
    if ok:
        local, _, domain = value.rpartition("@")
        ok = bool(local) and bool(domain) and "@" in value
    if not ok:
        # The value is personal data: do not echo it in the message.
        raise InvalidParameterError(
            f"{attribute.name!r} must look like an e-mail address (local@domain, no spaces); "
            f"got a {type(value).__name__} that does not."
        )


def _check_phone(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    del instance
    if value is None:
        return
    if not isinstance(value, str) or not value.strip() or value != value.strip():
        raise InvalidParameterError(
            f"{attribute.name!r} must be a non-blank string without surrounding whitespace; "
            f"got a {type(value).__name__} that is not."
        )


@attrs.frozen(eq=False)
class Contact(Entity):
    """A person at a customer (entity: equal and hashed by ``id`` only).

    Parameters
    ----------
    id : str
        Our identifier of the contact.
    name : str
        Display name (free text).
    customer_id : str
        Id of the customer the person works for.
    role : BuyingRole
        Role in the buying decision; like every enum field it also takes the
        member's value or name as a string, any case (``"decision_maker"``).
    stance : Stance, keyword-only
        Stance toward us (default ``NEUTRAL``).
    strength : float, keyword-only
        Strength of our relationship with the person, in [0, 1] (default 0).
    seniority : Seniority or None, keyword-only
        Level in the customer's organisation.
    title : str or None, keyword-only
        Job title.
    email, phone : str or None, keyword-only
        Sensitive; hidden from ``repr`` and never echoed in error messages.
    birthday : datetime.date or None, keyword-only
        Sensitive; hidden from ``repr`` and not echoed in error messages. A
        ``"YYYY-MM-DD"`` string is accepted, a ``datetime`` refused.
    interests : frozenset of str, keyword-only
        Sensitive; hidden from ``repr``.
    influence : Influence or None, keyword-only
        Weight of the person in the buying decision (HIGH, MEDIUM, LOW);
        None when not assessed.

    Examples
    --------
    >>> from kamcore.domain._enums import BuyingRole, Stance
    >>> c = Contact("p1", "Li Wei", "c-001", BuyingRole.DECISION_MAKER,
    ...             stance=Stance.SUPPORTER, strength=0.8, email="li@example.com")
    >>> "example.com" in repr(c)
    False
    """

    _ENTITY: ClassVar[str] = "contact"

    id: str = attrs.field(validator=check_id)
    name: str = attrs.field(validator=check_str)
    customer_id: str = attrs.field(validator=check_id)
    role: BuyingRole = attrs.field(converter=enum_converter(BuyingRole))  # type: ignore[misc]
    stance: Stance = attrs.field(
        default=Stance.NEUTRAL,
        kw_only=True,
        converter=enum_converter(Stance),  # type: ignore[misc]
    )
    strength: float = attrs.field(
        default=0.0, kw_only=True, converter=_to_strength, validator=check_finite_unit
    )
    seniority: Seniority | None = attrs.field(
        default=None,
        kw_only=True,
        converter=enum_converter(Seniority, optional=True),  # type: ignore[misc]
    )
    title: str | None = attrs.field(default=None, kw_only=True, validator=check_optional_text)
    email: str | None = attrs.field(
        default=None, kw_only=True, validator=_check_email, repr=False, metadata=SENSITIVE
    )
    phone: str | None = attrs.field(
        default=None, kw_only=True, validator=_check_phone, repr=False, metadata=SENSITIVE
    )
    birthday: dt.date | None = attrs.field(
        default=None,
        kw_only=True,
        converter=date_converter(optional=True),  # type: ignore[misc]
        repr=False,
        metadata=SENSITIVE,
    )
    interests: frozenset[str] = attrs.field(
        default=frozenset(),
        kw_only=True,
        converter=to_str_frozenset,
        validator=check_str_frozenset,
        repr=False,
        metadata=SENSITIVE,
    )
    influence: Influence | None = attrs.field(
        default=None,
        kw_only=True,
        converter=enum_converter(Influence, optional=True),  # type: ignore[misc]
    )

    @property
    def is_executive(self) -> bool:
        """True if the contact's seniority is ``EXECUTIVE``."""
        return self.seniority is Seniority.EXECUTIVE

    def without_personal_details(self) -> Contact:
        """Return a copy with every sensitive field cleared (for sharing or export)."""
        return attrs.evolve(self, email=None, phone=None, birthday=None, interests=frozenset())
