"""Transaction logs: the validated :class:`TransactionLog` and its repeat-buying summary.

- :class:`TransactionLog` — a read-only, columnar log of M transactions
  (customer ids, dates or integer period numbers, and optional amounts,
  margins and main-business flags), validated once when it is built
  (:meth:`~TransactionLog.from_columns`, :meth:`~TransactionLog.from_transactions`,
  :meth:`~TransactionLog.from_frame`). Every function that reads a log takes one:
  :func:`summarize_transactions` here, the period metrics and order cycles
  of :mod:`kamcore.metrics`, and cross-selling in :mod:`kamcore.loyalty`.
- :func:`summarize_transactions` (:class:`TransactionSummary`) — one row per
  customer with the BTYD inputs (frequency, recency, T, monetary value) and
  revenue/margin totals.
- The two time vocabularies: :data:`TIME_UNITS` (``time_unit``, durations for
  the repeat-buying models: "D" a day, "W" exactly 7 days) and
  :data:`FREQUENCIES` (``freq``, calendar buckets for the period metrics: "D",
  "W" an ISO week Monday to Sunday, "M", "Q", "Y"); see ``docs/transactions.md``.
"""

from __future__ import annotations

from kamcore.transactions._log import TransactionLog
from kamcore.transactions._summary import TransactionSummary, summarize_transactions
from kamcore.transactions._time import FREQUENCIES, TIME_UNITS

__all__ = [
    "FREQUENCIES",
    "TIME_UNITS",
    "TransactionLog",
    "TransactionSummary",
    "summarize_transactions",
]
