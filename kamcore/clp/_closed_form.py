"""Closed-form contractual customer lifetime profit (CLP) and customer equity.

A customer brings a margin ``m`` per period, stays from one period to the next
with probability ``r`` (retention) and cash is discounted at rate ``d`` per
period. With ``q = r / (1 + d)`` the expected discounted profit is a geometric
series, so every function here is a closed form that broadcasts over arrays of
customers (numpy rules) and never loops over periods or customers.

Timing conventions
------------------
The three textbook formulas differ only in *when* cash arrives.
``timing`` names the choice explicitly:

=================  ==========================  ===============================
``timing``          cash flow k = 1, 2, ...     infinite-horizon value
=================  ==========================  ===============================
``"end"``           at ``k``, after ``k``       ``m r / (1 + d - r)``
                    renewals (weight ``q^k``)   (Gupta & Lehmann margin multiple)
``"start"``         at ``k - 1``, after ``k-1`` ``m (1 + d) / (1 + d - r)``
                    renewals (``q^(k-1)``)      (Blattberg et al.; first margin now)
``"end_certain"``   at ``k``, after ``k - 1``   ``m / (1 + d - r)``
                    renewals                    (first margin certain, paid at the
                    (``q^(k-1) / (1 + d)``)     end of the current period; Ofek)
=================  ==========================  ===============================

so ``start = m + end``, ``end_certain = start / (1 + d)`` and
``end = end_certain * r``. A finite horizon ``T`` keeps the first ``T`` cash
flows: with ``S_T = sum_{k=0}^{T-1} q^k = (1 - q^T) / (1 - q)`` the values are
``m q S_T``, ``m S_T`` and ``m S_T / (1 + d)``.
"""

from __future__ import annotations

import math
from typing import Any, Final, Literal

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from kamcore._columns import FrozenArrays
from kamcore._params import (
    NONNEGATIVE,
    PROBABILITY,
    FloatArray,
    Interval,
    as_count,
    as_float_array,
    as_float_scalar,
    as_int_array,
    broadcast,
    check_in,
    fail_where,
    readonly,
    same_length,
)
from kamcore.errors import InvalidParameterError, ShapeMismatchError

__all__ = [
    "TIMINGS",
    "CustomerEquity",
    "Timing",
    "customer_equity",
    "expected_lifetime",
    "lifetime_profit",
    "margin_multiple",
]

Timing = Literal["end", "start", "end_certain"]
"""Name of a cash-timing convention; see the module docstring."""

TIMINGS: Final[tuple[str, ...]] = ("end", "start", "end_certain")
"""All accepted values of ``timing``."""

DISCOUNT_RATE: Final = Interval(-1.0, math.inf, low_closed=False)
"""Declared domain of a per-period discount rate: ``d > -1``."""


# ----------------------------------------------------------------- helpers (shared by clp modules)
def _check_timing(timing: object) -> None:
    check_in(timing, "timing", TIMINGS)


def _result(arr: FloatArray) -> FloatArray | float:
    """Return a 0-d result as a Python ``float``, else the array."""
    if arr.ndim == 0:
        return float(arr)
    return arr


def _finite_result(values: NDArray[Any], name: str) -> None:
    """Raise if a computed result overflowed (possible only with ``d < 0`` or huge inputs)."""
    fail_where(
        ~np.isfinite(values),
        values,
        name,
        "be finite, but the result overflows float64 (check discount_rate < 0 with a long "
        "horizon, or the size of the margins)",
    )


def _matrix_geometric_sum(
    a: FloatArray, n: int, *, stochastic_discount: float | None = None
) -> FloatArray:
    r"""Return :math:`S_n = \sum_{t=0}^{n-1} A^t` in ``O(log n)`` matrix products.

    Binary doubling over the bits of ``n`` (most significant first):
    :math:`S_{2k} = S_k + A^k S_k`, :math:`A^{2k} = (A^k)^2` and
    :math:`S_{k+1} = I + A S_k`, so a horizon of :math:`10^{15}` periods costs
    about 50 products of ``(S, S)`` matrices instead of a loop over the periods.
    Overflow (a spectral radius above 1 over a long horizon) gives ``inf``/NaN
    entries, which the caller refuses with :func:`_finite_result`.

    With ``stochastic_discount=d``, :math:`A = P/(1+d)` for a row-stochastic
    :math:`P`: every row of :math:`A^k` then sums to :math:`(1+d)^{-k}` and every
    row of :math:`S_k` to :math:`\sum_{t<k}(1+d)^{-t}`, and the rows are rescaled
    to those sums after every step. Without it, rounding in the direction of the
    eigenvalue :math:`1/(1+d)` doubles with every squaring (a relative error of
    about :math:`2^{50}\epsilon \approx 0.2` at :math:`10^{15}` undiscounted
    periods); with it the error stays at rounding level.
    """
    size = a.shape[0]
    eye = np.eye(size)
    total = np.zeros((size, size))
    power = eye
    k = 0
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for bit in bin(n)[2:]:
            total = total + power @ total
            power = power @ power
            k *= 2
            if bit == "1":
                total = eye + a @ total
                power = a @ power
                k += 1
            if stochastic_discount is not None:
                power, total = _rescale_rows(power, total, k, stochastic_discount)
    return total


def _rescale_rows(
    power: FloatArray, total: FloatArray, k: int, d: float
) -> tuple[FloatArray, FloatArray]:
    """Rescale the rows of A^k and S_k to their exact sums (see _matrix_geometric_sum)."""
    log_q = -math.log1p(d)
    want_power = float(np.exp(k * log_q))  # inf (refused by the caller) when d < 0 overflows
    want_total = float(k) if d == 0.0 else float(np.expm1(k * log_q) / np.expm1(log_q))
    out = []
    for mat, want in ((power, want_power), (total, want_total)):
        sums = mat.sum(axis=1)
        ok = (sums > 0) & np.isfinite(sums) & np.isfinite(want) & (want > 1e-280)
        out.append(np.where(ok[:, None], mat * (want / np.where(ok, sums, 1.0))[:, None], mat))
    return out[0], out[1]


def _timing_factor(timing: str, q: FloatArray, discount_rate: FloatArray) -> FloatArray:
    """Weight of the first cash flow relative to ``S_T`` (``q``, ``1`` or ``1/(1+d)``)."""
    if timing == "end":
        return q
    if timing == "start":
        return np.ones_like(q)
    return 1.0 / (1.0 + discount_rate)


def _geometric_sum(
    retention: FloatArray,
    discount_rate: FloatArray,
    n_periods: NDArray[Any] | None,
) -> FloatArray:
    """``S_T = sum_{k=0}^{T-1} q^k`` with ``q = r / (1 + d)``; ``T = None`` for infinity.

    Kernel: inputs are validated, broadcast arrays; the infinite case requires ``q < 1``.
    Uses ``1 - q = ((1 - r) + d) / (1 + d)`` and ``1 - q^T = -expm1(T log q)`` so that
    values of ``q`` near 1 keep full precision.
    """
    one_minus_q = ((1.0 - retention) + discount_rate) / (1.0 + discount_rate)
    if n_periods is None:
        return 1.0 / one_minus_q
    t = n_periods.astype(np.float64)
    positive = retention > 0.0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        log_q = np.log(np.where(positive, retention, 1.0)) - np.log1p(discount_rate)
        one_minus_qt = np.where(positive, -np.expm1(t * log_q), np.where(t > 0, 1.0, 0.0))
        ratio = one_minus_qt / one_minus_q
    return np.where(one_minus_q == 0.0, t, ratio)


# ----------------------------------------------------------------- public API
def lifetime_profit(
    margin: ArrayLike,
    retention: ArrayLike,
    discount_rate: ArrayLike,
    *,
    n_periods: ArrayLike | None = None,
    timing: Timing = "end",
    acquisition_cost: ArrayLike = 0.0,
    cost_to_serve: ArrayLike = 0.0,
) -> FloatArray | float:
    r"""Return the expected discounted lifetime profit for constant margin and retention.

    .. math::

        \mathrm{CLP} = (m - c)\, f \sum_{k=0}^{T-1} q^k - A
                     = (m - c)\, f\, \frac{1 - q^T}{1 - q} - A,
        \qquad q = \frac{r}{1 + d},

    with ``f = q`` (``timing="end"``), ``1`` (``"start"``) or ``1 / (1 + d)``
    (``"end_certain"``); for an infinite horizon ``(1 - q^T)/(1 - q)`` becomes
    ``(1 + d)/(1 + d - r)``, giving ``m r/(1+d-r)``, ``m (1+d)/(1+d-r)`` and
    ``m/(1+d-r)``. See the module docstring for the cash-flow pattern of each
    timing. The acquisition cost ``A`` is paid now (undiscounted, certain).

    Parameters
    ----------
    margin
        Gross margin ``m`` per period (currency units), any real; shape broadcastable
        with the other arguments.
    retention
        Probability ``r`` in [0, 1] that a customer renews from one period to the next.
    discount_rate
        Discount rate ``d > -1`` per period (e.g. 0.1 for 10 %).
    n_periods
        Number ``T >= 0`` of cash flows counted (whole periods), scalar or array;
        ``None`` (default) for an infinite horizon.
    timing
        ``"end"`` (default, Gupta & Lehmann), ``"start"`` (Blattberg et al.) or
        ``"end_certain"``; see the module docstring.
    acquisition_cost
        Cost ``A >= 0`` paid now (currency units); subtracted once.
    cost_to_serve
        Cost ``c >= 0`` per period of serving the customer, netted from the margin.

    Returns
    -------
    numpy.ndarray or float
        CLP per customer, the broadcast shape of the inputs (a ``float`` when every
        input is a scalar).

    Raises
    ------
    InvalidParameterError
        NaN/infinite inputs, a retention outside [0, 1], ``d <= -1``, negative costs
        or horizons, an unknown ``timing``, or (infinite horizon) ``r >= 1 + d``,
        where the series diverges.
    ShapeMismatchError
        Inputs that do not broadcast together.

    Examples
    --------
    >>> lifetime_profit(100.0, 0.8, 0.1)          # 100 * 0.8 / 0.3
    266.667
    >>> lifetime_profit(100.0, 0.8, 0.1, timing="start")   # 100 * 1.1 / 0.3
    366.667
    >>> lifetime_profit([100.0, 50.0], 0.8, 0.1, n_periods=1, acquisition_cost=20.0)
    array([52.727, 16.364])
    """
    _check_timing(timing)
    m = as_float_array(margin, "margin")
    r = as_float_array(retention, "retention", domain=PROBABILITY)
    d = as_float_array(discount_rate, "discount_rate", domain=DISCOUNT_RATE)
    a = as_float_array(acquisition_cost, "acquisition_cost", domain=NONNEGATIVE)
    c = as_float_array(cost_to_serve, "cost_to_serve", domain=NONNEGATIVE)
    arrays: dict[str, NDArray[Any]] = {
        "margin": m,
        "retention": r,
        "discount_rate": d,
        "acquisition_cost": a,
        "cost_to_serve": c,
    }
    h: NDArray[Any] | None = None
    if n_periods is not None:
        h = as_int_array(n_periods, "n_periods", domain=NONNEGATIVE)
        arrays["n_periods"] = h
    parts = broadcast(arrays)
    m, r, d, a, c = parts[:5]
    if h is None:
        _check_convergent(r, d)
    else:
        h = parts[5]
    q = r / (1.0 + d)
    with np.errstate(over="ignore", invalid="ignore"):
        value = np.asarray(
            (m - c) * _timing_factor(timing, q, d) * _geometric_sum(r, d, h) - a, dtype=np.float64
        )
    _finite_result(value, "lifetime_profit")
    return _result(value)


def _check_convergent(retention: FloatArray, discount_rate: FloatArray) -> None:
    fail_where(
        retention >= 1.0 + discount_rate,
        retention,
        "retention",
        "be < 1 + discount_rate for an infinite horizon (the series diverges otherwise)",
    )


def margin_multiple(
    margin: ArrayLike, retention: ArrayLike, discount_rate: ArrayLike
) -> FloatArray | float:
    r"""Gupta & Lehmann's infinite-horizon CLP, ``m r / (1 + d - r)``.

    .. math:: \mathrm{CLP} = m \cdot \frac{r}{1 + d - r}

    Margins are received at the **end** of each period and only after the customer
    has renewed, so the current period's margin is **not** included (it is
    ``lifetime_profit(..., timing="end")``). Add ``m`` for the value including the
    margin of the current period (``timing="start"``).

    Parameters
    ----------
    margin
        Margin ``m`` per period (currency units), any real.
    retention
        Retention ``r`` in [0, 1] per period.
    discount_rate
        Discount rate ``d > -1`` per period, with ``r < 1 + d``.

    Returns
    -------
    numpy.ndarray or float
        Broadcast shape of the inputs.

    Raises
    ------
    InvalidParameterError
        As :func:`lifetime_profit`, in particular ``r >= 1 + d`` (divergent series).

    Examples
    --------
    >>> margin_multiple(100.0, 0.8, 0.1)
    266.667
    >>> margin_multiple(1.0, [0.5, 0.9], 0.12)    # the multiple itself
    array([0.80645161, 4.09090909])
    """
    m = as_float_array(margin, "margin")
    r = as_float_array(retention, "retention", domain=PROBABILITY)
    d = as_float_array(discount_rate, "discount_rate", domain=DISCOUNT_RATE)
    m, r, d = broadcast({"margin": m, "retention": r, "discount_rate": d})
    _check_convergent(r, d)
    value = margin_multiple_kernel(m, r, d)
    _finite_result(value, "margin_multiple")
    return _result(value)


def margin_multiple_kernel(
    margin: FloatArray, retention: FloatArray, discount_rate: FloatArray | float
) -> FloatArray:
    r"""Trusted kernel of :func:`margin_multiple`: ``m r / (1 + d - r)``, no checks.

    For callers that have validated their inputs at their own boundary
    (finite ``m``; ``r`` in [0, 1]; ``d > -1``; ``r < 1 + d``), such as the
    ``clp`` scorer. Shapes broadcast; the result is a new float64 array.
    """
    return np.asarray(margin * (retention / ((1.0 + discount_rate) - retention)), np.float64)


def expected_lifetime(retention: ArrayLike) -> FloatArray | float:
    r"""Return the expected number of periods a customer stays, ``1 / (1 - r)``.

    The lifetime ``L`` (counting the current period) is geometric,
    ``P(L = k) = (1 - r) r^{k-1}``, so ``E[L] = 1 / (1 - r)``.

    Parameters
    ----------
    retention
        Retention ``r`` in [0, 1) per period (scalar or array).

    Returns
    -------
    numpy.ndarray or float
        Expected lifetime in periods, same shape as ``retention``.

    Raises
    ------
    InvalidParameterError
        ``r`` outside [0, 1), NaN or infinite (``r = 1`` means an infinite lifetime).

    Examples
    --------
    >>> expected_lifetime(0.8)
    5.0
    """
    r = as_float_array(retention, "retention", domain=PROBABILITY)
    fail_where(r >= 1.0, r, "retention", "be < 1 for a finite expected lifetime")
    return _result(np.asarray(1.0 / (1.0 - r), dtype=np.float64))


def _array_eq(a: NDArray[Any] | None, b: NDArray[Any] | None) -> bool:
    if a is None or b is None:
        return a is b
    return bool(np.array_equal(a, b))


def _conv_total(value: Any) -> float:
    return as_float_scalar(value, "total")


def _conv_count(value: Any) -> int:
    return as_count(value, "count")


@attrs.frozen(repr=False)
class CustomerEquity(FrozenArrays):
    """Customer equity: the sum of customer lifetime profits, overall and per segment.

    Parameters
    ----------
    total
        Sum of all values (currency units).
    count
        Number of customers.
    segments
        Sorted distinct segment labels, shape ``(k,)``, or ``None`` when no
        segmentation was given.
    segment_totals
        Sum of the values in each segment, shape ``(k,)`` (``None`` without segments).
    segment_counts
        Number of customers in each segment, shape ``(k,)`` (``None`` without segments).

    Examples
    --------
    >>> eq = customer_equity([100.0, 50.0, 25.0], segments=["A", "B", "A"])
    >>> eq.total, eq.count
    (175.0, 3)
    >>> eq.by_segment()
    {'A': 125.0, 'B': 50.0}
    """

    total: float = attrs.field(converter=_conv_total)
    count: int = attrs.field(converter=_conv_count)
    segments: NDArray[Any] | None = attrs.field(default=None, eq=attrs.cmp_using(eq=_array_eq))
    segment_totals: FloatArray | None = attrs.field(default=None, eq=attrs.cmp_using(eq=_array_eq))
    segment_counts: NDArray[np.int64] | None = attrs.field(
        default=None, eq=attrs.cmp_using(eq=_array_eq)
    )

    def __attrs_post_init__(self) -> None:
        parts = (self.segments, self.segment_totals, self.segment_counts)
        given = [p is not None for p in parts]
        if any(given) and not all(given):
            raise InvalidParameterError(
                "'segments', 'segment_totals' and 'segment_counts' must be given together; "
                f"got {given}."
            )
        if self.segments is not None:
            same_length(
                {
                    "segments": np.asarray(self.segments),
                    "segment_totals": np.asarray(self.segment_totals),
                    "segment_counts": np.asarray(self.segment_counts),
                }
            )

    def by_segment(self) -> dict[Any, float]:
        """Return ``{segment label: total}`` (empty without segments)."""
        if self.segments is None or self.segment_totals is None:
            return {}
        return {
            label: float(total)
            for label, total in zip(
                self.segments.tolist(), self.segment_totals.tolist(), strict=True
            )
        }


def customer_equity(values: ArrayLike, *, segments: ArrayLike | None = None) -> CustomerEquity:
    r"""Return customer equity: the total and per-segment sums of customer values.

    .. math:: \mathrm{CE} = \sum_i \mathrm{CLP}_i, \qquad
              \mathrm{CE}_g = \sum_{i \in g} \mathrm{CLP}_i

    Vectorised with :func:`numpy.unique` and :func:`numpy.bincount`.

    Parameters
    ----------
    values
        CLP per customer (currency units), shape ``(n,)``, ``n >= 1``, finite.
    segments
        Segment label per customer, shape ``(n,)`` (strings, integers or booleans).

    Returns
    -------
    CustomerEquity
        The total, the count and, with ``segments``, the per-segment totals and
        counts with segments in sorted order.

    Raises
    ------
    InvalidParameterError
        Empty or non-finite ``values``, or segment labels that cannot be sorted.
    ShapeMismatchError
        ``values`` not 1-D, or ``segments`` of another length or shape.

    Examples
    --------
    >>> customer_equity([266.67, 133.33]).total
    400.0
    """
    v = as_float_array(values, "values", ndim=1, allow_empty=False)
    with np.errstate(over="ignore", invalid="ignore"):
        total = float(np.sum(v))
    if not math.isfinite(total):
        raise InvalidParameterError(
            f"'values' must sum to a finite total; the sum of {v.size} values overflows "
            f"float64 (largest magnitude {float(np.max(np.abs(v))):g})."
        )
    if segments is None:
        return CustomerEquity(total=total, count=int(v.size))
    try:
        seg = np.asarray(segments)
    except (TypeError, ValueError) as exc:
        raise InvalidParameterError(f"'segments' must be a 1-D array of labels; {exc}") from None
    if seg.ndim != 1:
        raise ShapeMismatchError(f"'segments' must be 1-dimensional; got shape {seg.shape}.")
    same_length({"values": v, "segments": seg})
    if seg.dtype.kind not in "biuUS":
        raise InvalidParameterError(
            f"'segments' must hold strings, integers or booleans; got dtype {seg.dtype}."
        )
    labels, inverse = np.unique(seg, return_inverse=True)
    inverse = inverse.reshape(-1)
    with np.errstate(over="ignore", invalid="ignore"):
        seg_totals = np.bincount(inverse, weights=v, minlength=labels.size)
    fail_where(
        ~np.isfinite(seg_totals),
        seg_totals,
        "segment totals",
        "be finite, but a segment's sum of 'values' overflows float64",
    )
    seg_counts = np.bincount(inverse, minlength=labels.size).astype(np.int64)
    return CustomerEquity(
        total=total,
        count=int(v.size),
        segments=readonly(labels),
        segment_totals=readonly(seg_totals.astype(np.float64)),
        segment_counts=readonly(seg_counts),
    )
