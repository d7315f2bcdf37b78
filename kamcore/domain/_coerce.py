"""The one coercion layer of the domain: what a CRM sends becomes a domain value.

Every domain class converts its enum, date and money fields through the attrs
converters built here, so the same spellings are accepted everywhere and a
refusal always names the field, the accepted spellings and the value
(standard library and attrs only).

Accepted spellings, per field kind:

* **enum** fields: the member itself; its value with the value's own type
  (``1`` for ``CreditRecord.PAYS_PER_CONTRACT``, ``"user"`` for
  ``BuyingRole.USER``); its name or its value written as a string, in any
  case (``"pays_per_contract"``, ``"USER"``, ``"1"``). Surrounding whitespace
  is **not** stripped: ``" user"`` is refused (the message says so), because a
  padded code usually means a broken export that should be fixed, not hidden.
  A string that names no member raises
  :class:`~kamcore.errors.UnknownNameError`; anything else (a float, a bool,
  a member of another enum) raises
  :class:`~kamcore.errors.InvalidParameterError`.
* **date** fields: a :class:`datetime.date`, or an ISO 8601 calendar date
  string ``"YYYY-MM-DD"``. A :class:`datetime.datetime` (and a string with a
  time part) is **refused**, midnight included: a time stamp is not a day, and
  which day it is depends on a time zone only the caller knows (pass
  ``value.date()``).
* **money** fields: a :class:`~kamcore.domain.Money` only. A bare number has
  no currency, so it is refused; the plain amount inside ``Money`` takes an
  ``int`` or a ``Decimal`` (and :meth:`Money.of` a ``float`` or a string).

mypy's attrs plugin cannot see through these converters: the fields that use
them carry ``# type: ignore[misc]`` and take ``Any`` in the generated
``__init__`` -- on purpose, since they accept every spelling above.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import os
import re
from collections.abc import Hashable, Iterable, Mapping
from pathlib import Path
from typing import Any, Final, TypeVar

import attrs

from kamcore.domain._money import Money
from kamcore.errors import InvalidParameterError, UnknownNameError

__all__ = [
    "SHOWN_MAX",
    "coerce_date",
    "coerce_enum",
    "coerce_items",
    "coerce_key",
    "coerce_mapping",
    "coerce_text",
    "read_text_file",
    "coerce_money",
    "date_converter",
    "enum_converter",
    "money_converter",
    "shown",
    "spellings",
]

E = TypeVar("E", bound=enum.Enum)

#: Longest value representation echoed in an error message.
SHOWN_MAX: Final = 60


def shown(value: Any, *, secret: bool = False) -> str:
    """Return ``repr(value)`` cut to at most 60 characters (ending in ``...``).

    A 1 MB string in a document must not make a 1 MB message. With ``secret``
    (a field marked sensitive) only the value's type is shown.
    """
    if secret:
        return f"a {type(value).__name__} (not shown: the field is personal data)"
    text = repr(value)
    if len(text) > SHOWN_MAX:
        return text[: SHOWN_MAX - 3] + "..."
    return text


_ISO_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


# ---------------------------------------------------------------- enums
@functools.cache
def _table(enum_cls: type[enum.Enum]) -> Mapping[str, enum.Enum]:
    """Case-folded name and string-written value -> member (built once per enum)."""
    table: dict[str, enum.Enum] = {}
    for member in enum_cls:
        for key in {member.name.casefold(), str(member.value).casefold()}:
            other = table.setdefault(key, member)
            if other is not member:  # pragma: no cover - guarded by the tests of every enum
                raise InvalidParameterError(
                    f"{enum_cls.__name__} spelling {key!r} is ambiguous "
                    f"({other.name} and {member.name})."
                )
    return table


def spellings(enum_cls: type[enum.Enum]) -> str:
    """Return the accepted spellings of an enum's members, e.g. ``"USER ('user')"``."""
    return ", ".join(f"{m.name} ({m.value!r})" for m in enum_cls)


def _enum_rule(enum_cls: type[enum.Enum]) -> str:
    return (
        f"be a {enum_cls.__name__} member or its name or value, any case, without "
        f"surrounding whitespace: {spellings(enum_cls)}"
    )


def coerce_enum(enum_cls: type[E], value: Any, name: str) -> E:
    """Return the member of ``enum_cls`` that ``value`` spells (see the module docstring).

    Parameters
    ----------
    enum_cls
        The enum.
    value
        A member, its value, or its name or value written as a string (any case).
    name
        The field name used in the error message.

    Raises
    ------
    UnknownNameError
        A string that spells no member (padded strings included).
    InvalidParameterError
        Any other value that is not a member.

    Examples
    --------
    >>> from kamcore.domain import BuyingRole, CreditRecord
    >>> coerce_enum(BuyingRole, "Economic_Buyer", "role")
    <BuyingRole.ECONOMIC_BUYER: 'economic_buyer'>
    >>> coerce_enum(CreditRecord, 2, "credit_record").name
    'LATE_BUT_COLLECTABLE'
    """
    if isinstance(value, enum_cls):
        return value
    if isinstance(value, str):
        member = _table(enum_cls).get(value.casefold())
        if member is not None:
            result: E = member  # type: ignore[assignment]
            return result
        hint = " (surrounding whitespace is not stripped)" if value != value.strip() else ""
        raise UnknownNameError(f"{name!r} must {_enum_rule(enum_cls)}; got {shown(value)}{hint}.")
    if not isinstance(value, (bool, enum.Enum)):
        for candidate in enum_cls:
            if type(candidate.value) is type(value) and candidate.value == value:
                return candidate
    raise InvalidParameterError(f"{name!r} must {_enum_rule(enum_cls)}; got {shown(value)}.")


def enum_converter(enum_cls: type[E], *, optional: bool = False) -> Any:
    """Return the attrs converter of an enum field (``None`` kept when ``optional``)."""

    def convert(value: Any, field: attrs.Attribute[Any]) -> Any:
        if value is None and optional:
            return None
        return coerce_enum(enum_cls, value, field.name)

    return attrs.Converter(convert, takes_field=True)


# ---------------------------------------------------------------- dates
_DATE_RULE: Final = (
    "be a datetime.date or an ISO 8601 date string 'YYYY-MM-DD' (a datetime is refused: "
    "pass value.date())"
)


def coerce_date(value: Any, name: str, *, secret: bool = False) -> dt.date:
    """Return the calendar day ``value`` gives (see the module docstring).

    Raises
    ------
    InvalidParameterError
        A ``datetime``, a string that is not ``YYYY-MM-DD`` or not a real day,
        or anything else.

    Examples
    --------
    >>> coerce_date("2024-02-29", "on")
    datetime.date(2024, 2, 29)
    """
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise InvalidParameterError(
                f"{name!r} must be a real calendar day; got {shown(value, secret=secret)}."
            ) from None
    raise InvalidParameterError(f"{name!r} must {_DATE_RULE}; got {shown(value, secret=secret)}.")


def date_converter(*, optional: bool = False) -> Any:
    """Return the attrs converter of a date field (``None`` kept when ``optional``)."""

    def convert(value: Any, field: attrs.Attribute[Any]) -> Any:
        if value is None and optional:
            return None
        return coerce_date(value, field.name, secret=bool(field.metadata.get("sensitive")))

    return attrs.Converter(convert, takes_field=True)


# ---------------------------------------------------------------- money
def coerce_money(value: Any, name: str) -> Money:
    """Return ``value`` if it is :class:`Money`; refuse bare numbers (no currency).

    Raises
    ------
    InvalidParameterError
        Anything that is not ``Money``; the message names the field.
    """
    if isinstance(value, Money):
        return value
    raise InvalidParameterError(
        f"{name!r} must be a Money value (an amount with its currency, e.g. "
        f"Money.of('12.50', 'EUR'); a bare number has no currency); got {shown(value)}."
    )


def money_converter(*, optional: bool = False) -> Any:
    """Return the attrs converter of a money field (``None`` kept when ``optional``)."""

    def convert(value: Any, field: attrs.Attribute[Any]) -> Any:
        if value is None and optional:
            return None
        return coerce_money(value, field.name)

    return attrs.Converter(convert, takes_field=True)


def coerce_items(value: Any, name: str, kind: type | tuple[type, ...]) -> tuple[Any, ...]:
    """Return the items of an iterable of domain objects as a tuple, each of type ``kind``.

    A string, a mapping, or anything that is not iterable is refused as a
    whole; an item of another type is refused with its index.

    Raises
    ------
    InvalidParameterError
        As above, naming ``name``, the expected type and the value.

    Examples
    --------
    >>> coerce_items([Money(1, "EUR")], "items", Money)
    (Money(amount=Decimal('1'), currency='EUR'),)
    >>> coerce_items(3, "items", Money)
    Traceback (most recent call last):
    ...
    kamcore.errors.InvalidParameterError: 'items' must be an iterable of Money; got 3.
    """
    kinds = kind if isinstance(kind, tuple) else (kind,)
    wanted = " or ".join(k.__name__ for k in kinds)
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise InvalidParameterError(
            f"{name!r} must be an iterable of {wanted}; got {shown(value)}."
        )
    items = tuple(value)
    for i, item in enumerate(items):
        if not isinstance(item, kinds):
            raise InvalidParameterError(
                f"{name!r} must hold only {wanted}; got {type(item).__name__} {shown(item)} "
                f"at index {i}."
            )
    return items


def coerce_mapping(value: Any, name: str) -> Mapping[Any, Any]:
    """Return ``value`` if it is a mapping; refuse anything else by name.

    Raises
    ------
    InvalidParameterError
        ``value`` is not a :class:`~collections.abc.Mapping`.
    """
    if not isinstance(value, Mapping):
        raise InvalidParameterError(
            f"{name!r} must be a mapping; got {type(value).__name__} {shown(value)}."
        )
    return value


def coerce_key(table: Mapping[Any, Any], key: Any, name: str) -> Any:
    """Return ``table[key]``; an unhashable or unknown key is refused, naming the known keys.

    Raises
    ------
    InvalidParameterError
        ``key`` is not hashable.
    UnknownNameError
        ``key`` is not in ``table``.

    Examples
    --------
    >>> coerce_key({"a": 1}, "b", "kind")
    Traceback (most recent call last):
    ...
    kamcore.errors.UnknownNameError: 'kind' must be one of 'a'; got 'b'.
    """
    if not isinstance(key, Hashable):
        raise InvalidParameterError(
            f"{name!r} must be a single name; got {type(key).__name__} {shown(key)}."
        )
    try:
        return table[key]
    except KeyError:
        known = ", ".join(repr(k) for k in table)
        raise UnknownNameError(f"{name!r} must be one of {known}; got {shown(key)}.") from None


def coerce_text(value: Any, name: str) -> str:
    """Return ``value`` if it is a string; refuse anything else by name.

    Raises
    ------
    InvalidParameterError
        ``value`` is not a :class:`str`.
    """
    if not isinstance(value, str):
        raise InvalidParameterError(
            f"{name!r} must be text; got {type(value).__name__} {shown(value)}."
        )
    return value


def read_text_file(path: Any, name: str = "path") -> str:
    """Read a UTF-8 text file given as a ``str`` or ``os.PathLike``; refuse anything else.

    Raises
    ------
    InvalidParameterError
        ``path`` is neither text nor a path, or the file cannot be read (the
        reason, e.g. "No such file or directory", is in the message).
    """
    if isinstance(path, bool) or not isinstance(path, (str, os.PathLike)):
        raise InvalidParameterError(
            f"{name!r} must be a file path (str or os.PathLike); got "
            f"{type(path).__name__} {shown(path)}."
        )
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise InvalidParameterError(
            f"{name!r} must be the path of a readable UTF-8 file; got {shown(str(path))} "
            f"({reason})."
        ) from None
