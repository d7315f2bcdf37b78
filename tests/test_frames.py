"""Frame adapters: round-trips through pandas, polars and pyarrow; clear errors."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kamcore import Portfolio
from kamcore.errors import InvalidParameterError, MissingOptionalDependencyError, SchemaError
from kamcore.io import frames


@st.composite
def portfolios(draw):
    n = draw(st.integers(0, 20))
    return Portfolio.from_columns(
        [f"id{i}" for i in range(n)],
        {
            "value": draw(
                hnp.arrays(np.float64, n, elements=st.floats(-1e9, 1e9, allow_nan=False))
            ),
            "count": draw(hnp.arrays(np.int64, n, elements=st.integers(-1000, 1000))),
            "flag": draw(hnp.arrays(np.bool_, n)),
            "region": np.array(
                draw(st.lists(st.sampled_from(["n", "s", "ä"]), min_size=n, max_size=n)), dtype=str
            ),
            "since": np.datetime64("2020-01-01")
            + draw(hnp.arrays(np.int64, n, elements=st.integers(0, 3000))),
        },
        currencies={"value": "EUR"},
    )


@pytest.mark.parametrize("backend", ["pandas", "polars", "pyarrow"])
@given(p=portfolios())
def test_round_trip(backend, p):
    pytest.importorskip(backend)
    frame = frames.to_frame(p, backend)
    back = frames.from_frame(frame, currencies=None if backend != "polars" else {"value": "EUR"})
    assert back == p


def test_nan_in_frame_is_rejected_unless_nullable():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"id": ["a", "b"], "v": [1.0, np.nan]})
    with pytest.raises(InvalidParameterError, match="'v' must be finite"):
        frames.from_frame(df)
    assert np.isnan(frames.from_frame(df, nullable=["v"])["v"][1])


def test_missing_id_column_and_wrong_type():
    pd = pytest.importorskip("pandas")
    with pytest.raises(SchemaError, match="no id column 'id'"):
        frames.from_frame(pd.DataFrame({"x": [1]}))
    with pytest.raises(SchemaError, match="pandas or polars DataFrame"):
        frames.from_frame({"id": ["a"]})


def test_missing_library_gives_install_hint(monkeypatch):
    monkeypatch.setitem(sys.modules, "polars", None)  # makes `import polars` raise ImportError
    with pytest.raises(MissingOptionalDependencyError, match=r"pip install 'kamcore\[polars\]'"):
        frames.require("polars")
