"""Money: exactness, currency rules, validation."""

from __future__ import annotations

import math
import pickle
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kamcore.domain import ISO_4217_CODES, Money, check_currency
from kamcore.errors import CurrencyMismatchError, InvalidParameterError, KamcoreError
from kamcore.testing.strategies import amounts, money

USD = money("USD")


# ------------------------------------------------------------------ construction
def test_of_float_uses_shortest_repr() -> None:
    assert Money.of(0.1, "USD").amount == Decimal("0.1")
    assert Money.of(1234.5678, "EUR").amount == Decimal("1234.5678")
    assert Money.of(1e-7, "EUR").amount == Decimal("1E-7")


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_of_float_round_trips_to_the_same_float(x: float) -> None:
    assert float(Money.of(x, "USD").amount) == x


def test_of_string_and_int() -> None:
    assert Money.of("12.50", "GBP").amount == Decimal("12.50")
    assert str(Money.of("12.50", "GBP").amount) == "12.50"
    assert Money.of(" 3 ", "GBP").amount == 3
    assert Money.of(7, "JPY") == Money(7, "JPY")


def test_strict_constructor_rejects_float() -> None:
    with pytest.raises(InvalidParameterError, match=r"'amount'.*Money.of"):
        Money(0.1, "USD")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "bad",
    [Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"), Decimal("-Infinity")],
)
def test_strict_constructor_rejects_non_finite(bad: Decimal) -> None:
    with pytest.raises(InvalidParameterError, match="'amount' must be a finite amount"):
        Money(bad, "USD")


@pytest.mark.parametrize(
    "bad", [math.nan, math.inf, -math.inf, "nan", "inf", "abc", "", True, None]
)
def test_of_rejects_bad_amounts(bad: object) -> None:
    with pytest.raises(InvalidParameterError, match="'amount'"):
        Money.of(bad, "USD")  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [True, "1", None, [1]])
def test_strict_constructor_rejects_other_types(bad: object) -> None:
    with pytest.raises(InvalidParameterError, match="'amount'"):
        Money(bad, "USD")  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["usd", "US", "USDX", "ZZZ", "", " USD", 840, None, "U$D"])
def test_currency_rules(bad: object) -> None:
    with pytest.raises(InvalidParameterError, match="'currency'"):
        Money(1, bad)  # type: ignore[arg-type]


def test_currency_table() -> None:
    assert {"USD", "EUR", "CNY", "JPY", "GBP", "CHF", "XAU", "XXX"} <= ISO_4217_CODES
    assert all(len(c) == 3 and c.isupper() for c in ISO_4217_CODES)
    assert check_currency("CNY") == "CNY"
    with pytest.raises(InvalidParameterError, match="'code_field'"):
        check_currency("cny", "code_field")


# ------------------------------------------------------------------ value object
@given(amounts(), st.integers(0, 5))
def test_equality_by_value_ignores_trailing_zeros(a: Decimal, zeros: int) -> None:
    padded = a.quantize(Decimal(1).scaleb(a.as_tuple().exponent - zeros))  # type: ignore[operator]
    m1, m2 = Money(a, "EUR"), Money(padded, "EUR")
    assert m1 == m2
    assert hash(m1) == hash(m2)
    assert m1 != Money(a, "USD")


def test_hashable_and_picklable() -> None:
    m = Money.of("9.99", "EUR")
    assert {m, Money.of("9.990", "EUR")} == {m}
    assert pickle.loads(pickle.dumps(m)) == m


def test_frozen() -> None:
    m = Money(1, "EUR")
    with pytest.raises(AttributeError):
        m.amount = Decimal(2)  # type: ignore[misc]


# ------------------------------------------------------------------ arithmetic
def test_exact_decimal_sum() -> None:
    parts = [Money.of(0.1, "USD")] * 10
    assert sum(parts) == Money(1, "USD")
    assert Money.total(parts) == Money(1, "USD")


def test_no_rounding_beyond_default_context_precision() -> None:
    big = Money(Decimal("1e40"), "USD")
    tiny = Money(Decimal("0.000001"), "USD")
    total = big + tiny
    assert total - big == tiny
    assert (big * Decimal("1.000000000000000000000000000000001")).amount == Decimal(
        "10000000000000000000000000000000010000000"
    )


@given(st.lists(amounts(), max_size=12))
def test_sum_matches_exact_decimal_reference(values: list[Decimal]) -> None:
    # Plain reference: integers of the smallest unit (no decimal context involved).
    exponent = min([0] + [_parts(v)[1] for v in values])
    total_units = 0
    for v in values:
        units, e = _parts(v)
        total_units += units * 10 ** (e - exponent)
    got = Money.total([Money(v, "EUR") for v in values], currency="EUR").amount
    got_units, got_e = _parts(got)
    assert got_units * 10 ** (got_e - exponent) == total_units if got_e >= exponent else False


def _parts(d: Decimal) -> tuple[int, int]:
    sign, digits, exponent = d.as_tuple()
    assert isinstance(exponent, int)
    units = int("".join(map(str, digits)) or "0")
    return (-units if sign else units), exponent


@given(USD, USD, USD)
def test_addition_group_laws(a: Money, b: Money, c: Money) -> None:
    assert a + b == b + a
    assert (a + b) + c == a + (b + c)
    assert a + Money.zero("USD") == a
    assert a - a == Money.zero("USD")
    negated = -a
    assert -negated == a
    assert a - b == a + (-b)
    assert abs(a) >= Money.zero("USD")


@given(USD, st.integers(-1000, 1000), st.integers(-1000, 1000))
def test_multiplication_distributes(a: Money, j: int, k: int) -> None:
    assert a * (j + k) == a * j + a * k
    assert k * a == a * k
    assert a * Decimal(k) == a * k


@given(USD, USD)
def test_ordering_is_total_within_currency(a: Money, b: Money) -> None:
    assert (a < b) + (a == b) + (a > b) == 1
    assert (a <= b) == (a.amount <= b.amount)
    assert (a >= b) == (a.amount >= b.amount)


@given(money(), money())
def test_cross_currency_operations_raise(a: Money, b: Money) -> None:
    assume(a.currency != b.currency)
    for op in (
        lambda: a + b,
        lambda: a - b,
        lambda: a < b,
        lambda: a <= b,
        lambda: a > b,
        lambda: a >= b,
    ):
        with pytest.raises(CurrencyMismatchError, match=f"{a.currency}.*{b.currency}"):
            op()
    assert a != b


def test_float_and_bool_factors_rejected() -> None:
    with pytest.raises(InvalidParameterError, match="'factor'"):
        _ = Money(1, "USD") * 1.5  # type: ignore[operator]
    with pytest.raises(InvalidParameterError, match="'factor'"):
        _ = Money(1, "USD") * True
    with pytest.raises(InvalidParameterError, match="'factor'"):
        _ = Money(1, "USD") * Decimal("NaN")


def test_non_money_operands_follow_python_protocol() -> None:
    with pytest.raises(TypeError):
        _ = Money(1, "USD") + 1  # type: ignore[operator]
    with pytest.raises(TypeError):
        _ = Money(1, "USD") < 1  # type: ignore[operator]
    assert Money(1, "USD") != 1  # type: ignore[comparison-overlap]


def test_total_rules() -> None:
    assert Money.total([], currency="EUR") == Money.zero("EUR")
    with pytest.raises(InvalidParameterError, match="'currency'"):
        Money.total([])
    with pytest.raises(CurrencyMismatchError):
        Money.total([Money(1, "USD")], currency="EUR")
    with pytest.raises(InvalidParameterError, match="'items'"):
        Money.total([Money(1, "USD"), 3])  # type: ignore[list-item]


def test_exponent_overflow_is_a_kamcore_error() -> None:
    huge = Money(Decimal("9e999999999999999999"), "USD")
    with pytest.raises(KamcoreError):
        _ = huge * Decimal("1e999999999999999999")


def test_predicates_and_str() -> None:
    assert Money.zero("EUR").is_zero()
    assert Money(-1, "EUR").is_negative()
    assert str(Money.of("12.50", "EUR")) == "12.50 EUR"
    assert +Money(3, "EUR") == Money(3, "EUR")


@given(st.lists(amounts(), max_size=10), st.randoms(use_true_random=False))
def test_total_is_permutation_and_chunk_invariant(values: list[Decimal], rnd: Any) -> None:
    items = [Money(v, "CHF") for v in values]
    shuffled = list(items)
    rnd.shuffle(shuffled)
    whole = Money.total(items, currency="CHF")
    assert Money.total(shuffled, currency="CHF") == whole
    cut = len(items) // 2
    parts = [Money.total(items[:cut], currency="CHF"), Money.total(items[cut:], currency="CHF")]
    assert Money.total(parts) == whole
