"""The JSON loader under attack: every hostile document is refused by name.

Truncated documents, unknown fields, bad ``schema_version`` values, deep
nesting, huge strings, oversized documents, duplicate keys and non-canonical
amounts all end in a ``SchemaError`` whose message names the rule; limits are
keyword arguments of ``loads``. Memory is checked with ``tracemalloc`` (the
peak must stay a small multiple of the document); nothing here is timed.
"""

from __future__ import annotations

import json
import tracemalloc
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamcore.domain import Customer, Money
from kamcore.errors import InvalidParameterError, SchemaError
from kamcore.io import json as kjson

from .conftest import DATA

DOCUMENTS = DATA / "json_documents"
MB = 1_000_000


def _money(amount: str) -> str:
    return (
        '{"schema_version": 2, "type": "Money", "type_version": 1, '
        f'"data": {{"amount": "{amount}", "currency": "EUR"}}}}'
    )


def _customer(external_ids: str = '{"sap": "9"}', name: str = "Acme") -> str:
    return (
        '{"schema_version": 2, "type": "Customer", "type_version": 1, '
        f'"data": {{"id": "c1", "name": "{name}", "external_ids": {external_ids}}}}}'
    )


def _refused(text: str | bytes, cls: Any = None, **limits: int) -> str:
    with pytest.raises(SchemaError) as info:
        kjson.loads(text, cls, **limits)
    return str(info.value)


def _peak(text: str | bytes, **limits: int) -> tuple[int, str]:
    """Peak traced memory while ``loads`` refuses the document, and the message."""
    tracemalloc.start()
    try:
        message = _refused(text, **limits)
        return tracemalloc.get_traced_memory()[1], message
    finally:
        tracemalloc.stop()


# ---------------------------------------------------------------- valid documents
def test_valid_documents_pass_the_limits_unchanged() -> None:
    assert kjson.loads(_money("12.50"), Money) == Money.of("12.50", "EUR")
    customer = kjson.loads(_customer(), Customer)
    assert customer.external_ids == {"sap": "9"}
    # envelope 1, data 2, external_ids 3: exactly at a limit of 3 is fine
    assert kjson.loads(_customer(), Customer, max_depth=3) == customer


@pytest.mark.parametrize("path", sorted(DOCUMENTS.glob("*.json")), ids=lambda p: p.stem)
def test_every_stored_fixture_loads_under_the_default_limits(path: Any) -> None:
    text = path.read_text(encoding="utf-8")
    result = kjson.loads(text, None) if '"schema_version"' in text else None
    if result is not None:
        assert type(result).__name__ in kjson.registered_types()


# ---------------------------------------------------------------- truncation
@pytest.mark.parametrize("name", ["Customer.json", "Relationship.json", "BetaGeo_fitted.json"])
def test_every_truncation_of_a_document_is_refused(name: str) -> None:
    text = (DOCUMENTS / name).read_text(encoding="utf-8").rstrip()
    kjson.loads(text)  # the whole document is fine
    for end in range(len(text)):
        message = _refused(text[:end])
        assert message.startswith(("invalid JSON", "'$' must be a JSON object")), (end, message)


# ---------------------------------------------------------------- unknown fields
def test_unknown_fields_are_refused_in_the_envelope_and_in_data() -> None:
    doc = json.loads(_money("1"))
    message = _refused(json.dumps({**doc, "signature": "x"}))
    assert "unknown ['signature']" in message
    doc["data"]["fx_rate"] = 1.1
    assert "$.data: unknown field(s) fx_rate" in _refused(json.dumps(doc))


# ---------------------------------------------------------------- schema_version
@pytest.mark.parametrize(
    ("literal", "shown"),
    [
        ("1.0", "1.0"),
        ("2.0", "2.0"),
        ('"2"', "'2'"),
        ("true", "True"),
        ("3", "3"),
        ("0", "0"),
        ("-1", "-1"),
        ("1e0", "1.0"),
        ("null", "None"),
        ("[2]", "[2]"),
    ],
)
def test_schema_version_must_be_an_integer_that_is_read(literal: str, shown: str) -> None:
    text = _money("1").replace('"schema_version": 2', f'"schema_version": {literal}')
    message = _refused(text)
    assert message == (
        f"'schema_version' must be 1 or 2 (the versions this kamcore reads); got {shown}."
    )


def test_type_version_must_be_an_integer_too() -> None:
    message = _refused(_money("1").replace('"type_version": 1', '"type_version": 1.0'))
    assert "'type_version' of a Money document must be one of 1" in message
    assert message.endswith("got 1.0.")


# ---------------------------------------------------------------- depth
@pytest.mark.parametrize(
    "text",
    [
        "[" * 10**5 + "]" * 10**5,
        '{"a": ' * 10**5 + "1" + "}" * 10**5,
        "[" * 10**5,  # and never closed
        '[{"a": ' * 50_000 + "0" + "}]" * 50_000,
    ],
    ids=["arrays", "objects", "unclosed", "mixed"],
)
def test_nesting_of_100k_levels_is_refused_without_recursion(text: str) -> None:
    message = _refused(text)
    assert message.startswith(
        "the document must nest arrays and objects at most 100 levels deep (max_depth); it reaches "
    )


def test_deep_external_ids_are_refused_by_the_depth_limit() -> None:
    deep = '{"a": ' * 2000 + '"x"' + "}" * 2000
    message = _refused(_customer(deep), Customer)
    assert message == (
        "the document must nest arrays and objects at most 100 levels deep (max_depth); "
        "it reaches 2,002 levels."
    )


def test_a_depth_limit_above_what_the_parser_can_take_still_gives_a_schema_error() -> None:
    deep = '{"a": ' * 5000 + '"x"' + "}" * 5000
    message = _refused(_customer(deep), Customer, max_depth=10**6)
    assert "deeper than this interpreter can read (lower max_depth)" in message


def test_nesting_within_the_limit_reaches_the_schema_checks() -> None:
    nested = '{"a": ' * 20 + '"x"' + "}" * 20
    message = _refused(_customer(nested), Customer)
    assert message.startswith("invalid Customer document (1 problem):")
    assert "$.data.external_ids['a']: expected a string" in message


def test_brackets_inside_strings_do_not_count_as_depth() -> None:
    name = "[{" * 300 + '\\"[' * 300
    customer = kjson.loads(_customer(name=name), Customer)
    assert customer.name == "[{" * 300 + '"[' * 300


def test_depth_is_counted_in_objects_and_arrays_alike() -> None:
    assert _refused("[[[1]]]", max_depth=2).endswith("it reaches 3 levels.")
    assert _refused('{"a": {"b": {}}}', max_depth=2).endswith("it reaches 3 levels.")
    # within the limit the document is parsed (and then refused as no envelope)
    assert _refused("[[[1]]]", max_depth=3).startswith("'$' must be a JSON object")


# ---------------------------------------------------------------- strings
def test_a_50_mb_string_is_refused_with_bounded_memory() -> None:
    text = _money("1" * (50 * MB))
    peak, message = _peak(text)
    assert message == (
        "the document must hold no string longer than 1,000,000 characters "
        "(max_string_length); it has a longer one."
    )
    assert peak < 3 * len(text)  # a few copies of the text at most, never a parse tree


def test_a_50_mb_key_is_refused_too() -> None:
    text = '{"' + "k" * (50 * MB) + '": 1}'
    assert "no string longer than 1,000,000 characters" in _refused(text)


def test_string_length_is_counted_with_escapes_as_one_character() -> None:
    within = _customer(name="\\n" * 1000)
    assert kjson.loads(within, Customer, max_string_length=1000).name == "\n" * 1000
    over = _customer(name="\\u00e9" * 1001)
    message = _refused(over, Customer, max_string_length=1000)
    assert "no string longer than 1,000 characters (max_string_length)" in message


def test_an_unterminated_long_string_is_reported_by_the_parser() -> None:
    message = _refused('{"schema_version": "' + "x" * 2000, max_string_length=100)
    assert message.startswith("invalid JSON: Unterminated string starting at")


# ---------------------------------------------------------------- size
def test_a_document_over_max_bytes_is_refused_before_parsing() -> None:
    text = "[" + "1," * (40 * MB) + "1]"
    peak, message = _peak(text)
    assert message == (
        "the document must be at most 67,108,864 bytes (max_bytes); "
        f"got at least {len(text):,} bytes ({len(text):,} characters)."
    )
    assert peak < MB  # nothing was copied or parsed


def test_max_bytes_counts_utf8_bytes_of_text_and_raw_bytes() -> None:
    text = _customer(name="é" * 600)  # 1,200 bytes of name in UTF-8
    size = len(text.encode("utf-8"))
    assert kjson.loads(text, Customer, max_bytes=size).name == "é" * 600
    assert _refused(text, Customer, max_bytes=size - 1) == (
        f"the document must be at most {size - 1:,} bytes (max_bytes); got {size:,} bytes."
    )
    assert _refused(text.encode("utf-8"), Customer, max_bytes=size - 1) == (
        f"the document must be at most {size - 1:,} bytes (max_bytes); got {size:,} bytes."
    )
    assert kjson.loads(text.encode("utf-16"), Customer).name == "é" * 600


def test_bytes_that_are_not_unicode_are_refused() -> None:
    message = _refused(b'{"schema_version": "\xff\xfe\xfa"}')
    assert message.startswith("invalid JSON: the document is not valid Unicode")


@pytest.mark.parametrize("name", ["max_bytes", "max_depth", "max_string_length"])
@pytest.mark.parametrize("bad", [0, -1, True, 1.5, "10", None])
def test_limits_must_be_positive_integers(name: str, bad: Any) -> None:
    with pytest.raises(InvalidParameterError, match=f"'{name}' must be a positive integer; got "):
        kjson.loads(_money("1"), **{name: bad})


# ---------------------------------------------------------------- duplicates and numbers
@pytest.mark.parametrize(
    ("text", "key"),
    [
        (_money("1").replace('"type": "Money"', '"type": "Money", "type": "Customer"'), "'type'"),
        (_money("1").replace('"currency": "EUR"', '"currency": "EUR", "amount": "2"'), "'amount'"),
        ('{"a": {"x": 1, "x": 1}}', "'x'"),
    ],
)
def test_duplicate_keys_are_refused_not_resolved(text: str, key: str) -> None:
    assert _refused(text) == (
        f"invalid JSON: the key {key} appears more than once in an object "
        "(duplicate keys are refused, not resolved)."
    )


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_literals_are_refused(literal: str) -> None:
    text = _money("1").replace('"schema_version": 2', f'"schema_version": {literal}')
    assert _refused(text) == (
        f"invalid JSON: the literal {literal} is not allowed (NaN and infinities)."
    )


def test_a_number_that_overflows_to_infinity_is_refused() -> None:
    text = _money("1").replace('"schema_version": 2', '"schema_version": 1e999')
    assert _refused(text) == (
        "invalid JSON: the number '1e999' is too large for a float (it would be read as infinity)."
    )


def test_an_integer_with_too_many_digits_is_refused() -> None:
    text = _money("1").replace('"schema_version": 2', '"schema_version": ' + "9" * 10_000)
    assert _refused(text).startswith("invalid JSON: Exceeds the limit")


# ---------------------------------------------------------------- amounts
@pytest.mark.parametrize(
    "amount",
    ["1_000", " 12 ", "12 ", "+5", "1e3", "1E3", "0012", "12.", ".5", "١٢", "1,000", "0x10"],
)
def test_amounts_must_be_canonical_decimal_strings(amount: str) -> None:
    message = _refused(_money(amount), Money)
    assert message.startswith("invalid Money document (1 problem):\n  - $.data.amount: expected ")
    assert ("canonical decimal string" in message) or ("decimal number written" in message)


@pytest.mark.parametrize("amount", ["NaN", "sNaN", "-Infinity", "inf"])
def test_non_finite_amounts_are_refused(amount: str) -> None:
    assert "$.data.amount: expected a finite decimal number" in _refused(_money(amount), Money)


def test_amounts_beyond_decimal_arithmetic_are_refused() -> None:
    message = _refused(_money("1E+999999999999"), Money)
    assert "$.data.amount: expected a decimal number with an exponent within +-999,999" in message


@pytest.mark.parametrize("amount", ["12.50", "-0", "0E-8", "1E+3", "-1.25E-7", "0.000001"])
def test_canonical_amounts_are_read_exactly(amount: str) -> None:
    money = kjson.loads(_money(amount), Money)
    assert str(money.amount) == amount
    assert kjson.dumps(money) == _money(amount)


def test_a_structure_too_deep_to_build_is_refused_by_name() -> None:
    from kamcore.scoring import ScoreResult

    text = kjson.dumps(ScoreResult("demo", ["a"], [1.0]))
    nested = '{"k": ' * 500 + "1" + "}" * 500
    deep = text.replace('"params": {}', '"params": ' + nested)
    assert "max_depth" in _refused(deep)  # the default limit refuses it first
    assert _refused(deep, max_depth=10**6) == (
        "invalid ScoreResult document: nested deeper than this interpreter can read "
        "(lower max_depth)."
    )


@pytest.mark.parametrize("bad", [123, None, ["{}"], 1.5])
def test_a_document_must_be_text_or_bytes(bad: Any) -> None:
    assert _refused(bad) == (f"the document must be text (str or bytes); got {type(bad).__name__}.")


def test_bytearray_documents_are_read_like_bytes() -> None:
    assert kjson.loads(bytearray(_money("2.5").encode()), Money) == Money.of("2.5", "EUR")


# ---------------------------------------------------------------- the pre-scan is exact
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.characters(), max_size=12)
    | st.sampled_from(["[", "]", '{"a": [', "\\", '"', '\\"]', "\\u005b"]),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.text(max_size=6) | st.sampled_from(["[", "}", '"{']), inner, max_size=4
        )
    ),
    max_leaves=20,
)


def _depth(value: Any) -> int:
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    return 0


def _longest(value: Any) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, list):
        return max(map(_longest, value), default=0)
    if isinstance(value, dict):
        return max([*map(len, value), *map(_longest, value.values())], default=0)
    return 0


def _outcome(text: str, **limits: int) -> str:
    try:
        kjson.loads(text, **limits)
    except SchemaError as exc:
        return str(exc)
    return "loaded"


@given(JSON)
def test_the_prescan_measures_depth_and_string_length_exactly(value: Any) -> None:
    text = json.dumps(value, ensure_ascii=False)
    depth, longest = _depth(value), _longest(value)
    ok = _outcome(text, max_depth=max(depth, 1), max_string_length=max(longest, 1))
    assert "(max_depth)" not in ok
    assert "(max_string_length)" not in ok
    if depth > 1:
        assert f"it reaches {depth:,} levels" in _outcome(text, max_depth=depth - 1)
    if longest > 1:
        assert "(max_string_length)" in _outcome(text, max_string_length=longest - 1)


def test_a_max_string_length_beyond_the_regex_repeat_limit_is_read_as_no_limit() -> None:
    from kamcore.domain import Money

    text = kjson.dumps(Money.of("1", "EUR"))
    assert kjson.loads(text, Money, max_string_length=10**15) == Money.of("1", "EUR")
