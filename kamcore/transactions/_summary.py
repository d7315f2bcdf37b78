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
from typing import Any, ClassVar

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from kamcore._columns import CustomerColumns
from kamcore._params import check_fields, readonly
from kamcore._portfolio import Portfolio
from kamcore.errors import InvalidParameterError
from kamcore.transactions._log import as_log, check_date, fail_rows
from kamcore.transactions._time import unit_days as _unit_days

__all__ = ["TransactionSummary", "summarize_transactions"]


@attrs.frozen(eq=False, repr=False)
class TransactionSummary(CustomerColumns):
    """Per-customer summary of a transaction log; every array has shape (N,).

    Parameters
    ----------
    ids : ndarray of str
        Customer ids (integer ids as their decimal text), sorted as text.
    frequency : ndarray of int64
        Repeat purchase occasions x (occasions - 1).
    recency : ndarray of float64
        The time t_x from first to last occasion, in ``time_unit``.
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

    Examples
    --------
    >>> from kamcore.transactions import summarize_transactions
    >>> s = summarize_transactions(["a", "a", "b"], ["2024-01-01", "2024-01-15", "2024-01-08"],
    ...                            [10.0, 20.0, 5.0], observation_end="2024-01-29", time_unit="W")
    >>> s.ids.tolist(), s.frequency.tolist(), s.recency.tolist(), s.T.tolist()
    (['a', 'b'], [1, 0], [2.0, 0.0], [4.0, 3.0])
    """

    #: fields whose NaN is a documented "no value" marker
    _NAN_OK: ClassVar[tuple[str, ...]] = ()

    def __attrs_post_init__(self) -> None:
        check_fields(self, nan_ok=self._NAN_OK)

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
    log: Any,
    dates: ArrayLike | None = None,
    amounts: ArrayLike | None = None,
    *,
    customer_id: str | None = None,
    date: str | None = None,
    amount: str | None = None,
    date_format: str | None = None,
    margins: ArrayLike | None = None,
    main_business: ArrayLike | None = None,
    observation_end: dt.date | str | np.datetime64 | None = None,
    time_unit: str | float = "D",
) -> TransactionSummary:
    """Summarise a transaction log into per-customer repeat-buying columns.

    Parameters
    ----------
    log : TransactionLog, DataFrame or array-like
        The transactions, with dates and amounts (>= 0, one currency), in
        one of three forms:

        - a :class:`TransactionLog`; its ``margins`` and ``main_business``
          columns, when present, give ``total_margin`` and
          ``main_business_revenue``;
        - a pandas or polars ``DataFrame`` or a pyarrow ``Table`` (what
          ``pandas.read_csv`` gives), with its column names in
          ``customer_id``, ``date`` and ``amount`` (defaults
          ``"customer_id"``, ``"date"``, ``"amount"``), read by
          :meth:`TransactionLog.from_frame`;
        - the customer ids, with ``dates`` and ``amounts`` as arrays.
    dates, amounts : array-like, shape (M,), optional
        The raw-array form: the columns (with ``margins=`` and
        ``main_business=`` if wanted), validated by :class:`TransactionLog`
        exactly as a log's columns. numpy arrays, lists, and pandas or
        polars ``Series`` all work; keep their index out: a pandas index is
        ignored and rows are matched by position.
    customer_id, date, amount : str, optional, keyword-only
        Frame form only: the column names.
    date_format : str, optional, keyword-only
        The strptime format of text dates that are not ISO 8601, e.g.
        ``"%Y%m%d"`` (CDNOW's 19970101; integer columns read that way are
        taken as their text). Frame and raw-array forms.
    margins, main_business : array-like, shape (M,), optional, keyword-only
        Raw-array form only: margins (any sign) and main-business flags.
    observation_end : date, optional
        End of the observation window; defaults to the latest transaction date.
        Transactions after it are an error here (to split a log at a date use
        :func:`calibration_holdout`, which excludes and counts them).
    time_unit : {"D", "W", "M", "Q", "Y"} or float
        Duration unit of ``recency`` and ``T`` (:data:`TIME_UNITS`): "D"
        days, "W" exactly 7 days (the BTYD convention; not calendar weeks),
        "M", "Q", "Y" 365.25/12, 365.25/4 and 365.25 days, or a positive
        number of days.

    Returns
    -------
    TransactionSummary
        One row per customer. Customer ids are text (integer ids become
        their decimal text, ``17`` -> ``"17"``) and the rows are sorted by id
        *as text*, so ``"10"`` comes before ``"9"``; the order of the input
        rows never matters. Sort by ``ids.astype(int)`` for numeric order.
        An empty log (with ``observation_end`` given) gives an empty summary.

    Raises
    ------
    ShapeMismatchError
        Raw columns of different lengths.
    SchemaError
        A frame without a named column (the message lists the columns and
        suggests the closest).
    InvalidParameterError
        Negative amounts, a log without amounts or with period numbers instead
        of dates, transactions after ``observation_end``, a bad ``time_unit``
        (and anything :class:`TransactionLog` refuses: unreadable dates, blank
        ids, ...); messages name the column, the rule, the first bad row and
        its customer.

    Examples
    --------
    >>> from kamcore.transactions import TransactionLog
    >>> log = TransactionLog.from_columns(
    ...     ["a", "a", "a", "b"],
    ...     ["2024-01-01", "2024-01-01", "2024-01-15", "2024-01-08"],
    ...     [10.0, 5.0, 20.0, 7.0],
    ... )
    >>> s = summarize_transactions(
    ...     log,
    ...     observation_end="2024-01-29",
    ...     time_unit="W",
    ... )
    >>> s.ids.tolist(), s.frequency.tolist(), s.recency.tolist(), s.T.tolist()
    (['a', 'b'], [1, 0], [2.0, 0.0], [4.0, 3.0])
    >>> s.monetary_value.tolist(), s.total_revenue.tolist()
    ([20.0, 0.0], [35.0, 7.0])
    """
    log = as_log(
        log,
        dates,
        amounts,
        margins=margins,
        main_business=main_business,
        caller="summarize_transactions",
        frame_columns={"customer_id": customer_id, "date": date, "amount": amount},
        date_format=date_format,
    )
    ids = log.customer_ids
    date_arr = log.require_dates("summarize_transactions")
    amt = log.require_amounts("summarize_transactions")
    fail_rows(amt < 0, amt, "amounts", "be >= 0", ids)
    mar = log.margins
    main = log.main_business
    unit_days = _unit_days(time_unit)
    unit_name = time_unit if isinstance(time_unit, str) else f"{unit_days:g}D"

    if observation_end is None:
        if date_arr.size == 0:
            raise InvalidParameterError(
                "'observation_end' must be given when the transaction log is empty."
            )
        end = date_arr.max()
    else:
        end = check_date(observation_end, "observation_end")
        fail_rows(
            date_arr > end,
            date_arr,
            "dates",
            f"be on or before observation_end {end} (calibration_holdout splits a log at a "
            "date and counts what comes after)",
            ids,
        )

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
        np.bincount(codes, weights=np.where(main, amt, 0.0), minlength=n).astype(np.float64)
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
        # astype: bincount of no rows gives int64 whatever the weights
        total_revenue=readonly(np.bincount(codes, weights=amt, minlength=n).astype(np.float64)),
        total_margin=readonly(total_margin) if total_margin is not None else None,
        main_business_revenue=readonly(main_rev) if main_rev is not None else None,
        observation_end=end_date,
        time_unit=unit_name,
    )
