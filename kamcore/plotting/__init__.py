"""Plots as Display objects (scikit-learn style): compute once, ``.plot(ax=None)``.

matplotlib is optional (extra ``plot``) and imported only inside ``plot``.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from kamcore._columns import FrozenArrays
from kamcore._optional import require
from kamcore._params import NONNEGATIVE, as_float_array, readonly
from kamcore.errors import InvalidParameterError
from kamcore.metrics import gini, lorenz_curve

__all__ = ["LorenzCurveDisplay"]


@attrs.frozen(eq=False, repr=False)
class LorenzCurveDisplay(FrozenArrays):
    """The Lorenz curve of a value column: share of accounts vs share of value.

    Attributes
    ----------
    account_share : ndarray, shape (N + 1,)
        Cumulative share of accounts, 0 .. 1, accounts sorted by ascending value.
    value_share : ndarray, shape (N + 1,)
        Cumulative share of value at each point.
    gini : float
        ``1 - sum (du_k)(v_k + v_{k-1})`` over the curve
        (:func:`kamcore.scoring.gini`, which also computes the curve).
    label : str
        Name of the value (axis label).

    Examples
    --------
    >>> d = LorenzCurveDisplay.from_values([1.0, 1.0, 1.0, 1.0])
    >>> round(d.gini, 12)
    0.0
    >>> round(LorenzCurveDisplay.from_values([0.0, 0.0, 0.0, 5.0]).gini, 12)
    0.75
    """

    account_share: NDArray[np.float64]
    value_share: NDArray[np.float64]
    gini: float
    label: str = "value"

    @classmethod
    def from_values(cls, values: ArrayLike, *, label: str = "value") -> LorenzCurveDisplay:
        """Compute the curve from non-negative values, shape (N,), N >= 1, positive total.

        Raises
        ------
        InvalidParameterError
            Negative, non-finite or empty values, or a zero total.
        """
        v = as_float_array(values, label, domain=NONNEGATIVE, ndim=1, allow_empty=False)
        total = v.sum()
        if total <= 0:
            raise InvalidParameterError(f"{label!r} must have a positive total; got {total!r}.")
        u, cum = lorenz_curve(v)
        return cls(readonly(u), readonly(cum), gini(v), label)

    def plot(self, ax: Any = None) -> Any:
        """Draw the curve and the line of equality on ``ax`` (a new figure if None); return ax."""
        if ax is None:
            _, ax = require("matplotlib.pyplot").subplots()
        ax.plot(self.account_share, self.value_share, label=f"Lorenz curve (Gini {self.gini:.2f})")
        ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="equality")
        ax.set_xlabel("share of accounts (ascending value)")
        ax.set_ylabel(f"share of {self.label}")
        ax.legend(loc="upper left")
        return ax
