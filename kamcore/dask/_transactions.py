"""Transaction summaries and the calibration/holdout split on Dask frames.

The plan is the in-memory engine's, spread over partitions:

1. a cheap first pass reads the date column only (validated by the engine's
   date validator) for the date range, when ``observation_end`` or the split
   needs it;
2. each row gets its global position (partition number x 2^40 + row), and the
   rows are shuffled by customer id so that every customer's transactions
   meet in one partition;
3. each partition is put back in its original row order and summarised by
   :func:`kamcore.transactions.summarize_transactions` (or split by
   :func:`kamcore.transactions.calibration_holdout`) -- the engine itself.

Because a customer's rows reach the engine in the order of the concatenated
input, every sum is added in the same order as in memory: the per-customer
results are bit-identical to the in-memory ones, whatever the partitioning.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Final

import attrs
import numpy as np

from kamcore.dask._schema import check_frame, check_schema, pandas
from kamcore.errors import InvalidParameterError
from kamcore.transactions import TransactionLog, TransactionSummary
from kamcore.transactions import calibration_holdout as split_log
from kamcore.transactions import summarize_transactions as summarize_log
from kamcore.transactions._log import check_date, check_dates, fail_rows
from kamcore.transactions._time import unit_days

__all__ = [
    "calibration_holdout",
    "summarize_transactions",
]

#: the helper column holding each row's global position (dropped before the engine runs)
ROW: Final = "__kamcore_row__"
_SHIFT: Final = 40  # rows per partition < 2**40


@attrs.frozen
class _LogSpec:
    """Which columns of a partition make the transaction log (travels to the workers)."""

    customer_id: str
    date: str
    amount: str
    margin: str | None = None
    main_business: str | None = None
    date_format: str | None = None

    def schema(self) -> dict[str, tuple[str | None, str]]:
        return {
            "customer_id": (self.customer_id, "id"),
            "date": (self.date, "date"),
            "amount": (self.amount, "number"),
            "margin": (self.margin, "number"),
            "main_business": (self.main_business, "flag"),
        }

    def columns(self) -> list[str]:
        cols = [self.customer_id, self.date, self.amount, self.margin, self.main_business]
        return list(dict.fromkeys(c for c in cols if c is not None))

    def log(self, pdf: Any) -> TransactionLog:
        """Return the partition's rows, in their original order, as a validated log."""
        if ROW in pdf.columns:
            pdf = pdf.sort_values(ROW, kind="stable")
        return TransactionLog.from_frame(
            pdf,
            self.customer_id,
            self.date,
            self.amount,
            margin=self.margin,
            main_business=self.main_business,
            date_format=self.date_format,
        )

    def empty_log(self) -> TransactionLog:
        none = np.empty(0)
        return TransactionLog.from_columns(
            np.empty(0, dtype=str),
            np.empty(0, dtype="datetime64[D]"),
            none,
            margins=none if self.margin is not None else None,
            main_business=np.empty(0, dtype=bool) if self.main_business is not None else None,
        )


def _numbered(pdf: Any, partition_info: Any = None) -> Any:
    number = 0 if partition_info is None else int(partition_info["number"])
    rows = np.arange(len(pdf), dtype=np.int64) + (np.int64(number) << _SHIFT)
    return pdf.assign(**{ROW: rows})


def _by_customer(frame: Any, spec: _LogSpec) -> Any:
    """Return the log's columns with row positions, shuffled: each customer in one partition."""
    numbered = frame[spec.columns()].map_partitions(_numbered)
    return numbered.shuffle(on=spec.customer_id, npartitions=frame.npartitions)


def _bounds_part(pdf: Any, date: str, date_format: str | None) -> Any:
    pd = pandas()
    days = check_dates(pdf[date].to_numpy(), "dates", date_format=date_format, column=date)
    lo = days.min() if days.size else np.datetime64("NaT", "D")
    hi = days.max() if days.size else np.datetime64("NaT", "D")
    return pd.DataFrame(
        {
            "lo": np.array([lo], dtype="datetime64[s]"),
            "hi": np.array([hi], dtype="datetime64[s]"),
            "n": np.array([days.size], dtype=np.int64),
        }
    )


def date_range(
    frame: Any, date: str, date_format: str | None
) -> tuple[np.datetime64, np.datetime64] | None:
    """First pass: the first and last date of the log (None when it has no rows)."""
    pd = pandas()
    meta = pd.DataFrame(
        {
            "lo": np.array([], dtype="datetime64[s]"),
            "hi": np.array([], dtype="datetime64[s]"),
            "n": np.array([], dtype=np.int64),
        }
    )
    parts = frame[[date]].map_partitions(_bounds_part, date, date_format, meta=meta).compute()
    parts = parts[parts["n"] > 0]
    if len(parts) == 0:
        return None
    lo = parts["lo"].to_numpy().min().astype("datetime64[D]")
    hi = parts["hi"].to_numpy().max().astype("datetime64[D]")
    return lo, hi


#: the summary's numeric columns and their dtypes (an empty summary's sums come out as
#: integers from numpy's bincount; every partition, and the meta, gets these)
_SUMMARY_DTYPES: Final[Mapping[str, str]] = {
    "frequency": "int64",
    "recency": "float64",
    "T": "float64",
    "monetary_value": "float64",
    "n_transactions": "int64",
    "total_revenue": "float64",
    "total_margin": "float64",
    "main_business_revenue": "float64",
}


def _summary_frame(summary: TransactionSummary, id_column: str) -> Any:
    frame = summary.to_frame("pandas", id_column=id_column)
    return frame.astype({k: v for k, v in _SUMMARY_DTYPES.items() if k in frame.columns})


def _summarize_part(pdf: Any, spec: _LogSpec, end: np.datetime64, time_unit: str | float) -> Any:
    summary = summarize_log(spec.log(pdf), observation_end=end, time_unit=time_unit)
    return _summary_frame(summary, spec.customer_id)


def summarize_transactions(
    frame: Any,
    *,
    customer_id: str = "customer_id",
    date: str = "date",
    amount: str = "amount",
    margin: str | None = None,
    main_business: str | None = None,
    date_format: str | None = None,
    observation_end: dt.date | str | np.datetime64 | None = None,
    time_unit: str | float = "D",
) -> Any:
    """Summarise a Dask transaction log into one row per customer, as a Dask DataFrame.

    The distributed :func:`kamcore.transactions.summarize_transactions`:
    frequency x (repeat occasions), recency t_x and T in ``time_unit``,
    monetary value (mean repeat spend), first and last purchase,
    transactions, total revenue (and total margin and main-business
    revenue when those columns are named). Rows are shuffled by customer id
    so that every customer's transactions meet in one partition, put back in
    their input order there, and summarised by the in-memory engine; the
    values are bit-identical to the in-memory summary of the concatenated
    rows. Memory per worker is bounded by a partition, not by the log.

    Parameters
    ----------
    frame : dask.dataframe.DataFrame
        One row per transaction.
    customer_id, date, amount : str
        Column names: ids (integers or text), dates (datetime64, or text
        read as ISO 8601 or with ``date_format``) and amounts (>= 0).
    margin, main_business : str, optional
        Columns of margins (numbers) and main-business flags (booleans).
    date_format : str, optional
        The ``strptime`` format of text (or ``YYYYMMDD`` integer) dates.
    observation_end : date, optional
        End of the observation window. Default: the latest date, found by a
        first pass over the date column.
    time_unit : {"D", "W", "M", "Q", "Y"} or float
        Unit of recency and T (:data:`kamcore.transactions.TIME_UNITS`).

    Returns
    -------
    dask.dataframe.DataFrame
        The columns of ``TransactionSummary.to_frame()`` with the id column
        named ``customer_id`` first; ids are text, sorted as text within
        each partition (partitions follow the hash of the id, so sort after
        computing if the order matters).

    Raises
    ------
    UnknownNameError, SchemaError
        A named column missing from the frame or of the wrong dtype (checked
        on ``meta``, before anything is computed).
    InvalidParameterError
        A bad ``time_unit`` or ``observation_end``; on compute, any row the
        engine refuses (negative amounts, transactions after
        ``observation_end``, blank ids, unreadable dates).

    Examples
    --------
    >>> import dask, dask.dataframe as dd, pandas as pd
    >>> log = pd.DataFrame({"customer_id": ["a", "a", "a", "b"],
    ...                     "date": ["2024-01-01", "2024-01-01", "2024-01-15", "2024-01-08"],
    ...                     "amount": [10.0, 5.0, 20.0, 7.0]})
    >>> frame = dd.from_pandas(log, npartitions=2)
    >>> s = summarize_transactions(frame, observation_end="2024-01-29", time_unit="W")
    >>> out = s.compute(scheduler="threads").sort_values("customer_id")
    >>> out[["customer_id", "frequency", "recency", "T", "monetary_value"]].to_numpy().tolist()
    [['a', 1, 2.0, 4.0, 20.0], ['b', 0, 0.0, 3.0, 0.0]]
    """
    caller = "kamcore.dask.summarize_transactions"
    check_frame(frame)
    spec = _LogSpec(customer_id, date, amount, margin, main_business, date_format)
    check_schema(frame, spec.schema(), date_format=date_format, caller=caller)
    unit_days(time_unit)  # a bad unit fails here, not on a worker
    if observation_end is None:
        span = date_range(frame, date, date_format)
        if span is None:
            raise InvalidParameterError(
                "'observation_end' must be given when the transaction log is empty."
            )
        end = span[1]
    else:
        end = check_date(observation_end, "observation_end")
    meta = _summary_frame(
        summarize_log(spec.empty_log(), observation_end=end, time_unit=time_unit),
        customer_id,
    )
    return _by_customer(frame, spec).map_partitions(
        _summarize_part, spec, end, time_unit, meta=meta, enforce_metadata=False
    )


# ------------------------------------------------------------------ calibration / holdout
#: the exclusion counts of a split, in the order of the engine's fields
EXCLUSIONS: Final = (
    "n_excluded_after_observation_end",
    "n_excluded_new_customers",
    "n_excluded_new_customer_transactions",
)


@attrs.frozen
class _SplitSpec:
    log: _LogSpec
    calibration_end: np.datetime64
    observation_end: np.datetime64
    time_unit: str | float


def _split_part(pdf: Any, spec: _SplitSpec) -> tuple[Any, dict[str, int]]:
    """One partition (whole customers) split by the engine; its frame and exclusion counts."""
    log = spec.log.log(pdf)
    days = log.require_dates("calibration_holdout")
    in_cal = days <= spec.calibration_end
    if in_cal.any():
        ch = split_log(
            log,
            calibration_end=spec.calibration_end,
            observation_end=spec.observation_end,
            time_unit=spec.time_unit,
        )
        counts = {k: int(getattr(ch, k)) for k in EXCLUSIONS}
        return ch.to_frame("pandas", id_column=spec.log.customer_id), counts
    # no customer of this partition bought by calibration_end: every one of them is new
    amounts = log.require_amounts("calibration_holdout")
    fail_rows(amounts < 0, amounts, "amounts", "be >= 0", log.customer_ids)
    in_hold = days <= spec.observation_end
    counts = {
        EXCLUSIONS[0]: int((~in_hold).sum()),
        EXCLUSIONS[1]: int(np.unique(log.customer_ids[in_hold]).shape[0]),
        EXCLUSIONS[2]: int(in_hold.sum()),
    }
    return _split_meta(spec), counts


def _split_meta(spec: _SplitSpec) -> Any:
    one = spec.log.empty_log()
    # the engine on a one-row log gives the frame's columns and dtypes; keep none of its rows
    probe = TransactionLog.from_columns(
        np.array(["x"]),
        np.array([spec.calibration_end]),
        np.zeros(1),
        margins=np.zeros(1) if one.margins is not None else None,
        main_business=np.zeros(1, dtype=bool) if one.main_business is not None else None,
    )
    ch = split_log(
        probe,
        calibration_end=spec.calibration_end,
        observation_end=spec.observation_end,
        time_unit=spec.time_unit,
    )
    return ch.to_frame("pandas", id_column=spec.log.customer_id).iloc[:0]


def _split_frame_part(pdf: Any, spec: _SplitSpec) -> Any:
    return _split_part(pdf, spec)[0]


def _counts_frame(counts: Mapping[str, int]) -> Any:
    return pandas().DataFrame({k: np.array([counts[k]], dtype=np.int64) for k in EXCLUSIONS})


def _split_counts_part(pdf: Any, spec: _SplitSpec) -> Any:
    return _counts_frame(_split_part(pdf, spec)[1])


def calibration_holdout(
    frame: Any,
    *,
    calibration_end: dt.date | str | np.datetime64,
    observation_end: dt.date | str | np.datetime64 | None = None,
    time_unit: str | float = "D",
    customer_id: str = "customer_id",
    date: str = "date",
    amount: str = "amount",
    date_format: str | None = None,
) -> tuple[Any, Any]:
    """Split a Dask transaction log at a date into a calibration summary and holdout counts.

    The distributed :func:`kamcore.transactions.calibration_holdout`: one
    first pass over the date column gives the date range (for the checks
    and the default ``observation_end``); the rows are then shuffled by
    customer id and each partition is split by the in-memory engine.

    Parameters
    ----------
    frame : dask.dataframe.DataFrame
        One row per transaction.
    calibration_end : date
        Last day of the calibration period.
    observation_end : date, optional
        Last day of the holdout period; default the latest transaction date.
    time_unit : {"D", "W", "M", "Q", "Y"} or float
        Unit of recency, T and the holdout length.
    customer_id, date, amount, date_format : str, optional
        Column names and the strptime format of text dates.

    Returns
    -------
    frame : dask.dataframe.DataFrame
        One row per customer whose first purchase is on or before
        ``calibration_end``: the columns of ``CalibrationHoldout.to_frame()``
        (the calibration summary, ``holdout_frequency``,
        ``holdout_monetary_value`` and ``holdout_length``), keyed by the id
        column; rows sorted by id as text within each partition.
    exclusions : dask.dataframe.DataFrame
        One row per partition with the counts ``n_excluded_after_observation_end``,
        ``n_excluded_new_customers`` and ``n_excluded_new_customer_transactions``
        (sum them for the log's totals). Compute both at once,
        ``dask.compute(frame, exclusions)``, to shuffle the log once.

    Raises
    ------
    UnknownNameError, SchemaError
        Missing or mistyped columns (checked on ``meta``).
    InvalidParameterError
        An empty log, ``observation_end`` not after ``calibration_end``, a
        ``calibration_end`` before the first transaction, a bad
        ``time_unit``; on compute, rows the engine refuses.

    Examples
    --------
    >>> import dask, dask.dataframe as dd, pandas as pd
    >>> log = pd.DataFrame({"customer_id": ["a", "a", "b", "a", "c"],
    ...                     "date": pd.to_datetime(["2024-01-01", "2024-01-08", "2024-01-03",
    ...                                             "2024-02-05", "2024-02-10"]),
    ...                     "amount": [10.0, 20.0, 5.0, 7.0, 8.0]})
    >>> frame, exclusions = calibration_holdout(dd.from_pandas(log, npartitions=2),
    ...                                         calibration_end="2024-01-31", time_unit="W")
    >>> frame, counts = dask.compute(frame, exclusions, scheduler="threads")
    >>> frame = frame.sort_values("customer_id")
    >>> frame["holdout_frequency"].tolist(), frame["holdout_length"].round(3).tolist()
    ([1, 0], [1.429, 1.429])
    >>> counts.columns.tolist(), counts.sum().tolist()  # after observation_end, new, their rows
    (['n_excluded_after_observation_end', 'n_excluded_new_customers',
      'n_excluded_new_customer_transactions'], [0, 1, 1])
    """
    caller = "kamcore.dask.calibration_holdout"
    check_frame(frame)
    spec_log = _LogSpec(customer_id, date, amount, date_format=date_format)
    check_schema(frame, spec_log.schema(), date_format=date_format, caller=caller)
    unit_days(time_unit)  # a bad unit fails here, not on a worker
    cal_end = check_date(calibration_end, "calibration_end")
    obs_given = None if observation_end is None else check_date(observation_end, "observation_end")
    if obs_given is not None and not obs_given > cal_end:
        raise InvalidParameterError(
            f"'observation_end' must be after calibration_end {cal_end}; got {obs_given}."
        )
    span = date_range(frame, date, date_format)
    if span is None:
        raise InvalidParameterError(
            "calibration_holdout needs at least one transaction; got an empty log (0 rows)."
        )
    obs_end = span[1] if obs_given is None else obs_given
    if not obs_end > cal_end:
        raise InvalidParameterError(
            f"'observation_end' must be after calibration_end {cal_end}; got {obs_end}."
        )
    if not span[0] <= cal_end:
        raise InvalidParameterError(
            f"'calibration_end' must be on or after the first transaction {span[0]} "
            f"(no customer has a calibration history); got {cal_end}."
        )
    spec = _SplitSpec(spec_log, cal_end, obs_end, time_unit)
    shuffled = _by_customer(frame, spec_log)
    split = shuffled.map_partitions(
        _split_frame_part, spec, meta=_split_meta(spec), enforce_metadata=False
    )
    counts = shuffled.map_partitions(
        _split_counts_part, spec, meta=_counts_frame(dict.fromkeys(EXCLUSIONS, 0)).iloc[:0]
    )
    return split, counts
