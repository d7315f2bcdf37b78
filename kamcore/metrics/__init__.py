"""KAM result indicators over transaction logs and portfolio columns.

- retention and churn: :func:`retention_rate`, :func:`churn_rate`,
  :func:`growth_rate`, :func:`period_metrics` (:class:`PeriodMetrics`),
  :func:`cohort_retention` (:class:`CohortRetention`), :func:`period_values`
  (:class:`PeriodMatrix`);
- order cycles: :func:`order_cycles` (:class:`OrderCycles`);
- concentration: :func:`lorenz_curve`, :func:`gini`, :func:`top_share`,
  :func:`contribution_share` (:class:`ContributionShare`);
- churn by type and decline cause: :func:`churn_by_type`,
  :func:`churn_by_cause` (:class:`ChurnBreakdown`), :func:`churn_arrays`;
- the development funnel: :func:`pipeline_value` (:class:`PipelineValue`),
  :func:`funnel_conversion` (:class:`FunnelConversion`),
  :func:`opportunity_arrays`.

The log-reading calculators take a :class:`kamcore.transactions.TransactionLog`
(validated once, when it is built). Every calculator is a numpy kernel:
customers are grouped with ``np.unique``/``bincount``/``lexsort``, never
looped over in Python. Calendar buckets are named by ``freq``
(:data:`kamcore.transactions.FREQUENCIES`: ``"D"``, ``"W"`` = ISO week,
``"M"``, ``"Q"``, ``"Y"``); see ``docs/metrics.md`` for the formulas.
"""

from __future__ import annotations

from kamcore.metrics._churn import (
    CHURN_TYPE_LEVELS,
    DECLINE_CAUSE_LEVELS,
    ChurnBreakdown,
    churn_arrays,
    churn_by_cause,
    churn_by_type,
)
from kamcore.metrics._concentration import (
    ContributionShare,
    contribution_share,
    gini,
    lorenz_curve,
    top_share,
)
from kamcore.metrics._funnel import (
    FUNNEL_LEVELS,
    FunnelConversion,
    PipelineValue,
    funnel_conversion,
    opportunity_arrays,
    pipeline_value,
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
    "CHURN_TYPE_LEVELS",
    "DECLINE_CAUSE_LEVELS",
    "FUNNEL_LEVELS",
    "ChurnBreakdown",
    "FunnelConversion",
    "PipelineValue",
    "churn_arrays",
    "churn_by_cause",
    "churn_by_type",
    "funnel_conversion",
    "opportunity_arrays",
    "pipeline_value",
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
