"""Satisfaction = perceived service - expected service (SERVQUAL and its variants).

- :class:`Instrument`, :class:`LikertScale`, :data:`SERVQUAL_DIMENSIONS` -
  the questionnaire: items mapped to dimensions, the declared answer scale,
  reverse-scored items; :meth:`Instrument.servqual` is the standard 22-item
  layout.
- :class:`SurveyResponses` - perception / expectation / adequate / desired
  score matrices (respondents x items, NaN = not answered), the customer of
  every respondent, optional importance points and overall rating, and the
  :class:`~kamcore.domain.ExpectationDrivers` of the survey.
- :class:`SatisfactionModel` - gap scores per item, dimension and overall
  (unweighted and weighted), per respondent and per customer:
  :meth:`~SatisfactionModel.evaluate` (SERVQUAL, P - E),
  :meth:`~SatisfactionModel.evaluate_zone` (MSA = P - adequate, MSS = P -
  desired) and :meth:`~SatisfactionModel.evaluate_servperf` (P only).
- :func:`cronbach_alpha`, :func:`reliability`, :class:`AlphaBand` - scale
  reliability per dimension.
- :func:`importance_performance`, :class:`IpaQuadrant` - the
  importance-performance grid (Martilla & James 1977).
- :func:`satisfaction_index` - a 0-100 index of per-account scores.
- :func:`nps` (:class:`NpsResult`, :class:`NpsByCustomer`) - the Net
  Promoter Score of 0-10 answers with a confidence interval, overall and per
  customer.
- :func:`complaint_kpis` (:class:`ComplaintKpis`), :func:`complaint_arrays` -
  complaint-handling indicators (counts, share resolved, time to resolve,
  open complaints per customer) from :class:`~kamcore.domain.Complaint`
  records or columns.

See ``docs/satisfaction.md`` for the formulas and the missing-data rules.
"""

from __future__ import annotations

from kamcore.satisfaction._complaints import ComplaintKpis, complaint_arrays, complaint_kpis
from kamcore.satisfaction._index import satisfaction_index
from kamcore.satisfaction._instrument import SECTIONS, SERVQUAL_DIMENSIONS, Instrument, LikertScale
from kamcore.satisfaction._ipa import ImportancePerformance, IpaQuadrant, importance_performance
from kamcore.satisfaction._model import (
    SatisfactionModel,
    SatisfactionResult,
    WeightDerivation,
    ZoneOfToleranceResult,
)
from kamcore.satisfaction._nps import NpsByCustomer, NpsResult, nps
from kamcore.satisfaction._reliability import (
    AlphaBand,
    DimensionReliability,
    alpha_band,
    cronbach_alpha,
    reliability,
)
from kamcore.satisfaction._responses import SurveyResponses

__all__ = [
    "SECTIONS",
    "SERVQUAL_DIMENSIONS",
    "AlphaBand",
    "ComplaintKpis",
    "NpsByCustomer",
    "NpsResult",
    "complaint_arrays",
    "complaint_kpis",
    "nps",
    "DimensionReliability",
    "ImportancePerformance",
    "Instrument",
    "IpaQuadrant",
    "LikertScale",
    "SatisfactionModel",
    "SatisfactionResult",
    "SurveyResponses",
    "WeightDerivation",
    "ZoneOfToleranceResult",
    "alpha_band",
    "cronbach_alpha",
    "importance_performance",
    "reliability",
    "satisfaction_index",
]
