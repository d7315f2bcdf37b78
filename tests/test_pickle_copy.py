"""Every public class survives pickle (all protocols), deepcopy and a process pool.

The classes are found by walking ``__all__`` of every public module; each one
needs an example factory in :data:`FACTORIES` (a new public class without one
fails :func:`test_every_public_class_has_a_factory`). Protocols are skipped;
enums and errors are checked with a generic instance.
"""

from __future__ import annotations

import copy
import datetime as dt
import enum
import importlib
import inspect
import pickle
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import attrs
import numpy as np
import pytest

from tests.test_public_api import PUBLIC_MODULES

DOCS = Path(__file__).parent / "data" / "json_documents"


def _public_classes():
    out = {}
    for name in PUBLIC_MODULES:
        mod = importlib.import_module(name)
        for attr in getattr(mod, "__all__", ()):
            obj = getattr(mod, attr)
            if inspect.isclass(obj) and not getattr(obj, "_is_protocol", False):
                out[f"{name}.{attr}"] = obj
    return out


CLASSES = _public_classes()


def _from_document(name):
    from kamcore.io import json as kjson

    return lambda: kjson.loads((DOCS / f"{name}.json").read_text())


def _portfolio():
    from kamcore import Portfolio

    return Portfolio.from_columns(
        ["c1", "c2", "c3"],
        {"revenue": [120.0, 80.0, 5.5], "region": ["n", "s", "n"]},
        currencies={"revenue": "EUR"},
    )


def _log():
    from kamcore.transactions import TransactionLog

    return TransactionLog(
        ["a", "b", "a", "c", "a"],
        ["2024-01-02", "2024-01-05", "2024-03-01", "2024-04-01", "2024-06-01"],
        [80.0, 20.0, 50.0, 10.0, 5.0],
        main_business=[True, False, True, True, False],
    )


def _survey():
    from kamcore.satisfaction import Instrument, SurveyResponses

    inst = Instrument(["a", "b", "c"], ["x", "x", "y"], dimensions=["x", "y"])
    return SurveyResponses(
        inst,
        ["C1", "C1", "C2"],
        perception=[[5, 6, 4], [4, np.nan, 6], [7, 7, 3]],
        expectation=[[6, 6, 6], [6, 6, 6], [6, 6, 6]],
        adequate=[[4, 4, 4], [4, 4, 4], [4, 4, 4]],
        desired=[[7, 7, 7], [7, 7, 7], [7, 7, 7]],
    )


def _satisfaction():
    from kamcore.satisfaction import SatisfactionModel

    return SatisfactionModel(weights={"x": 75, "y": 25}).evaluate(_survey())


def _score_portfolio():
    from kamcore import Portfolio

    return Portfolio.from_columns(
        list("abcdef"),
        {
            "now": [100.0, 60, 30, 10, 5, 1],
            "later": [50.0, 10, 10, 80, 5, 5],
            "sales": [100.0, 60, 30, 10, 5, 1],
        },
    )


def _score(scorer):
    return lambda: scorer().score(_score_portfolio(), as_of="2025-01-01")


def _grading(date="2024-12-31"):
    from kamcore.scoring import Grading

    return Grading(date, ["a", "b", "c"], ["A", "C", "A"], levels=("A", "B", "C"))


def _customer_profit():
    from kamcore.clp import BetaGeoBetaBinom, customer_lifetime_profit

    m = _from_document("BetaGeoBetaBinom")()
    assert isinstance(m, BetaGeoBetaBinom)
    return customer_lifetime_profit(
        m,
        frequency=[6, 1],
        recency=[6, 1],
        T=6,
        spend=100.0,
        margin_rate=0.25,
        discount_rate=0.1,
        n_periods=5,
    )


def _factories():
    from kamcore import (
        allocation,
        clp,
        lifecycle,
        loyalty,
        metrics,
        satisfaction,
        scoring,
        switching,
        transactions,
    )
    from kamcore.domain import FrozenMap
    from kamcore.io import json as kjson

    f = {name: _from_document(name.rsplit(".", 1)[1]) for name in CLASSES}
    f = {k: v for k, v in f.items() if (DOCS / f"{k.rsplit('.', 1)[1]}.json").exists()}

    def fitted_bg():
        from kamcore.data import load_cdnow

        s = load_cdnow("summary")
        return clp.BetaGeo.fit(frequency=s["frequency"], recency=s["recency"], T=s["T"])

    history = {"frequency": [0, 2, 5], "recency": [0.0, 20.0, 35.0], "T": [39.0, 39.0, 39.0]}
    f.update(
        {
            "kamcore.Portfolio": _portfolio,
            "kamcore.clp.FitSummary": lambda: fitted_bg().summary(),
            "kamcore.clp.PredictionInterval": lambda: fitted_bg().probability_alive_interval(
                **history
            ),
            "kamcore.clp.FrequencyRecencyMatrix": lambda: clp.frequency_recency_matrix(
                clp.BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426), T=39.0, max_frequency=5
            ),
            "kamcore.allocation.ExponentialResponse": lambda: allocation.ExponentialResponse(
                [100.0, 50.0], [0.1, 0.2]
            ),
            "kamcore.allocation.LogResponse": lambda: allocation.LogResponse(
                [100.0, 50.0], [0.1, 0.2]
            ),
            "kamcore.allocation.Allocation": lambda: allocation.allocate(
                allocation.ExponentialResponse([1000.0, 300.0, 100.0], [0.1, 0.5, 0.05]), 30.0
            ),
            "kamcore.clp.CustomerEquity": lambda: clp.customer_equity(
                [100.0, 50.0, 25.0], segments=["A", "B", "A"]
            ),
            "kamcore.clp.CustomerProfit": _customer_profit,
            "kamcore.clp.CustomerPredictions": lambda: clp.BetaGeo(
                r=0.243, alpha=4.414, a=0.793, b=2.426
            ).predict(transactions.summarize_transactions(_log(), time_unit="W"), t=39.0),
            "kamcore.clp.MarkovChain": lambda: clp.MarkovChain(
                [[0.8, 0.2], [0.0, 1.0]], [100.0, 0.0], 0.1, states=("active", "lost")
            ),
            "kamcore.clp.TransitionEstimate": lambda: clp.transition_from_counts(
                [[8, 2], [0, 0]], states=["active", "lost"]
            ),
            "kamcore.domain.FrozenMap": lambda: FrozenMap({"salesforce": "001A", "sap": "42"}),
            "kamcore.io.json.Collection": lambda: kjson.Collection([_grading()]),
            "kamcore.io.json.JsonType": lambda: kjson.JSON_TYPES[0],
            "kamcore.lifecycle.StageRules": lambda: lifecycle.StageRules(window=6, growth=0.1),
            "kamcore.lifecycle.StageDetection": lambda: lifecycle.detect_stages(
                [[0, 0, 0, 0, 0, 5], [10, 20, 30, 40, 50, 60], [60, 55, 45, 30, 20, 10]],
                ids=["new", "up", "down"],
            ),
            "kamcore.loyalty.CrossSell": lambda: loyalty.cross_sell(_log()),
            "kamcore.loyalty.LoyaltyMatrix": lambda: loyalty.attitude_behaviour_matrix(
                [6, 6, 2, 2],
                [0.9, 0.2, 0.8, 0.1],
                attitude_threshold=4.0,
                behaviour_threshold=0.5,
            ),
            "kamcore.metrics.ChurnBreakdown": lambda: metrics.churn_by_type([2, 2, 3, 0, -1, 2]),
            "kamcore.metrics.FunnelConversion": lambda: metrics.funnel_conversion(
                [0, 0, 1, 2, 3, 3, 4, 4], lost_from=[-1] * 6 + [0, 2]
            ),
            "kamcore.metrics.PipelineValue": lambda: metrics.pipeline_value(
                [0, 1, 2, 2, 3], [100.0, 200, 1000, 500, 900], [0.1, 0.25, 0.5, 0.6, 1.0]
            ),
            "kamcore.metrics.CohortRetention": lambda: metrics.cohort_retention(
                transactions.TransactionLog(
                    ["a", "b", "a", "c", "c", "a"], periods=[1, 1, 2, 2, 3, 3]
                )
            ),
            "kamcore.metrics.ContributionShare": lambda: metrics.contribution_share(
                [500.0, 300.0, 100.0, 100.0], [True, False, False, False]
            ),
            "kamcore.metrics.OrderCycles": lambda: metrics.order_cycles(
                transactions.TransactionLog(["a"] * 4 + ["b"] * 2, periods=[0, 10, 30, 60, 5, 12])
            ),
            "kamcore.metrics.PeriodMatrix": lambda: metrics.period_values(_log(), freq="M"),
            "kamcore.metrics.PeriodMetrics": lambda: metrics.period_metrics(_log(), freq="M"),
            "kamcore.satisfaction.ComplaintKpis": lambda: satisfaction.complaint_kpis(
                ["a", "b", "a", "c"],
                ["2025-01-01", "2025-01-03", "2025-02-01", "2025-02-10"],
                ["2025-01-03", "2025-01-09", None, "2025-02-11"],
            ),
            "kamcore.satisfaction.NpsResult": lambda: satisfaction.nps(
                [10, 0, 9, 7], ["b", "a", "b", "a"]
            ),
            "kamcore.satisfaction.NpsByCustomer": lambda: (
                satisfaction.nps([10, 0, 9, 7], ["b", "a", "b", "a"]).by_customer
            ),
            "kamcore.satisfaction.DimensionReliability": lambda: satisfaction.reliability(
                _survey()
            )[0],
            "kamcore.satisfaction.ImportancePerformance": lambda: (
                satisfaction.importance_performance(
                    [0.4, 0.3, 0.2, 0.1],
                    [-1.5, -0.2, -1.0, 0.1],
                    names=["rel", "resp", "tang", "emp"],
                )
            ),
            "kamcore.satisfaction.SatisfactionResult": _satisfaction,
            "kamcore.satisfaction.SurveyResponses": _survey,
            "kamcore.satisfaction.ZoneOfToleranceResult": lambda: (
                satisfaction.SatisfactionModel().evaluate_zone(_survey())
            ),
            "kamcore.scoring.Grading": _grading,
            "kamcore.scoring.GradeHistory": lambda: scoring.GradeHistory(
                [_grading("2024-12-31"), _grading("2023-12-31")]
            ),
            "kamcore.scoring.MigrationMatrix": lambda: scoring.migration_counts(
                _grading("2023-12-31"), _grading("2024-12-31")
            ),
            "kamcore.scoring.AHPResult": lambda: scoring.ahp_weights(
                [[1, 2, 4], [1 / 2, 1, 2], [1 / 4, 1 / 2, 1]]
            ),
            "kamcore.scoring.CLPScorer": scoring.CLPScorer,
            "kamcore.scoring.ChurnRiskScorer": scoring.ChurnRiskScorer,
            "kamcore.scoring.ParetoScorer": lambda: scoring.ParetoScorer(column="sales"),
            "kamcore.scoring.PyramidScorer": lambda: scoring.PyramidScorer(column="sales"),
            "kamcore.scoring.RFMScorer": scoring.RFMScorer,
            "kamcore.scoring.RubricScorer": scoring.RubricScorer,
            "kamcore.scoring.ValueClassScorer": lambda: scoring.ValueClassScorer(
                current="now", potential="later"
            ),
            "kamcore.scoring.ValueMatrixScorer": lambda: scoring.ValueMatrixScorer(
                current="now", potential="later"
            ),
            "kamcore.scoring.ScoreResult": _score(
                lambda: scoring.ValueClassScorer(current="now", potential="later")
            ),
            "kamcore.scoring.ScorerRegistry": lambda: scoring.ScorerRegistry(
                {"pareto": scoring.ParetoScorer}, group=None
            ),
            "kamcore.switching.Maximum": switching.Maximum,
            "kamcore.switching.NoisyOr": switching.NoisyOr,
            "kamcore.switching.WeightedMean": lambda: switching.WeightedMean((2.0, 1.0, 1.0)),
            "kamcore.transactions.TransactionLog": _log,
            "kamcore.transactions.TransactionSummary": lambda: transactions.summarize_transactions(
                _log(), observation_end="2024-12-31"
            ),
            "kamcore.transactions.CalibrationHoldout": lambda: transactions.calibration_holdout(
                _log(), calibration_end="2024-03-31"
            ),
        }
    )
    f.update(_display_factories())
    f.update(_report_factories())
    return f


def _report_factories():
    """The demo data, the report and its parts (a small report: accounts only)."""
    import numpy as np

    from kamcore import data, report
    from kamcore.io import tables

    def small_input():
        acc = data.demo(5).tables()["accounts"]
        return report.ReportInput(accounts={k: v[:40] for k, v in acc.items()}, source="x")

    def small():
        return report.build_report(small_input())

    return {
        "kamcore.data.DemoData": lambda: data.demo(5),
        "kamcore.io.tables.ColumnSpec": lambda: tables.ColumnSpec("id", "id", required=True),
        "kamcore.report.ReportInput": small_input,
        "kamcore.report.Report": small,
        "kamcore.report.Section": lambda: small().section("concentration"),
        "kamcore.report.Table": lambda: report.Table("t", "T", {"customer_id": np.array(["a"])}),
        "kamcore.report.Chart": lambda: small().section("concentration").charts[0],
    }


def _display_factories():
    """One factory per Display: the ``build()`` of its example script (examples/plot_*.py)."""
    import importlib.util

    out = {}
    for script in sorted((Path(__file__).parents[1] / "examples").glob("plot_*.py")):
        spec = importlib.util.spec_from_file_location(f"_example_{script.stem}", script)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        build = module.build
        name = f"kamcore.plotting.{type(build()).__name__}"
        out[name] = build
    return out


def _is_trivial(cls):
    return issubclass(cls, (enum.Enum, BaseException))


def _instance(name):
    cls = CLASSES[name]
    if issubclass(cls, enum.Enum):
        return next(iter(cls), cls)  # a member-less base enum: the class itself
    if issubclass(cls, BaseException):
        return cls("'x' must be positive; got -1.")
    obj = _factories()[name]()
    assert isinstance(obj, cls), (name, type(obj))
    return obj


def assert_same(a, b, path="obj"):
    """Deep equality: arrays by value (NaN equal) and writeability, attrs classes field by field."""
    assert type(a) is type(b), path
    if isinstance(a, np.ndarray):
        assert a.dtype == b.dtype, path
        assert a.shape == b.shape, path
        assert np.array_equal(a, b, equal_nan=a.dtype.kind in "fcmM"), path
        assert a.flags.writeable == b.flags.writeable, f"{path}: writeable changed"
        return
    if isinstance(a, BaseException):
        assert a.args == b.args, path
        return
    if isinstance(a, type(threading.RLock())):  # a lock is state of its own, never copied
        return
    if attrs.has(type(a)):
        for field in attrs.fields(type(a)):
            assert_same(getattr(a, field.name), getattr(b, field.name), f"{path}.{field.name}")
        return
    if isinstance(a, dict) or type(a).__name__ in ("mappingproxy", "FrozenMap"):
        assert list(a) == list(b), path
        for k in a:
            assert_same(a[k], b[k], f"{path}[{k!r}]")
        return
    if isinstance(a, (list, tuple)):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{path}[{i}]")
        return
    if hasattr(type(a), "__slots__") and type(a).__module__.startswith("kamcore"):
        for slot in type(a).__slots__:
            assert_same(getattr(a, slot), getattr(b, slot), f"{path}.{slot}")
        return
    if type(a).__module__.startswith("kamcore") and hasattr(a, "__dict__") and not callable(a):
        assert_same(vars(a), vars(b), path)
        return
    if isinstance(a, float) and np.isnan(a):
        assert np.isnan(b), path
        return
    assert a == b, path


NAMES = sorted(CLASSES)
BUILT = [n for n in NAMES if not _is_trivial(CLASSES[n])]


def test_every_public_class_has_a_factory():
    missing = sorted(set(BUILT) - set(_factories()))
    assert not missing, f"public classes without an example factory: {missing}"


@pytest.mark.parametrize("name", NAMES)
def test_pickle_round_trip_in_every_protocol(name):
    obj = _instance(name)
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(obj, protocol=protocol))
        assert_same(obj, back)
        if type(obj).__module__.startswith("kamcore.domain") or name == "kamcore.Portfolio":
            assert back == obj  # value objects and entities compare equal


@pytest.mark.parametrize("name", NAMES)
def test_deepcopy_and_copy(name):
    obj = _instance(name)
    assert_same(obj, copy.deepcopy(obj))
    assert_same(obj, copy.copy(obj))


def _identity(obj):
    return obj


def test_objects_cross_a_process_pool():
    objs = [_instance(name) for name in BUILT]
    with ProcessPoolExecutor(max_workers=2) as pool:
        backs = list(pool.map(_identity, objs, chunksize=8))
    for obj, back in zip(objs, backs, strict=True):
        assert_same(obj, back)


def test_read_only_arrays_stay_read_only():
    summary = _instance("kamcore.transactions.TransactionSummary")
    back = pickle.loads(pickle.dumps(summary))
    assert not back.frequency.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        back.frequency[0] = 1
    p = pickle.loads(pickle.dumps(_portfolio()))
    assert not p["revenue"].flags.writeable
    assert not copy.deepcopy(p).ids.flags.writeable
    assert dt.date(2024, 12, 31) == back.observation_end
