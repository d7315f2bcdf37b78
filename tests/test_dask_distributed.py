"""kamcore.dask on a dask.distributed LocalCluster: two worker processes, one thread each.

The whole pipeline (summary -> split -> fit -> predictions -> CLP -> scoring
-> Parquet) runs on real worker processes, so every kamcore object that
travels (column specs, models, frozen scorers, the engine's errors) is
pickled on the way. One cluster for the module keeps this to a few seconds.
"""

from __future__ import annotations

import numpy as np
import pytest

pd = pytest.importorskip("pandas")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

import kamcore.dask as kd  # noqa: E402
from kamcore.clp import BetaGeo, GammaGamma, customer_lifetime_profit  # noqa: E402
from kamcore.data import load_cdnow  # noqa: E402
from kamcore.errors import InvalidParameterError  # noqa: E402
from kamcore.io.frames import from_frame  # noqa: E402
from kamcore.scoring import get_scorer  # noqa: E402
from kamcore.transactions import calibration_holdout, summarize_transactions  # noqa: E402

pytestmark = pytest.mark.distributed


@pytest.fixture(scope="module")
def client():
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",  # any free port: another cluster may hold 8787
            worker_dashboard_address=":0",
        ) as cluster,
        distributed.Client(cluster) as c,
    ):
        yield c


@pytest.fixture(scope="module")
def log():
    t = load_cdnow(kind="transactions", sample=True)
    return pd.DataFrame({"customer_id": t.customer_ids, "date": t.dates, "amount": t.amounts})


def _sorted(frame):
    return frame.sort_values("customer_id", kind="stable").reset_index(drop=True)


def _text(frame):
    """Text columns as Python objects: Dask may hold them as pyarrow strings, pandas as objects."""
    text = [c for c in frame.columns if frame[c].dtype.kind in "OU" or "str" in str(frame[c].dtype)]
    return frame.astype(dict.fromkeys(text, object))


def assert_same(got, want):
    """Equal frames, every value exactly, after sorting ``got`` by id."""
    pd.testing.assert_frame_equal(_text(_sorted(got)), _text(want), check_exact=True)


def test_the_pipeline_on_worker_processes_equals_the_in_memory_path(client, log, tmp_path):
    frame = dd.from_pandas(log, npartitions=4, sort=False)
    summary = kd.summarize_transactions(frame, time_unit="W").persist()
    want = summarize_transactions(log, time_unit="W")
    assert_same(
        summary.compute(),
        want.to_frame("pandas", id_column="customer_id"),
    )

    model = kd.fit(BetaGeo, summary)
    assert (
        model.params == BetaGeo.fit(frequency=want.frequency, recency=want.recency, T=want.T).params
    )
    spend = kd.fit(GammaGamma, summary, exclude_zero_frequency=True)

    clp = kd.lifetime_profit(
        model, summary, spend_model=spend, margin_rate=0.3, discount_rate=0.01, n_periods=12
    )
    ref = customer_lifetime_profit(
        model,
        frequency=want.frequency,
        recency=want.recency,
        T=want.T,
        spend_model=spend,
        average_spend=want.monetary_value,
        margin_rate=0.3,
        discount_rate=0.01,
        n_periods=12,
    )
    got = _sorted(clp.compute())
    assert np.array_equal(got["clp"].to_numpy(), ref.clp)

    scorer = get_scorer("pareto", column="clp")
    scores = kd.score(scorer, clp, as_of="2025-01-01")
    portfolio = from_frame(got[["customer_id", "clp"]], id_column="customer_id")
    expected = scorer.score(portfolio, as_of="2025-01-01").to_frame(
        "pandas", id_column="customer_id"
    )
    assert_same(scores.compute(), expected)

    kd.to_parquet(scores, tmp_path / "scores")
    back = _sorted(pd.read_parquet(tmp_path / "scores"))
    assert back["customer_id"].tolist() == expected["customer_id"].tolist()
    assert back["classes"].tolist() == expected["classes"].tolist()


def test_the_split_on_worker_processes(client, log):
    split, exclusions = kd.calibration_holdout(
        dd.from_pandas(log, npartitions=3, sort=False),
        calibration_end="1997-09-30",
        time_unit="W",
    )
    got, parts = client.compute([split, exclusions], sync=True)
    counts = {k: int(parts[k].sum()) for k in parts.columns}
    want = calibration_holdout(log, calibration_end="1997-09-30", time_unit="W")
    assert_same(got, want.to_frame("pandas", id_column="customer_id"))
    assert counts["n_excluded_new_customers"] == want.n_excluded_new_customers


def test_an_engine_error_on_a_worker_reaches_the_client_as_itself(client, log):
    bad = log.assign(amount=np.where(log.index == 5, -1.0, log["amount"]))
    with pytest.raises(InvalidParameterError, match="'amounts' must be >= 0"):
        kd.summarize_transactions(dd.from_pandas(bad, npartitions=2, sort=False)).compute()
