"""Tests of kamcore.domain._switching_cost (value objects) and kamcore.switching (kernels)."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kamcore.domain import (
    DependenceLever,
    Money,
    SwitchingCost,
    SwitchingCostComponent,
    SwitchingCostFacet,
    SwitchingCostKind,
)
from kamcore.errors import (
    CurrencyMismatchError,
    InvalidParameterError,
    KamcoreError,
    ShapeMismatchError,
    UnknownNameError,
)
from kamcore.switching import (
    FACET_KIND_CODES,
    FACETS,
    KINDS,
    LEVERS,
    BarrierAggregator,
    Maximum,
    NoisyOr,
    WeightedMean,
    barrier_index,
    barrier_index_long,
    barrier_index_of,
    facet_strengths,
    saturation,
    totals_by_kind,
    totals_by_lever,
)


def eur(x: int | str) -> Money:
    return Money(Decimal(x), "EUR")


# ------------------------------------------------------------------ scalar references
def ref_effective(strength: float | None, money: float | None, scale: float | None) -> float:
    s = 0.0 if strength is None else strength
    if money is None or scale is None:
        return s
    return max(s, 1.0 - math.exp(-money / scale))


def ref_noisy_or(values: list[float]) -> float:
    keep = 1.0
    for v in values:
        keep *= 1.0 - v
    return 1.0 - keep


# ------------------------------------------------------------------ strategies
unit = st.floats(0.0, 1.0, allow_nan=False)
amounts = st.integers(0, 10**6)


@st.composite
def components(draw: st.DrawFn) -> SwitchingCostComponent:
    has_money = draw(st.booleans())
    has_strength = draw(st.booleans()) or not has_money
    return SwitchingCostComponent(
        draw(st.sampled_from(FACETS)),
        draw(st.sampled_from(LEVERS)),
        money=eur(draw(amounts)) if has_money else None,
        strength=draw(unit) if has_strength else None,
    )


costs = st.lists(components(), max_size=10).map(SwitchingCost)


# ------------------------------------------------------------------ domain: components
def test_eight_facets_three_kinds_five_levers() -> None:
    kinds = [f.kind for f in SwitchingCostFacet]
    assert kinds.count(SwitchingCostKind.PROCEDURAL) == 4
    assert kinds.count(SwitchingCostKind.FINANCIAL) == 2
    assert kinds.count(SwitchingCostKind.RELATIONAL) == 2
    assert len(DependenceLever) == 5
    assert [f.code for f in FACETS] == list(range(8))
    assert FACET_KIND_CODES.tolist() == [0, 0, 0, 0, 1, 1, 2, 2]
    assert [k.code for k in KINDS] == [0, 1, 2]


def test_component_accepts_member_value_or_name() -> None:
    a = SwitchingCostComponent("learning", "PROCESS", strength=0.4)
    b = SwitchingCostComponent(SwitchingCostFacet.LEARNING, DependenceLever.PROCESS, strength=0.4)
    assert a == b
    assert a.kind is SwitchingCostKind.PROCEDURAL


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({}, InvalidParameterError, r"\(setup, process\) must have a 'money' estimate"),
        ({"strength": 1.5}, InvalidParameterError, r"\(setup, process\): 'strength' must be"),
        ({"strength": -0.1}, InvalidParameterError, "'strength' must be a real number in"),
        ({"strength": math.nan}, InvalidParameterError, "'strength' must be a real number"),
        ({"strength": True}, InvalidParameterError, "'strength' must be a real number"),
        ({"strength": "0.5"}, InvalidParameterError, "'strength' must be a real number"),
        ({"money": eur(-1)}, InvalidParameterError, r"\(setup, process\): 'money' must be >= 0"),
        ({"money": 100.0}, InvalidParameterError, "'money' must be a Money value"),
    ],
)
def test_component_bad_input(kwargs: dict[str, Any], error: type[Exception], pattern: str) -> None:
    with pytest.raises(error, match=pattern):
        SwitchingCostComponent("setup", "process", **kwargs)


def test_component_unknown_facet_or_lever() -> None:
    with pytest.raises(UnknownNameError, match="'facet' must be a SwitchingCostFacet"):
        SwitchingCostComponent("time", "process", strength=0.1)
    with pytest.raises(UnknownNameError, match="'lever' must be a DependenceLever"):
        SwitchingCostComponent("setup", "price", strength=0.1)
    with pytest.raises(KamcoreError):
        SwitchingCostComponent(3, "process", strength=0.1)


# ------------------------------------------------------------------ domain: SwitchingCost
def test_switching_cost_totals_hand_example() -> None:
    cost = SwitchingCost.of(
        SwitchingCostComponent("setup", "process", money=eur("30000")),
        SwitchingCostComponent("learning", "product_technology", money=eur("12500.50")),
        SwitchingCostComponent("monetary_loss", "dedicated_assets", money=eur("50000")),
        SwitchingCostComponent("brand_relationship_loss", "emotional_brand", strength=0.7),
    )
    assert cost.currency == "EUR"
    assert cost.total == eur("92500.50")
    by_kind = cost.total_by_kind()
    assert by_kind[SwitchingCostKind.PROCEDURAL] == eur("42500.50")
    assert by_kind[SwitchingCostKind.FINANCIAL] == eur("50000")
    assert by_kind[SwitchingCostKind.RELATIONAL] == eur(0)
    by_lever = cost.total_by_lever()
    assert by_lever[DependenceLever.PROCESS] == eur("30000")
    assert by_lever[DependenceLever.EMOTIONAL_BRAND] == eur(0)
    assert len(by_lever) == 5
    assert cost.total_by_facet()[SwitchingCostFacet.SETUP] == eur("30000")
    assert len(cost) == 4


def test_switching_cost_mixed_currencies() -> None:
    with pytest.raises(
        CurrencyMismatchError, match="component 1 \\(learning, service\\) is in USD"
    ):
        SwitchingCost(
            [
                SwitchingCostComponent("setup", "process", money=eur(1)),
                SwitchingCostComponent("learning", "service", money=Money(1, "USD")),
            ]
        )
    with pytest.raises(CurrencyMismatchError):
        SwitchingCost([SwitchingCostComponent("setup", "process", money=eur(1))], currency="USD")
    with pytest.raises(InvalidParameterError, match="'currency'"):
        SwitchingCost([], currency="euro")
    with pytest.raises(InvalidParameterError, match="only SwitchingCostComponent objects"):
        SwitchingCost([0.5])


def test_switching_cost_without_money() -> None:
    cost = SwitchingCost([SwitchingCostComponent("setup", "process", strength=0.5)])
    assert cost.total is None
    assert cost.total_by_kind() == {}
    assert barrier_index_of(cost) == 0.5
    declared = SwitchingCost(cost.components, currency="GBP")
    assert declared.total == Money(0, "GBP")
    assert barrier_index_of(SwitchingCost()) == 0.0


def test_switching_cost_is_a_value_object() -> None:
    c = SwitchingCostComponent("setup", "process", strength=0.5)
    assert SwitchingCost([c]) == SwitchingCost((c,))
    assert hash(SwitchingCost([c])) == hash(SwitchingCost([c]))
    grown = SwitchingCost([c]).with_component(c)
    assert len(grown) == 2
    assert list(grown) == [c, c]


@given(costs)
def test_totals_by_kind_and_lever_add_up(cost: SwitchingCost) -> None:
    if cost.currency is None:
        assert cost.total is None
        return
    assert sum(cost.total_by_kind().values(), Money.zero("EUR")) == cost.total
    assert sum(cost.total_by_lever().values(), Money.zero("EUR")) == cost.total
    assert sum(cost.total_by_facet().values(), Money.zero("EUR")) == cost.total


def test_scale_required_for_money_only_components() -> None:
    money_only = SwitchingCost([SwitchingCostComponent("setup", "process", money=eur(100))])
    with pytest.raises(InvalidParameterError, match="'scale' must be given"):
        barrier_index_of(money_only)
    with pytest.raises(CurrencyMismatchError):
        barrier_index_of(money_only, scale=Money(100, "USD"))
    for bad in (0, -5.0, math.inf, "100"):
        with pytest.raises(InvalidParameterError, match="'scale'"):
            barrier_index_of(money_only, scale=bad)  # type: ignore[arg-type]
    # with a strength, scale=None leaves the money out of the index (documented)
    both = SwitchingCost([SwitchingCostComponent("setup", "process", money=eur(100), strength=0.2)])
    assert barrier_index_of(both) == pytest.approx(0.2)
    assert barrier_index_of(both, scale=100) == pytest.approx(1 - math.exp(-1))


# ------------------------------------------------------------------ barrier index: properties
@given(costs, st.floats(1.0, 1e6))
def test_barrier_index_object_doors_agree_with_scalar_reference(
    cost: SwitchingCost, scale: float
) -> None:
    ref = ref_noisy_or(
        [
            ref_effective(c.strength, None if c.money is None else float(c.money.amount), scale)
            for c in cost
        ]
    )
    assert 0.0 <= ref <= 1.0
    assert barrier_index_of(cost, scale=scale) == pytest.approx(ref, abs=1e-12)
    if len(cost):  # noisy-OR over the pooled facets equals noisy-OR over the components
        facets = facet_strengths(
            [0] * len(cost),
            [c.facet.code for c in cost],
            strength=[0.0 if c.strength is None else c.strength for c in cost],
            money=[0.0 if c.money is None else float(c.money.amount) for c in cost],
            scale=scale,
        )
        assert ref_noisy_or(facets[0].tolist()) == pytest.approx(ref, abs=1e-12)


@given(costs, st.integers(0, 9), st.floats(0.0, 1.0), st.integers(0, 10**6), st.floats(1.0, 1e6))
def test_barrier_index_never_decreases_when_a_component_grows(
    cost: SwitchingCost, which: int, extra_s: float, extra_m: int, scale: float
) -> None:
    before = barrier_index_of(cost, scale=scale)
    assert 0.0 <= before <= 1.0
    comps = list(cost)
    if comps:
        c = comps[which % len(comps)]
        s = None if c.strength is None else min(1.0, c.strength + extra_s)
        m = None if c.money is None else c.money + eur(extra_m)
        comps[which % len(comps)] = SwitchingCostComponent(c.facet, c.lever, money=m, strength=s)
    else:
        comps.append(SwitchingCostComponent("setup", "service", strength=extra_s))
    after = barrier_index_of(SwitchingCost(comps), scale=scale)
    assert after >= before - 1e-12
    assert after <= 1.0
    added = barrier_index_of(cost.with_component(comps[0]), scale=scale)
    assert added >= before - 1e-12


@given(st.lists(st.integers(0, 10**6), min_size=1, max_size=8), st.floats(1.0, 1e6))
def test_money_only_index_is_saturated_total_however_split(parts: list[int], scale: float) -> None:
    cost = SwitchingCost(
        [
            SwitchingCostComponent(FACETS[i % 8], LEVERS[i % 5], money=eur(p))
            for i, p in enumerate(parts)
        ]
    )
    expected = 1.0 - math.exp(-sum(parts) / scale)
    assert barrier_index_of(cost, scale=scale) == pytest.approx(expected, abs=1e-12)


@given(
    hnp.arrays(np.float64, st.tuples(st.integers(0, 12), st.integers(0, 8)), elements=unit),
    st.sampled_from([NoisyOr(), Maximum(), WeightedMean()]),
)
def test_matrix_index_equals_scalar_reference_and_is_bounded(
    s: np.ndarray, agg: BarrierAggregator
) -> None:
    got = barrier_index(s, aggregator=agg)
    assert got.shape == (s.shape[0],)
    assert np.all((got >= 0) & (got <= 1))
    for row, value in zip(s.tolist(), got.tolist(), strict=True):
        if isinstance(agg, NoisyOr):
            ref = ref_noisy_or(row)
        elif isinstance(agg, Maximum):
            ref = max(row, default=0.0)
        else:
            ref = sum(row) / len(row) if row else 0.0
        assert value == pytest.approx(ref, abs=1e-12)


@given(
    hnp.arrays(np.float64, st.tuples(st.integers(1, 10), st.just(8)), elements=unit),
    st.data(),
    st.sampled_from(
        [
            NoisyOr(),
            NoisyOr((1, 2, 0, 1, 1, 0.5, 3, 1)),
            Maximum(),
            WeightedMean((1,) * 4 + (2,) * 4),
        ]
    ),
)
def test_matrix_index_monotone_in_each_cell(
    s: np.ndarray, data: st.DataObject, agg: BarrierAggregator
) -> None:
    i = data.draw(st.integers(0, s.shape[0] - 1))
    j = data.draw(st.integers(0, 7))
    grown = s.copy()
    grown[i, j] = data.draw(st.floats(s[i, j], 1.0))
    before = barrier_index(s, aggregator=agg)
    after = barrier_index(grown, aggregator=agg)
    assert np.all(after >= before - 1e-12)


@given(
    hnp.arrays(np.float64, st.tuples(st.integers(0, 10), st.just(8)), elements=st.floats(0, 1e6)),
    st.floats(1.0, 1e6),
)
def test_matrix_money_path_equals_scalar_reference(m: np.ndarray, scale: float) -> None:
    got = barrier_index(money=m, scale=scale)
    for row, value in zip(m.tolist(), got.tolist(), strict=True):
        ref = ref_noisy_or([ref_effective(None, x, scale) for x in row])
        assert value == pytest.approx(ref, abs=1e-12)
    np.testing.assert_allclose(got, saturation(m.sum(axis=1), scale), atol=1e-12)


# ------------------------------------------------------------------ long form
@st.composite
def long_form(draw: st.DrawFn) -> dict[str, Any]:
    n_rows = draw(st.integers(0, 40))
    n_accounts = draw(st.integers(1, 6))
    return {
        "accounts": np.array(
            draw(st.lists(st.integers(0, n_accounts - 1), min_size=n_rows, max_size=n_rows)),
            dtype=np.int64,
        ),
        "facets": np.array(
            draw(st.lists(st.integers(0, 7), min_size=n_rows, max_size=n_rows)), dtype=np.int64
        ),
        "strength": np.array(draw(st.lists(unit, min_size=n_rows, max_size=n_rows))),
        "money": np.array(draw(st.lists(st.floats(0, 1e6), min_size=n_rows, max_size=n_rows))),
        "n_accounts": n_accounts,
    }


@given(long_form(), st.floats(1.0, 1e6))
def test_long_form_equals_scalar_reference(rows: dict[str, Any], scale: float) -> None:
    got = barrier_index_long(**rows, scale=scale)
    matrix = facet_strengths(**rows, scale=scale)
    assert matrix.shape == (rows["n_accounts"], 8)
    for n in range(rows["n_accounts"]):
        mine = rows["accounts"] == n
        ref = ref_noisy_or(
            [
                ref_effective(s, m, scale)
                for s, m in zip(rows["strength"][mine], rows["money"][mine], strict=True)
            ]
        )
        assert got[n] == pytest.approx(ref, abs=1e-12)
        for f in range(8):
            sel = mine & (rows["facets"] == f)
            ref_f = ref_noisy_or(
                [
                    ref_effective(s, m, scale)
                    for s, m in zip(rows["strength"][sel], rows["money"][sel], strict=True)
                ]
            )
            assert matrix[n, f] == pytest.approx(ref_f, abs=1e-12)


@given(long_form(), st.data())
def test_long_form_invariant_to_row_order_and_chunks(
    rows: dict[str, Any], data: st.DataObject
) -> None:
    base = barrier_index_long(**rows, scale=1e5)
    perm = np.array(data.draw(st.permutations(range(rows["accounts"].size))), dtype=np.int64)
    shuffled: dict[str, Any] = {
        k: (v[perm] if isinstance(v, np.ndarray) else v) for k, v in rows.items()
    }
    np.testing.assert_allclose(barrier_index_long(**shuffled, scale=1e5), base, atol=1e-12)
    # chunk invariance: the first account alone gives the same index as in the whole
    first = rows["accounts"] == 0
    alone = barrier_index_long(
        np.zeros(int(first.sum()), dtype=np.int64),
        rows["facets"][first],
        strength=rows["strength"][first],
        money=rows["money"][first],
        scale=1e5,
        n_accounts=1,
    )
    assert alone[0] == pytest.approx(base[0], abs=1e-12)


@given(st.lists(costs, max_size=6), st.floats(1.0, 1e6))
def test_many_objects_equal_one_at_a_time(items: list[SwitchingCost], scale: float) -> None:
    many = barrier_index_of(items, scale=scale)
    assert many.shape == (len(items),)
    for cost, value in zip(items, many.tolist(), strict=True):
        assert value == pytest.approx(barrier_index_of(cost, scale=scale), abs=1e-12)


def test_long_form_accepts_names_and_reports_unknown() -> None:
    got = facet_strengths([0, 0], ["learning", "LEARNING"], strength=[0.5, 0.5])
    assert got[0, SwitchingCostFacet.LEARNING.code] == pytest.approx(0.75)
    objs = facet_strengths([0], np.array([SwitchingCostFacet.SETUP], dtype=object), strength=[0.3])
    assert objs[0, 3] == pytest.approx(0.3)
    with pytest.raises(
        UnknownNameError, match=r"got 2 unknown values \(first at index 1: 'time'\)"
    ):
        facet_strengths([0, 0, 0], ["setup", "time", "price"], strength=[0.1, 0.1, 0.1])
    with pytest.raises(InvalidParameterError, match=r"'facets' must be a code in 0\.\.7"):
        facet_strengths([0], [8], strength=[0.1])
    with pytest.raises(UnknownNameError, match="'levers'"):
        totals_by_lever([0], ["price"], [1.0])


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"strength": [0.1, 1.2]}, InvalidParameterError, r"'strength' must be in \[0, 1\]; got 1"),
        ({"strength": [0.1, math.nan]}, InvalidParameterError, "'strength' must be finite"),
        ({"money": [1.0, -2.0], "scale": 1.0}, InvalidParameterError, "'money' must be >= 0"),
        ({"money": [1.0, 2.0], "scale": 0.0}, InvalidParameterError, "'scale' must be > 0"),
        ({"money": [1.0, 2.0]}, InvalidParameterError, "'scale' must be given"),
        ({}, InvalidParameterError, "'strength' or 'money'"),
        ({"strength": [0.1]}, ShapeMismatchError, "same length"),
        ({"strength": [0.1, 0.2], "n_accounts": 1}, InvalidParameterError, "n_accounts"),
    ],
)
def test_long_form_bad_input(kwargs: dict[str, Any], error: type[Exception], pattern: str) -> None:
    with pytest.raises(error, match=pattern):
        barrier_index_long([0, 1], [0, 1], **kwargs)


def test_long_form_bad_account_codes() -> None:
    with pytest.raises(InvalidParameterError, match="'accounts' must be >= 0"):
        facet_strengths([-1], [0], strength=[0.1])
    with pytest.raises(InvalidParameterError, match="'accounts' must be a whole number"):
        facet_strengths([0.5], [0], strength=[0.1])


def test_matrix_bad_input() -> None:
    with pytest.raises(InvalidParameterError, match="'strengths' must be in"):
        barrier_index([[0.1, 2.0]])
    with pytest.raises(ShapeMismatchError, match="2-dimensional"):
        barrier_index([0.1, 0.2])
    with pytest.raises(ShapeMismatchError, match="same shape"):
        barrier_index([[0.1, 0.2]], money=[[1.0]], scale=1.0)
    with pytest.raises(ShapeMismatchError, match="'scale' must broadcast"):
        barrier_index(money=[[1.0, 2.0]], scale=[1.0, 2.0, 3.0])
    with pytest.raises(ShapeMismatchError, match="NoisyOr has 2 weights"):
        barrier_index([[0.1, 0.2, 0.3]], aggregator=NoisyOr((1, 1)))
    with pytest.raises(InvalidParameterError, match="'weights' must be >= 0"):
        NoisyOr((1, -1))
    with pytest.raises(InvalidParameterError, match="positive sum"):
        WeightedMean((0, 0))


def test_matrix_strength_and_money_take_the_stronger_reading() -> None:
    got = barrier_index([[0.9, 0.1]], money=[[0.0, 100.0]], scale=100.0)
    expected = 1 - (1 - 0.9) * math.exp(-1)
    assert got[0] == pytest.approx(expected)
    per_facet = barrier_index(money=[[100.0, 100.0]], scale=[100.0, 200.0])
    assert per_facet[0] == pytest.approx(1 - math.exp(-1.5))
    # scale=None with strengths: money is left out
    assert barrier_index([[0.5]], money=[[1e9]])[0] == 0.5


def test_custom_aggregator_plugs_in_and_is_checked() -> None:
    def minimum(s: np.ndarray) -> np.ndarray:
        return np.asarray(s.min(axis=1) if s.shape[1] else np.zeros(s.shape[0]))

    assert isinstance(NoisyOr(), BarrierAggregator)
    np.testing.assert_allclose(barrier_index([[0.2, 0.7]], aggregator=minimum), [0.2])
    with pytest.raises(InvalidParameterError, match="'aggregator result' must be in"):
        barrier_index([[0.6, 0.7]], aggregator=lambda s: s.sum(axis=1))
    with pytest.raises(ShapeMismatchError, match="must return shape"):
        barrier_index([[0.6, 0.7]], aggregator=lambda s: s)
    with pytest.raises(InvalidParameterError, match="must be a callable"):
        barrier_index([[0.6]], aggregator=0.5)  # type: ignore[arg-type]


def test_aggregator_does_not_write_into_input() -> None:
    s = np.array([[0.2, 0.4]])

    def sneaky(x: np.ndarray) -> np.ndarray:
        x[0, 0] = 1.0
        return np.asarray(x[:, 0])

    with pytest.raises(KamcoreError):
        barrier_index(s, aggregator=sneaky)
    assert s[0, 0] == 0.2


def test_noisy_or_weights_are_exponents() -> None:
    got = NoisyOr((2.0, 0.0))(np.array([[0.5, 1.0]]))
    assert got[0] == pytest.approx(0.75)  # 1 - 0.5**2; a zero weight switches a facet off


# ------------------------------------------------------------------ totals
@given(long_form())
def test_vectorised_totals_add_up_and_match_scalar_reference(rows: dict[str, Any]) -> None:
    levers = rows["facets"] % 5
    by_kind = totals_by_kind(
        rows["accounts"], rows["facets"], rows["money"], n_accounts=rows["n_accounts"]
    )
    by_lever = totals_by_lever(
        rows["accounts"], levers, rows["money"], n_accounts=rows["n_accounts"]
    )
    assert by_kind.shape == (rows["n_accounts"], 3)
    assert by_lever.shape == (rows["n_accounts"], 5)
    ref = np.zeros((rows["n_accounts"], 3))
    for a, f, m in zip(
        rows["accounts"].tolist(), rows["facets"].tolist(), rows["money"].tolist(), strict=True
    ):
        ref[a, FACETS[f].kind.code] += m
    np.testing.assert_allclose(by_kind, ref, rtol=1e-12, atol=1e-6)
    np.testing.assert_allclose(by_kind.sum(axis=1), by_lever.sum(axis=1), rtol=1e-12, atol=1e-6)


def test_totals_hand_example_and_bad_input() -> None:
    got = totals_by_kind(
        [0, 0, 1],
        ["setup", "personal_relationship_loss", "benefit_loss"],
        [10.0, 4.0, 2.5],
        n_accounts=3,
    )
    np.testing.assert_array_equal(got, [[10.0, 0.0, 4.0], [0.0, 2.5, 0.0], [0.0, 0.0, 0.0]])
    with pytest.raises(InvalidParameterError, match="'money' must be >= 0"):
        totals_by_kind([0], [0], [-1.0])
    with pytest.raises(ShapeMismatchError, match="same length"):
        totals_by_lever([0, 1], [0], [1.0, 2.0])


def test_saturation_values() -> None:
    np.testing.assert_allclose(
        saturation([0.0, 1.0, 2.0], 1.0), [0, 1 - math.exp(-1), 1 - math.exp(-2)]
    )
    with pytest.raises(InvalidParameterError, match="'money' must be >= 0"):
        saturation([-1.0], 1.0)
