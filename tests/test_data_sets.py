"""The bundled public data sets: shapes, published totals, and agreement with the source files."""

from __future__ import annotations

from importlib import resources

import numpy as np
import pytest

from kamcore import Portfolio
from kamcore.data import load_cdnow, load_demo_portfolio, load_donations
from kamcore.errors import InvalidParameterError
from kamcore.transactions import TransactionLog, calibration_holdout
from tests.conftest import DATA


def test_data_files_ship_compressed_inside_the_package():
    root = resources.files("kamcore.data")
    for name in (
        "cdnow_sample_summary.csv.gz",
        "cdnow_sample_log.txt.gz",
        "cdnow_master_log.txt.gz",
        "donations.csv",
    ):
        assert root.joinpath(name).is_file(), name
    # the full log stays small: gzip, about 400 KB
    assert len(root.joinpath("cdnow_master_log.txt.gz").read_bytes()) < 450_000


def test_cdnow_summary_has_the_published_shape_and_totals():
    s = load_cdnow()
    assert isinstance(s, Portfolio)
    assert len(s) == 2357
    assert s.ids[:3].tolist() == ["1", "2", "3"]
    assert s["frequency"].dtype == np.int64
    assert int((s["frequency"] > 0).sum()) == 946  # the Gamma-Gamma repeat buyers
    assert int(s["frequency"].sum()) == 2457
    assert s.currency("monetary_value") == "USD"
    # equal to the published file
    pub = np.genfromtxt(
        DATA / "cdnow_customers_summary_with_transactions.csv", delimiter=",", names=True
    )
    np.testing.assert_array_equal(s.ids.astype(int), pub["ID"].astype(int))
    np.testing.assert_array_equal(s["frequency"], pub["x"].astype(int))
    np.testing.assert_array_equal(s["recency"], pub["t_x"])
    np.testing.assert_array_equal(s["T"], pub["T"])
    np.testing.assert_array_equal(s["monetary_value"], pub["zbar"])
    assert np.all(s["monetary_value"][s["frequency"] == 0] == 0.0)


def test_cdnow_sample_log_has_the_published_totals_and_matches_the_file():
    log = load_cdnow("transactions")
    assert isinstance(log, TransactionLog)
    assert len(log) == 6919
    assert log.n_customers == 2357
    assert [str(d) for d in log.date_range] == ["1997-01-01", "1998-06-30"]
    raw = np.loadtxt(DATA / "CDNOW_sample.txt", dtype=str)
    assert log.customer_ids.tolist() == [str(int(i)) for i in raw[:, 1]]
    assert log.amounts is not None
    np.testing.assert_allclose(log.amounts, raw[:, 4].astype(float))


@pytest.mark.slow
def test_cdnow_sample_log_reproduces_the_bundled_summary():
    ch = calibration_holdout(
        load_cdnow("transactions"),
        calibration_end="1997-09-30",
        observation_end="1998-06-30",
        time_unit="W",
    )
    s = load_cdnow("summary")
    order = np.argsort(ch.ids.astype(int))
    np.testing.assert_array_equal(ch.ids[order], s.ids)
    np.testing.assert_array_equal(ch.calibration.frequency[order], s["frequency"])
    np.testing.assert_allclose(ch.calibration.recency[order], s["recency"], atol=0.005 + 1e-9)
    np.testing.assert_allclose(ch.calibration.T[order], s["T"], atol=0.005 + 1e-9)
    np.testing.assert_allclose(
        ch.calibration.monetary_value[order], s["monetary_value"], atol=0.005 + 1e-9
    )


@pytest.mark.slow
def test_cdnow_master_log_has_the_published_totals():
    log = load_cdnow("transactions", sample=False)
    assert len(log) == 69659
    assert log.n_customers == 23570
    assert [str(d) for d in log.date_range] == ["1997-01-01", "1998-06-30"]
    raw = np.loadtxt(DATA / "CDNOW_master.txt", dtype=str, skiprows=1)
    assert log.amounts is not None
    assert log.amounts.sum() == pytest.approx(raw[:, 3].astype(float).sum())
    assert sorted(set(log.customer_ids.tolist())) == sorted({str(int(i)) for i in raw[:, 0]})


def test_donations_have_the_published_shape_and_totals():
    d = load_donations()
    assert isinstance(d, Portfolio)
    assert len(d) == 22
    assert int(d["weights"].sum()) == 11104
    assert set(d["n_periods"].tolist()) == {6}
    assert np.all(d["recency"] <= d["n_periods"])
    assert np.all((d["recency"] >= d["frequency"]) | (d["frequency"] == 0))
    # the donors who never donated again
    assert int(d["weights"][d["frequency"] == 0].sum()) == 3464
    raw = np.genfromtxt(DATA / "donations.csv", delimiter=",", names=True, dtype=int)
    np.testing.assert_array_equal(d["weights"], raw["weights"])


def test_loaded_data_are_read_only():
    log = load_cdnow("transactions")
    with pytest.raises(ValueError, match="read-only"):
        log.customer_ids[0] = "x"
    with pytest.raises(ValueError, match="read-only"):
        load_donations()["weights"][0] = 0


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        (("summaries",), {}, r"'kind' must be one of 'summary', 'transactions'; got 'summaries'"),
        (("summary",), {"sample": False}, r"'sample' must be True for kind='summary'"),
        (("transactions",), {"sample": "yes"}, r"'sample' must be True or False"),
    ],
)
def test_bad_loader_arguments_are_named(args, kwargs, match):
    with pytest.raises(InvalidParameterError, match=match):
        load_cdnow(*args, **kwargs)


def test_demo_data_stay():
    assert len(load_demo_portfolio()) == 40
