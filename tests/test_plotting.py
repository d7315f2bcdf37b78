"""Display objects: the Lorenz curve against closed-form cases, and drawing."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kamcore.errors import InvalidParameterError
from kamcore.plotting import LorenzCurveDisplay


@given(n=st.integers(1, 50), v=st.floats(0.01, 1e6))
def test_equal_values_give_zero_gini(n, v):
    assert LorenzCurveDisplay.from_values(np.full(n, v)).gini == pytest.approx(0.0, abs=1e-12)


@given(n=st.integers(1, 50))
def test_one_account_holding_everything_gives_n_minus_1_over_n(n):
    values = np.zeros(n)
    values[0] = 10.0
    assert LorenzCurveDisplay.from_values(values).gini == pytest.approx((n - 1) / n)


# subnormal values make the reference's mean underflow: keep them out
@given(
    values=hnp.arrays(
        np.float64, st.integers(1, 40), elements=st.just(0.0) | st.floats(1e-6, 1e6)
    ).filter(lambda a: a.sum() > 0)
)
def test_gini_equals_mean_absolute_difference_form(values):
    n = values.size
    mad = np.abs(values[:, None] - values[None, :]).sum() / (2 * n * n * values.mean())
    assert LorenzCurveDisplay.from_values(values).gini == pytest.approx(mad, abs=1e-9)


def test_bad_values():
    with pytest.raises(InvalidParameterError, match="positive total"):
        LorenzCurveDisplay.from_values([0.0, 0.0])
    with pytest.raises(InvalidParameterError, match="'sales' must be >= 0"):
        LorenzCurveDisplay.from_values([1.0, -1.0], label="sales")


def test_plot_draws_two_lines():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = LorenzCurveDisplay.from_values([1.0, 2.0, 7.0], label="sales").plot().ax_
    assert len(ax.lines) == 2
    assert ax.get_ylabel() == "share of sales"
    plt.close("all")
