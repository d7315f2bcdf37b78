"""Lifetime profit of margin paths: customers x periods margins with retention.

:func:`matrix_lifetime_profit` values an arbitrary customers x periods margin
matrix with per-customer, per-period or full retention, and
:func:`curve_lifetime_profit` a per-customer level times a per-period curve
(``m_it = level_i * curve_t``). Both run over row chunks (or a single
matrix-vector product), so no ``n x T`` temporary is ever allocated; the
result does not depend on the chunk size.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kamcore._params import (
    NONNEGATIVE,
    PROBABILITY,
    FloatArray,
    Interval,
    as_float_array,
    as_float_scalar,
    as_int_array,
)
from kamcore.clp._closed_form import (
    DISCOUNT_RATE,
    Timing,
    _check_timing,
    _finite_result,
)
from kamcore.errors import InvalidParameterError, ShapeMismatchError

# ----------------------------------------------------------------- margin paths
_DEFAULT_CHUNK: Final = 8192


def _survival_exponent_shift(timing: str) -> tuple[int, int]:
    """Return (survival shift, discount shift): column t uses r^(t-a), (1+d)^-(t-b)."""
    if timing == "end":
        return 0, 0
    if timing == "start":
        return 1, 1
    return 1, 0


def _period_weights(r_period: FloatArray, d: float, timing: str) -> FloatArray:
    """Weights ``w_t = S_t (1+d)^-tau_t`` for a per-period retention vector, shape (T,)."""
    t = np.arange(1, r_period.size + 1, dtype=np.float64)
    s_shift, d_shift = _survival_exponent_shift(timing)
    cum = np.cumprod(r_period)
    survival = cum if s_shift == 0 else np.concatenate(([1.0], cum[:-1]))
    return survival * (1.0 + d) ** -(t - d_shift)


def _chunk_weights(r_chunk: FloatArray, d: float, timing: str, periods: int) -> FloatArray:
    """Weights for per-customer (shape (k,)) or full (shape (k, T)) retention."""
    t = np.arange(1, periods + 1, dtype=np.float64)
    s_shift, d_shift = _survival_exponent_shift(timing)
    discount = (1.0 + d) ** -(t - d_shift)
    if r_chunk.ndim == 1:  # per customer: r^t by a running product (faster than power)
        r_chunk = np.broadcast_to(r_chunk[:, None], (r_chunk.size, periods))
    if s_shift:  # S_t = prod_{j<t} r_j
        survival = np.empty(r_chunk.shape, dtype=np.float64)
        survival[:, 0] = 1.0
        np.cumprod(r_chunk[:, :-1], axis=1, out=survival[:, 1:])
    else:  # S_t = prod_{j<=t} r_j
        survival = np.cumprod(r_chunk, axis=1, dtype=np.float64)
    survival *= discount
    return survival


def _check_chunk(
    block: NDArray[Any],
    offset: int,
    *,
    name: str,
    domain: Interval | None,
    source: Callable[[int, int], NDArray[Any]],
    n: int,
    chunk: int,
) -> None:
    """Validate one chunk; on failure count offenders over the remaining chunks too."""

    def bad_of(b: NDArray[Any]) -> NDArray[np.bool_]:
        bad = ~np.isfinite(b)
        if domain is not None:
            with np.errstate(invalid="ignore"):
                bad |= (b < domain.low) | (b > domain.high)
        return np.asarray(bad, dtype=bool)

    bad = bad_of(block)
    if not bad.any():
        return
    first = np.unravel_index(int(np.flatnonzero(bad.ravel())[0]), bad.shape)
    value = float(block[first])
    count = int(bad.sum())
    start = offset + block.shape[0]
    while start < n:
        stop = min(start + chunk, n)
        count += int(bad_of(np.asarray(source(start, stop), dtype=np.float64)).sum())
        start = stop
    index = (offset + int(first[0]), *(int(i) for i in first[1:]))
    rule = (
        "be finite (no NaN or infinity)"
        if domain is None
        else (f"be finite and {domain.describe()[3:]}")
    )
    noun = "value" if count == 1 else "values"
    raise InvalidParameterError(
        f"{name!r} must {rule}; got {count} bad {noun} (first at index {index}: {value!r})."
    )


def _path_profit(
    margin_rows: Callable[[int, int], NDArray[Any]],
    n: int,
    periods: int,
    *,
    retention: ArrayLike,
    discount_rate: float,
    timing: str,
    acquisition_cost: ArrayLike,
    cost_to_serve: ArrayLike,
    chunk_size: int,
    validate_margins: bool,
    rank_one: tuple[FloatArray, FloatArray] | None = None,
) -> FloatArray:
    """Shared chunked kernel of the margin-path functions (validates row chunks lazily)."""
    _check_timing(timing)
    d = as_float_scalar(discount_rate, "discount_rate", domain=DISCOUNT_RATE)
    chunk = int(as_int_array(chunk_size, "chunk_size", ndim=0, domain=Interval(1.0, math.inf)))
    a = _per_customer(acquisition_cost, "acquisition_cost", n)
    c = _per_customer(cost_to_serve, "cost_to_serve", n)
    try:
        r_raw = np.asarray(retention)
    except (TypeError, ValueError) as exc:  # ragged rows and the like
        raise InvalidParameterError(f"'retention' must be a rectangular array; {exc}") from None
    mode, r = _retention_mode(r_raw, n, periods)
    out = np.empty(n, dtype=np.float64)
    w_period: FloatArray | None = None
    if mode in {"scalar", "period"}:
        vec = np.full(periods, float(r)) if mode == "scalar" else r.reshape(-1)
        with np.errstate(over="ignore", invalid="ignore"):
            w_period = _period_weights(vec, d, timing)
            w_sum = float(w_period.sum())
        if rank_one is not None:  # m_it = level_i * curve_t: no matrix at all
            level, curve = rank_one
            with np.errstate(over="ignore", invalid="ignore"):
                result = level * float(curve @ w_period) - c * w_sum - a
            _finite_result(result, "lifetime_profit")
            return result
    with np.errstate(over="ignore", invalid="ignore"):
        for start in range(0, n, chunk):
            stop = min(start + chunk, n)
            block = np.asarray(margin_rows(start, stop), dtype=np.float64)
            if validate_margins:
                _check_chunk(
                    block, start, name="margins", domain=None, source=margin_rows, n=n, chunk=chunk
                )
            if w_period is not None:
                out[start:stop] = block @ w_period - c[start:stop] * w_sum
                continue
            if mode == "customer":
                r_chunk = r[start:stop]
            else:
                r_chunk = np.asarray(r[start:stop], dtype=np.float64)
                _check_chunk(
                    r_chunk,
                    start,
                    name="retention",
                    domain=PROBABILITY,
                    source=lambda i, j: np.asarray(r[i:j]),
                    n=n,
                    chunk=chunk,
                )
            w = _chunk_weights(r_chunk, d, timing, periods)
            out[start:stop] = np.einsum("ij,ij->i", block, w) - c[start:stop] * w.sum(axis=1)
    out -= a
    _finite_result(out, "lifetime_profit")
    return out


def _per_customer(value: ArrayLike, name: str, n: int) -> FloatArray:
    arr = as_float_array(value, name, domain=NONNEGATIVE)
    if arr.ndim == 0:
        return np.broadcast_to(arr, (n,))
    if arr.shape != (n,):
        raise ShapeMismatchError(
            f"{name!r} must be a scalar or have shape ({n},); got {arr.shape}."
        )
    return arr


def _retention_mode(r: NDArray[Any], n: int, periods: int) -> tuple[str, Any]:
    """Classify retention as scalar, per-customer (n,), per-period (1, T) or full (n, T)."""
    if r.dtype.kind not in "biuf":
        raise InvalidParameterError(f"'retention' must be numeric; got dtype {r.dtype}.")
    if r.ndim == 0:
        return "scalar", as_float_array(r, "retention", domain=PROBABILITY)
    if r.shape in {(n,), (n, 1)}:
        return "customer", as_float_array(r.reshape(n), "retention", domain=PROBABILITY)
    if r.shape == (1, periods):
        return "period", as_float_array(r, "retention", domain=PROBABILITY)
    if r.shape == (n, periods):
        return "full", r  # validated chunk by chunk
    raise ShapeMismatchError(
        f"'retention' must be a scalar or have shape ({n},), ({n}, 1), (1, {periods}) or "
        f"({n}, {periods}); got {r.shape}."
    )


def matrix_lifetime_profit(
    margins: ArrayLike,
    retention: ArrayLike,
    discount_rate: float,
    *,
    timing: Timing = "end",
    acquisition_cost: ArrayLike = 0.0,
    cost_to_serve: ArrayLike = 0.0,
    chunk_size: int = _DEFAULT_CHUNK,
) -> FloatArray:
    r"""Return the CLP of arbitrary per-period margin paths, chunked over customers.

    Column ``t = 1..T`` of the margin matrix is the margin of the ``t``-th future
    cash flow. With survival ``S_it`` and cash time ``tau_t``:

    .. math:: \mathrm{CLP}_i = \sum_{t=1}^{T} (m_{it} - c_i)\, S_{it}\,(1+d)^{-\tau_t} - A_i

    ========================  ===========================  ===========
    ``timing``                ``S_it``                     ``tau_t``
    ========================  ===========================  ===========
    ``"end"``                 ``prod_{j <= t} r_ij``        ``t``
    ``"start"``               ``prod_{j < t} r_ij``         ``t - 1``
    ``"end_certain"``         ``prod_{j < t} r_ij``         ``t``
    ========================  ===========================  ===========

    so constant inputs give exactly :func:`~kamcore.clp.lifetime_profit`
    with ``n_periods=T``. Under ``"start"``/``"end_certain"`` the last retention
    column is not used.

    Rows are processed ``chunk_size`` at a time (scalar or per-period retention:
    one matrix-vector product), so memory beyond the input is
    ``O(chunk_size * T)``; the result does not depend on ``chunk_size``. The input
    may be any array supporting row slicing (a memmap, a broadcast view) and is
    validated chunk by chunk.

    Parameters
    ----------
    margins
        Margin per customer and period, shape ``(n, T)``, finite, ``n, T >= 1``.
    retention
        Probability in [0, 1]: a scalar, per customer ``(n,)`` or ``(n, 1)``, per
        period ``(1, T)``, or per customer and period ``(n, T)``.
    discount_rate
        ``d > -1`` per period (scalar).
    timing
        ``"end"`` (default), ``"start"`` or ``"end_certain"``.
    acquisition_cost, cost_to_serve
        ``>= 0``, scalar or shape ``(n,)``; cost to serve is per period.
    chunk_size
        Rows per chunk (>= 1).

    Returns
    -------
    numpy.ndarray of float64
        Shape ``(n,)``.

    Raises
    ------
    InvalidParameterError
        Non-finite margins, retention outside [0, 1], bad costs/rate/timing/chunk
        size, or an empty matrix.
    ShapeMismatchError
        ``margins`` not 2-D or a retention/cost shape that does not fit.

    Examples
    --------
    >>> m = [[100.0, 100.0], [0.0, 50.0]]
    >>> matrix_lifetime_profit(m, 0.8, 0.1)
    array([125.620,  26.446])
    """
    try:
        arr = margins if isinstance(margins, np.ndarray) else np.asarray(margins)
    except (TypeError, ValueError) as exc:  # ragged rows and the like
        raise InvalidParameterError(
            f"'margins' must be a rectangular (customers, periods) array; {exc}"
        ) from None
    if arr.dtype.kind not in "biuf":
        raise InvalidParameterError(f"'margins' must be numeric; got dtype {arr.dtype}.")
    if arr.ndim != 2:
        raise ShapeMismatchError(f"'margins' must be 2-dimensional; got shape {arr.shape}.")
    n, periods = arr.shape
    if n == 0 or periods == 0:
        raise InvalidParameterError(f"'margins' must not be empty; got shape {arr.shape}.")
    return _path_profit(
        lambda i, j: arr[i:j],
        n,
        periods,
        retention=retention,
        discount_rate=discount_rate,
        timing=timing,
        acquisition_cost=acquisition_cost,
        cost_to_serve=cost_to_serve,
        chunk_size=chunk_size,
        validate_margins=True,
    )


def curve_lifetime_profit(
    level: ArrayLike,
    curve: ArrayLike,
    retention: ArrayLike,
    discount_rate: float,
    *,
    timing: Timing = "end",
    acquisition_cost: ArrayLike = 0.0,
    cost_to_serve: ArrayLike = 0.0,
    chunk_size: int = _DEFAULT_CHUNK,
) -> FloatArray:
    r"""Return the CLP of margin paths ``m_it = level_i * curve_t`` without an n x T matrix.

    Same model and conventions as :func:`matrix_lifetime_profit` with
    ``margins = level[:, None] * curve[None, :]``; the product is only ever formed
    one chunk of rows at a time (and not at all with scalar or per-period
    retention, where ``CLP_i = level_i * (curve . w) - c_i * sum(w) - A_i``).

    Parameters
    ----------
    level
        Margin level per customer, shape ``(n,)``, finite (currency units).
    curve
        Relative margin per period, shape ``(T,)``, finite (e.g. a stage-shaped ramp).
    retention
        As in :func:`matrix_lifetime_profit`.
    discount_rate
        ``d > -1`` per period.
    timing
        ``"end"`` (default), ``"start"`` or ``"end_certain"``.
    acquisition_cost, cost_to_serve
        ``>= 0``, scalar or shape ``(n,)``.
    chunk_size
        Rows per chunk (>= 1).

    Returns
    -------
    numpy.ndarray of float64
        Shape ``(n,)``.

    Raises
    ------
    InvalidParameterError, ShapeMismatchError
        As :func:`matrix_lifetime_profit`.

    Examples
    --------
    >>> curve_lifetime_profit([100.0, 0.0], [1.0, 1.0], 0.8, 0.1)
    array([125.620,   0.   ])
    """
    lv = as_float_array(level, "level", ndim=1, allow_empty=False)
    cv = as_float_array(curve, "curve", ndim=1, allow_empty=False)
    return _path_profit(
        lambda i, j: lv[i:j, None] * cv[None, :],
        lv.size,
        cv.size,
        retention=retention,
        discount_rate=discount_rate,
        timing=timing,
        acquisition_cost=acquisition_cost,
        cost_to_serve=cost_to_serve,
        chunk_size=chunk_size,
        validate_margins=False,
        rank_one=(lv, cv),
    )
