"""The key-account report: the demo data, the report's numbers against the calculators, renderers."""

from __future__ import annotations

import csv
import json
import re

import numpy as np
import pytest

from kamcore.data import DEFAULT_SEED, demo
from kamcore.report import (
    SCHEMA_VERSION,
    ReportInput,
    build_report,
    json_document,
    json_schema,
    neutralise,
    render_html,
    render_json,
    render_markdown,
    render_terminal,
    write_tables,
)

#: SHA-256 of every table of demo() with the default seed; a change here changes the shipped demo
DEMO_DIGEST = "e0a9cd38ffe2a0ab97db5cdb3b74289435043cbdbfc53107cd7066251a9b9f75"

SECTION_KEYS = [
    "overview",
    "concentration",
    "grades",
    "lifecycle",
    "repeat_buying",
    "clp",
    "satisfaction",
    "switching",
    "churn_risk",
    "grade_migration",
    "actions",
]


@pytest.fixture(scope="module")
def data():
    return demo()


@pytest.fixture(scope="module")
def report(data):
    return build_report(ReportInput.from_demo(data))


def _table(report, section, key):
    for t in report.section(section).tables:
        if t.key == key:
            return t
    raise AssertionError(f"no table {key} in {section}")


# --------------------------------------------------------------------------- the demo data
def test_demo_is_pinned_by_its_digest(data):
    assert data.seed == DEFAULT_SEED
    assert data.digest() == DEMO_DIGEST


def test_demo_is_reproducible_and_seeded():
    assert demo(7).digest() == demo(7).digest()
    assert demo(7).digest() != demo(8).digest()


def test_demo_holds_every_table_with_plausible_content(data):
    t = data.tables()
    assert set(t) == {
        "accounts",
        "transactions",
        "surveys",
        "contacts",
        "switching",
        "complaints",
        "grade_history",
        "stage_history",
    }
    acc = t["accounts"]
    assert 200 <= acc["id"].shape[0] <= 500
    assert np.unique(acc["id"]).shape[0] == acc["id"].shape[0]
    lost = acc["stage"] == "ended"
    assert lost.sum() > 10
    assert set(acc["churn_type"][lost].tolist()) <= {
        "natural",
        "competitive",
        "negligent",
        "malicious",
    }
    assert (acc["churn_type"][~lost] == "").all()
    assert np.isnat(acc["churned_on"][~lost]).all()
    assert not np.isnat(acc["churned_on"][lost]).any()
    # no order after an account was lost
    tx = t["transactions"]
    lost_on = dict(zip(acc["id"][lost].tolist(), acc["churned_on"][lost].tolist(), strict=True))
    for cid, day in zip(tx["customer_id"].tolist(), tx["date"].tolist(), strict=True):
        if cid in lost_on:
            assert day <= lost_on[cid]
    assert tx["date"].min() >= np.datetime64("2019-01-01")
    assert tx["date"].max() <= np.datetime64("2024-12-31")
    assert (tx["amount"] > 0).all()
    # the survey answers are on the 1..7 scale
    for j in range(1, 23):
        for side in ("p", "e"):
            col = t["surveys"][f"{side}_q{j}"]
            assert col.min() >= 1
            assert col.max() <= 7
    assert set(t["contacts"]["role"].tolist()) <= {
        "decision_maker",
        "economic_buyer",
        "technical_evaluator",
        "user",
        "influencer",
        "gatekeeper",
        "coach",
    }


def test_demo_is_small_and_its_arrays_are_read_only(data):
    size = sum(a.nbytes for cols in data.columns.values() for a in cols.values())
    assert size < 20_000_000  # generated, not shipped: the generator is the only file
    arr = data.columns["accounts"]["sales_last_year"]
    with pytest.raises(ValueError, match="read-only"):
        arr[0] = 1.0


def test_demo_loads_as_domain_objects_portfolio_and_frames(data):
    from kamcore import Portfolio
    from kamcore.domain import LifecycleStage, Relationship

    p = data.accounts
    assert isinstance(p, Portfolio)
    assert p.currency("sales_last_year") == "CNY"
    rels = data.relationships()
    assert all(isinstance(r, Relationship) for r in rels)
    by_id = {r.customer_id: r for r in rels}
    for i, cid in enumerate(p.ids.tolist()):
        assert by_id[cid].stage.value == p["stage"][i]
    ended = [r for r in rels if r.stage is LifecycleStage.ENDED]
    assert ended
    assert all(r.churn_records for r in ended)
    assert all(r.churn_records[-1].churn_type is not None for r in ended)
    assert sum(len(r.contacts) for r in rels) == data.columns["contacts"]["contact_id"].shape[0]
    assert len(data.customers()) == len(p)
    assert len(data.complaints()) == data.columns["complaints"]["customer_id"].shape[0]
    assert len(data.transactions) == data.columns["transactions"]["amount"].shape[0]
    assert data.surveys.perception.shape == (data.columns["surveys"]["p_q1"].shape[0], 22)
    assert len(data.grade_history.gradings) == 2
    frames = data.frames()
    assert list(frames["accounts"]["id"][:2]) == p.ids[:2].tolist()
    pl = data.frames("polars")
    assert pl["transactions"].height == len(data.transactions)


def test_demo_refuses_a_bad_seed():
    from kamcore.errors import InvalidParameterError

    with pytest.raises(InvalidParameterError, match="'seed' must be a non-negative integer"):
        demo(-1)
    with pytest.raises(InvalidParameterError, match="'seed'"):
        demo("1")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="'backend'"):
        demo().frames("excel")


# --------------------------------------------------------------------------- the numbers
def test_report_has_every_section_in_order(report):
    assert [s.key for s in report.sections] == SECTION_KEYS
    assert all(s.skipped is None for s in report.sections)
    assert report.n_accounts == 300
    assert report.currency == "CNY"
    assert report.as_of == "2024-12-31"


def test_concentration_equals_the_metrics(report, data):
    from kamcore.metrics import gini, top_share
    from kamcore.scoring import get_scorer

    p = data.accounts
    f = report.section("concentration").figures
    assert f["gini_sales"] == gini(p["sales_last_year"])
    assert f["top20_share_of_sales"] == top_share(p["sales_last_year"], 0.2)
    assert f["gini_profit"] == gini(p["profit_last_year"])
    abc = get_scorer("pareto", column="profit_last_year").score(p).classes
    table = _table(report, "concentration", "abc_classes")
    assert table.columns["abc_class"].tolist() == ["ABC-A", "ABC-B", "ABC-C"]
    assert table.columns["accounts"].tolist() == [int((abc == c).sum()) for c in "ABC"]
    assert report.accounts.columns["abc_by_profit"].tolist() == abc.tolist()


def test_grades_classes_and_pyramid_equal_the_scorers(report, data):
    from kamcore.scoring import get_scorer

    p = data.accounts
    grades = get_scorer("rubric").score(p).grades
    t = _table(report, "grades", "grades")
    assert t.columns["grade"].tolist() == ["grade A", "grade B", "grade C", "grade D"]
    assert t.columns["accounts"].tolist() == [int((grades == g).sum()) for g in "ABCD"]
    assert report.accounts.columns["grade"].tolist() == grades.tolist()
    classes = get_scorer("classes").score(p).classes
    t = _table(report, "grades", "value_classes")
    assert dict(zip(t.columns["value_class"], t.columns["accounts"], strict=True)) == {
        c: int((classes == c).sum())
        for c in ("core", "important", "potential", "ordinary", "small_medium")
    }
    tiers = get_scorer("pyramid").score(p).classes
    assert report.accounts.columns["pyramid_tier"].tolist() == tiers.tolist()


def test_lifecycle_counts_and_focus(report, data):
    from kamcore.domain import MANAGEMENT_FOCUS, LifecycleStage
    from kamcore.report._wording import FOCUS

    # the report words the domain's focus for a manager: one entry per stage, no API names
    assert set(FOCUS) == {s.value for s in MANAGEMENT_FOCUS}

    t = _table(report, "lifecycle", "lifecycle_stages")
    stage = data.accounts["stage"]
    for s, n, focus in zip(
        t.columns["stage"], t.columns["accounts"], t.columns["focus"], strict=True
    ):
        assert n == int((stage == s).sum())
        assert focus == FOCUS[LifecycleStage(s).value]
        assert not re.search(r"[A-Z][a-z]+[A-Z]|_|\.[a-z]", focus)  # no CamelCase, snake_case


def test_repeat_buying_and_clp_equal_the_models_called_directly(report, data):
    from kamcore.clp import BetaGeo, GammaGamma, customer_equity, customer_lifetime_profit
    from kamcore.transactions import calibration_holdout, summarize_transactions

    tx = data.columns["transactions"]
    s = summarize_transactions(
        tx["customer_id"], tx["date"], tx["amount"], observation_end="2024-12-31", time_unit="W"
    )
    bg = BetaGeo.fit(frequency=s.frequency, recency=s.recency, T=s.T)
    figs = report.section("repeat_buying").figures
    assert figs["params"] == {k: float(v) for k, v in bg.params.items()}
    split = calibration_holdout(
        tx["customer_id"],
        tx["date"],
        tx["amount"],
        calibration_end=str(np.datetime64("2024-12-31") - 364),
        observation_end="2024-12-31",
        time_unit="W",
    )
    assert figs["holdout_actual"] == pytest.approx(float(split.holdout_frequency.sum()))
    rep = s.frequency > 0
    gg = GammaGamma.fit(frequency=s.frequency[rep], average_spend=s.monetary_value[rep])
    acc = data.columns["accounts"]
    idx = {c: i for i, c in enumerate(acc["id"].tolist())}
    pos = np.array([idx[c] for c in s.ids.tolist()])
    # each account's margin; accounts without sales last year (lost ones) get the portfolio's
    sales, profit = acc["sales_last_year"][pos], acc["profit_last_year"][pos]
    overall = acc["profit_last_year"].sum() / acc["sales_last_year"].sum()
    margin = np.full(pos.shape[0], overall)
    margin[sales > 0] = profit[sales > 0] / sales[sales > 0]
    assert (sales == 0).sum() > 0
    res = customer_lifetime_profit(
        bg,
        frequency=s.frequency,
        recency=s.recency,
        T=s.T,
        margin_rate=margin,
        discount_rate=1.1 ** (1 / 12) - 1,
        n_periods=36,
        spend_model=gg,
        average_spend=np.where(rep, s.monetary_value, 0.0),
        period_length=365.25 / 12 / 7,
    )
    clp = report.accounts.columns["clp"]
    np.testing.assert_allclose(clp[pos], res.clp, rtol=1e-12)
    missing = np.setdiff1d(np.arange(len(acc["id"])), pos)
    assert (clp[missing] == 0).all()
    eq = customer_equity(clp, segments=report.accounts.columns["grade"])
    assert report.section("clp").figures["customer_equity"] == eq.total
    t = _table(report, "clp", "equity_by_segment")
    np.testing.assert_allclose(t.columns["clp_total"], eq.segment_totals)


def test_satisfaction_equals_the_servqual_model(report, data):
    from kamcore.satisfaction import SatisfactionModel

    res = SatisfactionModel().evaluate(data.surveys)
    t = _table(report, "satisfaction", "servqual_dimensions")
    np.testing.assert_array_equal(t.columns["gap"], res.dimension)
    weakest = _table(report, "satisfaction", "weakest_items")
    assert weakest.columns["gap"].tolist() == np.sort(res.item_mean)[:5].tolist()
    assert report.section("satisfaction").figures["overall_gap"] == res.overall
    gap = report.accounts.columns["satisfaction_gap"]
    ids = report.accounts.columns["customer_id"].tolist()
    for cid, g in zip(res.customer_ids.tolist(), res.customer_overall.tolist(), strict=True):
        assert gap[ids.index(cid)] == g


def test_switching_and_churn_risk_equal_their_calculators(report, data):
    from kamcore.scoring import get_scorer
    from kamcore.switching import barrier_index_long

    p = data.accounts
    sw = data.columns["switching"]
    ids = p.ids.tolist()
    codes = np.array([ids.index(c) for c in sw["customer_id"].tolist()])
    barrier = barrier_index_long(codes, sw["facet"], strength=sw["strength"], n_accounts=len(p))
    np.testing.assert_array_equal(report.accounts.columns["barrier_index"], barrier)
    # churn risk: the scorer on the same signal columns
    gap = np.nan_to_num(report.accounts.columns["satisfaction_gap"], nan=0.0)
    cp = data.columns["complaints"]
    recent = cp["received"] > np.datetime64("2024-12-31") - 365
    complaints = np.zeros(len(p))
    for c in cp["customer_id"][recent].tolist():
        complaints[ids.index(c)] += 1
    risk = get_scorer("churn_risk", columns={"longer_cycle": None}).score(
        p.with_columns({"satisfaction_gap": gap, "complaints": complaints})
    )
    np.testing.assert_array_equal(report.accounts.columns["churn_risk"], risk.extras["risk"])
    assert report.accounts.columns["churn_risk_level"].tolist() == risk.classes.tolist()
    listed = _table(report, "churn_risk", "churn_risk_list")
    assert listed.n_rows > 0
    assert set(listed.columns["level"].tolist()) <= {"high", "medium"}
    assert np.all(np.diff(listed.columns["risk"]) <= 0)
    for sig in listed.columns["signals_fired"].tolist():
        assert sig  # every listed account names the signals that fired


def test_grade_migration_equals_migration_counts(report, data):
    from kamcore.scoring import Grading, get_scorer, migration_counts

    p = data.accounts
    now = get_scorer("rubric").score(p, as_of="2024-12-31").to_grading()
    live = p["stage"] != "ended"
    now = Grading(now.as_of, now.ids[live], now.grades[live], levels=now.levels)
    m = migration_counts(data.grade_history.gradings[-1], now)
    t = _table(report, "grade_migration", "grade_migration")
    assert t.columns["from"].tolist() == list(m.labels)
    for j, lab in enumerate(m.labels):
        assert t.columns[f"to_{lab}"].tolist() == np.asarray(m.counts)[:, j].tolist()


def test_top_and_bottom_accounts_with_next_actions(report):
    top = _table(report, "actions", "top_accounts")
    bottom = _table(report, "actions", "bottom_accounts")
    assert top.n_rows == bottom.n_rows == 10
    assert np.all(np.diff(top.columns["clp"]) <= 0)
    assert np.all(np.diff(bottom.columns["clp"]) >= 0)
    assert top.columns["clp"].min() >= bottom.columns["clp"].max()
    assert all(a for a in top.columns["next_action"].tolist())
    acc = report.accounts.columns
    # high risk asks for a retention visit where the grade is worth it (A-C, not in decline)
    high = (
        (acc["churn_risk_level"] == "high")
        & np.isin(acc["stage"], ["exploration", "formation", "stability"])
        & np.isin(acc["grade"], ["A", "B", "C"])
    )
    assert high.any()
    assert all(a.startswith("retention visit now (") for a in acc["next_action"][high].tolist())
    # ... and never contradicts the grade: no D account is told to grow or to make a visit
    d = acc["grade"] == "D"
    for action in acc["next_action"][d].tolist():
        assert "grow" not in action
        assert "retention visit" not in action
        assert "no dedicated key-account effort" in action or action.startswith(
            ("lost:", "standard service", "secure satisfaction with standard service")
        )


def test_summaries_in_blocks_of_whole_customers_equal_the_whole_log(report, data, monkeypatch):
    import kamcore.report._build as build

    monkeypatch.setattr(build, "BLOCK_ROWS", 997)  # ~17 blocks, never splitting a customer
    small = build_report(ReportInput.from_demo(data))
    np.testing.assert_allclose(
        small.accounts.columns["clp"], report.accounts.columns["clp"], rtol=1e-8
    )
    a = _table(small, "repeat_buying", "holdout_check")
    b = _table(report, "repeat_buying", "holdout_check")
    np.testing.assert_array_equal(a.columns["customers"], b.columns["customers"])
    np.testing.assert_array_equal(a.columns["actual"], b.columns["actual"])
    np.testing.assert_allclose(a.columns["predicted"], b.columns["predicted"], rtol=1e-8)


def test_report_without_side_tables_skips_their_sections(data):
    acc = data.tables()["accounts"]
    r = build_report(ReportInput(accounts=acc, as_of=None, source="accounts only"))
    skipped = {s.key for s in r.sections if s.skipped}
    assert skipped == {"repeat_buying", "satisfaction", "switching", "grade_migration"}
    from kamcore.clp import stage_lifetime_profit

    np.testing.assert_array_equal(
        r.accounts.columns["clp"],
        stage_lifetime_profit(acc["stage"], 0.1, scale=acc["profit_last_year"]),
    )
    # minimal accounts: only id and sales
    r = build_report(
        ReportInput(accounts={"id": np.array(["a", "b"]), "sales_last_year": np.array([5.0, 1.0])})
    )
    assert r.section("grades").lines[0].startswith("Rubric grades need the 13 rubric columns")
    assert r.section("lifecycle").skipped


def test_a_side_table_naming_an_unknown_account_is_refused(data):
    from kamcore.errors import UnknownNameError

    t = data.tables()
    tx = {k: v[:3] for k, v in t["transactions"].items()}
    tx["customer_id"] = np.array(["KA0001", "NOPE", "KA0002"])
    with pytest.raises(UnknownNameError, match=r"transactions table names 1 row.*row 2: 'NOPE'"):
        build_report(ReportInput(accounts=t["accounts"], transactions=tx))


# --------------------------------------------------------------------------- renderers
def test_terminal_report_fits_100_columns_and_colours_only_on_request(report):
    text = render_terminal(report)
    assert "\x1b[" not in text
    assert max(len(line) for line in text.splitlines()) <= 100
    for title in (s.title for s in report.sections):
        assert title in text
    assert "ABC-A" in text
    assert "grade A" in text
    coloured = render_terminal(report, color=True)
    assert "\x1b[1m" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == text


def test_json_validates_against_its_schema_and_keys_are_stable(report):
    jsonschema = pytest.importorskip("jsonschema")
    doc = json.loads(render_json(report))
    jsonschema.validate(doc, json_schema())
    assert doc["schema_version"] == SCHEMA_VERSION
    assert [s["key"] for s in doc["sections"]] == SECTION_KEYS
    assert doc == json_document(report) | {}  # the text is the document
    conc = next(s for s in doc["sections"] if s["key"] == "concentration")
    assert conc["figures"]["gini_sales"] == report.section("concentration").figures["gini_sales"]
    bad = dict(doc, schema_version="2.0")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, json_schema())


def test_markdown_has_a_heading_and_a_pipe_table_per_section(report):
    md = render_markdown(report)
    assert md.startswith("# kamcore key-account report\n")
    for s in report.sections:
        assert f"\n## {s.title}\n" in md
    assert "| abc_class | accounts | profit_share |" in md
    assert "|---|---:|---:|" in md


def test_html_is_one_self_contained_page(report):
    page = render_html(report)
    assert page.startswith("<!DOCTYPE html>")
    for s in report.sections:
        assert f'<section id="{s.key}">' in page
        for c in s.charts:
            assert f'<figure data-chart="{c.key}"><svg' in page
    assert page.count("<svg") == sum(len(s.charts) for s in report.sections) == 6
    assert "<script" not in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert "@import" not in page
    assert "url(" not in page.replace("url(#", "")


def test_write_tables_csv_and_parquet_keyed_by_customer_id(report, tmp_path):
    files = write_tables(report, tmp_path / "csv")
    assert {f.name for f in files} >= {"accounts.csv", "churn_risk_list.csv", "grades.csv"}
    with (tmp_path / "csv" / "accounts.csv").open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][0] == "customer_id"
    assert len(rows) == 301
    pq = pytest.importorskip("pyarrow.parquet")
    write_tables(report, tmp_path / "pq", fmt="parquet")
    t = pq.read_table(tmp_path / "pq" / "accounts.parquet")
    assert t.column("customer_id").to_pylist() == report.accounts.columns["customer_id"].tolist()
    np.testing.assert_array_equal(t.column("clp").to_numpy(), report.accounts.columns["clp"])


def test_csv_cells_that_would_run_as_formulas_are_neutralised(tmp_path):
    acc = {
        "id": np.array(["a", "b", "c", "d"]),
        "name": np.array(['=HYPERLINK("x")', "+1", "-cmd", "@SUM(A1)"]),
        "sales_last_year": np.array([4.0, 3.0, 2.0, 1.0]),
    }
    r = build_report(ReportInput(accounts=acc))
    write_tables(r, tmp_path / "safe")
    text = (tmp_path / "safe" / "accounts.csv").read_text(encoding="utf-8")
    for cell in ("'=HYPERLINK", "'+1", "'-cmd", "'@SUM(A1)"):
        assert cell in text
    write_tables(r, tmp_path / "raw", safe=False)
    raw = (tmp_path / "raw" / "accounts.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" not in raw
    assert neutralise(-3.0) == -3.0
    assert neutralise("Acme") == "Acme"


def test_a_first_order_on_the_as_of_day_is_not_valued_and_said_so(data):
    t = data.tables()
    tx = t["transactions"]
    acc = t["accounts"]
    lost_no_orders = acc["id"][~np.isin(acc["id"], tx["customer_id"])]
    assert lost_no_orders.shape[0] == 1
    newcomer = str(lost_no_orders[0])
    tx = {
        "customer_id": np.append(tx["customer_id"], newcomer),
        "date": np.append(tx["date"], np.datetime64("2024-12-31")),
        "amount": np.append(tx["amount"], 100.0),
    }
    r = build_report(ReportInput(accounts=acc, transactions=tx))
    assert any(
        "1 account whose first order is on the as-of date is not valued" in s
        for s in r.section("clp").lines
    )
    i = acc["id"].tolist().index(newcomer)
    assert r.accounts.columns["clp"][i] == 0
    assert np.isnan(r.accounts.columns["p_alive"][i])


def test_a_model_that_cannot_be_fitted_degrades_to_the_stage_clp(data, monkeypatch):
    from kamcore.clp import BetaGeo, stage_lifetime_profit
    from kamcore.errors import ConvergenceError

    def refuse(**kwargs):
        raise ConvergenceError("BG/NBD fit did not converge; details")

    monkeypatch.setattr(BetaGeo, "fit", staticmethod(refuse))
    r = build_report(ReportInput.from_demo(data))
    assert r.section("repeat_buying").skipped == (
        "the BG/NBD model could not be fitted to this log (BG/NBD fit did not converge)."
    )
    acc = data.columns["accounts"]
    np.testing.assert_array_equal(
        r.accounts.columns["clp"],
        stage_lifetime_profit(acc["stage"], 0.1, scale=acc["profit_last_year"]),
    )


def test_csv_is_written_in_slices_with_the_same_content(report, tmp_path, monkeypatch):
    import kamcore.report._html as out

    write_tables(report, tmp_path / "whole")
    monkeypatch.setattr(out, "_CSV_ROWS", 7)
    write_tables(report, tmp_path / "sliced")
    for f in (tmp_path / "whole").iterdir():
        assert (tmp_path / "sliced" / f.name).read_bytes() == f.read_bytes()
