"""Versioned, lossless JSON for kamcore objects through ONE cattrs converter.

Every document is an envelope::

    {"schema_version": 1, "type": "Customer", "data": {...}}

``data`` holds the object's fields by name. Conventions (all exact and
reversible):

* ``Decimal`` -> its string (``"12.50"``, ``"1E+3"``); JSON numbers are refused
  for decimals so no binary rounding can creep in;
* ``datetime.date`` -> ISO 8601 ``"YYYY-MM-DD"``; ``datetime`` -> ISO 8601;
* enums -> member NAME (``"PAYS_PER_CONTRACT"``), never the value;
* ``frozenset``/``set`` -> sorted list; tuples and lists -> list;
  mappings -> objects;
* ``None`` -> ``null``.

Reading is strict: unknown keys, missing required fields, wrong JSON types
(``3`` for a string, ``"3"`` for a number, ``"abc"`` for a list), NaN or
Infinity literals and invalid domain values all raise
:class:`~kamcore.errors.SchemaError`, whose message lists every problem with
its path (``$.data.profit_last_year.amount: ...``). The original error is kept
as ``__cause__``. Nothing is ever executed (no pickle, no eval): documents
only name registered types.

Other areas add their classes with :func:`register` (any attrs class whose
fields use supported types works even unregistered, under its qualified
name); custom hooks can be passed to :func:`register` or added to
:data:`converter` directly.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import json as _json
import re
import typing
from collections.abc import Callable, Mapping, Sequence, Set
from decimal import Decimal
from typing import Any, Final, TypeVar

import attrs
import cattrs
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)

from kamcore.domain import Contact, Customer, Money, Relationship, StageChange, Transaction
from kamcore.errors import InvalidParameterError, KamcoreError, SchemaError

__all__ = ["SCHEMA_VERSION", "converter", "dumps", "loads", "register", "registered_types"]

T = TypeVar("T")

#: The version written into, and required from, every document.
SCHEMA_VERSION: Final = 1

_ENVELOPE_KEYS: Final = frozenset({"schema_version", "type", "data"})
_ISO_DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")


class _WrongJsonTypeError(TypeError):
    """A JSON value of the wrong kind (its message is shown as is)."""


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _wrong(expected: str, value: Any) -> _WrongJsonTypeError:
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return _WrongJsonTypeError(f"expected {expected}; got {_kind(value)} {shown}")


# ---------------------------------------------------------------- primitives
def _structure_str(value: Any, _: Any) -> str:
    if not isinstance(value, str):
        raise _wrong("a string", value)
    return value


def _structure_int(value: Any, _: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _wrong("an integer", value)
    return value


def _structure_float(value: Any, _: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _wrong("a number", value)
    return float(value)


def _structure_bool(value: Any, _: Any) -> bool:
    if not isinstance(value, bool):
        raise _wrong("true or false", value)
    return value


def _structure_decimal(value: Any, _: Any) -> Decimal:
    if not isinstance(value, str):
        raise _wrong('a decimal number written as a string (e.g. "12.50")', value)
    try:
        result = Decimal(value)
    except decimal.InvalidOperation:
        raise _wrong("a decimal number written as a string", value) from None
    if not result.is_finite():
        raise _wrong("a finite decimal number", value)
    return result


def _structure_date(value: Any, _: Any) -> dt.date:
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise _wrong('an ISO 8601 date "YYYY-MM-DD"', value)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _wrong('a valid calendar date "YYYY-MM-DD"', value) from None


def _structure_datetime(value: Any, _: Any) -> dt.datetime:
    if not isinstance(value, str):
        raise _wrong("an ISO 8601 date-time string", value)
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        raise _wrong("an ISO 8601 date-time string", value) from None


# ---------------------------------------------------------------- enums by name
def _is_enum(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, enum.Enum)


def _enum_structure_factory(t: type[enum.Enum]) -> Callable[[Any, Any], enum.Enum]:
    names = ", ".join(t.__members__)

    def _structure(value: Any, _: Any) -> enum.Enum:
        if not isinstance(value, str) or value not in t.__members__:
            raise _wrong(f"a {t.__name__} name ({names})", value)
        return t[value]

    return _structure


def _unstructure_enum(value: enum.Enum) -> str:
    return value.name


# ---------------------------------------------------------------- collections
_SEQUENCE_ORIGINS: Final = (tuple, list, Sequence, typing.Sequence)
_SET_ORIGINS: Final = (frozenset, set, Set, typing.AbstractSet)


def _origin(t: Any) -> Any:
    return typing.get_origin(t) or t


def _is_sequence(t: Any) -> bool:
    origin = _origin(t)
    return origin in _SEQUENCE_ORIGINS and not (isinstance(t, type) and attrs.has(t))


def _is_set(t: Any) -> bool:
    return _origin(t) in _SET_ORIGINS


def _items_hook(
    conv: cattrs.Converter, t: Any, item_types: Callable[[int], Any], exact_len: int | None
) -> Callable[[Any, Any], list[Any]]:
    """Structure a JSON array item by item, collecting per-index errors."""

    def _structure(value: Any, _: Any) -> list[Any]:
        if not isinstance(value, (list, tuple)):
            raise _wrong("an array", value)
        if exact_len is not None and len(value) != exact_len:
            raise _WrongJsonTypeError(f"expected an array of {exact_len} items; got {len(value)}")
        out: list[Any] = []
        errors: list[Exception] = []
        for index, item in enumerate(value):
            item_type = item_types(index)
            try:
                out.append(conv.structure(item, item_type))
            except Exception as exc:
                exc.__notes__ = [
                    *getattr(exc, "__notes__", []),
                    IterableValidationNote(f"Structuring {t!r} @ index {index}", index, item_type),
                ]
                errors.append(exc)
        if errors:
            raise IterableValidationError(f"While structuring {t!r}", errors, t)
        return out

    return _structure


def _sequence_factory(t: Any, conv: cattrs.Converter) -> Callable[[Any, Any], Any]:
    origin = _origin(t)
    args = typing.get_args(t)
    if origin is tuple and args and not (len(args) == 2 and args[1] is Ellipsis):
        fixed = args
        inner = _items_hook(conv, t, lambda i: fixed[i], len(fixed))
    else:
        item_type = args[0] if args else Any
        inner = _items_hook(conv, t, lambda i: item_type, None)
    make: Callable[[list[Any]], Any] = list if origin in (list,) else tuple

    def _structure(value: Any, cl: Any) -> Any:
        return make(inner(value, cl))

    return _structure


def _set_factory(t: Any, conv: cattrs.Converter) -> Callable[[Any, Any], Any]:
    args = typing.get_args(t)
    item_type = args[0] if args else Any
    inner = _items_hook(conv, t, lambda i: item_type, None)
    make: Callable[[list[Any]], Any] = set if _origin(t) is set else frozenset

    def _structure(value: Any, cl: Any) -> Any:
        return make(inner(value, cl))

    return _structure


def _sort_key(item: Any) -> tuple[str, str]:
    return (type(item).__name__, _json.dumps(item, sort_keys=True, default=str))


def _set_unstructure_factory(t: Any, conv: cattrs.Converter) -> Callable[[Any], list[Any]]:
    args = typing.get_args(t)
    item_type = args[0] if args else None

    def _unstructure(value: Any) -> list[Any]:
        items = [conv.unstructure(item, unstructure_as=item_type) for item in value]
        return sorted(items, key=_sort_key)

    return _unstructure


# ---------------------------------------------------------------- the converter
def _make_converter() -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    conv.register_structure_hook(str, _structure_str)
    conv.register_structure_hook(int, _structure_int)
    conv.register_structure_hook(float, _structure_float)
    conv.register_structure_hook(bool, _structure_bool)
    conv.register_structure_hook(Decimal, _structure_decimal)
    conv.register_unstructure_hook(Decimal, str)
    conv.register_structure_hook(dt.datetime, _structure_datetime)
    conv.register_unstructure_hook(dt.datetime, dt.datetime.isoformat)
    conv.register_structure_hook(dt.date, _structure_date)
    conv.register_unstructure_hook(dt.date, dt.date.isoformat)
    conv.register_structure_hook_factory(_is_enum, _enum_structure_factory)
    conv.register_unstructure_hook_func(_is_enum, _unstructure_enum)
    conv.register_structure_hook_factory(_is_sequence, lambda t: _sequence_factory(t, conv))
    conv.register_structure_hook_factory(_is_set, lambda t: _set_factory(t, conv))
    conv.register_unstructure_hook_factory(_is_set, lambda t: _set_unstructure_factory(t, conv))
    return conv


#: The one converter behind :func:`dumps` and :func:`loads`. Add hooks for new
#: field types here (``converter.register_structure_hook(...)``) or through
#: :func:`register`.
converter: Final[cattrs.Converter] = _make_converter()

_BY_NAME: dict[str, type[Any]] = {}
_BY_TYPE: dict[type[Any], str] = {}


def register(
    cls: type[T],
    *,
    name: str | None = None,
    unstructure_hook: Callable[[T], Any] | None = None,
    structure_hook: Callable[[Any, type[T]], T] | None = None,
) -> type[T]:
    """Register a class for JSON documents, optionally with custom hooks.

    Parameters
    ----------
    cls
        The class (normally a frozen attrs class) to register.
    name
        The ``"type"`` written in documents; default ``cls.__name__``. Must
        be unique.
    unstructure_hook, structure_hook
        Optional custom hooks (object -> JSON-ready value, and value -> object)
        installed in :data:`converter`. Without them attrs classes are handled
        field by field.

    Returns
    -------
    type
        ``cls`` unchanged, so ``register`` can be used as a class decorator.

    Raises
    ------
    InvalidParameterError
        If ``name`` is taken by another class or is empty.

    Examples
    --------
    >>> import attrs
    >>> @attrs.frozen
    ... class Note:
    ...     text: str
    >>> _ = register(Note, name="example.Note")
    >>> loads(dumps(Note("hi")))
    Note(text='hi')
    """
    type_name = cls.__name__ if name is None else name
    if not isinstance(type_name, str) or not type_name.strip():
        raise InvalidParameterError(f"'name' must be a non-empty string; got {type_name!r}.")
    existing = _BY_NAME.get(type_name)
    if existing is not None and existing is not cls:
        raise InvalidParameterError(
            f"'name' must be unique; {type_name!r} is already registered for {existing!r}."
        )
    if unstructure_hook is not None:
        converter.register_unstructure_hook(cls, unstructure_hook)
    if structure_hook is not None:
        converter.register_structure_hook(cls, structure_hook)
    _BY_NAME[type_name] = cls
    _BY_TYPE[cls] = type_name
    return cls


def registered_types() -> Mapping[str, type[Any]]:
    """Return a read-only copy of the registry: document type name -> class."""
    return dict(_BY_NAME)


for _cls in (Money, Customer, Contact, StageChange, Relationship, Transaction):
    register(_cls)


def _type_name(cls: type[Any]) -> str:
    return _BY_TYPE.get(cls) or f"{cls.__module__}.{cls.__qualname__}"


# ---------------------------------------------------------------- errors
def _describe(exc: BaseException) -> str:
    if isinstance(exc, KeyError):
        return "required field missing"
    if isinstance(exc, ForbiddenExtraKeysError):
        return f"unknown field(s) {', '.join(sorted(exc.extra_fields))} (not in the schema)"
    if isinstance(exc, (_WrongJsonTypeError, KamcoreError)):
        return str(exc)
    if isinstance(exc, AttributeError) and "items" in str(exc):
        return "expected an object"
    return f"invalid value ({type(exc).__name__}: {exc})"


def _leaves(exc: BaseException, path: str) -> list[tuple[str, BaseException]]:
    """Flatten cattrs' exception groups into (path, leaf error) pairs."""
    out: list[tuple[str, BaseException]] = []
    without: list[Exception]
    if isinstance(exc, ClassValidationError):
        by_field, without = exc.group_exceptions()
        for sub, field_note in by_field:
            out.extend(_leaves(sub, f"{path}.{field_note.name}"))
    elif isinstance(exc, IterableValidationError):
        by_index, without = exc.group_exceptions()
        for sub, index_note in by_index:
            out.extend(_leaves(sub, f"{path}[{index_note.index!r}]"))
    else:
        return [(path, exc)]
    for sub in without:
        out.extend(_leaves(sub, path))
    return out


def _schema_error(what: str, exc: BaseException, path: str) -> tuple[SchemaError, BaseException]:
    """Return the SchemaError listing every leaf problem, and the error to chain as cause."""
    leaves = _leaves(exc, path)
    lines = [f"  - {p}: {_describe(e)}" for p, e in leaves]
    noun = "problem" if len(lines) == 1 else "problems"
    error = SchemaError(f"invalid {what} document ({len(lines)} {noun}):\n" + "\n".join(lines))
    return error, (leaves[0][1] if len(leaves) == 1 else exc)


# ---------------------------------------------------------------- public API
def dumps(obj: Any, *, indent: int | None = None) -> str:
    """Serialise a kamcore object (or any attrs instance) to a JSON document.

    Parameters
    ----------
    obj
        An attrs instance, e.g. :class:`~kamcore.domain.Customer`.
    indent
        Passed to :func:`json.dumps` (``None`` = compact).

    Returns
    -------
    str
        ``{"schema_version": 1, "type": <name>, "data": {...}}``.

    Raises
    ------
    InvalidParameterError
        If ``obj`` is not an attrs instance.
    SchemaError
        If a field holds a value the converter cannot represent (e.g. NaN).

    Examples
    --------
    >>> from kamcore.domain import Money
    >>> dumps(Money.of("12.50", "EUR"))
    '{"schema_version": 1, "type": "Money", "data": {"amount": "12.50", "currency": "EUR"}}'
    """
    cls = type(obj)
    if not attrs.has(cls):
        raise InvalidParameterError(f"'obj' must be an attrs instance; got {obj!r}.")
    try:
        data = converter.unstructure(obj, unstructure_as=cls)
        return _json.dumps(
            {"schema_version": SCHEMA_VERSION, "type": _type_name(cls), "data": data},
            indent=indent,
            ensure_ascii=False,
            allow_nan=False,
        )
    except (TypeError, ValueError) as exc:
        raise SchemaError(f"cannot write {_type_name(cls)} as JSON: {exc}") from exc


def _reject_constant(token: str) -> Any:
    raise SchemaError(f"invalid JSON: the literal {token} is not allowed (NaN and infinities).")


def loads(text: str | bytes, cls: type[T] | None = None) -> T:
    """Read a JSON document written by :func:`dumps`.

    Parameters
    ----------
    text
        The document.
    cls
        The expected class. If given, the document's ``"type"`` must name it;
        if omitted, the type is looked up among :func:`registered_types`.

    Returns
    -------
    object
        A validated instance of ``cls``.

    Raises
    ------
    SchemaError
        For invalid JSON, a bad envelope, an unsupported ``schema_version``, an
        unknown or unexpected ``"type"``, and for every field problem
        (unknown key, missing field, wrong JSON type, invalid value) -- all
        listed with their paths in one message. A domain validation error is
        kept as ``__cause__``.

    Examples
    --------
    >>> from kamcore.domain import Money
    >>> loads('{"schema_version": 1, "type": "Money", '
    ...       '"data": {"amount": "0.10", "currency": "USD"}}', Money)
    Money(amount=Decimal('0.10'), currency='USD')
    """
    try:
        doc = _json.loads(text, parse_constant=_reject_constant)
    except SchemaError:
        raise
    except (ValueError, TypeError) as exc:
        raise SchemaError(f"invalid JSON: {exc}") from exc
    if not isinstance(doc, dict):
        raise SchemaError(f"'$' must be a JSON object (the envelope); got {_kind(doc)}.")
    keys = set(doc)
    if keys != _ENVELOPE_KEYS:
        missing = sorted(_ENVELOPE_KEYS - keys)
        extra = sorted(keys - _ENVELOPE_KEYS)
        raise SchemaError(
            "the envelope must have exactly the keys data, schema_version, type; "
            f"missing {missing}, unknown {extra}."
        )
    version = doc["schema_version"]
    if isinstance(version, bool) or version != SCHEMA_VERSION:
        raise SchemaError(
            f"'schema_version' must be {SCHEMA_VERSION} (the version this kamcore reads); "
            f"got {version!r}."
        )
    type_name = doc["type"]
    if not isinstance(type_name, str):
        raise SchemaError(f"'type' must be a string; got {_kind(type_name)} {type_name!r}.")
    if cls is None:
        found = _BY_NAME.get(type_name)
        if found is None:
            raise SchemaError(
                f"'type' must name a registered type ({', '.join(sorted(_BY_NAME))}); "
                f"got {type_name!r}."
            )
        target: type[Any] = found
    else:
        if type_name != _type_name(cls):
            raise SchemaError(
                f"'type' must be {_type_name(cls)!r} to load a {cls.__name__}; got {type_name!r}."
            )
        target = cls
    data = doc["data"]
    if not isinstance(data, dict):
        raise SchemaError(f"'$.data' must be a JSON object; got {_kind(data)}.")
    try:
        result: T = converter.structure(data, target)
    except Exception as exc:
        error, cause = _schema_error(type_name, exc, "$.data")
        raise error from cause
    return result
