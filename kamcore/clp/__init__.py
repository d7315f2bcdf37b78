"""Customer lifetime profit (CLP) calculators and models.

Closed forms, stage-shaped profit, Markov migration and repeat-buying and
retention models.

Names are imported lazily so that ``import kamcore.clp`` stays cheap; every
name below is part of the public API.
"""

from __future__ import annotations

import importlib
from typing import Any

# name -> submodule of kamcore.clp that defines it. Each helper edits only its own block.
_LAZY: dict[str, str] = {
    # --- closed form, stage-shaped, Markov (kamcore.clp._closed_form / stage / markov)
    "TIMINGS": "kamcore.clp._closed_form",
    "CustomerEquity": "kamcore.clp._closed_form",
    "customer_equity": "kamcore.clp._closed_form",
    "expected_lifetime": "kamcore.clp._closed_form",
    "lifetime_profit": "kamcore.clp._closed_form",
    "margin_multiple": "kamcore.clp._closed_form",
    "DEFAULT_STAGE_PROFILE": "kamcore.clp._stage",
    "LIVE_STAGES": "kamcore.clp._stage",
    "StageParameters": "kamcore.clp._stage",
    "StageProfile": "kamcore.clp._stage",
    "curve_lifetime_profit": "kamcore.clp._stage",
    "matrix_lifetime_profit": "kamcore.clp._stage",
    "stage_codes": "kamcore.clp._stage",
    "stage_lifetime_profit": "kamcore.clp._stage",
    "ROW_SUM_TOLERANCE": "kamcore.clp._markov",
    "EMPTY_ROW_POLICIES": "kamcore.clp._markov",
    "MarkovChain": "kamcore.clp._markov",
    "TransitionEstimate": "kamcore.clp._markov",
    "estimate_transition_matrix": "kamcore.clp._markov",
    "transition_from_counts": "kamcore.clp._markov",
    # --- BG/NBD family (kamcore.clp._btyd.*)
    "BetaGeo": "kamcore.clp._btyd.betageo",
    "FitReport": "kamcore.clp._btyd._base",
    "ModifiedBetaGeo": "kamcore.clp._btyd.modified_betageo",
    "ParetoNBD": "kamcore.clp._btyd.pareto_nbd",
    # --- BG/BB, Gamma-Gamma, sBG, per-customer CLP
    "BetaGeoBetaBinom": "kamcore.clp._btyd.bgbb",
    "GammaGamma": "kamcore.clp._btyd.gamma_gamma",
    "ShiftedBetaGeometric": "kamcore.clp._btyd.sbg",
    "COST_BASES": "kamcore.clp._customer",
    "CustomerProfit": "kamcore.clp._customer",
    "SpendModel": "kamcore.clp._customer",
    "SurvivalModel": "kamcore.clp._customer",
    "TransactionModel": "kamcore.clp._customer",
    "customer_lifetime_profit": "kamcore.clp._customer",
    "portfolio_lifetime_profit": "kamcore.clp._customer",
}

__all__ = sorted(_LAZY)  # noqa: PLE0605 - the lazy names are the public API


def __getattr__(name: str) -> Any:
    try:
        module = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'kamcore.clp' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
