"""The report's words: the next-action rule table, plural counts, plain-word labels."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamcore.data import demo
from kamcore.report import ReportInput, build_report, render_html, render_markdown, render_terminal
from kamcore.report._wording import (
    FOCUS,
    NEXT_ACTION_RULES,
    SHORT_TITLES,
    next_actions,
    plural,
)

LOW_COST = "serve at low cost (standardised service, no dedicated key-account effort)"
STAGES = ("exploration", "formation", "stability", "decline", "ended", "")
GRADES = ("A", "B", "C", "D", "")
RISKS = ("low", "medium", "high", "")


@pytest.fixture(scope="module")
def report():
    return build_report(ReportInput.from_demo(demo()))


def one(stage, grade, risk, signals="", no_dm=False):
    return next_actions(
        np.array([stage]),
        np.array([grade]),
        np.array([risk]),
        np.array([signals]),
        np.array([no_dm]),
    )[0]


# --------------------------------------------------------------------------- next actions
@pytest.mark.parametrize(
    ("stage", "grade", "risk", "signals", "expected"),
    [
        ("stability", "A", "low", "", "grow: share of wallet and cross-selling"),
        ("stability", "B", "low", "", "grow: share of wallet and cross-selling"),
        ("stability", "C", "low", "", "keep with standard service; cross-sell where it pays"),
        ("stability", "D", "low", "", LOW_COST),
        ("stability", "D", "medium", "late payment", LOW_COST),
        (
            "stability",
            "D",
            "high",
            "complaints",
            LOW_COST + "; at risk (complaints), no special retention effort",
        ),
        (
            "stability",
            "A",
            "high",
            "falling orders, complaints",
            (
                "retention visit now (falling orders, complaints); "
                "full retention effort with senior management"
            ),
        ),
        (
            "stability",
            "A",
            "medium",
            "late payment",
            "grow: share of wallet and cross-selling; watch: late payment",
        ),
        (
            "decline",
            "A",
            "low",
            "",
            (
                "stop the decline: find the cause with the customer; "
                "full retention effort with senior management"
            ),
        ),
        (
            "decline",
            "B",
            "high",
            "falling orders",
            (
                "stop the decline: find the cause with the customer (falling orders); "
                "active retention effort"
            ),
        ),
        (
            "decline",
            "C",
            "medium",
            "",
            "stop the decline: find the cause with the customer; standard retention measures",
        ),
        ("decline", "D", "high", "complaints", "let it go: " + LOW_COST),
        (
            "formation",
            "B",
            "low",
            "",
            "secure satisfaction: meet expectations, fix service gaps, handle complaints fast",
        ),
        (
            "formation",
            "D",
            "high",
            "satisfaction gap",
            "standard service only; at risk (satisfaction gap), no special retention effort",
        ),
        (
            "exploration",
            "C",
            "low",
            "",
            "win the first orders: map the buying centre, define the offer",
        ),
        (
            "exploration",
            "D",
            "medium",
            "complaints",
            "low potential: standard sales effort only, no dedicated key-account effort",
        ),
        (
            "formation",
            "D",
            "low",
            "",
            "secure satisfaction with standard service: meet expectations, handle complaints fast",
        ),
        (
            "formation",
            "C",
            "medium",
            "satisfaction gap",
            (
                "secure satisfaction: meet expectations, fix service gaps, handle complaints fast; "
                "watch: satisfaction gap"
            ),
        ),
        ("ended", "A", "", "", "lost: find out why it was lost and decide whether to win it back"),
        ("ended", "D", "high", "complaints", "lost: record why it was lost; no win-back effort"),
        ("stability", "", "", "", "grow: share of wallet and cross-selling"),
        ("", "", "", "", "review the account"),
    ],
)
def test_next_action_follows_stage_grade_and_risk(stage, grade, risk, signals, expected):
    assert one(stage, grade, risk, signals) == expected


def test_the_reported_contradiction_is_gone():
    # a D account was told "grow: share of wallet and cross-selling; retention effort: let_go"
    action = one("stability", "D", "low")
    assert action == LOW_COST
    assert "grow" not in action
    assert "let_go" not in action


def test_missing_decision_maker_matters_for_a_b_c_accounts_only():
    note = "; no decision-maker contact yet"
    assert one("stability", "A", "low", no_dm=True).endswith(note)
    assert one("decline", "C", "low", no_dm=True).endswith(note)
    assert not one("stability", "D", "low", no_dm=True).endswith(note)
    assert not one("ended", "A", "", no_dm=True).endswith(note)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(STAGES),
            st.sampled_from(GRADES),
            st.sampled_from(RISKS),
            st.sampled_from(("", "complaints", "falling orders, late payment")),
            st.booleans(),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_vectorised_rules_equal_one_account_at_a_time(rows):
    cols = [np.array([r[k] for r in rows]) for k in range(5)]
    together = next_actions(*cols).tolist()
    assert together == [one(*r) for r in rows]
    for (stage, grade, risk, _, _), action in zip(rows, together, strict=True):
        assert action  # every account gets a step
        assert "{" not in action
        assert "_" not in action
        if grade == "D":
            assert "grow" not in action
            assert "retention visit" not in action
        if stage == "ended":
            assert action.startswith("lost:")
        if risk == "high" and stage in ("exploration", "formation", "stability") and grade in "ABC":
            assert action.startswith("retention visit now")


def test_rule_table_ends_with_a_catch_all_and_names_only_known_values():
    assert NEXT_ACTION_RULES[-1][:3] == ("*", "*", "*")
    for stage, grades, risk, _ in NEXT_ACTION_RULES:
        assert stage in {"*", *STAGES[:-1]}
        assert grades == "*" or set(grades) <= set("ABCD")
        assert risk in {"*", "low", "medium", "high"}


# --------------------------------------------------------------------------- words
@pytest.mark.parametrize(
    ("count", "args", "expected"),
    [
        (0, ("account",), "0 accounts"),
        (1, ("account",), "1 account"),
        (2, ("account",), "2 accounts"),
        (1_234_567, ("order",), "1,234,567 orders"),
        (1, ("account has", "accounts have"), "1 account has"),
        (3, ("account has", "accounts have"), "3 accounts have"),
    ],
)
def test_plural(count, args, expected):
    assert plural(count, *args) == expected


def test_no_count_disagrees_with_its_noun_in_any_rendering(report):
    text = render_terminal(report, width=200) + render_markdown(report) + render_html(report)
    assert not re.search(r"(?<![\d,.])1 (accounts|orders|respondents|rows|more rows)\b", text)
    assert "1 account has no order in the log: its CLP is 0." in text
    assert "(s)" not in text


def test_the_manager_reads_no_api_names(report):
    text = render_terminal(report, width=200)
    for api in ("ChurnRecord", "retention_plan", "Relationship.", "win_back", "ENDED", "let_go"):
        assert api not in text
    focus = report.section("lifecycle").tables[0].columns["focus"].tolist()
    assert focus == [
        FOCUS[s] for s in ("exploration", "formation", "stability", "decline", "ended")
    ]
    signals = report.section("churn_risk").lines[0]
    assert signals.startswith("Signals used: falling orders, falling share of wallet")


def test_html_navigation_uses_a_short_title_per_section(report):
    page = render_html(report)
    nav = re.search(r"<nav>(.*?)</nav>", page).group(1)
    labels = re.findall(r'<a href="#([a-z_]+)">([^<]*)</a>', nav)
    assert [k for k, _ in labels] == [s.key for s in report.sections]
    for key, label in labels:
        assert label == SHORT_TITLES[key]
        assert "(" not in label
        assert ":" not in label
    assert "Satisfaction gaps (SERVQUAL" not in nav


def test_money_and_shares_are_formatted_consistently(report):
    text = render_terminal(report, width=200)
    assert "Sales last year 157,322,259 CNY; profit 25,026,514 CNY." in text
    assert "profit_share" in text
    assert "80.3%" in text
    assert "-0.00" not in text
    page = render_html(report)
    assert "<b>157,322,259 CNY</b><span>sales last year</span>" in page
    # money columns are whole units with separators, small amounts too
    from kamcore.report._render import _cell

    assert _cell(512.345, "sales_last_year") == "512"
    assert _cell(1993.4, "clp") == "1,993"
    assert _cell(-0.001, "gap") == "0.00"
    assert _cell(0.803, "profit_share") == "80.3%"


def test_docs_list_the_rule_table_as_the_code_has_it():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[1] / "docs" / "report.md").read_text(encoding="utf-8")
    part = doc.split("## Next actions", 1)[1].split("\n## ", 1)[0]
    rows = [
        [c.strip() for c in line.strip("|").split("|")]
        for line in part.splitlines()
        if line.startswith("| ") and not line.startswith("| stage")
    ]
    assert len(rows) == len(NEXT_ACTION_RULES)
    for (stage, grades, risk, action), row in zip(NEXT_ACTION_RULES, rows, strict=True):
        assert row[0] == stage
        assert row[1] == (", ".join(grades) if grades != "*" else "*")
        assert row[2] == risk
        first = re.split(r"[({;]", action, maxsplit=1)[0]
        assert row[3].startswith(first)


def test_charts_write_money_as_the_tables_do(report):
    page = render_html(report)
    clp = page.split('<figure data-chart="clp_distribution">', 1)[1].split("</figure>", 1)[0]
    # matplotlib keeps each text as an SVG comment next to its glyphs
    assert "<!-- Distribution of CLP (total 59,987,827 CNY) -->" in clp
    eq = report.section("clp").figures["customer_equity"]
    assert f"{eq:,.0f}" == "59,987,827"
    assert re.search(r"<!-- mean [\d,]+ CNY -->", clp)
    assert re.search(r"<!-- 1,000,000 -->", clp)  # ticks with separators, no "1e6" offset
    assert not re.search(r"<!-- [^>]*\de[+-]?\d", page)


def test_readme_excerpt_is_the_current_terminal_output(report):
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    excerpt = readme.split("```text\nkamcore key-account report", 1)[1].split("```", 1)[0]
    lines = set(render_terminal(report).splitlines())
    for line in excerpt.splitlines()[1:]:
        if line.strip() != "...":
            assert line in lines, line


def test_without_clp_the_section_says_why_and_the_actions_rank_by_sales():
    accounts = {
        "id": np.array(["A1", "A2", "A3"]),
        "sales_last_year": np.array([100.0, 50.0, 1000.0]),
        "stage": np.array(["stability", "ended", "decline"]),
    }
    r = build_report(ReportInput(accounts=accounts))
    clp = r.section("clp")
    assert (
        clp.skipped
        == "CLP needs a transaction log (--transactions), or a stage and a profit column."
    )
    assert not clp.tables
    actions = r.section("actions")
    assert actions.lines == ("Ranked by sales last year among active accounts (no CLP).",)
    top = actions.tables[0]
    assert top.title == "Top 2 accounts by sales last year"
    assert top.columns["customer_id"].tolist() == ["A3", "A1"]
    assert "clp" not in top.columns
    one_left = build_report(ReportInput(accounts={k: v[:1] for k, v in accounts.items()}))
    assert one_left.section("actions").tables[0].title == "Top account by sales last year"


def test_equity_by_abc_class_is_titled_in_words():
    accounts = {
        "id": np.array(["A1", "A2", "A3"]),
        "sales_last_year": np.array([100.0, 50.0, 1000.0]),
        "profit_last_year": np.array([10.0, 5.0, 100.0]),
        "stage": np.array(["stability", "formation", "decline"]),
    }
    r = build_report(ReportInput(accounts=accounts))
    assert r.section("clp").tables[0].title == "Customer equity by ABC class (by profit)"
