"""The satisfaction index on 0-100 from per-account satisfaction scores."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from kamcore._params import (
    NONNEGATIVE,
    Interval,
    as_float_array,
    as_float_scalar,
    same_length,
)
from kamcore.errors import InvalidParameterError


def satisfaction_index(
    scores: ArrayLike,
    *,
    scale: tuple[float, float] = (1.0, 7.0),
    weights: ArrayLike | None = None,
) -> float:
    r"""Satisfaction index on 0-100 from per-account satisfaction scores.

    .. math:: I = 100 \, \frac{\sum_i w_i s_i / \sum_i w_i - L}{U - L}

    with (L, U) the score scale (e.g. 1-7 survey scores; use the satisfaction
    module's overall score per account). Weights (e.g. revenue) make it the
    satisfaction of the business rather than of the head count.

    Parameters
    ----------
    scores : array-like of float, shape (N,)
        Scores within ``scale``.
    scale : (float, float)
        Lowest and highest possible score, L < U.
    weights : array-like of float, shape (N,), optional
        Non-negative weights with a positive sum; equal weights by default.

    Returns
    -------
    float
        Index in [0, 100].

    Raises
    ------
    InvalidParameterError
        Empty or non-finite scores, scores outside the scale, a bad scale,
        negative weights or weights summing to 0.
    ShapeMismatchError
        Scores and weights of different lengths.

    Examples
    --------
    >>> satisfaction_index([4.0, 7.0, 5.5])
    75.0
    >>> satisfaction_index([4.0, 7.0], weights=[3.0, 1.0])
    62.5
    """
    if not isinstance(scale, (tuple, list)) or len(scale) != 2:
        raise InvalidParameterError(f"'scale' must be a pair (low, high); got {scale!r}.")
    lo = as_float_scalar(scale[0], "scale[0]")
    hi = as_float_scalar(scale[1], "scale[1]")
    if not lo < hi:
        raise InvalidParameterError(f"'scale' must have low < high; got {scale!r}.")
    s = as_float_array(scores, "scores", ndim=1, allow_empty=False, domain=Interval(lo, hi))
    if weights is None:
        mean = float(s.mean())
    else:
        w = as_float_array(weights, "weights", ndim=1, domain=NONNEGATIVE)
        same_length({"scores": s, "weights": w})
        wsum = float(w.sum())
        if wsum <= 0:
            raise InvalidParameterError(f"'weights' must have a positive sum; got {wsum!r}.")
        mean = float(np.dot(w, s) / wsum)
    return 100.0 * (mean - lo) / (hi - lo)
