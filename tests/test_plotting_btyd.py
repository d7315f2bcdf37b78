"""BTYD Display objects: computed data against independent references, and the drawn artists."""

from __future__ import annotations

import datetime as dt
import sys

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import stats

from kamcore.clp import BetaGeo, BetaGeoBetaBinom, GammaGamma, ModifiedBetaGeo, ParetoNBD
from kamcore.errors import (
    InvalidParameterError,
    KamcoreError,
    MissingOptionalDependencyError,
    ShapeMismatchError,
)
from kamcore.plotting import (
    CalibrationHoldoutDisplay,
    ExpectedPurchasesDisplay,
    FrequencyRecencyDisplay,
    HeterogeneityDisplay,
    PeriodTransactionsDisplay,
    ProbabilityAliveDisplay,
    ProbabilityAliveHistoryDisplay,
    TransactionTrackingDisplay,
)
from kamcore.transactions import TransactionLog, calibration_holdout

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

BG = BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426)
MBG = ModifiedBetaGeo(r=0.525, alpha=6.183, a=0.891, b=1.614)
PNBD = ParetoNBD(r=0.553, alpha=10.578, s=0.606, beta=11.669)
BGBB = BetaGeoBetaBinom(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783)
CONTINUOUS = [BG, MBG, PNBD]
ALL = [*CONTINUOUS, BGBB]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _image(ax) -> np.ndarray:
    return np.ma.filled(ax.images[0].get_array().astype(float), np.nan)


# ----------------------------------------------------------------- matrices
@pytest.mark.parametrize("model", CONTINUOUS, ids=lambda m: type(m).__name__)
def test_frequency_recency_matrix_is_expected_purchases_on_the_grid(model):
    d = FrequencyRecencyDisplay.from_model(model, T=30.0, max_frequency=6, t=10.0, n_recency=7)
    assert d.frequency.tolist() == list(range(7))
    np.testing.assert_allclose(d.recency, [0, 5, 10, 15, 20, 25, 30])
    for i, x in enumerate(range(7)):
        for j, tx in enumerate(d.recency):
            reachable = (x == 0) == (tx == 0)
            assert d.possible[i, j] == reachable
            if reachable:
                ref = float(model.expected_purchases(t=10.0, frequency=x, recency=tx, T=30.0))
                assert d.values[i, j] == pytest.approx(ref, rel=1e-12)
            else:
                assert np.isnan(d.values[i, j])
    shown = d.plot()
    ax = shown.ax_
    np.testing.assert_array_equal(_image(ax), d.values)
    assert ax.images[0].origin == "lower"
    assert ax.get_xlabel().startswith("recency")
    assert ax.get_ylabel() == "frequency (repeat purchases)"
    assert "expected purchases in the next 10" in ax.get_title()
    assert len(shown.figure_.axes) == 2  # the image and its colour bar


def test_frequency_recency_bgbb_uses_whole_opportunities():
    d = FrequencyRecencyDisplay.from_model(BGBB, T=6, max_frequency=6, t=5)
    np.testing.assert_array_equal(d.recency, np.arange(7.0))
    f, r = np.meshgrid(np.arange(7), np.arange(7), indexing="ij")
    np.testing.assert_array_equal(d.possible, ((f == 0) & (r == 0)) | ((f > 0) & (f <= r)))
    ref = BGBB.expected_purchases(t=5, frequency=[0, 3, 6], recency=[0, 5, 6], T=6)
    np.testing.assert_allclose([d.values[0, 0], d.values[3, 5], d.values[6, 6]], ref)


@pytest.mark.parametrize("model", ALL, ids=lambda m: type(m).__name__)
def test_probability_alive_matrix_equals_the_model(model):
    d = ProbabilityAliveDisplay.from_model(model, T=6, max_frequency=4, n_recency=4)
    f, r = np.meshgrid(d.frequency, d.recency, indexing="ij")
    ref = model.probability_alive(frequency=f[d.possible], recency=r[d.possible], T=6)
    np.testing.assert_allclose(d.values[d.possible], ref, rtol=1e-12)
    assert np.isnan(d.values[~d.possible]).all()
    assert ((d.values[d.possible] >= 0) & (d.values[d.possible] <= 1)).all()
    ax = d.plot().ax_
    np.testing.assert_array_equal(_image(ax), d.values)
    assert ax.images[0].get_clim() == (0.0, 1.0)
    assert "probability of being alive" in ax.get_title()


def test_probability_alive_matrix_fhl_customer():
    # FHL's worked example: x = 2, t_x = 30.43, T = 38.86 -> 0.7266 (BetaGeo docstring)
    d = ProbabilityAliveDisplay.from_model(BG, T=38.86, max_frequency=2, n_recency=2)
    assert d.recency.tolist() == [0.0, 38.86]
    assert d.values[0, 0] == 1.0  # no repeat purchase: alive
    ref = BG.probability_alive(frequency=2, recency=38.86, T=38.86)
    assert d.values[2, 1] == pytest.approx(float(ref))


# ----------------------------------------------------------------- period transactions
def test_period_transactions_expected_counts():
    rng = np.random.default_rng(1)
    x = rng.integers(0, 12, 300)
    T = rng.choice([20.0, 30.0, 39.0], 300)
    d = PeriodTransactionsDisplay.from_model(BG, frequency=x, T=T, max_frequency=5)
    assert d.labels == ("0", "1", "2", "3", "4", "5+")
    ref_obs = [np.sum(x == k) for k in range(5)] + [np.sum(x >= 5)]
    np.testing.assert_array_equal(d.observed, ref_obs)
    ref = np.zeros(6)
    for age in T:  # one customer at a time
        for k in range(5):
            ref[k] += float(BG.probability_of_purchases(n=k, t=age))
    ref[5] = 300 - ref[:5].sum()
    np.testing.assert_allclose(d.model, ref, rtol=1e-10)
    assert d.model.sum() == pytest.approx(300.0)
    ax = d.plot().ax_
    heights = [p.get_height() for p in ax.patches]
    np.testing.assert_allclose(heights[:6], d.observed)
    np.testing.assert_allclose(heights[6:], d.model)
    assert [t.get_text() for t in ax.get_xticklabels()] == list(d.labels)
    assert ax.get_xlabel() == "number of repeat purchases"
    assert ax.get_ylabel() == "customers"


def test_period_transactions_simulated_is_one_seeded_draw():
    x = np.array([0, 1, 2, 0, 5, 3])
    d = PeriodTransactionsDisplay.from_model(
        PNBD, frequency=x, T=30.0, method="simulated", rng=np.random.default_rng(4)
    )
    sim = PNBD.simulate(n_customers=6, T=np.full(6, 30.0), rng=np.random.default_rng(4))[0]
    np.testing.assert_array_equal(d.model, np.bincount(np.minimum(sim, 7), minlength=8))
    assert d.method == "simulated"


def test_period_transactions_bgbb():
    d = PeriodTransactionsDisplay.from_model(BGBB, frequency=[0, 6, 3], T=6, max_frequency=3)
    ref = [float(BGBB.probability_of_purchases(n=k, t=6)) * 3 for k in range(3)]
    np.testing.assert_allclose(d.model[:3], ref)


def test_period_transactions_bad_input():
    with pytest.raises(InvalidParameterError, match="'model'"):
        PeriodTransactionsDisplay.from_model(GammaGamma(p=1, q=2, gamma=3), frequency=[1], T=1)
    with pytest.raises(InvalidParameterError, match="'method'"):
        PeriodTransactionsDisplay.from_model(BG, frequency=[1], T=1, method="guess")
    with pytest.raises(InvalidParameterError, match="'rng'"):
        PeriodTransactionsDisplay.from_model(BG, frequency=[1], T=1, method="simulated")
    with pytest.raises(ShapeMismatchError, match="'T'"):
        PeriodTransactionsDisplay.from_model(BG, frequency=[1, 2], T=[1.0, 2.0, 3.0])
    with pytest.raises(InvalidParameterError, match="'frequency'"):
        PeriodTransactionsDisplay.from_model(BG, frequency=[-1], T=1)
    with pytest.raises(InvalidParameterError, match="'max_frequency'"):
        PeriodTransactionsDisplay.from_model(BG, frequency=[1], T=1, max_frequency=0)


# ----------------------------------------------------------------- calibration / holdout
def _log() -> TransactionLog:
    rows = [
        ("a", "2024-01-01"), ("a", "2024-01-08"), ("a", "2024-01-20"), ("a", "2024-02-10"),
        ("a", "2024-03-01"), ("b", "2024-01-03"), ("b", "2024-02-20"), ("c", "2024-01-10"),
        ("c", "2024-01-10"), ("c", "2024-01-25"), ("c", "2024-02-28"), ("c", "2024-03-10"),
        ("d", "2024-01-15"), ("e", "2024-02-05"), ("e", "2024-03-20"),
    ]  # fmt: skip
    ids, dates = zip(*rows, strict=True)
    return TransactionLog(list(ids), list(dates), np.ones(len(ids)))


def test_calibration_holdout_groups_and_means():
    split = calibration_holdout(
        _log(), calibration_end="2024-01-31", observation_end="2024-03-31", time_unit="W"
    )
    d = CalibrationHoldoutDisplay.from_model(BG, split, max_frequency=2)
    cal = split.calibration
    # by hand: a x=2 (holdout 2), b x=0 (1), c x=1 (2), d x=0 (0); e is new in the holdout
    assert cal.ids.tolist() == ["a", "b", "c", "d"]
    assert d.labels == ("0", "1", "2+")
    assert d.n_customers.tolist() == [2, 1, 1]
    np.testing.assert_allclose(d.actual, [0.5, 2.0, 2.0])
    pred = [
        float(BG.expected_purchases(t=split.holdout_length, frequency=f, recency=r, T=t))
        for f, r, t in zip(cal.frequency, cal.recency, cal.T, strict=True)
    ]
    np.testing.assert_allclose(d.predicted, [(pred[1] + pred[3]) / 2, pred[2], pred[0]])
    ax = d.plot().ax_
    np.testing.assert_allclose(ax.lines[0].get_ydata(), d.actual)
    np.testing.assert_allclose(ax.lines[1].get_ydata(), d.predicted)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "1", "2+"]
    assert "holdout" in ax.get_ylabel()
    with pytest.raises(InvalidParameterError, match="'data'"):
        CalibrationHoldoutDisplay.from_model(BG, cal)


# ----------------------------------------------------------------- tracking
def test_tracking_counts_repeat_occasions_and_sums_the_new_customer_curve():
    log = _log()
    d = TransactionTrackingDisplay.from_model(BG, log, time_unit="W", calibration_end="2024-01-31")
    start = np.datetime64("2024-01-01")
    assert d.dates[0] == start
    assert d.dates[-1] <= np.datetime64("2024-03-20") < d.dates[-1] + 7
    firsts = {"a": "2024-01-01", "b": "2024-01-03", "c": "2024-01-10", "d": "2024-01-15",
              "e": "2024-02-05"}  # fmt: skip
    repeats = np.array(
        ["2024-01-08", "2024-01-20", "2024-02-10", "2024-03-01", "2024-02-20", "2024-01-25",
         "2024-02-28", "2024-03-10", "2024-03-20"], dtype="datetime64[D]",
    )  # fmt: skip
    for j, g in enumerate(d.dates):
        assert d.actual[j] == np.sum(repeats <= g)
        ref = sum(
            float(BG.expected_purchases_new(max((g - np.datetime64(f)).astype(int), 0) / 7))
            for f in firsts.values()
        )
        assert d.expected[j] == pytest.approx(ref, rel=1e-12)
    np.testing.assert_allclose(d.actual_incremental, np.diff(d.actual))
    shown = d.plot()
    ax = shown.ax_
    np.testing.assert_allclose(ax.lines[0].get_ydata(), d.actual)
    np.testing.assert_allclose(ax.lines[1].get_ydata(), d.expected)
    assert ax.get_ylabel() == "cumulative repeat transactions"
    assert len(ax.lines) == 3  # actual, model, end of calibration
    inc = d.plot(kind="incremental").ax_
    np.testing.assert_allclose(inc.lines[0].get_ydata(), d.actual_incremental)
    np.testing.assert_allclose(inc.lines[1].get_ydata(), d.expected_incremental)
    assert "per period (weeks)" in inc.get_ylabel()
    with pytest.raises(InvalidParameterError, match="'kind'"):
        d.plot(kind="both")


def test_tracking_bad_input():
    with pytest.raises(InvalidParameterError, match="'log'"):
        TransactionTrackingDisplay.from_model(BG, [("a", "2024-01-01")])
    with pytest.raises(InvalidParameterError, match="'model'"):
        TransactionTrackingDisplay.from_model(BGBB, _log())
    with pytest.raises(InvalidParameterError, match="'end'"):
        TransactionTrackingDisplay.from_model(BG, _log(), end="2023-01-01")
    with pytest.raises(InvalidParameterError, match="'time_unit'"):
        TransactionTrackingDisplay.from_model(BG, _log(), time_unit="fortnight")
    with pytest.raises(InvalidParameterError, match="'calibration_end'"):
        TransactionTrackingDisplay.from_model(BG, _log(), calibration_end="soon")


# ----------------------------------------------------------------- one customer's P(alive)
@pytest.mark.parametrize("model", CONTINUOUS, ids=lambda m: type(m).__name__)
def test_probability_alive_history_matches_a_day_by_day_reference(model):
    dates = ["2024-01-01", "2024-01-15", "2024-01-15", "2024-02-20"]
    d = ProbabilityAliveHistoryDisplay.from_model(model, dates=dates, end="2024-04-01")
    assert d.dates[0] == np.datetime64("2024-01-02")
    assert d.dates[-1] == np.datetime64("2024-04-01")
    first = dt.date(2024, 1, 1)
    repeats = [dt.date(2024, 1, 15), dt.date(2024, 2, 20)]
    for j, day in enumerate(d.dates.astype(dt.date)):
        done = [r for r in repeats if r <= day]
        tx = (done[-1] - first).days / 7 if done else 0.0
        ref = model.probability_alive(frequency=len(done), recency=tx, T=(day - first).days / 7)
        assert d.probability[j] == pytest.approx(float(ref), rel=1e-12)
    ax = d.plot().ax_
    np.testing.assert_allclose(ax.lines[0].get_ydata(), d.probability)
    assert len(ax.lines) == 1 + 3  # the curve and one line per distinct purchase day
    assert ax.get_ylim() == (0.0, 1.05)
    assert ax.get_ylabel() == "probability of being alive"


def test_probability_alive_history_bad_input():
    with pytest.raises(InvalidParameterError, match="'end'"):
        ProbabilityAliveHistoryDisplay.from_model(BG, dates=["2024-02-01"], end="2024-01-01")
    with pytest.raises(InvalidParameterError, match="'dates'"):
        ProbabilityAliveHistoryDisplay.from_model(BG, dates=[])
    with pytest.raises(InvalidParameterError, match=r"'dates\[1\]'"):
        ProbabilityAliveHistoryDisplay.from_model(BG, dates=["2024-01-01", "tuesday"])
    with pytest.raises(InvalidParameterError, match="'end'"):  # one purchase, no end: no days
        ProbabilityAliveHistoryDisplay.from_model(BG, dates=["2024-01-01"])


# ----------------------------------------------------------------- heterogeneity
@pytest.mark.parametrize(
    ("model", "kind", "dist"),
    [
        (BG, "transaction", stats.gamma(0.243, scale=1 / 4.414)),
        (BG, "dropout", stats.beta(0.793, 2.426)),
        (MBG, "dropout", stats.beta(0.891, 1.614)),
        (PNBD, "dropout", stats.gamma(0.606, scale=1 / 11.669)),
        (BGBB, "transaction", stats.beta(1.204, 0.750)),
        (BGBB, "dropout", stats.beta(0.657, 2.783)),
    ],
)
def test_heterogeneity_density(model, kind, dist):
    d = HeterogeneityDisplay.from_model(model, kind=kind, n_points=2001)
    np.testing.assert_allclose(d.density, dist.pdf(d.x), rtol=1e-12)
    assert d.x[0] == pytest.approx(dist.ppf(0.005))
    assert d.x[-1] == pytest.approx(dist.ppf(0.995))
    if np.isfinite(dist.pdf(0.0)):  # a bounded density: the grid holds 99 % of the mass
        assert np.trapezoid(d.density, d.x) == pytest.approx(0.99, abs=2e-3)
    assert d.mean == pytest.approx(dist.mean())
    ax = d.plot().ax_
    np.testing.assert_allclose(ax.lines[0].get_xydata(), np.column_stack([d.x, d.density]))
    assert ax.lines[1].get_xdata()[0] == pytest.approx(d.mean)
    assert ax.get_ylabel() == "density"
    assert ax.get_xlabel() == d.xlabel
    cap = 4 * dist.pdf(dist.mean())  # the y axis stops at 4x the density at the mean
    assert ax.get_ylim()[1] == pytest.approx(1.05 * min(d.density.max(), cap), rel=1e-3)


def test_heterogeneity_bad_input():
    with pytest.raises(InvalidParameterError, match="'kind'"):
        HeterogeneityDisplay.from_model(BG, kind="spend")
    with pytest.raises(InvalidParameterError, match="'n_points'"):
        HeterogeneityDisplay.from_model(BG, n_points=1)


# ----------------------------------------------------------------- new customer
def test_expected_purchases_new_customer_published_values():
    d = ExpectedPurchasesDisplay.from_model(BG, t_max=78.0, n_points=3, unit="weeks")
    np.testing.assert_allclose(d.expected, [0.0, 1.1967, 1.8605], atol=5e-5)  # FHL 2005
    ax = d.plot().ax_
    np.testing.assert_allclose(ax.lines[0].get_xydata(), np.column_stack([d.t, d.expected]))
    assert ax.get_xlabel() == "time since the first purchase (weeks)"
    assert ax.get_ylabel() == "expected repeat purchases"


@pytest.mark.parametrize("model", ALL, ids=lambda m: type(m).__name__)
def test_expected_purchases_new_customer_increases_from_zero(model):
    d = ExpectedPurchasesDisplay.from_model(model, t_max=20)
    assert d.expected[0] == 0.0
    assert (np.diff(d.expected) > 0).all()
    np.testing.assert_allclose(d.expected, model.expected_purchases_new(d.t))
    if model is BGBB:
        np.testing.assert_array_equal(d.t, np.arange(21.0))


# ----------------------------------------------------------------- shared conventions
def test_plot_returns_a_new_display_and_leaves_the_original_alone():
    d = ExpectedPurchasesDisplay.from_model(BG, t_max=10.0)
    fig, ax = plt.subplots()
    shown = d.plot(ax=ax)
    assert shown is not d
    assert shown.ax_ is ax
    assert shown.figure_ is fig
    assert d.ax_ is None
    assert d.figure_ is None
    assert shown.expected is d.expected  # same read-only data
    assert not d.expected.flags.writeable


def test_plot_refuses_what_is_not_an_axes():
    d = ExpectedPurchasesDisplay.from_model(BG, t_max=10.0)
    with pytest.raises(InvalidParameterError, match="'ax'"):
        d.plot(ax="left")


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"T": -1.0, "max_frequency": 3}, "'T'"),
        ({"T": 10.0, "max_frequency": 2.5}, "'max_frequency'"),
        ({"T": 10.0, "max_frequency": 3, "n_recency": 1}, "'n_recency'"),
        ({"T": 10.0, "max_frequency": 3, "t": -1.0}, "'t'"),
    ],
)
def test_matrix_bad_input_names_the_parameter(kwargs, name):
    with pytest.raises(KamcoreError, match=name):
        FrequencyRecencyDisplay.from_model(BG, **kwargs)


def test_matrix_refuses_a_spend_model():
    with pytest.raises(InvalidParameterError, match="'model' must be one of BetaGeo"):
        ProbabilityAliveDisplay.from_model(GammaGamma(p=1, q=2, gamma=3), T=5, max_frequency=2)


# ----------------------------------------------------------------- properties
_DAYS = st.integers(0, 120)


@settings(max_examples=30, deadline=None)
@given(
    rows=st.lists(st.tuples(st.sampled_from("abcde"), _DAYS), min_size=2, max_size=30),
    seed=st.integers(0, 2**32 - 1),
)
def test_tracking_equals_a_scalar_reference_and_ignores_row_order(rows, seed):
    base = np.datetime64("2024-01-01")
    days = [d for _, d in rows]
    assume(max(days) > min(days))  # one day only: no time to track
    ids = [c for c, _ in rows]
    dates = [base + d for d in days]
    d = TransactionTrackingDisplay.from_model(BG, TransactionLog(ids, dates), time_unit="W")
    order = np.random.default_rng(seed).permutation(len(rows))
    shuffled = TransactionTrackingDisplay.from_model(
        BG, TransactionLog([ids[i] for i in order], [dates[i] for i in order]), time_unit="W"
    )
    np.testing.assert_array_equal(shuffled.actual, d.actual)
    np.testing.assert_allclose(shuffled.expected, d.expected, rtol=1e-12)
    per_customer: dict[str, set[int]] = {}
    for c, day in rows:
        per_customer.setdefault(c, set()).add(day)
    start = min(days)
    for j, g in enumerate(d.dates):
        g_day = int((g - base).astype(int))
        assert g_day == start + 7 * j
        repeats = sum(sum(1 for x in sorted(s)[1:] if x <= g_day) for s in per_customer.values())
        assert d.actual[j] == repeats
        ref = sum(
            float(BG.expected_purchases_new(max(g_day - min(s), 0) / 7))
            for s in per_customer.values()
        )
        assert d.expected[j] == pytest.approx(ref, rel=1e-12, abs=1e-15)


def test_plot_without_matplotlib_names_the_extra(monkeypatch):
    d = ExpectedPurchasesDisplay.from_model(BG, t_max=10.0)  # computing needs no matplotlib
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(MissingOptionalDependencyError, match=r"kamcore\[plot\]"):
        d.plot()
