"""Edge cases of the repeat-buying models and CLP calculators: impossible histories,
extreme but valid inputs, huge horizons, size limits and validated result objects."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamcore import Portfolio, clp
from kamcore.clp._btyd import bgbb as bgbb_module
from kamcore.clp._btyd._base import (
    MAX_SIMULATED_CUSTOMERS,
    check_history,
)
from kamcore.clp._btyd.pareto_nbd import _hyp2f1_one_cf, _log_tail_quadrature, hyp2f1_one
from kamcore.errors import ConvergenceError, InvalidParameterError, KamcoreError

BG = clp.BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426)
MBG = clp.ModifiedBetaGeo(r=0.525, alpha=6.183, a=0.891, b=1.614)
PNBD = clp.ParetoNBD(r=0.553, alpha=10.578, s=0.606, beta=11.669)
BGBB = clp.BetaGeoBetaBinom(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783)
CONTINUOUS = [BG, MBG, PNBD]
ALL = [*CONTINUOUS, BGBB]


def _history_calls(model):
    """Every method of ``model`` that takes a history, as history -> call."""
    calls = {
        "log_likelihood": lambda h: model.log_likelihood(**h),
        "probability_alive": lambda h: model.probability_alive(**h),
        "probability_alive_at": lambda h: model.probability_alive_at(t=1, **h),
        "expected_purchases": lambda h: model.expected_purchases(t=2, **h),
        "fit": lambda h: type(model).fit(**h),
        "customer_lifetime_profit": lambda h: clp.customer_lifetime_profit(
            model, spend=10.0, margin_rate=0.3, discount_rate=0.1, n_periods=3, **h
        ),
    }
    if hasattr(model, "conditional_probability_of_purchases"):
        calls["conditional_probability_of_purchases"] = lambda h: (
            model.conditional_probability_of_purchases(n=1, t=2.0, **h)
        )
    return calls


#: impossible history kind -> (frequency, recency, T, field named, rule fragment)
IMPOSSIBLE = {
    "repeat purchases at recency 0": ([1, 2, 0], [3, 0, 0], [6, 6, 6], "recency", "be > 0"),
    "recency beyond T": ([1, 2, 0], [3, 7, 0], [6, 6, 6], "recency", "be <= T"),
    "recency without purchases": ([1, 0, 0], [3, 2, 0], [6, 6, 6], "recency", "be 0"),
    "negative frequency": ([1, -2, 0], [3, 4, 0], [6, 6, 6], "frequency", ">= 0"),
    "negative recency": ([1, 2, 0], [3, -4, 0], [6, 6, 6], "recency", ">= 0"),
    "fractional frequency": ([1, 2.5, 0], [3, 4, 0], [6, 6, 6], "frequency", "whole number"),
}


@pytest.mark.parametrize("model", ALL, ids=lambda m: type(m).__name__)
@pytest.mark.parametrize("kind", sorted(IMPOSSIBLE))
def test_every_model_refuses_every_impossible_history(model, kind):
    x, tx, T, field, rule = IMPOSSIBLE[kind]
    for name, call in _history_calls(model).items():
        with pytest.raises(InvalidParameterError) as err:
            call({"frequency": x, "recency": tx, "T": T})
        message = str(err.value)
        assert f"'{field}'" in message, (name, message)
        assert rule in message, (name, message)
        assert "index 1" in message, (name, message)


@pytest.mark.parametrize("model", ALL, ids=lambda m: type(m).__name__)
def test_bgbb_rule_more_transactions_than_opportunities(model):
    """x > recency is possible in continuous time, impossible at discrete opportunities."""
    h = {"frequency": [1, 5, 0], "recency": [3, 4, 0], "T": [6, 6, 6]}
    if model is BGBB:
        with pytest.raises(InvalidParameterError, match="'frequency' must be <= recency"):
            model.log_likelihood(**h)
    else:
        assert np.all(np.isfinite(model.log_likelihood(**h)))


def test_check_history_names_the_customer_id():
    with pytest.raises(InvalidParameterError, match=r"index 1: 0\.0\).*customer id 'b'"):
        check_history(np.array([0, 2]), np.array([0.0, 0.0]), np.array([5.0, 5.0]), ids=["a", "b"])


@settings(max_examples=40, deadline=None)
@given(T=st.integers(1, 60), x=st.integers(1, 60), frac=st.floats(0.01, 1.0))
def test_valid_edge_histories_still_work(T, x, frac):
    """x = 0 with recency 0, and the last purchase at T, are valid everywhere."""
    tx_cont = frac * T
    for model in CONTINUOUS:
        h = {"frequency": [0, x, x], "recency": [0.0, tx_cont, float(T)], "T": float(T)}
        for name, call in _history_calls(model).items():
            if name == "fit":
                continue
            out = call(h)
            values = out.clp if hasattr(out, "clp") else out
            assert np.all(np.isfinite(values)), name
    xd = min(x, T)
    h = {"frequency": [0, xd], "recency": [0, T], "T": T}
    assert np.all(np.isfinite(BGBB.log_likelihood(**h)))
    assert np.all(BGBB.probability_alive(**h) <= 1.0)


# ----------------------------------------------------------------- BG/BB long horizons
@pytest.mark.parametrize(
    "params",
    [
        (1.204, 0.750, 0.657, 2.783),
        (0.3, 5.0, 0.05, 0.5),
        (5.0, 0.2, 3.0, 0.1),
        (0.8, 0.8, 1.0, 1.0),
    ],
)
def test_bgbb_tail_sum_matches_term_by_term(params, monkeypatch):
    n = np.array([300, 1000, 3000, 3000, 2000, 400])
    x = np.array([0, 5, 100, 2500, 1, 60])
    tx = np.array([0, 10, 2000, 3000, 1, 61])
    ll, gr = bgbb_module._loglik(params, x, tx, n, grad=True)
    model = clp.BetaGeoBetaBinom(*params)
    pmf = model.probability_of_purchases(n=[0, 1, 5, 100, 2999], t=3000)
    monkeypatch.setattr(bgbb_module, "_DIRECT_TERMS", 10**9)
    ll0, gr0 = bgbb_module._loglik(params, x, tx, n, grad=True)
    pmf0 = model.probability_of_purchases(n=[0, 1, 5, 100, 2999], t=3000)
    np.testing.assert_allclose(ll, ll0, rtol=2e-12)
    np.testing.assert_allclose(gr, gr0, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(pmf, pmf0, rtol=1e-10)


def test_bgbb_huge_horizons_are_finite_and_ordered():
    n = 10**9
    ll = BGBB.log_likelihood(frequency=[0, 3, 10**6], recency=[0, 5, 10**9], T=n)
    assert np.all(np.isfinite(ll))
    alive = BGBB.probability_alive_at(t=[0, 10, 10**15], frequency=3, recency=5, T=n)
    assert np.all(np.diff(alive) <= 0)
    assert np.all((alive >= 0) & (alive <= 1))
    pmf = BGBB.probability_of_purchases(n=np.arange(6), t=10**15)
    assert np.all(pmf > 0)
    assert pmf.sum() < 1.0
    # the new-customer pmf sums to 1 over 0..n for a long horizon too
    total = BGBB.probability_of_purchases(n=np.arange(0, 1001), t=1000).sum()
    assert total == pytest.approx(1.0, abs=1e-10)


def test_bgbb_fit_on_a_million_opportunities():
    x, tx, n = BGBB.simulate(n_customers=500, T=10**6, rng=np.random.default_rng(4))
    assert np.all((x <= tx) & (tx <= n))
    m = clp.BetaGeoBetaBinom.fit(frequency=x, recency=tx, T=n)
    assert m.fit_report.converged
    assert abs(math.log(m.gamma / BGBB.gamma)) < 0.5


def test_bgbb_simulation_matches_the_model_pmf():
    x, _, _ = BGBB.simulate(n_customers=200_000, T=6, rng=np.random.default_rng(3))
    observed = np.bincount(x, minlength=7) / x.size
    expected = BGBB.probability_of_purchases(n=np.arange(7), t=6)
    assert np.max(np.abs(observed - expected)) < 0.005


# ----------------------------------------------------------------- huge t, closed forms
def test_bgnbd_expected_purchases_limits():
    m = clp.BetaGeo(r=0.243, alpha=4.414, a=1.793, b=2.426)
    limit = (m.a + m.b - 1.0) / (m.a - 1.0)  # E[1/p]: every purchase before dropping out
    assert float(m.expected_purchases_new(1e300)) == pytest.approx(limit, rel=1e-12)
    assert float(m.expected_purchases_new(1e16)) < limit
    # a < 1: E[1/p] is infinite and E[X(t)] grows like t^(1 - a), finite at any t
    big = BG.expected_purchases_new([1e100, 1e300])
    assert np.all(np.isfinite(big))
    assert big[1] / big[0] == pytest.approx(1e200 ** (1.0 - BG.a), rel=1e-6)


@pytest.mark.parametrize("model", [BG, MBG], ids=lambda m: type(m).__name__)
def test_bg_kernels_continuous_across_the_switch_to_the_expansion(model):
    """The expansion at z = 1 takes over from scipy without a jump."""
    t = np.geomspace(1e3, 1e9, 400)
    e = model.expected_purchases_new(t)
    assert np.all(np.isfinite(e))
    assert np.all(np.diff(e) > 0)
    ratios = e[1:] / e[:-1]
    assert np.max(np.abs(np.diff(np.log(ratios)))) < 1e-3
    cond = model.expected_purchases(t=[1e300], frequency=2, recency=30.0, T=38.0)
    alive = model.probability_alive_at(t=[1e10, 1e300], frequency=2, recency=30.0, T=38.0)
    assert np.all(np.isfinite(cond))
    assert np.all(np.isfinite(alive))
    assert alive[1] < alive[0]


def test_pareto_pmf_at_huge_t_converges_to_its_limit():
    p50 = PNBD.probability_of_purchases(n=np.arange(20), t=1e50)
    p300 = PNBD.probability_of_purchases(n=np.arange(20), t=1e300)
    assert np.all(np.isfinite(p300))
    np.testing.assert_allclose(p300, p50, rtol=1e-10)
    assert p300.sum() < 1.0


def test_pareto_hypergeometric_paths_agree():
    b = np.array([0.5, 3.0, 50.0, 800.0])
    c = b + np.array([1.2, 0.7, 2.0, 0.004])
    z = np.full(4, 0.99)
    cf = _hyp2f1_one_cf(b, c, z)
    quad = np.exp(
        _log_tail_quadrature(c - b, b, 1.0 - z, np.ones(4), np.zeros(4))
        + np.log(c - 1.0)
        + (c - b - 1.0) * np.log1p(-z)
    )
    np.testing.assert_allclose(quad, cf, rtol=1e-11)
    deep = hyp2f1_one(np.array([5881.04]), np.array([5881.04366]), np.array([0.9999653936]))
    assert np.isfinite(deep[0])
    assert deep[0] > 1.0


def test_pareto_fit_on_degenerate_data_ends_promptly():
    """All but one customer never repeat: a ridge in the likelihood, not a hang."""
    x = np.zeros(200, dtype=int)
    tx = np.zeros(200)
    x[0], tx[0] = 3, 20.0
    with pytest.raises(ConvergenceError, match=r"not identified|edge of the search space"):
        clp.ParetoNBD.fit(frequency=x, recency=tx, T=np.full(200, 39.0))


def test_markov_value_over_undiscounted_huge_horizons():
    chain = clp.MarkovChain([[0.8, 0.2], [0.1, 0.9]], [100.0, 0.0], 0.0)
    # stationary distribution (1/3, 2/3): 100/3 per period in the long run, plus a
    # start-dependent offset that has converged after 1,000 periods (|lambda_2| = 0.7)
    offset = chain.value(n_periods=1000) - 1001 * 100.0 / 3.0
    for h in (10**6, 10**12, 10**15):
        v = chain.value(n_periods=h)
        steady = (h + 1) * 100.0 / 3.0
        np.testing.assert_allclose(v - steady, offset, atol=1e-10 * steady + 1e-6)


# ----------------------------------------------------------------- CLP horizons
@pytest.mark.parametrize("model", [BGBB, BG, PNBD], ids=lambda m: type(m).__name__)
def test_clp_early_stop_matches_the_full_sum(model, monkeypatch):
    from kamcore.clp import _customer

    kw = {
        "frequency": [6, 1, 0],
        "recency": [6, 1, 0],
        "T": 6,
        "spend": 100.0,
        "margin_rate": 0.25,
        "discount_rate": 0.05,
        "n_periods": 1500,
        "cost_per_period": 1.0,
    }
    fast = clp.customer_lifetime_profit(model, **kw)
    monkeypatch.setattr(_customer, "_TAIL_CHECK_EVERY", 10**9)
    full = clp.customer_lifetime_profit(model, **kw)
    np.testing.assert_allclose(fast.clp, full.clp, rtol=1e-10)
    np.testing.assert_allclose(fast.purchases, full.purchases, rtol=1e-10)
    monkeypatch.undo()
    huge = clp.customer_lifetime_profit(model, **{**kw, "n_periods": 10**15})
    assert np.all(np.isfinite(huge.clp))
    assert np.all(huge.purchases >= fast.purchases)


def test_clp_undiscounted_long_horizons():
    kw = {"frequency": [6, 1], "recency": [6, 1], "T": 6, "spend": 10.0, "margin_rate": 0.2}
    plain = clp.customer_lifetime_profit(BGBB, discount_rate=0.0, n_periods=10**5, **kw)
    want = 10.0 * 0.2 * BGBB.expected_purchases(t=10**5, frequency=[6, 1], recency=[6, 1], T=6)
    np.testing.assert_allclose(plain.clp, want, rtol=1e-12)
    with pytest.raises(InvalidParameterError, match="'n_periods' must be <= 100,000"):
        clp.customer_lifetime_profit(
            BGBB, discount_rate=0.0, n_periods=10**6, cost_per_period=1.0, **kw
        )


# ----------------------------------------------------------------- limits and objects
@pytest.mark.parametrize(
    "call",
    [
        lambda: BG.simulate(n_customers=10**15, T=39.0, rng=np.random.default_rng(0)),
        lambda: BGBB.simulate(n_customers=10**15, T=6, rng=np.random.default_rng(0)),
        lambda: clp.ShiftedBetaGeometric(alpha=1.0, beta=2.0).simulate(
            n_customers=MAX_SIMULATED_CUSTOMERS + 1, rng=np.random.default_rng(0)
        ),
    ],
)
def test_simulation_size_limit_is_named(call):
    with pytest.raises(InvalidParameterError, match="'n_customers' must be <= 10,000,000"):
        call()


def test_simulation_horizon_limits_are_named():
    with pytest.raises(InvalidParameterError, match="'T' must keep the expected purchases"):
        BG.simulate(n_customers=3, T=[1e308] * 3, rng=np.random.default_rng(0))
    with pytest.raises(InvalidParameterError, match="'n_periods' must be in"):
        clp.ShiftedBetaGeometric(alpha=1.0, beta=2.0).simulate_survivors(
            n_customers=10, n_periods=10**15, rng=np.random.default_rng(0)
        )
    x, tx, n = BGBB.simulate(n_customers=4, T=10**15, rng=np.random.default_rng(0))
    assert np.all((x >= 0) & (x <= tx) & (tx <= n))


def _report(**changes):
    base = {
        "log_likelihood": -10.0,
        "n": 5.0,
        "n_rows": 3,
        "standard_errors": {"r": 0.1},
        "correlation": [[1.0]],
        "estimates": {"r": 2.0},
        "converged": True,
        "iterations": 7,
        "message": "ok",
        "method": "BFGS",
    }
    return clp.FitReport(**{**base, **changes})


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"log_likelihood": math.nan}, "log_likelihood"),
        ({"log_likelihood": math.inf}, "log_likelihood"),
        ({"n": -1.0}, "'n'"),
        ({"n_rows": -1}, "n_rows"),
        ({"iterations": 2.5}, "iterations"),
        ({"standard_errors": {"r": -0.1}}, "standard_errors"),
        ({"standard_errors": [0.1]}, "standard_errors"),
        ({"correlation": [[1.0, 0.0]]}, "correlation"),
        ({"estimates": {"r": math.nan}}, "estimates"),
    ],
)
def test_fit_report_refuses_bad_fields(changes, field):
    with pytest.raises(KamcoreError, match=field):
        _report(**changes)


@pytest.mark.parametrize("value", [math.nan, 1.0, "report", {"log_likelihood": -1.0}])
def test_models_refuse_a_fit_report_of_another_kind(value):
    for cls, params in [
        (clp.BetaGeo, (0.2, 4.0, 0.8, 2.4)),
        (clp.BetaGeoBetaBinom, (1.2, 0.75, 0.66, 2.8)),
        (clp.ShiftedBetaGeometric, (1.0, 2.0)),
    ]:
        with pytest.raises(InvalidParameterError, match="'fit_report' must be a FitReport"):
            cls(*params, fit_report=value)
    assert clp.BetaGeo(0.2, 4.0, 0.8, 2.4, fit_report=_report()).fit_report is not None


def test_fit_start_of_the_wrong_length_is_refused():
    with pytest.raises(InvalidParameterError, match="'start' must hold one value per parameter"):
        clp.BetaGeoBetaBinom.fit(frequency=[1, 0], recency=[1, 0], T=6, start=(1.0, 1.0, 1.0))


def test_customer_equity_overflow_names_the_field():
    with pytest.raises(InvalidParameterError, match="'values' must sum to a finite total"):
        clp.customer_equity([1e308, 1e308])


def test_result_objects_refuse_non_finite_values():
    with pytest.raises(InvalidParameterError, match="'clp'"):
        clp.CustomerProfit([math.nan], [1.0], [0.0], [1.0], [1.0], [1.0])
    with pytest.raises(InvalidParameterError, match="'level'"):
        clp.PredictionInterval([1.0], [0.5], [1.5], [0.2], 1.5)
    with pytest.raises(InvalidParameterError, match="'total'"):
        clp.CustomerEquity(math.inf, 2)
    with pytest.raises(InvalidParameterError, match="'transition'"):
        clp.TransitionEstimate(("A", "B"), [[1, 0], [0, 1]], [[0.5, 0.6], [0.0, 1.0]], "raise", ())


def test_portfolio_lifetime_profit_refuses_a_non_portfolio():
    with pytest.raises(InvalidParameterError, match=r"'portfolio' must be a kamcore\.Portfolio"):
        clp.portfolio_lifetime_profit(
            {"frequency": [1]}, BG, margin_rate=0.3, discount_rate=0.1, n_periods=3, spend=1.0
        )
    p = Portfolio.from_columns(["a"], {"frequency": [1], "recency": [2.0], "T": [5.0]})
    res = clp.portfolio_lifetime_profit(
        p, BG, margin_rate=0.3, discount_rate=0.1, n_periods=3, spend=1.0
    )
    assert res.clp.shape == (1,)


def test_portfolio_lifetime_profit_names_the_customer_of_an_impossible_history():
    p = Portfolio.from_columns(
        ["KA1", "KA2"], {"frequency": [1, 2], "recency": [2.0, 0.0], "T": [5.0, 5.0]}
    )
    with pytest.raises(InvalidParameterError, match=r"index 1: 0\.0\); customer id 'KA2'"):
        clp.portfolio_lifetime_profit(
            p, BG, margin_rate=0.3, discount_rate=0.1, n_periods=3, spend=1.0
        )


def test_stage_and_closed_form_horizons_up_to_1e15():
    profile = clp.DEFAULT_STAGE_PROFILE
    far = clp.stage_lifetime_profit(["exploration", "stability"], 0.1, n_periods=10**12)
    inf = clp.stage_lifetime_profit(["exploration", "stability"], 0.1)
    np.testing.assert_allclose(far, inf, rtol=1e-12)
    assert profile is clp.DEFAULT_STAGE_PROFILE
    value = clp.lifetime_profit(100.0, 0.8, 0.1, n_periods=10**15)
    assert float(value) == pytest.approx(100.0 * 0.8 / 0.3, rel=1e-12)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: _report(correlation=[[1.5]]), "'correlation'"),
        (lambda: _report(active_constraints="a"), "'active_constraints'"),
        (
            lambda: clp.FitSummary(
                model="m",
                parameters="r",
                estimates=[1.0],
                standard_errors=[0.1],
                lower=[0.8],
                upper=[1.2],
            ),
            "'parameters'",
        ),
        (
            lambda: clp.FitSummary(
                model="m",
                parameters=["r"],
                estimates=[1.0],
                standard_errors=[0.1],
                lower=[0.8],
                upper=[1.2],
                fitted=True,
            ),
            "'log_likelihood' must be finite for a fitted model",
        ),
        (
            lambda: clp.frequency_recency_matrix(BG, T=38.0, max_frequency=10**6, n_recency=100),
            "at most 10,000,000 cells",
        ),
        (
            lambda: clp.TransitionEstimate(("A", "B"), [[1, 0], [0, 1]], [[1.0]], "raise", ()),
            "'transition'",
        ),
        (
            lambda: clp.TransitionEstimate(
                ("A", "B"), [[1, 0], [0, 1]], [[1.0, 0.0], [0.0, 1.0]], "raise", ("C",)
            ),
            "'unobserved' must name states",
        ),
        (
            lambda: clp.TransitionEstimate(
                ("A", "B"), [[1, 0], [0, 1]], [[1.0, 0.0], [0.0, 1.0]], "raise", "A"
            ),
            "'unobserved' must be a sequence",
        ),
        (lambda: clp.StageProfile.from_mapping({"stability": 3.0}), r"'table'\['stability'\]"),
        (
            lambda: clp.ParetoNBD(r=1e-3, alpha=1e-300, s=1e-3, beta=1.0).probability_of_purchases(
                n=[0, 1], t=1e300
            ),
            "'t' must be below the range",
        ),
    ],
)
def test_more_refusals_name_the_field(call, field):
    with pytest.raises(KamcoreError, match=field):
        call()


def test_clp_distribution_display_caps_bins() -> None:
    """A huge bin count is refused by name, never a MemoryError from numpy."""
    from kamcore.plotting import ClpDistributionDisplay

    for bins in (10**9, 10**12, 2**63):
        with pytest.raises(InvalidParameterError, match="'bins'"):
            ClpDistributionDisplay.from_values([1.0, 2.0, 3.0], bins=bins)
    assert ClpDistributionDisplay.from_values([1.0, 2.0, 3.0], bins=10_000).counts.sum() == 3
