"""AHP: eigenvector weights, consistency index/ratio, Saaty's reference matrices."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamcore.errors import InvalidParameterError, ShapeMismatchError
from kamcore.scoring import RANDOM_INDEX, ahp_weights, random_index

# Saaty & Khouja (1976), reprinted in Saaty (1980) "The Analytic Hierarchy Process":
# relative wealth of nations (US, USSR, China, France, UK, Japan, West Germany).
# Published: lambda_max = 7.61, CI = 0.10, CR = 0.08,
# eigenvector .427 .230 .021 .052 .052 .123 .094.
WEALTH = np.array(
    [
        [1, 4, 9, 6, 6, 5, 5],
        [1 / 4, 1, 7, 5, 5, 3, 4],
        [1 / 9, 1 / 7, 1, 1 / 5, 1 / 5, 1 / 7, 1 / 5],
        [1 / 6, 1 / 5, 5, 1, 1, 1 / 3, 1 / 3],
        [1 / 6, 1 / 5, 5, 1, 1, 1 / 3, 1 / 3],
        [1 / 5, 1 / 3, 7, 3, 3, 1, 2],
        [1 / 5, 1 / 4, 5, 3, 3, 1 / 2, 1],
    ]
)


def test_published_wealth_of_nations_example() -> None:
    r = ahp_weights(WEALTH)
    assert round(r.lambda_max, 2) == 7.61
    assert round(r.ci, 2) == 0.10
    assert round(r.cr, 2) == 0.08
    assert r.ri == 1.32
    np.testing.assert_allclose(
        r.weights, [0.427, 0.230, 0.021, 0.052, 0.052, 0.123, 0.094], atol=5e-4
    )
    assert r.consistent
    assert r.n == 7


def test_random_index_table() -> None:
    assert [RANDOM_INDEX[n] for n in range(3, 11)] == [
        0.58,
        0.90,
        1.12,
        1.24,
        1.32,
        1.41,
        1.45,
        1.49,
    ]
    assert random_index(1) == random_index(2) == 0.0
    assert random_index(13) == 1.56
    with pytest.raises(InvalidParameterError, match=r"1\.\.15"):
        random_index(16)


@given(st.lists(st.floats(0.1, 9.0), min_size=1, max_size=13))
def test_consistent_matrix_has_zero_cr_and_recovers_weights(raw: list[float]) -> None:
    w = np.array(raw)
    a = w[:, None] / w[None, :]
    r = ahp_weights(a)
    assert r.cr == pytest.approx(0.0, abs=1e-9)
    assert r.lambda_max == pytest.approx(len(raw), rel=1e-9)
    np.testing.assert_allclose(r.weights, w / w.sum(), rtol=1e-8)


def _power_iteration(a: list[list[float]]) -> tuple[list[float], float]:
    n = len(a)
    x = [1.0 / n] * n
    lam = 0.0
    for _ in range(500):
        y = [sum(a[i][j] * x[j] for j in range(n)) for i in range(n)]
        s = sum(y)
        lam = s  # since sum(x) == 1, sum(A x) -> lambda
        x = [v / s for v in y]
    return x, lam


@given(
    st.integers(3, 8).flatmap(
        lambda n: st.lists(
            st.sampled_from([1, 2, 3, 5, 7, 1 / 2, 1 / 3, 1 / 5]),
            min_size=n * (n - 1) // 2,
            max_size=n * (n - 1) // 2,
        ).map(lambda ups: (n, ups))
    )
)
def test_eigenvector_matches_scalar_power_iteration(case: tuple[int, list[float]]) -> None:
    n, ups = case
    a = [[1.0] * n for _ in range(n)]
    k = 0
    for i in range(n):
        for j in range(i + 1, n):
            a[i][j] = float(ups[k])
            a[j][i] = 1.0 / float(ups[k])
            k += 1
    r = ahp_weights(a, max_cr=None)
    x, lam = _power_iteration(a)
    np.testing.assert_allclose(r.weights, x, rtol=1e-6)
    assert r.lambda_max == pytest.approx(lam, rel=1e-6)
    assert r.lambda_max >= n - 1e-9  # Saaty: lambda_max >= n for reciprocal matrices
    assert r.cr == pytest.approx((lam - n) / (n - 1) / RANDOM_INDEX[n], rel=1e-5, abs=1e-9)


def test_inconsistent_matrix_rejected_unless_told() -> None:
    a = [[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]]
    with pytest.raises(InvalidParameterError, match=r"consistent \(consistency ratio CR <= 0\.1\)"):
        ahp_weights(a)
    r = ahp_weights(a, max_cr=None)
    assert r.cr > 1
    assert not r.consistent
    assert ahp_weights(WEALTH, max_cr=0.2).cr < 0.1
    with pytest.raises(InvalidParameterError, match=r"CR <= 0\.05"):
        ahp_weights(WEALTH, max_cr=0.05)


def test_small_and_large_orders() -> None:
    assert ahp_weights([[1.0]]).weights.tolist() == [1.0]
    r = ahp_weights([[1, 3], [1 / 3, 1]])
    assert r.cr == 0.0
    assert r.weights.tolist() == pytest.approx([0.75, 0.25])
    big = np.ones((16, 16))
    with pytest.raises(InvalidParameterError, match="pass ri="):
        ahp_weights(big)
    assert ahp_weights(big, ri=1.6).cr == pytest.approx(0.0, abs=1e-9)


def test_rounded_reciprocals_accepted() -> None:
    a = [[1, 3, 5], [0.33, 1, 2], [0.2, 0.5, 1]]
    assert ahp_weights(a).weights.sum() == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("matrix", "error", "match"),
    [
        (np.ones((2, 3)), ShapeMismatchError, "square"),
        (np.ones(3), ShapeMismatchError, "square"),
        ([[1, -2], [-0.5, 1]], InvalidParameterError, "> 0"),
        ([[1, np.nan], [1, 1]], InvalidParameterError, "finite"),
        ([[2, 1], [1, 1]], InvalidParameterError, "diagonal"),
        ([[1, 3], [3, 1]], InvalidParameterError, "reciprocal"),
    ],
)
def test_bad_matrices(matrix: object, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        ahp_weights(matrix)  # type: ignore[arg-type]


def test_result_weights_read_only() -> None:
    r = ahp_weights(WEALTH)
    with pytest.raises(ValueError, match="read-only"):
        r.weights[0] = 1.0
