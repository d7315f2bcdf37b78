"""Versioned, lossless JSON for kamcore objects through ONE cattrs converter.

Every document is an envelope::

    {"schema_version": 2, "type": "Customer", "type_version": 1, "data": {...}}

``schema_version`` is the layout of the envelope itself (2 is written; 1, the
same envelope without ``type_version``, is still read). ``type`` is the short,
stable name of the class in :data:`JSON_TYPES`, the one table of storable
classes, and ``type_version`` the version of that type's ``data`` layout.
Module paths never appear in a document; the module-path names that
schema_version 1 documents used are read as aliases.

``data`` holds the object's fields by name. Conventions (all exact and
reversible):

* ``Decimal`` -> its string (``"12.50"``, ``"1E+3"``); JSON numbers are refused
  for decimals so no binary rounding can creep in;
* ``datetime.date`` -> ISO 8601 ``"YYYY-MM-DD"``; ``datetime`` -> ISO 8601;
* enums -> member NAME (``"PAYS_PER_CONTRACT"``), never the value;
* ``frozenset``/``set`` -> sorted list; tuples and lists -> list;
  mappings -> objects;
* ``None`` -> ``null``;
* numpy arrays (score results, gradings, portfolios) -> JSON lists, each
  array field with one dtype family checked item by item on load; ``null``
  only where documented (NaN in a portfolio's nullable columns, ``-inf`` in
  ``ScoreResult.scores``).

Reading is strict: unknown keys, missing required fields, wrong JSON types
(``3`` for a string, ``"3"`` for a number, ``"abc"`` for a list), NaN or
Infinity literals and invalid domain values all raise
:class:`~kamcore.errors.SchemaError`, whose message lists every problem with
its path (``$.data.profit_last_year.amount: ...``). The original error is kept
as ``__cause__``. Nothing is ever executed (no pickle, no eval): documents
only name registered types. Before parsing, :func:`loads` checks the
document's size, nesting depth and longest string against limits given as
keyword arguments (``max_bytes``, ``max_depth``, ``max_string_length``), so a
hostile document is refused quickly and with bounded memory; keys given twice
are refused too.

Other areas add their classes with :func:`register`; :func:`dumps` refuses a
class that has no registered name. Custom hooks can be passed to
:func:`register` or added to :data:`converter` directly.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import json as _json
import math
import re
import threading
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from decimal import Decimal
from typing import Any, Final, TypeVar

import attrs
import cattrs
import numpy as np
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_unstructure_fn, override

from kamcore._portfolio import Portfolio
from kamcore.access import VIEW_KINDS, AccessPolicy, AccessTier, RedactedView
from kamcore.clp import (
    BetaGeo,
    BetaGeoBetaBinom,
    FitReport,
    GammaGamma,
    ModifiedBetaGeo,
    ParetoNBD,
    ShiftedBetaGeometric,
    StageParameters,
    StageProfile,
)
from kamcore.domain import (
    AccountTeam,
    ChurnRecord,
    Complaint,
    Contact,
    Customer,
    ExpectationDrivers,
    Money,
    Opportunity,
    OpportunityAssessment,
    Relationship,
    SatisfactionSummary,
    StageChange,
    SwitchingCost,
    SwitchingCostComponent,
    TeamMember,
    Transaction,
)
from kamcore.domain._coerce import shown
from kamcore.errors import InvalidParameterError, KamcoreError, SchemaError
from kamcore.loyalty import RetentionModel
from kamcore.satisfaction import Instrument, LikertScale, SatisfactionModel, WeightDerivation
from kamcore.scoring import (
    Factor,
    GradeHistory,
    GradeScale,
    Grading,
    Rubric,
    ScoreResult,
)

__all__ = [
    "JSON_TYPES",
    "Collection",
    "READ_SCHEMA_VERSIONS",
    "SCHEMA_VERSION",
    "JsonType",
    "converter",
    "dumps",
    "loads",
    "register",
    "registered_types",
]

T = TypeVar("T")

#: The envelope version written into every document.
SCHEMA_VERSION: Final = 2
#: The envelope versions :func:`loads` reads; any other value is refused.
READ_SCHEMA_VERSIONS: Final = (1, 2)

#: The exact envelope keys of each schema version.
_ENVELOPE_KEYS: Final = {
    1: frozenset({"schema_version", "type", "data"}),
    2: frozenset({"schema_version", "type", "type_version", "data"}),
}
_TYPE_NAME: Final = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_ISO_DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
# The shapes str(Decimal) gives a finite number: "-12.50", "0E-8", "1.2E+7".
# the exponents of decimal's default context, where arithmetic works
_DECIMAL_EXPONENTS: Final = (decimal.DefaultContext.Emin, decimal.DefaultContext.Emax)
_DECIMAL_TEXT: Final = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:E[+-][0-9]+)?", re.ASCII)


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


_CANONICAL = 'a canonical decimal string, exactly as str(Decimal) writes it (e.g. "12.50")'


def _structure_decimal(value: Any, _: Any) -> Decimal:
    if not isinstance(value, str):
        raise _wrong('a decimal number written as a string (e.g. "12.50")', value)
    try:
        result = Decimal(value)
    except decimal.InvalidOperation:
        raise _wrong("a decimal number written as a string", value) from None
    if not result.is_finite():
        raise _wrong("a finite decimal number", value)
    if not _DECIMAL_EXPONENTS[0] <= result.adjusted() <= _DECIMAL_EXPONENTS[1]:
        # "1E+999999999999" is a Decimal, but any sum with it overflows
        raise _wrong("a decimal number with an exponent within +-999,999", value)
    # Decimal() also takes " 12 ", "1_000", "+5" and "1e3": a stored amount is
    # written by dumps as str(d), so only that form is read.
    if not _DECIMAL_TEXT.fullmatch(value) or str(result) != value:
        raise _wrong(_CANONICAL, value)
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


# ---------------------------------------------------------------- arrays and results
# Arrays are JSON lists; each array field has one dtype family, checked item by
# item on load ("s" strings, "i" integers, "f" numbers, "b" booleans). In a
# float array ``null`` stands for NaN where the field is documented nullable
# (a Portfolio's nullable columns) and for -inf in ScoreResult.scores (an
# account ranked last because its value was not recorded); elsewhere it is
# refused, as are NaN and infinity literals everywhere.
_ARRAY_KINDS: Final = {"s": "strings", "i": "integers", "f": "numbers", "b": "true/false"}
_NAN: Final = float("nan")
_NEG_INF: Final = float("-inf")


def _obj(
    value: Any, required: Sequence[str], optional: Sequence[str], where: str
) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _wrong(f"an object at {where}", value)
    unknown = sorted(set(value) - set(required) - set(optional))
    missing = sorted(set(required) - set(value))
    if unknown or missing:
        raise _WrongJsonTypeError(
            f"{where}: unknown field(s) {unknown} (not in the schema), missing {missing}"
        )
    return value


def _array_out(arr: Any, null: float | None = None) -> list[Any]:
    a = np.asarray(arr)
    if a.dtype.kind != "f":
        return list(a.tolist())
    out: list[Any] = []
    for x in a.tolist():
        if math.isfinite(x):
            out.append(x)
        elif null is not None and (x == null or (math.isnan(x) and math.isnan(null))):
            out.append(None)
        else:
            raise ValueError(f"a non-finite value {x!r} cannot be stored here")
    return out


def _array_in(value: Any, kind: str, where: str, null: float | None = None) -> np.ndarray[Any, Any]:
    if not isinstance(value, list):
        raise _wrong(f"an array of {_ARRAY_KINDS[kind]} at {where}", value)
    for index, item in enumerate(value):
        if item is None and kind == "f" and null is not None:
            continue
        ok = {
            "s": isinstance(item, str),
            "i": isinstance(item, int) and not isinstance(item, bool),
            "f": isinstance(item, (int, float)) and not isinstance(item, bool),
            "b": isinstance(item, bool),
        }[kind]
        if not ok:
            raise _wrong(f"{_ARRAY_KINDS[kind]} in {where} (index {index})", item)
    if kind == "f":
        return np.array([null if x is None else x for x in value], dtype=np.float64)
    if kind == "s":
        return np.array(value, dtype=np.str_)
    if kind == "b":
        return np.array(value, dtype=np.bool_)
    return np.array(value, dtype=np.int64)


def _exact_cast(arr: np.ndarray[Any, Any], dtype: np.dtype[Any], where: str) -> Any:
    """Cast to the stored dtype, refusing any value the cast would change.

    ``astype`` wraps integers (300 as int8 is 44) and cuts strings (``"abc"``
    as ``<U2``) silently; a document must not.
    """
    cast = arr.astype(dtype)
    back = cast.astype(arr.dtype)
    changed = back != arr
    if arr.dtype.kind == "f":
        changed &= ~(np.isnan(back) & np.isnan(arr))
    if changed.any():
        i = int(np.flatnonzero(changed)[0])
        raise _WrongJsonTypeError(
            f"{where}: values must fit dtype {dtype.str}; "
            f"got {shown(arr.reshape(-1)[i].item())} at index {i}"
        )
    return cast


def _optional(value: Any, read: Callable[[Any], Any]) -> Any:
    return None if value is None else read(value)


def _strings(value: Any, where: str) -> tuple[str, ...]:
    return tuple(str(x) for x in _array_in(value, "s", where).tolist())


def _unstructure_grading(g: Grading) -> dict[str, Any]:
    return {
        "as_of": g.as_of.isoformat(),
        "ids": _array_out(g.ids),
        "grades": _array_out(g.grades),
        "levels": list(g.levels),
        "strategy": g.strategy,
    }


def _structure_grading(value: Any, _: Any) -> Grading:
    d = _obj(value, ("as_of", "ids", "grades", "levels", "strategy"), (), "grading")
    return Grading(
        _structure_date(d["as_of"], None),
        _array_in(d["ids"], "s", "ids"),
        _array_in(d["grades"], "s", "grades"),
        levels=_strings(d["levels"], "levels"),
        strategy=_optional(d["strategy"], lambda v: _structure_str(v, None)),
    )


def _unstructure_history(h: GradeHistory) -> dict[str, Any]:
    return {"gradings": [_unstructure_grading(g) for g in h.gradings]}


def _structure_history(value: Any, _: Any) -> GradeHistory:
    d = _obj(value, ("gradings",), (), "grade history")
    if not isinstance(d["gradings"], list):
        raise _wrong("an array of gradings", d["gradings"])
    return GradeHistory([_structure_grading(g, None) for g in d["gradings"]])


def _plain(value: Any, where: str) -> Any:
    """Return a JSON-ready copy of parameters or extras.

    numpy arrays become ``{"dtype": ..., "shape": [...], "values": [...]}`` so
    they come back as arrays of the same dtype and shape.
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biufU" or value.ndim == 0:
            raise ValueError(f"{where}: an array of dtype {value.dtype} cannot be stored")
        return {
            "dtype": value.dtype.str,
            "shape": list(value.shape),
            "values": _array_out(value.reshape(-1)),
        }
    if isinstance(value, np.generic):
        return _plain(value.item(), where)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{where}: a non-finite value {value!r} cannot be stored")
        return value
    if isinstance(value, Mapping):
        return {str(k): _plain(v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v, f"{where}[{i}]") for i, v in enumerate(value)]
    raise ValueError(f"{where}: a {type(value).__name__} cannot be stored")


def _unplain(value: Any, where: str) -> Any:
    if isinstance(value, dict) and set(value) == {"dtype", "shape", "values"}:
        try:
            dtype = np.dtype(_structure_str(value["dtype"], None))
        except TypeError:
            raise _wrong(f"a numpy dtype string at {where}.dtype", value["dtype"]) from None
        if dtype.kind not in "biufU":
            raise _wrong(f"a numeric, boolean or string dtype at {where}", value["dtype"])
        kind = {"u": "i", "U": "s"}.get(dtype.kind, dtype.kind)
        shape = tuple(int(x) for x in _array_in(value["shape"], "i", f"{where}.shape"))
        arr = _array_in(value["values"], kind, f"{where}.values")
        try:
            return _exact_cast(arr, dtype, f"{where}.values").reshape(shape)
        except ValueError:
            raise _WrongJsonTypeError(f"{where}: values do not fit shape {shape}") from None
    if isinstance(value, dict):
        return {k: _unplain(v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, list):
        return [_unplain(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, float) and not math.isfinite(value):
        raise _wrong(f"a finite number at {where}", value)
    return value


def _unstructure_score_result(r: ScoreResult) -> dict[str, Any]:
    return {
        "strategy": r.strategy,
        "ids": _array_out(r.ids),
        "scores": _array_out(r.scores, null=_NEG_INF),
        "grade_codes": None if r.grade_codes is None else _array_out(r.grade_codes),
        "grade_levels": list(r.grade_levels),
        "class_codes": None if r.class_codes is None else _array_out(r.class_codes),
        "class_levels": list(r.class_levels),
        "params": _plain(r.params, "params"),
        "as_of": None if r.as_of is None else r.as_of.isoformat(),
        "extras": _plain(r.extras, "extras"),
    }


_SCORE_KEYS: Final = (
    "strategy",
    "ids",
    "scores",
    "grade_codes",
    "grade_levels",
    "class_codes",
    "class_levels",
    "params",
    "as_of",
    "extras",
)


def _structure_score_result(value: Any, _: Any) -> ScoreResult:
    d = _obj(value, _SCORE_KEYS, (), "score result")
    for key in ("params", "extras"):
        if not isinstance(d[key], dict):
            raise _wrong(f"an object at {key}", d[key])
    return ScoreResult(
        _structure_str(d["strategy"], None),
        _array_in(d["ids"], "s", "ids"),
        _array_in(d["scores"], "f", "scores", null=_NEG_INF),
        grade_codes=_optional(d["grade_codes"], lambda v: _array_in(v, "i", "grade_codes")),
        grade_levels=_strings(d["grade_levels"], "grade_levels"),
        class_codes=_optional(d["class_codes"], lambda v: _array_in(v, "i", "class_codes")),
        class_levels=_strings(d["class_levels"], "class_levels"),
        params=_unplain(d["params"], "params"),
        as_of=_optional(d["as_of"], lambda v: _structure_date(v, None)),
        extras=_unplain(d["extras"], "extras"),
    )


_PORTFOLIO_KINDS: Final = {"b": "b", "i": "i", "u": "i", "f": "f", "U": "s"}


def _unstructure_portfolio(p: Portfolio) -> dict[str, Any]:
    columns: dict[str, Any] = {}
    for name in p.column_names:
        col = p.column(name)
        if col.dtype.kind not in _PORTFOLIO_KINDS:
            raise ValueError(f"column {name!r} of dtype {col.dtype} cannot be stored")
        null = _NAN if name in p.nullable else None
        columns[name] = {"dtype": col.dtype.str, "values": _array_out(col, null=null)}
    return {
        "ids": _array_out(p.ids),
        "columns": columns,
        "currencies": dict(p.currencies),
        "nullable": sorted(p.nullable),
    }


def _structure_portfolio(value: Any, _: Any) -> Portfolio:
    d = _obj(value, ("ids", "columns", "currencies", "nullable"), (), "portfolio")
    nullable = set(_strings(d["nullable"], "nullable"))
    if not isinstance(d["columns"], dict):
        raise _wrong("an object of columns", d["columns"])
    currencies = d["currencies"]
    if not isinstance(currencies, dict) or not all(isinstance(v, str) for v in currencies.values()):
        raise _wrong("an object of column -> currency code", currencies)
    columns: dict[str, Any] = {}
    for name, raw in d["columns"].items():
        c = _obj(raw, ("dtype", "values"), (), f"columns.{name}")
        try:
            dtype = np.dtype(_structure_str(c["dtype"], None))
        except TypeError:
            raise _wrong(f"a numpy dtype string at columns.{name}.dtype", c["dtype"]) from None
        kind = _PORTFOLIO_KINDS.get(dtype.kind)
        if kind is None:
            raise _wrong(f"a bool, integer, float or string dtype at columns.{name}", c["dtype"])
        null = _NAN if name in nullable and kind == "f" else None
        arr = _array_in(c["values"], kind, f"columns.{name}.values", null=null)
        columns[name] = _exact_cast(arr, dtype, f"columns.{name}.values")
    return Portfolio.from_columns(
        _array_in(d["ids"], "s", "ids"), columns, currencies=currencies, nullable=sorted(nullable)
    )


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
    # Fields added later with a default are written only when set, so a
    # document of an object that does not use them is the one older versions
    # wrote (and read): no new type_version is needed.
    conv.register_unstructure_hook(
        Factor, make_dict_unstructure_fn(Factor, conv, currency=override(omit_if_default=True))
    )
    conv.register_unstructure_hook(
        Rubric, make_dict_unstructure_fn(Rubric, conv, edges=override(omit_if_default=True))
    )
    # results and the portfolio hold numpy arrays: hand-written, strict hooks
    conv.register_unstructure_hook(Grading, _unstructure_grading)
    conv.register_structure_hook(Grading, _structure_grading)
    conv.register_unstructure_hook(GradeHistory, _unstructure_history)
    conv.register_structure_hook(GradeHistory, _structure_history)
    conv.register_unstructure_hook(ScoreResult, _unstructure_score_result)
    conv.register_structure_hook(ScoreResult, _structure_score_result)
    conv.register_unstructure_hook(Portfolio, _unstructure_portfolio)
    conv.register_structure_hook(Portfolio, _structure_portfolio)
    return conv


#: The one converter behind :func:`dumps` and :func:`loads`. Add hooks for new
#: field types here (``converter.register_structure_hook(...)``) or through
#: :func:`register`.
converter: Final[cattrs.Converter] = _make_converter()
# A RetentionModel built from chosen coefficients is written without its (absent)
# fit report, so its data keep the layout they had before models carried one.
converter.register_unstructure_hook(
    RetentionModel,
    make_dict_unstructure_fn(RetentionModel, converter, fit_report=override(omit_if_default=True)),
)

#: An upgrade turns the ``data`` of one type version into that of the next.
Upgrade = Callable[[dict[str, Any]], dict[str, Any]]


def _as_dict(upgrades: Mapping[int, Upgrade]) -> dict[int, Upgrade]:
    if not isinstance(upgrades, Mapping):
        raise InvalidParameterError(
            "'upgrades' must be a mapping of type versions to upgrade functions; "
            f"got {type(upgrades).__name__} {upgrades!r}."
        )
    for k, f in upgrades.items():
        if not callable(f):
            raise InvalidParameterError(
                f"'upgrades' must map each version to a callable; got {f!r} for version {k!r}."
            )
    return dict(upgrades)


def _as_items(items: Any) -> tuple[Any, ...]:
    if isinstance(items, (str, bytes, Mapping)) or not isinstance(items, Iterable):
        raise InvalidParameterError(
            f"'items' must be a sequence of storable objects; got {type(items).__name__} {items!r}."
        )
    return tuple(items)


@attrs.frozen
class JsonType:
    """One storable class: its document name, layout version and old names.

    Parameters
    ----------
    name : str
        The ``"type"`` written in documents: letters, digits and ``_``, no dots
        (never a module path, so moving a module never changes a document);
        checked when the entry joins the registry.
    cls : type
        The class.
    version : int
        The ``type_version`` written (>= 1). Bump it when the ``data`` layout
        changes (a field added without a default, removed or renamed), also
        when the layout of a nested class changes.
    aliases : tuple of str
        Names that schema_version 1 documents used for the class (its module
        path then); read, never written.
    upgrades : mapping of int to callable
        ``k -> f`` turns version ``k`` data into version ``k + 1`` data, so
        older documents of the type are still read.
    bare : callable, optional
        Reads an older stored form that had no envelope at all (only when
        :func:`loads` is given ``cls``).

    Examples
    --------
    >>> from kamcore.io.json import JSON_TYPES
    >>> entry = next(e for e in JSON_TYPES if e.name == "Customer")
    >>> entry.name, entry.version
    ('Customer', 1)
    """

    name: str
    cls: type[Any]
    version: int = 1
    aliases: tuple[str, ...] = ()
    upgrades: Mapping[int, Upgrade] = attrs.field(factory=dict, converter=_as_dict)
    bare: Callable[[dict[str, Any]], Any] | None = None

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.name, str):
            # its spelling is checked when the entry joins the registry
            raise InvalidParameterError(
                f"'name' must be a short type name (a string); got {self.name!r}."
            )
        if not isinstance(self.cls, type):
            raise InvalidParameterError(f"'cls' must be a class; got {self.cls!r}.")
        if self.bare is not None and not callable(self.bare):
            raise InvalidParameterError(
                f"'bare' must be a callable reading the old form, or None; got {self.bare!r}."
            )
        if not isinstance(self.aliases, (tuple, list)):
            raise InvalidParameterError(
                f"'aliases' must be a tuple of names; got {type(self.aliases).__name__} "
                f"{self.aliases!r}."
            )
        object.__setattr__(self, "aliases", tuple(self.aliases))
        if isinstance(self.version, bool) or not isinstance(self.version, int) or self.version < 1:
            raise InvalidParameterError(f"'version' must be an integer >= 1; got {self.version!r}.")
        for alias in self.aliases:
            if not isinstance(alias, str) or not alias.strip():
                raise InvalidParameterError(f"'aliases' must be non-empty strings; got {alias!r}.")
        for k in self.upgrades:
            if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k < self.version:
                raise InvalidParameterError(
                    f"'upgrades' keys must be versions in [1, {self.version - 1}]; got {k!r}."
                )

    @property
    def reads(self) -> tuple[int, ...]:
        """The type versions :func:`loads` reads (the current one and upgradable ones)."""
        oldest = self.version
        while oldest - 1 in self.upgrades:
            oldest -= 1
        return tuple(range(oldest, self.version + 1))


# ---------------------------------------------------------------- Collection
@attrs.frozen
class Collection:
    """A list of storable objects of one registered type (what a CRM export holds).

    Stored as ``{"item_type": "Customer", "items": [{...}, ...]}``; every item
    is read with the rules of its type, and a problem is reported with its
    index (``$.data.items[3].name: ...``). A survey result is stored this way
    too, as its per-customer summaries: ``Collection(result.summaries())``.

    Parameters
    ----------
    items : sequence
        Instances of one registered type (not collections themselves).
    item_type : str, optional
        The items' document type name; inferred from the first item, required
        for an empty collection.

    Raises
    ------
    InvalidParameterError
        ``items`` not a sequence, items of mixed or unregistered types, or an
        empty collection without ``item_type``.

    Examples
    --------
    >>> from kamcore.domain import Money
    >>> c = Collection([Money.of("1", "EUR"), Money.of("2.50", "EUR")])
    >>> c.item_type, len(c.items)
    ('Money', 2)
    >>> loads(dumps(c)) == c
    True
    """

    items: tuple[Any, ...] = attrs.field(converter=_as_items)
    item_type: str = attrs.field(default="", kw_only=True)

    def __attrs_post_init__(self) -> None:
        name = self.item_type
        if not isinstance(name, str):
            raise InvalidParameterError(f"'item_type' must be a type name; got {name!r}.")
        if not name:
            if not self.items:
                raise InvalidParameterError(
                    "'item_type' must be given for an empty collection; got none."
                )
            first = _BY_TYPE.get(type(self.items[0]))
            if first is None:
                raise InvalidParameterError(
                    "'items' must be instances of a registered JSON type; got a "
                    f"{type(self.items[0]).__qualname__} at index 0."
                )
            name = first.name
            object.__setattr__(self, "item_type", name)
        entry = _BY_NAME.get(name)
        if entry is None or entry.name != name or entry.cls is Collection:
            known = ", ".join(sorted(n for n in registered_types() if n != "Collection"))
            raise InvalidParameterError(f"'item_type' must be one of {known}; got {name!r}.")
        for index, item in enumerate(self.items):
            if type(item) is not entry.cls:
                raise InvalidParameterError(
                    f"'items' must all be {name} objects; got a {type(item).__qualname__} "
                    f"at index {index}."
                )


def _unstructure_collection(c: Collection) -> dict[str, Any]:
    cls = _BY_NAME[c.item_type].cls
    return {
        "item_type": c.item_type,
        "items": [converter.unstructure(item, unstructure_as=cls) for item in c.items],
    }


def _structure_collection(value: Any, _: Any) -> Collection:
    d = _obj(value, ("item_type", "items"), (), "collection")
    name = _structure_str(d["item_type"], None)
    entry = _BY_NAME.get(name)
    if entry is None or entry.name != name or entry.cls is Collection:
        raise _WrongJsonTypeError(f"expected a registered item_type; got {_kind(name)} {name!r}")
    items = _items_hook(converter, tuple[Any, ...], lambda i: entry.cls, None)(d["items"], None)
    return Collection(items, item_type=name)


converter.register_unstructure_hook(Collection, _unstructure_collection)
converter.register_structure_hook(Collection, _structure_collection)


def _rubric_from_plain(data: dict[str, Any]) -> Rubric:
    # The rubric's own JSON shape of earlier versions: Rubric.to_dict(), no envelope.
    return Rubric.from_dict(data)


def _fit_report_v1(data: dict[str, Any]) -> dict[str, Any]:
    # Version 1 stored the standard errors alone, as n_customers / n_unique.
    new = dict(data)
    new["n"] = new.pop("n_customers")
    new["n_rows"] = new.pop("n_unique")
    new["correlation"] = None
    new["estimates"] = None
    return new


def _fitted_model_v1(data: dict[str, Any]) -> dict[str, Any]:
    # The nested FitReport changed its layout (FitReport version 2).
    report = data.get("fit_report")
    if report is None:
        return data
    return {**data, "fit_report": _fit_report_v1(report)}


def _fitted(name: str, cls: type[Any], module: str) -> JsonType:
    return JsonType(
        name, cls, version=2, aliases=_legacy(module, cls), upgrades={1: _fitted_model_v1}
    )


def _legacy(module: str, cls: type[Any]) -> tuple[str, ...]:
    return (f"{module}.{cls.__name__}",)


#: THE table of storable classes: document type name -> class, version, old names.
#: The aliases are the module-path names written by schema_version 1 documents.
JSON_TYPES: Final[tuple[JsonType, ...]] = (
    # kamcore.domain
    JsonType("Money", Money),
    JsonType("Customer", Customer),
    JsonType("Contact", Contact),
    JsonType("StageChange", StageChange),
    JsonType("Relationship", Relationship),
    JsonType("Transaction", Transaction),
    JsonType("ChurnRecord", ChurnRecord),
    JsonType("Complaint", Complaint),
    JsonType("TeamMember", TeamMember),
    JsonType("AccountTeam", AccountTeam),
    JsonType("OpportunityAssessment", OpportunityAssessment),
    JsonType("Opportunity", Opportunity),
    JsonType(
        "SwitchingCost", SwitchingCost, aliases=_legacy("kamcore.domain.switching", SwitchingCost)
    ),
    JsonType(
        "SwitchingCostComponent",
        SwitchingCostComponent,
        aliases=_legacy("kamcore.domain.switching", SwitchingCostComponent),
    ),
    JsonType(
        "SatisfactionSummary",
        SatisfactionSummary,
        aliases=_legacy("kamcore.domain.satisfaction", SatisfactionSummary),
    ),
    JsonType(
        "ExpectationDrivers",
        ExpectationDrivers,
        aliases=_legacy("kamcore.domain.satisfaction", ExpectationDrivers),
    ),
    # kamcore.clp
    _fitted("BetaGeo", BetaGeo, "kamcore.clp.btyd.betageo"),
    _fitted("ModifiedBetaGeo", ModifiedBetaGeo, "kamcore.clp.btyd.modified_betageo"),
    _fitted("ParetoNBD", ParetoNBD, "kamcore.clp.btyd.pareto_nbd"),
    _fitted("BetaGeoBetaBinom", BetaGeoBetaBinom, "kamcore.clp.btyd.bgbb"),
    _fitted("GammaGamma", GammaGamma, "kamcore.clp.btyd.gamma_gamma"),
    _fitted("ShiftedBetaGeometric", ShiftedBetaGeometric, "kamcore.clp.btyd.sbg"),
    JsonType(
        "FitReport",
        FitReport,
        version=2,
        aliases=_legacy("kamcore.clp.btyd._base", FitReport),
        upgrades={1: _fit_report_v1},
    ),
    JsonType(
        "StageParameters", StageParameters, aliases=_legacy("kamcore.clp.stage", StageParameters)
    ),
    JsonType("StageProfile", StageProfile, aliases=_legacy("kamcore.clp.stage", StageProfile)),
    # kamcore.access
    JsonType("AccessTier", AccessTier),
    JsonType("AccessPolicy", AccessPolicy),
    JsonType("RedactedView", RedactedView),
    # kamcore.scoring
    JsonType(
        "Rubric", Rubric, aliases=_legacy("kamcore.scoring.rubric", Rubric), bare=_rubric_from_plain
    ),
    JsonType("Factor", Factor, aliases=_legacy("kamcore.scoring.rubric", Factor)),
    JsonType("GradeScale", GradeScale, aliases=_legacy("kamcore.scoring.rubric", GradeScale)),
    JsonType("ScoreResult", ScoreResult),
    JsonType("Grading", Grading),
    JsonType("GradeHistory", GradeHistory),
    # the columnar portfolio (its JSON hooks live here, not in kamcore._portfolio)
    JsonType("Portfolio", Portfolio),
    # kamcore.io.json: a list of objects of one registered type
    JsonType("Collection", Collection),
    # kamcore.loyalty
    JsonType("RetentionModel", RetentionModel, aliases=_legacy("kamcore.loyalty", RetentionModel)),
    # kamcore.satisfaction
    JsonType(
        "Instrument", Instrument, aliases=_legacy("kamcore.satisfaction.instrument", Instrument)
    ),
    JsonType(
        "LikertScale", LikertScale, aliases=_legacy("kamcore.satisfaction.instrument", LikertScale)
    ),
    JsonType(
        "SatisfactionModel",
        SatisfactionModel,
        aliases=_legacy("kamcore.satisfaction.model", SatisfactionModel),
    ),
    JsonType(
        "WeightDerivation",
        WeightDerivation,
        aliases=_legacy("kamcore.satisfaction.model", WeightDerivation),
    ),
)

_BY_NAME: dict[str, JsonType] = {}  # names and aliases
_BY_TYPE: dict[type[Any], JsonType] = {}
# register() checks, then writes two dicts: the lock makes that one step, so
# two threads can never both take a name (lookups read without it).
_REGISTRY_LOCK: Final = threading.Lock()


def _add(entry: JsonType) -> None:
    with _REGISTRY_LOCK:
        _add_unlocked(entry)


def _add_unlocked(entry: JsonType) -> None:
    if not isinstance(entry.name, str) or not _TYPE_NAME.fullmatch(entry.name):
        raise InvalidParameterError(
            "'name' must be a short type name (letters, digits and _, starting with "
            f"a letter; no dots, no module path); got {entry.name!r}."
        )
    previous = _BY_TYPE.get(entry.cls)
    if previous is not None and previous.name != entry.name:
        raise InvalidParameterError(
            f"'cls' must be registered once; {entry.cls.__qualname__} is already "
            f"registered as {previous.name!r}, not {entry.name!r}."
        )
    for key in (entry.name, *entry.aliases):
        existing = _BY_NAME.get(key)
        if existing is not None and existing.cls is not entry.cls:
            raise InvalidParameterError(
                f"'name' must be unique; {key!r} is already registered for {existing.cls!r}."
            )
    if previous is not None:
        for key in (previous.name, *previous.aliases):
            del _BY_NAME[key]
    for key in (entry.name, *entry.aliases):
        _BY_NAME[key] = entry
    _BY_TYPE[entry.cls] = entry


def register(
    cls: type[T],
    *,
    name: str | None = None,
    version: int = 1,
    aliases: Sequence[str] = (),
    upgrades: Mapping[int, Upgrade] | None = None,
    unstructure_hook: Callable[[T], Any] | None = None,
    structure_hook: Callable[[Any, type[T]], T] | None = None,
) -> type[T]:
    """Register a class for JSON documents, optionally with custom hooks.

    kamcore's own classes are listed in :data:`JSON_TYPES`; this adds others.

    Parameters
    ----------
    cls
        The class (normally a frozen attrs class) to register.
    name
        The ``"type"`` written in documents; default ``cls.__name__``. Letters,
        digits and ``_`` only (no module path); unique.
    version, aliases, upgrades
        See :class:`JsonType`.
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
        If ``name`` (or an alias) is taken by another class, ``cls`` is already
        registered under another name, or ``name`` is not a short type name.

    Examples
    --------
    >>> import attrs
    >>> @attrs.frozen
    ... class Note:
    ...     text: str
    >>> _ = register(Note, name="ExampleNote")
    >>> loads(dumps(Note("hi")))
    Note(text='hi')
    """
    entry = JsonType(
        cls.__name__ if name is None else name,
        cls,
        version,
        tuple(aliases),
        {} if upgrades is None else upgrades,
    )
    _add(entry)
    if unstructure_hook is not None:
        converter.register_unstructure_hook(cls, unstructure_hook)
    if structure_hook is not None:
        converter.register_structure_hook(cls, structure_hook)
    return cls


def registered_types() -> Mapping[str, type[Any]]:
    """Return a read-only copy of the registry: document type name -> class (no aliases).

    Returns
    -------
    Mapping of str to type
        Read-only; the document type name of every storable class.

    Examples
    --------
    >>> from kamcore.domain import Customer
    >>> registered_types()["Customer"] is Customer
    True
    """
    with _REGISTRY_LOCK:  # a consistent snapshot while another thread registers
        entries = tuple(_BY_TYPE.values())
    return {entry.name: entry.cls for entry in entries}


for _entry in JSON_TYPES:
    _add(_entry)


# ---------------------------------------------------------------- redacted views
_VIEW_KEYS: Final = frozenset({"role", "kind", "subject", "withheld"})


def _unstructure_view(view: RedactedView) -> dict[str, Any]:
    """Write a view; its subject as its own class (named by ``kind``)."""
    subject = view.subject
    return {
        "role": view.role,
        "kind": view.kind,
        "subject": None
        if subject is None
        else converter.unstructure(subject, unstructure_as=VIEW_KINDS[view.kind]),
        "withheld": sorted(view.withheld),
    }


def _structure_view(value: Any, _: Any) -> RedactedView:
    if not isinstance(value, dict):
        raise _wrong("an object", value)
    if set(value) != _VIEW_KEYS:
        missing, extra = sorted(_VIEW_KEYS - set(value)), sorted(set(value) - _VIEW_KEYS)
        raise _WrongJsonTypeError(
            f"expected the keys {', '.join(sorted(_VIEW_KEYS))}; missing {missing}, unknown {extra}"
        )
    kind = _structure_str(value["kind"], str)
    if kind not in VIEW_KINDS:
        raise _wrong(f"a kind ({', '.join(VIEW_KINDS)})", kind)
    raw = value["subject"]
    subject = None if raw is None else converter.structure(raw, VIEW_KINDS[kind])
    withheld = converter.structure(value["withheld"], frozenset[str])
    return RedactedView(_structure_str(value["role"], str), kind, subject, withheld)


converter.register_unstructure_hook(RedactedView, _unstructure_view)
converter.register_structure_hook(RedactedView, _structure_view)


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


def _cut(text: str, limit: int = 240) -> str:
    """Keep a problem line short whatever value it echoes (a 1 MB string stays out)."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


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
    lines = [f"  - {p}: {_cut(_describe(e))}" for p, e in leaves]
    noun = "problem" if len(lines) == 1 else "problems"
    error = SchemaError(f"invalid {what} document ({len(lines)} {noun}):\n" + "\n".join(lines))
    return error, (leaves[0][1] if len(leaves) == 1 else exc)


# ---------------------------------------------------------------- public API
def dumps(obj: Any, *, indent: int | None = None) -> str:
    """Serialise a kamcore object (of a registered type) to a JSON document.

    Parameters
    ----------
    obj
        An instance of a class in :data:`JSON_TYPES` (or added with
        :func:`register`), e.g. :class:`~kamcore.domain.Customer`.
    indent
        Passed to :func:`json.dumps` (``None`` = compact).

    Returns
    -------
    str
        ``{"schema_version": 2, "type": <name>, "type_version": <n>, "data": {...}}``.

    Raises
    ------
    InvalidParameterError
        If ``obj`` is not an attrs instance, or its class has no registered
        type name (the message names the class).
    SchemaError
        If a field holds a value the converter cannot represent (e.g. NaN).

    Examples
    --------
    >>> from kamcore.domain import Money
    >>> dumps(Money.of("12.50", "EUR"))
    '{"schema_version": 2, "type": "Money", "type_version": 1, "data": {"amount": "12.50", ...}}'
    """
    cls = type(obj)
    if not attrs.has(cls) and cls not in _BY_TYPE:
        raise InvalidParameterError(f"'obj' must be an attrs instance; got {obj!r}.")
    entry = _BY_TYPE.get(cls)
    if entry is None:
        raise InvalidParameterError(
            "'obj' must be an instance of a registered JSON type; got a "
            f"{cls.__module__}.{cls.__qualname__}, which has no type name "
            "(add it with kamcore.io.json.register(cls, name=...))."
        )
    try:
        data = converter.unstructure(obj, unstructure_as=cls)
        return _json.dumps(
            {
                "schema_version": SCHEMA_VERSION,
                "type": entry.name,
                "type_version": entry.version,
                "data": data,
            },
            indent=indent,
            ensure_ascii=False,
            allow_nan=False,
        )
    except (TypeError, ValueError) as exc:
        raise SchemaError(f"cannot write {entry.name} as JSON: {exc}") from exc


def _reject_constant(token: str) -> Any:
    raise SchemaError(f"invalid JSON: the literal {token} is not allowed (NaN and infinities).")


# ---------------------------------------------------------------- limits
#: Default of ``max_bytes``: the largest document :func:`loads` reads (64 MiB).
_MAX_BYTES: Final = 64 * 1024 * 1024
#: Default of ``max_depth``: the deepest nesting of arrays and objects, the
#: envelope counting as 1 (a stored kamcore object needs fewer than 10).
_MAX_DEPTH: Final = 100
#: Default of ``max_string_length``: the longest string, in characters (an
#: escape such as ``\n`` or ``\u00e9`` counts as one).
_MAX_STRING_LENGTH: Final = 1_000_000
# Bracket steps are summed this many at a time, so the depth scan holds a few
# MB whatever the document, and stops at the first chunk that goes too deep.
_DEPTH_CHUNK: Final = 1 << 20
_ESCAPE: Final = re.compile(r"\\(?:u[0-9a-fA-F]{4}|.)", re.DOTALL)
_NOT_BRACKET: Final = re.compile(r"[^\[\]{}]+")
_OPENERS: Final = (ord("["), ord("{"))


def _limit(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidParameterError(f"'{name}' must be a positive integer; got {value!r}.")
    return value


def _as_text(text: Any, max_bytes: int) -> str:
    """Check the document's size before anything is parsed; return it as text."""
    if isinstance(text, (bytes, bytearray)):
        if len(text) > max_bytes:
            raise SchemaError(
                f"the document must be at most {max_bytes:,} bytes (max_bytes); "
                f"got {len(text):,} bytes."
            )
        try:
            return bytes(text).decode(_json.detect_encoding(bytes(text)))
        except UnicodeDecodeError as exc:
            raise SchemaError(f"invalid JSON: the document is not valid Unicode ({exc}).") from None
    if not isinstance(text, str):
        raise SchemaError(f"the document must be text (str or bytes); got {type(text).__name__}.")
    # a character takes 1 to 4 bytes in UTF-8: encode (to count) only near the limit
    if len(text) > max_bytes:
        raise SchemaError(
            f"the document must be at most {max_bytes:,} bytes (max_bytes); "
            f"got at least {len(text):,} bytes ({len(text):,} characters)."
        )
    if 4 * len(text) > max_bytes:
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > max_bytes:
            raise SchemaError(
                f"the document must be at most {max_bytes:,} bytes (max_bytes); got {size:,} bytes."
            )
    return text


def _prescan(text: str, max_depth: int, max_string_length: int) -> None:
    """Refuse over-long strings and over-deep nesting before the parser sees them.

    Three passes of the regular-expression engine (C speed, no recursion):
    every escape becomes one character, so each remaining ``"`` delimits a
    string; every string of at most ``max_string_length`` characters is
    removed; a quote left over means a longer string (or an unterminated
    one). The brackets left are then summed in chunks (+1 for ``[``/``{``,
    -1 for ``]``/``}``); the running maximum is the depth.
    """
    plain = _ESCAPE.sub("_", text)
    # no string is longer than the text: the cap keeps the pattern's repeat
    # count within what the regular-expression engine accepts
    longest = min(max_string_length, len(plain))
    no_strings = re.sub(f'"[^"]{{0,{longest}}}"', "", plain)
    del plain
    if '"' in no_strings:
        if no_strings.count('"') % 2:
            return  # an unterminated string: the parser names where
        raise SchemaError(
            f"the document must hold no string longer than {max_string_length:,} "
            "characters (max_string_length); it has a longer one."
        )
    brackets = _NOT_BRACKET.sub("", no_strings).encode("ascii")
    del no_strings
    depth = 0
    for start in range(0, len(brackets), _DEPTH_CHUNK):
        chunk = np.frombuffer(brackets, np.uint8, min(_DEPTH_CHUNK, len(brackets) - start), start)
        steps = np.where(np.isin(chunk, _OPENERS), 1, -1)
        running = np.cumsum(steps) + depth
        deepest = int(running.max())
        if deepest > max_depth:
            raise SchemaError(
                f"the document must nest arrays and objects at most {max_depth:,} levels "
                f"deep (max_depth); it reaches {deepest:,} levels."
            )
        depth = int(running[-1])


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``object_pairs_hook``: a key given twice is refused (json keeps the last)."""
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise SchemaError(
                    f"invalid JSON: the key {shown(key)} appears more than once in an "
                    "object (duplicate keys are refused, not resolved)."
                )
            seen.add(key)
    return obj


def _finite_float(token: str) -> float:
    value = float(token)
    if not math.isfinite(value):
        raise SchemaError(
            f"invalid JSON: the number {shown(token)} is too large for a float "
            "(it would be read as infinity)."
        )
    return value


def _parse(text: str) -> Any:
    try:
        return _json.loads(
            text,
            parse_constant=_reject_constant,
            parse_float=_finite_float,
            object_pairs_hook=_unique_keys,
        )
    except SchemaError:
        raise
    except RecursionError:
        raise SchemaError(
            "invalid JSON: the document nests arrays and objects deeper than this "
            "interpreter can read (lower max_depth)."
        ) from None
    except (ValueError, TypeError) as exc:
        raise SchemaError(f"invalid JSON: {exc}") from exc


def _check_envelope(doc: dict[str, Any]) -> int:
    """Check the envelope keys and ``schema_version``; return the version."""
    keys = set(doc)
    if "schema_version" not in keys:
        raise SchemaError(
            "the envelope must have a 'schema_version' "
            f"({' or '.join(map(str, READ_SCHEMA_VERSIONS))}); missing ['schema_version'], "
            f"keys {sorted(keys)}."
        )
    version = doc["schema_version"]
    if type(version) is not int or version not in READ_SCHEMA_VERSIONS:
        raise SchemaError(
            f"'schema_version' must be {' or '.join(map(str, READ_SCHEMA_VERSIONS))} "
            f"(the versions this kamcore reads); got {version!r}."
        )
    expected = _ENVELOPE_KEYS[version]
    if keys != expected:
        missing = sorted(expected - keys)
        extra = sorted(keys - expected)
        raise SchemaError(
            f"the envelope of schema_version {version} must have exactly the keys "
            f"{', '.join(sorted(expected))}; missing {missing}, unknown {extra}."
        )
    return int(version)


def _find_entry(type_name: str, schema_version: int, cls: type[Any] | None) -> JsonType:
    """Resolve ``type`` (aliases only in schema_version 1) against ``cls`` if given."""
    entry = _BY_NAME.get(type_name)
    if entry is not None and schema_version > 1 and type_name != entry.name:
        entry = None  # module-path aliases belong to schema_version 1 only
    if cls is None:
        if entry is None:
            raise SchemaError(
                f"'type' must name a registered type ({', '.join(sorted(registered_types()))}); "
                f"got {type_name!r}."
            )
        return entry
    wanted = _BY_TYPE.get(cls)
    if wanted is None:
        # An unregistered class: schema_version 1 wrote it under its qualified name.
        legacy = f"{cls.__module__}.{cls.__qualname__}"
        if schema_version == 1 and type_name == legacy:
            return JsonType(cls.__qualname__, cls)  # read-only: never added to the registry
        raise SchemaError(
            f"'type' must name a registered type to load a {cls.__qualname__}; got "
            f"{type_name!r} ({cls.__qualname__} has no registered type name)."
        )
    if entry is not wanted:
        raise SchemaError(
            f"'type' must be {wanted.name!r} to load a {cls.__name__}; got {type_name!r}."
        )
    return entry


def _upgraded(doc: dict[str, Any], schema_version: int, entry: JsonType) -> dict[str, Any]:
    """Return the document's data in the current layout of its type."""
    data: dict[str, Any] = doc["data"]
    if not isinstance(data, dict):
        raise SchemaError(f"'$.data' must be a JSON object; got {_kind(data)}.")
    type_version = 1 if schema_version == 1 else doc["type_version"]
    if type(type_version) is not int or type_version not in entry.reads:
        readable = ", ".join(map(str, entry.reads))
        raise SchemaError(
            f"'type_version' of a {entry.name} document must be one of {readable} "
            f"(the layouts this kamcore reads); got {type_version!r}."
        )
    for k in range(int(type_version), entry.version):
        try:
            data = entry.upgrades[k](data)
        except Exception as exc:
            error, cause = _schema_error(f"{entry.name} (type_version {k})", exc, "$.data")
            raise error from cause
    return data


def _load_bare(doc: dict[str, Any], entry: JsonType) -> Any:
    assert entry.bare is not None
    try:
        return entry.bare(doc)
    except Exception as exc:
        raise SchemaError(
            f"invalid {entry.name} document (its older form without envelope): {_describe(exc)}"
        ) from exc


def loads(
    text: str | bytes,
    cls: type[T] | None = None,
    *,
    max_bytes: int = _MAX_BYTES,
    max_depth: int = _MAX_DEPTH,
    max_string_length: int = _MAX_STRING_LENGTH,
) -> T:
    r"""Read a JSON document written by :func:`dumps` (this or an earlier version).

    The document is checked against three limits before it is parsed, so a
    hostile or broken input is refused quickly with memory bounded by a small
    multiple of ``max_bytes``: its size first, then (with a scan that does not
    recurse) its longest string and its nesting depth.

    Parameters
    ----------
    text
        The document (``bytes`` in UTF-8, UTF-16 or UTF-32, or ``str``).
    cls
        The expected class. If given, the document's ``"type"`` must name it;
        if omitted, the type is looked up in the registry (:data:`JSON_TYPES`
        and :func:`register`).
    max_bytes
        The largest document read, in bytes (UTF-8 for ``str``); default
        67,108,864 (64 MiB).
    max_depth
        The deepest nesting of arrays and objects, the envelope counting as
        1; default 100 (a stored kamcore object needs fewer than 10).
    max_string_length
        The longest string (keys included), in characters, an escape such as
        ``\n`` counting as one; default 1,000,000.

    Returns
    -------
    object
        A validated instance of ``cls``.

    Raises
    ------
    SchemaError
        For a document over a limit, invalid JSON (NaN or Infinity literals,
        a number that overflows to infinity, a key given twice in an object),
        a bad envelope, an unsupported ``schema_version`` (an integer: ``1.0``
        is refused) or ``type_version``, an unknown or unexpected ``"type"``,
        and for every field problem (unknown key, missing field, wrong JSON
        type, invalid value) -- all listed with their paths in one message. A
        domain validation error is kept as ``__cause__``.
    InvalidParameterError
        If a limit is not a positive integer, or ``cls`` is not a class.

    Examples
    --------
    >>> from kamcore.domain import Money
    >>> loads('{"schema_version": 2, "type": "Money", "type_version": 1, '
    ...       '"data": {"amount": "0.10", "currency": "USD"}}', Money)
    Money(amount=Decimal('0.10'), currency='USD')
    >>> loads('[[[1]]]', max_depth=2)
    Traceback (most recent call last):
    ...
    kamcore.errors.SchemaError: the document must nest ... at most 2 levels deep (max_depth); ...
    """
    if cls is not None and not isinstance(cls, type):
        raise InvalidParameterError(
            f"'cls' must be the expected class (or None); got {type(cls).__name__} {cls!r}."
        )
    text = _as_text(text, _limit("max_bytes", max_bytes))
    _prescan(text, _limit("max_depth", max_depth), _limit("max_string_length", max_string_length))
    doc = _parse(text)
    if not isinstance(doc, dict):
        raise SchemaError(f"'$' must be a JSON object (the envelope); got {_kind(doc)}.")
    if cls is not None and not _ENVELOPE_KEYS[SCHEMA_VERSION] & set(doc):
        bare_entry = _BY_TYPE.get(cls)
        if bare_entry is not None and bare_entry.bare is not None:
            result: T = _load_bare(doc, bare_entry)
            return result
    schema_version = _check_envelope(doc)
    type_name = doc["type"]
    if not isinstance(type_name, str):
        raise SchemaError(f"'type' must be a string; got {_kind(type_name)} {type_name!r}.")
    entry = _find_entry(type_name, schema_version, cls)
    data = _upgraded(doc, schema_version, entry)
    try:
        result = converter.structure(data, entry.cls)
    except RecursionError:
        raise SchemaError(
            f"invalid {entry.name} document: nested deeper than this interpreter can "
            "read (lower max_depth)."
        ) from None
    except Exception as exc:
        error, cause = _schema_error(entry.name, exc, "$.data")
        raise error from cause
    return result
