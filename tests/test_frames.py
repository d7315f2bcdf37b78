"""Frame adapters: round-trips through pandas, polars and pyarrow; clear errors."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kamcore import Portfolio
from kamcore.errors import (
    InvalidParameterError,
    KamcoreError,
    MissingOptionalDependencyError,
    SchemaError,
    UnknownNameError,
)
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
    with pytest.raises(UnknownNameError, match="no id column 'id'"):
        frames.from_frame(pd.DataFrame({"x": [1]}))
    with pytest.raises(InvalidParameterError, match="pandas or polars DataFrame"):
        frames.from_frame({"id": ["a"]})


def test_missing_library_gives_install_hint(monkeypatch):
    monkeypatch.setitem(sys.modules, "polars", None)  # makes `import polars` raise ImportError
    with pytest.raises(MissingOptionalDependencyError, match=r"pip install 'kamcore\[polars\]'"):
        frames.to_frame(Portfolio.from_columns(["a"], {"x": [1.0]}), backend="polars")


# --------------------------------------------------------------------------- datetimes keep their time
_STAMPS = ["2024-01-01T12:30:00.123456789", "1999-12-31T23:59:59.000000001", "NaT"]


@pytest.mark.parametrize("unit", ["ns", "us", "s", "D"])
@pytest.mark.parametrize("backend", ["pandas", "polars", "pyarrow"])
def test_datetime_columns_round_trip_exactly(backend, unit):
    pytest.importorskip(backend)
    at = np.array(_STAMPS, dtype=f"datetime64[{unit}]")
    p = Portfolio.from_columns(["a", "b", "c"], {"at": at}, nullable=["at"])
    assert p["at"].dtype == at.dtype  # the Portfolio keeps the resolution
    back = frames.from_frame(frames.to_frame(p, backend), nullable=["at"])
    assert back == p
    got = back["at"]
    assert np.array_equal(got, at, equal_nan=True)
    if unit in ("ns", "us"):  # the time of day survives, to the last digit
        assert got.dtype == at.dtype
        assert str(got[0]) == str(at[0])


def test_pandas_timestamp_column_keeps_its_time_of_day():
    pd = pytest.importorskip("pandas")
    stamps = [pd.Timestamp("2024-03-01 08:15:30.5"), pd.Timestamp("2024-03-02 23:59:59.999999")]
    df = pd.DataFrame({"id": ["a", "b"], "seen": stamps})
    p = frames.from_frame(df)
    assert p["seen"].tolist() == df["seen"].to_numpy().tolist()
    assert p["seen"].dtype == df["seen"].to_numpy().dtype
    assert str(p["seen"][0]).startswith("2024-03-01T08:15:30.5")
    back = frames.to_frame(p, "pandas")
    assert back["seen"].equals(df["seen"])


def test_polars_and_arrow_datetimes_keep_their_time_of_day():
    pl = pytest.importorskip("polars")
    pa = pytest.importorskip("pyarrow")
    at = np.array(["2024-03-01T08:15:30.123456", "2024-03-02T00:00:00.000001"], "datetime64[us]")
    pf = pl.DataFrame({"id": ["a", "b"], "at": at})
    assert frames.from_frame(pf)["at"].tolist() == at.tolist()
    table = pa.table({"id": ["a", "b"], "at": pa.array(at.astype("datetime64[ns]"))})
    got = frames.from_frame(table)["at"]
    assert got.dtype == np.dtype("datetime64[ns]")
    assert np.array_equal(got, at)


# --------------------------------------------------------------------------- bad frames
def test_polars_lazyframe_asks_for_collect():
    pl = pytest.importorskip("polars")
    lazy = pl.DataFrame({"id": ["a"], "v": [1.0]}).lazy()
    with pytest.raises(
        InvalidParameterError, match=r"'frame'.*LazyFrame.*call \.collect\(\) first"
    ):
        frames.from_frame(lazy)
    assert frames.from_frame(lazy.collect())["v"].tolist() == [1.0]


@pytest.mark.parametrize(
    "frame",
    [None, 3, [["a", 1.0]], {"id": ["a"]}, np.zeros((2, 2))],
    ids=["none", "int", "list", "dict", "ndarray"],
)
def test_unsupported_frame_types_raise_a_kamcore_error(frame):
    with pytest.raises(InvalidParameterError, match=r"'frame' must be a pandas or polars"):
        frames.from_frame(frame)


def test_pandas_series_is_not_a_frame():
    pd = pytest.importorskip("pandas")
    with pytest.raises(InvalidParameterError, match=r"got pandas.*Series"):
        frames.from_frame(pd.Series(["a"], name="id"))


def test_missing_id_column_suggests_the_closest_name():
    pd = pytest.importorskip("pandas")
    with pytest.raises(UnknownNameError, match=r"no id column 'id'; known columns: 'ids', 'v'\. "):
        frames.from_frame(pd.DataFrame({"ids": ["a"], "v": [1.0]}))
    with pytest.raises(UnknownNameError, match="Did you mean 'ids'"):
        frames.from_frame(pd.DataFrame({"ids": ["a"], "v": [1.0]}))


@pytest.mark.parametrize("id_column", [None, 0, "", ["id"]])
def test_id_column_must_be_a_name(id_column):
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"id": ["a"]})
    with pytest.raises(InvalidParameterError, match="'id_column' must be a non-empty str"):
        frames.from_frame(df, id_column=id_column)
    with pytest.raises(InvalidParameterError, match="'id_column' must be a non-empty str"):
        frames.to_frame(Portfolio.from_columns(["a"]), id_column=id_column)


@pytest.mark.parametrize("backend", ["pandas", "polars", "pyarrow"])
def test_time_zone_aware_columns_are_refused_not_shifted(backend):
    pd = pytest.importorskip("pandas")
    lib = pytest.importorskip(backend)
    stamps = pd.Series([pd.Timestamp("2024-01-01 12:00", tz="Europe/Berlin")])
    if backend == "pandas":
        frame = pd.DataFrame({"id": ["a"], "at": stamps})
    elif backend == "polars":
        frame = lib.DataFrame({"id": ["a"], "at": stamps})
    else:
        frame = lib.table({"id": ["a"], "at": stamps})
    with pytest.raises(InvalidParameterError, match=r"column 'at' must hold naive.*time zone"):
        frames.from_frame(frame)


def test_repeated_column_names_are_refused():
    pd = pytest.importorskip("pandas")
    pa = pytest.importorskip("pyarrow")
    df = pd.DataFrame([["a", 1, 2]], columns=["id", "v", "v"])
    with pytest.raises(SchemaError, match=r"unique.*'v'"):
        frames.from_frame(df)
    with pytest.raises(SchemaError, match=r"unique.*'1'"):
        frames.from_frame(pd.DataFrame([["a", 1, 2]], columns=["id", 1, "1"]))
    table = pa.table([pa.array(["a"]), pa.array([1]), pa.array([2])], names=["id", "v", "v"])
    with pytest.raises(SchemaError, match=r"unique.*'v'"):
        frames.from_frame(table)


def test_to_frame_rejects_bad_arguments_with_kamcore_errors():
    p = Portfolio.from_columns(["a"], {"v": [1.0]})
    with pytest.raises(InvalidParameterError, match="'backend' must be one of"):
        frames.to_frame(p, "excel")
    with pytest.raises(InvalidParameterError, match="'portfolio' must be a kamcore Portfolio"):
        frames.to_frame({"v": [1.0]})
    with pytest.raises(SchemaError, match="clashes"):
        frames.to_frame(p, id_column="v")


def test_bad_frame_content_raises_kamcore_errors_only():
    pd = pytest.importorskip("pandas")
    bad = [
        pd.DataFrame({"id": ["a", None]}),
        pd.DataFrame({"id": ["a"], "v": [object()]}),
        pd.DataFrame({"id": ["a"], "v": [1 + 2j]}),
        pd.DataFrame({"id": ["a"], "v": pd.Series([pd.Timedelta(1)])}),
    ]
    for df in bad:
        with pytest.raises(KamcoreError):
            frames.from_frame(df)
    with pytest.raises(InvalidParameterError, match="'nullable' must be an iterable"):
        frames.from_frame(pd.DataFrame({"id": ["a"], "v": [1.0]}), nullable="v")
    with pytest.raises(UnknownNameError, match="'currencies' names a column"):
        frames.from_frame(pd.DataFrame({"id": ["a"], "v": [1.0]}), currencies={"w": "EUR"})
