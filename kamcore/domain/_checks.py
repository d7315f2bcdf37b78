"""Private attrs validators for the domain objects (standard library only).

Every validator raises :class:`~kamcore.errors.InvalidParameterError` (never a
bare ``TypeError``) with a message that names the field, the rule and the
offending value, completing the sentence "'field' must ...; got <value>.".
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Callable, Iterable
from typing import Any, ClassVar, TypeVar

import attrs

from kamcore.domain._coerce import shown
from kamcore.errors import InvalidParameterError

__all__ = [
    "Entity",
    "bad",
    "check_date",
    "check_enum",
    "check_finite_unit",
    "check_id",
    "check_optional_date",
    "check_optional_enum",
    "check_optional_id",
    "check_optional_text",
    "check_str",
    "check_strict_bool",
    "check_str_frozenset",
    "check_text",
    "check_tuple_of",
    "require_date",
    "to_str_frozenset",
    "to_tuple",
]

E = TypeVar("E", bound=enum.Enum)
T = TypeVar("T")

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


def bad(name: str, rule: str, value: Any) -> InvalidParameterError:
    """Build the standard error: "'name' must <rule>; got <value!r>." (value cut to 60 chars)."""
    return InvalidParameterError(f"{name!r} must {rule}; got {shown(value)}.")


def _is_clean_text(value: Any) -> bool:
    return isinstance(value, str) and value != "" and value == value.strip()


def check_id(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Require an identifier: a non-empty ``str`` without surrounding whitespace."""
    del instance
    if not _is_clean_text(value):
        raise bad(attribute.name, "be a non-empty string without surrounding whitespace", value)


def check_optional_id(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Require ``None`` or a valid identifier."""
    if value is not None:
        check_id(instance, attribute, value)


def check_text(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Require a label: a non-blank ``str`` without surrounding whitespace."""
    check_id(instance, attribute, value)


def check_optional_text(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Require ``None`` or a non-blank ``str`` without surrounding whitespace."""
    if value is not None:
        check_id(instance, attribute, value)


def check_str(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Require free text: any ``str`` (may be empty)."""
    del instance
    if not isinstance(value, str):
        raise bad(attribute.name, "be a string", value)


def check_strict_bool(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Require a flag: exactly ``True`` or ``False`` (no 0/1, no strings)."""
    del instance
    if not isinstance(value, bool):
        raise bad(attribute.name, "be True or False", value)


def require_date(value: Any, name: str) -> None:
    """Raise unless ``value`` is a ``date`` object that is not a ``datetime`` (no conversion).

    For arguments and fields that do not use the date converter of
    :mod:`kamcore.domain._coerce` (which also takes ``"YYYY-MM-DD"``).
    """
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise bad(name, "be a datetime.date (not a datetime or a string)", value)


def check_date(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Require a calendar day object: :func:`require_date` as a validator."""
    del instance
    require_date(value, attribute.name)


def check_optional_date(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Require ``None`` or a calendar day object."""
    if value is not None:
        check_date(instance, attribute, value)


def check_finite_unit(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Require a strength: a real number in [0, 1] (bools, NaN and infinities rejected)."""
    del instance
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise bad(attribute.name, "be a real number in [0, 1]", value)
    if math.isnan(value) or not 0.0 <= value <= 1.0:
        raise bad(attribute.name, "be a real number in [0, 1]", value)


def check_enum(enum_cls: type[E]) -> Validator:
    """Return a validator requiring a member of ``enum_cls`` (no conversion)."""

    def _check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        del instance
        if not isinstance(value, enum_cls):
            names = ", ".join(m.name for m in enum_cls)
            raise bad(attribute.name, f"be a {enum_cls.__name__} member ({names})", value)

    return _check


def check_optional_enum(enum_cls: type[E]) -> Validator:
    """Return a validator requiring ``None`` or a member of ``enum_cls`` (no conversion).

    Fields that take what a CRM sends use ``enum_converter`` of
    :mod:`kamcore.domain._coerce` instead; this form only checks.
    """
    inner = check_enum(enum_cls)

    def _check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None:
            inner(instance, attribute, value)

    return _check


def to_str_frozenset(value: Iterable[str]) -> Any:
    """Convert a list, tuple or set to a ``frozenset``; anything else passes through.

    What passes through unchanged (a bare ``str``, ``None``, a number) is then
    rejected by the field's validator, whose message names the field.
    """
    if isinstance(value, (list, tuple, set, frozenset)):
        return frozenset(value)
    return value


def to_tuple(value: Iterable[Any]) -> Any:
    """Convert a list or tuple to a ``tuple``; anything else passes through to the validator."""
    if isinstance(value, (list, tuple)):
        return tuple(value)
    return value


def check_str_frozenset(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Require a ``frozenset`` of non-empty strings without surrounding whitespace."""
    del instance
    if not isinstance(value, frozenset):
        raise bad(attribute.name, "be a set or sequence of strings", value)
    for item in value:
        if not _is_clean_text(item):
            raise bad(
                attribute.name,
                "contain only non-empty strings without surrounding whitespace",
                item,
            )


def check_tuple_of(item_cls: type[Any]) -> Validator:
    """Return a validator requiring a ``tuple`` whose items are all ``item_cls`` instances."""

    def _check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        del instance
        if not isinstance(value, tuple):
            raise bad(attribute.name, f"be a sequence of {item_cls.__name__}", value)
        for index, item in enumerate(value):
            if not isinstance(item, item_cls):
                raise InvalidParameterError(
                    f"{attribute.name!r} must contain only {item_cls.__name__} objects; "
                    f"got {item!r} at index {index}."
                )

    return _check


class Entity:
    """Mixin for domain entities: equal and hashed by ``id`` within one kind.

    A class sets ``_ENTITY`` (its kind, e.g. ``"customer"``); two objects are
    equal when they are of the same kind and have the same ``id``, whatever
    their other fields. Use with ``@attrs.frozen(eq=False)`` so attrs leaves
    these methods alone.
    """

    __slots__ = ()

    _ENTITY: ClassVar[str] = ""
    id: str

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Entity) or other._ENTITY != self._ENTITY:
            return NotImplemented
        return self.id == other.id

    def __ne__(self, other: object) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __hash__(self) -> int:
        return hash((self._ENTITY, self.id))
