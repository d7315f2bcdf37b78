r"""The five customer classes of the KAM model from a current x potential value matrix.

Two axes: *current* value :math:`c` (e.g. sales or profit last year) and
*potential* value :math:`p` (e.g. expected sales). Four cut points:

- :math:`t_c` splits current value into high / low (default: the mean of c);
- :math:`t_p` splits potential value into high / low (default: the mean of p);
- :math:`t_{core} \ge t_c` separates the highest current values (default: the
  mean of the c values at or above :math:`t_c`, the "upper mean");
- :math:`t_{small} \le t_c` separates the smallest (default: the mean of the c
  values below :math:`t_c`, the "lower mean").

Mapping (first match wins; classes listed from most to least valuable):

============  =========================  ==================  ===========================
class         current value              potential value     reading
============  =========================  ==================  ===========================
core          :math:`c \ge t_{core}`     any                 highest value now
core          :math:`c \ge t_c`          :math:`p \ge t_p`   high now and later
important     :math:`t_c \le c < t_{core}`  :math:`p < t_p`  most of the profit
potential     :math:`c < t_c`            :math:`p \ge t_p`   valuable, not yet developed
ordinary      :math:`t_{small} \le c < t_c`  :math:`p < t_p` low profit, low-cost upkeep
small_medium  :math:`c < t_{small}`      :math:`p < t_p`     kept for presence
============  =========================  ==================  ===========================

Against the four quadrants of the ``"value_matrix"`` scorer
(:class:`~kamcore.scoring.ValueMatrixScorer`, same default cut points
:math:`t_c, t_p`): high/high -> core; high/low -> core or important;
low/high -> potential; low/low -> ordinary or small_medium. So the class of a
high/high account is never below the class of a high/low one: a high current
value with high potential is core even below :math:`t_{core}`.

Means are taken over the sorted recorded values, so they are the same float
for any order of the accounts. ``freeze`` fixes the four cut points.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

import attrs
import numpy as np

from kamcore._params import FloatArray
from kamcore.errors import InvalidParameterError
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

__all__ = ["VALUE_CLASSES", "ValueClassScorer"]

#: Class labels, most valuable first.
VALUE_CLASSES: Final[tuple[str, ...]] = (
    "core",
    "important",
    "potential",
    "ordinary",
    "small_medium",
)


def _sorted_mean(sorted_values: FloatArray) -> float:
    return float(np.sum(sorted_values) / sorted_values.shape[0]) if sorted_values.size else 0.0


@attrs.frozen
class ValueClassScorer:
    """Core / important / potential / ordinary / small-medium classes (registry ``"classes"``).

    Parameters
    ----------
    current : str
        Current-value column; default ``"sales_last_year"``.
    potential : str
        Potential-value column; default ``"expected_sales"``.
    current_threshold, potential_threshold, core_threshold, small_threshold : float, optional
        Fixed cut points :math:`t_c, t_p, t_{core}, t_{small}`; the means
        described in the module docstring when None.
    nan_policy : {"raise", "last"}
        NaN: reject, or treat as the lowest value on that axis (score ``-inf``
        when the current value is missing).

    Notes
    -----
    Scores are the current values; extras hold the cut points used.

    Examples
    --------
    >>> from kamcore._portfolio import Portfolio
    >>> p = Portfolio.from_columns(list("abcdef"), {
    ...     "now": [100.0, 60, 30, 10, 5, 1], "later": [50.0, 10, 10, 80, 5, 5]})
    >>> ValueClassScorer(current="now", potential="later").score(
    ...     p, as_of="2025-01-01").classes.tolist()
    ['core', 'important', 'ordinary', 'potential', 'small_medium', 'small_medium']
    """

    current: str = attrs.field(default="sales_last_year", kw_only=True)
    potential: str = attrs.field(default="expected_sales", kw_only=True)
    current_threshold: float | None = attrs.field(default=None, kw_only=True)
    potential_threshold: float | None = attrs.field(default=None, kw_only=True)
    core_threshold: float | None = attrs.field(default=None, kw_only=True)
    small_threshold: float | None = attrs.field(default=None, kw_only=True)
    nan_policy: str = attrs.field(default="raise", kw_only=True)

    def __attrs_post_init__(self) -> None:
        check_column_name(self.current, "current")
        check_column_name(self.potential, "potential")
        check_nan_policy(self.nan_policy)
        for f in ("current_threshold", "potential_threshold", "core_threshold", "small_threshold"):
            object.__setattr__(self, f, optional_threshold(getattr(self, f), f))

    @property
    def name(self) -> str:
        """Registry name: ``"classes"``."""
        return "classes"

    @property
    def params(self) -> Mapping[str, Any]:
        """The fields of this scorer."""
        return scorer_params(self)

    def _read(self, portfolio: Portfolio) -> tuple[FloatArray, Any, FloatArray, Any]:
        c, cm = read_values(portfolio, self.current, nan_policy=self.nan_policy)
        p, pm = read_values(portfolio, self.potential, nan_policy=self.nan_policy)
        return c, cm, p, pm

    def _cuts(self, c: FloatArray, cm: Any, p: FloatArray, pm: Any) -> tuple[float, ...]:
        cs = sorted_finite(c, cm)
        t_c = self.current_threshold if self.current_threshold is not None else _sorted_mean(cs)
        t_p = (
            self.potential_threshold
            if self.potential_threshold is not None
            else _sorted_mean(sorted_finite(p, pm))
        )
        split = int(np.searchsorted(cs, t_c, side="left"))
        t_core = self.core_threshold
        if t_core is None:
            t_core = _sorted_mean(cs[split:]) if split < cs.size else t_c
        t_small = self.small_threshold
        if t_small is None:
            t_small = _sorted_mean(cs[:split]) if split > 0 else t_c
        if not t_small <= t_c <= t_core:
            raise InvalidParameterError(
                "cut points must satisfy small_threshold <= current_threshold <= core_threshold; "
                f"got {t_small!r}, {t_c!r}, {t_core!r}."
            )
        return t_c, t_p, t_core, t_small

    def freeze(self, portfolio: Portfolio, *, as_of: DateLike | None = None) -> ValueClassScorer:
        """Return this scorer with the cut points of ``portfolio`` fixed."""
        t_c, t_p, t_core, t_small = self._cuts(*self._read(portfolio))
        return attrs.evolve(
            self,
            current_threshold=t_c,
            potential_threshold=t_p,
            core_threshold=t_core,
            small_threshold=t_small,
        )

    def score(self, portfolio: Portfolio, *, as_of: DateLike | None = None) -> ScoreResult:
        """Class every account of ``portfolio``; see the module docstring."""
        day = resolve_as_of(as_of)
        c, cm, p, pm = self._read(portfolio)
        t_c, t_p, t_core, t_small = self._cuts(c, cm, p, pm)
        cur = last_if_missing(c, cm)
        pot = last_if_missing(p, pm)
        high_c = cur >= t_c
        codes = np.where(
            high_c,
            np.where((cur >= t_core) | (pot >= t_p), 0, 1),
            np.where(pot >= t_p, 2, np.where(cur >= t_small, 3, 4)),
        ).astype(np.int8)
        return ScoreResult(
            self.name,
            portfolio.ids,
            cur,
            class_codes=codes,
            class_levels=VALUE_CLASSES,
            params=self.params,
            as_of=day,
            extras={
                "current_threshold": t_c,
                "potential_threshold": t_p,
                "core_threshold": t_core,
                "small_threshold": t_small,
            },
        )
