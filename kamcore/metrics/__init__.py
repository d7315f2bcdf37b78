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

from kamcore.metrics._retention import (
    FREQUENCIES,
    MAX_PERIODS,
    CohortRetention,
    ContributionShare,
    CrossSell,
    OrderCycles,
    PeriodMatrix,
    PeriodMetrics,
    churn_rate,
    cohort_retention,
    contribution_share,
    cross_sell,
    growth_rate,
    order_cycles,
    period_metrics,
    period_values,
    retention_rate,
    satisfaction_index,
    share_of_wallet,
)

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
