"""Split a transaction log at a date into a calibration summary and holdout counts.

:func:`calibration_holdout` is the first step of checking a repeat-buying
model out of sample: fit on the calibration period, predict the holdout
period, compare. Per customer it gives the calibration summary of
:func:`~kamcore.transactions.summarize_transactions` and the purchase
occasions and mean spend in the holdout period, id-aligned.

The computation is vectorised: one ``lexsort`` of the holdout rows, then
``reduceat``/``bincount`` passes; ids are matched with ``searchsorted``.
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
from kamcore.transactions._summary import TransactionSummary, summarize_transactions
from kamcore.transactions._time import unit_days as _unit_days

__all__ = ["CalibrationHoldout", "calibration_holdout"]


@attrs.frozen(eq=False, repr=False)
class CalibrationHoldout(CustomerColumns):
    """A transaction log split at ``calibration_end``: calibration summary and holdout counts.

    Rows are the N customers whose first purchase is on or before
    ``calibration_end``, in the order of ``calibration.ids`` (sorted as text);
    every per-customer array has shape (N,) and is aligned with those ids.

    Parameters
    ----------
    calibration : TransactionSummary
        Summary of the transactions on or before ``calibration_end``, with
        ``observation_end=calibration_end``: frequency, recency, T and
        monetary value per customer.
    holdout_frequency : ndarray of int64
        Purchase occasions in (``calibration_end``, ``observation_end``]:
        distinct days with a purchase (same-day transactions are one
        occasion). Not "minus one": every holdout occasion is a repeat.
    holdout_monetary_value : ndarray of float64
        Mean spend per holdout occasion (an occasion's spend is the sum of its
        transactions), currency units; 0 when ``holdout_frequency`` is 0 — use
        ``holdout_frequency > 0`` to tell "no purchase" from "spent nothing".
    holdout_length : float
        ``observation_end - calibration_end`` in ``time_unit`` (the same for
        every customer; the ``t`` of a model's expected-purchases prediction).
    calibration_end, observation_end : datetime.date
        The split date and the end of the holdout period (both included in
        their periods).
    time_unit : str
        Unit of ``recency``, ``T`` and ``holdout_length``.
    n_excluded_after_observation_end : int
        Transaction rows dated after ``observation_end``, left out.
    n_excluded_new_customers : int
        Customers whose first purchase falls in the holdout period; they have
        no calibration history and are left out.
    n_excluded_new_customer_transactions : int
        Holdout transaction rows of those customers.

    Examples
    --------
    >>> from kamcore.transactions import TransactionLog, calibration_holdout
    >>> log = TransactionLog(["a", "a", "a"], ["2024-01-01", "2024-01-15", "2024-02-12"],
    ...                      [1.0, 1.0, 1.0])
    >>> ch = calibration_holdout(log, calibration_end="2024-01-29", observation_end="2024-02-26",
    ...                          time_unit="W")
    >>> ch.calibration.frequency.tolist(), ch.holdout_frequency.tolist(), ch.holdout_length
    ([1], [1], 4.0)
    """

    #: fields whose NaN is a documented "no value" marker
    _NAN_OK: ClassVar[tuple[str, ...]] = ()

    def __attrs_post_init__(self) -> None:
        check_fields(self, nan_ok=self._NAN_OK)

    calibration: TransactionSummary
    holdout_frequency: NDArray[np.int64]
    holdout_monetary_value: NDArray[np.float64]
    holdout_length: float
    calibration_end: dt.date
    observation_end: dt.date
    time_unit: str
    n_excluded_after_observation_end: int
    n_excluded_new_customers: int
    n_excluded_new_customer_transactions: int

    def __len__(self) -> int:
        return len(self.calibration)

    @property
    def ids(self) -> NDArray[np.str_]:
        """Customer ids, shape (N,): those of :attr:`calibration`."""
        return self.calibration.ids

    def columns(self) -> dict[str, NDArray[Any]]:
        """Return the per-customer columns by name: calibration, then holdout.

        ``holdout_length`` is repeated as a column so that a frame holds
        everything a model check needs.
        """
        cols = self.calibration.columns()
        cols["holdout_frequency"] = self.holdout_frequency
        cols["holdout_monetary_value"] = self.holdout_monetary_value
        cols["holdout_length"] = readonly(np.full(len(self), self.holdout_length))
        return cols

    def to_portfolio(self, *, currency: str | None = None) -> Portfolio:
        """Return the columns as a :class:`~kamcore.Portfolio` (for ``kamcore.io.to_frame``).

        Parameters
        ----------
        currency : str, optional
            ISO-4217 code recorded for the money columns.
        """
        cols = self.columns()
        money = (
            "monetary_value",
            "total_revenue",
            "total_margin",
            "main_business_revenue",
            "holdout_monetary_value",
        )
        currencies = {k: currency for k in money if k in cols} if currency else None
        return Portfolio.from_columns(self.ids, cols, currencies=currencies)


def calibration_holdout(
    log: Any,
    dates: ArrayLike | None = None,
    amounts: ArrayLike | None = None,
    *,
    calibration_end: dt.date | str | np.datetime64,
    observation_end: dt.date | str | np.datetime64 | None = None,
    time_unit: str | float = "D",
    customer_id: str | None = None,
    date: str | None = None,
    amount: str | None = None,
    date_format: str | None = None,
) -> CalibrationHoldout:
    """Split a transaction log into a calibration summary and per-customer holdout counts.

    With ``c = calibration_end`` and ``e = observation_end``:

    - calibration: the transactions dated on or before ``c``, summarised with
      ``observation_end=c`` (:func:`summarize_transactions`): x, t_x, T and
      the mean repeat spend, for every customer whose first purchase is on
      or before ``c``;
    - holdout: for those customers, the purchase occasions (distinct days)
      in ``(c, e]`` and their mean spend, and the holdout length ``e - c``
      in ``time_unit``.

    Nothing is dropped silently: transactions after ``e`` are left out and
    counted (``n_excluded_after_observation_end``), and so are customers
    whose first purchase falls in the holdout (``n_excluded_new_customers``,
    with their transactions in ``n_excluded_new_customer_transactions``).

    Parameters
    ----------
    log : TransactionLog, DataFrame or array-like
        The transactions with dates and amounts (>= 0), in any form
        :func:`summarize_transactions` takes: a :class:`TransactionLog`, a
        frame with ``customer_id``/``date``/``amount`` column names, or the
        customer ids with ``dates`` and ``amounts``.
    dates, amounts : array-like, shape (M,), optional
        Raw-array form: the columns.
    calibration_end : date, keyword-only
        Last day of the calibration period.
    observation_end : date, optional, keyword-only
        Last day of the holdout period; defaults to the latest transaction
        date. Must be after ``calibration_end``.
    time_unit : {"D", "W", "M", "Q", "Y"} or float, keyword-only
        Duration unit of recency, T and the holdout length
        (:data:`TIME_UNITS`).
    customer_id, date, amount, date_format : str, optional, keyword-only
        Frame form: column names, and the strptime format of text dates.

    Returns
    -------
    CalibrationHoldout
        Frozen, id-aligned: ``calibration`` (a :class:`TransactionSummary`),
        ``holdout_frequency``, ``holdout_monetary_value``, ``holdout_length``
        and the exclusion counts.

    Raises
    ------
    InvalidParameterError
        An empty log, ``observation_end`` not after ``calibration_end``, no
        customer with a purchase on or before ``calibration_end``, negative
        amounts, a bad ``time_unit``, and anything :class:`TransactionLog`
        refuses.
    ShapeMismatchError, SchemaError
        As :func:`summarize_transactions`.

    Examples
    --------
    >>> from kamcore.transactions import TransactionLog
    >>> log = TransactionLog.from_columns(
    ...     ["a", "a", "b", "a", "a", "c", "b"],
    ...     ["2024-01-01", "2024-01-08", "2024-01-03", "2024-02-05", "2024-02-05",
    ...      "2024-02-10", "2024-04-01"],
    ...     [10.0, 20.0, 5.0, 7.0, 3.0, 8.0, 4.0],
    ... )
    >>> ch = calibration_holdout(
    ...     log, calibration_end="2024-01-31", observation_end="2024-03-31", time_unit="W"
    ... )
    >>> ch.ids.tolist(), ch.calibration.frequency.tolist(), ch.calibration.T.tolist()
    (['a', 'b'], [1, 0], [4.285714285714286, 4.0])
    >>> ch.holdout_frequency.tolist(), ch.holdout_monetary_value.tolist()
    ([1, 0], [10.0, 0.0])
    >>> round(ch.holdout_length, 3), ch.n_excluded_after_observation_end
    (8.571, 1)
    >>> ch.n_excluded_new_customers, ch.n_excluded_new_customer_transactions
    (1, 1)
    """
    caller = "calibration_holdout"
    tx = as_log(
        log,
        dates,
        amounts,
        caller=caller,
        frame_columns={"customer_id": customer_id, "date": date, "amount": amount},
        date_format=date_format,
    )
    ids = tx.customer_ids
    day_all = tx.require_dates(caller)
    amt_all = tx.require_amounts(caller)
    if len(tx) == 0:
        raise InvalidParameterError(
            f"{caller} needs at least one transaction; got an empty log (0 rows)."
        )
    fail_rows(amt_all < 0, amt_all, "amounts", "be >= 0", ids)
    unit = _unit_days(time_unit)
    cal_end = check_date(calibration_end, "calibration_end")
    obs_end = (
        day_all.max() if observation_end is None else check_date(observation_end, "observation_end")
    )
    if not obs_end > cal_end:
        raise InvalidParameterError(
            f"'observation_end' must be after calibration_end {cal_end}; got {obs_end}."
        )
    in_cal = day_all <= cal_end
    if not in_cal.any():
        raise InvalidParameterError(
            f"'calibration_end' must be on or after the first transaction {day_all.min()} "
            f"(no customer has a calibration history); got {cal_end}."
        )
    after = day_all > obs_end
    in_hold = ~in_cal & ~after

    calibration = summarize_transactions(
        tx.filter(in_cal), observation_end=cal_end, time_unit=time_unit
    )
    cal_ids = calibration.ids
    n = cal_ids.shape[0]

    # holdout rows -> position of their customer among the calibration ids
    h_ids = ids[in_hold]
    h_day = day_all[in_hold].astype(np.int64)
    h_amt = amt_all[in_hold]
    pos = np.searchsorted(cal_ids, h_ids)
    pos_clipped = np.minimum(pos, max(n - 1, 0))
    known = (pos < n) & (cal_ids[pos_clipped] == h_ids)
    new_ids = h_ids[~known]
    code, h_day, h_amt = pos[known], h_day[known], h_amt[known]

    # one purchase occasion per (customer, day)
    order = np.lexsort((h_day, code))
    c_s, d_s, a_s = code[order], h_day[order], h_amt[order]
    start = np.ones(c_s.shape[0], dtype=bool)
    start[1:] = (c_s[1:] != c_s[:-1]) | (d_s[1:] != d_s[:-1])
    occ = np.flatnonzero(start)
    occ_cust = c_s[occ]
    occ_spend = np.add.reduceat(a_s, occ) if occ.size else np.empty(0)
    freq = np.bincount(occ_cust, minlength=n).astype(np.int64)
    spend = np.bincount(occ_cust, weights=occ_spend, minlength=n).astype(np.float64)
    mean_spend = np.divide(spend, freq, out=np.zeros(n, dtype=np.float64), where=freq > 0)

    kind = time_unit if isinstance(time_unit, str) else f"{unit:g}D"
    return CalibrationHoldout(
        calibration=calibration,
        holdout_frequency=readonly(freq),
        holdout_monetary_value=readonly(mean_spend),
        holdout_length=float((obs_end - cal_end).astype(np.int64)) / unit,
        calibration_end=dt.date.fromisoformat(str(cal_end)),
        observation_end=dt.date.fromisoformat(str(obs_end)),
        time_unit=kind,
        n_excluded_after_observation_end=int(after.sum()),
        n_excluded_new_customers=int(np.unique(new_ids).shape[0]),
        n_excluded_new_customer_transactions=int(new_ids.shape[0]),
    )
