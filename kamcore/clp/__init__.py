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
    # --- closed form, stage-shaped, Markov (kamcore.clp.closed_form / stage / markov)
    "TIMINGS": "kamcore.clp.closed_form",
    "CustomerEquity": "kamcore.clp.closed_form",
    "customer_equity": "kamcore.clp.closed_form",
    "expected_lifetime": "kamcore.clp.closed_form",
    "lifetime_profit": "kamcore.clp.closed_form",
    "margin_multiple": "kamcore.clp.closed_form",
    "DEFAULT_STAGE_PROFILE": "kamcore.clp.stage",
    "LIVE_STAGES": "kamcore.clp.stage",
    "StageParameters": "kamcore.clp.stage",
    "StageProfile": "kamcore.clp.stage",
    "curve_lifetime_profit": "kamcore.clp.stage",
    "matrix_lifetime_profit": "kamcore.clp.stage",
    "stage_codes": "kamcore.clp.stage",
    "stage_lifetime_profit": "kamcore.clp.stage",
    "ROW_SUM_TOLERANCE": "kamcore.clp.markov",
    "EMPTY_ROW_POLICIES": "kamcore.clp.markov",
    "MarkovChain": "kamcore.clp.markov",
    "TransitionEstimate": "kamcore.clp.markov",
    "estimate_transition_matrix": "kamcore.clp.markov",
    "transition_from_counts": "kamcore.clp.markov",
    # --- BG/NBD family (kamcore.clp.btyd.*)
    "BetaGeo": "kamcore.clp.btyd.betageo",
    "FitReport": "kamcore.clp.btyd._base",
    "ModifiedBetaGeo": "kamcore.clp.btyd.modified_betageo",
    "ParetoNBD": "kamcore.clp.btyd.pareto_nbd",
    # --- BG/BB, Gamma-Gamma, sBG, per-customer CLP
    "BetaGeoBetaBinom": "kamcore.clp.btyd.bgbb",
    "GammaGamma": "kamcore.clp.btyd.gamma_gamma",
    "ShiftedBetaGeometric": "kamcore.clp.btyd.sbg",
    "COST_BASES": "kamcore.clp.customer",
    "CustomerProfit": "kamcore.clp.customer",
    "SpendModel": "kamcore.clp.customer",
    "SurvivalModel": "kamcore.clp.customer",
    "TransactionModel": "kamcore.clp.customer",
    "customer_lifetime_profit": "kamcore.clp.customer",
    "portfolio_lifetime_profit": "kamcore.clp.customer",
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
