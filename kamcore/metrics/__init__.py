"""KAM result indicators over transaction logs and portfolio columns.

- retention and churn: :func:`retention_rate`, :func:`churn_rate`,
  :func:`growth_rate`, :func:`period_metrics` (:class:`PeriodMetrics`),
  :func:`cohort_retention` (:class:`CohortRetention`), :func:`period_values`
  (:class:`PeriodMatrix`);
- order cycles: :func:`order_cycles` (:class:`OrderCycles`);
- concentration: :func:`lorenz_curve`, :func:`gini`, :func:`top_share`,
  :func:`contribution_share` (:class:`ContributionShare`).

The log-reading calculators take a :class:`kamcore.transactions.TransactionLog`
(validated once, when it is built). Every calculator is a numpy kernel:
customers are grouped with ``np.unique``/``bincount``/``lexsort``, never
looped over in Python. Calendar buckets are named by ``freq``
(:data:`kamcore.transactions.FREQUENCIES`: ``"D"``, ``"W"`` = ISO week,
``"M"``, ``"Q"``, ``"Y"``); see ``docs/metrics.md`` for the formulas.
"""

from __future__ import annotations

from kamcore.metrics._concentration import (
    ContributionShare,
    contribution_share,
    gini,
    lorenz_curve,
    top_share,
)
from kamcore.metrics._order_cycles import (
    OrderCycles,
    order_cycles,
)
from kamcore.metrics._periods import MAX_PERIODS
from kamcore.metrics._retention import (
    CohortRetention,
    PeriodMatrix,
    PeriodMetrics,
    churn_rate,
    cohort_retention,
    growth_rate,
    period_metrics,
    period_values,
    retention_rate,
)

__all__ = [
    "CohortRetention",
    "ContributionShare",
    "MAX_PERIODS",
    "OrderCycles",
    "PeriodMatrix",
    "PeriodMetrics",
    "churn_rate",
    "cohort_retention",
    "contribution_share",
    "gini",
    "growth_rate",
    "lorenz_curve",
    "order_cycles",
    "period_metrics",
    "period_values",
    "retention_rate",
    "top_share",
]
