"""The factored CLP path of BG/NBD and MBG/NBD equals the reference path to 1e-9."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamcore.clp import BetaGeo, ModifiedBetaGeo, customer_lifetime_profit
from kamcore.clp._customer import _FactoredModel
from kamcore.errors import InvalidParameterError


class _Reference:
    """Exposes only the public predictions, so the reference path is taken."""

    def __init__(self, model: Any) -> None:
        self.model = model

    def expected_purchases(self, **kw: Any) -> Any:
        return self.model.expected_purchases(**kw)

    def probability_alive_at(self, **kw: Any) -> Any:
        return self.model.probability_alive_at(**kw)


def test_the_models_take_the_factored_path() -> None:
    m = BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426)
    assert isinstance(m, _FactoredModel)
    assert isinstance(ModifiedBetaGeo(r=0.5, alpha=3.0, a=0.7, b=2.0), _FactoredModel)
    assert not isinstance(_Reference(m), _FactoredModel)


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    params=st.tuples(
        st.floats(0.1, 3.0), st.floats(0.5, 20.0), st.floats(0.3, 3.0), st.floats(0.3, 5.0)
    ),
    modified=st.booleans(),
    basis=st.sampled_from(["alive", "horizon"]),
    n_periods=st.integers(1, 40),
    step=st.floats(0.25, 5.0),
    discount=st.floats(0.0, 0.1),
)
def test_factored_path_equals_reference_path(
    seed: int,
    params: tuple[float, float, float, float],
    modified: bool,
    basis: str,
    n_periods: int,
    step: float,
    discount: float,
) -> None:
    rng = np.random.default_rng(seed)
    cls = ModifiedBetaGeo if modified else BetaGeo
    model = cls(*params)
    n = 60
    x = rng.integers(0, 30, n)
    T = rng.choice([10.0, 26.5, 52.0], n)  # repeated ages: shared (x, T) pairs
    tx = np.where(x > 0, T * rng.uniform(0.0, 1.0, n), 0.0)
    kw: dict[str, Any] = {
        "frequency": x,
        "recency": tx,
        "T": T,
        "spend": rng.gamma(2.0, 20.0, n),
        "margin_rate": 0.3,
        "cost_per_period": rng.uniform(0.0, 2.0, n),
        "cost_basis": basis,
        "discount_rate": discount,
        "n_periods": n_periods,
        "period_length": step,
    }
    fast = customer_lifetime_profit(model, **kw)
    ref = customer_lifetime_profit(_Reference(model), **kw)
    for field in ("discounted_margin", "discounted_cost", "discounted_revenue", "purchases"):
        np.testing.assert_allclose(getattr(fast, field), getattr(ref, field), rtol=1e-9, atol=0)
    scale = np.abs(ref.discounted_margin) + np.abs(ref.discounted_cost)
    assert np.all(np.abs(fast.clp - ref.clp) <= 1e-9 * scale)


def test_factored_path_without_collapsing_and_with_a_bad_history() -> None:
    m = BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426)
    kw: dict[str, Any] = {
        "frequency": [2, 0, 5],
        "recency": [30.43, 0.0, 20.0],
        "T": 38.86,
        "spend": 10.0,
        "margin_rate": 0.5,
        "discount_rate": 0.01,
        "n_periods": 12,
    }
    a = customer_lifetime_profit(m, collapse=False, **kw)
    b = customer_lifetime_profit(_Reference(m), collapse=False, **kw)
    np.testing.assert_allclose(a.clp, b.clp, rtol=1e-12)
    with pytest.raises(InvalidParameterError, match="recency"):
        customer_lifetime_profit(m, **(kw | {"recency": [40.0, 0.0, 20.0]}))
