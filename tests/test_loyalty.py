"""Tests of kamcore.loyalty: ratios, delivered value, retention model and loyalty matrices."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kamcore.clp import FitReport
from kamcore.errors import (
    ConvergenceError,
    InvalidParameterError,
    KamcoreError,
    ShapeMismatchError,
)
from kamcore.loyalty import (
    DickBasu,
    JonesSasser,
    RetentionModel,
    attitude_behaviour_matrix,
    attraction_barrier_matrix,
    cross_sell_ratio,
    customer_delivered_value,
    repeat_ratio,
    share_of_wallet,
)

finite = st.floats(-1e6, 1e6, allow_nan=False)
money = st.floats(0.0, 1e9, allow_nan=False)


# ------------------------------------------------------------------ ratios: hand examples
def test_share_of_wallet_rules() -> None:
    np.testing.assert_allclose(share_of_wallet([25.0, 0.0], 100.0), [0.25, 0.0])
    with pytest.raises(InvalidParameterError, match="'our_spend' must be <= 'category_spend'"):
        share_of_wallet([120.0], [100.0])
    with pytest.raises(InvalidParameterError, match="'category_spend'"):
        share_of_wallet([1.0], [0.0])
    with pytest.raises(InvalidParameterError, match="'our_spend'"):
        share_of_wallet([-1.0], [10.0])


def test_share_of_wallet_hand_example() -> None:
    # A customer spends 200 in the category; 50 with us -> 25 %; a sole supplier -> 100 %.
    got = share_of_wallet([50.0, 120.0, 0.0], [200.0, 120.0, 10.0])
    np.testing.assert_array_equal(got, [0.25, 1.0, 0.0])
    assert got.dtype == np.float64


def test_cross_sell_and_repeat_hand_examples() -> None:
    # 30 of 120 sold outside the main business; 3 repeat purchases among 4.
    np.testing.assert_array_equal(cross_sell_ratio([30.0, 0.0], [120.0, 5.0]), [0.25, 0.0])
    np.testing.assert_array_equal(repeat_ratio([3, 9], [4, 10]), [0.75, 0.9])


def test_ratio_broadcasts_scalar_whole() -> None:
    np.testing.assert_array_equal(share_of_wallet([1.0, 2.0], 4.0), [0.25, 0.5])


def test_ratio_if_zero_is_explicit() -> None:
    with pytest.raises(InvalidParameterError, match="'category_spend' must be > 0"):
        share_of_wallet([0.0, 1.0], [0.0, 2.0])
    np.testing.assert_array_equal(share_of_wallet([0.0, 1.0], [0.0, 2.0], if_zero=0.0), [0, 0.5])
    with pytest.raises(InvalidParameterError, match="'if_zero'"):
        share_of_wallet([0.0], [0.0], if_zero=2.0)


@pytest.mark.parametrize(
    ("part", "whole", "pattern"),
    [
        ([-1.0], [2.0], r"'our_spend' must be >= 0; got 1 bad value \(first at index 0: -1.0\)"),
        ([1.0], [-2.0], "'category_spend' must be >= 0"),
        ([3.0, 1.0], [2.0, 2.0], "'our_spend' must be <= 'category_spend'"),
        ([math.nan], [2.0], "'our_spend' must be finite"),
        ([1.0], [math.inf], "'category_spend' must be finite"),
        (["a"], [2.0], "'our_spend' must be numeric"),
    ],
)
def test_ratio_bad_input(part: list[object], whole: list[object], pattern: str) -> None:
    with pytest.raises(InvalidParameterError, match=pattern):
        share_of_wallet(part, whole)  # type: ignore[arg-type]


def test_ratio_shape_mismatch() -> None:
    with pytest.raises(ShapeMismatchError):
        cross_sell_ratio([1.0, 2.0], [3.0, 4.0, 5.0])


def test_ratio_does_not_write_into_inputs() -> None:
    part = np.array([1.0, 2.0])
    whole = np.array([2.0, 4.0])
    share_of_wallet(part, whole)
    np.testing.assert_array_equal(part, [1.0, 2.0])
    np.testing.assert_array_equal(whole, [2.0, 4.0])


@given(st.lists(st.tuples(money, money), min_size=0, max_size=30))
def test_ratio_vectorised_equals_scalar(pairs: list[tuple[float, float]]) -> None:
    part = [min(a, b) for a, b in pairs]
    whole = [max(a, b) for a, b in pairs]
    got = repeat_ratio(part, whole, if_zero=0.5)

    def ref(p: float, w: float) -> float:
        return 0.5 if w == 0 else p / w

    assert got.tolist() == [ref(p, w) for p, w in zip(part, whole, strict=True)]
    assert np.all((got >= 0) & (got <= 1))


# ------------------------------------------------------------------ CDV
def test_cdv_hand_example() -> None:
    # value 50+20+10+5 = 85, cost 40+10+5+5 = 60 -> CDV 25.
    got = customer_delivered_value(
        product=50, service=20, personnel=10, image=5, money=40, time=10, effort=5, psychic=5
    )
    assert float(got) == 25.0


@given(st.lists(st.tuples(*([money] * 8)), min_size=1, max_size=20))
def test_cdv_vectorised_equals_scalar(rows: list[tuple[float, ...]]) -> None:
    cols = list(zip(*rows, strict=True))
    names = ["product", "service", "personnel", "image", "money", "time", "effort", "psychic"]
    got = customer_delivered_value(**dict(zip(names, cols, strict=True)))
    ref = [(r[0] + r[1] + r[2] + r[3]) - (r[4] + r[5] + r[6] + r[7]) for r in rows]
    assert got.tolist() == ref


def test_cdv_rejects_negative_part_by_name() -> None:
    with pytest.raises(InvalidParameterError, match="'psychic' must be >= 0"):
        customer_delivered_value(product=[1.0, 2.0], psychic=[0.0, -1.0])
    with pytest.raises(ShapeMismatchError):
        customer_delivered_value(product=[1.0, 2.0], money=[1.0, 2.0, 3.0])


# ------------------------------------------------------------------ retention model
def scalar_retention(b: tuple[float, float, float, float], a: float, s: float) -> float:
    eta = b[0] + b[1] * a + b[2] * s + b[3] * a * s
    return 1.0 / (1.0 + math.exp(-eta))


@st.composite
def monotone_models(draw: st.DrawFn) -> RetentionModel:
    """Coefficients anywhere in the allowed (monotone) domain, including its edges."""
    a_lo = draw(st.floats(-10, 0, allow_nan=False))
    a_hi = a_lo + draw(st.floats(0.1, 20, allow_nan=False))
    b3 = draw(st.floats(-2, 2, allow_nan=False))
    b1 = max(-b3 * 0.0, -b3 * 1.0) + draw(st.sampled_from([0.0, 0.3]) | st.floats(0, 2))
    b2 = max(-b3 * a_lo, -b3 * a_hi) + draw(st.sampled_from([0.0, 0.3]) | st.floats(0, 2))
    b0 = draw(st.floats(-5, 5, allow_nan=False))
    return RetentionModel(b0, b1, b2, b3, attraction_range=(a_lo, a_hi))


@given(monotone_models(), st.data())
def test_retention_never_decreases(model: RetentionModel, data: st.DataObject) -> None:
    lo, hi = model.attraction_range
    a = np.sort(data.draw(hnp.arrays(np.float64, 8, elements=st.floats(lo, hi))))
    s = np.sort(data.draw(hnp.arrays(np.float64, 8, elements=st.floats(0, 1))))
    grid = model.retention(attraction=a[:, None], barrier=s[None, :])
    assert grid.shape == (8, 8)
    assert np.all((grid >= 0) & (grid <= 1))
    assert np.all(np.diff(grid, axis=0) >= -1e-12)  # in attraction
    assert np.all(np.diff(grid, axis=1) >= -1e-12)  # in barrier


@given(monotone_models(), st.data())
def test_retention_vectorised_equals_scalar(model: RetentionModel, data: st.DataObject) -> None:
    lo, hi = model.attraction_range
    a = data.draw(hnp.arrays(np.float64, 5, elements=st.floats(lo, hi)))
    s = data.draw(hnp.arrays(np.float64, 5, elements=st.floats(0, 1)))
    got = model.retention(attraction=a, barrier=s)
    ref = [scalar_retention(model.coefficients, x, y) for x, y in zip(a, s, strict=True)]
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-15)


def test_retention_default_coefficients_documented_values() -> None:
    m = RetentionModel()
    assert m.coefficients == (0.5, 0.5, 2.0, -0.25)
    # barriers matter most when satisfaction is low (JMB 2000): the barrier's logit effect
    gap = m.logit(attraction=[-6.0, 0.0, 6.0], barrier=1.0) - m.logit(
        attraction=[-6.0, 0.0, 6.0], barrier=0.0
    )
    np.testing.assert_allclose(gap, [3.5, 2.0, 0.5])


def test_retention_rejects_non_monotone_coefficients() -> None:
    with pytest.raises(InvalidParameterError, match="non-decreasing"):
        RetentionModel(0.0, -0.1, 1.0, 0.0)
    with pytest.raises(InvalidParameterError, match=r"b2 \+ b3\*-6"):
        RetentionModel(0.0, 1.0, 1.0, 0.5)  # barrier slope 1 - 3 < 0 at gap -6
    with pytest.raises(InvalidParameterError, match="'b2' must be finite"):
        RetentionModel(0.0, 1.0, math.nan, 0.0)
    with pytest.raises(InvalidParameterError, match="'attraction_range'"):
        RetentionModel(attraction_range=(1.0, -1.0))
    with pytest.raises(InvalidParameterError, match="'barrier_range'"):
        RetentionModel(barrier_range=(0.0, math.inf))


def test_retention_rejects_inputs_outside_declared_domain() -> None:
    m = RetentionModel()
    with pytest.raises(InvalidParameterError, match="'attraction' must be in"):
        m.retention(attraction=[7.0], barrier=[0.5])
    with pytest.raises(InvalidParameterError, match="'barrier' must be in"):
        m.retention(attraction=[0.0], barrier=[1.5])
    with pytest.raises(InvalidParameterError, match="'barrier' must be finite"):
        m.retention(attraction=[0.0], barrier=[math.nan])


# ------------------------------------------------------------------ fit
def _simulate(
    model: RetentionModel, n: int, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    a = rng.uniform(*model.attraction_range, n)
    s = rng.uniform(0.0, 1.0, n)
    y = (rng.random(n) < model.retention(attraction=a, barrier=s)).astype(np.int64)
    return a, s, y


def _loglik(b: tuple[float, ...], a: np.ndarray, s: np.ndarray, y: np.ndarray) -> float:
    total = 0.0
    for x, z, yy in zip(a.tolist(), s.tolist(), y.tolist(), strict=True):
        p = scalar_retention((b[0], b[1], b[2], b[3]), x, z)
        total += math.log(p) if yy else math.log1p(-p)
    return total


def _fit(a: np.ndarray, s: np.ndarray, y: np.ndarray, **kw: Any) -> RetentionModel:
    return RetentionModel.fit(attraction=a, barrier=s, retained=y, **kw)


def _report(model: RetentionModel) -> FitReport:
    assert model.fit_report is not None
    return model.fit_report


@pytest.mark.parametrize("seed", [1, 2])
def test_fit_recovers_known_coefficients(seed: int) -> None:
    truth = RetentionModel(-0.3, 0.35, 1.8, -0.2)
    a, s, y = _simulate(truth, 20_000, seed)
    model = _fit(a, s, y)
    fit = _report(model)
    assert isinstance(model, RetentionModel)
    assert fit.converged
    assert fit.n == 20_000
    for name, true_value in zip(fit.parameter_names, truth.coefficients, strict=True):
        est = getattr(model, name)
        assert abs(est - true_value) < 4.5 * fit.standard_errors[name], name
    # the MLE is at least as likely as the truth, and log-likelihood matches a scalar reference
    assert fit.log_likelihood >= _loglik(truth.coefficients, a, s, y) - 1e-6
    assert fit.log_likelihood == pytest.approx(_loglik(model.coefficients, a, s, y), rel=1e-10)
    assert fit.active_constraints == ()


def test_fit_standard_errors_match_numerical_hessian() -> None:
    truth = RetentionModel(0.1, 0.3, 1.0, -0.1)
    a, s, y = _simulate(truth, 3000, 3)
    model = _fit(a, s, y)
    fit = _report(model)
    b = np.array(model.coefficients)
    h = 1e-4
    hess = np.zeros((4, 4))
    for i in range(4):
        for j in range(4):
            e_i, e_j = np.eye(4)[i] * h, np.eye(4)[j] * h
            hess[i, j] = (
                _loglik(tuple(b + e_i + e_j), a, s, y)
                - _loglik(tuple(b + e_i - e_j), a, s, y)
                - _loglik(tuple(b - e_i + e_j), a, s, y)
                + _loglik(tuple(b - e_i - e_j), a, s, y)
            ) / (4 * h * h)
    cov_numeric = np.linalg.inv(-hess)
    se_numeric = np.sqrt(np.diag(cov_numeric))
    np.testing.assert_allclose(list(fit.standard_errors.values()), se_numeric, rtol=1e-3)
    np.testing.assert_allclose(np.sqrt(np.diag(fit.covariance)), list(fit.standard_errors.values()))
    # the whole covariance, off-diagonal terms included
    np.testing.assert_allclose(
        fit.covariance, cov_numeric, rtol=2e-3, atol=1e-3 * se_numeric.max() ** 2
    )


def test_fit_without_interaction_and_with_weights() -> None:
    truth = RetentionModel(0.0, 0.4, 1.2, 0.0)
    a, s, y = _simulate(truth, 4000, 5)
    model = _fit(a, s, y, interaction=False)
    fit = _report(model)
    assert fit.parameter_names == ("b0", "b1", "b2")
    assert model.b3 == 0.0
    # duplicating every row == weight 2: same estimates
    model2 = _fit(a, s, y, weights=np.full(a.size, 2.0), interaction=False)
    fit2 = _report(model2)
    np.testing.assert_allclose(model2.coefficients, model.coefficients, atol=1e-5)
    assert fit2.log_likelihood == pytest.approx(2 * fit.log_likelihood, rel=1e-6)
    assert fit2.n == 2 * fit.n == 8000


def test_fit_hits_monotonicity_constraint_and_reports_it() -> None:
    # outcomes that *fall* with attraction: the constrained MLE sits on b1 + b3*s >= 0
    rng = np.random.default_rng(11)
    a = rng.uniform(-6, 6, 5000)
    s = rng.uniform(0, 1, 5000)
    y = rng.random(5000) < 1 / (1 + np.exp(0.3 * a - 1.0 * s))
    m = _fit(a, s, y)  # constructor accepted it, so it is monotone over the box
    assert _report(m).active_constraints
    assert min(m.b1, m.b1 + m.b3) >= 0


def test_fit_output_is_a_clp_retention_input() -> None:
    truth = RetentionModel()
    a, s, y = _simulate(truth, 2000, 9)
    r = _fit(a, s, y).retention(attraction=a, barrier=s)
    assert r.dtype == np.float64
    assert r.shape == a.shape
    assert np.all((r >= 0) & (r <= 1))


def test_fit_bad_inputs() -> None:
    a = np.linspace(-5, 5, 50)
    s = np.linspace(0, 1, 50)
    with pytest.raises(InvalidParameterError, match="both retained and lost"):
        _fit(a, s, np.ones(50))
    with pytest.raises(InvalidParameterError, match="'retained' must be in"):
        _fit(a, s, np.full(50, 2.0))
    with pytest.raises(ShapeMismatchError, match="same length"):
        _fit(a, s[:-1], np.ones(50))
    with pytest.raises(InvalidParameterError, match="'attraction' must be in"):
        _fit(a * 10, s, np.ones(50))
    with pytest.raises(InvalidParameterError, match="'weights' must be >= 0"):
        _fit(a, s, np.ones(50), weights=-np.ones(50))
    with pytest.raises(InvalidParameterError, match="'max_iterations'"):
        _fit(a, s, a > 0, max_iterations=0)


def test_fit_and_predictions_take_keywords_only() -> None:
    a = np.linspace(-5, 5, 50)
    s = np.linspace(0, 1, 50)
    with pytest.raises(TypeError):
        RetentionModel.fit(a, s, a > 0)  # type: ignore[misc]
    with pytest.raises(TypeError):
        RetentionModel().retention(a, s)  # type: ignore[misc]
    with pytest.raises(TypeError):
        RetentionModel().logit(a, s)  # type: ignore[misc]


def test_fit_separated_outcomes_raise_convergence_error() -> None:
    a = np.linspace(-5, 5, 200)
    s = np.tile([0.2, 0.8], 100)
    with pytest.raises(ConvergenceError):
        _fit(a, s, a > 0)


def test_fit_constant_input_is_not_identified() -> None:
    rng = np.random.default_rng(0)
    a = rng.uniform(-3, 3, 500)
    with pytest.raises(ConvergenceError, match="not identified"):
        _fit(a, np.full(500, 0.5), rng.random(500) < 0.6)


def test_a_model_built_from_coefficients_has_no_fit_report() -> None:
    assert RetentionModel().fit_report is None
    a, s, y = _simulate(RetentionModel(), 1000, 4)
    fitted = _fit(a, s, y)
    # the report is not part of equality
    assert fitted == RetentionModel(*fitted.coefficients)


# ------------------------------------------------------------------ loyalty matrices
def test_attraction_barrier_matrix_hand_example() -> None:
    m = attraction_barrier_matrix(
        [3.0, 3.0, -1.0, -1.0, 1.0], [0.9, 0.1, 0.9, 0.1, 0.5]
    )  # means: attraction 1.0, barrier 0.5; equal to the mean counts as high
    assert m.x_threshold == 1.0
    assert m.y_threshold == 0.5
    assert m.segments().tolist() == ["loyal", "mercenary", "hostage", "defector", "loyal"]
    assert m.counts() == {"loyal": 2, "mercenary": 1, "hostage": 1, "defector": 1}
    assert m.members(JonesSasser.HOSTAGE).tolist() == [2]
    assert m.members("loyal").tolist() == [0, 4]
    assert len(m) == 5
    assert not m.codes.flags.writeable


def test_matrix_given_thresholds_and_median() -> None:
    m = attitude_behaviour_matrix(
        [5, 1, 5, 1], [0.9, 0.9, 0.1, 0.1], attitude_threshold=3, behaviour_threshold=0.5
    )
    assert [DickBasu(c) for c in m.codes] == [
        DickBasu.TRUE,
        DickBasu.SPURIOUS,
        DickBasu.LATENT,
        DickBasu.NONE,
    ]
    med = attraction_barrier_matrix(
        [0.0, 1.0, 100.0], [0.0, 1.0, 2.0], attraction_threshold="median"
    )
    assert med.x_threshold == 1.0


def test_matrix_bad_input() -> None:
    with pytest.raises(InvalidParameterError, match="'attraction_threshold' must be one of"):
        attraction_barrier_matrix([1.0], [1.0], attraction_threshold="mode")  # type: ignore[arg-type]
    with pytest.raises(ShapeMismatchError):
        attraction_barrier_matrix([1.0, 2.0], [1.0])
    with pytest.raises(InvalidParameterError, match="'barrier' must be finite"):
        attraction_barrier_matrix([1.0], [math.nan])
    with pytest.raises(InvalidParameterError, match="needs at least one account"):
        attraction_barrier_matrix([], [])
    with pytest.raises(InvalidParameterError, match="'segment' must be one of"):
        attraction_barrier_matrix([1.0], [1.0]).members("latent")


@given(
    hnp.arrays(np.float64, st.integers(1, 40), elements=finite),
    st.data(),
    st.sampled_from(["mean", "median"]),
)
def test_matrix_stable_under_permutation(x: np.ndarray, data: st.DataObject, rule: str) -> None:
    y = data.draw(hnp.arrays(np.float64, x.shape, elements=finite))
    perm = data.draw(st.permutations(range(x.size)))
    base = attraction_barrier_matrix(x, y, attraction_threshold=rule, barrier_threshold=rule)  # type: ignore[arg-type]
    moved = attraction_barrier_matrix(
        x[perm],
        y[perm],
        attraction_threshold=rule,
        barrier_threshold=rule,  # type: ignore[arg-type]
    )
    assert moved.codes.tolist() == base.codes[perm].tolist()
    assert (moved.x_threshold, moved.y_threshold) == (base.x_threshold, base.y_threshold)


@given(
    hnp.arrays(np.float64, st.integers(1, 30), elements=finite),
    st.data(),
    finite,
    finite,
)
def test_matrix_equals_scalar_reference(
    x: np.ndarray, data: st.DataObject, tx: float, ty: float
) -> None:
    y = data.draw(hnp.arrays(np.float64, x.shape, elements=finite))
    m = attitude_behaviour_matrix(x, y, attitude_threshold=tx, behaviour_threshold=ty)

    def ref(a: float, b: float) -> str:
        if a >= tx:
            return "true" if b >= ty else "latent"
        return "spurious" if b >= ty else "none"

    assert m.segments().tolist() == [ref(a, b) for a, b in zip(x, y, strict=True)]
    assert sum(m.counts().values()) == x.size


def test_errors_are_kamcore_errors() -> None:
    with pytest.raises(KamcoreError):
        share_of_wallet([1.0], [0.5])
