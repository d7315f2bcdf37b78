r"""Ranking by customer lifetime profit (registry name ``"clp"``).

The score of an account is Gupta & Lehmann's margin multiple

.. math:: \mathrm{CLP} = m \, \frac{r}{1 + d - r},

with margin :math:`m` per period (currency units), retention :math:`r \in [0, 1]`
per period and discount rate :math:`d` per period (first margin one period
from now), computed by :func:`kamcore.clp._closed_form.margin_multiple`.
Optional grades come from absolute CLP cut-offs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from kamcore._params import as_float_scalar, fail_where
from kamcore.clp._closed_form import margin_multiple_kernel
from kamcore.errors import InvalidParameterError
from kamcore.scoring._base import (
    DateLike,
    ScoreResult,
    check_column_name,
    check_nan_policy,
    read_values,
    resolve_as_of,
    scorer_params,
)
from kamcore.scoring._rubric import GradeScale

if TYPE_CHECKING:
    from kamcore._portfolio import Portfolio

__all__ = ["CLPScorer"]


@attrs.frozen
class CLPScorer:
    """Scores = customer lifetime profit ``m r / (1 + d - r)`` (registry ``"clp"``).

    Parameters
    ----------
    margin : str
        Margin-per-period column (currency units); default ``"margin"``.
    retention : str
        Retention-probability column, in [0, 1]; default ``"retention"``.
    discount_rate : float
        Discount rate d per period (> -1, with r < 1 + d); default 0.1.
    grade_labels, grade_cutoffs : sequences, optional
        Grades from absolute CLP minimums (e.g. ``("A", "B", "C")`` and
        ``(10000, 1000)``); no grades when None.
    nan_policy : {"raise", "last"}
        NaN margin or retention: reject, or rank last (score ``-inf``).

    Examples
    --------
    >>> from kamcore._portfolio import Portfolio
    >>> p = Portfolio.from_columns(["a", "b"], {"margin": [100.0, 100.0],
    ...                                         "retention": [0.8, 0.5]})
    >>> CLPScorer().score(p, as_of="2025-01-01").scores.round(3).tolist()
    [266.667, 83.333]
    """

    margin: str = attrs.field(default="margin", kw_only=True)
    retention: str = attrs.field(default="retention", kw_only=True)
    discount_rate: float = attrs.field(default=0.1, kw_only=True)
    grade_labels: tuple[str, ...] | None = attrs.field(default=None, kw_only=True)
    grade_cutoffs: tuple[float, ...] | None = attrs.field(default=None, kw_only=True)
    nan_policy: str = attrs.field(default="raise", kw_only=True)

    def __attrs_post_init__(self) -> None:
        check_column_name(self.margin, "margin")
        check_column_name(self.retention, "retention")
        check_nan_policy(self.nan_policy)
        d = as_float_scalar(self.discount_rate, "discount_rate")
        if d <= -1:
            raise InvalidParameterError(f"'discount_rate' must be > -1; got {d!r}.")
        object.__setattr__(self, "discount_rate", d)
        if (self.grade_labels is None) != (self.grade_cutoffs is None):
            raise InvalidParameterError("give both 'grade_labels' and 'grade_cutoffs', or neither.")
        if self.grade_labels is not None and self.grade_cutoffs is not None:
            scale = GradeScale(tuple(self.grade_labels), self.grade_cutoffs)
            object.__setattr__(self, "grade_labels", scale.labels)
            object.__setattr__(self, "grade_cutoffs", scale.cutoffs)

    @property
    def name(self) -> str:
        """Registry name: ``"clp"``."""
        return "clp"

    @property
    def params(self) -> Mapping[str, Any]:
        """The fields of this scorer."""
        return scorer_params(self)

    def score(self, portfolio: Portfolio, *, as_of: DateLike | None = None) -> ScoreResult:
        """Score every account of ``portfolio`` by its lifetime profit."""
        day = resolve_as_of(as_of)
        m, mm = read_values(portfolio, self.margin, nan_policy=self.nan_policy)
        r, rm = read_values(portfolio, self.retention, nan_policy=self.nan_policy)
        missing = None
        if mm is not None or rm is not None:
            missing = np.zeros(m.shape, dtype=bool)
            for mask in (mm, rm):
                if mask is not None:
                    missing |= mask
            m = np.where(missing, 0.0, m)
            r = np.where(missing, 0.0, r)
        # this scorer is the boundary: the columns are checked here, once, then the
        # trusted kernel runs (read_values rejected NaN or zeroed the missing rows above)
        d = self.discount_rate
        # with d > 0 every r in [0, 1] converges; otherwise r must stay below 1 + d
        bad = (r < 0.0) | (r > 1.0) if d > 0 else (r < 0.0) | (r >= 1.0 + d)
        fail_where(
            bad, r, self.retention, f"be a retention in [0, 1] and < 1 + discount_rate ({1 + d:g})"
        )
        clp = np.atleast_1d(margin_multiple_kernel(m, r, d))
        if not np.isfinite(clp).all():
            fail_where(~np.isfinite(clp), clp, "clp", "be finite (margins too large for float64)")
        if missing is not None:
            clp[missing] = -math.inf
        grades: dict[str, Any] = {}
        if self.grade_labels is not None and self.grade_cutoffs is not None:
            scale = GradeScale(self.grade_labels, self.grade_cutoffs)
            grades = {"grade_codes": scale.codes(clp), "grade_levels": scale.labels}
        return ScoreResult(
            self.name,
            portfolio.ids,
            clp,
            params=self.params,
            as_of=day,
            **grades,
        )
