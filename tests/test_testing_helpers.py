"""kamcore.testing.example_portfolio and satisfaction.reliability refuse bad input
with a KamcoreError (never a bare numpy or attribute error)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from kamcore.errors import InvalidParameterError
from kamcore.satisfaction import reliability
from kamcore.testing import example_portfolio


@pytest.mark.parametrize("n", [-1, 1.5, "x", None, True, 10**8])
def test_example_portfolio_refuses_a_bad_n(n: Any) -> None:
    with pytest.raises(InvalidParameterError, match=r"'n' must be an integer in \[0, 10000000\]"):
        example_portfolio(n)


def test_example_portfolio_refuses_a_bad_rng() -> None:
    with pytest.raises(InvalidParameterError, match=r"'rng' must be a numpy\.random\.Generator"):
        example_portfolio(4, rng=42)  # type: ignore[arg-type]


def test_example_portfolio_sizes_and_ids() -> None:
    assert len(example_portfolio(0)) == 0
    p = example_portfolio(3, rng=np.random.default_rng(1))
    assert list(p.ids) == ["acct-00000", "acct-00001", "acct-00002"]


@pytest.mark.parametrize("responses", ["x", None, 1, [[1, 2], [3, 4]]])
def test_reliability_refuses_what_is_not_a_survey(responses: Any) -> None:
    with pytest.raises(InvalidParameterError, match="'responses' must be a SurveyResponses"):
        reliability(responses)


def test_portfolio_and_log_name_ragged_input_with_the_one_array_helper() -> None:
    """Portfolio.filter and the log's flag column go through _params.as_array."""
    from kamcore.transactions import TransactionLog

    portfolio = example_portfolio(2)
    with pytest.raises(InvalidParameterError, match=r"'mask' must be a rectangular array"):
        portfolio.filter([[True], [False, True]])
    with pytest.raises(InvalidParameterError, match=r"'main_business' must be a rectangular"):
        TransactionLog.from_columns(
            ["a", "b"], ["2024-01-01", "2024-01-02"], [1.0, 2.0], main_business=[[True], [1, 2]]
        )
