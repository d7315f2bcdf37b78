"""Notebook display and short reprs: escaped HTML tables, no walls of arrays."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kamcore import Portfolio
from kamcore.scoring import ScoreResult
from kamcore.transactions import summarize_transactions


def test_portfolio_html_shows_rows_types_currency_and_size_escaped():
    p = Portfolio.from_columns(
        ["<b>c1</b>", "c&2", "c3"],
        {"revenue <EUR>": [120.0, 80.0, 5.5], "region": ["n", "<s>", "n"]},
        currencies={"revenue <EUR>": "EUR"},
    )
    out = p._repr_html_()
    assert "3 rows x 2 columns" in out
    assert "&lt;b&gt;c1&lt;/b&gt;" in out
    assert "<b>c1" not in out
    assert "c&amp;2" in out
    assert "revenue &lt;EUR&gt;" in out
    assert "f8 [EUR]" in out
    assert "&lt;s&gt;" in out


def test_long_tables_show_the_head_only():
    n = 10_000
    p = Portfolio.from_columns([f"c{i}" for i in range(n)], {"v": np.arange(n, dtype=float)})
    out = p._repr_html_()
    assert "10000 rows x 1 columns" in out
    assert "c4</th>" in out
    assert "c5</th>" not in out
    assert "9995 more rows" in out


def test_score_result_and_summary_html():
    r = ScoreResult("demo", ["a<1>", "b"], [2.0, 1.0], grade_codes=[0, 1], grade_levels=("A", "B"))
    out = r._repr_html_()
    assert "ScoreResult: 2 rows x 2 columns" in out
    assert "a&lt;1&gt;" in out
    assert "<th>grades</th>" in out
    s = summarize_transactions(["x&y", "z"], ["2024-01-01", "2024-02-01"], [1.0, 2.0])
    out = s._repr_html_()
    assert "TransactionSummary: 2 rows x 8 columns" in out
    assert "x&amp;y" in out
    assert "<th>frequency</th>" in out


N = 10_000


def _big_results():
    """One 10k-row instance of every public result class that holds per-customer arrays."""
    from kamcore.allocation import ExponentialResponse, allocate
    from kamcore.clp import customer_lifetime_profit
    from kamcore.io import json as kjson
    from kamcore.lifecycle import detect_stages
    from kamcore.loyalty import cross_sell
    from kamcore.metrics import order_cycles, period_values
    from kamcore.plotting import LorenzCurveDisplay
    from kamcore.satisfaction import (
        Instrument,
        SatisfactionModel,
        SurveyResponses,
        complaint_kpis,
        nps,
    )
    from kamcore.scoring import Grading
    from kamcore.transactions import TransactionLog, calibration_holdout

    rng = np.random.default_rng(0)
    ids = np.array([f"customer-{i}" for i in range(N)])
    tx_ids = np.concatenate([ids, ids, ids])
    days = np.datetime64("2024-01-01") + rng.integers(0, 360, 3 * N)
    amounts = rng.random(3 * N) * 100
    log = TransactionLog(tx_ids, days, amounts, main_business=rng.random(3 * N) < 0.5)
    model = kjson.loads(
        (Path(__file__).parent / "data" / "json_documents" / "BetaGeoBetaBinom.json").read_text()
    )
    inst = Instrument(["a", "b", "c"], ["x", "x", "y"], dimensions=["x", "y"])
    survey = SurveyResponses(
        inst, ids, rng.integers(1, 8, (N, 3)).astype(float), expectation=np.full((N, 3), 5.0)
    )
    return {
        "Portfolio": Portfolio.from_columns(ids, {"v": rng.random(N)}),
        "ScoreResult": ScoreResult("demo", ids, rng.random(N)),
        "TransactionLog": log,
        "TransactionSummary": summarize_transactions(log),
        "CalibrationHoldout": calibration_holdout(log, calibration_end="2024-06-30"),
        "Grading": Grading("2024-12-31", ids, rng.choice(["A", "B"], N), levels=("A", "B")),
        "CrossSell": cross_sell(log),
        "OrderCycles": order_cycles(log),
        "PeriodMatrix": period_values(log, freq="Q"),
        "NpsResult": nps(rng.integers(0, 11, 3 * N), tx_ids),
        "ComplaintKpis": complaint_kpis(ids, days[:N], days[:N] + 3),
        "SatisfactionResult": SatisfactionModel().evaluate(survey),
        "StageDetection": detect_stages(rng.random((N, 8)) * 100, ids=ids),
        "Allocation": allocate(ExponentialResponse(rng.random(N) * 100 + 1, np.full(N, 0.1)), 50.0),
        "LorenzCurveDisplay": LorenzCurveDisplay.from_values(rng.random(N)),
        "CustomerProfit": customer_lifetime_profit(
            model,
            frequency=np.full(N, 3),
            recency=np.full(N, 5),
            T=6,
            spend=100.0,
            margin_rate=0.25,
            discount_rate=0.1,
            n_periods=5,
        ),
    }


@pytest.mark.parametrize("kind", sorted(_big_results()))
def test_reprs_stay_short_on_10k_rows(kind):
    obj = _big_results()[kind]
    text = repr(obj)
    assert len(text) < 500, (kind, len(text), text[:200])
    assert "customer-1" not in text
    assert "array([" not in text


def test_transaction_log_html():
    from kamcore.transactions import TransactionLog

    log = TransactionLog(["<a>", "b"], ["2024-01-01", "2024-02-01"], [1.0, 2.5])
    out = log._repr_html_()
    assert "TransactionLog: 2 rows x 2 columns" in out
    assert "&lt;a&gt;" in out
    assert "<th>amounts</th>" in out
    assert len(repr(log)) < 500
