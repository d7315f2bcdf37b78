r"""Concentration: Lorenz curve, Gini, Pareto/ABC classes and the customer pyramid.

Lorenz curve
------------
Sort the N non-negative values ascending, :math:`x_{(1)} \le \dots \le x_{(N)}`;
the curve joins :math:`(u_k, v_k)` for :math:`k = 0..N` with
:math:`u_k = k/N` (share of accounts) and
:math:`v_k = \sum_{i \le k} x_{(i)} / \sum_i x_i` (share of value). The Gini
coefficient is

.. math:: G = 1 - \sum_{k=1}^{N} (u_k - u_{k-1}) (v_k + v_{k-1}),

0 when every account holds the same value and :math:`(N-1)/N` when one
account holds everything. When the total is 0 the curve is the equality line
(G = 0); an empty set of values gives the single point (0, 0) and G = 0.

ABC (Pareto) classes
--------------------
With class shares :math:`s_1, s_2, \dots` (default A 80 %, B 15 %, C 5 % of the
value) an account's class is set by the share of value held by the accounts
*strictly* above it, :math:`p(x) = \sum_{y > x} y / \sum y`: A when
:math:`p < s_1`, B when :math:`p < s_1 + s_2`, and so on. So the account that
crosses 80 % is still an A, the top account is always an A, and tied accounts
always share a class.

Pyramid
-------
The same rule on account counts: the fraction of accounts strictly above,
:math:`q(x) = \#\{y > x\} / N`, against cumulative shares 1 / 19 / 30 / 50 %
(core, important, medium, small; the sources' pyramid) or Curry's 1 / 4 / 15 /
80 % (top, big, medium, small; preset ``"curry"``).

Both reduce to value thresholds (the lowest value of each class), which
``freeze`` fixes so that later accounts or chunks are classed against the
same cut points.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from kamcore._params import NONNEGATIVE, FloatArray, as_float_array, as_float_scalar, fail_where
from kamcore.errors import InvalidParameterError
from kamcore.scoring._base import (
    DateLike,
    ScoreResult,
    as_shares,
    as_threshold_tuple,
    check_column_name,
    check_nan_policy,
    classify_desc,
    cumulative_cuts,
    last_if_missing,
    read_values,
    resolve_as_of,
    sorted_finite,
    suffix_thresholds,
)

if TYPE_CHECKING:
    from kamcore._portfolio import Portfolio

__all__ = [
    "PYRAMID_PRESETS",
    "ParetoScorer",
    "PyramidScorer",
    "gini",
    "lorenz_curve",
    "top_share",
]

#: Named pyramid splits: shares of accounts (best tier first) and tier labels.
PYRAMID_PRESETS: Final[Mapping[str, tuple[tuple[float, ...], tuple[str, ...]]]] = {
    "seeds": ((0.01, 0.19, 0.30, 0.50), ("core", "important", "medium", "small")),
    "curry": ((0.01, 0.04, 0.15, 0.80), ("top", "big", "medium", "small")),
}


# --------------------------------------------------------------------------- kernels
def _lorenz_sorted(sorted_values: FloatArray) -> tuple[FloatArray, FloatArray]:
    n = sorted_values.shape[0]
    u = np.arange(n + 1, dtype=np.float64) / max(n, 1)
    csum = np.empty(n + 1)
    csum[0] = 0.0
    np.cumsum(sorted_values, out=csum[1:])
    total = csum[-1]
    v = csum / total if total > 0 else u.copy()
    return u, v


def _gini_sorted(sorted_values: FloatArray) -> float:
    if sorted_values.shape[0] == 0:
        return 0.0
    u, v = _lorenz_sorted(sorted_values)
    area = float(np.sum(np.diff(u) * (v[1:] + v[:-1])))
    return 1.0 - area


def _nonnegative(values: ArrayLike, name: str) -> FloatArray:
    return as_float_array(values, name, domain=NONNEGATIVE, ndim=1)


def lorenz_curve(values: ArrayLike) -> tuple[FloatArray, FloatArray]:
    r"""Return the Lorenz curve of non-negative values.

    Parameters
    ----------
    values : array-like of float, shape (N,)
        Non-negative values (e.g. profit or sales per account, currency units).

    Returns
    -------
    share_of_accounts, share_of_value : arrays of float64, shape (N + 1,)
        :math:`u_k = k/N` and :math:`v_k` (cumulative share of value of the
        k smallest accounts), both starting at 0 and ending at 1.

    Raises
    ------
    InvalidParameterError
        Negative, NaN or infinite values.

    Examples
    --------
    >>> u, v = lorenz_curve([1.0, 1.0, 2.0])
    >>> u.round(3).tolist(), v.tolist()
    ([0.0, 0.333, 0.667, 1.0], [0.0, 0.25, 0.5, 1.0])
    """
    return _lorenz_sorted(np.sort(_nonnegative(values, "values")))


def gini(values: ArrayLike) -> float:
    r"""Return the Gini coefficient :math:`1 - \sum (u_k - u_{k-1})(v_k + v_{k-1})`.

    Parameters
    ----------
    values : array-like of float, shape (N,)
        Non-negative values.

    Returns
    -------
    float
        In [0, (N-1)/N]; 0 for equal values, an all-zero or an empty input.

    Examples
    --------
    >>> gini([5.0, 5.0, 5.0, 5.0])
    0.0
    >>> gini([0.0, 0.0, 0.0, 10.0])
    0.75
    """
    return _gini_sorted(np.sort(_nonnegative(values, "values")))


def top_share(values: ArrayLike, fraction: float) -> float:
    r"""Share of the value brought by the top ``fraction`` of accounts.

    "The top x % of accounts bring y % of the value": :math:`y = 1 - L(1 - x)`
    with :math:`L` the Lorenz curve, linearly interpolated between accounts
    (so a fraction that is a whole number of accounts gives their exact share).

    Parameters
    ----------
    values : array-like of float, shape (N,)
        Non-negative values, N >= 1.
    fraction : float
        Share of accounts x in [0, 1].

    Returns
    -------
    float
        y in [0, 1].

    Examples
    --------
    >>> top_share([1.0, 1.0, 1.0, 1.0, 6.0], 0.2)
    0.6
    """
    x = as_float_scalar(fraction, "fraction", domain=attrs.evolve(NONNEGATIVE, high=1.0))
    arr = _nonnegative(values, "values")
    if arr.size == 0:
        raise InvalidParameterError("'values' must not be empty for a top share; got 0 values.")
    u, v = _lorenz_sorted(np.sort(arr))
    return float(1.0 - np.interp(1.0 - x, u, v))


def _value_share_above(sorted_values: FloatArray) -> FloatArray:
    """For each sorted value, the share of the total held by strictly larger values."""
    csum = np.cumsum(sorted_values)
    if csum.size == 0 or csum[-1] <= 0:
        return np.zeros(sorted_values.shape)
    right = np.searchsorted(sorted_values, sorted_values, side="right")
    total = csum[-1]
    out: FloatArray = (total - csum[right - 1]) / total
    return out


def _count_above(sorted_values: FloatArray) -> NDArray[np.int64]:
    right = np.searchsorted(sorted_values, sorted_values, side="right")
    out: NDArray[np.int64] = (sorted_values.shape[0] - right).astype(np.int64)
    return out


def _labels(value: Any, name: str, n: int) -> tuple[str, ...]:
    if isinstance(value, str):
        raise InvalidParameterError(f"{name!r} must be a sequence of labels; got {value!r}.")
    out = tuple(value)
    if len(out) != n or len(set(out)) != n or not all(isinstance(x, str) and x for x in out):
        raise InvalidParameterError(
            f"{name!r} must be {n} distinct non-empty labels (one per share); got {value!r}."
        )
    return out


def _scorer_params(obj: Any) -> dict[str, Any]:
    return {f.name: getattr(obj, f.name) for f in attrs.fields(type(obj))}


def _abc_shares(value: Any) -> tuple[float, ...]:
    return as_shares(value, "shares")


# --------------------------------------------------------------------------- pareto
@attrs.frozen
class ParetoScorer:
    r"""ABC classes by cumulative share of value (registry name ``"pareto"``).

    Parameters
    ----------
    column : str
        Value column (non-negative, e.g. ``"profit_last_year"``); default
        ``"sales_last_year"``.
    shares : sequence of float
        Share of the value per class, best first, summing to 1; default
        (0.80, 0.15, 0.05).
    labels : sequence of str
        Class labels, one per share; default ("A", "B", "C").
    thresholds : sequence of float, optional
        Fixed lowest values of every class but the last (non-increasing);
        computed from the portfolio when None (see :meth:`freeze`).
    nan_policy : {"raise", "last"}
        NaN in the column: reject, or rank the account last (score ``-inf``,
        last class; the Lorenz curve and shares use recorded values only).

    Notes
    -----
    Scores are the values themselves. Extras: ``lorenz_x``, ``lorenz_y``
    (shape (M+1,) over the M recorded values), ``gini``, ``class_value_share``
    (share of the value in each class) and ``thresholds``. See the module
    docstring for the class rule.

    Examples
    --------
    >>> from kamcore._portfolio import Portfolio
    >>> p = Portfolio.from_columns(list("abcdef"), {"sales": [50.0, 20, 10, 10, 6, 4]})
    >>> r = ParetoScorer(column="sales").score(p, as_of="2025-01-01")
    >>> r.classes.tolist()
    ['A', 'A', 'A', 'A', 'B', 'C']
    >>> round(r.extras["gini"], 4)
    0.4533
    """

    column: str = attrs.field(default="sales_last_year", kw_only=True)
    shares: tuple[float, ...] = attrs.field(
        default=(0.80, 0.15, 0.05), kw_only=True, converter=_abc_shares
    )
    labels: tuple[str, ...] = attrs.field(default=("A", "B", "C"), kw_only=True)
    thresholds: tuple[float, ...] | None = attrs.field(default=None, kw_only=True)
    nan_policy: str = attrs.field(default="raise", kw_only=True)

    def __attrs_post_init__(self) -> None:
        check_column_name(self.column, "column")
        check_nan_policy(self.nan_policy)
        object.__setattr__(self, "labels", _labels(self.labels, "labels", len(self.shares)))
        object.__setattr__(
            self,
            "thresholds",
            as_threshold_tuple(self.thresholds, "thresholds", len(self.shares) - 1),
        )

    @property
    def name(self) -> str:
        """Registry name: ``"pareto"``."""
        return "pareto"

    @property
    def params(self) -> Mapping[str, Any]:
        """The fields of this scorer."""
        return _scorer_params(self)

    def _read(self, portfolio: Portfolio) -> tuple[FloatArray, Any, FloatArray]:
        values, missing = read_values(portfolio, self.column, nan_policy=self.nan_policy)
        recorded = values if missing is None else values[~missing]
        fail_where(
            recorded < 0,
            recorded,
            f"column {self.column}",
            "be >= 0 for Pareto shares (use a non-negative value column)",
        )
        return values, missing, sorted_finite(values, missing)

    def _thresholds(self, sorted_values: FloatArray) -> tuple[float, ...]:
        if self.thresholds is not None:
            return self.thresholds
        stat = _value_share_above(sorted_values)
        return suffix_thresholds(sorted_values, stat, cumulative_cuts(self.shares))

    def freeze(self, portfolio: Portfolio, *, as_of: DateLike | None = None) -> ParetoScorer:
        """Return this scorer with the class thresholds of ``portfolio`` fixed."""
        _, _, s = self._read(portfolio)
        return attrs.evolve(self, thresholds=self._thresholds(s))

    def score(self, portfolio: Portfolio, *, as_of: DateLike | None = None) -> ScoreResult:
        """Class every account of ``portfolio``; see the class docstring."""
        day = resolve_as_of(as_of)
        values, missing, s = self._read(portfolio)
        thresholds = self._thresholds(s)
        scores = last_if_missing(values, missing)
        codes = classify_desc(scores, thresholds)
        u, v = _lorenz_sorted(s)
        total = float(s.sum())
        k = len(self.labels)
        by_class = np.bincount(
            codes, weights=np.where(np.isfinite(scores), scores, 0.0), minlength=k
        )
        share = tuple(float(x) for x in (by_class / total if total > 0 else np.zeros(k)))
        return ScoreResult(
            self.name,
            portfolio.ids,
            scores,
            class_codes=codes,
            class_levels=self.labels,
            params=self.params,
            as_of=day,
            extras={
                "lorenz_x": u,
                "lorenz_y": v,
                "gini": _gini_sorted(s),
                "class_value_share": share,
                "thresholds": thresholds,
            },
        )


# --------------------------------------------------------------------------- pyramid
@attrs.frozen
class PyramidScorer:
    r"""The customer pyramid by value rank (registry name ``"pyramid"``).

    Parameters
    ----------
    column : str
        Value column; default ``"sales_last_year"``.
    preset : {"seeds", "curry"}
        Named split (see :data:`PYRAMID_PRESETS`): the sources' 1 / 19 / 30 / 50 %
        core / important / medium / small (default) or Curry's 1 / 4 / 15 / 80 %
        top / big / medium / small.
    shares, labels : sequence, optional
        Override the preset: share of *accounts* per tier (top first, sum 1) and
        the tier labels.
    thresholds : sequence of float, optional
        Fixed lowest values of every tier but the last; from the portfolio when None.
    nan_policy : {"raise", "last"}
        NaN: reject, or rank last (score ``-inf``, bottom tier).

    Notes
    -----
    An account's tier is set by the fraction of accounts with a strictly larger
    value (ties share a tier): tier k when that fraction is below the cumulative
    share of tiers 0..k. Scores are the values. Extras: ``thresholds``,
    ``tier_counts``.

    Examples
    --------
    >>> from kamcore._portfolio import Portfolio
    >>> p = Portfolio.from_columns([f"c{i}" for i in range(10)],
    ...                            {"sales": [float(v) for v in range(10)]})
    >>> PyramidScorer(column="sales", shares=(0.1, 0.2, 0.3, 0.4)).score(
    ...     p, as_of="2025-01-01").classes.tolist()[::-1]
    ['core', 'important', 'important', 'medium', 'medium', 'medium',
     'small', 'small', 'small', 'small']
    """

    column: str = attrs.field(default="sales_last_year", kw_only=True)
    preset: str = attrs.field(default="seeds", kw_only=True)
    shares: tuple[float, ...] | None = attrs.field(default=None, kw_only=True)
    labels: tuple[str, ...] | None = attrs.field(default=None, kw_only=True)
    thresholds: tuple[float, ...] | None = attrs.field(default=None, kw_only=True)
    nan_policy: str = attrs.field(default="raise", kw_only=True)

    def __attrs_post_init__(self) -> None:
        check_column_name(self.column, "column")
        check_nan_policy(self.nan_policy)
        if self.preset not in PYRAMID_PRESETS:
            raise InvalidParameterError(
                f"'preset' must be one of {sorted(PYRAMID_PRESETS)}; got {self.preset!r}."
            )
        p_shares, p_labels = PYRAMID_PRESETS[self.preset]
        shares = as_shares(p_shares if self.shares is None else self.shares, "shares")
        if self.labels is None and len(shares) != len(p_labels):
            raise InvalidParameterError(
                f"'labels' must be given when 'shares' has {len(shares)} tiers "
                f"(the preset has {len(p_labels)})."
            )
        labels = _labels(p_labels if self.labels is None else self.labels, "labels", len(shares))
        object.__setattr__(self, "shares", shares)
        object.__setattr__(self, "labels", labels)
        object.__setattr__(
            self, "thresholds", as_threshold_tuple(self.thresholds, "thresholds", len(shares) - 1)
        )

    @property
    def name(self) -> str:
        """Registry name: ``"pyramid"``."""
        return "pyramid"

    @property
    def params(self) -> Mapping[str, Any]:
        """The fields of this scorer."""
        return _scorer_params(self)

    def _thresholds(self, sorted_values: FloatArray) -> tuple[float, ...]:
        if self.thresholds is not None:
            return self.thresholds
        assert self.shares is not None
        n = sorted_values.shape[0]
        cuts = [c * n for c in cumulative_cuts(self.shares)]
        return suffix_thresholds(sorted_values, _count_above(sorted_values), cuts)

    def freeze(self, portfolio: Portfolio, *, as_of: DateLike | None = None) -> PyramidScorer:
        """Return this scorer with the tier thresholds of ``portfolio`` fixed."""
        values, missing = read_values(portfolio, self.column, nan_policy=self.nan_policy)
        return attrs.evolve(self, thresholds=self._thresholds(sorted_finite(values, missing)))

    def score(self, portfolio: Portfolio, *, as_of: DateLike | None = None) -> ScoreResult:
        """Place every account of ``portfolio`` in a tier; see the class docstring."""
        day = resolve_as_of(as_of)
        values, missing = read_values(portfolio, self.column, nan_policy=self.nan_policy)
        thresholds = self._thresholds(sorted_finite(values, missing))
        scores = last_if_missing(values, missing)
        codes = classify_desc(scores, thresholds)
        assert self.labels is not None
        counts = tuple(int(c) for c in np.bincount(codes, minlength=len(self.labels)))
        return ScoreResult(
            self.name,
            portfolio.ids,
            scores,
            class_codes=codes,
            class_levels=self.labels,
            params=self.params,
            as_of=day,
            extras={"thresholds": thresholds, "tier_counts": counts},
        )
