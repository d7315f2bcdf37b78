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
    "kamcore.clp.CustomerPredictions": {
        "ids": lambda: ["a", "b"],
        "values": lambda: {"expected_purchases": [0.5, 1.5]},
        "model": _const("BetaGeo"),
    },
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


def _demo() -> Any:
    from kamcore.data import demo

    return demo(5)


def _report_input() -> Any:
    from kamcore.report import ReportInput

    acc = _demo().tables()["accounts"]
    return ReportInput(accounts={k: v[:30] for k, v in acc.items()}, source="adversarial")


def _report() -> Any:
    from kamcore.report import build_report

    return build_report(_report_input())


def _table() -> Any:
    from kamcore.report import Table

    return Table("t", "T", {"customer_id": np.array(["a", "b"]), "x": np.array([1.0, 2.0])})


OVERRIDES.update(
    {
        "kamcore.report.Report.section": {"key": _const("overview")},
        "kamcore.io.tables.parse_mapping": {"items": lambda: ["id=AccountId,date=OrderDate"]},
        "kamcore.report.ReportInput.from_demo": {"data": _demo},
        "kamcore.report.build_report": {"inputs": _report_input},
        "kamcore.report.json_document": {"report": _report},
        "kamcore.report.render_html": {"report": _report},
        "kamcore.report.render_json": {"report": _report},
        "kamcore.report.render_markdown": {"report": _report},
        "kamcore.report.render_terminal": {"report": _report},
    }
)


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
    clp.CustomerProfit: lambda: clp.customer_lifetime_profit(
        clp.BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426),
        frequency=[0, 2, 5],
        recency=[0.0, 20.0, 35.0],
        T=39.0,
        spend=50.0,
        margin_rate=0.3,
        discount_rate=0.01,
        n_periods=12,
        ids=["a", "b", "c"],
    ),
    clp.CustomerPredictions: lambda: clp.CustomerPredictions(
        ids=["a", "b"], values={"expected_purchases": [0.5, 1.5]}, model="BetaGeo", t=10.0
    ),
    clp.PredictionInterval: lambda: clp.PredictionInterval(
        estimate=[1.0, 2.0],
        lower=[0.5, 1.5],
        upper=[1.5, 2.5],
        standard_error=[0.3, 0.3],
        level=0.9,
        ids=["a", "b"],
    ),
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


# ======================================================================================
# Non-CLP examples, one block per module (kamcore.Portfolio, access, allocation, domain,
# io, lifecycle, loyalty, metrics, plotting, satisfaction, scoring, switching, testing,
# transactions). Instances are built once (they are frozen) and shared by the cases.
# ======================================================================================

import inspect  # noqa: E402
from pathlib import Path  # noqa: E402

_DOCS = Path(__file__).resolve().parents[1] / "data" / "json_documents"


def _doc(name: str) -> Callable[[], Any]:
    """A factory loading one stored JSON document (a domain record or a model)."""

    @functools.cache
    def make() -> Any:
        from kamcore.io import json as kjson

        return kjson.loads((_DOCS / f"{name}.json").read_text(encoding="utf-8"))

    return make


def _once(make: Callable[[], Any]) -> Callable[[], Any]:
    return functools.cache(make)


def _fields(cls: type, make: Callable[[], Any]) -> dict[str, Callable[[], Any]]:
    """Constructor examples of ``cls``: each required field taken from the example ``make()``."""
    out: dict[str, Callable[[], Any]] = {}
    for p in inspect.signature(cls).parameters.values():
        if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD):

            def get(n: str = p.name) -> Any:
                obj = make()
                return getattr(obj, n) if hasattr(obj, n) else getattr(obj, f"_{n}")

            out[p.name] = get
    return out


def _small_portfolio(ids: tuple[str, ...] = ("C1", "C2")) -> Portfolio:
    return Portfolio.from_columns(list(ids), {"sales": [float(i + 1) for i in range(len(ids))]})


# ---------------------------------------------------------------- kamcore.Portfolio

OVERRIDES.update(
    {
        "kamcore.Portfolio.concat": {
            "portfolios": lambda: [_small_portfolio(("a", "b")), _small_portfolio(("c",))]
        },
        "kamcore.Portfolio.from_customers": {"customers": lambda: [_doc("Customer")()]},
        "kamcore.Portfolio.with_columns": {"columns": lambda: {"extra": [1.0] * 40}},
    }
)


# ---------------------------------------------------------------- kamcore.access


def _policy() -> Any:
    from kamcore.access import AccessPolicy

    return AccessPolicy.default()


_policy = _once(_policy)


def _view() -> Any:
    return _policy().view(_doc("Customer")(), "sales")


_view = _once(_view)


def _access() -> None:
    from kamcore.access import AccessPolicy, AccessTier, RedactedView

    OVERRIDES.update(
        {
            "kamcore.access.AccessPolicy": _fields(AccessPolicy, _policy),
            "kamcore.access.AccessPolicy.from_dict": {"data": _doc_toml_dict},
            "kamcore.access.AccessPolicy.from_toml": {"source": lambda: _policy().to_toml()},
            "kamcore.access.AccessPolicy.redact": {"role": _const("sales")},
            "kamcore.access.AccessPolicy.tier_of": {"role": _const("sales")},
            "kamcore.access.AccessPolicy.view": {
                "obj": _doc("Customer"),
                "role": _const("sales"),
            },
            "kamcore.access.AccessPolicy.visible_columns": {"role": _const("sales")},
            "kamcore.access.AccessTier.visible": {"kind": _const("customer")},
            "kamcore.access.AccessTier.withheld": {"kind": _const("customer")},
            "kamcore.access.RedactedView": _fields(RedactedView, _view),
        }
    )
    INSTANCES.update(
        {
            AccessPolicy: _policy,
            AccessTier: lambda: _policy().tier_of("sales"),
        }
    )


def _doc_toml_dict() -> Any:
    import tomllib

    return tomllib.loads(_policy().to_toml())


_access()


# ---------------------------------------------------------------- kamcore.allocation


def _allocation_block() -> None:
    from kamcore import allocation

    def alloc() -> Any:
        return allocation.allocate(_exp(), 30.0)

    OVERRIDES.update(
        {
            "kamcore.allocation.Allocation": _fields(allocation.Allocation, _once(alloc)),
            "kamcore.allocation.ExponentialResponse.inverse_marginal": {"lam": _const(0.5)},
            "kamcore.allocation.LogResponse.inverse_marginal": {"lam": _const(0.5)},
            "kamcore.allocation.InvertibleResponse.inverse_marginal": {"lam": _const(0.5)},
        }
    )
    INSTANCES.update(
        {
            allocation.ResponseCurve: _exp,
            allocation.InvertibleResponse: _exp,
        }
    )


_allocation_block()


# ---------------------------------------------------------------- kamcore.domain


def _relationship() -> Any:
    from kamcore.domain import LifecycleStage, Relationship

    r = Relationship.start("r1", "c1", account_manager="amy", on=dt.date(2022, 1, 3))
    return r.move_to(LifecycleStage.FORMATION, on=dt.date(2022, 6, 1))


_relationship = _once(_relationship)


def _ended() -> Any:
    from kamcore.domain import LifecycleStage

    return _relationship().move_to(LifecycleStage.ENDED, on=dt.date(2023, 5, 1))


_ended = _once(_ended)


def _opportunity() -> Any:
    from kamcore.domain import FunnelStage, Money, Opportunity

    return Opportunity("o1", "c1", FunnelStage.LEAD, Money.of("100", "EUR"), 0.1)


_opportunity = _once(_opportunity)


def _domain() -> None:
    from kamcore import domain as d

    def churn() -> Any:
        return d.ChurnRecord(dt.date(2023, 5, 1), churn_type=d.ChurnType.COMPETITIVE)

    OVERRIDES.update(
        {
            "kamcore.domain.AccountTeam": _fields(d.AccountTeam, _doc("AccountTeam")),
            "kamcore.domain.AccountTeam.members_in": {
                "role": _const(d.AccountTeamRole.ACCOUNT_MANAGER)
            },
            "kamcore.domain.AccountTeam.with_member": {
                "member": lambda: d.TeamMember("zed", d.AccountTeamRole.SALES)
            },
            "kamcore.domain.AccountTeam.with_owner": {"owner": _const("bo")},
            "kamcore.domain.ChurnRecord": {
                **_fields(d.ChurnRecord, _doc("ChurnRecord")),
                "churn_type": _const(d.ChurnType.COMPETITIVE),
            },
            "kamcore.domain.Complaint": _fields(d.Complaint, _doc("Complaint")),
            "kamcore.domain.Complaint.resolve": {"on": _const(dt.date(2025, 2, 1))},
            "kamcore.domain.Contact": _fields(d.Contact, _doc("Contact")),
            "kamcore.domain.Customer": _fields(d.Customer, _doc("Customer")),
            "kamcore.domain.Customer.with_figures_from": {
                "transactions": lambda: [
                    d.Transaction("c1", dt.date(2024, 3, 1), d.Money.of("100", "EUR"))
                ],
                "year": _const(2024),
            },
            "kamcore.domain.Money": {
                "amount": lambda: __import__("decimal").Decimal("12.50"),
                "currency": _const("EUR"),
            },
            "kamcore.domain.Money.of": {"amount": _const("12.50"), "currency": _const("EUR")},
            "kamcore.domain.Money.total": {
                "items": lambda: [d.Money.of("1.5", "EUR"), d.Money.of("2", "EUR")]
            },
            "kamcore.domain.Opportunity": _fields(d.Opportunity, _opportunity),
            "kamcore.domain.Opportunity.advance": {"stage": _const(d.FunnelStage.PROSPECT)},
            "kamcore.domain.Opportunity.lose": {"on": _const(dt.date(2025, 3, 1))},
            "kamcore.domain.Opportunity.win": {"on": _const(dt.date(2025, 3, 1))},
            "kamcore.domain.Opportunity.with_assessment": {
                "assessment": _doc("OpportunityAssessment")
            },
            "kamcore.domain.Relationship": _fields(d.Relationship, _doc("Relationship")),
            "kamcore.domain.Relationship.add_contact": {"contact": _doc("Contact")},
            "kamcore.domain.Relationship.days_in_stages": {"until": _const(dt.date(2024, 1, 1))},
            "kamcore.domain.Relationship.move_to": {
                "stage": _const(d.LifecycleStage.STABILITY),
                "on": _const(dt.date(2023, 1, 2)),
            },
            "kamcore.domain.Relationship.record_churn": {"record": churn},
            "kamcore.domain.Relationship.stage_on": {"day": _const(dt.date(2022, 7, 1))},
            "kamcore.domain.Relationship.start": {
                "id": _const("r2"),
                "customer_id": _const("c2"),
                "account_manager": _const("amy"),
                "on": _const(dt.date(2024, 1, 2)),
            },
            "kamcore.domain.Relationship.win_back": {"on": _const(dt.date(2024, 9, 1))},
            "kamcore.domain.Relationship.with_account_manager": {"account_manager": _const("bo")},
            "kamcore.domain.Relationship.with_contacts": {"contacts": lambda: [_doc("Contact")()]},
            "kamcore.domain.Relationship.with_satisfaction": {
                "satisfaction": _doc("SatisfactionSummary")
            },
            "kamcore.domain.Relationship.with_switching_cost": {
                "switching_cost": _doc("SwitchingCost")
            },
            "kamcore.domain.Relationship.with_team": {"team": _doc("AccountTeam")},
            "kamcore.domain.SatisfactionSummary": _fields(
                d.SatisfactionSummary, _doc("SatisfactionSummary")
            ),
            "kamcore.domain.SwitchingCost.with_component": {
                "component": _doc("SwitchingCostComponent")
            },
            "kamcore.domain.SwitchingCostComponent": {
                **_fields(d.SwitchingCostComponent, _doc("SwitchingCostComponent")),
                "strength": _const(0.4),
            },
            "kamcore.domain.TeamMember": _fields(d.TeamMember, _doc("TeamMember")),
            "kamcore.domain.Transaction": _fields(d.Transaction, _doc("Transaction")),
            "kamcore.domain.check_currency": {"code": _const("EUR")},
            "kamcore.domain.CooperationLength.from_years": {"years": _const(3.5)},
            "kamcore.domain.Prospects.from_count": {"count": _const(2)},
            "kamcore.domain.extend_mapping": {
                "base": _const(d.SALESFORCE_CONTACT_ROLES),
                "additions": lambda: {"Champion": d.BuyingRole.COACH},
            },
            "kamcore.domain.is_legal": {
                "from_stage": _const(d.LifecycleStage.EXPLORATION),
                "to_stage": _const(d.LifecycleStage.FORMATION),
            },
            "kamcore.domain.kam_stages_for": {
                "relationship_type": _const(d.RelationshipType.ORDINARY)
            },
            "kamcore.domain.relationship_type_for": {"kam_stage": _const(d.KamStage.SYNERGISTIC)},
            "kamcore.domain.retention_plan": {"grade": _const("B")},
            "kamcore.domain.sensitive_fields": {"cls": _const(d.Contact)},
            "kamcore.domain.translate": {
                "mapping": _const(d.HUBSPOT_FUNNEL_STAGES),
                "value": _const("salesqualifiedlead"),
            },
        }
    )
    INSTANCES.update(
        {
            d.AccountTeam: _doc("AccountTeam"),
            d.Complaint: _doc("Complaint"),
            d.Contact: _doc("Contact"),
            d.Customer: _doc("Customer"),
            d.Money: _doc("Money"),
            d.Opportunity: _opportunity,
            d.Relationship: _relationship,
            "kamcore.domain.Relationship.win_back": _ended,
            "kamcore.domain.Relationship.record_churn": _ended,
            d.SwitchingCost: _doc("SwitchingCost"),
        }
    )


_domain()


# ---------------------------------------------------------------- kamcore.io


def _io() -> None:
    from kamcore.io import json as kjson

    def money_text() -> str:
        return kjson.dumps(_doc("Money")())

    def frame() -> Any:
        from kamcore.io.frames import to_frame

        return to_frame(_small_portfolio(), "pandas")

    OVERRIDES.update(
        {
            "kamcore.io.frames.from_frame": {"frame": frame},
            "kamcore.io.json.Collection": {"items": lambda: [_doc("Money")()]},
            "kamcore.io.json.JsonType": _fields(kjson.JsonType, lambda: kjson.JSON_TYPES[0]),
            "kamcore.io.json.dumps": {"obj": _doc("Money")},
            "kamcore.io.json.loads": {"text": money_text},
        }
    )


_io()


# ---------------------------------------------------------------- kamcore.lifecycle


def _detection() -> Any:
    from kamcore import lifecycle

    return lifecycle.detect_stages(
        [[0, 0, 0, 0, 0, 5], [10, 20, 30, 40, 50, 60], [60, 55, 45, 30, 20, 10]],
        ids=["new", "up", "down"],
    )


_detection = _once(_detection)


def _lifecycle() -> None:
    from kamcore import lifecycle

    OVERRIDES.update(
        {
            "kamcore.lifecycle.StageDetection": _fields(lifecycle.StageDetection, _detection),
            "kamcore.lifecycle.StageDetection.legal_from": {
                "previous": lambda: ["exploration", "formation", "stability"]
            },
        }
    )
    INSTANCES[lifecycle.StageDetection] = _detection


_lifecycle()


# ---------------------------------------------------------------- kamcore.loyalty


@functools.cache
def _business_log() -> TransactionLog:
    return TransactionLog(
        ["a", "b", "a", "c"],
        ["2024-01-02", "2024-01-05", "2024-03-01", "2024-04-01"],
        [80.0, 20.0, 50.0, 10.0],
        main_business=[True, False, False, True],
    )


@functools.cache
def _retention_data() -> tuple[list[float], list[float], list[int]]:
    from kamcore.loyalty import RetentionModel

    rng = np.random.default_rng(7)
    a = rng.uniform(-6, 6, 400)
    s = rng.uniform(0, 1, 400)
    p = RetentionModel(0.2, 0.4, 1.5, -0.15).retention(attraction=a, barrier=s)
    kept = (rng.uniform(size=400) < p).astype(int)
    return a.tolist(), s.tolist(), kept.tolist()


def _loyalty_matrix() -> Any:
    from kamcore import loyalty

    return loyalty.attitude_behaviour_matrix(
        [6, 6, 2, 2], [0.9, 0.2, 0.8, 0.1], attitude_threshold=4.0, behaviour_threshold=0.5
    )


_loyalty_matrix = _once(_loyalty_matrix)


def _loyalty() -> None:
    from kamcore import loyalty

    EXAMPLES.update(
        {
            "attraction": lambda: [2.0, 1.5, -1.0, -2.5],
            "barrier": lambda: [0.9, 0.1, 0.8, 0.2],
        }
    )
    OVERRIDES.update(
        {
            "kamcore.loyalty.CrossSell": _fields(
                loyalty.CrossSell, _once(lambda: loyalty.cross_sell(_business_log()))
            ),
            "kamcore.loyalty.LoyaltyMatrix": _fields(loyalty.LoyaltyMatrix, _loyalty_matrix),
            "kamcore.loyalty.LoyaltyMatrix.members": {"segment": _const("true")},
            "kamcore.loyalty.RetentionModel.fit": {
                "attraction": lambda: _retention_data()[0],
                "barrier": lambda: _retention_data()[1],
                "retained": lambda: _retention_data()[2],
            },
            "kamcore.loyalty.attitude_behaviour_matrix": {
                "attitude": lambda: [6.0, 6.0, 2.0, 2.0],
                "behaviour": lambda: [0.9, 0.2, 0.8, 0.1],
            },
            "kamcore.loyalty.cross_sell_ratio": {
                "outside_sales": lambda: [25.0, 0.0],
                "total_sales": lambda: [100.0, 40.0],
            },
            "kamcore.loyalty.repeat_ratio": {
                "repeat_purchases": lambda: [3, 0],
                "purchases": lambda: [4, 1],
            },
            "kamcore.loyalty.share_of_wallet": {
                "our_spend": lambda: [30.0, 50.0, 0.0],
                "category_spend": lambda: [100.0, 50.0, 80.0],
            },
        }
    )
    INSTANCES.update(
        {
            loyalty.LoyaltyMatrix: _loyalty_matrix,
            loyalty.RetentionModel: _doc("RetentionModel"),
        }
    )


_loyalty()


# ---------------------------------------------------------------- kamcore.metrics


def _metrics() -> None:
    from kamcore import domain, metrics
    from kamcore.transactions import TransactionLog

    churn = _once(lambda: metrics.churn_by_type([2, 2, 3, 0, -1, 2]))
    period_matrix = _once(lambda: metrics.period_values(_log(), freq="M"))
    OVERRIDES.update(
        {
            "kamcore.metrics.ChurnBreakdown": _fields(metrics.ChurnBreakdown, churn),
            "kamcore.metrics.CohortRetention": _fields(
                metrics.CohortRetention,
                _once(
                    lambda: metrics.cohort_retention(
                        TransactionLog(["a", "b", "a", "c", "c", "a"], periods=[1, 1, 2, 2, 3, 3])
                    )
                ),
            ),
            "kamcore.metrics.ContributionShare": _fields(
                metrics.ContributionShare,
                _once(
                    lambda: metrics.contribution_share(
                        [500.0, 300.0, 100.0, 100.0], [True, False, False, False]
                    )
                ),
            ),
            "kamcore.metrics.FunnelConversion": _fields(
                metrics.FunnelConversion,
                _once(
                    lambda: metrics.funnel_conversion(
                        [0, 0, 1, 2, 3, 3, 4, 4], lost_from=[-1] * 6 + [0, 2]
                    )
                ),
            ),
            "kamcore.metrics.OrderCycles": _fields(
                metrics.OrderCycles,
                _once(
                    lambda: metrics.order_cycles(
                        TransactionLog(["a"] * 4 + ["b"] * 2, periods=[0, 10, 30, 60, 5, 12])
                    )
                ),
            ),
            "kamcore.metrics.PeriodMetrics": _fields(
                metrics.PeriodMetrics, _once(lambda: metrics.period_metrics(_log(), freq="M"))
            ),
            "kamcore.metrics.PipelineValue": _fields(
                metrics.PipelineValue,
                _once(
                    lambda: metrics.pipeline_value(
                        [0, 1, 2, 2, 3], [100.0, 200, 1000, 500, 900], [0.1, 0.25, 0.5, 0.6, 1.0]
                    )
                ),
            ),
            "kamcore.metrics.churn_arrays": {
                "records": lambda: [
                    domain.ChurnRecord(dt.date(2024, 1, 1), churn_type=domain.ChurnType.NEGLIGENT),
                    _doc("ChurnRecord")(),
                ]
            },
            "kamcore.metrics.churn_by_cause": {
                "flags": lambda: [[1, 0, 1, 0, 0, 0, 0], [0, 0, 1, 0, 0, 0, 0]]
            },
            "kamcore.metrics.churn_by_type": {"codes": lambda: [2, 2, 3, 0, -1, 2]},
            "kamcore.metrics.opportunity_arrays": {"opportunities": lambda: [_opportunity()]},
            "kamcore.metrics.pipeline_value": {
                "stage": lambda: [0, 1, 2, 2, 3],
                "amount": lambda: [100.0, 200.0, 1000.0, 500.0, 900.0],
                "probability": lambda: [0.1, 0.25, 0.5, 0.6, 1.0],
            },
        }
    )
    INSTANCES.update(
        {
            metrics.ChurnBreakdown: churn,
            metrics.PeriodMatrix: period_matrix,
        }
    )


_metrics()


# ---------------------------------------------------------------- kamcore.plotting
# Displays are built from small inputs; their plot() runs on matplotlib's Agg
# backend (set below, before pyplot is first imported), one fresh figure per case.


def _bg() -> Any:
    return clp.BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426)


@functools.cache
def _history() -> Any:
    return scoring.GradeHistory([_grading("2023-12-31"), _grading("2024-12-31")])


def _grading(date: str = "2024-12-31") -> Any:
    grades = ["A", "C", "B"] if date < "2024" else ["A", "C", "A"]
    return scoring.Grading(date, ["a", "b", "c"], grades, levels=("A", "B", "C"))


@functools.cache
def _survey() -> Any:
    from kamcore.satisfaction import Instrument, SurveyResponses

    inst = Instrument(["a", "b", "c"], ["x", "x", "y"], dimensions=["x", "y"])
    return SurveyResponses(
        inst,
        ["C1", "C1", "C2"],
        perception=[[5, 6, 4], [4, 5, 6], [7, 7, 3]],
        expectation=[[6, 6, 6], [6, 6, 6], [6, 6, 6]],
        adequate=[[4, 4, 4], [4, 4, 4], [4, 4, 4]],
        desired=[[7, 7, 7], [7, 7, 7], [7, 7, 7]],
    )


def _satisfaction_model() -> Any:
    from kamcore.satisfaction import SatisfactionModel

    return SatisfactionModel(weights={"x": 75, "y": 25})


@functools.cache
def _satisfaction_result() -> Any:
    return _satisfaction_model().evaluate(_survey())


@functools.cache
def _zone() -> Any:
    return _satisfaction_model().evaluate_zone(_survey())


@functools.cache
def _ipa() -> Any:
    from kamcore.satisfaction import importance_performance

    return importance_performance(
        [0.4, 0.3, 0.2, 0.1], [-1.5, -0.2, -1.0, 0.1], names=["rel", "resp", "tang", "emp"]
    )


@functools.cache
def _split() -> Any:
    from kamcore.transactions import calibration_holdout

    return calibration_holdout(_log(), calibration_end="2024-03-15", observation_end="2024-06-01")


@functools.cache
def _profit() -> Any:
    return clp.customer_lifetime_profit(
        clp.BetaGeoBetaBinom(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783),
        frequency=[6, 1, 3],
        recency=[6, 1, 4],
        T=6,
        spend=100.0,
        margin_rate=0.25,
        discount_rate=0.1,
        n_periods=5,
    )


def _plotting() -> None:
    import os

    os.environ.setdefault("MPLBACKEND", "Agg")
    from kamcore import plotting as pl

    builds: dict[type, Callable[[], Any]] = {
        pl.CalibrationHoldoutDisplay: lambda: pl.CalibrationHoldoutDisplay.from_model(
            _bg(), _split(), max_frequency=3
        ),
        pl.ClpDistributionDisplay: lambda: pl.ClpDistributionDisplay.from_profit(_profit(), bins=5),
        pl.ExpectedPurchasesDisplay: lambda: pl.ExpectedPurchasesDisplay.from_model(
            _bg(), t_max=10.0, n_points=5
        ),
        pl.FrequencyRecencyDisplay: lambda: pl.FrequencyRecencyDisplay.from_model(
            _bg(), T=10.0, max_frequency=3, n_recency=4
        ),
        pl.GradeDistributionDisplay: lambda: pl.GradeDistributionDisplay.from_history(_history()),
        pl.GradeMigrationDisplay: lambda: pl.GradeMigrationDisplay.from_history(_history()),
        pl.HeterogeneityDisplay: lambda: pl.HeterogeneityDisplay.from_model(_bg(), n_points=5),
        pl.ImportancePerformanceDisplay: lambda: pl.ImportancePerformanceDisplay.from_result(
            _ipa()
        ),
        pl.LifecycleDisplay: lambda: pl.LifecycleDisplay.from_relationship(
            _relationship(), until=dt.date(2023, 1, 1)
        ),
        pl.LorenzCurveDisplay: lambda: pl.LorenzCurveDisplay.from_values([1.0, 2.0, 5.0]),
        pl.LoyaltyMatrixDisplay: lambda: pl.LoyaltyMatrixDisplay.from_values(
            [2.0, 1.5, -1.0, -2.5], [0.9, 0.1, 0.8, 0.2]
        ),
        pl.PeriodTransactionsDisplay: lambda: pl.PeriodTransactionsDisplay.from_model(
            _bg(), frequency=[2, 0, 5], T=[38.0, 38.0, 38.0], max_frequency=3
        ),
        pl.ProbabilityAliveDisplay: lambda: pl.ProbabilityAliveDisplay.from_model(
            _bg(), T=10.0, max_frequency=3, n_recency=4
        ),
        pl.ProbabilityAliveHistoryDisplay: lambda: pl.ProbabilityAliveHistoryDisplay.from_model(
            _bg(), dates=["2024-01-05", "2024-02-10"], end="2024-04-01"
        ),
        pl.ServqualGapDisplay: lambda: pl.ServqualGapDisplay.from_result(
            _satisfaction_result(), zone=_zone()
        ),
        pl.TransactionTrackingDisplay: lambda: pl.TransactionTrackingDisplay.from_model(
            _bg(), _log(), calibration_end="2024-03-01"
        ),
    }
    for cls, build in builds.items():
        make = _once(build)
        INSTANCES[cls] = make
        OVERRIDES[f"kamcore.plotting.{cls.__name__}"] = _fields(cls, make)
    OVERRIDES.update(
        {
            "kamcore.plotting.CalibrationHoldoutDisplay.from_model": {
                "model": _bg,
                "data": _split,
            },
            "kamcore.plotting.ClpDistributionDisplay.from_profit": {"profit": _profit},
            "kamcore.plotting.ExpectedPurchasesDisplay.from_model": {
                "model": _bg,
                "t_max": _const(10.0),
            },
            "kamcore.plotting.FrequencyRecencyDisplay.from_model": {
                "model": _bg,
                "T": _const(10.0),
                "max_frequency": _const(3),
            },
            "kamcore.plotting.GradeDistributionDisplay.from_grading": {"grading": _grading},
            "kamcore.plotting.GradeDistributionDisplay.from_history": {"history": _history},
            "kamcore.plotting.GradeDistributionDisplay.from_score_result": {
                "result": _score_result
            },
            "kamcore.plotting.GradeMigrationDisplay.from_history": {"history": _history},
            "kamcore.plotting.GradeMigrationDisplay.from_matrix": {
                "matrix": lambda: scoring.migration_counts(
                    _grading("2023-12-31"), _grading("2024-12-31")
                )
            },
            "kamcore.plotting.HeterogeneityDisplay.from_model": {"model": _bg},
            "kamcore.plotting.ImportancePerformanceDisplay.from_result": {"result": _ipa},
            "kamcore.plotting.LifecycleDisplay.from_relationship": {"relationship": _relationship},
            "kamcore.plotting.LoyaltyMatrixDisplay.from_matrix": {
                "matrix": _loyalty_matrix,
                "x": lambda: [6.0, 6.0, 2.0, 2.0],
                "y": lambda: [0.9, 0.2, 0.8, 0.1],
            },
            "kamcore.plotting.LoyaltyMatrixDisplay.from_values": {
                "x": lambda: [2.0, 1.5, -1.0, -2.5],
                "y": lambda: [0.9, 0.1, 0.8, 0.2],
            },
            "kamcore.plotting.PeriodTransactionsDisplay.from_model": {
                "model": _bg,
                "frequency": lambda: [2, 0, 5],
                "T": lambda: [38.0, 38.0, 38.0],
            },
            "kamcore.plotting.ProbabilityAliveDisplay.from_model": {
                "model": _bg,
                "T": _const(10.0),
                "max_frequency": _const(3),
            },
            "kamcore.plotting.ProbabilityAliveHistoryDisplay.from_model": {
                "model": _bg,
                "dates": lambda: ["2024-01-05", "2024-02-10"],
            },
            "kamcore.plotting.ServqualGapDisplay.from_result": {"result": _satisfaction_result},
            "kamcore.plotting.TransactionTrackingDisplay.from_model": {"model": _bg, "log": _log},
        }
    )


# ---------------------------------------------------------------- kamcore.satisfaction


def _satisfaction() -> None:
    from kamcore import satisfaction as s

    def kpis() -> Any:
        return s.complaint_kpis(
            ["a", "b", "a", "c"],
            ["2025-01-01", "2025-01-03", "2025-02-01", "2025-02-10"],
            ["2025-01-03", "2025-01-09", None, "2025-02-11"],
        )

    kpis = _once(kpis)
    nps = _once(lambda: s.nps([10, 0, 9, 7], ["b", "a", "b", "a"]))
    OVERRIDES.update(
        {
            "kamcore.satisfaction.ComplaintKpis": _fields(s.ComplaintKpis, kpis),
            "kamcore.satisfaction.ComplaintKpis.counts_for": {"ids": lambda: ["a", "b"]},
            "kamcore.satisfaction.DimensionReliability": _fields(
                s.DimensionReliability, _once(lambda: s.reliability(_survey())[0])
            ),
            "kamcore.satisfaction.ImportancePerformance": _fields(s.ImportancePerformance, _ipa),
            "kamcore.satisfaction.ImportancePerformance.in_quadrant": {
                "quadrant": _const(next(iter(s.IpaQuadrant)))
            },
            "kamcore.satisfaction.Instrument": {
                **_fields(s.Instrument, _once(lambda: _survey().instrument)),
                "dimensions": lambda: ["x", "y"],
            },
            "kamcore.satisfaction.Instrument.from_mapping": {
                "item_dimensions": lambda: {"a": "x", "b": "x", "c": "y"}
            },
            "kamcore.satisfaction.Instrument.items_of": {"dimension": _const("x")},
            "kamcore.satisfaction.Instrument.reversed_columns": {"section": _const("perception")},
            "kamcore.satisfaction.LikertScale.reverse": {"x": _const(3.0)},
            "kamcore.satisfaction.NpsByCustomer": _fields(
                s.NpsByCustomer, _once(lambda: nps().by_customer)
            ),
            "kamcore.satisfaction.NpsResult": _fields(s.NpsResult, nps),
            "kamcore.satisfaction.SatisfactionModel.evaluate": {"responses": _survey},
            "kamcore.satisfaction.SatisfactionModel.evaluate_servperf": {"responses": _survey},
            "kamcore.satisfaction.SatisfactionModel.evaluate_zone": {"responses": _survey},
            "kamcore.satisfaction.SatisfactionResult": _fields(
                s.SatisfactionResult, _satisfaction_result
            ),
            "kamcore.satisfaction.SatisfactionResult.join": {
                "portfolio": lambda: _small_portfolio(("C1", "C2", "C3"))
            },
            "kamcore.satisfaction.SatisfactionResult.summary": {
                "customer_id": _const("C1"),
                "as_of": _const(dt.date(2025, 1, 1)),
            },
            "kamcore.satisfaction.SatisfactionResult.summaries": {
                "as_of": _const(dt.date(2025, 1, 1))
            },
            "kamcore.satisfaction.SurveyResponses": {
                **_fields(s.SurveyResponses, _survey),
                "customer_ids": lambda: ["C1", "C1", "C2"],
            },
            "kamcore.satisfaction.SurveyResponses.answered_count": {"name": _const("perception")},
            "kamcore.satisfaction.SurveyResponses.scored": {"name": _const("perception")},
            "kamcore.satisfaction.SurveyResponses.section": {"name": _const("perception")},
            "kamcore.satisfaction.WeightDerivation": _fields(
                s.WeightDerivation, _doc("WeightDerivation")
            ),
            "kamcore.satisfaction.ZoneOfToleranceResult": _fields(s.ZoneOfToleranceResult, _zone),
            "kamcore.satisfaction.complaint_arrays": {"complaints": lambda: [_doc("Complaint")()]},
            "kamcore.satisfaction.complaint_kpis": {
                "customer_ids": lambda: ["a", "b", "a"],
                "received": lambda: ["2025-01-01", "2025-01-03", "2025-02-01"],
                "resolved": lambda: ["2025-01-03", "2025-01-09", None],
            },
            "kamcore.satisfaction.importance_performance": {
                "importance": lambda: [0.4, 0.3, 0.2, 0.1],
                "performance": lambda: [-1.5, -0.2, -1.0, 0.1],
            },
            "kamcore.satisfaction.reliability": {"responses": _survey},
        }
    )
    INSTANCES.update(
        {
            s.ComplaintKpis: kpis,
            s.ImportancePerformance: _ipa,
            s.Instrument: lambda: _survey().instrument,
            s.LikertScale: _doc("LikertScale"),
            s.SatisfactionModel: _satisfaction_model,
            s.SatisfactionResult: _satisfaction_result,
            s.SurveyResponses: _survey,
            s.ZoneOfToleranceResult: _zone,
        }
    )


_satisfaction()


# ---------------------------------------------------------------- kamcore.scoring


@functools.cache
def _scoring_portfolio() -> Portfolio:
    """Six accounts with every column the built-in scorers read."""
    return Portfolio.from_columns(
        list("abcdef"),
        {
            "now": [100.0, 60, 30, 10, 5, 1],
            "later": [50.0, 10, 10, 80, 5, 5],
            "sales": [100.0, 60, 30, 10, 5, 1],
            "recency": [3.0, 40, 200, 10, 400, 20],
            "frequency": [12.0, 8, 1, 2, 9, 3],
            "monetary": [900.0, 500, 50, 60, 700, 80],
            "margin": [100.0, 80, 60, 40, 20, 10],
            "retention": [0.9, 0.8, 0.7, 0.6, 0.5, 0.4],
            "order_volume_change": [-0.2, 0.0, 0.1, -0.3, 0.0, 0.05],
            "order_cycle_change": [0.3, 0.0, 0.1, 0.5, 0.0, 0.0],
            "sow_change": [-0.1, 0.0, 0.0, -0.2, 0.01, 0.0],
            "satisfaction_gap": [-0.5, 0.2, 0.1, -1.0, 0.0, 0.3],
            "complaints": [2.0, 0, 0, 3, 1, 0],
            "days_late": [40.0, 0, 10, 60, 0, 0],
        },
    )


def _score_result() -> Any:
    return scoring.RubricScorer().score(_portfolio(), as_of="2025-01-01")


_score_result = _once(_score_result)


def _scoring() -> None:
    s = scoring
    rubric = _doc("Rubric")
    scorers = {
        s.CLPScorer: s.CLPScorer,
        s.ChurnRiskScorer: s.ChurnRiskScorer,
        s.RFMScorer: s.RFMScorer,
        s.ValueClassScorer: lambda: s.ValueClassScorer(current="now", potential="later"),
        s.ValueMatrixScorer: lambda: s.ValueMatrixScorer(current="now", potential="later"),
    }
    for cls, make in scorers.items():
        INSTANCES[cls] = make
        for method in ("score", "freeze"):
            OVERRIDES[f"kamcore.scoring.{cls.__name__}.{method}"] = {
                "portfolio": _scoring_portfolio
            }

    def rubric_toml() -> str:
        return (
            'name = "small"\n[[factors]]\nname = "sales"\npoints = [2.0, 1.0]\n'
            'bands = [100.0]\n[grades]\nlabels = ["A", "B"]\ncutoffs = [1.5]\n'
        )

    def rubric_file() -> str:
        import tempfile

        path = Path(tempfile.gettempdir()) / "kamcore-adversarial-rubric.toml"
        if not path.exists():
            path.write_text(rubric_toml(), encoding="utf-8")
        return str(path)

    n_factors = lambda: len(rubric().factors)  # noqa: E731
    OVERRIDES.update(
        {
            "kamcore.scoring.AHPResult": _fields(
                s.AHPResult,
                _once(lambda: s.ahp_weights([[1, 2, 4], [1 / 2, 1, 2], [1 / 4, 1 / 2, 1]])),
            ),
            "kamcore.scoring.ChurnRiskScorer.column_of": {"signal": _const("complaints")},
            "kamcore.scoring.ChurnRiskScorer.threshold_of": {"signal": _const("complaints")},
            "kamcore.scoring.Factor": _fields(s.Factor, _doc("Factor")),
            "kamcore.scoring.Factor.levels": {"values": lambda: [150.0, 50.0, 5.0]},
            "kamcore.scoring.GradeHistory.add": {"grading": lambda: _grading("2025-12-31")},
            "kamcore.scoring.GradeHistory.at": {"when": _const("2024-12-31")},
            "kamcore.scoring.GradeHistory.history_of": {"account_id": _const("a")},
            "kamcore.scoring.GradeHistory.on": {"when": _const("2024-12-31")},
            "kamcore.scoring.GradeScale": {
                "labels": lambda: ["A", "B", "C"],
                "cutoffs": lambda: [2.0, 1.0],
            },
            "kamcore.scoring.Grading.grade_of": {"account_id": _const("a")},
            "kamcore.scoring.MigrationMatrix": _fields(
                s.MigrationMatrix,
                _once(lambda: s.migration_counts(_grading("2023-12-31"), _grading("2024-12-31"))),
            ),
            "kamcore.scoring.Rubric": _fields(s.Rubric, rubric),
            "kamcore.scoring.Rubric.create": {"factors": lambda: list(rubric().factors)},
            "kamcore.scoring.Rubric.evaluate": {
                "columns": lambda: {
                    f.column or f.name: _portfolio().column(f.column or f.name)
                    for f in rubric().factors
                }
            },
            "kamcore.scoring.Rubric.factor": {"name": lambda: rubric().factors[0].name},
            "kamcore.scoring.Rubric.from_dict": {"data": lambda: rubric().to_dict()},
            "kamcore.scoring.Rubric.from_file": {"path": rubric_file},
            "kamcore.scoring.Rubric.from_toml": {"path": rubric_file},
            "kamcore.scoring.Rubric.from_toml_string": {"text": rubric_toml},
            "kamcore.scoring.Rubric.weight": {"name": lambda: rubric().factors[0].name},
            "kamcore.scoring.Rubric.with_ahp": {
                "matrix": lambda: np.ones((n_factors(), n_factors())).tolist()
            },
            "kamcore.scoring.Rubric.with_columns": {
                "columns": lambda: {rubric().factors[0].name: "profit"}
            },
            "kamcore.scoring.Rubric.with_grades": {
                "labels": lambda: ["A", "B"],
                "cutoffs": lambda: [2.0],
            },
            "kamcore.scoring.Rubric.with_weights": {
                "weights": lambda: [1.0 / n_factors()] * n_factors()
            },
            "kamcore.scoring.ScoreResult": _fields(s.ScoreResult, _score_result),
            "kamcore.scoring.ScorerRegistry.register": {
                "name": _const("custom"),
                "factory": _const(s.ParetoScorer),
            },
            "kamcore.scoring.Scorer.score": {"portfolio": _scoring_portfolio},
            "kamcore.scoring.ahp_weights": {
                "matrix": lambda: [[1, 2, 4], [1 / 2, 1, 2], [1 / 4, 1 / 2, 1]]
            },
            "kamcore.scoring.migration_counts": {
                "before": lambda: _grading("2023-12-31"),
                "after": lambda: _grading("2024-12-31"),
            },
        }
    )
    INSTANCES.update(
        {
            s.Factor: _doc("Factor"),
            s.GradeHistory: _history,
            s.Grading: _grading,
            s.MigrationMatrix: lambda: s.migration_counts(
                _grading("2023-12-31"), _grading("2024-12-31")
            ),
            s.Rubric: rubric,
            s.RubricScorer: s.RubricScorer,
            s.ScoreResult: _score_result,
            s.Scorer: lambda: s.ParetoScorer(column="sales"),
        }
    )


_scoring()
_plotting()


# ---------------------------------------------------------------- kamcore.switching


def _switching() -> None:
    OVERRIDES.update(
        {
            "kamcore.switching.barrier_index_long": {
                "accounts": lambda: [0, 0, 1],
                "facets": lambda: ["setup", "monetary_loss", "brand_relationship_loss"],
                "strength": lambda: [0.5, 0.0, 0.4],
                "money": lambda: [0.0, 80_000.0, 0.0],
                "scale": _const(100_000.0),
            },
            "kamcore.switching.barrier_index_of": {
                "costs": _doc("SwitchingCost"),
                "scale": _const(100.0),
            },
            "kamcore.switching.facet_strengths": {
                "accounts": lambda: [0, 0, 1],
                "facets": lambda: ["learning", "learning", "setup"],
                "strength": lambda: [0.5, 0.5, 0.3],
            },
            "kamcore.switching.saturation": {
                "money": lambda: [0.0, 50_000.0, 100_000.0],
                "scale": _const(100_000.0),
            },
            "kamcore.switching.totals_by_kind": {
                "accounts": lambda: [0, 0, 1],
                "facets": lambda: ["setup", "monetary_loss", "learning"],
                "money": lambda: [10.0, 5.0, 2.0],
            },
            "kamcore.switching.totals_by_lever": {
                "accounts": lambda: [0, 1, 1],
                "levers": lambda: ["service", "process", "process"],
                "money": lambda: [3.0, 1.0, 2.0],
            },
        }
    )


_switching()


# ---------------------------------------------------------------- kamcore.testing

OVERRIDES["kamcore.testing.check_scorer"] = {
    "scorer": lambda: scoring.ParetoScorer(column="profit_last_year")
}


# ---------------------------------------------------------------- kamcore.transactions


def _transactions() -> None:
    from kamcore import transactions as t

    summary = _once(lambda: t.summarize_transactions(_log(), observation_end="2024-12-31"))
    OVERRIDES.update(
        {
            "kamcore.transactions.CalibrationHoldout": _fields(t.CalibrationHoldout, _split),
            "kamcore.transactions.TransactionLog.from_frame": {
                "frame": lambda: {
                    "customer_id": ["a", "b"],
                    "date": ["2024-01-01", "2024-01-02"],
                    "amount": [3.0, 4.0],
                }
            },
            "kamcore.transactions.TransactionLog.from_transactions": {
                "transactions": lambda: [_doc("Transaction")()]
            },
            "kamcore.transactions.TransactionLog.require_amounts": {"caller": _const("check")},
            "kamcore.transactions.TransactionLog.require_dates": {"caller": _const("check")},
            "kamcore.transactions.TransactionSummary": _fields(t.TransactionSummary, summary),
        }
    )
    INSTANCES.update({t.CalibrationHoldout: _split, t.TransactionSummary: summary})


_transactions()


def _report_instances() -> dict[type, Callable[[], Any]]:
    from kamcore.data import DemoData
    from kamcore.report import Report, Table

    return {DemoData: _demo, Report: _report, Table: _table}


INSTANCES.update(_report_instances())


# ---------------------------------------------------------------- inherited methods
# (predict of the repeat-buying bases, from_level of the Level enums, to_frame and
# columns of CustomerColumns): the harness covers them under each concrete class


def _fitted(cls: Any, T: float) -> Any:
    example = INSTANCES[cls]()
    frequency, recency, periods = example.simulate(
        n_customers=400, T=T, rng=np.random.default_rng(0)
    )
    return cls.fit(frequency=frequency, recency=recency, T=periods)


def _inherited() -> None:
    from kamcore import domain, loyalty, metrics
    from kamcore import satisfaction as s

    for model in ("BetaGeo", "BetaGeoBetaBinom", "GammaGamma", "ModifiedBetaGeo", "ParetoNBD"):
        # a CalibrationHoldout supplies the horizon (its holdout length)
        OVERRIDES[f"kamcore.clp.{model}.predict"] = {"data": _split}
    for name in domain.__all__:
        obj = getattr(domain, name)
        if isinstance(obj, type) and hasattr(obj, "from_level"):
            OVERRIDES[f"kamcore.domain.{name}.from_level"] = {"level": _const(2)}
    for cls, T in (
        (clp.BetaGeo, 38.0),
        (clp.BetaGeoBetaBinom, 6),
        (clp.ModifiedBetaGeo, 38.0),
        (clp.ParetoNBD, 38.0),
    ):
        # the interval methods need a fitted model (its covariance): fit to a
        # draw from the example model
        fitted = _once(functools.partial(_fitted, cls, T))
        for method in ("expected_purchases_interval", "probability_alive_interval"):
            INSTANCES[f"kamcore.clp.{cls.__name__}.{method}"] = fitted
    INSTANCES.update(
        {
            loyalty.CrossSell: _once(lambda: loyalty.cross_sell(_business_log())),
            metrics.OrderCycles: _once(
                lambda: metrics.order_cycles(
                    TransactionLog(["a"] * 4 + ["b"] * 2, periods=[0, 10, 30, 60, 5, 12])
                )
            ),
            s.NpsByCustomer: _once(lambda: s.nps([10, 0, 9, 7], ["b", "a", "b", "a"]).by_customer),
        }
    )


_inherited()
