"""Per-customer results are keyed by customer id: CLP, model predictions, intervals.

The rule (kamcore.clp._predictions): a customer summary in gives an id-keyed
result in its row order; arrays in give arrays out; CustomerProfit is always
keyed (summary ids, explicit ids, a portfolio's ids, a pandas Series index,
else positional ids "0".."n-1").
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamcore import Portfolio
from kamcore.clp import (
    BetaGeo,
    CustomerPredictions,
    CustomerProfit,
    GammaGamma,
    ParetoNBD,
    PredictionInterval,
    customer_lifetime_profit,
    customer_lifetime_profit_interval,
    portfolio_lifetime_profit,
)
from kamcore.errors import InvalidParameterError, ShapeMismatchError, UnknownNameError
from kamcore.transactions import calibration_holdout, summarize_transactions

BG = BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426)
GG = GammaGamma(p=6.25, q=3.74, gamma=15.44)
CLP_ARGS = {"margin_rate": 0.3, "discount_rate": 0.01, "n_periods": 12, "period_length": 4.35}


def _summary(seed: int = 0, n: int = 40):
    """A summary of a random log whose ids are not in row order of creation."""
    rng = np.random.default_rng(seed)
    ids = rng.choice([f"c{i:03d}" for i in range(n)], 6 * n)
    days = np.datetime64("2024-01-01") + rng.integers(0, 300, ids.size)
    amounts = np.round(rng.gamma(2.0, 20.0, ids.size), 2)
    return (
        ids,
        days,
        amounts,
        summarize_transactions(ids, days, amounts, observation_end="2024-12-31", time_unit="W"),
    )


@pytest.fixture(scope="module")
def fitted():
    truth = BetaGeo(r=0.5, alpha=5.0, a=0.8, b=2.5)
    x, tx, T = truth.simulate(n_customers=800, T=39.0, rng=np.random.default_rng(3))
    return BetaGeo.fit(frequency=x, recency=tx, T=T)


# ----------------------------------------------------------------- CustomerProfit
def test_profit_from_summary_is_keyed_by_its_ids_in_its_order():
    *_, s = _summary()
    res = customer_lifetime_profit(BG, s, spend_model=GG, **CLP_ARGS)
    assert isinstance(res, CustomerProfit)
    assert res.ids.tolist() == s.ids.tolist()
    arrays = customer_lifetime_profit(
        BG,
        frequency=s.frequency,
        recency=s.recency,
        T=s.T,
        spend_model=GG,
        average_spend=s.monetary_value,
        **CLP_ARGS,
    )
    np.testing.assert_array_equal(res.clp, arrays.clp)
    # each customer's value is computed from its own history: check two by hand
    for i in (0, len(s) - 1):
        one = customer_lifetime_profit(
            BG,
            frequency=s.frequency[i : i + 1],
            recency=s.recency[i : i + 1],
            T=s.T[i : i + 1],
            spend_model=GG,
            average_spend=s.monetary_value[i : i + 1],
            **CLP_ARGS,
        )
        assert res.clp[i] == pytest.approx(one.clp[0], rel=1e-12)


def test_profit_follows_the_rows_when_they_are_permuted():
    *_, s = _summary(1)
    order = np.random.default_rng(5).permutation(len(s))
    base = customer_lifetime_profit(BG, s, spend_model=GG, **CLP_ARGS)
    perm = customer_lifetime_profit(
        BG,
        frequency=s.frequency[order],
        recency=s.recency[order],
        T=s.T[order],
        spend_model=GG,
        average_spend=s.monetary_value[order],
        ids=s.ids[order],
        **CLP_ARGS,
    )
    by_id = dict(zip(perm.ids.tolist(), perm.clp.tolist(), strict=True))
    assert [by_id[i] for i in base.ids.tolist()] == pytest.approx(base.clp.tolist(), rel=1e-12)


def test_calibration_holdout_keys_by_calibration_ids():
    ids, days, amounts, _ = _summary(2)
    split = calibration_holdout(
        ids,
        days,
        amounts,
        calibration_end="2024-06-30",
        observation_end="2024-12-31",
        time_unit="W",
    )
    res = customer_lifetime_profit(BG, split, spend=10.0, **CLP_ARGS)
    assert res.ids.tolist() == split.calibration.ids.tolist()
    np.testing.assert_array_equal(
        res.clp,
        customer_lifetime_profit(BG, split.calibration, spend=10.0, **CLP_ARGS).clp,
    )


@pytest.mark.parametrize("backend", ["pandas", "polars", "pyarrow"])
def test_profit_to_frame_every_backend(backend):
    pytest.importorskip(backend)
    *_, s = _summary(3)
    res = customer_lifetime_profit(BG, s, spend_model=GG, **CLP_ARGS)
    frame = res.to_frame(backend)
    if backend == "pyarrow":
        names = frame.column_names
        ids = frame.column("id").to_pylist()
        clp = np.asarray(frame.column("clp").to_pylist())
    else:
        names = list(frame.columns)
        ids = list(frame["id"])
        clp = np.asarray(frame["clp"])
    assert names == [
        "id",
        "clp",
        "discounted_margin",
        "discounted_cost",
        "discounted_revenue",
        "purchases",
        "spend",
    ]
    assert ids == s.ids.tolist()
    np.testing.assert_array_equal(clp, res.clp)


def test_ranked_sorts_by_clp_then_id():
    pd = pytest.importorskip("pandas")
    res = CustomerProfit(
        [1.0, 5.0, 5.0, -2.0],
        [1.0] * 4,
        [0.0] * 4,
        [1.0] * 4,
        [1.0] * 4,
        [1.0] * 4,
        ids=["d", "c", "b", "a"],
    )
    ranked = res.ranked()
    assert isinstance(ranked, pd.DataFrame)
    assert ranked["id"].tolist() == ["b", "c", "d", "a"]
    assert ranked["clp"].tolist() == [5.0, 5.0, 1.0, -2.0]


def test_pandas_series_index_is_carried_through():
    pd = pytest.importorskip("pandas")
    index = pd.Index([1017, 3, 250])
    x = pd.Series([2, 0, 5], index=index)
    tx = pd.Series([20.0, 0.0, 30.0], index=index)
    res = customer_lifetime_profit(BG, frequency=x, recency=tx, T=39.0, spend=50.0, **CLP_ARGS)
    assert res.ids.tolist() == ["1017", "3", "250"]  # integer ids kept as text
    frame = res.to_frame()
    assert frame["id"].tolist() == ["1017", "3", "250"]
    assert frame["clp"].tolist() == res.clp.tolist()
    # a Series with another index is refused rather than misaligned
    other = pd.Series([20.0, 0.0, 30.0], index=[3, 1017, 250])
    with pytest.raises(InvalidParameterError, match="share one index"):
        customer_lifetime_profit(BG, frequency=x, recency=other, T=39.0, spend=50.0, **CLP_ARGS)


def test_explicit_and_positional_ids():
    hist = {"frequency": [2, 0, 5], "recency": [20.0, 0.0, 30.0], "T": 39.0, "spend": 50.0}
    assert customer_lifetime_profit(BG, **hist, **CLP_ARGS).ids.tolist() == ["0", "1", "2"]
    res = customer_lifetime_profit(BG, **hist, ids=[7, 8, 9], **CLP_ARGS)
    assert res.ids.tolist() == ["7", "8", "9"]
    with pytest.raises(InvalidParameterError, match="'ids' must be unique"):
        customer_lifetime_profit(BG, **hist, ids=["a", "b", "a"], **CLP_ARGS)
    with pytest.raises(ShapeMismatchError, match="one id per customer"):
        customer_lifetime_profit(BG, **hist, ids=["a", "b"], **CLP_ARGS)
    with pytest.raises(InvalidParameterError):
        customer_lifetime_profit(BG, **hist, ids=["a", None, "c"], **CLP_ARGS)


def test_summary_and_arrays_are_exclusive():
    *_, s = _summary(4)
    with pytest.raises(InvalidParameterError, match="'frequency' must not be given with 'data'"):
        customer_lifetime_profit(BG, s, frequency=s.frequency, spend=1.0, **CLP_ARGS)
    with pytest.raises(InvalidParameterError, match="'ids' must not be given"):
        customer_lifetime_profit(BG, s, ids=s.ids, spend=1.0, **CLP_ARGS)
    with pytest.raises(InvalidParameterError, match="'recency' is required"):
        customer_lifetime_profit(BG, frequency=[1], T=[3.0], spend=1.0, **CLP_ARGS)
    with pytest.raises(InvalidParameterError, match="TransactionSummary or a CalibrationHoldout"):
        customer_lifetime_profit(BG, {"frequency": [1]}, spend=1.0, **CLP_ARGS)


def test_portfolio_profit_carries_portfolio_ids():
    p = Portfolio.from_columns(
        ["z", "y", "x"],
        {"frequency": [2, 0, 5], "recency": [20.0, 0.0, 30.0], "T": [39.0, 39.0, 39.0]},
    )
    res = portfolio_lifetime_profit(p, BG, spend=50.0, **CLP_ARGS)
    assert res.ids.tolist() == ["z", "y", "x"]


def test_profit_built_by_hand_and_its_checks():
    ones = np.ones(3)
    assert CustomerProfit(ones, ones, ones, ones, ones, ones).ids.tolist() == ["0", "1", "2"]
    with pytest.raises(ShapeMismatchError, match="one value per customer id"):
        CustomerProfit(ones, ones, ones, ones, ones, ones, ids=["a", "b"])


def test_profit_pickles_with_its_ids():
    *_, s = _summary(5)
    res = customer_lifetime_profit(BG, s, spend_model=GG, **CLP_ARGS)
    back = pickle.loads(pickle.dumps(res))
    assert back.ids.tolist() == res.ids.tolist()
    assert not back.ids.flags.writeable
    assert "CustomerProfit" in res._repr_html_()
    assert s.ids[0] in res._repr_html_()


# ----------------------------------------------------------------- model.predict
def test_predict_is_keyed_and_equals_the_array_methods():
    *_, s = _summary(6)
    for model in (BG, ParetoNBD(r=0.553, alpha=10.578, s=0.606, beta=11.669)):
        pred = model.predict(s, t=26.0)
        assert isinstance(pred, CustomerPredictions)
        assert pred.ids.tolist() == s.ids.tolist()
        assert pred.t == 26.0
        assert pred.model == type(model).__name__
        hist = {"frequency": s.frequency, "recency": s.recency, "T": s.T}
        np.testing.assert_array_equal(
            pred["expected_purchases"], model.expected_purchases(t=26.0, **hist)
        )
        np.testing.assert_array_equal(pred["probability_alive"], model.probability_alive(**hist))


def test_predict_calibration_holdout_defaults_to_the_holdout_length():
    ids, days, amounts, _ = _summary(7)
    split = calibration_holdout(
        ids,
        days,
        amounts,
        calibration_end="2024-06-30",
        observation_end="2024-12-31",
        time_unit="W",
    )
    pred = BG.predict(split)
    assert pred.t == split.holdout_length == pytest.approx(184 / 7)
    assert pred.ids.tolist() == split.ids.tolist()
    with pytest.raises(InvalidParameterError, match="'t'"):
        BG.predict(split.calibration)
    with pytest.raises(InvalidParameterError, match="TransactionSummary"):
        BG.predict(np.zeros(3), t=1.0)
    with pytest.raises(InvalidParameterError, match="'t' must be"):
        BG.predict(split, t="a week")
    with pytest.raises(ShapeMismatchError, match="'t' must be a scalar or have one value"):
        BG.predict(split, t=[1.0, 2.0])
    per_customer = BG.predict(split, t=np.arange(len(split), dtype=float))
    assert per_customer.t is None
    assert per_customer["expected_purchases"][0] == 0.0


def test_predict_with_intervals(fitted):
    *_, s = _summary(8)
    pred = fitted.predict(s, t=39.0, level=0.9)
    assert pred.level == 0.9
    cols = pred.columns()
    assert list(cols) == [
        "expected_purchases",
        "probability_alive",
        "expected_purchases_lower",
        "expected_purchases_upper",
        "probability_alive_lower",
        "probability_alive_upper",
    ]
    assert np.all(cols["expected_purchases_lower"] <= cols["expected_purchases"])
    assert np.all(cols["expected_purchases"] <= cols["expected_purchases_upper"])
    iv = fitted.expected_purchases_interval(
        t=39.0, frequency=s.frequency, recency=s.recency, T=s.T, level=0.9
    )
    np.testing.assert_allclose(cols["expected_purchases_upper"], iv.upper, rtol=1e-12)


@pytest.mark.parametrize("backend", ["pandas", "polars", "pyarrow"])
def test_predictions_to_frame_every_backend(backend):
    pytest.importorskip(backend)
    *_, s = _summary(9)
    pred = BG.predict(s, t=10.0)
    frame = pred.to_frame(backend, id_column="customer")
    if backend == "pyarrow":
        assert frame.column_names == ["customer", "expected_purchases", "probability_alive"]
        assert frame.column("customer").to_pylist() == s.ids.tolist()
    else:
        assert list(frame.columns) == ["customer", "expected_purchases", "probability_alive"]
        assert list(frame["customer"]) == s.ids.tolist()
        np.testing.assert_array_equal(
            np.asarray(frame["expected_purchases"]), pred["expected_purchases"]
        )


def test_gamma_gamma_predict_is_keyed():
    *_, s = _summary(10)
    pred = GG.predict(s)
    assert pred.ids.tolist() == s.ids.tolist()
    np.testing.assert_array_equal(
        pred["expected_spend"],
        GG.conditional_expected_average_spend(
            frequency=s.frequency, average_spend=s.monetary_value
        ),
    )
    with pytest.raises(UnknownNameError, match="expected_spnd"):
        pred["expected_spnd"]


def test_customer_predictions_checks_shapes():
    with pytest.raises(ShapeMismatchError, match="'x'"):
        CustomerPredictions(ids=["a", "b"], values={"x": [1.0]}, model="M")
    with pytest.raises(InvalidParameterError, match="'values' must be a mapping"):
        CustomerPredictions(ids=["a", "b"], values=[1.0, 2.0], model="M")
    with pytest.raises(InvalidParameterError, match="'model' must be a non-empty str"):
        CustomerPredictions(ids=["a", "b"], values={"x": [1.0, 2.0]}, model="")
    with pytest.raises(InvalidParameterError, match="'ids' must be unique"):
        CustomerPredictions(ids=["a", "a"], values={"x": [1.0, 2.0]}, model="M")
    with pytest.raises(InvalidParameterError, match="values\\['x'\\]"):
        CustomerPredictions(ids=["a", "b"], values={"x": [1.0, np.nan]}, model="M")
    pred = CustomerPredictions(ids=["a", "b"], values={"x": [1.0, 2.0]}, model="M")
    assert len(pred) == 2
    assert not pred["x"].flags.writeable
    assert "n=2" in repr(pred)


# ----------------------------------------------------------------- intervals
def test_clp_interval_from_summary_is_keyed(fitted):
    pytest.importorskip("pandas")
    *_, s = _summary(11)
    iv = customer_lifetime_profit_interval(fitted, s, spend=20.0, level=0.8, **CLP_ARGS)
    assert isinstance(iv, PredictionInterval)
    assert iv.ids.tolist() == s.ids.tolist()
    frame = iv.to_frame()
    assert list(frame.columns) == ["id", "estimate", "lower", "upper", "standard_error"]
    assert frame["id"].tolist() == s.ids.tolist()
    point = customer_lifetime_profit(fitted, s, spend=20.0, **CLP_ARGS)
    np.testing.assert_allclose(iv.estimate, point.clp, rtol=1e-12)


def test_array_intervals_have_no_ids(fitted):
    iv = fitted.probability_alive_interval(frequency=[0, 2], recency=[0.0, 20.0], T=39.0)
    assert iv.ids is None
    with pytest.raises(InvalidParameterError, match="no customer ids"):
        iv.to_frame()
    assert "row" in iv._repr_html_()
    scalar = fitted.expected_purchases_interval(t=10.0, frequency=1, recency=5.0, T=39.0)
    assert "n=1" in repr(scalar)
    with pytest.raises(ShapeMismatchError, match="one id per estimate"):
        PredictionInterval(
            estimate=[1.0, 2.0],
            lower=[0.0, 1.0],
            upper=[2.0, 3.0],
            standard_error=[1.0, 1.0],
            level=0.9,
            ids=["a"],
        )


# ----------------------------------------------------------------- positional ids
@settings(max_examples=60, deadline=None)
@given(st.integers(0, 250_000))
def test_positional_ids_equal_the_decimal_text_of_each_position(n):
    from kamcore.clp._predictions import positional_ids

    ids = positional_ids(n)
    assert ids.shape == (n,)
    # scalar reference at the ends and around every power of ten below n
    probes = {0, n - 1, *(p + d for p in (10, 100, 1000, 10_000, 100_000) for d in (-1, 0, 1))}
    for i in sorted(k for k in probes if 0 <= k < n):
        assert ids[i] == str(i)
    if n <= 2_000:
        assert ids.tolist() == [str(i) for i in range(n)]


def test_reprs_stay_short_and_html_is_escaped_on_10k_customers():
    n = 10_000
    ids = [f"<c{i}>" for i in range(n)]
    pred = CustomerPredictions(ids=ids, values={"expected_purchases": np.ones(n)}, model="BetaGeo")
    profit = CustomerProfit(*([np.ones(n)] * 6), ids=ids)
    for obj in (pred, profit):
        text = repr(obj)
        assert len(text) < 300, text
        assert "array(" not in text
        html = obj._repr_html_()
        assert "&lt;c0&gt;" in html
        assert "<c0>" not in html
        assert "9995 more rows" in html


def test_clp_interval_from_arrays_is_keyed_by_ids_or_series_index(fitted):
    pd = pytest.importorskip("pandas")
    hist = {"recency": [20.0, 0.0, 30.0], "T": 39.0, "spend": 50.0}
    iv = customer_lifetime_profit_interval(
        fitted, frequency=[2, 0, 5], ids=["x", "y", "z"], **hist, **CLP_ARGS
    )
    assert iv.ids.tolist() == ["x", "y", "z"]
    x = pd.Series([2, 0, 5], index=[30, 10, 20])
    by_index = customer_lifetime_profit_interval(fitted, frequency=x, **hist, **CLP_ARGS)
    assert by_index.ids.tolist() == ["30", "10", "20"]
    np.testing.assert_allclose(by_index.estimate, iv.estimate, rtol=1e-12)
    with pytest.raises(InvalidParameterError, match="'ids' must be unique"):
        customer_lifetime_profit_interval(
            fitted, frequency=[2, 0, 5], ids=["x", "x", "z"], **hist, **CLP_ARGS
        )
