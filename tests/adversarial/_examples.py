"""Valid example values by parameter name and example instances by class.

The baseline call of every public callable is built from these; the catalogue
then replaces one parameter at a time. Add an entry here (or an override in
``OVERRIDES``) when a new public callable needs a parameter name not listed.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from kamcore import Portfolio, clp, scoring
from kamcore.transactions import TransactionLog


@functools.cache
def _portfolio() -> Portfolio:
    from kamcore.data import load_demo_portfolio

    return load_demo_portfolio()


@functools.cache
def _log() -> TransactionLog:
    return TransactionLog(
        ["a", "b", "a", "c", "a", "b"],
        ["2024-01-05", "2024-01-20", "2024-02-10", "2024-03-01", "2024-04-15", "2024-05-02"],
        [10.0, 20.0, 15.0, 30.0, 12.0, 25.0],
    )


def _const(value: Any) -> Callable[[], Any]:
    return lambda: value


def _response_curve() -> Any:
    from kamcore.allocation import ExponentialResponse

    return ExponentialResponse([100.0, 50.0, 20.0], [0.1, 0.2, 0.3])


#: parameter name -> a valid example (built lazily, fresh per call where mutable)
EXAMPLES: dict[str, Callable[[], Any]] = {
    # repeat-buying summaries (3 customers)
    "frequency": lambda: [2, 0, 5],
    "recency": lambda: [30.0, 0.0, 35.0],
    "T": lambda: [38.0, 38.0, 38.0],
    "t": _const(10.0),
    "monetary_value": lambda: [20.0, 0.0, 35.0],
    "average_spend": lambda: [20.0, 0.0, 35.0],
    "n_customers": _const(4),
    "rng": lambda: np.random.default_rng(0),
    "n_periods": _const(10),
    "discount_rate": _const(0.1),
    "retention": _const(0.8),
    "margin": _const(100.0),
    "margins": lambda: [100.0, 50.0, 20.0],
    "durations": lambda: [1.0, 2.0, 3.0],
    "survival": lambda: [1.0, 0.8, 0.6],
    # portfolios, logs, ids
    "portfolio": _portfolio,
    "log": _log,
    "ids": lambda: ["a", "b", "c"],
    "customer_ids": lambda: ["a", "b", "a"],
    "dates": lambda: ["2024-01-05", "2024-02-10", "2024-03-01"],
    "amounts": lambda: [10.0, 20.0, 30.0],
    "periods": lambda: [1, 2, 3],
    "values": lambda: [3.0, 1.0, 2.0],
    "scores": lambda: [3.0, 1.0, 2.0],
    "weights": lambda: [0.5, 0.3, 0.2],
    "x": lambda: [1.0, 2.0, 3.0],
    "as_of": lambda: dt.date(2024, 6, 30),
    "calibration_end": lambda: "2024-03-01",
    "observation_end": lambda: "2024-06-01",
    "column": _const("profit_last_year"),
    "on": _const("profit_last_year"),
    "currency": _const("EUR"),
    # Markov chains and stages
    "transition": lambda: [[0.8, 0.2], [0.0, 1.0]],
    "rewards": lambda: [100.0, 0.0],
    "counts": lambda: [[5, 1], [0, 3]],
    "from_states": lambda: ["A", "A", "B"],
    "to_states": lambda: ["A", "B", "B"],
    "current_states": lambda: ["A", "B"],
    "stages": lambda: ["exploration", "stability", "decline"],
    "stage": _const("stability"),
    # allocation
    "budget": _const(100.0),
    "curve": _response_curve,
    "minimum": _const(1.0),
    # model parameters (published CDNOW estimates where they exist)
    "r": _const(0.243),
    "alpha": _const(4.414),
    "a": _const(0.793),
    "b": _const(2.426),
    "s": _const(0.61),
    "beta": _const(11.67),
    "p": _const(6.25),
    "q": _const(3.74),
    "gamma": _const(15.44),
    "delta": _const(2.783),
    "n": _const(3),
    # rates and shares
    "start": lambda: [100.0, 120.0, 90.0],
    "end": lambda: [110.0, 100.0, 95.0],
    "acquired": lambda: [20.0, 5.0, 10.0],
    "fraction": _const(0.2),
    "is_key": lambda: [True, False, True],
    "standards": lambda: {"A": 12.0, "B": 6.0, "C": 2.0},
    "grades": lambda: ["A", "C", "B"],
    # portfolio access (the demo portfolio's 40 accounts)
    "name": _const("profit_last_year"),
    "names": lambda: ["profit_last_year"],
    "mask": lambda: [True, False] * 20,
    "indices": lambda: [0, 2],
    "states": lambda: ["0", "1"],
}


def _stability() -> Any:
    from kamcore.domain import LifecycleStage

    return LifecycleStage.STABILITY


@functools.cache
def _rfm() -> tuple[list[float], list[float], list[float]]:
    """200 simulated BG/NBD customers (a fit converges on them)."""
    model = clp.BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426)
    x, tx, T = model.simulate(n_customers=200, T=39.0, rng=np.random.default_rng(1))
    return x.tolist(), tx.tolist(), T.tolist()


@functools.cache
def _bb() -> tuple[list[float], list[float], list[float]]:
    model = clp.BetaGeoBetaBinom(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783)
    x, tx, n = model.simulate(n_customers=300, T=6, rng=np.random.default_rng(1))
    return x.tolist(), tx.tolist(), n.tolist()


_FIT = {
    "frequency": lambda: _rfm()[0],
    "recency": lambda: _rfm()[1],
    "T": lambda: _rfm()[2],
}
_SIM = {"n_customers": _const(3)}


#: per callable, parameter name -> example, where the shared name means something else
OVERRIDES: dict[str, dict[str, Callable[[], Any]]] = {
    "kamcore.clp.BetaGeo.fit": _FIT,
    "kamcore.clp.ModifiedBetaGeo.fit": _FIT,
    "kamcore.clp.ParetoNBD.fit": _FIT,
    "kamcore.clp.BetaGeoBetaBinom.fit": {
        "frequency": lambda: _bb()[0],
        "recency": lambda: _bb()[1],
        "T": lambda: _bb()[2],
    },
    "kamcore.clp.GammaGamma.fit": {
        "frequency": lambda: [1, 2, 3, 1, 4, 2, 5, 1, 2, 3] * 10,
        "average_spend": lambda: [20.0, 35.0, 28.0, 15.0, 40.0, 22.0, 31.0, 18.0, 26.0, 33.0] * 10,
    },
    "kamcore.clp.GammaGamma.log_likelihood": {
        "frequency": lambda: [1, 2, 5],
        "average_spend": lambda: [20.0, 10.0, 35.0],
    },
    "kamcore.clp.BetaGeo.simulate": _SIM,
    "kamcore.clp.ModifiedBetaGeo.simulate": _SIM,
    "kamcore.clp.ParetoNBD.simulate": _SIM,
    "kamcore.clp.BetaGeoBetaBinom.simulate": {"T": lambda: [6, 6, 6], **_SIM},
    "kamcore.clp.ShiftedBetaGeometric.fit": {
        "durations": lambda: [1, 1, 2, 3, 1, 5, 2, 8, 1, 3, 2, 1, 4, 6, 2] * 4,
    },
    "kamcore.clp.ShiftedBetaGeometric.fit_survivors": {
        "counts": lambda: [1000, 631, 468, 382, 326, 289, 262, 241],
    },
    "kamcore.clp.MarkovChain.customer_value": {"current_states": lambda: ["0", "1", "0"]},
    "kamcore.clp.matrix_lifetime_profit": {
        "margins": lambda: [[100.0, 90.0, 80.0], [50.0, 50.0, 50.0]],
        "retention": lambda: [0.8, 0.7],
    },
    "kamcore.domain.legal_moves": {"stage": _stability},
    "kamcore.loyalty.cross_sell": {
        "log": lambda: ["a", "b", "a"],
        "amounts": lambda: [10.0, 20.0, 30.0],
        "main_business": lambda: [True, False, True],
    },
    "kamcore.domain.StageChange": {"on": _const("2024-03-01")},
    "kamcore.lifecycle.detect_stages": {"values": lambda: [[1.0, 2.0, 4.0, 4.0, 3.0, 1.0]] * 2},
    "kamcore.metrics.cohort_retention": {"freq": _const("M")},
    "kamcore.metrics.period_metrics": {"freq": _const("M")},
    "kamcore.metrics.period_values": {"freq": _const("M")},
    "kamcore.metrics.funnel_conversion": {"stage": lambda: [1, 2, 3, 2]},
    "kamcore.satisfaction.cronbach_alpha": {
        "scores": lambda: [[4, 5, 4], [3, 3, 4], [5, 5, 5], [2, 3, 2]],
    },
    "kamcore.switching.barrier_index": {"strengths": lambda: [[0.2, 0.5], [0.9, 0.1]]},
    "kamcore.transactions.TransactionLog": {
        "dates": lambda: ["2024-01-05", "2024-02-10", "2024-03-01"]
    },
    "kamcore.transactions.TransactionLog.from_columns": {
        "dates": lambda: ["2024-01-05", "2024-02-10", "2024-03-01"],
    },
    "kamcore.Portfolio.index_of": {"ids": lambda: ["KA001", "KA002"]},
    "kamcore.transactions.TransactionLog.filter": {"mask": lambda: [True, False] * 3},
    "kamcore.scoring.ScorerRegistry.get": {"name": _const("pareto")},
    "kamcore.scoring.ScorerRegistry.unregister": {"name": _const("pareto")},
    "kamcore.scoring.Grading.from_mapping": {"grades": lambda: {"KA001": "A", "KA002": "B"}},
    "kamcore.scoring.get_scorer": {"name": _const("pareto"), "column": _const("profit_last_year")},
    "kamcore.clp.BetaGeoBetaBinom": {
        "alpha": _const(1.204),
        "beta": _const(0.750),
        "gamma": _const(0.657),
        "delta": _const(2.783),
    },
    "kamcore.clp.ShiftedBetaGeometric": {"alpha": _const(0.668), "beta": _const(3.806)},
    "kamcore.clp.ParetoNBD": {"r": _const(0.55), "alpha": _const(10.58)},
    "kamcore.allocation.ExponentialResponse": {
        "a": lambda: [100.0, 50.0, 20.0],
        "b": lambda: [0.1, 0.2, 0.3],
    },
    "kamcore.allocation.LogResponse": {"a": lambda: [10.0, 5.0], "b": lambda: [1.0, 2.0]},
}


def _exp() -> Any:
    from kamcore.allocation import ExponentialResponse

    return ExponentialResponse([100.0, 50.0, 20.0], [0.1, 0.2, 0.3])


def _logr() -> Any:
    from kamcore.allocation import LogResponse

    return LogResponse([10.0, 5.0, 2.0], [1.0, 2.0, 3.0])


#: class -> a fresh example instance
INSTANCES: dict[type, Callable[[], Any]] = {
    type(_exp()): _exp,
    type(_logr()): _logr,
    clp.BetaGeo: lambda: clp.BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426),
    clp.ModifiedBetaGeo: lambda: clp.ModifiedBetaGeo(r=0.525, alpha=6.183, a=0.891, b=1.614),
    clp.ParetoNBD: lambda: clp.ParetoNBD(r=0.55, alpha=10.58, s=0.61, beta=11.67),
    clp.GammaGamma: lambda: clp.GammaGamma(p=6.25, q=3.74, gamma=15.44),
    clp.BetaGeoBetaBinom: lambda: clp.BetaGeoBetaBinom(
        alpha=1.204, beta=0.750, gamma=0.657, delta=2.783
    ),
    # alpha > 1: a finite expected lifetime
    clp.ShiftedBetaGeometric: lambda: clp.ShiftedBetaGeometric(alpha=1.668, beta=3.806),
    clp.MarkovChain: lambda: clp.MarkovChain([[0.8, 0.2], [0.0, 1.0]], [100.0, 0.0], 0.1),
    clp.StageProfile: lambda: clp.DEFAULT_STAGE_PROFILE,
    scoring.GradeScale: lambda: scoring.GradeScale(("A", "B", "C"), (2.0, 1.0)),
    scoring.ParetoScorer: lambda: scoring.ParetoScorer(column="profit_last_year"),
    Portfolio: _portfolio,
    scoring.ScorerRegistry: lambda: scoring.ScorerRegistry(
        {"pareto": scoring.ParetoScorer}, group=None
    ),
    scoring.PyramidScorer: lambda: scoring.PyramidScorer(column="profit_last_year"),
    TransactionLog: _log,
}


# ====================================================================== clp block
# Examples for the kamcore.clp result classes, calculators and protocols (kept in
# one block, merged into OVERRIDES and INSTANCES below).


@functools.cache
def _clp_fitted_bg() -> Any:
    x, tx, T = _rfm()
    return clp.BetaGeo.fit(frequency=x, recency=tx, T=T)


def _clp_bg() -> Any:
    return clp.BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426)


def _clp_gg() -> Any:
    return clp.GammaGamma(p=6.25, q=3.74, gamma=15.44)


def _clp_report() -> Any:
    return _clp_fitted_bg().fit_report


def _clp_profit() -> Any:
    return clp.customer_lifetime_profit(
        _clp_bg(),
        frequency=[2, 0, 5],
        recency=[30.0, 0.0, 35.0],
        T=38.0,
        spend=50.0,
        margin_rate=0.3,
        discount_rate=0.1,
        n_periods=10,
    )


@functools.cache
def _clp_portfolio() -> Portfolio:
    return Portfolio.from_columns(
        ["a", "b", "c"],
        {"frequency": [2, 0, 5], "recency": [30.0, 0.0, 35.0], "T": [38.0, 38.0, 38.0]},
    )


def _clp_stage(duration: float, margin: float, retention: float) -> Any:
    return clp.StageParameters(duration=duration, margin=margin, retention=retention)


_CLP_HISTORY = {
    "frequency": lambda: [2, 0, 5],
    "recency": lambda: [30.0, 0.0, 35.0],
    "T": lambda: [38.0, 38.0, 38.0],
}
_CLP_VALUE = {
    "margin_rate": _const(0.3),
    "discount_rate": _const(0.1),
    "n_periods": _const(10),
    "spend": _const(50.0),
}

_CLP_OVERRIDES: dict[str, dict[str, Callable[[], Any]]] = {
    "kamcore.clp.CustomerEquity": {"total": _const(300.0), "count": _const(3)},
    "kamcore.clp.CustomerProfit": {
        "clp": lambda: [10.0, -1.0, 30.0],
        "discounted_margin": lambda: [12.0, 0.0, 33.0],
        "discounted_cost": lambda: [2.0, 1.0, 3.0],
        "discounted_revenue": lambda: [40.0, 0.0, 110.0],
        "purchases": lambda: [0.8, 0.0, 2.2],
        "spend": lambda: [50.0, 50.0, 50.0],
    },
    "kamcore.clp.FitReport": {
        "log_likelihood": _const(-10.0),
        "n": _const(5.0),
        "n_rows": _const(3),
        "standard_errors": lambda: {"r": 0.1},
        "correlation": lambda: [[1.0]],
        "estimates": lambda: {"r": 2.0},
        "converged": _const(True),
        "iterations": _const(7),
        "message": _const("ok"),
        "method": _const("BFGS"),
    },
    "kamcore.clp.StageParameters": {
        "duration": _const(5.0),
        "margin": _const(1.0),
        "retention": _const(0.92),
    },
    "kamcore.clp.StageProfile": {
        "exploration": lambda: _clp_stage(1.0, 0.2, 0.6),
        "formation": lambda: _clp_stage(2.0, 0.6, 0.85),
        "stability": lambda: _clp_stage(5.0, 1.0, 0.92),
        "decline": lambda: _clp_stage(2.0, 0.5, 0.7),
    },
    "kamcore.clp.StageProfile.from_mapping": {
        "table": lambda: {
            "exploration": {"duration": 1.0, "margin": 0.2, "retention": 0.6},
            "formation": {"duration": 2.0, "margin": 0.6, "retention": 0.85},
            "stability": {"duration": 5.0, "margin": 1.0, "retention": 0.92},
            "decline": {"duration": 2.0, "margin": 0.5, "retention": 0.7},
        },
    },
    "kamcore.clp.TransitionEstimate": {
        "states": lambda: ("A", "B"),
        "counts": lambda: [[5, 1], [0, 3]],
        "transition": lambda: [[5 / 6, 1 / 6], [0.0, 1.0]],
        "policy": _const("raise"),
        "unobserved": lambda: (),
    },
    "kamcore.clp.curve_lifetime_profit": {
        "level": lambda: [100.0, 50.0, 0.0],
        "curve": lambda: [1.0, 0.9, 0.8],
        "retention": _const(0.8),
    },
    "kamcore.clp.customer_lifetime_profit": {"model": _clp_bg, **_CLP_HISTORY, **_CLP_VALUE},
    "kamcore.clp.customer_lifetime_profit_interval": {
        "model": _clp_fitted_bg,
        **_CLP_HISTORY,
        **_CLP_VALUE,
    },
    "kamcore.clp.portfolio_lifetime_profit": {
        "portfolio": _clp_portfolio,
        "model": _clp_bg,
        **_CLP_VALUE,
    },
    "kamcore.clp.FitSummary": {
        "model": _const("BetaGeo"),
        "parameters": lambda: ["r", "alpha"],
        "estimates": lambda: [0.243, 4.414],
        "standard_errors": lambda: [0.01, 0.2],
        "lower": lambda: [0.223, 4.02],
        "upper": lambda: [0.263, 4.81],
        "fitted": _const(True),
        "log_likelihood": _const(-9582.4),
        "aic": _const(19172.8),
        "bic": _const(19195.2),
        "n": _const(2357.0),
    },
    "kamcore.clp.FitSummary.from_report": {
        "model": _const("BetaGeo"),
        "params": lambda: dict(_clp_fitted_bg().params),
        "report": _clp_report,
    },
    "kamcore.clp.FrequencyRecencyMatrix": {
        "values": lambda: [[1.0, 1.0], [0.2, 0.8]],
        "frequency": lambda: [0, 1],
        "recency": lambda: [0.0, 38.0],
        "quantity": _const("probability_alive"),
        "T": _const(38.0),
    },
    "kamcore.clp.PredictionInterval": {
        "estimate": lambda: [1.0, 2.0],
        "lower": lambda: [0.5, 1.5],
        "upper": lambda: [1.5, 2.5],
        "standard_error": lambda: [0.3, 0.3],
        "level": _const(0.9),
    },
    "kamcore.clp.frequency_recency_matrix": {
        "model": _clp_bg,
        "T": _const(38.0),
        "max_frequency": _const(5),
    },
}

_CLP_INSTANCES: dict[type, Callable[[], Any]] = {
    clp.CustomerEquity: lambda: clp.customer_equity([100.0, 200.0], segments=["a", "b"]),
    clp.CustomerProfit: _clp_profit,
    clp.FitReport: _clp_report,
    clp.FitSummary: lambda: _clp_fitted_bg().summary(),
    clp.SpendModel: _clp_gg,
    clp.SurvivalModel: _clp_bg,
    clp.TransactionModel: _clp_bg,
    clp.TransitionEstimate: lambda: clp.transition_from_counts([[5, 1], [0, 3]], states=["A", "B"]),
}

OVERRIDES.update(_CLP_OVERRIDES)
INSTANCES.update(_CLP_INSTANCES)
# ================================================================== end clp block
