"""Per-customer lifetime profit from a transaction model, a spend model and margins."""

from __future__ import annotations

import itertools
import math
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamcore import Portfolio
from kamcore.clp import (
    BetaGeo,
    BetaGeoBetaBinom,
    CustomerProfit,
    GammaGamma,
    SurvivalModel,
    TransactionModel,
    customer_lifetime_profit,
    portfolio_lifetime_profit,
)
from kamcore.errors import InvalidParameterError, KamcoreError, ShapeMismatchError, UnknownNameError

BGNBD = BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426)
BGBB = BetaGeoBetaBinom(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783)
GG = GammaGamma(p=6.25, q=3.74, gamma=15.44)


@attrs.frozen
class Exponential:
    """Stub: buys at rate frequency / T while alive, dies at rate mu (memoryless)."""

    mu: float

    def expected_purchases(self, t: Any, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        rate = np.asarray(frequency, float) / np.asarray(T, float)
        return np.asarray(rate * (-np.expm1(-self.mu * np.asarray(t, float))) / self.mu)

    def probability_alive_at(self, t: Any, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        shape = np.broadcast(np.asarray(t), np.asarray(frequency)).shape
        return np.broadcast_to(np.exp(-self.mu * np.asarray(t, float)), shape).astype(float)


@attrs.frozen
class NoSurvival:
    def expected_purchases(self, t: Any, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        return np.asarray(frequency, float) * 0 + float(t)


@attrs.frozen
class Broken:
    kind: str

    def expected_purchases(self, t: Any, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        f = np.asarray(frequency, float)
        if self.kind == "nan":
            return f * np.nan
        if self.kind == "shrinking":
            return f * 0 + 10.0 / (1.0 + float(t))
        return np.zeros(3)  # wrong shape


# ----------------------------------------------------------------- plain-Python reference
def ref_clp(
    model: Any,
    x: float,
    tx: float,
    T: float,
    *,
    spend: float,
    margin: float,
    cost: float,
    d: float,
    horizon: int,
    step: float = 1.0,
    basis: str = "alive",
) -> float:
    total, prev = 0.0, 0.0
    for k in range(1, horizon + 1):
        cum = float(model.expected_purchases(t=k * step, frequency=x, recency=tx, T=T))
        alive = (
            float(model.probability_alive_at(t=k * step, frequency=x, recency=tx, T=T))
            if basis == "alive"
            else 1.0
        )
        total += (margin * spend * (cum - prev) - cost * alive) / (1 + d) ** k
        prev = cum
    return total


customers = st.lists(
    st.tuples(
        st.integers(0, 20),
        st.floats(1.0, 50.0),
        st.floats(0.0, 500.0),
        st.floats(-1.0, 1.0),
        st.floats(0.0, 20.0),
    ),
    min_size=1,
    max_size=6,
)


# ----------------------------------------------------------------- protocol conformance
def test_models_satisfy_the_protocols() -> None:
    models: list[TransactionModel] = [BGNBD, BGBB, Exponential(0.1)]
    assert len(models) == 3
    assert isinstance(BGBB, SurvivalModel)
    assert isinstance(Exponential(0.1), SurvivalModel)
    assert not isinstance(NoSurvival(), SurvivalModel)


# ----------------------------------------------------------------- vectorised == scalar
@given(
    customers,
    st.floats(0.0, 0.5),
    st.integers(1, 24),
    st.floats(0.01, 1.0),
    st.sampled_from(["alive", "horizon"]),
)
def test_matches_scalar_reference_with_stub(
    rows: list[tuple[int, float, float, float, float]], d: float, h: int, mu: float, basis: str
) -> None:
    model = Exponential(mu)
    x = np.array([r[0] for r in rows], float)
    T = np.array([r[1] for r in rows])
    s = np.array([r[2] for r in rows])
    m = np.array([r[3] for r in rows])
    c = np.array([r[4] for r in rows])
    res = customer_lifetime_profit(
        model,
        frequency=x,
        recency=np.zeros_like(x),
        T=T,
        spend=s,
        margin_rate=m,
        cost_per_period=c,
        discount_rate=d,
        n_periods=h,
        period_length=0.5,
        cost_basis=basis,
    )  # type: ignore[arg-type]
    expected = [
        ref_clp(
            model, xi, 0.0, Ti, spend=si, margin=mi, cost=ci, d=d, horizon=h, step=0.5, basis=basis
        )
        for xi, Ti, si, mi, ci in zip(x, T, s, m, c, strict=True)
    ]
    np.testing.assert_allclose(res.clp, expected, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(res.clp, res.discounted_margin - res.discounted_cost)
    np.testing.assert_allclose(res.discounted_margin, m * res.discounted_revenue)


def test_bgbb_with_gamma_gamma_matches_reference() -> None:
    x = np.array([0, 1, 3, 6, 4])
    tx = np.array([0, 1, 6, 6, 5])
    z = np.array([0.0, 20.0, 35.0, 80.0, 12.0])
    res = customer_lifetime_profit(
        BGBB,
        frequency=x,
        recency=tx,
        T=6,
        spend_model=GG,
        average_spend=z,
        margin_rate=0.3,
        cost_per_period=1.5,
        discount_rate=0.08,
        n_periods=12,
    )
    spend = GG.conditional_expected_average_spend(frequency=x, average_spend=z)
    np.testing.assert_allclose(res.spend, spend)
    expected = [
        ref_clp(BGBB, *row, spend=si, margin=0.3, cost=1.5, d=0.08, horizon=12)
        for row, si in zip(zip(x, tx, [6] * 5, strict=True), spend, strict=True)
    ]
    np.testing.assert_allclose(res.clp, expected, rtol=1e-10)
    np.testing.assert_allclose(
        res.purchases, BGBB.expected_purchases(t=12, frequency=x, recency=tx, T=6), rtol=1e-12
    )


def test_betageo_revenue_only_path() -> None:
    x = np.array([0, 2, 5])
    tx = np.array([0.0, 30.43, 35.0])
    T = np.array([38.86, 38.86, 38.86])
    res = customer_lifetime_profit(
        BGNBD,
        frequency=x,
        recency=tx,
        T=T,
        spend=50.0,
        margin_rate=0.2,
        discount_rate=0.01,
        n_periods=13,
        period_length=3.0,
    )
    cum = [BGNBD.expected_purchases(t=3.0 * k, frequency=x, recency=tx, T=T) for k in range(14)]
    expected = sum((cum[k] - cum[k - 1]) / 1.01**k for k in range(1, 14)) * 50.0 * 0.2
    np.testing.assert_allclose(res.clp, expected, rtol=1e-10)
    assert np.all(res.discounted_cost == 0)
    # BetaGeo has the survival hook: with the default "alive" basis a cost is charged while alive
    res_a = customer_lifetime_profit(
        BGNBD,
        frequency=x,
        recency=tx,
        T=T,
        spend=50.0,
        margin_rate=0.2,
        discount_rate=0.01,
        n_periods=13,
        cost_per_period=1.0,
        period_length=3.0,
    )
    alive = sum(
        BGNBD.probability_alive_at(t=3.0 * k, frequency=x, recency=tx, T=T) / 1.01**k
        for k in range(1, 14)
    )
    np.testing.assert_allclose(res_a.discounted_cost, alive, rtol=1e-10)
    res_h = customer_lifetime_profit(
        BGNBD,
        frequency=x,
        recency=tx,
        T=T,
        spend=50.0,
        margin_rate=0.2,
        discount_rate=0.01,
        n_periods=13,
        cost_per_period=1.0,
        cost_basis="horizon",
        period_length=3.0,
    )
    annuity = sum(1.01**-k for k in range(1, 14))
    np.testing.assert_allclose(res_h.discounted_cost, annuity)
    np.testing.assert_allclose(res_h.clp, res.clp - annuity)


# ----------------------------------------------------------------- monotonicity, limits, invariances
@given(st.floats(-1.0, 1.0), st.floats(-1.0, 1.0))
def test_increases_with_margin(m1: float, m2: float) -> None:
    lo, hi = sorted((m1, m2))
    x, tx = np.array([1, 3, 6]), np.array([1, 5, 6])
    kw: dict[str, Any] = {
        "spend": 40.0,
        "cost_per_period": 2.0,
        "discount_rate": 0.1,
        "n_periods": 8,
    }
    a = customer_lifetime_profit(BGBB, frequency=x, recency=tx, T=6, margin_rate=lo, **kw).clp
    b = customer_lifetime_profit(BGBB, frequency=x, recency=tx, T=6, margin_rate=hi, **kw).clp
    assert np.all(b >= a)


@given(st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_decreases_with_discount_rate(d1: float, d2: float) -> None:
    lo, hi = sorted((d1, d2))
    x, tx = np.array([0, 2, 6]), np.array([0, 4, 6])
    a = customer_lifetime_profit(
        BGBB,
        frequency=x,
        recency=tx,
        T=6,
        spend=40.0,
        margin_rate=0.3,
        discount_rate=lo,
        n_periods=10,
    ).clp
    b = customer_lifetime_profit(
        BGBB,
        frequency=x,
        recency=tx,
        T=6,
        spend=40.0,
        margin_rate=0.3,
        discount_rate=hi,
        n_periods=10,
    ).clp
    assert np.all(b <= a)


def test_negative_margin_gives_negative_profit_as_is() -> None:
    res = customer_lifetime_profit(
        BGBB,
        frequency=[6],
        recency=[6],
        T=6,
        spend=100.0,
        margin_rate=-0.1,
        discount_rate=0.1,
        n_periods=5,
    )
    assert res.clp[0] < 0
    assert res.clp[0] == pytest.approx(-0.1 * res.discounted_revenue[0])


def test_horizon_limits() -> None:
    x, tx = np.array([0, 3, 6]), np.array([0, 6, 6])
    values = [
        customer_lifetime_profit(
            BGBB,
            frequency=x,
            recency=tx,
            T=6,
            spend=10.0,
            margin_rate=0.5,
            discount_rate=0.1,
            n_periods=h,
        ).clp
        for h in (1, 5, 50, 400)
    ]
    for a, b in itertools.pairwise(values):
        assert np.all(b >= a)  # more periods, more profit when every period is profitable
    np.testing.assert_allclose(values[-1], values[-2], rtol=1e-2)  # converges
    one = customer_lifetime_profit(
        BGBB,
        frequency=x,
        recency=tx,
        T=6,
        spend=10.0,
        margin_rate=0.5,
        discount_rate=0.1,
        n_periods=1,
    )
    np.testing.assert_allclose(
        one.clp, 0.5 * 10.0 * BGBB.expected_purchases(t=1, frequency=x, recency=tx, T=6) / 1.1
    )
    zero = customer_lifetime_profit(
        BGBB,
        frequency=x,
        recency=tx,
        T=6,
        spend=0.0,
        margin_rate=0.5,
        discount_rate=0.1,
        n_periods=3,
    )
    assert np.all(zero.clp == 0)


def test_permutation_and_chunk_invariance() -> None:
    rng = np.random.default_rng(4)
    x, tx, n = BGBB.simulate(n_customers=300, T=6, rng=rng)
    spend = rng.uniform(1, 100, 300)
    kw: dict[str, Any] = {
        "margin_rate": 0.25,
        "cost_per_period": 0.5,
        "discount_rate": 0.05,
        "n_periods": 7,
    }
    whole = customer_lifetime_profit(BGBB, frequency=x, recency=tx, T=n, spend=spend, **kw).clp
    perm = rng.permutation(300)
    np.testing.assert_allclose(
        customer_lifetime_profit(
            BGBB, frequency=x[perm], recency=tx[perm], T=n[perm], spend=spend[perm], **kw
        ).clp,
        whole[perm],
        rtol=1e-12,
    )
    parts = [
        customer_lifetime_profit(
            BGBB,
            frequency=x[i : i + 77],
            recency=tx[i : i + 77],
            T=n[i : i + 77],
            spend=spend[i : i + 77],
            **kw,
        ).clp
        for i in range(0, 300, 77)
    ]
    np.testing.assert_allclose(np.concatenate(parts), whole, rtol=1e-12)
    uncollapsed = customer_lifetime_profit(
        BGBB, frequency=x, recency=tx, T=n, spend=spend, collapse=False, **kw
    )
    np.testing.assert_allclose(uncollapsed.clp, whole, rtol=1e-12)
    horizon_basis = {**kw, "cost_basis": "horizon"}
    np.testing.assert_allclose(
        customer_lifetime_profit(
            BGBB, frequency=x, recency=tx, T=n, spend=spend, collapse=False, **horizon_basis
        ).clp,
        customer_lifetime_profit(
            BGBB, frequency=x, recency=tx, T=n, spend=spend, **horizon_basis
        ).clp,
        rtol=1e-12,
    )


def test_result_is_read_only_and_totals() -> None:
    res = customer_lifetime_profit(
        BGBB,
        frequency=[1, 2],
        recency=[1, 3],
        T=6,
        spend=10.0,
        margin_rate=0.5,
        discount_rate=0.1,
        n_periods=3,
    )
    assert isinstance(res, CustomerProfit)
    with pytest.raises(ValueError, match="read-only"):
        res.clp[0] = 1.0
    assert res.total() == pytest.approx(float(res.clp.sum()))


def test_portfolio_path_equals_array_path() -> None:
    x, tx = np.array([0, 1, 3, 6]), np.array([0, 1, 6, 6])
    p = Portfolio.from_columns(
        ["a", "b", "c", "d"],
        {
            "frequency": x,
            "recency": tx,
            "T": np.full(4, 6),
            "zbar": [0.0, 20.0, 30.0, 60.0],
            "margin": [0.2, 0.3, 0.1, -0.05],
            "serve": [1.0, 0.0, 2.0, 3.0],
        },
    )
    via_p = portfolio_lifetime_profit(
        p,
        BGBB,
        spend_model=GG,
        average_spend="zbar",
        margin_rate="margin",
        cost_per_period="serve",
        discount_rate=0.1,
        n_periods=6,
    )
    direct = customer_lifetime_profit(
        BGBB,
        frequency=x,
        recency=tx,
        T=6,
        spend_model=GG,
        average_spend=[0.0, 20.0, 30.0, 60.0],
        margin_rate=[0.2, 0.3, 0.1, -0.05],
        cost_per_period=[1.0, 0.0, 2.0, 3.0],
        discount_rate=0.1,
        n_periods=6,
    )
    np.testing.assert_array_equal(via_p.clp, direct.clp)
    with pytest.raises(UnknownNameError):
        portfolio_lifetime_profit(
            p, BGBB, spend=1.0, margin_rate="nope", discount_rate=0.1, n_periods=2
        )


# ----------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"margin_rate": 1.5}, InvalidParameterError, r"'margin_rate' must be in \[-1, 1\]"),
        ({"cost_per_period": -1.0}, InvalidParameterError, "'cost_per_period' must be >= 0"),
        ({"discount_rate": -1.0}, InvalidParameterError, "'discount_rate' must be > -1"),
        ({"n_periods": 0}, InvalidParameterError, "'n_periods' must be >= 1"),
        ({"period_length": 0.0}, InvalidParameterError, "'period_length' must be > 0"),
        ({"cost_basis": "sometimes"}, InvalidParameterError, "'cost_basis' must be one of"),
        ({"spend": None}, InvalidParameterError, "exactly one of 'spend'"),
        ({"spend_model": GG}, InvalidParameterError, "exactly one of 'spend'"),
        (
            {"spend": 1.0, "average_spend": [1.0, 2.0]},
            InvalidParameterError,
            "'average_spend' is only used",
        ),
        (
            {"spend": None, "spend_model": GG},
            InvalidParameterError,
            "'average_spend' .* is required",
        ),
        (
            {"spend": [1.0, 2.0, 3.0]},
            ShapeMismatchError,
            "'spend' must be a scalar or have one value per customer",
        ),
        ({"spend": -1.0}, InvalidParameterError, "'spend' must be >= 0"),
        ({"margin_rate": float("nan")}, InvalidParameterError, "'margin_rate' must be finite"),
    ],
)
def test_bad_arguments(kwargs: dict[str, Any], error: type[Exception], match: str) -> None:
    base: dict[str, Any] = {"spend": 10.0, "margin_rate": 0.3, "discount_rate": 0.1, "n_periods": 4}
    with pytest.raises(error, match=match):
        customer_lifetime_profit(BGBB, frequency=[1, 2], recency=[1, 3], T=6, **(base | kwargs))


def test_bad_histories_and_models() -> None:
    kw: dict[str, Any] = {"spend": 10.0, "margin_rate": 0.3, "discount_rate": 0.1, "n_periods": 4}
    with pytest.raises(ShapeMismatchError, match="same length"):
        customer_lifetime_profit(BGBB, frequency=[1, 2], recency=[1], T=6, **kw)
    with pytest.raises(InvalidParameterError, match="must not be empty"):
        customer_lifetime_profit(BGBB, frequency=[], recency=[], T=6, **kw)
    with pytest.raises(InvalidParameterError, match="'recency' must be <= T"):
        customer_lifetime_profit(
            BGBB, frequency=[1, 2], recency=[1, 9], T=6, **kw
        )  # the model's own checks
    with pytest.raises(InvalidParameterError, match="'t' must be a whole number"):
        customer_lifetime_profit(
            BGBB, frequency=[1, 2], recency=[1, 3], T=6, period_length=0.5, **kw
        )
    with pytest.raises(InvalidParameterError, match="'expected_purchases' must be finite"):
        customer_lifetime_profit(Broken("nan"), frequency=[1, 2], recency=[1, 3], T=6, **kw)
    with pytest.raises(InvalidParameterError, match="'expected_purchases' must be non-decreasing"):
        customer_lifetime_profit(Broken("shrinking"), frequency=[1, 2], recency=[1, 3], T=6, **kw)
    with pytest.raises(ShapeMismatchError, match="one value per customer"):
        customer_lifetime_profit(Broken("shape"), frequency=[1, 2], recency=[1, 3], T=6, **kw)
    with pytest.raises(KamcoreError, match="'cost_basis' 'alive' needs"):
        customer_lifetime_profit(
            NoSurvival(), frequency=[1, 2], recency=[1, 3], T=6, cost_per_period=1.0, **kw
        )


def test_no_nan_for_extreme_but_valid_inputs() -> None:
    res = customer_lifetime_profit(
        BGBB,
        frequency=[0, 200],
        recency=[0, 200],
        T=200,
        spend=[0.0, 1e6],
        margin_rate=[1.0, -1.0],
        cost_per_period=[1e3, 0.0],
        discount_rate=0.0,
        n_periods=60,
    )
    assert np.all(np.isfinite(res.clp))
    assert math.isfinite(res.total())
