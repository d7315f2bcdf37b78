"""The one record check (check_fields) and the domain coercion helpers it sits beside."""

from __future__ import annotations

import math

import attrs
import numpy as np
import pytest

from kamcore import Portfolio
from kamcore._params import FloatArray, as_array, check_fields, frozen_array
from kamcore.domain import Money
from kamcore.domain._coerce import (
    coerce_items,
    coerce_key,
    coerce_mapping,
    coerce_text,
    read_text_file,
)
from kamcore.errors import InvalidParameterError, UnknownNameError
from kamcore.metrics import OrderCycles, order_cycles
from kamcore.transactions import TransactionLog


@attrs.frozen
class _Record:
    label: str
    share: float
    gaps: FloatArray = attrs.field(converter=frozen_array)
    count: int = 0

    def __attrs_post_init__(self) -> None:
        check_fields(self, nan_ok=("gaps",))


def test_check_fields_accepts_a_valid_record_and_freezes_lists() -> None:
    r = _Record("a", 0.5, [1.0, math.nan], 2)
    assert isinstance(r.gaps, np.ndarray)
    assert not r.gaps.flags.writeable
    assert np.isnan(r.gaps[1])  # NaN is this field's declared no-value marker


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"share": math.nan}, r"'_Record.share' must be finite; got nan"),
        ({"share": "x"}, r"'_Record.share' must be a real number; got 'x'"),
        ({"label": 3}, r"'_Record.label' must be text; got 3"),
        ({"count": True}, r"'_Record.count' must be an integer; got True"),
        ({"gaps": [[1.0], [1.0, 2.0]]}, r"'_Record.gaps' must be a rectangular array"),
        ({"gaps": [math.inf]}, r"'_Record.gaps' must not be infinite"),
        ({"gaps": 1.0}, r"'_Record.gaps' must be an array \(not a single value\)"),
        ({"gaps": ["x"]}, r"'_Record.gaps' must be an array of real numbers"),
    ],
)
def test_check_fields_names_the_field_the_rule_and_the_value(kwargs, message) -> None:
    base = {"label": "a", "share": 0.5, "gaps": [1.0], "count": 1}
    with pytest.raises(InvalidParameterError, match=message):
        _Record(**{**base, **kwargs})


def test_check_fields_survives_resolved_annotations() -> None:
    # resolving a class's types (cattrs does) turns field.type into objects;
    # the check reads the annotations as written and keeps working
    attrs.resolve_types(_Record)
    with pytest.raises(InvalidParameterError, match=r"'_Record\.share' must be finite"):
        _Record("a", math.inf, [1.0])


def test_result_records_refuse_bad_ids_and_keep_their_nan_markers() -> None:
    oc = order_cycles(TransactionLog(["a"] * 3 + ["b"], periods=[0, 10, 30, 5]))
    assert np.isnan(oc.mean_gap[1])  # one order: no gap, NaN by definition
    fields = {f.name: getattr(oc, f.name) for f in attrs.fields(OrderCycles)}
    with pytest.raises(InvalidParameterError, match=r"'OrderCycles.ids' must be strings"):
        OrderCycles(**{**fields, "ids": [math.nan, "b"]})
    with pytest.raises(InvalidParameterError, match=r"'OrderCycles.ids' must be unique"):
        OrderCycles(**{**fields, "ids": ["a", "a"]})
    with pytest.raises(InvalidParameterError, match=r"'OrderCycles.ids' must not contain NUL"):
        OrderCycles(**{**fields, "ids": ["a\x00", "b"]})


def test_as_array_refuses_ragged_rows_by_name() -> None:
    with pytest.raises(InvalidParameterError, match="'flags' must be a rectangular array"):
        as_array([[1], [1, 2]], "flags")


def test_coerce_helpers() -> None:
    eur = Money(1, "EUR")
    assert coerce_items([eur], "items", Money) == (eur,)
    with pytest.raises(InvalidParameterError, match="'items' must be an iterable of Money"):
        coerce_items(None, "items", Money)
    with pytest.raises(InvalidParameterError, match="'items' must hold only Money; got int 3"):
        coerce_items([eur, 3], "items", Money)
    with pytest.raises(InvalidParameterError, match="'plans' must be a mapping; got list"):
        coerce_mapping([], "plans")
    assert coerce_key({"a": 1}, "a", "kind") == 1
    with pytest.raises(UnknownNameError, match="'kind' must be one of 'a'; got 'b'"):
        coerce_key({"a": 1}, "b", "kind")
    with pytest.raises(InvalidParameterError, match="'kind' must be a single name"):
        coerce_key({"a": 1}, ["a"], "kind")
    with pytest.raises(InvalidParameterError, match="'text' must be text; got float"):
        coerce_text(1.5, "text")


def test_read_text_file(tmp_path) -> None:
    path = tmp_path / "r.toml"
    path.write_text("x = 1\n", encoding="utf-8")
    assert read_text_file(path) == "x = 1\n"
    assert read_text_file(str(path)) == "x = 1\n"
    with pytest.raises(InvalidParameterError, match="readable UTF-8 file"):
        read_text_file(tmp_path / "missing.toml")
    with pytest.raises(InvalidParameterError, match=r"must be a file path \(str or os.PathLike\)"):
        read_text_file(3)


def test_portfolio_index_of_names_a_bad_id() -> None:
    p = Portfolio.from_columns(["a", "b"], {"v": [1.0, 2.0]})
    assert p.index_of(["b"]).tolist() == [1]
    with pytest.raises(InvalidParameterError, match=r"'ids' must be strings .*None"):
        p.index_of([None])
    with pytest.raises(InvalidParameterError, match="leading or trailing whitespace"):
        p.index_of([" a"])
