"""Period coding shared by the retention, cohort and period-value calculators (private)."""

from __future__ import annotations

from typing import Any, Final

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from kamcore._params import FloatArray, IntArray
from kamcore.errors import InvalidParameterError
from kamcore.transactions import FREQUENCIES, TransactionLog
from kamcore.transactions._time import check_freq

#: Most periods a log may span (from its first to its last period), a guard against
#: passing timestamps as period numbers.
MAX_PERIODS: Final = 100_000

# 1970-01-01 (day 0) is a Thursday: shifting by 3 days makes weeks start on Monday.
_WEEK_SHIFT: Final = 3


# --------------------------------------------------------------------- helpers


def _time_numbers(log: TransactionLog) -> IntArray:
    """Day numbers since 1970-01-01 of a log of dates, or the period numbers of a log of periods."""
    if log.dates is not None:
        return log.dates.astype(np.int64)
    assert log.periods is not None
    return log.periods


def _period_ordinals(log: TransactionLog, freq: str | None) -> tuple[IntArray, str | None]:
    """Integer period ordinals of a log's dates (with ``freq``) or periods (``freq=None``)."""
    if log.dates is None:
        if freq is not None:
            raise InvalidParameterError(
                f"'freq' must be None when the log has period numbers; got {freq!r} "
                "(pass dates to group them by a frequency)."
            )
        return _time_numbers(log), None
    if freq is None:
        raise InvalidParameterError(
            f"'freq' must be one of {', '.join(map(repr, FREQUENCIES))} when the log has dates; "
            "got None."
        )
    freq = check_freq(freq)
    days = log.dates.astype(np.int64)
    if freq == "D":
        return days, freq
    if freq == "W":
        return (days + _WEEK_SHIFT) // 7, freq
    months = log.dates.astype("datetime64[M]").astype(np.int64)
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


def _code_log(log: TransactionLog, freq: str | None) -> _Log:
    """Code a non-empty log to dense customer and period indices."""
    if len(log) == 0:
        raise InvalidParameterError("'customer_ids' must not be empty; got 0 transactions.")
    ords, freq = _period_ordinals(log, freq)
    uniq, cust = np.unique(log.customer_ids, return_inverse=True)
    lo = int(ords.min())
    period = ords - lo
    n_periods = int(period.max()) + 1
    if n_periods > MAX_PERIODS:
        name = "dates" if log.has_dates else "periods"
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
        # A purchase in period p makes the customer active in p .. p + window - 1
        # (cut at the last period). The intervals of one customer are merged into
        # runs and the runs expanded, so the work is proportional to the output
        # (at most customers x periods), never to the window: a window of 10**9
        # periods costs what a window of P does.
        c = keys // P
        p = keys % P
        end = np.minimum(p + (min(window, P) - 1), P - 1)
        starts = np.ones(keys.shape[0], dtype=bool)
        starts[1:] = (c[1:] != c[:-1]) | (p[1:] > end[:-1] + 1)
        first = np.flatnonzero(starts)
        last = np.append(first[1:] - 1, keys.shape[0] - 1)
        run_start = keys[first]
        lengths = end[last] - p[first] + 1
        offsets = np.arange(int(lengths.sum()), dtype=np.int64) - np.repeat(
            np.cumsum(lengths) - lengths, lengths
        )
        keys = np.repeat(run_start, lengths) + offsets
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
