r"""Switching cost over many accounts: barrier index and totals, vectorised.

The value objects (:class:`SwitchingCost`, :class:`SwitchingCostComponent`
and the enums) live in :mod:`kamcore.domain._switching_cost` and are re-exported
here. This module is the array door to the same rules:

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

from kamcore.switching._barrier import (
    FACET_KIND_CODES,
    FACETS,
    KINDS,
    LEVERS,
    BarrierAggregator,
    DependenceLever,
    Maximum,
    NoisyOr,
    SwitchingCost,
    SwitchingCostComponent,
    SwitchingCostFacet,
    SwitchingCostKind,
    WeightedMean,
    barrier_index,
    barrier_index_long,
    barrier_index_of,
    facet_strengths,
    saturation,
    totals_by_kind,
    totals_by_lever,
)

__all__ = [
    "FACETS",
    "FACET_KIND_CODES",
    "KINDS",
    "LEVERS",
    "BarrierAggregator",
    "DependenceLever",
    "Maximum",
    "NoisyOr",
    "SwitchingCost",
    "SwitchingCostComponent",
    "SwitchingCostFacet",
    "SwitchingCostKind",
    "WeightedMean",
    "barrier_index",
    "barrier_index_long",
    "barrier_index_of",
    "facet_strengths",
    "saturation",
    "totals_by_kind",
    "totals_by_lever",
]
