"""Tests for the shared fitting infrastructure (kamcore._fitting) and the BTYD helpers."""

from __future__ import annotations

import math

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamcore._fitting import (
    collapse_rows,
    maximize_likelihood,
    numerical_hessian,
    prepare_fit_data,
    validate_weights,
)
from kamcore.clp import FitReport
from kamcore.clp._btyd._base import (
    check_positive_parameter,
    to_float_parameter,
    validate_rfm,
)
from kamcore.errors import (
    ConvergenceError,
    InvalidParameterError,
    KamcoreError,
    ShapeMismatchError,
)

# ----------------------------------------------------------------- collapse_rows

rows = st.lists(
    st.tuples(st.integers(0, 3), st.sampled_from([0.0, 1.5, 2.0]), st.floats(0.5, 2.0)),
    min_size=1,
    max_size=40,
)


@given(rows)
def test_collapse_rows_matches_counter_reference(data):
    x = np.array([r[0] for r in data], dtype=np.int64)
    t = np.array([r[1] for r in data])
    w = np.array([r[2] for r in data])
    (ux, ut), uw, inv = collapse_rows(x, t, weights=w, return_inverse=True)
    ref: dict[tuple[int, float], float] = {}
    for xi, ti, wi in data:
        ref[(xi, ti)] = ref.get((xi, ti), 0.0) + wi
    got = {(int(a), float(b)): float(c) for a, b, c in zip(ux, ut, uw, strict=True)}
    assert set(got) == set(ref)
    for key, val in ref.items():
        assert got[key] == pytest.approx(val)
    assert ux.dtype == np.int64
    assert ut.dtype == np.float64
    np.testing.assert_array_equal(ux[inv], x)
    np.testing.assert_array_equal(ut[inv], t)
    assert uw.sum() == pytest.approx(w.sum())


@given(rows, st.randoms(use_true_random=False))
def test_collapse_rows_is_permutation_invariant(data, rnd):
    x = np.array([r[0] for r in data], dtype=np.int64)
    t = np.array([r[1] for r in data])
    perm = list(range(len(data)))
    rnd.shuffle(perm)
    (a1, b1), w1 = collapse_rows(x, t)
    (a2, b2), w2 = collapse_rows(x[perm], t[perm])
    np.testing.assert_array_equal(a1, a2)
    np.testing.assert_array_equal(b1, b2)
    np.testing.assert_array_equal(w1, w2)


def test_collapse_rows_counts_without_weights_and_empty():
    (x,), w = collapse_rows(np.array([3, 3, 1]))
    assert x.tolist() == [1, 3]
    assert w.tolist() == [1.0, 2.0]
    (e,), we = collapse_rows(np.array([], dtype=np.int64))
    assert e.size == 0
    assert we.size == 0


def test_prepare_fit_data_drops_zero_weights_and_keeps_total():
    x = np.array([1, 1, 2, 0])
    t = np.array([1.0, 1.0, 3.0, 0.0])
    (ux, _), w = prepare_fit_data(x, t, weights=np.array([1.0, 2.0, 0.0, 4.0]), collapse=True)
    assert ux.tolist() == [0, 1]
    assert w.tolist() == [4.0, 3.0]
    (vx, _), v = prepare_fit_data(x, t, weights=None, collapse=False)
    assert vx.tolist() == x.tolist()
    assert v.tolist() == [1.0] * 4


# ----------------------------------------------------------------- validation


def test_validate_rfm_accepts_and_broadcasts():
    x, tx, age = validate_rfm([0, 2], [0.0, 3.0], 5.0)
    assert x.dtype == np.int64
    assert age.tolist() == [5.0, 5.0]
    assert tx.tolist() == [0.0, 3.0]


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (
            ([-1, 2], [0.0, 1.0], [3.0, 3.0]),
            "'frequency' must be >= 0; got 1 bad value \\(first at index 0: -1\\)",
        ),
        (([1, 2], [4.0, 1.0], [3.0, 3.0]), "'recency' must be <= T"),
        (([0, 2], [1.0, 1.0], [3.0, 3.0]), "'recency' must be 0 when frequency is 0"),
        (([1, 2], [1.0, 1.0], [0.0, 3.0]), "'T' must be > 0"),
        (([1.5, 2], [1.0, 1.0], [3.0, 3.0]), "'frequency' must be a whole number"),
        (([1, 2], [float("nan"), 1.0], [3.0, 3.0]), "'recency' must be finite"),
        (([], [], []), "'frequency' must not be empty"),
    ],
)
def test_validate_rfm_rejects_bad_values_for_fit(args, match):
    with pytest.raises(InvalidParameterError, match=match):
        validate_rfm(*args, for_fit=True)


def test_validate_rfm_length_mismatch():
    with pytest.raises(ShapeMismatchError, match="same length"):
        validate_rfm([1, 2], [1.0], [3.0, 3.0], for_fit=True)
    with pytest.raises(ShapeMismatchError):
        validate_rfm([1, 2, 3], [1.0, 1.0], 3.0)


def test_validate_weights():
    assert validate_weights(None, 3) is None
    np.testing.assert_array_equal(validate_weights([1, 2, 0], 3), [1.0, 2.0, 0.0])
    with pytest.raises(InvalidParameterError, match="'weights' must be >= 0"):
        validate_weights([1, -2, 0], 3)
    with pytest.raises(ShapeMismatchError):
        validate_weights([1, 2], 3)
    with pytest.raises(InvalidParameterError, match="positive sum"):
        validate_weights([0, 0], 2)


@attrs.frozen
class _Toy:
    rate: float = attrs.field(converter=to_float_parameter, validator=check_positive_parameter)
    fit_report: FitReport | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


def test_parameter_field_validates_and_converts():
    toy = _Toy(np.float32(2.0))
    assert type(toy.rate) is float
    with pytest.raises(InvalidParameterError, match=r"'rate' must be > 0; got -1\.0"):
        _Toy(-1.0)
    with pytest.raises(InvalidParameterError, match="'rate' must be a real number"):
        _Toy("2")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="'rate' must be a real number"):
        _Toy(True)
    with pytest.raises(InvalidParameterError, match="finite"):
        _Toy(math.inf)
    report = FitReport(
        log_likelihood=-1.0,
        n=10,
        n_rows=4,
        standard_errors={"rate": 0.1},
        correlation=[[1.0]],
        estimates={"rate": 2.0},
        converged=True,
        iterations=3,
        message="ok",
        method="BFGS",
    )
    assert _Toy(2.0, fit_report=report) == _Toy(2.0)
    assert hash(_Toy(2.0, fit_report=report)) == hash(_Toy(2.0))
    assert "fit_report" not in repr(_Toy(2.0))


# ----------------------------------------------------------------- driver


def _exp_nll(y, w=None):
    w = np.ones_like(y) if w is None else w

    def nll(theta):
        lam = theta[0]
        return float(lam * (w * y).sum() - w.sum() * np.log(lam)), np.array(
            [(w * y).sum() - w.sum() / lam]
        )

    return nll


@pytest.mark.parametrize("method", ["L-BFGS-B", "BFGS"])
def test_driver_recovers_closed_form_mle_and_standard_error(method):
    y = np.array([0.2, 0.7, 1.1, 2.5, 0.4])
    params, rep = maximize_likelihood(_exp_nll(y), [5.0], ["rate"], n=5, n_rows=5, method=method)
    lam = y.size / y.sum()
    assert params["rate"] == pytest.approx(lam, rel=1e-7)
    # Fisher information n / lambda^2 -> se = lambda / sqrt(n)
    assert rep.standard_errors["rate"] == pytest.approx(lam / math.sqrt(5), rel=1e-5)
    assert rep.log_likelihood == pytest.approx(y.size * math.log(lam) - lam * y.sum())
    assert rep.converged
    assert rep.method == method
    assert rep.n == 5.0
    assert rep.n_parameters == 1
    assert rep.bic == pytest.approx(math.log(5) - 2 * rep.log_likelihood)


def test_driver_raises_when_mle_is_at_infinity():
    def nll(theta):  # decreasing in theta: MLE at infinity
        return float(1.0 / theta[0]), np.array([-1.0 / theta[0] ** 2])

    with pytest.raises(ConvergenceError, match="edge of the search space") as info:
        maximize_likelihood(nll, [1.0], ["k"], n=1, n_rows=1, model="Toy")
    assert info.value.optimizer_message is not None


def test_driver_raises_with_optimizer_message_when_not_converged():
    y = np.array([0.2, 0.7, 1.1])
    with pytest.raises(ConvergenceError, match="did not converge") as info:
        maximize_likelihood(_exp_nll(y), [500.0], ["rate"], n=3, n_rows=3, max_iterations=1)
    assert isinstance(info.value, KamcoreError)
    assert info.value.optimizer_message


def test_driver_rejects_bad_method_and_start():
    y = np.array([1.0])
    with pytest.raises(InvalidParameterError, match="'method' must be one of"):
        maximize_likelihood(_exp_nll(y), [1.0], ["rate"], n=1, n_rows=1, method="nelder")
    with pytest.raises(InvalidParameterError, match="'start' must be > 0"):
        maximize_likelihood(_exp_nll(y), [-1.0], ["rate"], n=1, n_rows=1)


def test_numerical_hessian_of_quadratic():
    a = np.array([[3.0, 1.0], [1.0, 2.0]])
    h = numerical_hessian(lambda th: a @ th, np.array([1.0, 2.0]))
    np.testing.assert_allclose(h, a, rtol=1e-8)


def test_driver_raises_when_a_parameter_is_not_identified():
    def nll(theta):  # the second parameter does not enter: singular Hessian
        return float((theta[0] - 2.0) ** 2), np.array([2.0 * (theta[0] - 2.0), 0.0])

    with pytest.raises(ConvergenceError, match="not positive definite") as info:
        maximize_likelihood(nll, [1.0, 1.0], ["k", "unused"], n=1, n_rows=1)
    assert info.value.optimizer_message is not None


def test_fit_report_is_frozen_and_mapping_is_read_only():
    rep = FitReport(
        log_likelihood=-1.0,
        n=10,
        n_rows=4,
        standard_errors={"r": 0.1},
        correlation=[[1.0]],
        estimates={"r": 1.0},
        converged=True,
        iterations=3,
        message="ok",
        method="BFGS",
    )
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        rep.converged = False  # type: ignore[misc]
    with pytest.raises(TypeError):
        rep.standard_errors["r"] = 2.0  # type: ignore[index]
