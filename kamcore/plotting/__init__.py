"""Plots as Display objects (scikit-learn style): compute once, ``.plot(ax=None)``.

Every display is a frozen object computed by a ``from_*`` classmethod
(``from_model``, ``from_values``, ``from_result``, ...) that holds plain
read-only arrays and labels; ``plot(ax=None)`` draws it on ``ax`` (a new
figure when None) and returns a copy of the display with ``ax_`` and
``figure_`` set, leaving the original unchanged. matplotlib is optional
(extra ``plot``) and imported only inside ``plot``.

Repeat-buying (BTYD) diagnostics: :class:`FrequencyRecencyDisplay`,
:class:`ProbabilityAliveDisplay`, :class:`PeriodTransactionsDisplay`,
:class:`CalibrationHoldoutDisplay`, :class:`TransactionTrackingDisplay`,
:class:`ProbabilityAliveHistoryDisplay`, :class:`HeterogeneityDisplay`,
:class:`ExpectedPurchasesDisplay`. Key-account charts:
:class:`ServqualGapDisplay`, :class:`ImportancePerformanceDisplay`,
:class:`GradeDistributionDisplay`, :class:`GradeMigrationDisplay`,
:class:`LifecycleDisplay`, :class:`LoyaltyMatrixDisplay`,
:class:`ClpDistributionDisplay`, :class:`LorenzCurveDisplay`. See
``docs/plotting.md``.
"""

from __future__ import annotations

from kamcore.plotting._btyd import (
    CalibrationHoldoutDisplay,
    ExpectedPurchasesDisplay,
    FrequencyRecencyDisplay,
    HeterogeneityDisplay,
    PeriodTransactionsDisplay,
    ProbabilityAliveDisplay,
    ProbabilityAliveHistoryDisplay,
    TransactionTrackingDisplay,
)
from kamcore.plotting._kam import (
    ClpDistributionDisplay,
    GradeDistributionDisplay,
    GradeMigrationDisplay,
    LifecycleDisplay,
    LorenzCurveDisplay,
    LoyaltyMatrixDisplay,
)
from kamcore.plotting._satisfaction import ImportancePerformanceDisplay, ServqualGapDisplay

__all__ = [
    "CalibrationHoldoutDisplay",
    "ClpDistributionDisplay",
    "ExpectedPurchasesDisplay",
    "FrequencyRecencyDisplay",
    "GradeDistributionDisplay",
    "GradeMigrationDisplay",
    "HeterogeneityDisplay",
    "ImportancePerformanceDisplay",
    "LifecycleDisplay",
    "LorenzCurveDisplay",
    "LoyaltyMatrixDisplay",
    "PeriodTransactionsDisplay",
    "ProbabilityAliveDisplay",
    "ProbabilityAliveHistoryDisplay",
    "ServqualGapDisplay",
    "TransactionTrackingDisplay",
]
