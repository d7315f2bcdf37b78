r"""RFM: recency / frequency / monetary quintile scores, 125 cells and named segments.

Scores per axis are quintiles 1..5 by rank among the N scored accounts, tie
consistent:

.. math::

    F = 1 + \left\lfloor 5\,\frac{\#\{y < x\}}{N} \right\rfloor \quad
    \text{(frequency, monetary: more is better)}, \qquad
    R = 1 + \left\lfloor 5\,\frac{\#\{y > x\}}{N} \right\rfloor \quad
    \text{(recency in days: recent = 5)}.

Recency is read either as days since the last purchase (numeric) or as the
last purchase date (``datetime64``; days counted to ``as_of``). The cell is the
triple (R, F, M) — 125 cells, written ``"545"`` — and the score is the cell
code :math:`100R + 10F + M` (higher is better; R dominates).

Segments
--------
Segments read R and :math:`FM = \lfloor (F + M + 1) / 2 \rfloor` (the mean of
F and M, rounded half up) on this 5 x 5 grid (:data:`RFM_SEGMENT_GRID`):

=====  =============  ===================  ===================  =========  ===========
R \ FM 1              2                    3                    4          5
=====  =============  ===================  ===================  =========  ===========
5      new_customers  potential_loyalists  potential_loyalists  champions  champions
4      promising      potential_loyalists  potential_loyalists  champions  champions
3      about_to_sleep about_to_sleep       need_attention       loyal      loyal
2      hibernating    hibernating          at_risk              at_risk    cannot_lose
1      lost           lost                 at_risk              at_risk    cannot_lose
=====  =============  ===================  ===================  =========  ===========

``freeze`` fixes the quintile edges, so new accounts are scored against the
same cut points.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

import attrs
import numpy as np
from numpy.typing import NDArray

from kamcore._params import FloatArray, fail_where
from kamcore.errors import InvalidParameterError
from kamcore.scoring._base import (
    DateLike,
    ScoreResult,
    check_column_name,
    check_nan_policy,
    check_portfolio,
    read_values,
    resolve_as_of,
    scorer_params,
)

if TYPE_CHECKING:
    from kamcore._portfolio import Portfolio

__all__ = ["RFM_SEGMENTS", "RFM_SEGMENT_GRID", "RFMScorer"]

#: Segment labels, most valuable first.
RFM_SEGMENTS: Final[tuple[str, ...]] = (
    "champions",
    "loyal",
    "potential_loyalists",
    "new_customers",
    "promising",
    "need_attention",
    "about_to_sleep",
    "cannot_lose",
    "at_risk",
    "hibernating",
    "lost",
)

#: Segment by ``[R - 1][FM - 1]``.
RFM_SEGMENT_GRID: Final[tuple[tuple[str, ...], ...]] = (
    ("lost", "lost", "at_risk", "at_risk", "cannot_lose"),
    ("hibernating", "hibernating", "at_risk", "at_risk", "cannot_lose"),
    ("about_to_sleep", "about_to_sleep", "need_attention", "loyal", "loyal"),
    ("promising", "potential_loyalists", "potential_loyalists", "champions", "champions"),
    ("new_customers", "potential_loyalists", "potential_loyalists", "champions", "champions"),
)

_GRID_CODES: Final = np.array(
    [[RFM_SEGMENTS.index(s) for s in row] for row in RFM_SEGMENT_GRID], dtype=np.int8
)


def _higher_edges(sorted_values: FloatArray) -> tuple[float, ...]:
    """Edges t_1..t_4 (non-decreasing): quintile >= k+1 iff x >= t_k."""
    n = sorted_values.shape[0]
    below = np.searchsorted(sorted_values, sorted_values, side="left")
    out = []
    for k in range(1, 5):
        m = int(np.count_nonzero(5 * below < k * n))
        out.append(float(sorted_values[m]) if m < n else math.inf)
    return tuple(out)


def _lower_edges(sorted_values: FloatArray) -> tuple[float, ...]:
    """Edges u_1..u_4 (non-increasing): quintile >= k+1 iff x <= u_k (fewer days = better)."""
    n = sorted_values.shape[0]
    above = n - np.searchsorted(sorted_values, sorted_values, side="right")
    out = []
    for k in range(1, 5):
        m = int(np.count_nonzero(5 * above >= k * n))
        out.append(float(sorted_values[m - 1]) if m > 0 else -math.inf)
    return tuple(out)


def _quintile_higher(x: FloatArray, edges: Sequence[float]) -> NDArray[np.int8]:
    q = np.ones(x.shape, dtype=np.int8)
    for t in edges:
        q += x >= t
    return q


def _quintile_lower(x: FloatArray, edges: Sequence[float]) -> NDArray[np.int8]:
    q = np.ones(x.shape, dtype=np.int8)
    for u in edges:
        q += x <= u
    return q


def _edges(value: Any, name: str, increasing: bool) -> tuple[float, ...] | None:
    if value is None:
        return None
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidParameterError(f"{name!r} must be 4 numbers; got {value!r}.") from None
    if arr.shape != (4,):
        raise InvalidParameterError(f"{name!r} must be 4 numbers; got {value!r}.")
    fail_where(np.isnan(arr), arr, name, "not be NaN")
    # compared, not subtracted: inf - inf is NaN (and a warning) for edges frozen at +-inf
    bad = arr[1:] < arr[:-1] if increasing else arr[1:] > arr[:-1]
    fail_where(bad, arr[1:], name, "be non-decreasing" if increasing else "be non-increasing")
    return tuple(float(x) for x in arr)


@attrs.frozen
class RFMScorer:
    """Recency / frequency / monetary quintiles and segments (registry ``"rfm"``).

    Parameters
    ----------
    recency : str
        Days since the last purchase (numeric, >= 0) or last purchase date
        (``datetime64``); default ``"recency"``.
    frequency : str
        Number of purchases (>= 0); default ``"frequency"``.
    monetary : str
        Spend (currency units); default ``"monetary"``.
    recency_edges : 4 floats, optional
        Fixed day cut-offs (non-increasing): R >= k+1 when days <= edge k.
    frequency_edges, monetary_edges : 4 floats, optional
        Fixed cut-offs (non-decreasing): score >= k+1 when value >= edge k.
    nan_policy : {"raise", "last"}
        NaN/NaT: reject, or give that axis the worst quintile (1).

    Notes
    -----
    Scores are the cell codes 100 R + 10 F + M; classes the segments of
    :data:`RFM_SEGMENT_GRID`. Extras: ``r``, ``f``, ``m`` (int8, shape (N,))
    and the edges used; the cell label is the score as an integer (``"545"``).

    Examples
    --------
    >>> from kamcore._portfolio import Portfolio
    >>> p = Portfolio.from_columns(list("abcde"), {
    ...     "recency": [3.0, 40, 200, 10, 400], "frequency": [12.0, 8, 1, 2, 9],
    ...     "monetary": [900.0, 500, 50, 60, 700]})
    >>> r = RFMScorer().score(p, as_of="2025-01-01")
    >>> r.scores.astype(int).tolist()
    [555, 333, 211, 422, 144]
    >>> r.classes.tolist()
    ['champions', 'need_attention', 'hibernating', 'potential_loyalists', 'at_risk']
    """

    recency: str = attrs.field(default="recency", kw_only=True)
    frequency: str = attrs.field(default="frequency", kw_only=True)
    monetary: str = attrs.field(default="monetary", kw_only=True)
    recency_edges: tuple[float, ...] | None = attrs.field(default=None, kw_only=True)
    frequency_edges: tuple[float, ...] | None = attrs.field(default=None, kw_only=True)
    monetary_edges: tuple[float, ...] | None = attrs.field(default=None, kw_only=True)
    nan_policy: str = attrs.field(default="raise", kw_only=True)

    def __attrs_post_init__(self) -> None:
        for f in ("recency", "frequency", "monetary"):
            check_column_name(getattr(self, f), f)
        check_nan_policy(self.nan_policy)
        object.__setattr__(
            self, "recency_edges", _edges(self.recency_edges, "recency_edges", False)
        )
        for f in ("frequency_edges", "monetary_edges"):
            object.__setattr__(self, f, _edges(getattr(self, f), f, True))

    @property
    def name(self) -> str:
        """Registry name: ``"rfm"``."""
        return "rfm"

    @property
    def params(self) -> Mapping[str, Any]:
        """The fields of this scorer."""
        return scorer_params(self)

    def _days(self, portfolio: Portfolio, day: dt.date) -> tuple[FloatArray, Any]:
        check_portfolio(portfolio)
        col = portfolio.column(self.recency)
        if col.dtype.kind == "M":
            dates = col.astype("datetime64[D]")
            missing = np.isnat(dates)
            label = f"column {self.recency}"
            if missing.any() and self.nan_policy == "raise":
                fail_where(
                    missing,
                    dates,
                    label,
                    "be recorded (no NaT); pass nan_policy='last' to rank missing values last",
                )
            days = (np.datetime64(day, "D") - dates).astype(np.float64)
            days[missing] = np.nan
            fail_where(
                days < 0,
                days,
                f"days since {self.recency}",
                f"be >= 0 (last purchase after as_of {day})",
            )
            return days, (missing if missing.any() else None)
        values, missing = read_values(portfolio, self.recency, nan_policy=self.nan_policy)
        fail_where(values < 0, values, f"column {self.recency}", "be >= 0 days")
        return values, missing

    def _axes(self, portfolio: Portfolio, day: dt.date) -> list[tuple[FloatArray, Any]]:
        rec = self._days(portfolio, day)
        freq = read_values(portfolio, self.frequency, nan_policy=self.nan_policy)
        fail_where(freq[0] < 0, freq[0], f"column {self.frequency}", "be >= 0")
        mon = read_values(portfolio, self.monetary, nan_policy=self.nan_policy)
        return [rec, freq, mon]

    @staticmethod
    def _sorted(values: FloatArray, missing: Any) -> FloatArray:
        return np.sort(values if missing is None else values[~missing])

    def _all_edges(self, axes: list[tuple[FloatArray, Any]]) -> tuple[tuple[float, ...], ...]:
        (r, rm), (f, fm), (m, mm) = axes
        re = self.recency_edges or _lower_edges(self._sorted(r, rm))
        fe = self.frequency_edges or _higher_edges(self._sorted(f, fm))
        me = self.monetary_edges or _higher_edges(self._sorted(m, mm))
        return re, fe, me

    def freeze(self, portfolio: Portfolio, *, as_of: DateLike | None = None) -> RFMScorer:
        """Return this scorer with the quintile edges of ``portfolio`` fixed."""
        re, fe, me = self._all_edges(self._axes(portfolio, resolve_as_of(as_of)))
        return attrs.evolve(self, recency_edges=re, frequency_edges=fe, monetary_edges=me)

    def score(self, portfolio: Portfolio, *, as_of: DateLike | None = None) -> ScoreResult:
        """Score every account of ``portfolio``; see the module docstring."""
        day = resolve_as_of(as_of)
        axes = self._axes(portfolio, day)
        re, fe, me = self._all_edges(axes)
        (r, rm), (f, fm), (m, mm) = axes
        if rm is not None:
            r = np.where(rm, math.inf, r)
        if fm is not None:
            f = np.where(fm, -math.inf, f)
        if mm is not None:
            m = np.where(mm, -math.inf, m)
        rq = _quintile_lower(r, re)
        fq = _quintile_higher(f, fe)
        mq = _quintile_higher(m, me)
        scores = 100.0 * rq + 10.0 * fq + mq
        fmq = (fq + mq + 1) // 2
        segments = _GRID_CODES[rq - 1, fmq - 1]
        return ScoreResult(
            self.name,
            portfolio.ids,
            scores,
            class_codes=segments,
            class_levels=RFM_SEGMENTS,
            params=self.params,
            as_of=day,
            extras={
                "r": rq,
                "f": fq,
                "m": mq,
                "recency_edges": re,
                "frequency_edges": fe,
                "monetary_edges": me,
            },
        )
