"""Regression tests for defects the adversarial suite looks for: each is a real input."""

from __future__ import annotations

import importlib.metadata
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from kamcore import Portfolio, _optional
from kamcore._params import as_float_array, as_int_array
from kamcore.errors import InvalidParameterError, SchemaError
from kamcore.scoring import GradeScale, ScorerRegistry
from kamcore.scoring._pareto import ParetoScorer
from kamcore.transactions import TransactionLog

# ------------------------------------------------------------------ ragged input


@pytest.mark.parametrize("convert", [as_float_array, as_int_array])
@pytest.mark.parametrize("ragged", [[[1], [1, 2]], [1, [2, 3]], [[1.0], [2.0, 3.0]]])
def test_ragged_input_is_refused_by_name(convert, ragged):
    with pytest.raises(InvalidParameterError, match="'n_periods' must be a rectangular array"):
        convert(ragged, "n_periods")


def test_int_arrays_refuse_values_beyond_int64():
    with pytest.raises(InvalidParameterError, match="'n' must fit in a 64-bit integer"):
        as_int_array([1.0, 1e19], "n")
    with pytest.raises(InvalidParameterError, match="'n' must fit in int64"):
        as_int_array(np.array([2**64 - 1], dtype=np.uint64), "n")


# ------------------------------------------------------------ scorer registry race


class _FakeEP:
    def __init__(self, name: str, obj: object) -> None:
        self.name = name
        self.value = f"fake:{name}"
        self._obj = obj

    def load(self) -> object:
        threading.Event().wait(0.05)  # a slow import widens the window a race needs
        return self._obj


def test_first_lookups_from_eight_threads_all_find_the_plug_in(monkeypatch):
    def fake_entry_points(*, group: str) -> list[_FakeEP]:
        return [_FakeEP("plugin_pareto", ParetoScorer)]

    monkeypatch.setattr(importlib.metadata, "entry_points", fake_entry_points)
    registry = ScorerRegistry({}, group="kamcore.scorers")
    barrier = threading.Barrier(8)

    def lookup(_: int) -> str:
        barrier.wait()
        return registry.get("plugin_pareto", column="profit").name

    with ThreadPoolExecutor(8) as pool:
        names = list(pool.map(lookup, range(8)))
    assert names == ["pareto"] * 8


def test_a_plug_in_that_registers_while_loading_does_not_deadlock(monkeypatch):
    registry = ScorerRegistry({}, group="kamcore.scorers")

    class _Registering(_FakeEP):
        def load(self) -> object:
            registry.register("side", ParetoScorer)  # re-enters the registry
            return ParetoScorer

    monkeypatch.setattr(
        importlib.metadata, "entry_points", lambda *, group: [_Registering("main", None)]
    )
    assert registry.names() == ("main", "side")


# ------------------------------------------------------------ BLAS thread limits


def _blas_threads(threadpoolctl) -> list[int]:
    return [i["num_threads"] for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]


def test_overlapping_contexts_restore_the_original_limits():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    with threadpoolctl.threadpool_limits(limits=2, user_api="blas"):
        original = _blas_threads(threadpoolctl)
        assert original
        assert all(n == 2 for n in original)
        first, second = _optional.single_threaded_blas(), _optional.single_threaded_blas()
        first.__enter__()
        second.__enter__()
        first.__exit__(None, None, None)  # not nested: the first one leaves first
        assert all(n == 1 for n in _blas_threads(threadpoolctl))  # `second` still runs
        second.__exit__(None, None, None)
        assert _blas_threads(threadpoolctl) == original


def test_eight_concurrent_contexts_restore_the_original_limits():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    with threadpoolctl.threadpool_limits(limits=2, user_api="blas"):
        original = _blas_threads(threadpoolctl)
        entered = threading.Barrier(8)
        order = [threading.Event() for _ in range(9)]
        order[0].set()

        def use(i: int) -> list[int]:
            with _optional.single_threaded_blas():
                entered.wait()
                seen = _blas_threads(threadpoolctl)
                order[i].wait()  # leave in entry-independent order 0, 1, ..., 7
            order[i + 1].set()
            return seen

        with ThreadPoolExecutor(8) as pool:
            inside = list(pool.map(use, range(8)))
        assert all(n == 1 for seen in inside for n in seen), inside
        assert _blas_threads(threadpoolctl) == original


# ------------------------------------------------------------------ grades


@pytest.mark.parametrize("bad", [[np.nan], [1.0, np.nan], [np.inf]])
def test_grade_scale_refuses_nan_scores(bad):
    scale = GradeScale(("A", "B", "C"), (2.0, 1.0))
    with pytest.raises(InvalidParameterError, match="'scores' must be numbers, not NaN"):
        scale.grade(bad)


def test_grade_scale_grades_a_missing_score_last():
    scale = GradeScale(("A", "B", "C"), (2.0, 1.0))
    assert scale.grade([3.0, -np.inf]).tolist() == ["A", "C"]
    with pytest.raises(InvalidParameterError, match="'scores' must be numeric"):
        scale.grade(["A"])


# ------------------------------------------------------------------ ids

BAD_IDS = [
    (["a", "a\x00"], "NUL", 1),
    (np.array(["a", "b\x00c"]), "NUL", 1),
    (["a", float("nan")], "no None, NaN", 1),
    (["a", None], "no None, NaN", 1),
    (["a", True], "no None, NaN, bool", 1),
    (["a", " b"], "whitespace", 1),
    (["a", "b\t"], "whitespace", 1),
    (["a", "  "], "blank", 1),
]


@pytest.mark.parametrize(("ids", "rule", "index"), BAD_IDS)
def test_portfolio_and_transaction_log_refuse_the_same_ids(ids, rule, index):
    with pytest.raises(InvalidParameterError, match=f"'ids' must .*{rule}.*index {index}"):
        Portfolio.from_columns(ids, {})
    with pytest.raises(InvalidParameterError, match=f"'customer_ids' must .*{rule}.*index {index}"):
        TransactionLog(ids, periods=[1, 2])


def test_mixed_integer_and_text_ids_are_refused():
    with pytest.raises(InvalidParameterError, match=r"not a mix .*index 1: 1"):
        TransactionLog(["1", 1], periods=[1, 2])
    with pytest.raises(SchemaError, match=r"'ids' must be strings .*index 1: 1"):
        Portfolio.from_columns(["1", 1], {})


def test_ids_are_kept_exactly():
    ids = ["é", "a b", "x" * 40]
    assert Portfolio.from_columns(ids, {}).ids.tolist() == ids
    assert TransactionLog(ids, periods=[1, 2, 3]).customer_ids.tolist() == ids


# ------------------------------------------------------- huge horizons, no hang


def test_stage_values_for_a_huge_horizon_match_the_infinite_one():
    from kamcore.clp import DEFAULT_STAGE_PROFILE, stage_lifetime_profit

    profile = DEFAULT_STAGE_PROFILE
    np.testing.assert_allclose(
        profile.values(0.1, n_periods=10**12), profile.values(0.1), rtol=1e-12
    )
    # a short horizon by hand: V_2(start) = m + Q m / (1 + d)
    q, m = profile.transition_matrix(), profile.margins()
    expected = m + q @ m / 1.1
    np.testing.assert_allclose(profile.values(0.1, n_periods=2, timing="start")[:4], expected)
    huge = stage_lifetime_profit(["stability"], 0.1, n_periods=10**12)
    np.testing.assert_allclose(huge, stage_lifetime_profit(["stability"], 0.1))


def test_markov_value_for_a_huge_horizon_is_a_closed_form():
    from kamcore.clp import MarkovChain

    chain = MarkovChain([[0.8, 0.2], [0.0, 1.0]], [100.0, 0.0], 0.1)
    np.testing.assert_allclose(chain.value(n_periods=10**15), chain.value(), rtol=1e-12)
    np.testing.assert_allclose(chain.value(n_periods=1), [100.0 + 0.8 * 100.0 / 1.1, 0.0])
    flat = MarkovChain([[1.0]], [1.0], 0.0)  # no discounting: T + 1 rewards of 1
    assert flat.value(n_periods=10**15)[0] == pytest.approx(1e15 + 1, rel=1e-12)
    growing = MarkovChain([[1.0]], [1.0], -0.5)
    with pytest.raises(InvalidParameterError, match="'value' must be finite"):
        growing.value(n_periods=10**15)


def test_a_huge_active_window_costs_what_the_whole_history_does():
    from kamcore.metrics import cohort_retention, period_metrics

    ids, periods = ["a", "b", "a", "c"], [1, 2, 5, 3]
    whole = period_metrics(ids, periods, active_window=5)
    huge = period_metrics(ids, periods, active_window=10**9)
    np.testing.assert_array_equal(huge.active, whole.active)
    np.testing.assert_array_equal(huge.active, [1, 2, 3, 3, 3])
    c_whole = cohort_retention(ids, periods, active_window=5)
    c_huge = cohort_retention(ids, periods, active_window=10**9)
    np.testing.assert_array_equal(c_huge.active, c_whole.active)


# ------------------------------------------------------- overflow and loose types


def test_customer_equity_refuses_an_overflowing_total():
    from kamcore.clp import customer_equity

    with pytest.raises(InvalidParameterError, match="'values' must sum to a finite total"):
        customer_equity([1e308, 1e308])
    with pytest.raises(InvalidParameterError, match="'segment totals' must be finite"):
        customer_equity([1e308, -1e308, 1e308], segments=["a", "b", "a"])
    with pytest.raises(InvalidParameterError, match="'segments' must be a 1-D array"):
        customer_equity([1.0, 2.0], segments=[["a"], ["b", "c"]])


@pytest.mark.parametrize(
    ("field", "value"), [("retention", "0.5"), ("duration", True), ("margin", None)]
)
def test_stage_parameters_refuse_text_and_booleans(field, value):
    from kamcore.clp import StageParameters

    kwargs = {"duration": 2.0, "margin": 1.0, "retention": 0.5, field: value}
    with pytest.raises(InvalidParameterError, match=f"'{field}' must be a real number"):
        StageParameters(**kwargs)


@pytest.mark.parametrize(
    ("before", "after", "match"),
    [
        (["a", None], ["a", "a"], "index 1: None"),
        (["a", np.nan], ["a", "a"], "index 1: nan"),
        ([1, "a"], ["a", "a"], "not a mix"),
        ([1, 2], ["1", "2"], "not a mix"),
        (["a", "b "], ["a", "a"], "whitespace"),
    ],
)
def test_transition_estimates_refuse_loose_state_labels(before, after, match):
    from kamcore.clp import estimate_transition_matrix

    with pytest.raises(InvalidParameterError, match=match):
        estimate_transition_matrix(before, after)
