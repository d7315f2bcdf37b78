"""Fuzz the arguments of the ``kamcore.data`` loaders and the rubric's TOML reader.

The data loaders read only the files shipped inside kamcore (they take no
path or file), so their arguments are what a caller controls; the rubric
reads TOML text written by hand.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kamcore.data import load_cdnow, load_donations
from kamcore.scoring import Rubric

from ._outcome import result_or_refusal
from .conftest import FUZZ_EXAMPLES

ANY = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=12),
    st.sampled_from(["summary", "transactions", "SUMMARY", " summary"]),
)


@settings(max_examples=FUZZ_EXAMPLES)
@given(ANY, ANY)
def test_load_cdnow_arguments(kind: Any, sample: Any) -> None:
    if kind == "transactions" and sample is False:
        sample = True  # the full log is large: its loading is tested elsewhere
    result = result_or_refusal(lambda: load_cdnow(kind=kind, sample=sample))
    if result is not None:
        assert len(result) > 0


def test_load_donations_loads() -> None:
    assert len(load_donations()) > 0


TOML_PIECES = st.sampled_from(
    [
        "[rubric]\n",
        "name = 'x'\n",
        "[[factors]]\n",
        "key = 'credit_record'\n",
        "weight = 0.5\n",
        "weight = nan\n",
        "weight = -1\n",
        "[grades]\n",
        "labels = ['A', 'B']\n",
        "cutoffs = [2.0]\n",
        "edges = 'upper'\n",
        "x = [[[[[[[[1]]]]]]]]\n",
        "= broken\n",
        '"\\u0000" = 1\n',
    ]
)


@settings(max_examples=FUZZ_EXAMPLES)
@given(st.one_of(st.text(max_size=200), st.lists(TOML_PIECES, max_size=12).map("".join)))
def test_rubric_from_toml_string(text: str) -> None:
    result = result_or_refusal(lambda: Rubric.from_toml_string(text))
    if result is not None:
        assert isinstance(result, Rubric)
