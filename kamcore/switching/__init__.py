r"""Switching cost over many accounts: barrier index and totals, vectorised.

The value objects (:class:`~kamcore.domain.SwitchingCost`,
:class:`~kamcore.domain.SwitchingCostComponent` and the enums) live in
:mod:`kamcore.domain`. This package is the array door to their rules, and the
one implementation of the barrier index:

- a component's strength is :math:`\max(\text{strength}, 1 - e^{-m/c})`, the
  monetary estimate *m* saturating at the scale *c* (:func:`saturation`);
- components of one account and facet pool by noisy-OR into a facet strength
  (:func:`facet_strengths`, long form: one row per component);
- a :class:`BarrierAggregator` turns the accounts x facets matrix into the
  barrier index in [0, 1] (:func:`barrier_index`); the default is
  :class:`NoisyOr`, :class:`WeightedMean` and :class:`Maximum` are built in and
  any callable with the same contract plugs in;
- monetary totals per account by kind and by lever (:func:`totals_by_kind`,
  :func:`totals_by_lever`) with ``numpy.bincount``.

No function loops over accounts in Python. Facet, kind and lever codes are the
positions of the enum members (``SwitchingCostFacet.LEARNING.code == 2``);
string arrays of member values or names are accepted too.
"""

from __future__ import annotations

from kamcore.switching._aggregators import (
    BarrierAggregator,
    Maximum,
    NoisyOr,
    WeightedMean,
)
from kamcore.switching._barrier import (
    FACET_KIND_CODES,
    FACETS,
    KINDS,
    LEVERS,
    barrier_index,
    barrier_index_long,
    barrier_index_of,
    facet_strengths,
    saturation,
)
from kamcore.switching._totals import (
    totals_by_kind,
    totals_by_lever,
)

__all__ = [
    "BarrierAggregator",
    "FACETS",
    "FACET_KIND_CODES",
    "KINDS",
    "LEVERS",
    "Maximum",
    "NoisyOr",
    "WeightedMean",
    "barrier_index",
    "barrier_index_long",
    "barrier_index_of",
    "facet_strengths",
    "saturation",
    "totals_by_kind",
    "totals_by_lever",
]
