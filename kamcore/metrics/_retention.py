"""KAM result indicators: retention and churn, growth, order cycle, shares, satisfaction index.

Every calculator here is a numpy kernel over a transaction log
(:class:`~kamcore.transactions.TransactionLog`) or over portfolio columns:
customers are grouped with ``np.unique``/``bincount``/``lexsort``, never
looped over in Python. The log's columns were validated when it was built.

Periods
-------
A transaction's period is either the log's integer period number
(``freq=None``; e.g. a fiscal year or a month counter) or the calendar bucket
of its date given by ``freq``, one of
:data:`kamcore.transactions.FREQUENCIES`: ``"D"`` day, ``"W"`` ISO week
(Monday to Sunday, labelled by its Monday), ``"M"`` month, ``"Q"`` quarter
(labelled by its first month), ``"Y"`` year.

The period axis of every result runs from the first to the last period seen,
*including* periods without any transaction (a gap in buying is information).

Activity and the retention formula
----------------------------------
A customer is *active* in period t when they bought in one of the
``active_window`` periods ending with t (``active_window=1``: bought in t).
Over period t, with S_t customers active at its start (active in t-1), E_t
active at its end and N_t acquired during it,

    retention_t = (E_t - N_t) / S_t,    churn_t = 1 - retention_t

Here N_t counts first-time buyers *and* win-backs
(customers inactive in t-1 who buy again in t), so that E_t - N_t is exactly
the number of period-start customers still active, and the rate never exceeds
one. The often-quoted (S - E)/S is wrong whenever new customers arrive.
"""

from __future__ import annotations

from typing import Any, ClassVar

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from kamcore._columns import CustomerColumns, FrozenArrays
from kamcore._params import (
    NONNEGATIVE,
    FloatArray,
    IntArray,
    Interval,
    as_float_array,
    as_int_array,
    broadcast,
    check_fields,
    fail_where,
    readonly,
)
from kamcore.errors import InvalidParameterError, ShapeMismatchError
from kamcore.metrics._periods import (
    _activity_keys,
    _check_window,
    _code_log,
    _first_period,
    _retained_mask,
    _safe_ratio,
)
from kamcore.transactions import TransactionLog
from kamcore.transactions._log import as_log

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

    Parameters
    ----------
    start, end, acquired : array-like of float
        Customers at the start S and end E of the period and acquired N during
        it; broadcast together.

    Returns
    -------
    ndarray of float64
        ``1 - retention_rate(start, end, acquired)``, the broadcast shape.

    Raises
    ------
    InvalidParameterError
        As :func:`retention_rate`: negative counts, a zero start, more retained
        customers than at the start.

    Examples
    --------
    >>> churn_rate(100, 95, 10).round(2).tolist()
    0.15
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
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, (int, np.integer)):
        raise InvalidParameterError(
            f"'axis' must be an integer; got {type(axis).__name__} {axis!r}."
        )
    if x.ndim == 0:
        raise ShapeMismatchError("'values' must have a period axis; got a scalar.")
    try:
        x = np.moveaxis(x, axis, -1)
    except (np.exceptions.AxisError, OverflowError):
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


@attrs.frozen(eq=False, repr=False)
class PeriodMetrics(FrozenArrays):
    """Customer flows and sales per period; every array has shape (P,).

    Parameters
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

    Examples
    --------
    >>> from kamcore.metrics import period_metrics
    >>> from kamcore.transactions import TransactionLog
    >>> log = TransactionLog(["a", "b", "a", "c"], amounts=[10.0, 5.0, 12.0, 3.0],
    ...                      periods=[1, 1, 2, 2])
    >>> pm = period_metrics(log)
    >>> pm.periods.tolist(), pm.active.tolist(), pm.retained.tolist()
    ([1, 2], [2, 2], [0, 1])
    """

    #: fields whose NaN is a documented "no value" marker
    _NAN_OK: ClassVar[tuple[str, ...]] = ()

    def __attrs_post_init__(self) -> None:
        check_fields(self, nan_ok=self._NAN_OK)

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
        """Sales growth ``(s_t - s_{t-1}) / |s_{t-1}|``; NaN for t = 0 and after zero sales."""
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
    log: TransactionLog | ArrayLike,
    dates: ArrayLike | None = None,
    amounts: ArrayLike | None = None,
    *,
    freq: str | None = None,
    active_window: int = 1,
) -> PeriodMetrics:
    """Retention, churn, acquisition, win-back, sales and growth per period from a transaction log.

    Parameters
    ----------
    log : TransactionLog
        The transactions: dates (grouped by ``freq``) or integer period numbers
        (``freq=None``), and optionally amounts (may be negative for returns;
        sales are 0 without them).
    dates, amounts : array-like, shape (M,), optional
        The raw-array form: pass the customer ids as ``log`` and the columns
        here; numeric ``dates`` are period numbers. They are validated by
        :class:`~kamcore.transactions.TransactionLog` exactly as a log's columns.
    freq : {"D", "W", "M", "Q", "Y"}, optional
        Calendar bucket (:data:`~kamcore.transactions.FREQUENCIES`) when the
        log has dates; None for period numbers.
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
        Empty log, bad ``freq`` or ``active_window`` (and, in the raw-array
        form, anything :class:`~kamcore.transactions.TransactionLog` refuses).
    ShapeMismatchError
        Raw columns of different lengths.

    Examples
    --------
    Year 1: a, b, c buy. Year 2: a, b buy and d, e are new: S = 3, E = 4,
    N = 2, so retention = (4 - 2) / 3.

    >>> from kamcore.transactions import TransactionLog
    >>> log = TransactionLog.from_columns(
    ...     ["a", "b", "c", "a", "b", "d", "e"],
    ...     periods=[2023, 2023, 2023, 2024, 2024, 2024, 2024],
    ...     amounts=[10, 20, 30, 10, 25, 5, 5],
    ... )
    >>> m = period_metrics(log)
    >>> m.periods.tolist(), m.start.tolist(), m.active.tolist(), m.acquired.tolist()
    ([2023, 2024], [0, 3], [3, 4], [3, 2])
    >>> round(float(m.retention[1]), 4), round(float(m.churn[1]), 4)
    (0.6667, 0.3333)
    >>> m.sales.tolist(), float(m.sales_growth[1])
    ([60.0, 45.0], -0.25)
    """
    tx = as_log(log, dates, amounts, caller="period_metrics", periods_ok=True)
    window = _check_window(active_window)
    coded = _code_log(tx, freq)
    P = coded.n_periods
    amt = tx.amounts
    keys = _activity_keys(coded, window)
    per = keys % P
    active = np.bincount(per, minlength=P)
    first = _first_period(keys, P, coded.ids.shape[0])
    acquired = np.bincount(first, minlength=P)
    retained = np.bincount(per[_retained_mask(keys, P)], minlength=P)
    start = np.zeros(P, dtype=np.int64)
    start[1:] = active[:-1]
    reactivated = active - acquired - retained
    sales = (
        np.bincount(coded.period, weights=amt, minlength=P)
        if amt is not None
        else np.zeros(P, dtype=np.float64)
    )
    return PeriodMetrics(
        periods=readonly(coded.labels),
        active=readonly(active.astype(np.int64)),
        start=readonly(start),
        acquired=readonly(acquired.astype(np.int64)),
        reactivated=readonly(reactivated.astype(np.int64)),
        retained=readonly(retained.astype(np.int64)),
        sales=readonly(sales.astype(np.float64)),
        active_window=window,
    )


# ------------------------------------------------------------ cohort matrix


@attrs.frozen(eq=False, repr=False)
class CohortRetention(FrozenArrays):
    """Acquisition-cohort x age retention table (the cohort triangle).

    Rows are cohorts (customers whose first purchase fell in the same period,
    only non-empty cohorts), columns are ages k = 0 .. P-1 periods since
    acquisition.

    Parameters
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

    Examples
    --------
    >>> from kamcore.metrics import cohort_retention
    >>> from kamcore.transactions import TransactionLog
    >>> log = TransactionLog(["a", "a", "b", "c", "c"], periods=[1, 2, 1, 2, 3])
    >>> cr = cohort_retention(log)
    >>> cr.cohorts.tolist(), cr.size.tolist()
    ([1, 2], [2, 1])
    """

    #: fields whose NaN is a documented "no value" marker
    _NAN_OK: ClassVar[tuple[str, ...]] = ()

    def __attrs_post_init__(self) -> None:
        check_fields(self, nan_ok=self._NAN_OK)

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
    log: TransactionLog | ArrayLike,
    dates: ArrayLike | None = None,
    *,
    freq: str | None = None,
    active_window: int = 1,
) -> CohortRetention:
    """Retention by acquisition cohort and age from a transaction log.

    Parameters
    ----------
    log : TransactionLog
        The transactions: dates (grouped by ``freq``) or integer period numbers
        (``freq=None``).
    dates : array-like, shape (M,), optional
        The raw-array form: pass the customer ids as ``log`` and the columns
        here; numeric ``dates`` are period numbers. They are validated by
        :class:`~kamcore.transactions.TransactionLog` exactly as a log's columns.
    freq : {"D", "W", "M", "Q", "Y"}, optional
        Calendar bucket when the log has dates; None for period numbers.
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
    >>> from kamcore.transactions import TransactionLog
    >>> log = TransactionLog(["a", "b", "a", "c", "c", "a"], periods=[1, 1, 2, 2, 3, 3])
    >>> t = cohort_retention(log)
    >>> t.cohorts.tolist(), t.size.tolist()
    ([1, 2], [2, 1])
    >>> t.active.tolist()
    [[2, 1, 1], [1, 1, 0]]
    >>> t.share_active.round(2).tolist()
    [[1.0, 0.5, 0.5], [1.0, 1.0, nan]]
    """
    tx = as_log(log, dates, caller="cohort_retention", periods_ok=True)
    window = _check_window(active_window)
    coded = _code_log(tx, freq)
    P = coded.n_periods
    keys = _activity_keys(coded, window)
    cust = keys // P
    per = keys % P
    first = _first_period(keys, P, coded.ids.shape[0])
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
        cohorts=readonly(coded.labels[cohort_idx]),
        periods=readonly(coded.labels.copy()),
        size=readonly(active[:, 0].astype(np.int64)),
        active=readonly(active.astype(np.int64)),
        retained=readonly(retained.astype(np.int64)),
        observed=readonly(observed),
    )


# ----------------------------------------------------- customers x periods


@attrs.frozen(eq=False, repr=False)
class PeriodMatrix(CustomerColumns):
    """A customers x periods matrix of summed amounts (e.g. revenue per account per year).

    Parameters
    ----------
    ids : ndarray, shape (N,)
        Customer ids, sorted.
    periods : ndarray, shape (P,)
        Period labels, first to last, gaps included.
    values : ndarray of float64, shape (N, P)
        Sum of the amounts of customer i in period t (0 when nothing was bought).

    Examples
    --------
    >>> from kamcore.metrics import period_values
    >>> from kamcore.transactions import TransactionLog
    >>> log = TransactionLog(["a", "a"], ["2024-01-05", "2024-03-01"], [1.0, 2.0])
    >>> m = period_values(log, freq="M")
    >>> m.values.tolist()
    [[1.0, 0.0, 2.0]]
    """

    #: fields whose NaN is a documented "no value" marker
    _NAN_OK: ClassVar[tuple[str, ...]] = ()

    def __attrs_post_init__(self) -> None:
        check_fields(self, nan_ok=self._NAN_OK)

    ids: NDArray[Any]
    periods: NDArray[Any]
    values: FloatArray

    def columns(self) -> dict[str, NDArray[Any]]:
        """Return one column per period (named by the period as text), shape (N,) each."""
        return {str(p): self.values[:, j] for j, p in enumerate(self.periods)}


def period_values(
    log: TransactionLog | ArrayLike,
    dates: ArrayLike | None = None,
    amounts: ArrayLike | None = None,
    *,
    freq: str | None = None,
) -> PeriodMatrix:
    """Sum a transaction log into a customers x periods matrix.

    This is the input of :func:`kamcore.lifecycle.detect_stages` (revenue or
    profit per account and period).

    Parameters
    ----------
    log : TransactionLog
        The transactions: dates (grouped by ``freq``) or integer period numbers
        (``freq=None``), and amounts (revenue, margin..., any sign) to sum.
    dates, amounts : array-like, shape (M,), optional
        The raw-array form: pass the customer ids as ``log`` and the columns
        here; numeric ``dates`` are period numbers. They are validated by
        :class:`~kamcore.transactions.TransactionLog` exactly as a log's columns.
    freq : {"D", "W", "M", "Q", "Y"}, optional
        Calendar bucket when the log has dates; None for period numbers.

    Returns
    -------
    PeriodMatrix
        Dense (N, P) float64 matrix; memory is 8 N P bytes.

    Raises
    ------
    InvalidParameterError
        An unknown ``freq``, ``freq`` given for period numbers or missing for
        dates, or the columns a :class:`~kamcore.transactions.TransactionLog`
        refuses.
    ShapeMismatchError
        Columns of different lengths.

    Examples
    --------
    >>> from kamcore.transactions import TransactionLog
    >>> log = TransactionLog(["b", "a", "a"], ["2024-01-05", "2024-01-20", "2024-03-01"],
    ...                      [5.0, 1.0, 2.0])
    >>> m = period_values(log, freq="M")
    >>> m.ids.tolist(), [str(p) for p in m.periods], m.values.tolist()
    (['a', 'b'], ['2024-01', '2024-02', '2024-03'], [[1.0, 0.0, 2.0], [5.0, 0.0, 0.0]])
    """
    tx = as_log(log, dates, amounts, caller="period_values", periods_ok=True)
    amt = tx.require_amounts("period_values")
    coded = _code_log(tx, freq)
    n, P = coded.ids.shape[0], coded.n_periods
    vals = np.bincount(coded.cust * P + coded.period, weights=amt, minlength=n * P).reshape(n, P)
    return PeriodMatrix(
        ids=readonly(coded.ids), periods=readonly(coded.labels), values=readonly(vals)
    )
