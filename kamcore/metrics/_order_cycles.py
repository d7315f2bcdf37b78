"""Order cycles: the time between a customer's purchase occasions."""

from __future__ import annotations

from typing import Any, ClassVar

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from kamcore._columns import CustomerColumns
from kamcore._params import (
    NONNEGATIVE,
    FloatArray,
    IntArray,
    as_float_scalar,
    check_fields,
    readonly,
)
from kamcore.errors import InvalidParameterError
from kamcore.metrics._periods import _safe_ratio, _time_numbers
from kamcore.transactions import TransactionLog
from kamcore.transactions._log import as_log

# ------------------------------------------------------------- order cycle


@attrs.frozen(eq=False, repr=False)
class OrderCycles(CustomerColumns):
    """Per-customer order-cycle statistics; every array has shape (N,).

    Gaps are measured between consecutive *order days* (several transactions
    of one customer on one day or period are one order), in days for date
    input and in period units for integer input. Statistics of customers with
    too few orders are NaN, as documented per field.

    Parameters
    ----------
    ids : ndarray
        Customer ids, sorted.
    n_orders : ndarray of int64
        Distinct order days.
    mean_gap, median_gap : ndarray of float64
        Mean and median gap; NaN with fewer than 2 orders.
    last_gap : ndarray of float64
        The most recent gap; NaN with fewer than 2 orders.
    trend : ndarray of float64
        Least-squares slope of gap length against gap number, in time units
        per order; NaN with fewer than 3 orders (2 gaps).
    relative_trend : ndarray of float64
        ``trend / mean_gap``: the fraction of a typical gap added per order.
    lengthening : ndarray of bool
        ``relative_trend > threshold`` with at least ``min_gaps`` gaps.
    min_gaps : int
        Gaps required before a trend is judged.
    threshold : float
        Relative trend above which the cycle counts as lengthening.

    Examples
    --------
    >>> from kamcore.metrics import order_cycles
    >>> from kamcore.transactions import TransactionLog
    >>> days = ["2024-01-01", "2024-01-31", "2024-03-01", "2024-03-31", "2024-04-30"]
    >>> oc = order_cycles(TransactionLog(["a"] * 5, days, [1.0] * 5))
    >>> oc.ids.tolist(), oc.mean_gap.tolist()
    (['a'], [30.0])
    """

    #: fields whose NaN is a documented "no value" marker
    _NAN_OK: ClassVar[tuple[str, ...]] = (
        "mean_gap",
        "median_gap",
        "last_gap",
        "trend",
        "relative_trend",
    )

    def __attrs_post_init__(self) -> None:
        check_fields(self, nan_ok=self._NAN_OK)

    ids: NDArray[Any]
    n_orders: IntArray
    mean_gap: FloatArray
    median_gap: FloatArray
    last_gap: FloatArray
    trend: FloatArray
    relative_trend: FloatArray
    lengthening: NDArray[np.bool_]
    min_gaps: int
    threshold: float


def order_cycles(
    log: TransactionLog | ArrayLike,
    dates: ArrayLike | None = None,
    *,
    min_gaps: int = 3,
    threshold: float = 0.1,
) -> OrderCycles:
    r"""Order-cycle statistics per customer: mean/median gap and whether it is lengthening.

    For customer i with order days d_0 < ... < d_n, gaps g_j = d_{j+1} - d_j
    (j = 0..n-1). The trend is the least-squares slope

    .. math:: \beta_i = \frac{\sum_j (j - \bar j)(g_j - \bar g)}{\sum_j (j - \bar j)^2},
              \quad \bar j = (n - 1)/2,

    and the cycle is *lengthening* when n >= ``min_gaps`` and
    :math:`\beta_i / \bar g > ` ``threshold`` (each order adds more than that
    fraction of a typical gap) — a warning sign of decline.

    Parameters
    ----------
    log : TransactionLog
        The transactions: dates (gaps in days) or integer period numbers
        (gaps in periods).
    dates : array-like, shape (M,), optional
        The raw-array form: pass the customer ids as ``log`` and the dates (or
        period numbers) here; they are validated by
        :class:`~kamcore.transactions.TransactionLog` exactly as a log's columns.
    min_gaps : int
        Gaps needed before judging the trend (>= 2).
    threshold : float
        Relative trend above which the cycle is lengthening (>= 0).

    Returns
    -------
    OrderCycles
        One row per customer, ids sorted.

    Raises
    ------
    InvalidParameterError
        Empty log, ``min_gaps < 2``, negative or non-finite ``threshold`` (and,
        in the raw-array form, anything :class:`~kamcore.transactions.TransactionLog`
        refuses).
    ShapeMismatchError
        Raw columns of different lengths.

    Examples
    --------
    >>> from kamcore.transactions import TransactionLog
    >>> log = TransactionLog(["a"] * 4 + ["b"] * 2, periods=[0, 10, 30, 60, 5, 12])
    >>> oc = order_cycles(log)
    >>> oc.mean_gap.tolist(), oc.median_gap.tolist(), oc.trend.tolist()
    ([20.0, 7.0], [20.0, 7.0], [10.0, nan])
    >>> oc.lengthening.tolist()
    [True, False]
    """
    if isinstance(min_gaps, bool) or not isinstance(min_gaps, (int, np.integer)) or min_gaps < 2:
        raise InvalidParameterError(f"'min_gaps' must be an integer >= 2; got {min_gaps!r}.")
    thr = as_float_scalar(threshold, "threshold", domain=NONNEGATIVE)
    tx = as_log(log, dates, caller="order_cycles", periods_ok=True)
    if len(tx) == 0:
        raise InvalidParameterError("'customer_ids' must not be empty; got 0 transactions.")
    when = _time_numbers(tx)
    uniq, cust = np.unique(tx.customer_ids, return_inverse=True)
    n = uniq.shape[0]
    span = int(when.max() - when.min()) + 1
    keys = np.unique(cust.astype(np.int64) * span + (when - when.min()))
    c = keys // span
    d = keys % span
    same = c[1:] == c[:-1]
    gaps = (d[1:] - d[:-1])[same].astype(np.float64)
    gc = c[1:][same]  # gaps come grouped by customer, chronological within customer
    n_gaps = np.bincount(gc, minlength=n)
    first = np.cumsum(n_gaps) - n_gaps
    has = n_gaps > 0
    mean = _safe_ratio(np.bincount(gc, weights=gaps, minlength=n), n_gaps)
    # median: sort gaps within customer, take the middle one(s)
    sorted_gaps = gaps[np.lexsort((gaps, gc))]
    lo_i = np.where(has, first + (n_gaps - 1) // 2, 0)
    hi_i = np.where(has, first + n_gaps // 2, 0)
    median = np.full(n, np.nan)
    last = np.full(n, np.nan)
    if gaps.size:
        median[has] = 0.5 * (sorted_gaps[lo_i] + sorted_gaps[hi_i])[has]
        last[has] = gaps[(first + n_gaps - 1)[has]]
    # least-squares slope of gap against its index j within the customer
    j = np.arange(gaps.shape[0], dtype=np.float64) - first[gc]
    jbar = (n_gaps[gc] - 1) / 2.0
    sxy = np.bincount(gc, weights=(j - jbar) * gaps, minlength=n)
    nf = n_gaps.astype(np.float64)
    sxx = nf * (nf * nf - 1.0) / 12.0
    trend = _safe_ratio(sxy, np.where(n_gaps >= 2, sxx, 0.0))
    rel = _safe_ratio(trend, np.where(np.isnan(trend), 0.0, mean))
    lengthening = (n_gaps >= min_gaps) & (np.nan_to_num(rel, nan=-np.inf) > thr)
    return OrderCycles(
        ids=readonly(uniq),
        n_orders=readonly((n_gaps + 1).astype(np.int64)),
        mean_gap=readonly(mean),
        median_gap=readonly(median),
        last_gap=readonly(last),
        trend=readonly(trend),
        relative_trend=readonly(rel),
        lengthening=readonly(lengthening),
        min_gaps=int(min_gaps),
        threshold=thr,
    )
