r"""The current-value x potential-value matrix: four quadrants (registry ``"value_matrix"``).

Two axes: *current* value :math:`c` (e.g. sales or profit last year) and
*potential* value :math:`p` (e.g. expected sales), each split in high / low
at a cut point (default: its mean over the recorded values; or given):

==============  ==================  =================  ===============================
quadrant        current value       potential value    reading
==============  ==================  =================  ===============================
``high_high``   :math:`c \ge t_c`   :math:`p \ge t_p`  invest: the most valuable now and later
``high_low``    :math:`c \ge t_c`   :math:`p < t_p`    maintain: keep the cost to serve down
``low_high``    :math:`c < t_c`     :math:`p \ge t_p`  develop: valuable, not yet developed
``low_low``     :math:`c < t_c`     :math:`p < t_p`    serve at low cost
==============  ==================  =================  ===============================

The score ranks the quadrants, :math:`2\,[c \ge t_c] + [p \ge t_p]` (3, 2, 1,
0 from ``high_high`` down): current value first, potential breaks the tie,
so a high/high account always ranks above a high/low one. The five classes
of the ``"classes"`` scorer (:class:`~kamcore.scoring.ValueClassScorer`)
refine the same matrix with the same default cut points: ``high_high`` is
*core*, ``high_low`` is *core* or *important*, ``low_high`` is *potential*,
``low_low`` is *ordinary* or *small_medium*.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

import attrs
import numpy as np

from kamcore._params import FloatArray
from kamcore.scoring._base import (
    DateLike,
    ScoreResult,
    check_column_name,
    check_nan_policy,
    last_if_missing,
    optional_threshold,
    read_values,
    resolve_as_of,
    scorer_params,
    sorted_finite,
)

if TYPE_CHECKING:
    from kamcore._portfolio import Portfolio

__all__ = ["VALUE_QUADRANTS", "ValueMatrixScorer"]

#: Quadrant labels (current/potential), best first.
VALUE_QUADRANTS: Final[tuple[str, ...]] = ("high_high", "high_low", "low_high", "low_low")


def _mean(sorted_values: FloatArray) -> float:
    return float(np.sum(sorted_values) / sorted_values.shape[0]) if sorted_values.size else 0.0


@attrs.frozen
class ValueMatrixScorer:
    """Current x potential value quadrants (registry name ``"value_matrix"``).

    Parameters
    ----------
    current : str
        Current-value column; default ``"sales_last_year"``.
    potential : str
        Potential-value column; default ``"expected_sales"``.
    current_threshold, potential_threshold : float, optional
        Fixed cut points :math:`t_c, t_p`; the means of the recorded values
        when None (see :meth:`freeze`).
    nan_policy : {"raise", "last"}
        NaN: reject, or count the value as low on its axis.

    Notes
    -----
    Scores are the quadrant ranks 3 (high_high), 2 (high_low), 1 (low_high),
    0 (low_low); classes are :data:`VALUE_QUADRANTS`; extras hold the cut
    points used. See the module docstring.

    Examples
    --------
    >>> from kamcore._portfolio import Portfolio
    >>> p = Portfolio.from_columns(list("abcd"), {
    ...     "now": [100.0, 80, 10, 10], "later": [90.0, 10, 60, 0]})
    >>> r = ValueMatrixScorer(current="now", potential="later").score(p, as_of="2025-01-01")
    >>> r.classes.tolist(), r.scores.tolist()
    (['high_high', 'high_low', 'low_high', 'low_low'], [3.0, 2.0, 1.0, 0.0])
    >>> r.extras["current_threshold"], r.extras["potential_threshold"]
    (50.0, 40.0)
    """

    current: str = attrs.field(default="sales_last_year", kw_only=True)
    potential: str = attrs.field(default="expected_sales", kw_only=True)
    current_threshold: float | None = attrs.field(default=None, kw_only=True)
    potential_threshold: float | None = attrs.field(default=None, kw_only=True)
    nan_policy: str = attrs.field(default="raise", kw_only=True)

    def __attrs_post_init__(self) -> None:
        check_column_name(self.current, "current")
        check_column_name(self.potential, "potential")
        check_nan_policy(self.nan_policy)
        for f in ("current_threshold", "potential_threshold"):
            object.__setattr__(self, f, optional_threshold(getattr(self, f), f))

    @property
    def name(self) -> str:
        """Registry name: ``"value_matrix"``."""
        return "value_matrix"

    @property
    def params(self) -> Mapping[str, Any]:
        """The fields of this scorer."""
        return scorer_params(self)

    def _read(self, portfolio: Portfolio) -> tuple[FloatArray, Any, FloatArray, Any]:
        c, cm = read_values(portfolio, self.current, nan_policy=self.nan_policy)
        p, pm = read_values(portfolio, self.potential, nan_policy=self.nan_policy)
        return c, cm, p, pm

    def _cuts(self, c: FloatArray, cm: Any, p: FloatArray, pm: Any) -> tuple[float, float]:
        t_c = self.current_threshold
        if t_c is None:
            t_c = _mean(sorted_finite(c, cm))
        t_p = self.potential_threshold
        if t_p is None:
            t_p = _mean(sorted_finite(p, pm))
        return t_c, t_p

    def freeze(self, portfolio: Portfolio, *, as_of: DateLike | None = None) -> ValueMatrixScorer:
        """Return this scorer with the cut points of ``portfolio`` fixed."""
        t_c, t_p = self._cuts(*self._read(portfolio))
        return attrs.evolve(self, current_threshold=t_c, potential_threshold=t_p)

    def score(self, portfolio: Portfolio, *, as_of: DateLike | None = None) -> ScoreResult:
        """Place every account of ``portfolio`` in a quadrant; see the module docstring."""
        day = resolve_as_of(as_of)
        c, cm, p, pm = self._read(portfolio)
        t_c, t_p = self._cuts(c, cm, p, pm)
        high_c = last_if_missing(c, cm) >= t_c
        high_p = last_if_missing(p, pm) >= t_p
        rank = 2 * high_c.astype(np.int8) + high_p.astype(np.int8)
        codes = (3 - rank).astype(np.int8)
        return ScoreResult(
            self.name,
            portfolio.ids,
            rank.astype(np.float64),
            class_codes=codes,
            class_levels=VALUE_QUADRANTS,
            params=self.params,
            as_of=day,
            extras={"current_threshold": t_c, "potential_threshold": t_p},
        )
