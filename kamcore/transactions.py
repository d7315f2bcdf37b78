"""Vectorised summary of a transaction log into per-customer columns.

:func:`summarize_transactions` turns a long transaction log (one row per
transaction: customer id, date, amount, optionally margin and a main-business
flag) into one row per customer with the repeat-buying statistics that the
BTYD models consume and the revenue/margin totals that CLP and scoring use.

Conventions (those of Fader & Hardie and of the ``lifetimes``/BTYD packages,
checked against the published CDNOW summary):

- transactions of one customer on the same date form one *purchase occasion*;
  its spend is the sum of their amounts;
- ``frequency`` x = number of occasions - 1 (repeat purchases);
- ``recency`` t_x = last occasion - first occasion, in ``time_unit``;
- ``T`` = observation end - first occasion, in ``time_unit``;
- ``monetary_value`` = mean spend of the repeat occasions (the first occasion
  excluded), and 0 when x = 0 — the published convention; use ``frequency > 0``
  to tell "no repeat purchase" apart from "spent nothing".

The computation is one ``lexsort`` plus ``reduceat``/``bincount`` passes: no
Python loop over customers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Final, Literal

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from kamcore._params import NONNEGATIVE, as_float_array, check_in, fail_where, readonly, same_length
from kamcore._portfolio import Portfolio
from kamcore.errors import InvalidParameterError, SchemaError, ShapeMismatchError

if TYPE_CHECKING:
    from kamcore.domain._transaction import Transaction

__all__ = ["TIME_UNITS", "TransactionSummary", "summarize_transactions", "transactions_to_arrays"]

#: Named time units and their length in days.
TIME_UNITS: Final[dict[str, float]] = {"D": 1.0, "W": 7.0}


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


def _as_dates(values: ArrayLike, name: str) -> NDArray[np.datetime64]:
    try:
        arr = np.asarray(values, dtype="datetime64[D]")
    except (TypeError, ValueError) as exc:
        raise InvalidParameterError(
            f"{name!r} must be dates (datetime64, datetime.date or ISO 8601 strings); {exc}."
        ) from None
    raw = np.asarray(values)
    if raw.dtype.kind in "iuf":
        raise InvalidParameterError(
            f"{name!r} must be dates, not numbers; got dtype {raw.dtype} "
            "(convert e.g. 19970101 with np.datetime64 or pandas.to_datetime first)."
        )
    fail_where(np.isnat(arr), arr, name, "be a date (no NaT or missing dates)")
    return arr


def _unit_days(time_unit: str | float) -> float:
    if isinstance(time_unit, str):
        try:
            return TIME_UNITS[time_unit]
        except KeyError:
            raise InvalidParameterError(
                f"'time_unit' must be one of {sorted(TIME_UNITS)} or a positive number of days; "
                f"got {time_unit!r}."
            ) from None
    days = float(time_unit)
    if not np.isfinite(days) or days <= 0:
        raise InvalidParameterError(
            f"'time_unit' must be a positive number of days; got {time_unit!r}."
        )
    return days


@attrs.frozen(eq=False)
class TransactionSummary:
    """Per-customer summary of a transaction log; every array has shape (N,).

    Attributes
    ----------
    ids : ndarray of str
        Customer ids, sorted.
    frequency : ndarray of int64
        Repeat purchase occasions x (occasions - 1).
    recency : ndarray of float64
        t_x: time from first to last occasion, in ``time_unit``.
    T : ndarray of float64
        Time from first occasion to ``observation_end``, in ``time_unit``.
    monetary_value : ndarray of float64
        Mean spend per repeat occasion (0 when ``frequency`` is 0), currency units.
    first_purchase, last_purchase : ndarray of datetime64[D]
        Dates of the first and last occasion.
    n_transactions : ndarray of int64
        Transaction rows (before merging same-day rows into occasions).
    total_revenue : ndarray of float64
        Sum of amounts.
    total_margin : ndarray of float64 or None
        Sum of margins, when margins were given.
    main_business_revenue : ndarray of float64 or None
        Sum of amounts flagged main business, when flags were given.
    observation_end : datetime.date
        End of the observation window.
    time_unit : str
        The unit of ``recency`` and ``T`` ("D", "W", or a number of days).
    """

    ids: NDArray[np.str_]
    frequency: NDArray[np.int64]
    recency: NDArray[np.float64]
    T: NDArray[np.float64]
    monetary_value: NDArray[np.float64]
    first_purchase: NDArray[np.datetime64]
    last_purchase: NDArray[np.datetime64]
    n_transactions: NDArray[np.int64]
    total_revenue: NDArray[np.float64]
    total_margin: NDArray[np.float64] | None
    main_business_revenue: NDArray[np.float64] | None
    observation_end: dt.date
    time_unit: str

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    def columns(self) -> dict[str, NDArray[Any]]:
        """Return the per-customer columns by name (ids excluded)."""
        cols: dict[str, NDArray[Any]] = {
            "frequency": self.frequency,
            "recency": self.recency,
            "T": self.T,
            "monetary_value": self.monetary_value,
            "first_purchase": self.first_purchase,
            "last_purchase": self.last_purchase,
            "n_transactions": self.n_transactions,
            "total_revenue": self.total_revenue,
        }
        if self.total_margin is not None:
            cols["total_margin"] = self.total_margin
        if self.main_business_revenue is not None:
            cols["main_business_revenue"] = self.main_business_revenue
        return cols

    def to_portfolio(self, *, currency: str | None = None) -> Portfolio:
        """Return the summary as a :class:`~kamcore.Portfolio`.

        Parameters
        ----------
        currency : str, optional
            ISO-4217 code recorded for the money columns (revenue, spend, margin).
        """
        cols = self.columns()
        money = ("monetary_value", "total_revenue", "total_margin", "main_business_revenue")
        currencies = {k: currency for k in money if k in cols} if currency else None
        return Portfolio.from_columns(self.ids, cols, currencies=currencies)


def summarize_transactions(
    customer_ids: ArrayLike,
    dates: ArrayLike,
    amounts: ArrayLike,
    *,
    margins: ArrayLike | None = None,
    main_business: ArrayLike | None = None,
    observation_end: dt.date | str | np.datetime64 | None = None,
    time_unit: str | float = "D",
) -> TransactionSummary:
    """Summarise a transaction log into per-customer repeat-buying columns.

    Parameters
    ----------
    customer_ids : array-like of str, shape (M,)
        Customer of each transaction.
    dates : array-like of dates, shape (M,)
        Transaction dates (``datetime64``, ``datetime.date`` or ISO strings).
    amounts : array-like of float, shape (M,)
        Transaction amounts (revenue), >= 0, in one currency.
    margins : array-like of float, shape (M,), optional
        Margin of each transaction (may be negative).
    main_business : array-like of bool, shape (M,), optional
        Whether each transaction is in our main business (for share of wallet
        and cross-selling).
    observation_end : date, optional
        End of the observation window; defaults to the latest transaction date.
        Transactions after it are an error (filter the log explicitly to
        calibrate on a window).
    time_unit : {"D", "W"} or float
        Unit of ``recency`` and ``T``: days, weeks, or a number of days.

    Returns
    -------
    TransactionSummary
        One row per customer, ids sorted.

    Raises
    ------
    ShapeMismatchError
        Inputs of different lengths.
    InvalidParameterError
        Negative or non-finite amounts, non-finite margins, missing dates,
        blank ids, transactions after ``observation_end``.

    Examples
    --------
    >>> s = summarize_transactions(
    ...     ["a", "a", "a", "b"],
    ...     ["2024-01-01", "2024-01-01", "2024-01-15", "2024-01-08"],
    ...     [10.0, 5.0, 20.0, 7.0],
    ...     observation_end="2024-01-29",
    ...     time_unit="W",
    ... )
    >>> s.ids.tolist(), s.frequency.tolist(), s.recency.tolist(), s.T.tolist()
    (['a', 'b'], [1, 0], [2.0, 0.0], [4.0, 3.0])
    >>> s.monetary_value.tolist(), s.total_revenue.tolist()
    ([20.0, 0.0], [35.0, 7.0])
    """
    ids = np.asarray(customer_ids)
    if ids.ndim != 1:
        raise ShapeMismatchError(f"'customer_ids' must be 1-D; got shape {ids.shape}.")
    if ids.dtype.kind == "O":
        not_str = np.fromiter((not isinstance(v, str) for v in ids), bool, count=ids.size)
        fail_where(not_str, ids, "customer_ids", "be strings")
        ids = ids.astype(str)
    elif ids.size and ids.dtype.kind != "U":
        raise SchemaError(f"'customer_ids' must be strings; got dtype {ids.dtype}.")
    if ids.size:
        fail_where(np.strings.strip(ids) == "", ids, "customer_ids", "be non-empty")
    date_arr = _as_dates(dates, "dates")
    amt = as_float_array(amounts, "amounts", domain=NONNEGATIVE, ndim=1)
    arrays: dict[str, NDArray[Any]] = {"customer_ids": ids, "dates": date_arr, "amounts": amt}
    mar = None
    if margins is not None:
        mar = as_float_array(margins, "margins", ndim=1)
        arrays["margins"] = mar
    main = None
    if main_business is not None:
        main = np.asarray(main_business)
        if main.dtype != np.bool_:
            raise InvalidParameterError(
                f"'main_business' must be booleans; got dtype {main.dtype}."
            )
        arrays["main_business"] = main
    same_length(arrays)
    unit_days = _unit_days(time_unit)
    unit_name = time_unit if isinstance(time_unit, str) else f"{unit_days:g}D"

    if observation_end is None:
        if date_arr.size == 0:
            raise InvalidParameterError(
                "'observation_end' must be given when the transaction log is empty."
            )
        end = date_arr.max()
    else:
        end = _as_dates(np.array([observation_end]), "observation_end")[0]
        fail_where(date_arr > end, date_arr, "dates", f"be on or before observation_end {end}")

    uniq, codes = np.unique(ids, return_inverse=True)
    n = uniq.shape[0]
    day = date_arr.astype(np.int64)
    order = np.lexsort((day, codes))
    c_s, d_s, a_s = codes[order], day[order], amt[order]
    # one purchase occasion per (customer, date)
    new_occ = np.ones(c_s.shape[0], dtype=bool)
    if c_s.size:
        new_occ[1:] = (c_s[1:] != c_s[:-1]) | (d_s[1:] != d_s[:-1])
    occ_start = np.flatnonzero(new_occ)
    occ_cust = c_s[occ_start]
    occ_day = d_s[occ_start]
    occ_spend = np.add.reduceat(a_s, occ_start) if occ_start.size else np.empty(0)
    # per customer: occasions are sorted by date within customer
    new_cust = np.ones(occ_cust.shape[0], dtype=bool)
    if occ_cust.size:
        new_cust[1:] = occ_cust[1:] != occ_cust[:-1]
    first_idx = np.flatnonzero(new_cust)
    last_idx = np.append(first_idx[1:] - 1, occ_cust.shape[0] - 1) if n else first_idx
    n_occ = np.bincount(occ_cust, minlength=n)
    first_day = occ_day[first_idx]
    last_day = occ_day[last_idx]
    spend_total = np.bincount(occ_cust, weights=occ_spend, minlength=n)
    repeat_spend = spend_total - occ_spend[first_idx]
    frequency = (n_occ - 1).astype(np.int64)
    monetary = np.divide(
        repeat_spend, frequency, out=np.zeros(n, dtype=np.float64), where=frequency > 0
    )
    end_day = end.astype(np.int64)
    total_margin = (
        np.bincount(codes, weights=mar, minlength=n).astype(np.float64) if mar is not None else None
    )
    main_rev = (
        np.bincount(codes, weights=np.where(main, amt, 0.0), minlength=n)
        if main is not None
        else None
    )
    end_date = dt.date.fromisoformat(str(end))
    return TransactionSummary(
        ids=readonly(uniq.astype(str) if n else np.empty(0, dtype="U1")),
        frequency=readonly(frequency),
        recency=readonly((last_day - first_day) / unit_days),
        T=readonly((end_day - first_day) / unit_days),
        monetary_value=readonly(monetary),
        first_purchase=readonly(first_day.astype("datetime64[D]")),
        last_purchase=readonly(last_day.astype("datetime64[D]")),
        n_transactions=readonly(np.bincount(codes, minlength=n).astype(np.int64)),
        total_revenue=readonly(np.bincount(codes, weights=amt, minlength=n)),
        total_margin=readonly(total_margin) if total_margin is not None else None,
        main_business_revenue=readonly(main_rev) if main_rev is not None else None,
        observation_end=end_date,
        time_unit=unit_name,
    )


def transactions_to_arrays(
    transactions: Iterable[Transaction], *, refunds: Literal["raise", "exclude"] = "raise"
) -> dict[str, NDArray[Any]]:
    """Turn :class:`~kamcore.domain.Transaction` objects into log columns.

    Parameters
    ----------
    transactions
        The log, one object per transaction, all in one currency.
    refunds : {"raise", "exclude"}
        Refunds are not purchase occasions: by default they are an error;
        ``"exclude"`` leaves them out explicitly.

    Returns
    -------
    dict of str to ndarray
        ``customer_ids``, ``dates``, ``amounts``, ``main_business`` and, when
        every transaction carries a margin or a cost, ``margins`` (the gross
        margin) — ready for ``summarize_transactions(**arrays)``.

    Raises
    ------
    CurrencyMismatchError
        When the transactions are in more than one currency.
    InvalidParameterError
        A refund with ``refunds="raise"``.
    """
    from kamcore.errors import CurrencyMismatchError

    check_in(refunds, "refunds", ("raise", "exclude"))
    items = list(transactions)
    refund_at = [i for i, t in enumerate(items) if t.refund]
    if refund_at and refunds == "raise":
        raise InvalidParameterError(
            f"'transactions' must not contain refunds (they are not purchase occasions; pass "
            f"refunds='exclude' to leave them out); got {len(refund_at)} refunds "
            f"(first at index {refund_at[0]})."
        )
    items = [t for t in items if not t.refund]
    currencies = sorted({t.currency for t in items})
    if len(currencies) > 1:
        raise CurrencyMismatchError(f"a transaction log must be in one currency; got {currencies}.")
    out: dict[str, NDArray[Any]] = {
        "customer_ids": np.array([t.customer_id for t in items], dtype=str),
        "dates": np.array([t.date for t in items], dtype="datetime64[D]"),
        "amounts": np.array([float(t.amount.amount) for t in items], dtype=np.float64),
        "main_business": np.array([t.main_business for t in items], dtype=bool),
    }
    margins = [t.gross_margin for t in items]
    if items and all(m is not None for m in margins):
        out["margins"] = np.array([float(m.amount) for m in margins if m is not None])
    return out
