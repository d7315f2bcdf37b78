"""Declared parameter domains and the one boundary validator.

Every public function validates its inputs here, once and vectorised, and the
numerical kernels behind it trust what they receive. The helpers convert
array-likes to ``float64``/``int64`` numpy arrays, reject NaN and infinities,
check declared domains (:class:`Interval`) and shapes, and raise a
:class:`~kamcore.errors.KamcoreError` subclass whose message names the field,
the rule and the offending value. For arrays the message says how many values
are bad and shows the first one::

    'retention' must be in [0, 1]; got 3 bad values (first at index 17: 1.2).

Nothing here coerces, clips or drops data.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import types
import typing
from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from kamcore.domain._coerce import shown
from kamcore.errors import (
    InvalidParameterError,
    KamcoreError,
    ShapeMismatchError,
    UnknownNameError,
)

__all__ = [
    "readonly",
    "NONNEGATIVE",
    "POSITIVE",
    "PROBABILITY",
    "UNIT_OPEN",
    "FloatArray",
    "IntArray",
    "Interval",
    "as_float_array",
    "as_int_array",
    "as_float_scalar",
    "broadcast",
    "as_count",
    "as_id_array",
    "as_array",
    "check_in",
    "check_fields",
    "frozen_array",
    "fail_where",
    "frozen_floats",
    "same_length",
    "unknown_column",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def _fmt(value: Any) -> str:
    """Show a value as the domain does: its repr, cut to 60 characters."""
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    if isinstance(value, (np.integer, np.bool_)):
        return repr(value.item())
    if isinstance(value, np.str_):
        value = str(value)
    return shown(value)


def fail_where(
    bad: NDArray[np.bool_] | np.bool_ | bool,
    values: NDArray[Any],
    name: str,
    rule: str,
    *,
    error: type[InvalidParameterError] = InvalidParameterError,
) -> None:
    """Raise ``error`` if any element of ``bad`` is true.

    Parameters
    ----------
    bad
        Boolean mask, same shape as ``values``: true where a value breaks the rule.
    values
        The values being checked (used to show the first offender).
    name
        Field name, quoted in the message.
    rule
        The rule in words, completing "'name' must ...".
    error
        Exception class to raise.

    Raises
    ------
    InvalidParameterError
        With "'name' must <rule>; got <value>." for scalars and
        "'name' must <rule>; got k bad values (first at index i: v)." for arrays.
    """
    mask = np.asarray(bad, dtype=bool)
    if not mask.any():
        return
    vals = np.asarray(values)
    if vals.ndim == 0:
        raise error(f"{name!r} must {rule}; got {_fmt(vals.item())}.")
    flat = np.flatnonzero(mask.ravel())
    first = int(flat[0])
    idx: Any = (
        first if vals.ndim == 1 else tuple(int(i) for i in np.unravel_index(first, vals.shape))
    )
    count = flat.size
    noun = "value" if count == 1 else "values"
    raise error(
        f"{name!r} must {rule}; got {count} bad {noun} (first at index {idx}: "
        f"{_fmt(vals.ravel()[first])})."
    )


@attrs.frozen
class Interval:
    """A declared domain for a real-valued parameter: an interval of the real line.

    Parameters
    ----------
    low, high
        Bounds; ``-inf``/``inf`` for none.
    low_closed, high_closed
        Whether each bound belongs to the interval.

    Examples
    --------
    >>> PROBABILITY.describe()
    'be in [0, 1]'
    >>> POSITIVE.describe()
    'be > 0'
    """

    low: float = -math.inf
    high: float = math.inf
    low_closed: bool = True
    high_closed: bool = True

    def describe(self) -> str:
        """Return the rule in words, completing "'name' must ..."."""
        lo_inf, hi_inf = math.isinf(self.low), math.isinf(self.high)
        lo = f"{self.low:g}"
        hi = f"{self.high:g}"
        if lo_inf and hi_inf:
            return "be finite"
        if hi_inf:
            return f"be {'>=' if self.low_closed else '>'} {lo}"
        if lo_inf:
            return f"be {'<=' if self.high_closed else '<'} {hi}"
        left = "[" if self.low_closed else "("
        right = "]" if self.high_closed else ")"
        return f"be in {left}{lo}, {hi}{right}"

    def check(self, values: NDArray[Any], name: str) -> None:
        """Raise :class:`InvalidParameterError` if any value lies outside the interval."""
        v = np.asarray(values)
        bad = np.zeros(v.shape, dtype=bool)
        if not math.isinf(self.low):
            bad |= (v < self.low) if self.low_closed else (v <= self.low)
        if not math.isinf(self.high):
            bad |= (v > self.high) if self.high_closed else (v >= self.high)
        fail_where(bad, v, name, self.describe())


PROBABILITY: Final = Interval(0.0, 1.0)
UNIT_OPEN: Final = Interval(0.0, 1.0, low_closed=False, high_closed=False)
NONNEGATIVE: Final = Interval(0.0, math.inf)
POSITIVE: Final = Interval(0.0, math.inf, low_closed=False)


def _numeric(value: ArrayLike, name: str) -> NDArray[Any]:
    """Convert ``value`` with numpy, refusing ragged and non-numeric input by name."""
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError, OverflowError) as exc:  # ragged sequences and the like
        reason = str(exc).rstrip(".")
        raise InvalidParameterError(
            f"{name!r} must be a rectangular array of numbers (no ragged rows); {reason}."
        ) from None
    if arr.dtype.kind not in "biuf":
        kind = "a string" if arr.dtype.kind in "US" else f"dtype {arr.dtype}"
        sample = _fmt(arr.ravel()[0]) if arr.size else "[]"
        raise InvalidParameterError(
            f"{name!r} must be numeric; got {kind} (first value: {sample})."
        )
    return arr


def as_array(value: Any, name: str) -> NDArray[Any]:
    """Convert ``value`` with numpy (any dtype), refusing ragged input by name.

    Raises
    ------
    InvalidParameterError
        numpy cannot make a rectangular array of ``value``.
    """
    try:
        return np.asarray(value)
    except (TypeError, ValueError, OverflowError) as exc:
        reason = str(exc).split(". ")[0].rstrip(".")
        raise InvalidParameterError(
            f"{name!r} must be a rectangular array (no ragged rows); {reason}."
        ) from None


def _to_array(value: ArrayLike, name: str, dtype: type[Any]) -> NDArray[Any]:
    return _numeric(value, name).astype(dtype, copy=False)


def as_float_array(
    value: ArrayLike,
    name: str,
    *,
    domain: Interval | None = None,
    ndim: int | None = None,
    allow_empty: bool = True,
) -> FloatArray:
    """Convert ``value`` to a finite ``float64`` array and check its domain.

    Parameters
    ----------
    value
        Scalar or array-like of numbers.
    name
        Field name used in error messages.
    domain
        Declared interval the values must lie in, if any.
    ndim
        Required number of dimensions, if any.
    allow_empty
        Whether a zero-size array is acceptable.

    Returns
    -------
    numpy.ndarray of float64
        Same shape as the input. A new array is returned only when conversion
        needs one; callers must not write into it.

    Raises
    ------
    InvalidParameterError
        Non-numeric input, NaN or infinite values, values outside ``domain``,
        or an empty array when ``allow_empty`` is false.
    ShapeMismatchError
        Wrong number of dimensions.

    Examples
    --------
    >>> as_float_array([0.2, 0.5], "retention", domain=PROBABILITY)
    array([0.2, 0.5])
    >>> as_float_array([0.2, 1.5], "retention", domain=PROBABILITY)
    Traceback (most recent call last):
    ...
    kamcore.errors.InvalidParameterError: 'retention' must be in [0, 1]; got 1 bad value ...
    """
    arr = _to_array(value, name, np.float64)
    if ndim is not None and arr.ndim != ndim:
        raise ShapeMismatchError(f"{name!r} must be {ndim}-dimensional; got shape {arr.shape}.")
    if not allow_empty and arr.size == 0:
        raise InvalidParameterError(f"{name!r} must not be empty; got 0 values.")
    fail_where(~np.isfinite(arr), arr, name, "be finite (no NaN or infinity)")
    if domain is not None:
        domain.check(arr, name)
    return arr


def as_float_scalar(value: Any, name: str, *, domain: Interval | None = None) -> float:
    """Convert ``value`` to one finite float in ``domain``.

    Raises
    ------
    InvalidParameterError
        Not a real number, not finite, or outside ``domain``.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise InvalidParameterError(
            f"{name!r} must be a real number; got {type(value).__name__} {value!r}."
        )
    arr = as_float_array(value, name, domain=domain, ndim=0)
    return float(arr)


def as_int_array(
    value: ArrayLike,
    name: str,
    *,
    domain: Interval | None = None,
    ndim: int | None = None,
    allow_empty: bool = True,
) -> IntArray:
    """Convert ``value`` to an ``int64`` array; floats must be whole numbers.

    Raises
    ------
    InvalidParameterError
        Non-numeric, non-finite or non-integral values, or values outside ``domain``.
    ShapeMismatchError
        Wrong number of dimensions.
    """
    converted = _numeric(value, name)  # refuses ragged and non-numeric input by name
    if converted.dtype.kind == "f":
        raw = converted.astype(np.float64, copy=False)
        fail_where(~np.isfinite(raw), raw, name, "be finite (no NaN or infinity)")
        fail_where(raw != np.round(raw), raw, name, "be a whole number")
        fail_where(np.abs(raw) >= 2.0**63, raw, name, "fit in a 64-bit integer")
        arr = raw.astype(np.int64)
    else:
        if converted.dtype.kind == "u":
            fail_where(converted > np.iinfo(np.int64).max, converted, name, "fit in int64")
        arr = converted.astype(np.int64, copy=False)
    if ndim is not None and arr.ndim != ndim:
        raise ShapeMismatchError(f"{name!r} must be {ndim}-dimensional; got shape {arr.shape}.")
    if not allow_empty and arr.size == 0:
        raise InvalidParameterError(f"{name!r} must not be empty; got 0 values.")
    if domain is not None:
        domain.check(arr, name)
    return arr


def _id_kind(value: Any) -> int:
    """0: a clean str, 1: an integer, 2: a str holding a NUL, 3: anything else."""
    if isinstance(value, str):
        return 2 if "\x00" in value else 0
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        return 1
    return 3


def as_id_array(
    values: ArrayLike,
    name: str = "ids",
    *,
    integers: bool = False,
    where: str = "",
    type_error: type[KamcoreError] = InvalidParameterError,
) -> NDArray[np.str_]:
    r"""Validate customer ids and return them as a fresh 1-D ``str`` array (the one id validator).

    An id is kept exactly as given or refused; nothing is merged or rewritten.
    Refused, with the offending id and its index named: ``None``, NaN, floats,
    booleans, bytes and other objects; ids holding a NUL character (numpy's
    text arrays drop trailing NULs, so ``'a\x00'`` would merge with ``'a'``;
    they are found before any conversion); blank ids and ids with leading or
    trailing whitespace; and a mix of integers and strings (``1`` and ``'1'``
    would become one id). With ``integers=True`` an all-integer input (a
    database key) is accepted and stored as decimal text.

    Parameters
    ----------
    values : array-like, shape (N,)
        The ids.
    name : str
        Field name for messages.
    integers : bool
        Whether all-integer ids are accepted.
    where : str
        Appended to every message (e.g. ``" (frame column 'id')"``).
    type_error : type of KamcoreError
        Raised for an array of the wrong dtype.

    Returns
    -------
    numpy.ndarray of str, shape (N,)
        A new array the caller owns. Uniqueness is not checked here.

    Raises
    ------
    ShapeMismatchError
        ``values`` is not 1-D.
    InvalidParameterError
        A bad id, as above.

    Examples
    --------
    >>> as_id_array(["a", "b"]).tolist()
    ['a', 'b']
    >>> as_id_array(["a", "b\x00"])
    Traceback (most recent call last):
    ...
    kamcore.errors.InvalidParameterError: 'ids' must not contain NUL characters; ...
    """

    def fail(
        bad: NDArray[np.bool_],
        vals: NDArray[Any],
        rule: str,
        error: type[KamcoreError] = InvalidParameterError,
    ) -> None:
        if not bad.any():
            return
        flat = np.flatnonzero(bad)
        first = int(flat[0])
        noun = "value" if flat.size == 1 else "values"
        raise error(
            f"{name!r} must {rule}; got {flat.size} bad {noun} "
            f"(first at index {first}: {_fmt(vals[first])}){where}."
        )

    try:
        # a list is read element by element: numpy would silently turn
        # ["a", 1, None] into the text "1" and "None", and drop trailing NULs
        if not isinstance(values, (list, tuple)):
            arr = np.asarray(values)
        elif set(map(type, values)) == {str} and "\x00" not in "".join(values):
            arr = np.array(values)  # plain strings without NULs: numpy keeps them exactly
        else:
            arr = np.asarray(values, dtype=object)
    except (TypeError, ValueError) as exc:
        raise InvalidParameterError(f"{name!r} must be a 1-D array of ids; {exc}{where}.") from None
    if arr.ndim != 1:
        raise ShapeMismatchError(f"{name!r} must be 1-D; got shape {arr.shape}{where}.")
    if arr.size == 0:
        return np.empty(0, dtype="U1")
    kinds = "strings or integers" if integers else "strings"
    if arr.dtype.kind == "O":
        code = np.fromiter(map(_id_kind, arr), dtype=np.int8, count=arr.size)
        fail(code == 3, arr, f"be {kinds} (no None, NaN, bool or other values)")
        fail(code == 2, arr, "not contain NUL characters")
        if not integers:
            fail(code == 1, arr, "be strings (no integers)", type_error)
        first_kind = code[0]
        fail(
            code != first_kind,
            arr,
            "be all strings or all integers, not a mix (1 and '1' would merge)",
        )
        out = arr.astype(str)
    elif arr.dtype.kind in "iu" and integers:
        out = arr.astype(str)
    elif arr.dtype.kind == "U":
        out = arr.copy()
    else:
        raise type_error(
            f"{name!r} must be {kinds}; got dtype {arr.dtype} (first value: {_fmt(arr[0])}){where}."
        )
    # blank ids, then whitespace at either end: checked on 1-character slices,
    # so no stripped copy of a million ids is made
    lengths = np.strings.str_len(out)
    # an interior NUL (trailing ones are gone once text is in a numpy array):
    # a zero code point before the end of the string
    width = out.dtype.itemsize // 4
    if width:
        points = np.ascontiguousarray(out).view(np.uint32).reshape(out.size, width)
        inside = np.arange(width) < lengths[:, None]
        fail(((points == 0) & inside).any(axis=1), out, "not contain NUL characters")
    fail((lengths == 0) | np.strings.isspace(out), out, "be non-empty (not blank)")
    edges = np.strings.isspace(np.strings.slice(out, 0, 1)) | np.strings.isspace(
        np.strings.slice(out, lengths - 1, lengths)
    )
    fail(edges, out, "have no leading or trailing whitespace")
    return out


def same_length(arrays: Mapping[str, NDArray[Any]]) -> int:
    """Check that 1-D arrays share one length and return it.

    Raises
    ------
    ShapeMismatchError
        Naming every field and its length when they differ.

    Examples
    --------
    >>> same_length({"a": np.zeros(3), "b": np.zeros(2)})
    Traceback (most recent call last):
    ...
    kamcore.errors.ShapeMismatchError: arrays must have the same length; got a: 3, b: 2.
    """
    lengths = {k: int(np.shape(v)[0]) if np.ndim(v) else 1 for k, v in arrays.items()}
    if len(set(lengths.values())) > 1:
        desc = ", ".join(f"{k}: {n}" for k, n in lengths.items())
        raise ShapeMismatchError(f"arrays must have the same length; got {desc}.")
    return next(iter(lengths.values()), 0)


def broadcast(arrays: Mapping[str, NDArray[Any]]) -> tuple[NDArray[Any], ...]:
    """Broadcast arrays against each other (numpy rules), naming shapes on failure.

    Raises
    ------
    ShapeMismatchError
        When the shapes cannot be broadcast together.
    """
    try:
        return tuple(np.broadcast_arrays(*arrays.values()))
    except ValueError:
        desc = ", ".join(f"{k}: {np.shape(v)}" for k, v in arrays.items())
        raise ShapeMismatchError(f"arrays cannot be broadcast together; got {desc}.") from None


def check_in(
    value: Any, name: str, allowed: Mapping[str, Any] | set[str] | tuple[str, ...]
) -> None:
    """Raise `~kamcore.errors.InvalidParameterError` unless ``value`` is one of ``allowed``."""
    if value not in allowed:
        opts = ", ".join(repr(a) for a in sorted(allowed))
        raise InvalidParameterError(f"{name!r} must be one of {opts}; got {value!r}.")


#: The calendar every kamcore date falls in: the years 1 to 9999 (what
#: ``datetime.date`` holds; numpy would also read ``"20240101"`` as a year).
FIRST_DAY: Final = np.datetime64("0001-01-01", "D")
LAST_DAY: Final = np.datetime64("9999-12-31", "D")
YEAR_RULE: Final = "be dates in the years 1 to 9999"


def outside_calendar(dates: NDArray[np.datetime64]) -> NDArray[np.bool_]:
    """Where a ``datetime64`` array (any unit) holds a day outside the years 1 to 9999.

    NaT is not outside (missing dates have their own rule).

    >>> outside_calendar(np.array(["2024-01-31", "NaT", "10000-01-01"], "datetime64[D]"))
    array([False, False,  True])
    """
    days = dates.astype("datetime64[D]")
    bad: NDArray[np.bool_] = ~np.isnat(days) & ((days < FIRST_DAY) | (days > LAST_DAY))
    return bad


def readonly(array: NDArray[Any]) -> NDArray[Any]:
    """Freeze ``array`` and return a read-only view of it.

    The one helper every module uses before handing an array out. The array
    itself is marked read-only and a view of it is returned, so the view's
    ``flags.writeable`` cannot be switched back on (numpy refuses to make a
    view writeable whose base is not). Pass an array the object owns (a copy
    or a freshly computed result), never a caller's array.

    Parameters
    ----------
    array : numpy.ndarray
        Any shape and dtype.

    Returns
    -------
    numpy.ndarray
        A read-only view with the same shape, dtype and values.

    Examples
    --------
    >>> import numpy as np
    >>> a = readonly(np.arange(3.0))
    >>> a.flags.writeable
    False
    """
    array.flags.writeable = False
    view = array.view()
    view.flags.writeable = False
    return view


def frozen_array(value: Any) -> Any:
    """Return a read-only copy of an array-like (the attrs converter of record array fields).

    Input numpy cannot convert (ragged rows) is returned as given, for
    :func:`check_fields` to refuse by field name in ``__attrs_post_init__``.
    """
    if isinstance(value, (list, tuple)) and any(isinstance(v, str) for v in value):
        return value  # text is converted by check_fields (numpy would turn None into 'None')
    try:
        arr = np.array(value, copy=True)
    except (TypeError, ValueError, OverflowError):
        return value
    return readonly(arr)


def unknown_column(
    missing: str, available: Iterable[str], *, lead: str | None = None, remedy: str = ""
) -> UnknownNameError:
    """Return the one error for "column not present" (the caller raises it).

    Parameters
    ----------
    missing
        The column that was asked for.
    available
        The columns that exist, in their natural order.
    lead
        The start of the message; default ``"the portfolio has no column 'x'"``.
    remedy
        A sentence appended after the list of known columns.

    Returns
    -------
    UnknownNameError
        Its message names the missing column, lists the available ones and
        suggests the closest one when a name is close (:mod:`difflib`).

    Examples
    --------
    >>> print(unknown_column("revenu", ["revenue", "cost"]))
    the portfolio has no column 'revenu'; known columns: 'revenue', 'cost'. Did you mean 'revenue'?
    """
    known = [str(c) for c in available]
    listed = ", ".join(repr(c) for c in known) or "none"
    close = difflib.get_close_matches(str(missing), known, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    head = lead if lead is not None else f"the portfolio has no column {missing!r}"
    tail = f" {remedy}" if remedy else ""
    return UnknownNameError(f"{head}; known columns: {listed}.{hint}{tail}")


def _field_error(owner: str, name: str, rule: str, value: Any) -> InvalidParameterError:
    return InvalidParameterError(f"'{owner}.{name}' must {rule}; got {shown(value)}.")


def _check_array(owner: str, name: str, kind: str, value: Any, nan_ok: bool) -> NDArray[Any] | None:
    """One array field by its declared kind; the read-only array to store, or None to keep."""
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError, OverflowError):
        raise _field_error(owner, name, "be a rectangular array (no ragged rows)", value) from None
    if arr.ndim == 0:
        raise _field_error(owner, name, "be an array (not a single value)", value)
    if kind == "str":
        if arr.dtype.kind != "U":
            raise _field_error(owner, name, "be an array of text", value)
    elif kind == "datetime":
        if arr.dtype.kind != "M":
            raise _field_error(owner, name, "be an array of datetime64 dates", value)
    elif kind == "bool":
        if arr.dtype.kind != "b":
            raise _field_error(owner, name, "be an array of booleans", value)
    elif kind == "int":
        if arr.dtype.kind not in "iu":
            raise _field_error(owner, name, "be an array of integers", value)
    elif kind == "any":  # labels of any kind: never objects, complex numbers, NaN or inf
        if arr.dtype.kind in "OcV":
            raise _field_error(owner, name, "be an array of numbers, text or dates", value)
        if arr.dtype.kind == "f":
            fail_where(~np.isfinite(arr), arr, f"{owner}.{name}", "be finite")
    else:  # float
        if arr.dtype.kind not in "biuf":
            raise _field_error(owner, name, "be an array of real numbers", value)
        bad = np.isinf(arr) if nan_ok else ~np.isfinite(arr)
        fail_where(bad, arr, f"{owner}.{name}", "be finite" if not nan_ok else "not be infinite")
    if isinstance(value, np.ndarray):
        return None
    return readonly(arr.copy())


def _array_kind(declared: str) -> str | None:
    if "Array" not in declared:
        return None
    for token, kind in (
        ("str_", "str"),
        ("datetime64", "datetime"),
        ("bool_", "bool"),
        ("IntArray", "int"),
        ("int8", "int"),
        ("int64", "int"),
        ("intp", "int"),
        ("FloatArray", "float"),
        ("float64", "float"),
        ("NDArray[Any]", "any"),
    ):
        if token in declared:
            return kind
    return None


_IDS: Final = frozenset({"ids", "customer_ids"})
_PLAIN: Final = frozenset({"float", "int", "str", "bool", "Any", "object"})


def _hints(cls: type) -> dict[str, Any]:
    """Return the resolved annotations of ``cls`` (empty where a name cannot be resolved)."""
    cached = _HINTS.get(cls)
    if cached is None:
        try:
            cached = typing.get_type_hints(cls)
        except Exception:  # a forward reference that cannot resolve: no class check
            cached = {}
        _HINTS[cls] = cached
    return cached


_HINTS: dict[type, dict[str, Any]] = {}
_DECLARED: dict[type, dict[str, str]] = {}


def _declared(cls: type) -> dict[str, str]:
    """Return the annotations of ``cls`` and its bases as written (source text).

    Read from ``__annotations__`` rather than the attrs fields: a field's
    ``type`` becomes a type object once something resolves the class's types.
    """
    cached = _DECLARED.get(cls)
    if cached is None:
        cached = {}
        for klass in reversed(cls.__mro__):
            for key, value in vars(klass).get("__annotations__", {}).items():
                cached[key] = value if isinstance(value, str) else repr(value)
        _DECLARED[cls] = cached
    return cached


def _classes(hint: Any) -> tuple[type, ...] | None:
    """Return the classes a hint admits (None: not a plain class or a union of classes)."""
    args = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    if typing.get_origin(hint) is typing.Union:
        args = typing.get_args(hint)
    out = tuple(a for a in args if isinstance(a, type))
    if len(out) != len(args) or any(a.__name__ in _PLAIN or a is np.ndarray for a in out):
        return None
    return out


def _handed_out(value: Any) -> bool:
    """Whether ``value`` is a read-only 1-D text array, the form kamcore hands ids out in."""
    return (
        isinstance(value, np.ndarray)
        and value.dtype.kind == "U"
        and value.ndim == 1
        and not value.flags.writeable
    )


def check_fields(instance: Any, *, nan_ok: Iterable[str] = ()) -> None:
    """Check every field of an attrs record against its declared type (the one record check).

    Result records (scores, metrics, survey results, displays) are built by
    kamcore, but their constructors are public: this refuses, by field, what
    the annotations rule out. Array fields (``FloatArray``, ``IntArray``,
    ``NDArray[np.str_]``, ``NDArray[np.bool_]``, ``NDArray[np.datetime64]``)
    must convert to a rectangular array of that kind, and a list given for one
    is stored as a read-only array; float fields and float arrays must be
    finite, except NaN in the fields named in ``nan_ok`` (their documented
    "no value" marker); ``int``, ``str``, ``bool``, ``tuple[str, ...]`` and
    date fields must hold that type. ``| None`` admits None. Fields of other
    types are left to the class. Fields named ``ids`` or ``customer_ids`` go
    through :func:`as_id_array` and must be unique (one entry per customer),
    unless they are a read-only text array: ids as kamcore hands them out
    (``Portfolio.ids``, a result's ids), validated when they came in, are not
    checked a second time (this keeps building a result of a million
    customers cheap).

    Raises
    ------
    InvalidParameterError
        Naming the class, the field, the rule and the value.

    Examples
    --------
    >>> @attrs.frozen
    ... class Share:
    ...     value: float
    ...     def __attrs_post_init__(self) -> None:
    ...         check_fields(self)
    >>> Share(float("nan"))
    Traceback (most recent call last):
    ...
    kamcore.errors.InvalidParameterError: 'Share.value' must be finite; got nan.
    """
    cls = type(instance)
    owner = cls.__name__
    allowed = frozenset(nan_ok)
    for field in attrs.fields(cls):
        if not field.init:
            continue
        declared = _declared(cls).get(field.name, "").replace(" ", "")
        name = field.name
        value = getattr(instance, name)
        if value is None and "None" in declared.split("|"):
            continue
        if name in _IDS and "Array" in declared:
            if _handed_out(value):
                continue  # kamcore's own read-only ids, validated when they came in
            ids = as_id_array(value, f"{owner}.{name}")
            ordered = np.sort(ids)
            if bool((ordered[1:] == ordered[:-1]).any()):
                raise _field_error(owner, name, "be unique (one entry per customer)", value)
            object.__setattr__(instance, name, readonly(ids))
            continue
        kind = _array_kind(declared)
        if kind is not None:
            fixed = _check_array(owner, name, kind, value, name in allowed)
            if fixed is not None:
                object.__setattr__(instance, name, fixed)
            continue
        base = declared.split("|")[0]
        if base == "float":
            if isinstance(value, (bool, np.bool_)) or not isinstance(
                value, (int, float, np.integer, np.floating)
            ):
                raise _field_error(owner, name, "be a real number", value)
            if not math.isfinite(value) and not (name in allowed and math.isnan(value)):
                raise _field_error(owner, name, "be finite", value)
        elif base == "int":
            if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
                raise _field_error(owner, name, "be an integer", value)
        elif base == "str":
            if not isinstance(value, str):
                raise _field_error(owner, name, "be text", value)
        elif base == "bool":
            if not isinstance(value, (bool, np.bool_)):
                raise _field_error(owner, name, "be True or False", value)
        elif base == "dt.date":
            if not isinstance(value, dt.date):
                raise _field_error(owner, name, "be a date", value)
        elif typing.get_origin(_hints(cls).get(name)) in (Mapping, dict):
            if not isinstance(value, Mapping):
                raise _field_error(owner, name, "be a mapping", value)
        elif (admitted := _classes(_hints(cls).get(name))) is not None:
            if not isinstance(value, admitted):
                names = " or ".join(a.__name__ for a in admitted if a is not type(None))
                raise _field_error(owner, name, f"be a {names}", value)
        elif base == "tuple[float,...]":
            arr = as_float_array(value, f"{owner}.{name}", ndim=1)
            object.__setattr__(instance, name, tuple(float(v) for v in arr))
        elif base == "tuple[str,...]":
            if not isinstance(value, (tuple, list)) or not all(isinstance(v, str) for v in value):
                raise _field_error(owner, name, "be a sequence of text", value)
            object.__setattr__(instance, name, tuple(value))


# ----------------------------------------------------------------- attrs converters
def as_count(value: Any, name: str) -> int:
    """Convert one whole number >= 0 to ``int`` (booleans, None, text, NaN refused).

    The converter of count fields (wrap it in a lambda naming the field).

    Examples
    --------
    >>> as_count(3.0, "n_rows")
    3
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (int, float, np.integer, np.floating)
    ):
        raise InvalidParameterError(
            f"{name!r} must be a whole number >= 0; got {type(value).__name__} {value!r}."
        )
    return int(as_int_array(value, name, domain=NONNEGATIVE, ndim=0))


def frozen_floats(
    value: Any, name: str, *, domain: Interval | None = None, ndim: int | None = None
) -> FloatArray:
    """Convert to a finite float64 array in ``domain`` and return a frozen copy.

    The converter of array fields of result objects (wrap it in a lambda naming the
    field).

    Examples
    --------
    >>> frozen_floats([1, 2], "clp", ndim=1).flags.writeable
    False
    """
    return readonly(np.array(as_float_array(value, name, domain=domain, ndim=ndim)))
