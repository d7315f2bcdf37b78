"""KAM and satisfaction Display objects: data against hand-computed references, drawn artists."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from kamcore.clp import CustomerProfit
from kamcore.domain import LifecycleStage, Relationship
from kamcore.errors import InvalidParameterError, KamcoreError, ShapeMismatchError
from kamcore.loyalty import attraction_barrier_matrix
from kamcore.plotting import (
    ClpDistributionDisplay,
    GradeDistributionDisplay,
    GradeMigrationDisplay,
    ImportancePerformanceDisplay,
    LifecycleDisplay,
    LorenzCurveDisplay,
    LoyaltyMatrixDisplay,
    ServqualGapDisplay,
)
from kamcore.satisfaction import (
    Instrument,
    SatisfactionModel,
    SurveyResponses,
    importance_performance,
)
from kamcore.scoring import GradeHistory, Grading, ScoreResult, migration_counts

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _bars(ax, i=0):
    return ax.containers[i].patches


# ----------------------------------------------------------------- SERVQUAL
INST = Instrument(["a", "b", "c"], ["x", "x", "y"], dimensions=["x", "y"])
P = np.array([[5, 6, 4], [4, np.nan, 6], [7, 7, 3]])
E = np.full((3, 3), 6.0)
A = np.array([[4, 5, 5], [4, 4, 4], [5, 6, 3]], dtype=float)
D = np.array([[6, 7, 6], [6, 7, 7], [7, 7, 5]], dtype=float)


def _dimension_means(diff):
    """Mean over respondents of each respondent's mean item score per dimension."""
    x = np.nanmean(diff[:, :2], axis=1)
    y = diff[:, 2]
    return np.array([x.mean(), y.mean()])


def test_servqual_gap_bars_and_zone():
    answers = SurveyResponses(
        INST, ["C1", "C1", "C2"], perception=P, expectation=E, adequate=A, desired=D
    )
    model = SatisfactionModel()
    d = ServqualGapDisplay.from_result(model.evaluate(answers), zone=model.evaluate_zone(answers))
    np.testing.assert_allclose(d.gap, _dimension_means(P - E))
    np.testing.assert_allclose(d.gap, [-0.5, -5 / 3])
    np.testing.assert_allclose(d.zone_low, _dimension_means(P - D))
    np.testing.assert_allclose(d.zone_high, _dimension_means(P - A))
    assert d.n_respondents.tolist() == [3, 3]
    ax = d.plot().ax_
    zone, gap = _bars(ax, 0), _bars(ax, 1)
    np.testing.assert_allclose([p.get_y() for p in zone], d.zone_low)
    np.testing.assert_allclose([p.get_y() + p.get_height() for p in zone], d.zone_high)
    np.testing.assert_allclose([p.get_height() for p in gap], d.gap)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["x", "y"]
    assert ax.get_title() == "SERVQUAL gap by dimension"
    assert ax.get_ylabel() == "score relative to the perceived service P"


def test_servqual_gap_without_zone_draws_one_bar_series():
    answers = SurveyResponses(INST, ["C1", "C1", "C2"], perception=P, expectation=E)
    ax = ServqualGapDisplay.from_result(SatisfactionModel().evaluate(answers)).plot().ax_
    assert len(ax.containers) == 1
    np.testing.assert_allclose([p.get_height() for p in _bars(ax)], [-0.5, -5 / 3])


def test_servqual_gap_bad_input():
    answers = SurveyResponses(INST, ["C1", "C1", "C2"], perception=P, expectation=E)
    with pytest.raises(InvalidParameterError, match="'result'"):
        ServqualGapDisplay.from_result(SatisfactionModel().evaluate_servperf(answers))
    with pytest.raises(InvalidParameterError, match="'result'"):
        ServqualGapDisplay.from_result("gaps")
    other = Instrument(["a", "b"], ["u", "v"], dimensions=["u", "v"])
    zone_answers = SurveyResponses(
        other, ["C1"], perception=[[5, 5]], adequate=[[4, 4]], desired=[[6, 6]]
    )
    with pytest.raises(InvalidParameterError, match="'zone'"):
        ServqualGapDisplay.from_result(
            SatisfactionModel().evaluate(answers),
            zone=SatisfactionModel().evaluate_zone(zone_answers),
        )


# ----------------------------------------------------------------- IPA
def test_importance_performance_map():
    ipa = importance_performance(
        [0.4, 0.3, 0.2, 0.1], [-1.5, -0.2, -1.0, 0.1], names=["rel", "resp", "tang", "emp"]
    )
    d = ImportancePerformanceDisplay.from_result(ipa)
    ax = d.plot().ax_
    np.testing.assert_allclose(
        ax.collections[0].get_offsets(), [[-1.5, 0.4], [-0.2, 0.3], [-1.0, 0.2], [0.1, 0.1]]
    )
    assert ax.lines[0].get_xdata()[0] == pytest.approx(np.mean([-1.5, -0.2, -1.0, 0.1]))
    assert ax.lines[1].get_ydata()[0] == pytest.approx(0.25)
    split = np.mean([-1.5, -0.2, -1.0, 0.1])
    half = 1.4 * max(abs(v - split) for v in [-1.5, -0.2, -1.0, 0.1])
    np.testing.assert_allclose(ax.get_xlim(), [split - half, split + half])
    np.testing.assert_allclose(ax.get_ylim(), [0.25 - 0.15 * 1.4, 0.25 + 0.15 * 1.4])
    texts = [t.get_text() for t in ax.texts]
    assert {"rel", "resp", "tang", "emp"} <= set(texts)
    assert {
        "concentrate here",
        "keep up the good work",
        "low priority",
        "possible overkill",
    } <= set(texts)
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("performance", "importance")
    with pytest.raises(InvalidParameterError, match="'result'"):
        ImportancePerformanceDisplay.from_result({"rel": 1})


# ----------------------------------------------------------------- grades
LEVELS = ("A", "B", "C")


def _history():
    g1 = Grading("2023-12-31", ["p", "q", "r", "s"], ["A", "B", "B", "C"], levels=LEVELS)
    g2 = Grading("2024-12-31", ["p", "q", "s", "t"], ["B", "B", "A", "C"], levels=LEVELS)
    return GradeHistory([g1, g2])


def test_grade_distribution_from_history():
    d = GradeDistributionDisplay.from_history(_history())
    assert d.levels == LEVELS
    assert d.dates == ("2023-12-31", "2024-12-31")
    assert d.counts.tolist() == [[1, 2, 1], [1, 2, 1]]
    ax = d.plot().ax_
    assert len(ax.containers) == 2
    for i in range(2):
        assert [p.get_height() for p in _bars(ax, i)] == d.counts[i].tolist()
    assert [t.get_text() for t in ax.get_xticklabels()] == list(LEVELS)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(d.dates)
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("grade", "accounts")


def test_grade_distribution_from_score_result_and_grading():
    r = ScoreResult("demo", ["a", "b", "c"], [3.0, 2.0, 1.0], grade_codes=[0, 2, 2],
                    grade_levels=LEVELS)  # fmt: skip
    d = GradeDistributionDisplay.from_score_result(r)
    assert d.counts.tolist() == [[1, 0, 2]]
    assert d.dates == ("",)
    ax = d.plot().ax_
    assert [p.get_height() for p in _bars(ax)] == [1, 0, 2]
    assert ax.get_legend() is None
    g = GradeDistributionDisplay.from_grading(_history().gradings[1])
    assert g.counts.tolist() == [[1, 2, 1]]
    with pytest.raises(InvalidParameterError, match="'result' must carry grades"):
        GradeDistributionDisplay.from_score_result(ScoreResult("demo", ["a"], [1.0]))
    with pytest.raises(InvalidParameterError, match="'history'"):
        GradeDistributionDisplay.from_history(GradeHistory())


def test_grade_migration_counts_and_shares():
    d = GradeMigrationDisplay.from_history(_history())
    assert d.labels == ("new", "A", "B", "C", "lost")
    ref = np.zeros((5, 5), dtype=int)
    before = {"p": "A", "q": "B", "r": "B", "s": "C"}
    after = {"p": "B", "q": "B", "s": "A", "t": "C"}
    for acct in set(before) | set(after):
        ref[d.labels.index(before.get(acct, "new")), d.labels.index(after.get(acct, "lost"))] += 1
    np.testing.assert_array_equal(d.counts, ref)
    ax = d.plot().ax_
    np.testing.assert_array_equal(ax.images[0].get_array(), ref)
    assert [t.get_text() for t in ax.texts] == [str(v) for v in ref.ravel()]
    assert [t.get_text() for t in ax.get_yticklabels()] == list(d.labels)
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("grade on 2024-12-31", "grade on 2023-12-31")

    shares = GradeMigrationDisplay.from_matrix(
        migration_counts(*_history().gradings), normalize="row"
    )
    rows = ref.sum(axis=1)
    np.testing.assert_allclose(shares.values[rows > 0], ref[rows > 0] / rows[rows > 0, None])
    assert np.isnan(shares.values[-1]).all()  # nobody starts "lost"
    texts = [t.get_text() for t in shares.plot().ax_.texts]
    assert texts[5:10] == ["0%", "0%", "100%", "0%", "0%"]  # A -> B
    assert texts[-5:] == ["-"] * 5
    with pytest.raises(InvalidParameterError, match="'normalize'"):
        GradeMigrationDisplay.from_history(_history(), normalize="column")


# ----------------------------------------------------------------- lifecycle
def _relationship():
    r = Relationship.start("r1", "c-001", account_manager="amy", on=dt.date(2023, 1, 9))
    r = r.move_to(LifecycleStage.FORMATION, on=dt.date(2023, 6, 1))
    return r.move_to(LifecycleStage.STABILITY, on=dt.date(2024, 2, 1))


def test_lifecycle_step_chart_with_sales():
    d = LifecycleDisplay.from_relationship(
        _relationship(),
        until="2024-12-31",
        sales_dates=["2023-03-31", "2023-09-30", "2024-03-31"],
        sales=[10.0, 25.0, 40.0],
    )
    shown = d.plot()
    ax = shown.ax_
    line = ax.lines[0]
    assert line.get_drawstyle() == "steps-post"
    assert line.get_ydata().tolist() == [0, 1, 2, 2]
    assert [str(x) for x in line.get_xdata()] == [
        "2023-01-09", "2023-06-01", "2024-02-01", "2024-12-31"
    ]  # fmt: skip
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "exploration", "formation", "stability", "decline", "ended"
    ]  # fmt: skip
    assert shown.sales_ax_.lines[0].get_ydata().tolist() == [10.0, 25.0, 40.0]
    assert shown.sales_ax_.get_ylabel() == "sales"
    assert ax.get_title() == "Lifecycle of relationship r1"


def test_lifecycle_bad_input():
    with pytest.raises(InvalidParameterError, match="'until'"):
        LifecycleDisplay.from_relationship(_relationship(), until="2023-01-01")
    with pytest.raises(InvalidParameterError, match="'sales_dates' and 'sales'"):
        LifecycleDisplay.from_relationship(_relationship(), sales=[1.0])
    with pytest.raises(ShapeMismatchError, match="'sales_dates' and 'sales'"):
        LifecycleDisplay.from_relationship(_relationship(), sales_dates=["2023-01-01"], sales=[])
    with pytest.raises(InvalidParameterError, match="'relationship'"):
        LifecycleDisplay.from_relationship("r1")


# ----------------------------------------------------------------- loyalty
def test_loyalty_matrix_scatter_and_splits():
    x = np.array([2.0, 1.5, -1.0, -2.5, 0.5, -0.2])
    y = np.array([0.9, 0.1, 0.8, 0.2, 0.7, 0.3])
    d = LoyaltyMatrixDisplay.from_values(x, y)
    codes = 2 * (x < x.mean()) + (y < y.mean())
    assert d.codes.tolist() == codes.tolist()
    ax = d.plot().ax_
    for code in range(4):
        np.testing.assert_allclose(
            ax.collections[code].get_offsets(), np.column_stack([x, y])[codes == code]
        )
    assert ax.lines[0].get_xdata()[0] == pytest.approx(x.mean())
    assert ax.lines[1].get_ydata()[0] == pytest.approx(y.mean())
    texts = {t.get_text() for t in ax.texts}
    assert texts == {"loyal (2)", "mercenary (1)", "hostage (1)", "defector (2)"}
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("attraction", "barrier")
    dick = LoyaltyMatrixDisplay.from_values(x, y, scheme="dick_basu", x_threshold=0.0)
    assert dick.x_threshold == 0.0
    assert dick.plot().ax_.get_xlabel() == "relative attitude"


def test_loyalty_matrix_refuses_other_values():
    m = attraction_barrier_matrix([2.0, -1.0], [0.9, 0.1])
    assert LoyaltyMatrixDisplay.from_matrix(m, x=[2.0, -1.0], y=[0.9, 0.1]).codes.tolist() == [
        0,
        3,
    ]
    with pytest.raises(InvalidParameterError, match="'x' and 'y' must be the values"):
        LoyaltyMatrixDisplay.from_matrix(m, x=[-2.0, -1.0], y=[0.9, 0.1])
    with pytest.raises(ShapeMismatchError, match="'x' and 'y'"):
        LoyaltyMatrixDisplay.from_matrix(m, x=[2.0], y=[0.9])
    with pytest.raises(InvalidParameterError, match="'scheme'"):
        LoyaltyMatrixDisplay.from_values([1.0], [1.0], scheme="bcg")


# ----------------------------------------------------------------- CLP
def test_clp_histogram():
    rng = np.random.default_rng(0)
    v = rng.normal(100.0, 40.0, 500)
    d = ClpDistributionDisplay.from_values(v, bins=12)
    counts, edges = np.histogram(v, bins=12)
    np.testing.assert_array_equal(d.counts, counts)
    np.testing.assert_allclose(d.edges, edges)
    assert d.total == pytest.approx(v.sum())
    assert d.median == pytest.approx(np.median(v))
    ax = d.plot().ax_
    np.testing.assert_array_equal([p.get_height() for p in ax.patches], counts)
    np.testing.assert_allclose([p.get_x() for p in ax.patches], edges[:-1])
    np.testing.assert_allclose([p.get_width() for p in ax.patches], np.diff(edges))
    assert ax.lines[0].get_xdata()[0] == pytest.approx(v.mean())
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("CLP", "customers")


def test_clp_from_profit():
    ones = np.ones(3)
    profit = CustomerProfit(np.array([5.0, -1.0, 2.0]), ones, ones, ones, ones, ones)
    d = ClpDistributionDisplay.from_profit(profit, bins=3)
    assert d.counts.tolist() == [1, 1, 1]
    assert d.total == 6.0
    with pytest.raises(InvalidParameterError, match="'profit'"):
        ClpDistributionDisplay.from_profit([1.0, 2.0])
    with pytest.raises(KamcoreError, match="'CLP'"):
        ClpDistributionDisplay.from_values([1.0, np.nan])
    with pytest.raises(InvalidParameterError, match="'bins'"):
        ClpDistributionDisplay.from_values([1.0], bins=0)


# ----------------------------------------------------------------- Lorenz
def test_lorenz_curve_line_is_the_curve():
    d = LorenzCurveDisplay.from_values([1.0, 3.0, 6.0], label="sales")
    ax = d.plot().ax_
    np.testing.assert_allclose(
        ax.lines[0].get_xydata(), [[0, 0], [1 / 3, 0.1], [2 / 3, 0.4], [1, 1]]
    )
    np.testing.assert_allclose(ax.lines[1].get_xydata(), [[0, 0], [1, 1]])
    assert ax.get_title() == "Concentration of sales"
