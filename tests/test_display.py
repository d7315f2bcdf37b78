"""Notebook display and short reprs: escaped HTML tables, no walls of arrays."""

from __future__ import annotations

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


@pytest.mark.parametrize("n", [10_000])
def test_reprs_stay_short_on_big_results(n):
    rng = np.random.default_rng(0)
    ids = [f"customer-{i}" for i in range(n)]
    objs = [
        Portfolio.from_columns(ids, {"v": rng.random(n)}),
        ScoreResult("demo", ids, rng.random(n)),
        summarize_transactions(
            ids, np.datetime64("2024-01-01") + rng.integers(0, 300, n), rng.random(n)
        ),
    ]
    for obj in objs:
        text = repr(obj)
        assert len(text) < 500, (type(obj).__name__, len(text))
        assert "customer-1" not in text


def test_transaction_log_html():
    from kamcore.transactions import TransactionLog

    log = TransactionLog(["<a>", "b"], ["2024-01-01", "2024-02-01"], [1.0, 2.5])
    out = log._repr_html_()
    assert "TransactionLog: 2 rows x 2 columns" in out
    assert "&lt;a&gt;" in out
    assert "<th>amounts</th>" in out
    assert len(repr(log)) < 500
