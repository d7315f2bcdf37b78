"""KAM result indicators: retention and churn, growth, order cycle, shares, satisfaction index.

Every calculator here is a numpy kernel over a transaction log (customer ids,
dates or period numbers, amounts) or over portfolio columns: customers are
grouped with ``np.unique``/``bincount``/``lexsort``, never looped over in
Python. Inputs are validated once, at the public function.

Periods
-------
A transaction's period is either given directly as an integer period number
(``freq=None``; e.g. a fiscal year or a month counter) or derived from a date
(``datetime64``, ``datetime.date`` or ISO strings) with ``freq``:

==========  ==========================================  =====================
``freq``    period                                      label
==========  ==========================================  =====================
``"D"``     calendar day                                ``datetime64[D]``
``"W"``     ISO week, Monday to Sunday                  its Monday
``"M"``     calendar month                              ``datetime64[M]``
``"Q"``     calendar quarter                            its first month
``"Y"``     calendar year                               ``datetime64[Y]``
==========  ==========================================  =====================

The period axis of every result runs from the first to the last period seen,
*including* periods without any transaction (a gap in buying is information).

Activity and the retention formula
----------------------------------
A customer is *active* in period t when they bought in one of the
``active_window`` periods ending with t (``active_window=1``: bought in t).
Over period t, with S_t customers active at its start (active in t-1), E_t
active at its end and N_t acquired during it,

    retention_t = (E_t - N_t) / S_t,    churn_t = 1 - retention_t

(DOMAIN.md section 12). Here N_t counts first-time buyers *and* win-backs
(customers inactive in t-1 who buy again in t), so that E_t - N_t is exactly
the number of period-start customers still active, and the rate never exceeds
one. The often-quoted (S - E)/S is wrong whenever new customers arrive.
"""

from __future__ import annotations

from typing import Any, Final

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from kamcore._params import (
    NONNEGATIVE,
    FloatArray,
    IntArray,
    Interval,
    as_float_array,
    as_float_scalar,
    as_int_array,
    broadcast,
    fail_where,
    readonly,
    same_length,
)
from kamcore.errors import InvalidParameterError, ShapeMismatchError

__all__ = [
    "FREQUENCIES",
    "MAX_PERIODS",
    "CohortRetention",
    "ContributionShare",
    "CrossSell",
    "OrderCycles",
    "PeriodMatrix",
    "PeriodMetrics",
    "churn_rate",
    "cohort_retention",
    "contribution_share",
    "cross_sell",
    "growth_rate",
    "order_cycles",
    "period_metrics",
    "period_values",
    "retention_rate",
    "satisfaction_index",
    "share_of_wallet",
]

#: Period frequencies understood for date inputs (see the module docstring).
FREQUENCIES: Final[tuple[str, ...]] = ("D", "W", "M", "Q", "Y")

#: Most periods a log may span (from its first to its last period), a guard against
#: passing timestamps as period numbers.
MAX_PERIODS: Final = 100_000

# 1970-01-01 (day 0) is a Thursday: shifting by 3 days makes weeks start on Monday.
_WEEK_SHIFT: Final = 3


# --------------------------------------------------------------------- helpers


def _as_ids(values: ArrayLike, name: str) -> NDArray[Any]:
    """Return customer ids as a 1-D str or int array (no blanks, no floats, no None)."""
    try:
        arr = np.asarray(values)
    except (TypeError, ValueError) as exc:
        raise InvalidParameterError(f"{name!r} must be a 1-D array of ids; {exc}.") from None
    if arr.ndim != 1:
        raise ShapeMismatchError(f"{name!r} must be 1-D; got shape {arr.shape}.")
    if arr.dtype.kind == "O":
        not_str = np.fromiter((not isinstance(v, str) for v in arr), bool, count=arr.size)
        fail_where(not_str, arr, name, "be strings or integers")
        arr = arr.astype(str) if arr.size else np.empty(0, dtype="U1")
    if arr.dtype.kind == "U":
        if arr.size:
            fail_where(np.strings.strip(arr) == "", arr, name, "be non-empty (not blank)")
        return arr
    if arr.dtype.kind in "iu" or arr.size == 0:
        return arr
    raise InvalidParameterError(
        f"{name!r} must be strings or integers; got dtype {arr.dtype} "
        f"(first value: {arr.ravel()[0]!r})."
    )


def _day_numbers(values: ArrayLike, name: str) -> IntArray | None:
    """Day numbers since 1970-01-01 if ``values`` are dates, ``None`` if they are numbers."""
    raw = np.asarray(values)
    if raw.dtype.kind in "biuf":
        return None
    try:
        days = np.asarray(values, dtype="datetime64[D]")
    except (TypeError, ValueError) as exc:
        raise InvalidParameterError(
            f"{name!r} must be dates (datetime64, datetime.date or ISO 8601 strings) "
            f"or integer period numbers; {exc}."
        ) from None
    if days.ndim != 1:
        raise ShapeMismatchError(f"{name!r} must be 1-D; got shape {days.shape}.")
    fail_where(np.isnat(days), days, name, "be a date (no NaT or missing dates)")
    return days.astype(np.int64)


def _period_ordinals(values: ArrayLike, name: str, freq: str | None) -> tuple[IntArray, str | None]:
    """Integer period ordinals of dates (with ``freq``) or of period numbers (``freq=None``)."""
    days = _day_numbers(values, name)
    if days is None:
        if freq is not None:
            raise InvalidParameterError(
                f"'freq' must be None when {name!r} are period numbers; got {freq!r} "
                "(pass dates to group them by a frequency)."
            )
        return as_int_array(values, name, ndim=1), None
    if freq is None:
        raise InvalidParameterError(
            f"'freq' must be one of {', '.join(map(repr, FREQUENCIES))} when {name!r} are dates; "
            "got None."
        )
    if freq not in FREQUENCIES:
        raise InvalidParameterError(
            f"'freq' must be one of {', '.join(map(repr, FREQUENCIES))}; got {freq!r}."
        )
    if freq == "D":
        return days, freq
    if freq == "W":
        return (days + _WEEK_SHIFT) // 7, freq
    months = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    if freq == "M":
        return months, freq
    if freq == "Q":
        return months // 3, freq
    return months // 12, freq


def _period_labels(ordinals: IntArray, freq: str | None) -> NDArray[Any]:
    """Labels of period ordinals: ints for ``freq=None``, else the period's start date."""
    if freq is None:
        return ordinals.astype(np.int64)
    if freq == "D":
        return ordinals.astype("datetime64[D]")
    if freq == "W":
        return (ordinals * 7 - _WEEK_SHIFT).astype("datetime64[D]")
    if freq == "M":
        return ordinals.astype("datetime64[M]")
    if freq == "Q":
        return (ordinals * 3).astype("datetime64[M]")
    return ordinals.astype("datetime64[Y]")


def _check_window(active_window: int) -> int:
    if isinstance(active_window, bool) or not isinstance(active_window, (int, np.integer)):
        raise InvalidParameterError(
            f"'active_window' must be a positive integer; got {active_window!r}."
        )
    if active_window < 1:
        raise InvalidParameterError(
            f"'active_window' must be a positive integer; got {active_window!r}."
        )
    return int(active_window)


@attrs.frozen
class _Log:
    """A validated transaction log coded to dense customer and period indices."""

    ids: NDArray[Any]  # unique customer ids, sorted, shape (n,)
    cust: IntArray  # customer code per transaction, shape (m,)
    period: IntArray  # period index 0..P-1 per transaction, shape (m,)
    n_periods: int
    labels: NDArray[Any]  # period labels, shape (P,)


def _code_log(customer_ids: ArrayLike, dates: ArrayLike, freq: str | None, name: str) -> _Log:
    ids = _as_ids(customer_ids, "customer_ids")
    ords, freq = _period_ordinals(dates, name, freq)
    same_length({"customer_ids": ids, name: ords})
    if ids.size == 0:
        raise InvalidParameterError("'customer_ids' must not be empty; got 0 transactions.")
    uniq, cust = np.unique(ids, return_inverse=True)
    lo = int(ords.min())
    period = ords - lo
    n_periods = int(period.max()) + 1
    if n_periods > MAX_PERIODS:
        raise InvalidParameterError(
            f"{name!r} must span at most {MAX_PERIODS} periods; got {n_periods} "
            "(are these timestamps? pass dates with a coarser 'freq')."
        )
    labels = _period_labels(np.arange(lo, lo + n_periods, dtype=np.int64), freq)
    return _Log(uniq, cust.astype(np.int64), period, n_periods, labels)


def _activity_keys(log: _Log, window: int) -> IntArray:
    """Sorted unique keys ``customer * P + period`` of the (customer, period) pairs active."""
    P = log.n_periods
    keys = np.unique(log.cust * P + log.period)
    if window > 1:
        c = keys // P
        p = keys % P
        spread = p[:, None] + np.arange(window, dtype=np.int64)
        ok = spread < P
        keys = np.unique((c[:, None] * P + spread)[ok])
    return keys


def _retained_mask(keys: IntArray, P: int) -> NDArray[np.bool_]:
    """Mark position j >= 1 when pair j is (c, p) and pair j-1 is (c, p-1)."""
    out = np.zeros(keys.shape[0], dtype=bool)
    if keys.size > 1:
        out[1:] = (keys[1:] - keys[:-1] == 1) & (keys[1:] % P != 0)
    return out


def _first_period(keys: IntArray, P: int, n_customers: int) -> IntArray:
    """First active period of each customer (every customer has at least one key)."""
    c = keys // P
    starts = np.ones(keys.shape[0], dtype=bool)
    starts[1:] = c[1:] != c[:-1]
    first = np.empty(n_customers, dtype=np.int64)
    first[c[starts]] = keys[starts] % P
    return first


def _safe_ratio(num: ArrayLike, den: ArrayLike) -> FloatArray:
    """Return num / den as float, NaN where den == 0 (documented undefined cells)."""
    num_f = np.asarray(num, dtype=np.float64)
    den_f = np.asarray(den, dtype=np.float64)
    out = np.full(np.broadcast_shapes(num_f.shape, den_f.shape), np.nan)
    np.divide(num_f, den_f, out=out, where=den_f != 0)
    return out


# --------------------------------------------------------- retention formula


def retention_rate(start: ArrayLike, end: ArrayLike, acquired: ArrayLike) -> FloatArray:
    """Retention over a period from customer counts: ``(E - N) / S``.

    Parameters
    ----------
    start : array-like of int
        S, customers at the start of the period (> 0). Broadcasts with the others.
    end : array-like of int
        E, customers at the end of the period (>= 0).
    acquired : array-like of int
        N, customers acquired during the period (>= 0; count win-backs here too).

    Returns
    -------
    numpy.ndarray of float64
        Retention in [0, 1], broadcast shape of the inputs (0-d for scalars).

    Raises
    ------
    InvalidParameterError
        S <= 0, negative counts, non-whole counts, or counts that cannot
        happen: E - N < 0 (more acquired than present) or E - N > S (more
        retained than there were).
    ShapeMismatchError
        Inputs that do not broadcast.

    Notes
    -----
    The often-quoted ``(S - E) / S`` churn is wrong whenever new customers
    arrive: with S = 100, N = 30 and E = 110, 20 customers were lost, so
    retention is 0.8 and churn 0.2, while ``(S - E) / S`` gives -0.1.

    Examples
    --------
    >>> float(retention_rate(100, 110, 30))
    0.8
    >>> float(churn_rate(100, 110, 30))
    0.2
    """
    s, e, n = broadcast(
        {
            "start": as_int_array(start, "start", domain=Interval(0.0, np.inf, low_closed=False)),
            "end": as_int_array(end, "end", domain=NONNEGATIVE),
            "acquired": as_int_array(acquired, "acquired", domain=NONNEGATIVE),
        }
    )
    kept = e - n
    fail_where(kept < 0, n, "acquired", "be <= end (customers acquired are among those at the end)")
    fail_where(kept > s, e, "end", "be <= start + acquired (retained cannot exceed start)")
    return np.asarray(kept / s, dtype=np.float64)


def churn_rate(start: ArrayLike, end: ArrayLike, acquired: ArrayLike) -> FloatArray:
    """Churn over a period from customer counts: ``1 - (E - N) / S``.

    Same parameters, validation and shape as :func:`retention_rate`.
    """
    return np.asarray(1.0 - retention_rate(start, end, acquired), dtype=np.float64)


def growth_rate(values: ArrayLike, *, axis: int = -1) -> FloatArray:
    r"""Period-on-period growth rate along ``axis``: ``(x_t - x_{t-1}) / |x_{t-1}|``.

    Parameters
    ----------
    values : array-like of float, shape (..., T, ...)
        A series per row (sales, customer counts, profit), T >= 2 along ``axis``.
    axis : int
        The period axis.

    Returns
    -------
    numpy.ndarray of float64
        Shape of ``values`` with T - 1 along ``axis``; 0.1 means +10 %.
        Dividing by ``|x_{t-1}|`` keeps the sign meaningful for profit series
        that cross zero.

    Raises
    ------
    InvalidParameterError
        Non-finite values, fewer than two periods, or a zero value in any
        period but the last (growth from zero is undefined).

    Examples
    --------
    >>> growth_rate([100.0, 110.0, 99.0]).round(3).tolist()
    [0.1, -0.1]
    """
    x = as_float_array(values, "values")
    if x.ndim == 0:
        raise ShapeMismatchError("'values' must have a period axis; got a scalar.")
    try:
        x = np.moveaxis(x, axis, -1)
    except np.exceptions.AxisError:
        raise ShapeMismatchError(
            f"'axis' {axis} is out of range for 'values' of shape {x.shape}."
        ) from None
    if x.shape[-1] < 2:
        raise InvalidParameterError(
            f"'values' must have at least 2 periods along axis {axis}; got {x.shape[-1]}."
        )
    prev = x[..., :-1]
    fail_where(prev == 0, prev, "values", "be non-zero before the last period (growth from 0)")
    return np.moveaxis((x[..., 1:] - prev) / np.abs(prev), -1, axis)


# ------------------------------------------------------------ period metrics


@attrs.frozen(eq=False)
class PeriodMetrics:
    """Customer flows and sales per period; every array has shape (P,).

    Attributes
    ----------
    periods : ndarray
        Period labels (int period numbers, or the start date of each period).
    active : ndarray of int64
        E_t, customers active in period t.
    start : ndarray of int64
        S_t, customers active in t - 1 (0 for the first period).
    acquired : ndarray of int64
        First-time buyers in t (first purchase in t).
    reactivated : ndarray of int64
        Win-backs in t: active in t, not in t - 1, and not first-time.
    retained : ndarray of int64
        Customers active in both t - 1 and t, i.e. ``active - acquired - reactivated``.
    sales : ndarray of float64
        Sum of the amounts in t (currency units).
    active_window : int
        Periods of look-back defining "active".
    """

    periods: NDArray[Any]
    active: IntArray
    start: IntArray
    acquired: IntArray
    reactivated: IntArray
    retained: IntArray
    sales: FloatArray
    active_window: int

    def __len__(self) -> int:
        return int(self.periods.shape[0])

    @property
    def lost(self) -> IntArray:
        """Customers active in t - 1 and no longer active in t (``start - retained``)."""
        return self.start - self.retained

    @property
    def retention(self) -> FloatArray:
        """Retention (E_t - N_t) / S_t with N_t = acquired + reactivated.

        NaN where S_t = 0 (the first period, or after a period with nobody
        active): retention is undefined there.
        """
        return _safe_ratio(self.retained, self.start)

    @property
    def churn(self) -> FloatArray:
        """Churn ``1 - retention``; NaN where S_t = 0."""
        return 1.0 - self.retention

    @property
    def sales_growth(self) -> FloatArray:
        """Sales growth (s_t - s_{t-1}) / |s_{t-1}|; NaN for t = 0 and after zero sales."""
        out = np.full(self.sales.shape, np.nan)
        out[1:] = _safe_ratio(self.sales[1:] - self.sales[:-1], np.abs(self.sales[:-1]))
        return out

    @property
    def customer_growth(self) -> FloatArray:
        """Growth of active customers (E_t - E_{t-1}) / E_{t-1}; NaN for t = 0 and after 0."""
        out = np.full(self.active.shape, np.nan)
        out[1:] = _safe_ratio(self.active[1:] - self.active[:-1], self.active[:-1])
        return out


def period_metrics(
    customer_ids: ArrayLike,
    dates: ArrayLike,
    amounts: ArrayLike | None = None,
    *,
    freq: str | None = None,
    active_window: int = 1,
) -> PeriodMetrics:
    """Retention, churn, acquisition, win-back, sales and growth per period from a transaction log.

    Parameters
    ----------
    customer_ids : array-like of str or int, shape (M,)
        Customer of each transaction.
    dates : array-like, shape (M,)
        Transaction dates (with ``freq``) or integer period numbers (``freq=None``).
    amounts : array-like of float, shape (M,), optional
        Transaction amounts (may be negative for returns); sales are 0 without them.
    freq : {"D", "W", "M", "Q", "Y"}, optional
        Period length when ``dates`` are dates.
    active_window : int
        A customer is active in t when they bought in t or the
        ``active_window - 1`` periods before it.

    Returns
    -------
    PeriodMetrics
        One entry per period from the first to the last, gaps included.

    Raises
    ------
    InvalidParameterError
        Empty log, blank ids, missing dates, non-finite amounts, bad ``freq``
        or ``active_window``.
    ShapeMismatchError
        Inputs of different lengths.

    Examples
    --------
    Year 1: a, b, c buy. Year 2: a, b buy and d, e are new: S = 3, E = 4,
    N = 2, so retention = (4 - 2) / 3.

    >>> m = period_metrics(
    ...     ["a", "b", "c", "a", "b", "d", "e"],
    ...     [2023, 2023, 2023, 2024, 2024, 2024, 2024],
    ...     [10, 20, 30, 10, 25, 5, 5],
    ... )
    >>> m.periods.tolist(), m.start.tolist(), m.active.tolist(), m.acquired.tolist()
    ([2023, 2024], [0, 3], [3, 4], [3, 2])
    >>> round(float(m.retention[1]), 4), round(float(m.churn[1]), 4)
    (0.6667, 0.3333)
    >>> m.sales.tolist(), float(m.sales_growth[1])
    ([60.0, 45.0], -0.25)
    """
    window = _check_window(active_window)
    log = _code_log(customer_ids, dates, freq, "dates")
    P = log.n_periods
    amt = None
    if amounts is not None:
        amt = as_float_array(amounts, "amounts", ndim=1)
        same_length({"customer_ids": log.cust, "amounts": amt})
    keys = _activity_keys(log, window)
    per = keys % P
    active = np.bincount(per, minlength=P)
    first = _first_period(keys, P, log.ids.shape[0])
    acquired = np.bincount(first, minlength=P)
    retained = np.bincount(per[_retained_mask(keys, P)], minlength=P)
    start = np.zeros(P, dtype=np.int64)
    start[1:] = active[:-1]
    reactivated = active - acquired - retained
    sales = (
        np.bincount(log.period, weights=amt, minlength=P)
        if amt is not None
        else np.zeros(P, dtype=np.float64)
    )
    return PeriodMetrics(
        periods=readonly(log.labels),
        active=readonly(active.astype(np.int64)),
        start=readonly(start),
        acquired=readonly(acquired.astype(np.int64)),
        reactivated=readonly(reactivated.astype(np.int64)),
        retained=readonly(retained.astype(np.int64)),
        sales=readonly(sales.astype(np.float64)),
        active_window=window,
    )


# ------------------------------------------------------------ cohort matrix


@attrs.frozen(eq=False)
class CohortRetention:
    """Acquisition-cohort x age retention table (the cohort triangle).

    Rows are cohorts (customers whose first purchase fell in the same period,
    only non-empty cohorts), columns are ages k = 0 .. P-1 periods since
    acquisition.

    Attributes
    ----------
    cohorts : ndarray, shape (C,)
        Acquisition-period labels.
    periods : ndarray, shape (P,)
        Calendar period labels of the whole log.
    size : ndarray of int64, shape (C,)
        Customers acquired per cohort.
    active : ndarray of int64, shape (C, P)
        Customers of cohort c active at age k (0 where not observed).
    retained : ndarray of int64, shape (C, P)
        Customers of cohort c active at both age k - 1 and age k (0 at k = 0).
    observed : ndarray of bool, shape (C, P)
        True where age k of cohort c lies inside the observation window.
    """

    cohorts: NDArray[Any]
    periods: NDArray[Any]
    size: IntArray
    active: IntArray
    retained: IntArray
    observed: NDArray[np.bool_]

    @property
    def share_active(self) -> FloatArray:
        """``active / size``, shape (C, P); NaN where the cell is not observed."""
        out = self.active / self.size[:, None]
        out[~self.observed] = np.nan
        return out

    @property
    def retention(self) -> FloatArray:
        """Period-on-period retention ``retained[:, k] / active[:, k-1]``, shape (C, P).

        NaN at age 0, in unobserved cells and where nobody of the cohort was
        active at age k - 1.
        """
        out = np.full(self.active.shape, np.nan)
        out[:, 1:] = _safe_ratio(self.retained[:, 1:], self.active[:, :-1])
        out[~self.observed] = np.nan
        return out


def cohort_retention(
    customer_ids: ArrayLike,
    dates: ArrayLike,
    *,
    freq: str | None = None,
    active_window: int = 1,
) -> CohortRetention:
    """Retention by acquisition cohort and age from a transaction log.

    Parameters
    ----------
    customer_ids : array-like of str or int, shape (M,)
        Customer of each transaction.
    dates : array-like, shape (M,)
        Transaction dates (with ``freq``) or integer period numbers.
    freq : {"D", "W", "M", "Q", "Y"}, optional
        Period length when ``dates`` are dates.
    active_window : int
        Look-back defining "active", as in :func:`period_metrics`.

    Returns
    -------
    CohortRetention
        Counts per cohort and age; ``share_active`` and ``retention`` derive rates.

    Raises
    ------
    InvalidParameterError, ShapeMismatchError
        As :func:`period_metrics`.

    Examples
    --------
    >>> t = cohort_retention(["a", "b", "a", "c", "c", "a"], [1, 1, 2, 2, 3, 3])
    >>> t.cohorts.tolist(), t.size.tolist()
    ([1, 2], [2, 1])
    >>> t.active.tolist()
    [[2, 1, 1], [1, 1, 0]]
    >>> t.share_active.round(2).tolist()
    [[1.0, 0.5, 0.5], [1.0, 1.0, nan]]
    """
    window = _check_window(active_window)
    log = _code_log(customer_ids, dates, freq, "dates")
    P = log.n_periods
    keys = _activity_keys(log, window)
    cust = keys // P
    per = keys % P
    first = _first_period(keys, P, log.ids.shape[0])
    cohort_per = first[cust]
    age = per - cohort_per
    present = np.bincount(first, minlength=P) > 0
    row_of = np.cumsum(present) - 1  # period index -> cohort row
    C = int(present.sum())
    cell = row_of[cohort_per] * P + age
    active = np.bincount(cell, minlength=C * P).reshape(C, P)
    kept = _retained_mask(keys, P)
    retained = np.bincount(cell[kept], minlength=C * P).reshape(C, P)
    cohort_idx = np.flatnonzero(present)
    observed = cohort_idx[:, None] + np.arange(P)[None, :] < P
    return CohortRetention(
        cohorts=readonly(log.labels[cohort_idx]),
        periods=readonly(log.labels.copy()),
        size=readonly(active[:, 0].astype(np.int64)),
        active=readonly(active.astype(np.int64)),
        retained=readonly(retained.astype(np.int64)),
        observed=readonly(observed),
    )


# ----------------------------------------------------- customers x periods


@attrs.frozen(eq=False)
class PeriodMatrix:
    """A customers x periods matrix of summed amounts (e.g. revenue per account per year).

    Attributes
    ----------
    ids : ndarray, shape (N,)
        Customer ids, sorted.
    periods : ndarray, shape (P,)
        Period labels, first to last, gaps included.
    values : ndarray of float64, shape (N, P)
        Sum of the amounts of customer i in period t (0 when nothing was bought).
    """

    ids: NDArray[Any]
    periods: NDArray[Any]
    values: FloatArray


def period_values(
    customer_ids: ArrayLike,
    dates: ArrayLike,
    amounts: ArrayLike,
    *,
    freq: str | None = None,
) -> PeriodMatrix:
    """Sum a transaction log into a customers x periods matrix.

    This is the input of :func:`kamcore.lifecycle.detect_stages` (revenue or
    profit per account and period).

    Parameters
    ----------
    customer_ids : array-like of str or int, shape (M,)
        Customer of each transaction.
    dates : array-like, shape (M,)
        Dates (with ``freq``) or integer period numbers.
    amounts : array-like of float, shape (M,)
        Amounts (revenue, margin...), any sign.
    freq : {"D", "W", "M", "Q", "Y"}, optional
        Period length when ``dates`` are dates.

    Returns
    -------
    PeriodMatrix
        Dense (N, P) float64 matrix; memory is 8 N P bytes.

    Examples
    --------
    >>> m = period_values(["b", "a", "a"], ["2024-01-05", "2024-01-20", "2024-03-01"],
    ...                   [5.0, 1.0, 2.0], freq="M")
    >>> m.ids.tolist(), [str(p) for p in m.periods], m.values.tolist()
    (['a', 'b'], ['2024-01', '2024-02', '2024-03'], [[1.0, 0.0, 2.0], [5.0, 0.0, 0.0]])
    """
    log = _code_log(customer_ids, dates, freq, "dates")
    amt = as_float_array(amounts, "amounts", ndim=1)
    same_length({"customer_ids": log.cust, "amounts": amt})
    n, P = log.ids.shape[0], log.n_periods
    vals = np.bincount(log.cust * P + log.period, weights=amt, minlength=n * P).reshape(n, P)
    return PeriodMatrix(ids=readonly(log.ids), periods=readonly(log.labels), values=readonly(vals))


# ------------------------------------------------------------- order cycle


@attrs.frozen(eq=False)
class OrderCycles:
    """Per-customer order-cycle statistics; every array has shape (N,).

    Gaps are measured between consecutive *order days* (several transactions
    of one customer on one day or period are one order), in days for date
    input and in period units for integer input. Statistics of customers with
    too few orders are NaN, as documented per field.

    Attributes
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
    """

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
    customer_ids: ArrayLike,
    dates: ArrayLike,
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
    fraction of a typical gap) — a warning sign of decline (DOMAIN.md section 9).

    Parameters
    ----------
    customer_ids : array-like of str or int, shape (M,)
        Customer of each transaction.
    dates : array-like, shape (M,)
        Dates (gaps in days) or integer period numbers (gaps in periods).
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
        Empty log, blank ids, missing dates, ``min_gaps < 2``, negative or
        non-finite ``threshold``.
    ShapeMismatchError
        Inputs of different lengths.

    Examples
    --------
    >>> oc = order_cycles(["a"] * 4 + ["b"] * 2, [0, 10, 30, 60, 5, 12])
    >>> oc.mean_gap.tolist(), oc.median_gap.tolist(), oc.trend.tolist()
    ([20.0, 7.0], [20.0, 7.0], [10.0, nan])
    >>> oc.lengthening.tolist()
    [True, False]
    """
    if isinstance(min_gaps, bool) or not isinstance(min_gaps, (int, np.integer)) or min_gaps < 2:
        raise InvalidParameterError(f"'min_gaps' must be an integer >= 2; got {min_gaps!r}.")
    thr = as_float_scalar(threshold, "threshold", domain=NONNEGATIVE)
    ids = _as_ids(customer_ids, "customer_ids")
    days = _day_numbers(dates, "dates")
    when = as_int_array(dates, "dates", ndim=1) if days is None else days
    same_length({"customer_ids": ids, "dates": when})
    if ids.size == 0:
        raise InvalidParameterError("'customer_ids' must not be empty; got 0 transactions.")
    uniq, cust = np.unique(ids, return_inverse=True)
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


# ------------------------------------------------- wallet, cross-sell, shares


def share_of_wallet(our_sales: ArrayLike, wallet: ArrayLike) -> FloatArray:
    """Share of wallet: our sales in our main business over the customer's spend on it.

    Parameters
    ----------
    our_sales : array-like of float
        What the customer bought from us in our main business lines (>= 0).
    wallet : array-like of float
        The customer's total spend on those lines, all suppliers (> 0).
        Broadcasts with ``our_sales``.

    Returns
    -------
    numpy.ndarray of float64
        SOW in [0, 1], broadcast shape.

    Raises
    ------
    InvalidParameterError
        Negative sales, non-positive wallet, or ``our_sales > wallet`` (the
        wallet estimate is inconsistent; kamcore does not clip it).

    Examples
    --------
    >>> share_of_wallet([30.0, 50.0], [120.0, 50.0]).tolist()
    [0.25, 1.0]
    """
    ours, total = broadcast(
        {
            "our_sales": as_float_array(our_sales, "our_sales", domain=NONNEGATIVE),
            "wallet": as_float_array(
                wallet, "wallet", domain=Interval(0.0, np.inf, low_closed=False)
            ),
        }
    )
    fail_where(ours > total, ours, "our_sales", "be <= wallet (the customer's total spend)")
    return np.asarray(ours / total, dtype=np.float64)


@attrs.frozen(eq=False)
class CrossSell:
    """Main-business and cross-sold revenue per customer; arrays have shape (N,).

    Attributes
    ----------
    ids : ndarray
        Customer ids, sorted.
    main : ndarray of float64
        Revenue from main-business lines.
    other : ndarray of float64
        Revenue outside the main business (cross-selling).
    """

    ids: NDArray[Any]
    main: FloatArray
    other: FloatArray

    @property
    def total(self) -> FloatArray:
        """``main + other``."""
        return self.main + self.other

    @property
    def ratio(self) -> FloatArray:
        """Cross-sell ratio ``other / total`` per customer; NaN where total = 0."""
        return _safe_ratio(self.other, self.total)

    @property
    def main_share(self) -> FloatArray:
        """Main-business share ``main / total`` per customer; NaN where total = 0."""
        return _safe_ratio(self.main, self.total)

    @property
    def overall_ratio(self) -> float:
        """Portfolio cross-sell ratio ``sum(other) / sum(total)``; NaN if nothing was sold."""
        return float(_safe_ratio(np.sum(self.other), np.sum(self.total)))


def cross_sell(customer_ids: ArrayLike, amounts: ArrayLike, main_business: ArrayLike) -> CrossSell:
    """Split each customer's revenue into main business and cross-selling.

    Parameters
    ----------
    customer_ids : array-like of str or int, shape (M,)
        Customer of each transaction.
    amounts : array-like of float, shape (M,)
        Transaction revenue (>= 0).
    main_business : array-like of bool, shape (M,)
        Whether each transaction is in one of our main-business lines.

    Returns
    -------
    CrossSell
        Per-customer sums; ``ratio`` is sales outside the main business over
        total sales (DOMAIN.md section 5), and ``main`` feeds
        :func:`share_of_wallet`.

    Raises
    ------
    InvalidParameterError
        Empty log, negative or non-finite amounts, non-boolean flags.
    ShapeMismatchError
        Inputs of different lengths.

    Examples
    --------
    >>> cs = cross_sell(["a", "a", "b"], [80.0, 20.0, 50.0], [True, False, True])
    >>> cs.ratio.tolist(), cs.overall_ratio
    ([0.2, 0.0], 0.13333333333333333)
    """
    ids = _as_ids(customer_ids, "customer_ids")
    amt = as_float_array(amounts, "amounts", domain=NONNEGATIVE, ndim=1)
    flag = np.asarray(main_business)
    if flag.dtype != np.bool_:
        raise InvalidParameterError(f"'main_business' must be booleans; got dtype {flag.dtype}.")
    same_length({"customer_ids": ids, "amounts": amt, "main_business": flag})
    if ids.size == 0:
        raise InvalidParameterError("'customer_ids' must not be empty; got 0 transactions.")
    uniq, cust = np.unique(ids, return_inverse=True)
    n = uniq.shape[0]
    main = np.bincount(cust, weights=np.where(flag, amt, 0.0), minlength=n)
    other = np.bincount(cust, weights=np.where(flag, 0.0, amt), minlength=n)
    return CrossSell(ids=readonly(uniq), main=readonly(main), other=readonly(other))


@attrs.frozen
class ContributionShare:
    """How much of the total the key accounts bring.

    Attributes
    ----------
    value_share : float
        ``sum(values[key]) / sum(values)``; above 1 when other accounts lose money.
    customer_share : float
        Fraction of the accounts that are key accounts.
    key_total, total : float
        The two sums.
    """

    value_share: float
    customer_share: float
    key_total: float
    total: float


def contribution_share(values: ArrayLike, is_key: ArrayLike) -> ContributionShare:
    """Key-account contribution share of revenue or profit.

    Parameters
    ----------
    values : array-like of float, shape (N,)
        Revenue or profit per account (a Portfolio column works).
    is_key : array-like of bool, shape (N,)
        Key-account flag per account (a scoring result).

    Returns
    -------
    ContributionShare

    Raises
    ------
    InvalidParameterError
        Empty input, non-finite values, non-boolean flags, or a total <= 0
        (a share of a non-positive total is meaningless).
    ShapeMismatchError
        Inputs of different lengths.

    Examples
    --------
    >>> s = contribution_share([500.0, 300.0, 100.0, 100.0], [True, False, False, False])
    >>> s.value_share, s.customer_share
    (0.5, 0.25)
    """
    v = as_float_array(values, "values", ndim=1, allow_empty=False)
    key = np.asarray(is_key)
    if key.dtype != np.bool_:
        raise InvalidParameterError(f"'is_key' must be booleans; got dtype {key.dtype}.")
    same_length({"values": v, "is_key": key})
    total = float(v.sum())
    if total <= 0:
        raise InvalidParameterError(
            f"'values' must have a positive total for a contribution share; got {total!r}."
        )
    key_total = float(v[key].sum())
    return ContributionShare(
        value_share=key_total / total,
        customer_share=float(key.mean()),
        key_total=key_total,
        total=total,
    )


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
