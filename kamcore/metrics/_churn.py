r"""Churn by type and by decline cause: counts and shares from arrays of codes.

Codes are the positions of the members in their enums:
:class:`~kamcore.domain.ChurnType` (0 NATURAL, 1 MALICIOUS, 2 COMPETITIVE,
3 NEGLIGENT; -1 = not recorded) and :class:`~kamcore.domain.DeclineCause`
(0..6, in the enum's order). A record may cite several causes, so causes come
as a boolean matrix (records x 7).

With optional weights :math:`w_i` (e.g. the yearly sales lost with each
customer) the shares are value shares:
:math:`\text{share}_k = \sum_{i: c_i = k} w_i / \sum_{i: c_i \ne -1} w_i`
(records without a type are counted apart, in ``unrecorded``). Without
weights every record weighs 1. For causes, the share of a cause is the
(weighted) fraction of records citing it; the shares may sum to more than 1.

:func:`churn_arrays` turns :class:`~kamcore.domain.ChurnRecord` objects into
these arrays (the edge from objects to columns).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from kamcore._columns import FrozenArrays
from kamcore._params import (
    NONNEGATIVE,
    FloatArray,
    IntArray,
    as_array,
    as_float_array,
    as_int_array,
    check_fields,
    fail_where,
    frozen_array,
    same_length,
)
from kamcore.domain import ChurnRecord, ChurnType, DeclineCause
from kamcore.domain._coerce import coerce_items
from kamcore.errors import InvalidParameterError, ShapeMismatchError

__all__ = [
    "CHURN_TYPE_LEVELS",
    "DECLINE_CAUSE_LEVELS",
    "ChurnBreakdown",
    "churn_arrays",
    "churn_by_cause",
    "churn_by_type",
]

#: Labels of the churn-type codes 0..3.
CHURN_TYPE_LEVELS: tuple[str, ...] = tuple(t.value for t in ChurnType)
#: Labels of the decline-cause codes 0..6.
DECLINE_CAUSE_LEVELS: tuple[str, ...] = tuple(c.value for c in DeclineCause)


@attrs.frozen(eq=False, repr=False)
class ChurnBreakdown(FrozenArrays):
    """Counts and shares of churn by type or by cause (read-only arrays).

    Parameters
    ----------
    levels : tuple of str
        The labels, in code order.
    counts : array of int64, shape (K,)
        Records per level.
    weights : array of float64, shape (K,)
        Summed weight per level (= counts without weights).
    shares : array of float64, shape (K,)
        ``weights / total``; NaN for every level when ``total`` is 0 (nothing
        recorded: the share is undefined, not zero).
    total : float
        The denominator: the summed weight of the records with a recorded type
        (by type) or of all records (by cause).
    unrecorded : int
        Records without a type (code -1; by type only, else 0).

    Examples
    --------
    >>> from kamcore.metrics import churn_by_type
    >>> b = churn_by_type([0, 0, 3, -1])
    >>> b.counts.tolist()
    [2, 0, 0, 1]
    """

    #: fields whose NaN is a documented "no value" marker
    _NAN_OK: ClassVar[tuple[str, ...]] = ("shares",)

    def __attrs_post_init__(self) -> None:
        check_fields(self, nan_ok=self._NAN_OK)

    levels: tuple[str, ...]
    counts: IntArray = attrs.field(converter=frozen_array)
    weights: FloatArray = attrs.field(converter=frozen_array)
    shares: FloatArray = attrs.field(converter=frozen_array)
    total: float
    unrecorded: int = 0

    def as_dict(self) -> dict[str, float]:
        """Return ``{level: share}``."""
        return {k: float(v) for k, v in zip(self.levels, self.shares, strict=True)}


def _weights(weights: ArrayLike | None, n: int, name: str = "weights") -> FloatArray:
    if weights is None:
        return np.ones(n)
    w = as_float_array(weights, name, domain=NONNEGATIVE, ndim=1)
    if w.shape[0] != n:
        raise ShapeMismatchError(
            f"{name!r} must have one value per record ({n}); got {w.shape[0]}."
        )
    return w


def _shares(sums: FloatArray, total: float) -> FloatArray:
    if total > 0:
        out: FloatArray = sums / total
        return out
    return np.full(sums.shape, np.nan)


def churn_by_type(codes: ArrayLike, *, weights: ArrayLike | None = None) -> ChurnBreakdown:
    """Count churn by type: how many customers were lost naturally, maliciously, ...

    Parameters
    ----------
    codes : array_like of int, shape (N,)
        Churn-type code per lost customer: 0 NATURAL, 1 MALICIOUS, 2 COMPETITIVE,
        3 NEGLIGENT, -1 not recorded.
    weights : array_like of float, shape (N,), optional
        Non-negative weight per record (e.g. sales lost); 1 each when omitted.

    Returns
    -------
    ChurnBreakdown
        Levels :data:`CHURN_TYPE_LEVELS`; ``unrecorded`` counts the -1 codes.

    Raises
    ------
    InvalidParameterError
        Codes outside -1..3, non-integral codes, negative or non-finite weights.
    ShapeMismatchError
        Not 1-D, or weights of another length.

    Examples
    --------
    >>> b = churn_by_type([2, 2, 3, 0, -1, 2])
    >>> b.counts.tolist(), b.as_dict()["competitive"], b.unrecorded
    ([1, 0, 3, 1], 0.6, 1)
    """
    c = as_int_array(codes, "codes", ndim=1)
    k = len(CHURN_TYPE_LEVELS)
    fail_where((c < -1) | (c >= k), c, "codes", f"be churn-type codes in -1..{k - 1}")
    w = _weights(weights, c.shape[0])
    known = c >= 0
    counts = np.bincount(c[known], minlength=k).astype(np.int64)
    sums = np.bincount(c[known], weights=w[known], minlength=k).astype(np.float64)
    total = float(np.sum(np.sort(w[known])))
    return ChurnBreakdown(
        CHURN_TYPE_LEVELS,
        counts,
        sums,
        _shares(sums, total),
        total,
        int(np.count_nonzero(~known)),
    )


def churn_by_cause(flags: ArrayLike, *, weights: ArrayLike | None = None) -> ChurnBreakdown:
    """Count the decline causes cited: how often each of the seven causes was found.

    Parameters
    ----------
    flags : array_like of bool, shape (N, 7)
        ``flags[i, k]`` is true when record ``i`` cites cause ``k`` (codes in
        :class:`~kamcore.domain.DeclineCause` order); 0/1 integers accepted.
    weights : array_like of float, shape (N,), optional
        Non-negative weight per record; 1 each when omitted.

    Returns
    -------
    ChurnBreakdown
        Levels :data:`DECLINE_CAUSE_LEVELS`; ``total`` = summed weight of all
        records, so a share is the (weighted) fraction of records citing the cause.

    Raises
    ------
    InvalidParameterError
        Values other than 0/1 or True/False, bad weights.
    ShapeMismatchError
        Not of shape (N, 7), or weights of another length.

    Examples
    --------
    >>> b = churn_by_cause([[1, 0, 1, 0, 0, 0, 0], [0, 0, 1, 0, 0, 0, 0]])
    >>> b.counts.tolist(), b.shares.tolist()[2]
    ([1, 0, 2, 0, 0, 0, 0], 1.0)
    """
    k = len(DECLINE_CAUSE_LEVELS)
    raw = as_array(flags, "flags")
    if raw.dtype.kind == "b":
        f = raw
    else:
        ints = as_int_array(raw, "flags")
        fail_where((ints != 0) & (ints != 1), ints, "flags", "be 0/1 or True/False")
        f = ints.astype(bool)
    if f.ndim != 2 or f.shape[1] != k:
        raise ShapeMismatchError(f"'flags' must have shape (N, {k}); got {f.shape}.")
    w = _weights(weights, f.shape[0])
    counts = np.count_nonzero(f, axis=0).astype(np.int64)
    sums = (w @ f.astype(np.float64)).astype(np.float64)
    total = float(np.sum(np.sort(w)))
    return ChurnBreakdown(DECLINE_CAUSE_LEVELS, counts, sums, _shares(sums, total), total, 0)


def churn_arrays(records: Iterable[ChurnRecord]) -> tuple[IntArray, NDArray[np.bool_]]:
    """Return the type codes (shape (N,), -1 = no type) and cause flags (shape (N, 7)).

    Parameters
    ----------
    records : iterable of ChurnRecord
        The churn records, N of them.

    Returns
    -------
    codes : ndarray of int64, shape (N,)
        :data:`CHURN_TYPE_LEVELS` index of each record's type; -1 when none.
    flags : ndarray of bool, shape (N, 7)
        Whether each :data:`DECLINE_CAUSE_LEVELS` cause was recorded.

    Raises
    ------
    InvalidParameterError
        An item is not a :class:`~kamcore.domain.ChurnRecord`.

    Examples
    --------
    >>> import datetime as dt
    >>> from kamcore.domain import ChurnRecord, ChurnType, DeclineCause
    >>> codes, flags = churn_arrays([
    ...     ChurnRecord(dt.date(2024, 1, 1), churn_type=ChurnType.NEGLIGENT),
    ...     ChurnRecord(dt.date(2024, 2, 1), causes={DeclineCause.PEOPLE_CHANGE})])
    >>> codes.tolist(), flags.sum(axis=0).tolist()
    ([3, -1], [0, 0, 0, 0, 1, 0, 0])
    """
    items = coerce_items(records, "records", object)
    for i, r in enumerate(items):
        if not isinstance(r, ChurnRecord):
            raise InvalidParameterError(
                f"'records' must contain only ChurnRecord objects; got {r!r} at index {i}."
            )
    type_code = {t: i for i, t in enumerate(ChurnType)}
    cause_code = {c: i for i, c in enumerate(DeclineCause)}
    codes = np.array(
        [-1 if r.churn_type is None else type_code[r.churn_type] for r in items], dtype=np.int64
    )
    rows = np.array([i for i, r in enumerate(items) for _ in r.causes], dtype=np.int64)
    cols = np.array([cause_code[c] for r in items for c in r.causes], dtype=np.int64)
    flags = np.zeros((len(items), len(cause_code)), dtype=bool)
    flags[rows, cols] = True
    same_length({"codes": codes, "flags": flags})
    return codes, flags
