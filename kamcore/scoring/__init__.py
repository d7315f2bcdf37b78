"""Scoring strategies: customers in, scores, grades and classes out.

A scorer takes a :class:`~kamcore.Portfolio` and returns a frozen
:class:`ScoreResult` (one float64 score per account, higher is better, plus
optional grades/classes, the strategy's name, parameters and as-of date).
Strategies are looked up by name::

    >>> from kamcore.scoring import get_scorer, scorer_names
    >>> scorer_names()[:4]
    ('churn_risk', 'classes', 'clp', 'pareto')
    >>> get_scorer("pyramid", preset="curry").labels
    ('top', 'big', 'medium', 'small')

Built-ins: ``rubric`` (13-factor weighted grading, AHP weights), ``pareto``
(ABC, Lorenz, Gini), ``pyramid``, ``classes`` (current x potential value),
``rfm``, ``clp`` (lifetime profit), ``churn_risk`` and ``value_matrix``
(current x potential value quadrants). Third-party scorers
register through the ``kamcore.scorers`` entry-point group. The conformance
check is :func:`kamcore.testing.check_scorer`.
"""

from __future__ import annotations

from kamcore.scoring._ahp import RANDOM_INDEX, AHPResult, ahp_weights, random_index
from kamcore.scoring._base import NAN_POLICIES, Scorer, ScoreResult
from kamcore.scoring._churn import CHURN_SIGNALS, RISK_LEVELS, ChurnRiskScorer
from kamcore.scoring._classes import VALUE_CLASSES, ValueClassScorer
from kamcore.scoring._history import (
    LOST,
    NEW,
    GradeHistory,
    Grading,
    MigrationMatrix,
    migration_counts,
)
from kamcore.scoring._lifetime import CLPScorer
from kamcore.scoring._pareto import PYRAMID_PRESETS, ParetoScorer, PyramidScorer
from kamcore.scoring._registry import (
    ENTRY_POINT_GROUP,
    ScorerRegistry,
    get_scorer,
    register_scorer,
    scorer_names,
    unregister_scorer,
)
from kamcore.scoring._rfm import RFM_SEGMENT_GRID, RFM_SEGMENTS, RFMScorer
from kamcore.scoring._rubric import Factor, GradeScale, Rubric, RubricScorer, rubric_scorer
from kamcore.scoring._value_matrix import VALUE_QUADRANTS, ValueMatrixScorer

__all__ = [
    "LOST",
    "NEW",
    "GradeHistory",
    "Grading",
    "MigrationMatrix",
    "migration_counts",
    "CHURN_SIGNALS",
    "ENTRY_POINT_GROUP",
    "NAN_POLICIES",
    "PYRAMID_PRESETS",
    "RANDOM_INDEX",
    "RFM_SEGMENTS",
    "RFM_SEGMENT_GRID",
    "RISK_LEVELS",
    "VALUE_CLASSES",
    "VALUE_QUADRANTS",
    "AHPResult",
    "CLPScorer",
    "ChurnRiskScorer",
    "Factor",
    "GradeScale",
    "ParetoScorer",
    "PyramidScorer",
    "RFMScorer",
    "Rubric",
    "RubricScorer",
    "ScoreResult",
    "Scorer",
    "ScorerRegistry",
    "ValueClassScorer",
    "ValueMatrixScorer",
    "ahp_weights",
    "get_scorer",
    "random_index",
    "register_scorer",
    "rubric_scorer",
    "scorer_names",
    "unregister_scorer",
]
