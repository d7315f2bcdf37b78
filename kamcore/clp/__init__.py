"""Customer lifetime profit (CLP): calculators and models.

Closed forms with explicit timing, stage-shaped profit and margin paths,
Markov migration, the repeat-buying and retention models (BG/NBD, MBG/NBD,
Pareto/NBD, BG/BB, Gamma-Gamma, shifted-beta-geometric) and per-customer
lifetime profit. Every name below is part of the public API and is imported
from here (the modules behind it are private).
"""

from __future__ import annotations

from kamcore._fitting import (
    FitReport,
    FitSummary,
)
from kamcore.clp._btyd.betageo import (
    BetaGeo,
)
from kamcore.clp._btyd.bgbb import (
    BetaGeoBetaBinom,
)
from kamcore.clp._btyd.gamma_gamma import (
    GammaGamma,
)
from kamcore.clp._btyd.modified_betageo import (
    ModifiedBetaGeo,
)
from kamcore.clp._btyd.pareto_nbd import (
    ParetoNBD,
)
from kamcore.clp._btyd.sbg import (
    ShiftedBetaGeometric,
)
from kamcore.clp._closed_form import (
    TIMINGS,
    CustomerEquity,
    customer_equity,
    expected_lifetime,
    lifetime_profit,
    margin_multiple,
)
from kamcore.clp._customer import (
    COST_BASES,
    CustomerProfit,
    SpendModel,
    SurvivalModel,
    TransactionModel,
    customer_lifetime_profit,
    customer_lifetime_profit_interval,
    portfolio_lifetime_profit,
)
from kamcore.clp._grid import FrequencyRecencyMatrix, frequency_recency_matrix
from kamcore.clp._intervals import PredictionInterval
from kamcore.clp._margin_paths import curve_lifetime_profit, matrix_lifetime_profit
from kamcore.clp._markov import (
    EMPTY_ROW_POLICIES,
    ROW_SUM_TOLERANCE,
    MarkovChain,
    TransitionEstimate,
    estimate_transition_matrix,
    transition_from_counts,
)
from kamcore.clp._predictions import CustomerPredictions
from kamcore.clp._stage import (
    DEFAULT_STAGE_PROFILE,
    LIVE_STAGES,
    StageParameters,
    StageProfile,
    stage_codes,
    stage_lifetime_profit,
)

__all__ = [
    "BetaGeo",
    "BetaGeoBetaBinom",
    "COST_BASES",
    "CustomerEquity",
    "CustomerPredictions",
    "CustomerProfit",
    "DEFAULT_STAGE_PROFILE",
    "EMPTY_ROW_POLICIES",
    "FitReport",
    "FitSummary",
    "FrequencyRecencyMatrix",
    "GammaGamma",
    "LIVE_STAGES",
    "MarkovChain",
    "ModifiedBetaGeo",
    "ParetoNBD",
    "PredictionInterval",
    "ROW_SUM_TOLERANCE",
    "ShiftedBetaGeometric",
    "SpendModel",
    "StageParameters",
    "StageProfile",
    "SurvivalModel",
    "TIMINGS",
    "TransactionModel",
    "TransitionEstimate",
    "curve_lifetime_profit",
    "customer_equity",
    "customer_lifetime_profit",
    "customer_lifetime_profit_interval",
    "estimate_transition_matrix",
    "expected_lifetime",
    "frequency_recency_matrix",
    "lifetime_profit",
    "margin_multiple",
    "matrix_lifetime_profit",
    "portfolio_lifetime_profit",
    "stage_codes",
    "stage_lifetime_profit",
    "transition_from_counts",
]
