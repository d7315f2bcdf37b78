"""Tests for kamcore.metrics: retention/churn, cohorts, growth, order cycle, shares."""

from __future__ import annotations

import itertools
import math
import statistics
from collections import defaultdict

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamcore.errors import InvalidParameterError, KamcoreError, ShapeMismatchError
from kamcore.loyalty import cross_sell
from kamcore.metrics import (
    churn_rate,
    cohort_retention,
    contribution_share,
    growth_rate,
    order_cycles,
    period_metrics,
    period_values,
    retention_rate,
)
from kamcore.satisfaction import satisfaction_index
from kamcore.transactions import TransactionLog

# ------------------------------------------------------------ strategies

logs = st.integers(min_value=1, max_value=40).flatmap(
    lambda m: st.tuples(
        st.lists(st.sampled_from("abcdefg"), min_size=m, max_size=m),
        st.lists(st.integers(0, 7), min_size=m, max_size=m),
        st.lists(st.floats(0, 100, allow_nan=False), min_size=m, max_size=m),
    )
)


def _reference_periods(ids, periods, window):
    """Plain-Python per-customer reference of period_metrics counts."""
    lo, hi = min(periods), max(periods)
    bought = defaultdict(set)
    for c, p in zip(ids, periods, strict=True):
        bought[c].add(p)
    first = {c: min(ps) for c, ps in bought.items()}

    def active(c, t):
        return any(t - k in bought[c] for k in range(window))

    rows = []
    for t in range(lo, hi + 1):
        act = {c for c in bought if active(c, t)}
        prev = {c for c in bought if active(c, t - 1)} if t > lo else set()
        acq = {c for c in bought if first[c] == t}
        ret = act & prev
        rows.append((len(prev), len(act), len(acq), len(ret), len(act - prev - acq)))
    return rows


# ------------------------------------------------------------ retention formula


def test_retention_formula_hand_example_with_new_customers():
    # S = 100 at the start, 30 acquired, 110 at the end: 20 were lost.
    assert float(retention_rate(100, 110, 30)) == pytest.approx(0.8)
    assert float(churn_rate(100, 110, 30)) == pytest.approx(0.2)
    # the naive (S - E) / S would give -0.1: make sure we do not
    assert float(churn_rate(100, 110, 30)) != pytest.approx((100 - 110) / 100)


def test_retention_formula_broadcasts():
    r = retention_rate([10, 20], [10, 5], 0)
    np.testing.assert_allclose(r, [1.0, 0.25])
    assert r.shape == (2,)


@pytest.mark.parametrize(
    ("s", "e", "n", "field"),
    [
        (0, 5, 5, "start"),
        (-1, 5, 5, "start"),
        (10, -1, 0, "end"),
        (10, 5, 6, "acquired"),  # more acquired than present at the end
        (10, 25, 5, "end"),  # retained 20 > start 10
        (10.5, 5, 0, "start"),
        (math.nan, 5, 0, "start"),
    ],
)
def test_retention_formula_rejects_impossible_counts(s, e, n, field):
    with pytest.raises(InvalidParameterError, match=repr(field)):
        retention_rate(s, e, n)


def test_retention_formula_shape_mismatch():
    with pytest.raises(ShapeMismatchError):
        retention_rate([10, 10], [5, 5, 5], 0)


# ------------------------------------------------------------ period metrics


def test_period_metrics_hand_example():
    # 2023: a b c ; 2024: a b + new d e ; 2025: a, c comes back, f new
    ids = ["a", "b", "c", "a", "b", "d", "e", "a", "c", "f"]
    yrs = [2023, 2023, 2023, 2024, 2024, 2024, 2024, 2025, 2025, 2025]
    m = period_metrics(ids, yrs, np.ones(10))
    assert m.periods.tolist() == [2023, 2024, 2025]
    assert m.start.tolist() == [0, 3, 4]
    assert m.active.tolist() == [3, 4, 3]
    assert m.acquired.tolist() == [3, 2, 1]
    assert m.reactivated.tolist() == [0, 0, 1]
    assert m.retained.tolist() == [0, 2, 1]
    assert m.lost.tolist() == [0, 1, 3]
    assert math.isnan(m.retention[0])
    assert m.retention[1] == pytest.approx(2 / 3)
    assert m.retention[2] == pytest.approx(1 / 4)
    # consistent with the count formula, win-backs counted as acquired
    n = m.acquired + m.reactivated
    np.testing.assert_allclose(m.retention[1:], retention_rate(m.start[1:], m.active[1:], n[1:]))
    np.testing.assert_allclose(m.churn[1:], [1 / 3, 3 / 4])
    np.testing.assert_allclose(m.sales, [3, 4, 3])
    np.testing.assert_allclose(m.customer_growth[1:], [1 / 3, -1 / 4])


def test_period_metrics_from_a_log_of_periods_and_of_dates():
    ids = ["a", "b", "c", "a", "b", "d", "e", "a", "c", "f"]
    yrs = [2023, 2023, 2023, 2024, 2024, 2024, 2024, 2025, 2025, 2025]
    m = period_metrics(TransactionLog(ids, periods=yrs, amounts=np.ones(10)))
    assert m.periods.tolist() == [2023, 2024, 2025]
    assert m.start.tolist() == [0, 3, 4]
    assert m.active.tolist() == [3, 4, 3]
    dated = TransactionLog(ids, [f"{y}-06-30" for y in yrs], np.ones(10))
    y = period_metrics(dated, freq="Y")
    assert [str(p) for p in y.periods] == ["2023", "2024", "2025"]
    np.testing.assert_array_equal(y.active, m.active)
    np.testing.assert_array_equal(y.retained, m.retained)


def test_period_metrics_gap_period_is_kept():
    m = period_metrics(["a", "a"], [1, 3])
    assert m.periods.tolist() == [1, 2, 3]
    assert m.active.tolist() == [1, 0, 1]
    assert m.retention[1] == 0.0
    assert math.isnan(m.retention[2])  # nobody active in period 2
    assert m.reactivated.tolist() == [0, 0, 1]


def test_period_metrics_active_window():
    m = period_metrics(["a", "a"], [1, 3], active_window=2)
    assert m.active.tolist() == [1, 1, 1]
    assert m.retained.tolist() == [0, 1, 1]


@pytest.mark.parametrize(
    ("freq", "labels"),
    [
        ("M", ["2024-01", "2024-02", "2024-03"]),
        ("Q", ["2024-01"]),
        ("Y", ["2024"]),
        ("D", ["2024-01-01", "2024-01-02", "2024-01-03"]),
    ],
)
def test_period_labels_by_frequency(freq, labels):
    dates = ["2024-01-01", "2024-01-07", "2024-03-31"]
    if freq == "D":
        dates = ["2024-01-01", "2024-01-03"]
    m = period_metrics(["a"] * len(dates), dates, freq=freq)
    assert [str(p) for p in m.periods] == labels


def test_weeks_start_on_monday():
    # Sunday 2024-01-07 belongs to the week of Monday 2024-01-01
    m = period_metrics(["a", "b"], ["2024-01-01", "2024-01-07"], freq="W")
    assert [str(p) for p in m.periods] == ["2024-01-01"]
    assert m.active.tolist() == [2]


@given(logs, st.integers(1, 3))
def test_period_metrics_equals_reference(log, window):
    ids, per, amt = log
    m = period_metrics(ids, per, amt, active_window=window)
    ref = _reference_periods(ids, per, window)
    got = list(
        zip(
            m.start.tolist(),
            m.active.tolist(),
            m.acquired.tolist(),
            m.retained.tolist(),
            m.reactivated.tolist(),
            strict=True,
        )
    )
    assert got == ref
    assert m.sales.sum() == pytest.approx(sum(amt))
    assert np.all((m.retention[m.start > 0] >= 0) & (m.retention[m.start > 0] <= 1))


@given(logs, st.randoms(use_true_random=False))
def test_period_metrics_permutation_invariant(log, rnd):
    ids, per, amt = log
    order = list(range(len(ids)))
    rnd.shuffle(order)
    a = period_metrics(ids, per, amt)
    b = period_metrics([ids[i] for i in order], [per[i] for i in order], [amt[i] for i in order])
    for f in ("active", "start", "acquired", "retained", "reactivated"):
        np.testing.assert_array_equal(getattr(a, f), getattr(b, f))
    np.testing.assert_allclose(a.sales, b.sales, atol=1e-9)


def test_period_metrics_results_are_read_only():
    m = period_metrics(["a"], [1])
    with pytest.raises(ValueError, match="read-only"):
        m.active[0] = 5


def test_period_metrics_does_not_write_inputs():
    ids = np.array(["b", "a"])
    per = np.array([2, 1])
    period_metrics(ids, per)
    assert ids.tolist() == ["b", "a"]
    assert per.tolist() == [2, 1]


@pytest.mark.parametrize(
    ("kwargs", "err", "match"),
    [
        ({"customer_ids": [], "dates": []}, InvalidParameterError, "empty"),
        ({"customer_ids": ["a", "b"], "dates": [1]}, ShapeMismatchError, "same length"),
        ({"customer_ids": ["a", " "], "dates": [1, 2]}, InvalidParameterError, "blank"),
        ({"customer_ids": [1.5, 2.0], "dates": [1, 2]}, InvalidParameterError, "integers"),
        ({"customer_ids": ["a"], "dates": [1.5]}, InvalidParameterError, "whole"),
        ({"customer_ids": ["a"], "dates": ["2024-01-01"]}, InvalidParameterError, "freq"),
        ({"customer_ids": ["a"], "dates": [1], "freq": "M"}, InvalidParameterError, "freq"),
        (
            {"customer_ids": ["a"], "dates": ["2024-01-01"], "freq": "X"},
            InvalidParameterError,
            "freq",
        ),
        ({"customer_ids": ["a"], "dates": ["nope"], "freq": "M"}, InvalidParameterError, "dates"),
        (
            {"customer_ids": ["a"], "dates": [np.datetime64("NaT")], "freq": "M"},
            InvalidParameterError,
            "NaT",
        ),
        (
            {"customer_ids": ["a"], "dates": [1], "amounts": [math.nan]},
            InvalidParameterError,
            "NaN",
        ),
        ({"customer_ids": ["a"], "dates": [1], "amounts": [1, 2]}, ShapeMismatchError, "length"),
        (
            {"customer_ids": ["a"], "dates": [1], "active_window": 0},
            InvalidParameterError,
            "window",
        ),
        ({"customer_ids": [["a"]], "dates": [[1]]}, ShapeMismatchError, "1-D"),
        ({"customer_ids": ["a", "b"], "dates": [0, 10**9]}, InvalidParameterError, "at most"),
    ],
)
def test_period_metrics_bad_input(kwargs, err, match):
    ids, dates = kwargs.pop("customer_ids"), kwargs.pop("dates")
    with pytest.raises(err, match=match):
        period_metrics(ids, dates, **kwargs)
    assert issubclass(err, KamcoreError)


# ------------------------------------------------------------ cohorts


def test_cohort_matrix_hand_example():
    # period 1: a b c (cohort 1); period 2: a d e (cohort 2: d e); period 3: a b d; period 4: d
    ids = ["a", "b", "c", "a", "d", "e", "a", "b", "d", "d"]
    per = [1, 1, 1, 2, 2, 2, 3, 3, 3, 4]
    t = cohort_retention(ids, per)
    assert t.cohorts.tolist() == [1, 2]
    assert t.size.tolist() == [3, 2]
    # cohort 1 active at ages 0..3: {a b c}, {a}, {a b}, {}
    # cohort 2 active at ages 0..2: {d e}, {d}, {d}; age 3 not observed
    assert t.active.tolist() == [[3, 1, 2, 0], [2, 1, 1, 0]]
    assert t.retained.tolist() == [[0, 1, 1, 0], [0, 1, 1, 0]]
    assert t.observed.tolist() == [[True] * 4, [True, True, True, False]]
    share = t.share_active
    np.testing.assert_allclose(share[0], [1, 1 / 3, 2 / 3, 0])
    np.testing.assert_allclose(share[1, :3], [1, 0.5, 0.5])
    assert math.isnan(share[1, 3])
    ret = t.retention
    np.testing.assert_allclose(ret[0, 1:], [1 / 3, 1.0, 0.0])
    np.testing.assert_allclose(ret[1, 1:3], [0.5, 1.0])
    assert np.isnan(ret[:, 0]).all()


@given(logs, st.integers(1, 2))
def test_cohorts_sum_to_period_activity(log, window):
    ids, per, _ = log
    t = cohort_retention(ids, per, active_window=window)
    m = period_metrics(ids, per, active_window=window)
    first = {}
    for c, p in sorted(zip(ids, per, strict=True), key=lambda x: x[1]):
        first.setdefault(c, p)
    lo = min(per)
    P = len(m)
    calendar = np.zeros(P, dtype=int)
    kept = np.zeros(P, dtype=int)
    for r, cohort in enumerate(t.cohorts.tolist()):
        k = cohort - lo
        calendar[k:] += t.active[r, : P - k]
        kept[k:] += t.retained[r, : P - k]
    np.testing.assert_array_equal(calendar, m.active)
    np.testing.assert_array_equal(kept, m.retained)
    sizes = defaultdict(int)
    for p in first.values():
        sizes[p] += 1
    assert dict(zip(t.cohorts.tolist(), t.size.tolist(), strict=True)) == dict(sizes)
    assert (t.active[~t.observed] == 0).all()


def test_cohorts_with_dates():
    t = cohort_retention(["a", "b", "a"], ["2024-01-03", "2024-02-10", "2024-02-11"], freq="M")
    assert [str(c) for c in t.cohorts] == ["2024-01", "2024-02"]
    assert t.active.tolist() == [[1, 1], [1, 0]]


# ------------------------------------------------------------ period values


@given(logs)
def test_period_values_matches_reference(log):
    ids, per, amt = log
    pm = period_values(ids, per, amt)
    ref = defaultdict(float)
    for c, p, a in zip(ids, per, amt, strict=True):
        ref[(c, p)] += a
    lo = min(per)
    for i, c in enumerate(pm.ids.tolist()):
        for k, p in enumerate(pm.periods.tolist()):
            assert pm.values[i, k] == pytest.approx(ref.get((c, p), 0.0), abs=1e-9)
    assert p - lo + 1 == pm.values.shape[1]


# ------------------------------------------------------------ growth


def test_growth_rate_examples():
    np.testing.assert_allclose(growth_rate([100.0, 110.0, 121.0]), [0.1, 0.1])
    # profit crossing zero: from -10 to -5 is an improvement of +50 %
    np.testing.assert_allclose(growth_rate([-10.0, -5.0]), [0.5])
    g = growth_rate([[1.0, 2.0], [4.0, 2.0]])
    np.testing.assert_allclose(g, [[1.0], [-0.5]])
    np.testing.assert_allclose(growth_rate([[1.0, 4.0], [2.0, 2.0]], axis=0), [[1.0, -0.5]])


@pytest.mark.parametrize(
    ("values", "match"),
    [([1.0], "at least 2"), ([0.0, 1.0], "non-zero"), ([1.0, math.nan], "NaN"), (3.0, "scalar")],
)
def test_growth_rate_bad_input(values, match):
    with pytest.raises(KamcoreError, match=match):
        growth_rate(values)


# ------------------------------------------------------------ order cycle


def _reference_cycles(ids, days):
    orders = defaultdict(set)
    for c, d in zip(ids, days, strict=True):
        orders[c].add(d)
    out = {}
    for c, ds in orders.items():
        ds = sorted(ds)
        gaps = [b - a for a, b in itertools.pairwise(ds)]
        if gaps:
            n = len(gaps)
            mean = sum(gaps) / n
            med = statistics.median(gaps)
            if n >= 2:
                jbar = (n - 1) / 2
                slope = sum((j - jbar) * (g - mean) for j, g in enumerate(gaps)) / sum(
                    (j - jbar) ** 2 for j in range(n)
                )
            else:
                slope = math.nan
            out[c] = (len(ds), mean, med, gaps[-1], slope)
        else:
            out[c] = (1, math.nan, math.nan, math.nan, math.nan)
    return out


@given(
    st.integers(1, 40).flatmap(
        lambda m: st.tuples(
            st.lists(st.sampled_from("abcde"), min_size=m, max_size=m),
            st.lists(st.integers(0, 60), min_size=m, max_size=m),
        )
    )
)
def test_order_cycles_equals_reference(log):
    ids, days = log
    oc = order_cycles(ids, days)
    ref = _reference_cycles(ids, days)
    assert oc.ids.tolist() == sorted(ref)
    for i, c in enumerate(oc.ids.tolist()):
        n, mean, med, last, slope = ref[c]
        assert oc.n_orders[i] == n
        np.testing.assert_allclose(
            [oc.mean_gap[i], oc.median_gap[i], oc.last_gap[i], oc.trend[i]],
            [mean, med, last, slope],
            atol=1e-9,
        )
        rel = slope / mean if n >= 3 else math.nan
        assert bool(oc.lengthening[i]) == (n - 1 >= 3 and rel > 0.1)


def test_order_cycles_dates_and_lengthening():
    dates = np.array(
        ["2024-01-01", "2024-01-11", "2024-01-31", "2024-03-01"], dtype="datetime64[D]"
    )
    oc = order_cycles(["a"] * 4, dates)
    assert oc.mean_gap.tolist() == [20.0]
    assert oc.lengthening.tolist() == [True]
    steady = order_cycles(["s"] * 5, [0, 7, 14, 21, 28])
    assert steady.trend.tolist() == [0.0]
    assert steady.lengthening.tolist() == [False]
    shortening = order_cycles(["s"] * 5, [0, 40, 70, 90, 100])
    assert shortening.trend[0] < 0
    assert not shortening.lengthening[0]


def test_order_cycles_same_day_is_one_order():
    oc = order_cycles(["a", "a", "a"], [5, 5, 9])
    assert oc.n_orders.tolist() == [2]
    assert oc.mean_gap.tolist() == [4.0]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"min_gaps": 1}, "min_gaps"),
        ({"threshold": -0.1}, "threshold"),
        ({"threshold": math.inf}, "threshold"),
    ],
)
def test_order_cycles_bad_params(kwargs, match):
    with pytest.raises(InvalidParameterError, match=match):
        order_cycles(["a"], [1], **kwargs)


# ------------------------------------------------------------ wallet, cross-sell, shares


@given(
    st.integers(1, 30).flatmap(
        lambda m: st.tuples(
            st.lists(st.sampled_from("abcd"), min_size=m, max_size=m),
            st.lists(st.floats(0, 1e4, allow_nan=False), min_size=m, max_size=m),
            st.lists(st.booleans(), min_size=m, max_size=m),
        )
    )
)
def test_cross_sell_equals_reference(log):
    ids, amt, main = log
    cs = cross_sell(ids, amt, np.array(main, dtype=bool))
    for i, c in enumerate(cs.ids.tolist()):
        m = sum(a for k, a, f in zip(ids, amt, main, strict=True) if k == c and f)
        o = sum(a for k, a, f in zip(ids, amt, main, strict=True) if k == c and not f)
        assert cs.main[i] == pytest.approx(m)
        assert cs.other[i] == pytest.approx(o)
        if m + o > 0:
            assert cs.ratio[i] == pytest.approx(o / (m + o))
        else:
            assert math.isnan(cs.ratio[i])


def test_cross_sell_bad_input():
    with pytest.raises(InvalidParameterError, match="booleans"):
        cross_sell(["a"], [1.0], [1])
    with pytest.raises(InvalidParameterError, match="'amounts'"):
        cross_sell(["a"], [-1.0], [True])
    with pytest.raises(ShapeMismatchError):
        cross_sell(["a", "b"], [1.0], [True])


def test_contribution_share():
    s = contribution_share([70.0, 10.0, 10.0, 10.0], np.array([1, 0, 0, 0], dtype=bool))
    assert s.value_share == pytest.approx(0.7)
    assert s.customer_share == pytest.approx(0.25)
    # loss-making small accounts: key accounts bring more than 100 %
    assert contribution_share([100.0, -20.0], [True, False]).value_share == pytest.approx(1.25)
    with pytest.raises(InvalidParameterError, match="positive total"):
        contribution_share([1.0, -1.0], [True, False])
    with pytest.raises(InvalidParameterError, match="empty"):
        contribution_share([], np.array([], dtype=bool))


def test_satisfaction_index():
    assert satisfaction_index([1.0, 7.0]) == pytest.approx(50.0)
    assert satisfaction_index([7.0]) == pytest.approx(100.0)
    assert satisfaction_index([3.0], scale=(0.0, 10.0)) == pytest.approx(30.0)
    assert satisfaction_index([1.0, 7.0], weights=[0.0, 2.0]) == pytest.approx(100.0)
    with pytest.raises(InvalidParameterError, match=r"'scores' must be in \[1, 7\]"):
        satisfaction_index([8.0])
    with pytest.raises(InvalidParameterError, match="low < high"):
        satisfaction_index([1.0], scale=(5.0, 5.0))
    with pytest.raises(InvalidParameterError, match="positive sum"):
        satisfaction_index([1.0], weights=[0.0])


@given(st.lists(st.floats(1, 7), min_size=1, max_size=30))
def test_satisfaction_index_bounds_and_monotone(scores):
    i = satisfaction_index(scores)
    assert 0 - 1e-9 <= i <= 100 + 1e-9
    bumped = [min(7.0, s + 0.5) for s in scores]
    assert satisfaction_index(bumped) >= i - 1e-9
