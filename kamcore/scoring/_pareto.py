r"""Pareto/ABC classes and the customer pyramid (value concentration as scorers).

The Lorenz curve, Gini coefficient and top share are in
:mod:`kamcore.metrics`; the scorers here class accounts on the same ordering.

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
(core, important, medium, small; the sources' pyramid), Curry's 1 / 4 / 15 /
80 % (top, big, medium, small; preset ``"curry"``) or the platinum / gold /
iron / lead tiers of Zeithaml, Rust & Lemon's customer pyramid (preset
``"zeithaml"``). That pyramid defines its tiers by profitability, not by
fixed shares; the preset's default split 5 / 15 / 30 / 50 % (a small
platinum tier of the most profitable accounts, gold below it, iron for the
volume that fills capacity, lead for the half that costs more than it
brings) is a starting point to replace with ``shares=`` once the tiers are
set from the company's own profit data.

Both reduce to value thresholds (the lowest value of each class), which
``freeze`` fixes so that later accounts or chunks are classed against the
same cut points.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

import attrs
import numpy as np
from numpy.typing import NDArray

from kamcore._params import FloatArray, fail_where
from kamcore.errors import InvalidParameterError
from kamcore.metrics._concentration import (
    _gini_sorted,
    _lorenz_sorted,
)
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
    scorer_params,
    sorted_finite,
    suffix_thresholds,
)

if TYPE_CHECKING:
    from kamcore._portfolio import Portfolio

__all__ = [
    "PYRAMID_PRESETS",
    "ParetoScorer",
    "PyramidScorer",
]

#: Named pyramid splits: shares of accounts (best tier first) and tier labels.
PYRAMID_PRESETS: Final[Mapping[str, tuple[tuple[float, ...], tuple[str, ...]]]] = {
    "seeds": ((0.01, 0.19, 0.30, 0.50), ("core", "important", "medium", "small")),
    "curry": ((0.01, 0.04, 0.15, 0.80), ("top", "big", "medium", "small")),
    "zeithaml": ((0.05, 0.15, 0.30, 0.50), ("platinum", "gold", "iron", "lead")),
}


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
        return scorer_params(self)

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
    preset : {"seeds", "curry", "zeithaml"}
        Named split (see :data:`PYRAMID_PRESETS`): the sources' 1 / 19 / 30 / 50 %
        core / important / medium / small (default), Curry's 1 / 4 / 15 / 80 %
        top / big / medium / small, or 5 / 15 / 30 / 50 % platinum / gold /
        iron / lead (Zeithaml, Rust & Lemon).
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
        if not isinstance(self.preset, str) or self.preset not in PYRAMID_PRESETS:
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
        return scorer_params(self)

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
