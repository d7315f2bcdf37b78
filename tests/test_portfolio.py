"""Portfolio: validation at the boundary, read-only columns, take/filter/concat invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kamcore import Portfolio
from kamcore.errors import (
    CurrencyMismatchError,
    InvalidParameterError,
    SchemaError,
    ShapeMismatchError,
    UnknownNameError,
)


@st.composite
def portfolios(draw, min_size=0, max_size=30, prefix="c"):
    n = draw(st.integers(min_size, max_size))
    ids = [f"{prefix}{i}" for i in draw(st.permutations(range(n)))]
    value = draw(hnp.arrays(np.float64, n, elements=st.floats(-1e6, 1e6, allow_nan=False)))
    count = draw(hnp.arrays(np.int64, n, elements=st.integers(0, 1000)))
    region = draw(st.lists(st.sampled_from(["north", "south", "east"]), min_size=n, max_size=n))
    return Portfolio.from_columns(
        ids,
        {"value": value, "count": count, "region": np.array(region, dtype=str)},
        currencies={"value": "EUR"},
    )


@given(p=portfolios(), data=st.data())
def test_take_returns_the_chosen_rows(p, data):
    idx = data.draw(st.lists(st.integers(0, max(len(p) - 1, 0)), unique=True, max_size=len(p)))
    if not len(p):
        idx = []
    q = p.take(np.array(idx, dtype=np.int64))
    assert len(q) == len(idx)
    assert q.ids.tolist() == [p.ids[i] for i in idx]
    for name in p.column_names:
        assert q[name].tolist() == [p[name][i] for i in idx]
    assert q.currencies == p.currencies


@given(p=portfolios(), data=st.data())
def test_filter_equals_take_of_true_positions(p, data):
    mask = np.array(
        data.draw(st.lists(st.booleans(), min_size=len(p), max_size=len(p))), dtype=bool
    )
    assert p.filter(mask) == p.take(np.flatnonzero(mask))
    assert len(p.filter(mask)) + len(p.filter(~mask)) == len(p)


@given(p=portfolios(), data=st.data())
def test_concat_of_a_split_is_the_permuted_whole(p, data):
    mask = np.array(
        data.draw(st.lists(st.booleans(), min_size=len(p), max_size=len(p))), dtype=bool
    )
    joined = Portfolio.concat([p.filter(mask), p.filter(~mask)])
    order = np.concatenate([np.flatnonzero(mask), np.flatnonzero(~mask)])
    assert joined == p.take(order)


@given(a=portfolios(prefix="a"), b=portfolios(prefix="b"))
def test_concat_lengths_add_and_parts_are_recoverable(a, b):
    ab = Portfolio.concat([a, b])
    assert len(ab) == len(a) + len(b)
    assert ab.take(np.arange(len(a))) == a
    assert ab.take(np.arange(len(a), len(a) + len(b))) == b


@given(p=portfolios(min_size=1))
def test_columns_are_read_only_and_private(p):
    with pytest.raises(ValueError, match="read-only"):
        p["value"][0] = 0.0
    with pytest.raises(ValueError, match="read-only"):
        p.ids[0] = "x"
    with pytest.raises(AttributeError):
        p.foo = 1  # type: ignore[attr-defined]


def test_inputs_are_copied_not_aliased():
    values = np.array([1.0, 2.0])
    p = Portfolio.from_columns(["a", "b"], {"v": values})
    values[0] = 99.0
    assert p["v"][0] == 1.0
    assert values.flags.writeable


def test_with_columns_adds_and_replaces():
    p = Portfolio.from_columns(["a", "b"], {"v": [1.0, 2.0]}, currencies={"v": "USD"})
    q = p.with_columns({"v": [3, 4], "w": ["x", "y"]})
    assert q["v"].tolist() == [3, 4]
    assert q.currency("v") is None
    assert q["w"].tolist() == ["x", "y"]
    assert p["v"].tolist() == [1.0, 2.0]


def test_index_of_finds_rows_and_names_unknown_ids():
    p = Portfolio.from_columns(["b", "a", "c"])
    assert p.index_of(["c", "b"]).tolist() == [2, 0]
    with pytest.raises(UnknownNameError, match="1 unknown ids \\(first: 'zz'\\)"):
        p.index_of(["a", "zz"])


def test_empty_portfolio_is_fine():
    p = Portfolio.from_columns([], {"v": np.array([], dtype=float)})
    assert len(p) == 0
    assert len(p.filter(np.array([], dtype=bool))) == 0
    assert len(Portfolio.concat([])) == 0


def test_nullable_columns_allow_nan_only_when_declared():
    with pytest.raises(InvalidParameterError, match=r"'v' must be finite .*first at index 1: nan"):
        Portfolio.from_columns(["a", "b"], {"v": [1.0, np.nan]})
    p = Portfolio.from_columns(["a", "b"], {"v": [1.0, np.nan]}, nullable=["v"])
    assert np.isnan(p["v"][1])
    with pytest.raises(InvalidParameterError, match="'v' must be finite"):
        Portfolio.from_columns(["a", "b"], {"v": [1.0, np.inf]}, nullable=["v"])


@pytest.mark.parametrize(
    ("ids", "columns", "kwargs", "error", "match"),
    [
        (["a", "a", "b", "b"], {}, {}, InvalidParameterError, "2 duplicate ids \\(first: 'a'\\)"),
        (["a", ""], {}, {}, InvalidParameterError, "'ids' must be non-empty"),
        (["a", " b"], {}, {}, InvalidParameterError, "whitespace"),
        ([1, 2], {}, {}, SchemaError, "'ids' must be strings"),
        (
            ["a", "b"],
            {"v": [1.0]},
            {},
            ShapeMismatchError,
            "column 'v' must have one value per customer",
        ),
        (["a", "b"], {"v": [[1.0], [2.0]]}, {}, ShapeMismatchError, "column 'v' must be 1-D"),
        (["a", "b"], {"v": ["x", None]}, {}, SchemaError, "non-string objects"),
        (["a"], {"v": [1.0]}, {"currencies": {"v": "euro"}}, InvalidParameterError, "ISO-4217"),
        (
            ["a"],
            {"v": [1.0]},
            {"currencies": {"w": "EUR"}},
            UnknownNameError,
            "does not exist: 'w'",
        ),
        (["a"], {"v": ["x"]}, {"currencies": {"v": "EUR"}}, SchemaError, "must be numeric"),
        (
            ["a", "b"],
            {"v": [1.0, 2.0]},
            {"currencies": {"v": ["EUR", "USD"]}},
            CurrencyMismatchError,
            "one currency",
        ),
        (["a"], {"v": [1.0]}, {"nullable": ["w"]}, UnknownNameError, "'nullable' names columns"),
    ],
)
def test_bad_columns_are_rejected_by_name(ids, columns, kwargs, error, match):
    with pytest.raises(error, match=match):
        Portfolio.from_columns(ids, columns, **kwargs)


def test_concat_rejects_mismatches():
    a = Portfolio.from_columns(["a"], {"v": [1.0]}, currencies={"v": "EUR"})
    with pytest.raises(InvalidParameterError, match="duplicate"):
        Portfolio.concat([a, a])
    b = Portfolio.from_columns(["b"], {"v": [1.0]}, currencies={"v": "USD"})
    with pytest.raises(CurrencyMismatchError, match="'v'"):
        Portfolio.concat([a, b])
    c = Portfolio.from_columns(["c"], {"w": [1.0]})
    with pytest.raises(SchemaError, match="same columns"):
        Portfolio.concat([a, c])


def test_take_rejects_bad_indices():
    p = Portfolio.from_columns(["a", "b"])
    with pytest.raises(InvalidParameterError, match="'indices' must be in"):
        p.take([0, 5])
    with pytest.raises(InvalidParameterError, match="repeat"):
        p.take([0, 0])
    with pytest.raises(ShapeMismatchError, match="'mask'"):
        p.filter([True])


def test_unknown_column_lists_known_ones():
    p = Portfolio.from_columns(["a"], {"v": [1.0]})
    with pytest.raises(UnknownNameError, match="no column 'w'; known columns: 'v'"):
        p["w"]
    with pytest.raises(LookupError):
        p.column("w")


def test_construction_only_through_builders():
    with pytest.raises(TypeError, match="from_columns"):
        Portfolio()


# --------------------------------------------------------------------------- one currency rule
def test_currency_follows_the_money_rule():
    with pytest.raises(InvalidParameterError, match=r"'m' needs an ISO-4217.*'ABC'"):
        Portfolio.from_columns(["a"], {"m": [1.0]}, currencies={"m": "ABC"})
    with pytest.raises(InvalidParameterError, match="'ABC'"):
        Portfolio.from_columns(["a", "b"], {"m": [1.0, 2.0]}, currencies={"m": ["ABC", "ABC"]})
    p = Portfolio.from_columns(["a"], {"m": [1.0]}, currencies={"m": "EUR"})
    assert p.currency("m") == "EUR"


@given(code=st.text(st.characters(min_codepoint=65, max_codepoint=90), min_size=3, max_size=3))
def test_portfolio_and_money_accept_the_same_codes(code):
    from kamcore.domain import ISO_4217_CODES, Money

    try:
        Money(1, code)
        money_ok = True
    except InvalidParameterError:
        money_ok = False
    try:
        Portfolio.from_columns(["a"], {"m": [1.0]}, currencies={"m": code})
        portfolio_ok = True
    except InvalidParameterError:
        portfolio_ok = False
    assert money_ok == portfolio_ok == (code in ISO_4217_CODES)


# --------------------------------------------------------------------------- datetimes
@pytest.mark.parametrize("unit", ["D", "s", "ms", "us", "ns"])
def test_datetime_columns_keep_their_resolution(unit):
    at = np.array(["2024-01-01T12:30:00.123456789", "2024-01-02T00:00:00"], f"datetime64[{unit}]")
    p = Portfolio.from_columns(["a", "b"], {"at": at})
    assert p["at"].dtype == at.dtype
    assert np.array_equal(p["at"], at)
    with pytest.raises(InvalidParameterError, match="'at' must be a date"):
        Portfolio.from_columns(["a"], {"at": np.array(["NaT"], f"datetime64[{unit}]")})


# --------------------------------------------------------------------------- one "column not present" error
def test_missing_columns_are_unknown_name_errors_everywhere():
    from kamcore.scoring import ParetoScorer

    p = Portfolio.from_columns(["a"], {"revenue": [1.0], "region": ["n"]})
    attempts = [
        lambda: p["revenu"],
        lambda: p.currency("revenu"),
        lambda: p.select(["revenu"]),
        lambda: ParetoScorer(column="revenu").score(p, as_of="2024-01-01"),
    ]
    for attempt in attempts:
        with pytest.raises(UnknownNameError) as info:
            attempt()
        message = str(info.value)
        assert "no column 'revenu'; known columns: 'revenue', 'region'." in message
        assert "Did you mean 'revenue'?" in message
    with pytest.raises(UnknownNameError, match=r"\['zzz'\]; known columns: 'revenue', 'region'\.$"):
        Portfolio.from_columns(["a"], {"revenue": [1.0], "region": ["n"]}, nullable=["zzz"])
    with pytest.raises(UnknownNameError, match="Did you mean 'revenue'"):
        Portfolio.from_columns(["a"], {"revenue": [1.0]}, currencies={"Revenue": "EUR"})


# --------------------------------------------------------------------------- wrong argument types
@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda p: p[["v"]], "a column name must be a str; got list"),
        (lambda p: p[0], "a column name must be a str; got int"),
        (lambda p: p.column(None), "a column name must be a str"),
        (lambda p: p.select("v"), "'names' must be an iterable of column names, not one string"),
        (lambda p: p.select([1]), "a column name must be a str; got int"),
        (lambda p: Portfolio.concat([p, {"v": [1.0]}]), "'portfolios' must hold Portfolio"),
        (lambda p: Portfolio.from_columns(["a"], [("v", [1.0])]), "'columns' must be a mapping"),
        (lambda p: Portfolio.from_columns(["a"], {"v": [1.0]}, nullable="v"), "not one string"),
        (lambda p: Portfolio.from_columns(["a"], {"v": [1.0]}, nullable=5), "iterable"),
        (lambda p: Portfolio.from_columns(["a"], {"v": [1.0]}, nullable=[1]), "names \\(str\\)"),
        (
            lambda p: Portfolio.from_columns(["a"], {"v": [1.0]}, currencies=["EUR"]),
            "'currencies' must be a mapping",
        ),
    ],
)
def test_wrong_argument_types_raise_invalid_parameter(call, match):
    p = Portfolio.from_columns(["a"], {"v": [1.0]})
    with pytest.raises(InvalidParameterError, match=match):
        call(p)


def test_membership_of_unhashable_names_is_false():
    p = Portfolio.from_columns(["a"], {"v": [1.0]})
    assert ["v"] not in p
    assert 1 not in p
    assert "v" in p
