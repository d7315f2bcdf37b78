"""Survey responses: score matrices per respondent x item, tied to customers.

:class:`SurveyResponses` holds N respondents' answers to an
:class:`~kamcore.satisfaction.Instrument` of K items and D
dimensions:

- ``perception`` (N, K) and, as the variant needs, ``expectation``,
  ``adequate`` and ``desired`` (N, K);
- ``customer_ids`` (N,): the customer every respondent speaks for;
- optional ``importance`` (N, D): points each respondent gives the
  dimensions (usually 100 in all), and ``overall`` (N,): an overall rating
  used to derive importance weights from the data.

**Missing answers.** NaN in a score matrix means "not answered"; so does
``False`` in the optional ``answered`` mask (N, K), which applies to every
section (a masked cell must hold a number or NaN, its value is ignored).
A missing answer is never a zero: every mean is over answered cells only and
the counts behind it are reported. Infinite scores are rejected, as are
scores outside the instrument's scale.

Validation runs once, here. The matrices are copied (inputs are never
written into), reverse-scored items are *not* yet reversed (that happens in
the kernels) and the stored arrays are read-only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from kamcore._columns import FrozenArrays
from kamcore._params import FloatArray, as_id_array, readonly
from kamcore.domain._satisfaction_summary import ExpectationDrivers
from kamcore.errors import InvalidParameterError, ShapeMismatchError
from kamcore.satisfaction._instrument import Instrument

__all__ = ["SurveyResponses"]


def _numeric(value: ArrayLike, name: str) -> NDArray[Any]:
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise InvalidParameterError(f"{name!r} must be an array of numbers; {exc}.") from None
    if arr.dtype.kind not in "biuf":
        raise InvalidParameterError(f"{name!r} must be numeric; got dtype {arr.dtype}.")
    return arr


def _first(mask: NDArray[np.bool_]) -> tuple[int, tuple[int, ...]]:
    flat = np.flatnonzero(mask.ravel())
    idx = tuple(int(i) for i in np.unravel_index(int(flat[0]), mask.shape))
    return int(flat.size), idx


def _matrix_error(
    name: str, rule: str, arr: NDArray[Any], mask: NDArray[np.bool_], inst: Instrument
) -> InvalidParameterError:
    count, (i, j) = _first(mask)
    noun = "value" if count == 1 else "values"
    return InvalidParameterError(
        f"{name!r} must {rule}; got {count} bad {noun} (first at respondent {i}, "
        f"item {inst.items[j]!r}: {float(arr[i, j])!r})."
    )


def _score_matrix(
    value: ArrayLike | None,
    name: str,
    n: int,
    inst: Instrument,
    answered: NDArray[np.bool_] | None,
) -> FloatArray | None:
    if value is None:
        return None
    raw = _numeric(value, name)
    k = inst.n_items
    if raw.shape != (n, k):
        raise ShapeMismatchError(
            f"{name!r} must have shape (respondents, items) = ({n}, {k}); got {raw.shape}."
        )
    arr = np.array(raw, dtype=np.float64)  # our own copy
    if answered is not None:
        arr[~answered] = np.nan
    inf = np.isinf(arr)
    if inf.any():
        raise _matrix_error(name, "be finite or NaN (missing)", arr, inf, inst)
    if answered is not None:
        hole = answered & np.isnan(arr)
        if hole.any():
            count, (i, j) = _first(hole)
            raise InvalidParameterError(
                f"{name!r} must hold a number where 'answered' is True; got {count} NaN "
                f"(first at respondent {i}, item {inst.items[j]!r})."
            )
    if inst.scale is not None:
        lo, hi = inst.scale.low, inst.scale.high
        with np.errstate(invalid="ignore"):
            out = (arr < lo) | (arr > hi)
        if out.any():
            raise _matrix_error(
                name, f"lie on the declared scale {inst.scale.describe()}", arr, out, inst
            )
    arr = readonly(arr)
    return arr


def _ids(value: ArrayLike, name: str, n: int | None) -> NDArray[np.str_]:
    arr = as_id_array(value, name)
    if n is not None and arr.shape[0] != n:
        raise ShapeMismatchError(
            f"{name!r} must have one entry per respondent ({n}); got {arr.shape[0]}."
        )
    blank = np.char.str_len(np.char.strip(arr)) == 0
    if blank.any():
        i = int(np.flatnonzero(blank)[0])
        raise InvalidParameterError(
            f"{name!r} must hold non-blank ids; got {int(blank.sum())} blank "
            f"(first at respondent {i})."
        )
    out = np.array(arr, copy=True)
    out = readonly(out)
    return out


def _importance(value: ArrayLike | None, n: int, inst: Instrument) -> FloatArray | None:
    if value is None:
        return None
    raw = _numeric(value, "importance")
    d = inst.n_dimensions
    if raw.shape != (n, d):
        raise ShapeMismatchError(
            f"'importance' must have shape (respondents, dimensions) = ({n}, {d}); got {raw.shape}."
        )
    arr = np.array(raw, dtype=np.float64)
    nan = np.isnan(arr)
    partial = nan.any(axis=1) & ~nan.all(axis=1)
    if partial.any():
        i = int(np.flatnonzero(partial)[0])
        j = int(np.flatnonzero(nan[i])[0])
        raise InvalidParameterError(
            f"'importance' points must be given for all dimensions of a respondent or none; "
            f"{int(partial.sum())} respondent(s) gave some (first: respondent {i}, missing "
            f"{inst.dimensions[j]!r})."
        )
    with np.errstate(invalid="ignore"):
        neg = np.isinf(arr) | (arr < 0)
    if neg.any():
        count, (i, j) = _first(neg)
        raise InvalidParameterError(
            f"'importance' points must be finite and >= 0; got {count} bad value(s) (first at "
            f"respondent {i}, dimension {inst.dimensions[j]!r}: {float(arr[i, j])!r})."
        )
    total = arr.sum(axis=1)
    zero = ~nan.all(axis=1) & (total <= 0)
    if zero.any():
        i = int(np.flatnonzero(zero)[0])
        raise InvalidParameterError(
            f"'importance' points of a respondent must have a positive total; "
            f"{int(zero.sum())} respondent(s) gave 0 points (first: respondent {i})."
        )
    arr = readonly(arr)
    return arr


def _overall(value: ArrayLike | None, n: int) -> FloatArray | None:
    if value is None:
        return None
    raw = _numeric(value, "overall")
    if raw.shape != (n,):
        raise ShapeMismatchError(f"'overall' must have shape ({n},); got {raw.shape}.")
    arr = np.array(raw, dtype=np.float64)
    inf = np.isinf(arr)
    if inf.any():
        i = int(np.flatnonzero(inf)[0])
        raise InvalidParameterError(
            f"'overall' must be finite or NaN (missing); got {int(inf.sum())} infinite "
            f"(first at respondent {i}: {float(arr[i])!r})."
        )
    arr = readonly(arr)
    return arr


@attrs.frozen(eq=False)
class SurveyResponses(FrozenArrays):
    """Validated answers of N respondents to an instrument of K items and D dimensions.

    Parameters
    ----------
    instrument : Instrument
        Items, dimensions, scale and reverse-scored items.
    customer_ids : array-like of str, shape (N,)
        The customer each respondent speaks for (several respondents per
        customer allowed).
    perception : array-like of float, shape (N, K)
        Perceived-service scores; NaN = not answered.
    expectation, adequate, desired : array-like of float, shape (N, K), optional
        Expected service (SERVQUAL), adequate and desired service (zone of
        tolerance); NaN = not answered.
    answered : array-like of bool, shape (N, K), optional
        Explicit answer mask for every section (``False`` = not answered).
    importance : array-like of float, shape (N, D), optional
        Importance points per respondent and dimension (>= 0, positive row
        total; a row of NaN = not given); normalised per respondent.
    overall : array-like of float, shape (N,), optional
        Overall satisfaction rating per respondent (any scale; NaN = missing),
        used by the ``"regression"`` and ``"correlation"`` weightings.
    respondent_ids : array-like of str, shape (N,), optional
        Respondent identifiers (kept for reference).
    drivers : ExpectationDrivers, optional
        The four drivers of expectation noted for the survey.
    as_of : datetime.date, optional
        The survey date.

    Raises
    ------
    ShapeMismatchError
        A matrix whose shape is not (N, K) / (N, D) / (N,).
    InvalidParameterError
        Scores off the scale or infinite (the message names the respondent and
        item), non-string or blank ids, bad importance points.

    Examples
    --------
    >>> import numpy as np
    >>> from kamcore.satisfaction import Instrument, LikertScale
    >>> inst = Instrument(["a", "b"], ["x", "y"], dimensions=["x", "y"], scale=LikertScale(1, 5))
    >>> r = SurveyResponses(inst, ["C1", "C2"], [[4, 5], [3, np.nan]], expectation=[[5, 5], [4, 4]])
    >>> r.n_respondents, r.answered_count("perception").tolist()
    (2, [2, 1])
    """

    instrument: Instrument
    customer_ids: NDArray[np.str_] = attrs.field(repr=False)
    perception: FloatArray = attrs.field(repr=False)
    expectation: FloatArray | None = attrs.field(default=None, kw_only=True, repr=False)
    adequate: FloatArray | None = attrs.field(default=None, kw_only=True, repr=False)
    desired: FloatArray | None = attrs.field(default=None, kw_only=True, repr=False)
    answered: NDArray[np.bool_] | None = attrs.field(default=None, kw_only=True, repr=False)
    importance: FloatArray | None = attrs.field(default=None, kw_only=True, repr=False)
    overall: FloatArray | None = attrs.field(default=None, kw_only=True, repr=False)
    respondent_ids: NDArray[np.str_] | None = attrs.field(default=None, kw_only=True, repr=False)
    drivers: ExpectationDrivers | None = attrs.field(default=None, kw_only=True)
    as_of: dt.date | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        inst = self.instrument
        if not isinstance(inst, Instrument):
            raise InvalidParameterError(f"'instrument' must be an Instrument; got {inst!r}.")
        ids = _ids(self.customer_ids, "customer_ids", None)
        n = int(ids.shape[0])
        answered: NDArray[np.bool_] | None = None
        if self.answered is not None:
            raw = np.asarray(self.answered)
            if raw.dtype.kind != "b":
                raise InvalidParameterError(
                    f"'answered' must be a boolean mask; got dtype {raw.dtype}."
                )
            if raw.shape != (n, inst.n_items):
                raise ShapeMismatchError(
                    f"'answered' must have shape (respondents, items) = ({n}, {inst.n_items}); "
                    f"got {raw.shape}."
                )
            answered = np.array(raw, dtype=bool)
            answered = readonly(answered)
        fields: dict[str, Any] = {"customer_ids": ids, "answered": answered}
        for section in ("perception", "expectation", "adequate", "desired"):
            fields[section] = _score_matrix(getattr(self, section), section, n, inst, answered)
        fields["importance"] = _importance(self.importance, n, inst)
        fields["overall"] = _overall(self.overall, n)
        if self.respondent_ids is not None:
            fields["respondent_ids"] = _ids(self.respondent_ids, "respondent_ids", n)
        if self.drivers is not None and not isinstance(self.drivers, ExpectationDrivers):
            raise InvalidParameterError(
                f"'drivers' must be an ExpectationDrivers record; got {self.drivers!r}."
            )
        if self.as_of is not None and (
            not isinstance(self.as_of, dt.date) or isinstance(self.as_of, dt.datetime)
        ):
            raise InvalidParameterError(f"'as_of' must be a datetime.date; got {self.as_of!r}.")
        for key, val in fields.items():
            object.__setattr__(self, key, val)

    @property
    def n_respondents(self) -> int:
        """Number of respondents N."""
        return int(self.customer_ids.shape[0])

    def section(self, name: str) -> FloatArray:
        """Return the score matrix ``name`` (N, K) as given (not reverse-scored).

        Raises
        ------
        InvalidParameterError
            When the survey does not hold that section.
        """
        if name not in ("perception", "expectation", "adequate", "desired"):
            raise InvalidParameterError(
                f"'section' must be one of 'perception', 'expectation', 'adequate', 'desired'; "
                f"got {name!r}."
            )
        arr: FloatArray | None = getattr(self, name)
        if arr is None:
            raise InvalidParameterError(
                f"this survey has no {name!r} scores; pass {name}=... to SurveyResponses."
            )
        return arr

    def scored(self, name: str) -> FloatArray:
        """Return the score matrix ``name`` with reverse-scored items reversed (a new array)."""
        arr = np.array(self.section(name))
        cols = self.instrument.reversed_columns(name)
        if cols.size and self.instrument.scale is not None:
            sc = self.instrument.scale
            arr[:, cols] = (sc.low + sc.high) - arr[:, cols]
        return arr

    def answered_count(self, name: str) -> NDArray[np.int64]:
        """Count the answered cells of section ``name`` per item, shape (K,)."""
        counts: NDArray[np.int64] = np.count_nonzero(~np.isnan(self.section(name)), axis=0)
        return counts.astype(np.int64)
