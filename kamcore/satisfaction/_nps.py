r"""Net Promoter Score from 0-10 answers, with a confidence interval.

Answers to "how likely are you to recommend us?" on 0..10 fall into
promoters (9-10), passives (7-8) and detractors (0-6). With :math:`n`
answers, :math:`p_P` and :math:`p_D` the shares of promoters and detractors,

.. math::

    \text{NPS} = 100\,(p_P - p_D) \in [-100, 100].

Confidence interval: the three categories are one multinomial draw, so
:math:`\operatorname{Var}(\hat p_P - \hat p_D) = [p_P + p_D - (p_P - p_D)^2] / n`
(the covariance of two multinomial shares is :math:`-p_P p_D / n`). The
interval is the normal (Wald) approximation
:math:`\text{NPS} \pm z_{1-\alpha/2} \cdot 100\sqrt{\operatorname{Var}}`,
clipped to [-100, 100]. It is poor for small :math:`n` and collapses to a
point when every answer falls in one category; read it with the count.

Per customer (given the customer of every answer) the same figures are
computed for every customer at once with ``np.unique`` and ``bincount``.
"""

from __future__ import annotations

from typing import Any, ClassVar

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special  # type: ignore[import-untyped]

from kamcore._columns import CustomerColumns
from kamcore._params import (
    UNIT_OPEN,
    FloatArray,
    IntArray,
    Interval,
    as_float_scalar,
    as_id_array,
    as_int_array,
    check_fields,
    frozen_array,
    same_length,
)
from kamcore.errors import InvalidParameterError

__all__ = ["NpsByCustomer", "NpsResult", "nps"]

_ANSWERS = Interval(0.0, 10.0)


@attrs.frozen(eq=False, repr=False)
class NpsByCustomer(CustomerColumns):
    """NPS per customer (read-only arrays, one entry per customer, ids sorted).

    Parameters
    ----------
    ids : array of str, shape (C,)
        Customer ids, sorted.
    n, promoters, passives, detractors : array of int64, shape (C,)
        Answers, and answers of 9-10, 7-8 and 0-6, per customer.
    score, standard_error, ci_low, ci_high : array of float64, shape (C,)
        As in :class:`NpsResult`, per customer (percentage points).

    Examples
    --------
    >>> from kamcore.satisfaction import nps
    >>> r = nps([10, 9, 3, 8], customer_ids=["a", "a", "b", "b"])
    >>> r.by_customer.ids.tolist(), r.by_customer.score.tolist()
    (['a', 'b'], [100.0, -50.0])
    """

    #: fields whose NaN is a documented "no value" marker
    _NAN_OK: ClassVar[tuple[str, ...]] = ()

    def __attrs_post_init__(self) -> None:
        check_fields(self, nan_ok=self._NAN_OK)

    ids: NDArray[np.str_] = attrs.field(converter=frozen_array)
    n: IntArray = attrs.field(converter=frozen_array)
    promoters: IntArray = attrs.field(converter=frozen_array)
    passives: IntArray = attrs.field(converter=frozen_array)
    detractors: IntArray = attrs.field(converter=frozen_array)
    score: FloatArray = attrs.field(converter=frozen_array)
    standard_error: FloatArray = attrs.field(converter=frozen_array)
    ci_low: FloatArray = attrs.field(converter=frozen_array)
    ci_high: FloatArray = attrs.field(converter=frozen_array)


@attrs.frozen
class NpsResult:
    r"""The Net Promoter Score of a set of answers (frozen).

    Parameters
    ----------
    n : int
        Answers.
    promoters, passives, detractors : int
        Answers of 9-10, 7-8 and 0-6.
    score : float
        NPS = 100 (promoters - detractors) / n, in percentage points.
    standard_error : float
        :math:`100\sqrt{[p_P + p_D - (p_P - p_D)^2]/n}`.
    ci_low, ci_high : float
        The normal-approximation interval at ``confidence``, clipped to [-100, 100].
    confidence : float
        The confidence level.
    by_customer : NpsByCustomer or None
        Per-customer figures when customer ids were given.

    Examples
    --------
    >>> from kamcore.satisfaction import nps
    >>> r = nps([10, 9, 8, 6, 10])
    >>> r.promoters, r.detractors, r.score
    (3, 1, 40.0)
    """

    #: fields whose NaN is a documented "no value" marker
    _NAN_OK: ClassVar[tuple[str, ...]] = ()

    def __attrs_post_init__(self) -> None:
        check_fields(self, nan_ok=self._NAN_OK)

    n: int
    promoters: int
    passives: int
    detractors: int
    score: float
    standard_error: float
    ci_low: float
    ci_high: float
    confidence: float
    by_customer: NpsByCustomer | None = None


def _figures(n: Any, promoters: Any, detractors: Any, z: float) -> tuple[Any, Any, Any, Any]:
    n_f = np.asarray(n, dtype=np.float64)
    p_p = promoters / n_f
    p_d = detractors / n_f
    diff = p_p - p_d
    var = np.maximum(p_p + p_d - diff * diff, 0.0) / n_f
    se = 100.0 * np.sqrt(var)
    score = 100.0 * (np.asarray(promoters) - np.asarray(detractors)) / n_f
    return score, se, np.clip(score - z * se, -100.0, 100.0), np.clip(score + z * se, -100.0, 100.0)


def nps(
    scores: ArrayLike, customer_ids: ArrayLike | None = None, *, confidence: float = 0.95
) -> NpsResult:
    """Net Promoter Score of 0-10 answers, overall and optionally per customer.

    Parameters
    ----------
    scores : array_like of int, shape (N,)
        Answers, whole numbers in 0..10 (N >= 1).
    customer_ids : array_like of str, shape (N,), optional
        The customer of every answer; fills :attr:`NpsResult.by_customer`.
    confidence : float
        Confidence level of the interval, in (0, 1); default 0.95.

    Returns
    -------
    NpsResult
        The score with its promoter, passive and detractor counts and standard error.

    Raises
    ------
    InvalidParameterError
        No answers, answers outside 0..10 or not whole, NaN, a bad confidence.
    ShapeMismatchError
        ``customer_ids`` of another length.

    Examples
    --------
    >>> r = nps([10, 9, 9, 8, 7, 6, 5, 10, 3, 8])
    >>> (r.promoters, r.passives, r.detractors), r.score
    ((4, 3, 3), 10.0)
    >>> round(r.standard_error, 2), round(r.ci_low, 2), round(r.ci_high, 2)
    (26.27, -41.48, 61.48)
    >>> by = nps([10, 0, 9, 7], ["b", "a", "b", "a"]).by_customer
    >>> by.ids.tolist(), by.score.tolist()
    (['a', 'b'], [-50.0, 100.0])
    """
    s = as_int_array(scores, "scores", ndim=1, domain=_ANSWERS)
    if s.size == 0:
        raise InvalidParameterError("'scores' must hold at least one answer; got 0 values.")
    level = as_float_scalar(confidence, "confidence", domain=UNIT_OPEN)
    z = float(special.ndtri(0.5 + level / 2.0))
    promoter = s >= 9
    detractor = s <= 6
    n = int(s.size)
    n_p = int(np.count_nonzero(promoter))
    n_d = int(np.count_nonzero(detractor))
    score, se, lo, hi = _figures(n, n_p, n_d, z)
    by: NpsByCustomer | None = None
    if customer_ids is not None:
        ids = as_id_array(customer_ids, "customer_ids")
        same_length({"scores": s, "customer_ids": ids})
        uniq, inverse = np.unique(ids.astype(str), return_inverse=True)
        k = uniq.shape[0]
        cn = np.bincount(inverse, minlength=k).astype(np.int64)
        cp = np.bincount(inverse, weights=promoter, minlength=k).astype(np.int64)
        cd = np.bincount(inverse, weights=detractor, minlength=k).astype(np.int64)
        c_score, c_se, c_lo, c_hi = _figures(cn, cp, cd, z)
        by = NpsByCustomer(uniq, cn, cp, cn - cp - cd, cd, c_score, c_se, c_lo, c_hi)
    return NpsResult(
        n,
        n_p,
        n - n_p - n_d,
        n_d,
        float(score),
        float(se),
        float(lo),
        float(hi),
        level,
        by,
    )
