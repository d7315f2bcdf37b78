"""kamcore.dask on the threaded scheduler: every function equals its in-memory counterpart.

Random logs (hypothesis, small) are split into 1-4 partitions by row, so one
customer's transactions routinely land in several partitions; each Dask
result is compared, sorted by id, with the in-memory engine on the
concatenated rows -- exactly (ids, values; float values bit for bit).
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pd = pytest.importorskip("pandas")
dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")

import kamcore.dask as kd  # noqa: E402
from kamcore._fitting import collapse_rows  # noqa: E402
from kamcore._portfolio import CUSTOMER_FACT_COLUMNS  # noqa: E402
from kamcore.clp import (  # noqa: E402
    BetaGeo,
    BetaGeoBetaBinom,
    GammaGamma,
    ModifiedBetaGeo,
    ParetoNBD,
    ShiftedBetaGeometric,
    customer_lifetime_profit,
)
from kamcore.data import load_cdnow  # noqa: E402
from kamcore.errors import (  # noqa: E402
    InvalidParameterError,
    KamcoreError,
    SchemaError,
    UnknownNameError,
)
from kamcore.io.frames import from_frame  # noqa: E402
from kamcore.scoring import get_scorer  # noqa: E402
from kamcore.transactions import calibration_holdout, summarize_transactions  # noqa: E402

DASK = settings(max_examples=15)
START = np.datetime64("2024-01-01")


@pytest.fixture(autouse=True)
def _threads():
    with dask.config.set(scheduler="threads"):
        yield


def _sorted(frame, key="customer_id"):
    return frame.sort_values(key, kind="stable").reset_index(drop=True)


def _text(frame):
    """Text columns as Python objects: Dask may hold them as pyarrow strings, pandas as objects."""
    text = [c for c in frame.columns if frame[c].dtype.kind in "OU" or "str" in str(frame[c].dtype)]
    return frame.astype(dict.fromkeys(text, object))


def assert_same(got, want):
    """Equal frames, every value exactly, after sorting ``got`` by id."""
    pd.testing.assert_frame_equal(_text(_sorted(got)), _text(want), check_exact=True)


@st.composite
def logs(draw, min_rows=1):
    """A small transaction log as a pandas frame, and a number of partitions."""
    n = draw(st.integers(min_rows, 40))
    int_ids = draw(st.booleans())
    pool = draw(st.integers(1, 8))
    ids = draw(st.lists(st.integers(0, pool), min_size=n, max_size=n))
    days = draw(st.lists(st.integers(0, 60), min_size=n, max_size=n))
    amounts = draw(
        st.lists(st.floats(0, 1e4, allow_nan=False, allow_subnormal=False), min_size=n, max_size=n)
    )
    frame = pd.DataFrame(
        {
            "customer_id": ids if int_ids else [f"c{i}" for i in ids],
            "date": (START + np.array(days, dtype="timedelta64[D]")).astype("datetime64[s]"),
            "amount": amounts,
        }
    )
    if draw(st.booleans()):
        frame["margin"] = np.round(np.array(amounts) * 0.3 - 5.0, 2)
    parts = draw(st.integers(1, min(4, n)))
    return frame, parts


def _dask(frame, parts):
    return dd.from_pandas(frame, npartitions=parts, sort=False)


# ------------------------------------------------------------------ summary
@DASK
@given(logs(), st.sampled_from(["D", "W", "M", 3.5]), st.booleans())
def test_summary_equals_the_in_memory_summary(data, unit, given_end):
    frame, parts = data
    end = "2024-03-15" if given_end else None
    margin = "margin" if "margin" in frame else None
    got = kd.summarize_transactions(
        _dask(frame, parts), margin=margin, observation_end=end, time_unit=unit
    ).compute()
    from kamcore.transactions import TransactionLog

    log = TransactionLog.from_frame(frame, margin=margin)
    want = summarize_transactions(log, observation_end=end, time_unit=unit)
    assert_same(got, want.to_frame("pandas", id_column="customer_id"))


def test_one_customer_in_every_partition_sums_in_input_order():
    # amounts whose sum depends on the order of addition: a customer's rows in four partitions
    amounts = [0.1, 1e16, -0.0, 0.7, 3.3, 1.1, 1e-3, 2.2]
    frame = pd.DataFrame(
        {
            "customer_id": ["x", "y"] * 4,
            "date": np.array(["2024-01-01"] * 8, dtype="datetime64[s]"),
            "amount": np.abs(amounts),
        }
    )
    got = _sorted(kd.summarize_transactions(_dask(frame, 4)).compute())
    want = summarize_transactions(frame).to_frame("pandas", id_column="customer_id")
    assert_same(got, want)
    assert got["n_transactions"].tolist() == [4, 4]


def test_summary_reads_text_dates_with_a_format_and_main_business_flags():
    frame = pd.DataFrame(
        {
            "customer_id": [7, 7, 12, 7],
            "date": [19970101, 19970105, 19970103, 19970109],
            "amount": [10.0, 5.0, 3.0, 2.0],
            "main": [True, False, True, True],
        }
    )
    got = kd.summarize_transactions(
        _dask(frame, 2), date_format="%Y%m%d", main_business="main"
    ).compute()
    got = _sorted(got)
    assert got["customer_id"].tolist() == ["12", "7"]
    assert got["main_business_revenue"].tolist() == [3.0, 12.0]
    assert got["frequency"].tolist() == [0, 2]


# ------------------------------------------------------------------ calibration / holdout
@DASK
@given(logs(min_rows=2), st.integers(0, 50), st.sampled_from([None, 55]))
def test_calibration_holdout_equals_the_in_memory_split(data, cal_day, obs_day):
    frame, parts = data
    first = frame["date"].min()
    cal_end = (START + np.timedelta64(cal_day, "D")).astype("datetime64[D]")
    if cal_end < first:
        cal_end = first.to_datetime64().astype("datetime64[D]")
    obs_end = None if obs_day is None else START + np.timedelta64(obs_day, "D")
    last = frame["date"].max().to_datetime64().astype("datetime64[D]")
    if (obs_end if obs_end is not None else last) <= cal_end:
        return  # the in-memory split refuses it too (tested below)
    split, exclusions = kd.calibration_holdout(
        _dask(frame, parts), calibration_end=cal_end, observation_end=obs_end, time_unit="W"
    )
    got, counts = dask.compute(split, exclusions)
    want = calibration_holdout(
        frame, calibration_end=cal_end, observation_end=obs_end, time_unit="W"
    )
    assert_same(got, want.to_frame("pandas", id_column="customer_id"))
    totals = {k: int(counts[k].sum()) for k in counts.columns}
    assert totals == {
        "n_excluded_after_observation_end": want.n_excluded_after_observation_end,
        "n_excluded_new_customers": want.n_excluded_new_customers,
        "n_excluded_new_customer_transactions": want.n_excluded_new_customer_transactions,
    }
    assert len(counts) == parts


def test_calibration_holdout_with_a_partition_of_new_customers_only():
    frame = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b", "b", "c"],
            "date": pd.to_datetime(
                ["2024-01-01", "2024-02-01", "2024-02-10", "2024-02-11", "2024-03-30"]
            ),
            "amount": [1.0, 2.0, 3.0, 4.0, 5.0],
        }
    )
    split, exclusions = kd.calibration_holdout(
        _dask(frame, 3), calibration_end="2024-01-15", observation_end="2024-03-01"
    )
    got = split.compute()
    assert got["customer_id"].tolist() == ["a"]
    assert got["holdout_frequency"].tolist() == [1]
    assert exclusions.compute().sum().to_dict() == {
        "n_excluded_after_observation_end": 1,
        "n_excluded_new_customers": 1,
        "n_excluded_new_customer_transactions": 2,
    }


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"calibration_end": "2023-01-01"}, "on or after the first transaction"),
        ({"calibration_end": "2024-02-01", "observation_end": "2024-01-01"}, "must be after"),
        ({"calibration_end": "2024-01-05", "time_unit": "fortnight"}, "time_unit"),
    ],
)
def test_calibration_holdout_refuses_bad_dates_before_the_shuffle(kw, match):
    frame = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "date": pd.to_datetime(["2024-01-01", "2024-01-10"]),
            "amount": [1.0, 2.0],
        }
    )
    with pytest.raises(InvalidParameterError, match=match):
        kd.calibration_holdout(_dask(frame, 1), **kw)


# ------------------------------------------------------------------ histories and fits
@pytest.fixture(scope="module")
def cdnow():
    log = load_cdnow(kind="transactions", sample=True)
    frame = pd.DataFrame(
        {"customer_id": log.customer_ids, "date": log.dates, "amount": log.amounts}
    )
    summary = summarize_transactions(frame, observation_end="1998-06-30", time_unit="W")
    return frame, summary


@pytest.fixture(scope="module")
def cdnow_dask(cdnow):
    frame, _ = cdnow
    with dask.config.set(scheduler="threads"):
        summary = kd.summarize_transactions(
            dd.from_pandas(frame, npartitions=5, sort=False),
            observation_end="1998-06-30",
            time_unit="W",
        ).persist()
    return summary


@DASK
@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.sampled_from([0.0, 1.5, 2.25]), st.just(4.0)),
        min_size=1,
        max_size=30,
    ),
    st.integers(1, 4),
)
def test_history_table_is_the_collapsed_rows(rows, parts):
    x, tx, T = (np.array(c) for c in zip(*rows, strict=True))
    frame = pd.DataFrame({"frequency": x, "recency": tx, "T": T})
    table = kd.history_table(_dask(frame, min(parts, len(rows))))
    (ux, utx, uT), w = collapse_rows(x, tx, T)
    assert table["frequency"].tolist() == ux.tolist()
    assert table["recency"].tolist() == utx.tolist()
    assert table["T"].tolist() == uT.tolist()
    assert table["weight"].tolist() == w.tolist()


def test_history_table_sums_a_weight_column_and_rounds_on_request():
    frame = pd.DataFrame(
        {"frequency": [1, 1, 1], "recency": [1.0001, 1.0, 1.0], "T": 2.0, "w": [2.0, 3.0, 0.5]}
    )
    exact = kd.history_table(_dask(frame, 2), weights="w")
    assert exact["weight"].tolist() == [3.5, 2.0]
    rounded = kd.history_table(_dask(frame, 2), weights="w", decimals=2)
    assert rounded["weight"].tolist() == [5.5]


@pytest.mark.parametrize("model", [BetaGeo, ModifiedBetaGeo, ParetoNBD])
def test_fit_on_distributed_histories_equals_the_in_memory_fit(model, cdnow, cdnow_dask):
    _, s = cdnow
    got = kd.fit(model, cdnow_dask)
    want = model.fit(frequency=s.frequency, recency=s.recency, T=s.T)
    assert got.params == want.params
    assert got.fit_report.log_likelihood == want.fit_report.log_likelihood
    for field in ("n", "n_rows", "standard_errors", "iterations", "converged"):
        assert getattr(got.fit_report, field) == getattr(want.fit_report, field), field


def test_fit_gamma_gamma_reads_monetary_value_and_passes_options(cdnow, cdnow_dask):
    _, s = cdnow
    got = kd.fit(GammaGamma, cdnow_dask, exclude_zero_frequency=True)
    want = GammaGamma.fit(
        frequency=s.frequency, average_spend=s.monetary_value, exclude_zero_frequency=True
    )
    assert got.params == want.params


def test_fit_any_model_class_with_named_columns():
    rng = np.random.default_rng(4)
    x, n, T = BetaGeoBetaBinom(alpha=1.2, beta=0.75, gamma=0.66, delta=2.8).simulate(
        n_customers=400, T=6, rng=rng
    )
    frame = pd.DataFrame({"x": x, "tx": n, "age": T})
    got = kd.fit(
        BetaGeoBetaBinom, _dask(frame, 3), columns={"frequency": "x", "recency": "tx", "T": "age"}
    )
    want = BetaGeoBetaBinom.fit(frequency=x, recency=n, T=T)
    assert got.params == want.params
    durations = rng.integers(1, 8, size=300)
    censored = durations == 7
    frame = pd.DataFrame({"durations": durations, "censored": censored.astype(np.int64)})
    got = kd.fit(ShiftedBetaGeometric, _dask(frame, 2))
    want = ShiftedBetaGeometric.fit(durations=durations, censored=censored.astype(np.int64))
    assert got.params == want.params


def test_fit_refuses_what_cannot_be_fitted_from_weighted_histories(cdnow_dask):
    with pytest.raises(InvalidParameterError, match="model class"):
        kd.fit(BetaGeo(r=1.0, alpha=1.0, a=1.0, b=1.0), cdnow_dask)
    with pytest.raises(InvalidParameterError, match="come from the frame"):
        kd.fit(BetaGeo, cdnow_dask, frequency=[1, 2])
    with pytest.raises(InvalidParameterError, match="does not take"):
        kd.fit(BetaGeo, cdnow_dask, columns={"spend": "total_revenue"})

    class NoWeights:
        @classmethod
        def fit(cls, *, frequency):
            return cls()

    with pytest.raises(InvalidParameterError, match="takes no 'weights'"):
        kd.fit(NoWeights, cdnow_dask)


# ------------------------------------------------------------------ predictions and CLP
@pytest.mark.parametrize(
    ("method", "options"),
    [("expected_purchases", {"t": 10.0}), ("probability_alive", {})],
)
def test_predictions_per_partition_equal_the_in_memory_call(method, options, cdnow, cdnow_dask):
    _, s = cdnow
    model = BetaGeo(r=0.24, alpha=4.41, a=0.79, b=2.43)
    got = _sorted(kd.predict(model, cdnow_dask, method, **options).compute())
    want = getattr(model, method)(frequency=s.frequency, recency=s.recency, T=s.T, **options)
    assert got["customer_id"].tolist() == s.ids.tolist()
    assert np.array_equal(got[method].to_numpy(), want)


def test_spend_predictions_and_clp_equal_the_in_memory_results(cdnow, cdnow_dask):
    _, s = cdnow
    model = BetaGeo(r=0.24, alpha=4.41, a=0.79, b=2.43)
    spend = GammaGamma(p=6.25, q=3.74, gamma=15.44)
    got = _sorted(
        kd.predict(spend, cdnow_dask, "conditional_expected_average_spend", name="spend").compute()
    )
    want = spend.conditional_expected_average_spend(
        frequency=s.frequency, average_spend=s.monetary_value
    )
    assert np.array_equal(got["spend"].to_numpy(), want)
    kw = {"discount_rate": 0.01, "n_periods": 12, "period_length": 4.35}
    got = _sorted(
        kd.lifetime_profit(model, cdnow_dask, spend_model=spend, margin_rate=0.3, **kw).compute()
    )
    want = customer_lifetime_profit(
        model,
        frequency=s.frequency,
        recency=s.recency,
        T=s.T,
        spend_model=spend,
        average_spend=s.monetary_value,
        margin_rate=0.3,
        **kw,
    )
    for field in ("clp", "discounted_margin", "discounted_revenue", "purchases", "spend"):
        assert np.array_equal(got[field].to_numpy(), getattr(want, field)), field


def test_clp_reads_per_customer_columns_and_checks_arguments_first(cdnow_dask):
    model = BetaGeo(r=0.24, alpha=4.41, a=0.79, b=2.43)
    frame = cdnow_dask.assign(m=0.25, cost=1.0)
    got = _sorted(
        kd.lifetime_profit(
            model,
            frame,
            margin_rate="m",
            spend="monetary_value",
            cost_per_period="cost",
            discount_rate=0.01,
            n_periods=4,
        ).compute()
    )
    assert np.isfinite(got["clp"]).all()
    with pytest.raises(InvalidParameterError, match="discount_rate"):
        kd.lifetime_profit(model, frame, margin_rate=0.3, spend=1.0, discount_rate=-2, n_periods=3)
    with pytest.raises(UnknownNameError, match="'mm'"):
        kd.lifetime_profit(
            model, frame, margin_rate="mm", spend=1.0, discount_rate=0.1, n_periods=3
        )


# ------------------------------------------------------------------ scoring
@st.composite
def portfolios(draw):
    n = draw(st.integers(1, 30))
    value = st.sampled_from([0.0, 1.0, 2.5, 10.0, 99.0, 1000.0])
    cols = {
        "customer_id": [f"k{i}" for i in range(n)],
        "sales": draw(st.lists(value, min_size=n, max_size=n)),
        "potential": draw(st.lists(value, min_size=n, max_size=n)),
        "recency": draw(st.lists(st.integers(0, 400), min_size=n, max_size=n)),
        "frequency": draw(st.lists(st.integers(0, 9), min_size=n, max_size=n)),
    }
    frame = pd.DataFrame(cols)
    frame["recency"] = frame["recency"].astype(np.float64)
    frame["frequency"] = frame["frequency"].astype(np.float64)
    return frame, draw(st.integers(1, min(4, n)))


GLOBAL_SCORERS = {
    "pareto": {"column": "sales"},
    "pyramid": {"column": "sales", "preset": "curry"},
    "rfm": {"recency": "recency", "frequency": "frequency", "monetary": "sales"},
    "classes": {"current": "sales", "potential": "potential"},
    "value_matrix": {"current": "sales", "potential": "potential"},
}


@DASK
@given(portfolios(), st.sampled_from(sorted(GLOBAL_SCORERS)))
def test_scorers_with_global_cut_offs_equal_the_in_memory_scorer(data, name):
    frame, parts = data
    scorer = get_scorer(name, **GLOBAL_SCORERS[name])
    got = kd.score(scorer, _dask(frame, parts), as_of="2025-01-01").compute()
    want = scorer.score(from_frame(frame, id_column="customer_id"), as_of="2025-01-01")
    assert_same(got, _sorted(want.to_frame("pandas", id_column="customer_id")))


def test_rfm_edges_frozen_at_infinity_are_accepted_quietly():
    # one customer: every edge is +-inf; freezing must not trip over inf - inf
    frame = pd.DataFrame({"customer_id": ["k"], "recency": [3.0], "frequency": [1.0], "m": [5.0]})
    scorer = get_scorer("rfm", monetary="m")
    frozen = scorer.freeze(from_frame(frame, id_column="customer_id"), as_of="2025-01-01")
    assert frozen.frequency_edges == (np.inf,) * 4
    assert frozen.recency_edges == (-np.inf,) * 4
    with pytest.raises(InvalidParameterError, match="non-decreasing"):
        get_scorer("rfm", frequency_edges=(1.0, 2.0, np.inf, 3.0))


def test_rfm_with_last_purchase_dates_and_nan_policy_last():
    frame = pd.DataFrame(
        {
            "customer_id": list("abcdefg"),
            "last": pd.to_datetime(["2024-12-01", "2024-06-01", "2023-01-01", "2024-12-30"] * 2)[
                :7
            ],
            "frequency": [1.0, 5, 2, 9, 0, 3, 3],
            "monetary": [10.0, np.nan, 30, 5, 7, 7, np.nan],
        }
    )
    scorer = get_scorer(
        "rfm", recency="last", frequency="frequency", monetary="monetary", nan_policy="last"
    )
    got = kd.score(scorer, _dask(frame, 3), as_of="2025-01-01", nullable=["monetary"]).compute()
    want = scorer.score(
        from_frame(frame, id_column="customer_id", nullable=["monetary"]), as_of="2025-01-01"
    )
    assert_same(got, want.to_frame("pandas", id_column="customer_id"))


def test_row_wise_scorers_equal_the_in_memory_scorer():
    rng = np.random.default_rng(2)
    n = 40
    cols = {
        "customer_id": [f"a{i:02d}" for i in range(n)],
        "profit_last_year": rng.uniform(0, 5e5, n),
        "sales_last_year": rng.uniform(0, 3e6, n),
        "expected_sales": rng.uniform(0, 3e6, n),
        "margin": rng.uniform(0, 1e3, n),
        "retention": rng.uniform(0, 0.95, n),
        "order_volume_change": rng.uniform(-0.5, 0.5, n),
        "order_cycle_change": rng.uniform(-0.5, 0.5, n),
        "sow_change": rng.uniform(-0.2, 0.2, n),
        "satisfaction_gap": rng.uniform(-1, 1, n),
        "complaints": rng.integers(0, 3, n).astype(np.float64),
        "days_late": rng.integers(0, 60, n).astype(np.float64),
    }
    cols.update({c: rng.integers(1, 5, n).astype(np.int8) for c in CUSTOMER_FACT_COLUMNS})
    frame = pd.DataFrame(cols)
    portfolio = from_frame(frame, id_column="customer_id")
    for name, kw in [
        ("rubric", {}),
        ("clp", {"grade_labels": ("A", "B"), "grade_cutoffs": (1000.0,)}),
        ("churn_risk", {}),
    ]:
        scorer = get_scorer(name, **kw)
        assert kd.freeze(scorer, _dask(frame, 3)) is scorer
        got = kd.score(scorer, _dask(frame, 3), as_of="2025-01-01").compute()
        want = scorer.score(portfolio, as_of="2025-01-01").to_frame(
            "pandas", id_column="customer_id"
        )
        assert_same(got, want)


def test_freeze_returns_the_in_memory_cut_offs():
    frame = pd.DataFrame({"customer_id": list("abcdef"), "sales": [50.0, 20, 10, 10, 6, 4]})
    scorer = get_scorer("pareto", column="sales")
    frozen = kd.freeze(scorer, _dask(frame, 3))
    assert frozen == scorer.freeze(from_frame(frame, id_column="customer_id"))
    assert pickle.loads(pickle.dumps(frozen)) == frozen


def test_score_fails_on_meta_for_a_column_the_scorer_reads():
    frame = pd.DataFrame({"customer_id": ["a"], "sales": [1.0]})
    with pytest.raises(UnknownNameError, match="profit_last_year"):
        kd.score(get_scorer("rubric"), _boom(frame))
    with pytest.raises(UnknownNameError, match="'revenue'"):
        kd.score(get_scorer("pareto", column="revenue"), _boom(frame))


# ------------------------------------------------------------------ parquet
def test_results_round_trip_through_parquet_keyed_by_customer_id(tmp_path, cdnow, cdnow_dask):
    _, s = cdnow
    kd.to_parquet(cdnow_dask, tmp_path / "summary")
    back = _sorted(pd.read_parquet(tmp_path / "summary"))
    want = s.to_frame("pandas", id_column="customer_id")
    assert back.columns.tolist() == want.columns.tolist()
    assert back["customer_id"].tolist() == want["customer_id"].tolist()
    assert np.array_equal(back["monetary_value"].to_numpy(), want["monetary_value"].to_numpy())
    with pytest.raises(InvalidParameterError, match="write_index"):
        kd.to_parquet(cdnow_dask, tmp_path / "again", write_index=True)
    with pytest.raises(UnknownNameError, match="'id'"):
        kd.to_parquet(cdnow_dask, tmp_path / "again", id_column="id")


# ------------------------------------------------------------------ bad input, before computing
def _explode():
    raise AssertionError("the schema check computed a partition")


def _boom(meta_frame):
    """A Dask frame with ``meta_frame``'s schema whose every partition fails when computed."""
    return dd.from_delayed([dask.delayed(_explode)()], meta=meta_frame.iloc[:0], verify_meta=False)


LOG = pd.DataFrame({"customer_id": ["a"], "date": pd.to_datetime(["2024-01-01"]), "amount": [1.0]})


@pytest.mark.parametrize(
    ("frame", "kw", "error", "column"),
    [
        (LOG.drop(columns="amount"), {}, UnknownNameError, "'amount'"),
        (LOG, {"date": "day"}, UnknownNameError, "'day'"),
        (LOG, {"margin": "margin"}, UnknownNameError, "'margin'"),
        (LOG.assign(amount=["1.0"]), {}, SchemaError, "'amount'"),
        (LOG.assign(date=[20240101]), {}, SchemaError, "'date'"),
        (LOG.assign(date=LOG["date"].dt.tz_localize("UTC")), {}, SchemaError, "'date'"),
        (LOG.assign(customer_id=[1.5]), {}, SchemaError, "'customer_id'"),
        (LOG.assign(main=[1]), {"main_business": "main"}, SchemaError, "'main'"),
    ],
)
def test_bad_schema_fails_on_meta_before_any_computation(frame, kw, error, column):
    for call in (
        lambda f: kd.summarize_transactions(f, observation_end="2024-02-01", **kw),
        lambda f: (
            kd.calibration_holdout(f, calibration_end="2024-01-01", **kw)
            if "margin" not in kw and "main_business" not in kw
            else kd.summarize_transactions(f, observation_end="2024-02-01", **kw)
        ),
    ):
        with pytest.raises(error, match=column) as info:
            call(_boom(frame))
        assert isinstance(info.value, KamcoreError)


def test_model_and_scorer_inputs_are_checked_on_meta():
    summary = pd.DataFrame({"customer_id": ["a"], "frequency": ["1"], "recency": [0.0], "T": [1.0]})
    with pytest.raises(SchemaError, match="'frequency'"):
        kd.fit(BetaGeo, _boom(summary))
    with pytest.raises(UnknownNameError, match="'T'"):
        kd.history_table(_boom(summary.assign(frequency=[1]).drop(columns="T")))
    model = BetaGeo(r=1.0, alpha=1.0, a=1.0, b=1.0)
    with pytest.raises(SchemaError, match="'frequency'"):
        kd.predict(model, _boom(summary), "probability_alive")
    with pytest.raises(UnknownNameError, match="'cid'"):
        kd.predict(model, _boom(summary), "probability_alive", id_column="cid")
    with pytest.raises(InvalidParameterError, match="method"):
        kd.predict(model, _boom(summary), "_tuple")
    with pytest.raises(InvalidParameterError, match="'frame' must be a Dask DataFrame"):
        kd.summarize_transactions(LOG)


def test_row_errors_raise_the_engines_error_on_compute():
    frame = LOG.assign(amount=[-1.0])
    with pytest.raises(InvalidParameterError, match="'amounts' must be >= 0"):
        kd.summarize_transactions(_dask(frame, 1)).compute()
    with pytest.raises(InvalidParameterError, match="on or before observation_end"):
        kd.summarize_transactions(_dask(LOG, 1), observation_end="2023-12-31").compute()


# ------------------------------------------------------------------ travelling objects, imports
def test_what_travels_to_the_workers_pickles():
    from kamcore.dask._transactions import _LogSpec, _SplitSpec

    spec = _SplitSpec(
        _LogSpec("customer_id", "date", "amount", margin="m", date_format="%Y%m%d"),
        np.datetime64("2024-01-02"),
        np.datetime64("2024-01-09"),
        "W",
    )
    assert pickle.loads(pickle.dumps(spec)) == spec
    model = BetaGeo(r=0.24, alpha=4.41, a=0.79, b=2.43)
    assert pickle.loads(pickle.dumps(model)).params == model.params
    split, _ = kd.calibration_holdout(
        _dask(LOG.assign(date=pd.to_datetime(["2024-01-02"])), 1),
        calibration_end="2024-01-02",
        observation_end="2024-01-09",
    )
    again = pickle.loads(pickle.dumps(split))
    assert again.compute().equals(split.compute())
    assert again.compute()["holdout_length"].tolist() == [7.0]


def test_importing_kamcore_dask_imports_neither_dask_nor_pandas():
    code = (
        "import sys, kamcore, kamcore.dask; "
        "print(sorted(m for m in ('dask', 'pandas', 'pyarrow', 'distributed') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_howto_examples_run(pytestconfig):
    """The ``>>>`` examples of docs/howto/dask.md, with pytest's doctest flags."""
    import doctest
    import re
    from pathlib import Path

    from _pytest.doctest import _get_checker, get_optionflags

    doc = Path(__file__).resolve().parents[1] / "docs" / "howto" / "dask.md"
    text = re.sub(r"^[ \t]*```.*$", "", doc.read_text(encoding="utf-8"), flags=re.M)
    test = doctest.DocTestParser().get_doctest(text, {}, doc.name, str(doc), 0)
    assert test.examples
    runner = doctest.DocTestRunner(
        checker=_get_checker(), optionflags=get_optionflags(pytestconfig), verbose=False
    )
    report: list[str] = []
    with dask.config.set(scheduler="threads"), warnings.catch_warnings():
        # dask's Parquet reader calls reset_index(inplace=True), deprecated by pandas 3.1
        warnings.filterwarnings("ignore", message="The inplace keyword in DataFrame.reset_index")
        result = runner.run(test, out=report.append, clear_globs=True)
    assert result.failed == 0, "".join(report)


def test_argument_errors_name_the_argument():
    empty = dd.from_pandas(LOG.iloc[:0], npartitions=1)
    with pytest.raises(InvalidParameterError, match="'observation_end' must be given"):
        kd.summarize_transactions(empty)
    with pytest.raises(InvalidParameterError, match="empty log"):
        kd.calibration_holdout(empty, calibration_end="2024-01-01")
    with pytest.raises(InvalidParameterError, match="must be after calibration_end"):
        kd.calibration_holdout(_dask(LOG, 1), calibration_end="2024-01-01")
    summary = _dask(
        pd.DataFrame({"customer_id": ["a"], "frequency": [1], "recency": [1.0], "T": [2.0]}), 1
    )
    with pytest.raises(InvalidParameterError, match="distinct column names"):
        kd.history_table(summary, ["frequency", "frequency"])
    with pytest.raises(InvalidParameterError, match="'decimals'"):
        kd.history_table(summary, decimals=1.5)
    with pytest.raises(SchemaError, match="must name a column"):
        kd.summarize_transactions(_dask(LOG, 1), amount=3)
    model = BetaGeo(r=1.0, alpha=1.0, a=1.0, b=1.0)
    with pytest.raises(InvalidParameterError, match="clashes with the id column"):
        kd.predict(model, summary, "probability_alive", name="customer_id")
    with pytest.raises(InvalidParameterError, match="reads no customer column"):
        kd.predict(model, summary, "expected_purchases_new", t=1.0)
    with pytest.raises(InvalidParameterError, match="got also"):
        kd.lifetime_profit(
            model, summary, columns={"cost": "T"}, margin_rate=0.1, spend=1.0,
            discount_rate=0.1, n_periods=2,
        )  # fmt: skip
    with pytest.raises(InvalidParameterError, match="must be a kamcore scorer"):
        kd.score(object(), summary)
    with pytest.raises(UnknownNameError, match="'gone'"):
        kd.score(get_scorer("rubric"), summary, nullable=["gone"])


def test_a_third_party_scorer_with_freeze_gets_every_column():
    seen = []

    class Median:
        name = "median"

        def freeze(self, portfolio, *, as_of=None):
            seen.append(sorted(portfolio.column_names))
            return self

        def score(self, portfolio, *, as_of=None):
            return get_scorer("pareto", column="x").score(portfolio, as_of=as_of)

    frame = pd.DataFrame({"customer_id": ["a", "b"], "x": [1.0, 2.0], "y": [3.0, 4.0]})
    got = kd.score(Median(), _dask(frame, 2), as_of="2025-01-01").compute()
    assert seen == [["x", "y"]]
    assert sorted(got["customer_id"]) == ["a", "b"]
