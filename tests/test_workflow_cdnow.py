"""The CDNOW workflow (examples/workflow_cdnow.py) runs and matches lifetimes' values.

The reference values in ``tests/data/cdnow_workflow_reference.json`` were
computed once with lifetimes 0.11.3 (the exact calls and command are in its
``provenance`` field); lifetimes itself is never imported here.

Tolerances: 1e-4 relative for parameters and predictions. Both libraries
maximise the same likelihood; BG/NBD and Gamma-Gamma agree to about 5e-7.
Pareto/NBD's likelihood is flat along ``beta`` (standard error about 1.5
against an estimate of 8.8), so the two optimisers stop up to 9e-5 apart;
kamcore's optimum is checked to be at least as high as lifetimes'.
"""

from __future__ import annotations

import json
import runpy
from pathlib import Path

import numpy as np
import pytest

from kamcore.clp import BetaGeo, GammaGamma, ParetoNBD, customer_lifetime_profit
from kamcore.data import load_cdnow

pytest.importorskip("pandas")

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = json.loads(
    (ROOT / "tests" / "data" / "cdnow_workflow_reference.json").read_text(encoding="utf-8")
)
WORKFLOW = REFERENCE["workflow"]
SAMPLE = REFERENCE["sample_summary"]
RTOL = 1e-4


@pytest.fixture(scope="module")
def example():
    return runpy.run_path(str(ROOT / "examples" / "workflow_cdnow.py"), run_name="example")


@pytest.fixture(scope="module")
def results(example):
    return example["run"]()


@pytest.fixture(scope="module")
def row_of(results):
    return {cid: i for i, cid in enumerate(results["split"].ids.tolist())}


def test_reference_provenance_is_recorded():
    prov = REFERENCE["provenance"]
    assert prov["library"] == "lifetimes 0.11.3"
    assert "--reference tests/data/cdnow_workflow_reference.json" in prov["command"]
    assert any("BetaGeoFitter(penalizer_coef=0.0)" in call for call in prov["calls"])


def test_split_matches_lifetimes(results):
    split = results["split"]
    assert len(split) == WORKFLOW["n_customers"] == 23_570
    assert split.holdout_length == WORKFLOW["holdout_length_weeks"] == 39.0
    assert int(split.holdout_frequency.sum()) == WORKFLOW["holdout_actual_total"]


@pytest.mark.parametrize("model", ["bg", "pnbd", "gg"])
def test_parameters_match_lifetimes_on_the_full_log(results, model):
    got = results[model].params
    for name, want in WORKFLOW[model].items():
        assert got[name] == pytest.approx(want, rel=RTOL), (model, name)


def test_pareto_nbd_optimum_is_not_below_lifetimes(results):
    cal = results["split"].calibration
    hist = {"frequency": cal.frequency, "recency": cal.recency, "T": cal.T}
    ours = results["pnbd"].log_likelihood(**hist).sum()
    theirs = ParetoNBD(**WORKFLOW["pnbd"]).log_likelihood(**hist).sum()
    assert ours >= theirs - 1e-6


def test_parameters_match_lifetimes_and_the_papers_on_the_sample():
    s = load_cdnow("summary")
    hist = {"frequency": s["frequency"], "recency": s["recency"], "T": s["T"]}
    fits = {
        "bg": BetaGeo.fit(**hist),
        "pnbd": ParetoNBD.fit(**hist),
        "gg": GammaGamma.fit(
            frequency=s["frequency"],
            average_spend=s["monetary_value"],
            exclude_zero_frequency=True,
            nonpositive="exclude",
        ),
    }
    assert fits["gg"].fit_report.n == SAMPLE["gg_rows"] == 946
    for model, want in ((m, SAMPLE[m]) for m in fits):
        for name, value in want.items():
            assert fits[model].params[name] == pytest.approx(value, rel=RTOL), (model, name)
    # the published BG/NBD estimates (Fader, Hardie & Lee 2005) to their printed digits
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    for name, value in published.items():
        assert fits["bg"].params[name] == pytest.approx(value, abs=6e-4)


@pytest.mark.parametrize(
    ("key", "pred", "column"),
    [
        ("bg_expected_purchases", "bg_pred", "expected_purchases"),
        ("bg_probability_alive", "bg_pred", "probability_alive"),
        ("pnbd_expected_purchases", "pnbd_pred", "expected_purchases"),
        ("pnbd_probability_alive", "pnbd_pred", "probability_alive"),
    ],
)
def test_customer_predictions_match_lifetimes(results, row_of, key, pred, column):
    values = results[pred][column]
    for cid, want in WORKFLOW["customers"][key].items():
        assert results[pred].ids[row_of[cid]] == cid
        assert values[row_of[cid]] == pytest.approx(want, rel=RTOL), (key, cid)


def test_expected_spend_matches_lifetimes(results, row_of):
    spend = results["gg"].predict(results["split"])
    for cid, want in WORKFLOW["customers"]["expected_spend"].items():
        assert spend["expected_spend"][row_of[cid]] == pytest.approx(want, rel=1e-6), cid


def test_holdout_comparison_matches_lifetimes(results):
    h = results["holdout"]
    assert h["bg_nbd"].sum() == pytest.approx(WORKFLOW["holdout_bg_total"], rel=RTOL)
    assert h["pareto_nbd"].sum() == pytest.approx(WORKFLOW["holdout_pnbd_total"], rel=RTOL)
    table = results["by_frequency"]
    assert list(table.index) == list(range(8))
    for k, row in WORKFLOW["holdout_by_frequency"].items():
        got = table.loc[int(k)]
        assert got["holdout_frequency"] == pytest.approx(row["actual"], rel=1e-12)
        assert got["bg_nbd"] == pytest.approx(row["bg_nbd"], rel=RTOL)
        assert got["pareto_nbd"] == pytest.approx(row["pareto_nbd"], rel=RTOL)


def test_lifetime_value_matches_lifetimes_convention(results, row_of):
    # lifetimes' customer_lifetime_value: revenue (no margin), a month of 4.345 weeks
    value = customer_lifetime_profit(
        results["bg"],
        results["split"],
        spend_model=results["gg"],
        margin_rate=1.0,
        discount_rate=0.01,
        n_periods=12,
        period_length=4.345,
    )
    for cid, want in WORKFLOW["customers"]["clv_revenue_12_months"].items():
        assert value.discounted_revenue[row_of[cid]] == pytest.approx(want, rel=RTOL), cid
    assert value.total() == pytest.approx(WORKFLOW["clv_revenue_total"], rel=RTOL)
    np.testing.assert_allclose(value.clp, value.discounted_revenue)  # margin 1, no cost


def test_ranked_frame_is_keyed_by_id_and_sorted(results, row_of):
    ranked = results["ranked"]
    profit = results["profit"]
    assert ranked.columns[0] == "id"
    assert len(ranked) == len(profit)
    assert ranked["id"].head(10).tolist() == WORKFLOW["top10_by_clp"]
    assert np.all(np.diff(ranked["clp"].to_numpy()) <= 0)
    top = ranked.iloc[0]
    assert top["clp"] == profit.clp[row_of[top["id"]]]
    # the tutorial's CLP: 30 % margin on the discounted revenue, nothing else
    np.testing.assert_allclose(profit.clp, 0.3 * profit.discounted_revenue)


def test_main_prints_the_report(example, capsys):
    res = example["main"](["workflow_cdnow.py", "--sample"])
    out = capsys.readouterr().out
    assert "2,357 customers; holdout 39 weeks" in out
    assert "BetaGeo: fitted on 2,357 customers" in out
    assert len(res["ranked"]) == 2_357
    assert res["bg"].params["r"] == pytest.approx(0.2426, abs=1e-4)
