"""Transaction logs: the validated :class:`TransactionLog` and its repeat-buying summary.

- :class:`TransactionLog` — a read-only, columnar log of M transactions
  (customer ids, dates or integer period numbers, and optional amounts,
  margins and main-business flags), validated once when it is built
  (:meth:`~TransactionLog.from_columns`, :meth:`~TransactionLog.from_transactions`,
  :meth:`~TransactionLog.from_frame`). Every function that reads a log takes one:
  :func:`summarize_transactions` and :func:`calibration_holdout` here (they
  also read a pandas/polars DataFrame or pyarrow Table by column name), the
  period metrics and order cycles of :mod:`kamcore.metrics`, and
  cross-selling in :mod:`kamcore.loyalty`.
- :func:`summarize_transactions` (:class:`TransactionSummary`) — one row per
  customer with the BTYD inputs (frequency, recency, T, monetary value) and
  revenue/margin totals.
- :func:`calibration_holdout` (:class:`CalibrationHoldout`) — the log split
  at a date: the calibration summary and, id-aligned, the holdout purchase
  occasions and mean spend, with what was left out counted.
- The two time vocabularies: :data:`TIME_UNITS` (``time_unit``, durations for
  the repeat-buying models: "D" a day, "W" exactly 7 days, "M"/"Q"/"Y" the
  average month, quarter and year of 365.25 days) and
  :data:`FREQUENCIES` (``freq``, calendar buckets for the period metrics: "D",
  "W" an ISO week Monday to Sunday, "M", "Q", "Y"); see ``docs/transactions.md``.
"""

from __future__ import annotations

from kamcore.transactions._holdout import CalibrationHoldout, calibration_holdout
from kamcore.transactions._log import TransactionLog
from kamcore.transactions._summary import TransactionSummary, summarize_transactions
from kamcore.transactions._time import FREQUENCIES, TIME_UNITS

__all__ = [
    "CalibrationHoldout",
    "FREQUENCIES",
    "TIME_UNITS",
    "TransactionLog",
    "TransactionSummary",
    "calibration_holdout",
    "summarize_transactions",
]
