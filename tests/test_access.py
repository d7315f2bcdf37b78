"""Field-level access: the default tiers, views, redaction, the TOML loader, round trips."""

from __future__ import annotations

import datetime as dt
import json
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest

from kamcore import Portfolio
from kamcore.access import (
    ALL,
    EXECUTIVE_CONTACTS,
    AccessPolicy,
    AccessTier,
    RedactedView,
)
from kamcore.domain import (
    BuyingRole,
    Contact,
    Customer,
    Money,
    Relationship,
    Seniority,
    sensitive_fields,
)
from kamcore.errors import (
    CurrencyMismatchError,
    InvalidParameterError,
    KamcoreError,
    SchemaError,
    UnknownNameError,
)
from kamcore.io import frames
from kamcore.io import json as kjson

ROOT = Path(__file__).resolve().parents[1]
POLICY = AccessPolicy.default()


def eur(x: str) -> Money:
    return Money.of(x, "EUR")


ACME = Customer(
    "c1",
    "Acme",
    industry="printing",
    sales_last_year=eur("1000"),
    profit_last_year=eur("120"),
    gross_margin=eur("300"),
    net_profit=eur("90"),
    cost_to_serve=eur("40"),
)
LI = Contact("p1", "Li Wei", "c1", BuyingRole.USER, title="buyer", email="li@acme.example")
BOSS = Contact(
    "p2", "Ms Boss", "c1", BuyingRole.DECISION_MAKER, seniority=Seniority.EXECUTIVE, phone="+861"
)
REL = Relationship.start(
    "r1", "c1", account_manager="amy", on=dt.date(2024, 1, 9), contacts=[LI, BOSS]
)


# ---------------------------------------------------------------- the default rules
def test_default_roles_and_tiers() -> None:
    assert POLICY.role_names == ("account_manager", "executive", "sales")
    assert [t.name for t in POLICY.tiers] == ["basic", "confidential", "restricted"]
    assert POLICY.tier_of("sales").name == "basic"


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        ("sales", {"sales_last_year", "expected_sales", "industry"}, {"profit_last_year", "gross_margin", "net_profit", "cost_to_serve"}),
        ("account_manager", {"profit_last_year", "gross_margin", "sales_last_year"}, {
            "net_profit", "cost_to_serve"
        }),
        ("executive", {"net_profit", "cost_to_serve", "gross_margin"}, set()),
    ],
)  # fmt: skip
def test_customer_tiers(role: str, shown: set[str], hidden: set[str]) -> None:
    view = POLICY.view(ACME, role)
    assert view.withheld == hidden
    assert shown <= set(view.visible_fields)
    assert view.subject is not None
    for name in hidden:
        assert getattr(view.subject, name) is None
    for name in shown:
        assert getattr(view.subject, name) == getattr(ACME, name)


def test_sales_see_no_personal_details_and_no_executive_contacts() -> None:
    view = POLICY.view(LI, "sales")
    assert view.subject is not None
    assert set(sensitive_fields(Contact)) <= view.withheld
    assert view.subject.email is None
    assert view.subject.title == "buyer"
    hidden = POLICY.view(BOSS, "sales")
    assert hidden.subject is None
    assert hidden.withheld == {f.name for f in attrs.fields(Contact)}
    rel = POLICY.view(REL, "sales")
    assert rel.subject is not None
    assert [c.id for c in rel.subject.contacts] == ["p1"]
    assert rel.subject.contacts[0].email is None
    assert EXECUTIVE_CONTACTS in rel.withheld
    assert "contacts.email" in rel.withheld


def test_account_managers_see_contact_details_and_executive_contacts() -> None:
    rel = POLICY.view(REL, "account_manager")
    assert rel.subject is not None
    assert [c.id for c in rel.subject.contacts] == ["p1", "p2"]
    assert rel.subject.contacts[0].email == "li@acme.example"
    assert not {w for w in rel.withheld if w.startswith("contacts")}
    assert POLICY.view(REL, "executive").withheld == frozenset()
    assert POLICY.view(REL, "executive").subject == REL


def test_withheld_names_depend_on_the_tier_only() -> None:
    bare = Customer("c2", "Bare")
    assert POLICY.view(bare, "sales").withheld == POLICY.view(ACME, "sales").withheld


def test_views_are_absent_not_masked() -> None:
    text = kjson.dumps(POLICY.view(ACME, "sales"))
    data = json.loads(text)["data"]["subject"]
    assert data["net_profit"] is None
    assert data["gross_margin"] is None
    assert "***" not in text


def test_unknown_roles_name_the_role_and_the_known_ones() -> None:
    for call in (
        lambda: POLICY.view(ACME, "intern"),
        lambda: POLICY.redact(Portfolio.from_customers([ACME]), "intern"),
        lambda: POLICY.tier_of("intern"),
    ):
        with pytest.raises(UnknownNameError, match=r"'role'.*'account_manager', 'executive', "):
            call()
    with pytest.raises(UnknownNameError, match=r"got 'intern'"):
        POLICY.view(ACME, "intern")


def test_view_refuses_other_objects() -> None:
    with pytest.raises(InvalidParameterError, match=r"'obj' must be a Customer, Contact or"):
        POLICY.view(eur("1"), "sales")  # type: ignore[arg-type]


# ---------------------------------------------------------------- portfolios
def _portfolio() -> Portfolio:
    p = Portfolio.from_customers([ACME, Customer("c2", "Beta", sales_last_year=eur("5"))])
    return p.with_columns({"grade": ["A", "C"], "internal_note": ["x", "y"]})


def test_from_customers_carries_the_new_money_columns() -> None:
    p = Portfolio.from_customers([ACME, Customer("c2", "Beta")])
    for name in ("gross_margin", "net_profit", "cost_to_serve"):
        assert p.currency(name) == "EUR"
        assert name in p.nullable
    assert p["net_profit"][0] == 90.0
    assert np.isnan(p["net_profit"][1])


def test_redact_selects_columns_and_shares_the_arrays() -> None:
    p = _portfolio()
    sales = POLICY.redact(p, "sales")
    assert "grade" in sales
    assert "sales_last_year" in sales
    assert "name" in sales
    for hidden in ("gross_margin", "net_profit", "cost_to_serve", "profit_last_year"):
        assert hidden not in sales
    assert "internal_note" not in sales  # unlisted columns are withheld
    assert np.shares_memory(sales["grade"], p["grade"])
    am = POLICY.redact(p, "account_manager")
    assert "gross_margin" in am
    assert "net_profit" not in am
    assert POLICY.redact(p, "executive") == p
    assert POLICY.visible_columns(p, "sales") == sales.column_names


def test_redacted_frames_lack_the_columns() -> None:
    frame = frames.to_frame(POLICY.redact(_portfolio(), "sales"))
    assert "net_profit" not in frame.columns
    assert 90.0 not in frame.select_dtypes("number").to_numpy()


def test_redact_refuses_other_objects() -> None:
    with pytest.raises(InvalidParameterError, match=r"'portfolio' must be a kamcore Portfolio"):
        POLICY.redact({"a": 1}, "sales")  # type: ignore[arg-type]


def test_portfolio_html_escapes_and_shows_currencies() -> None:
    p = Portfolio.from_columns(
        ["<c1>"], {"sales": [1.5], "note": ["a&b"]}, currencies={"sales": "EUR"}
    )
    text = p._repr_html_()
    assert "&lt;c1&gt;" in text
    assert "a&amp;b" in text
    assert "<th>sales</th>" in text
    assert "[EUR]" in text  # the currency of the money column
    many = Portfolio.from_columns([f"c{i}" for i in range(12)], {"x": np.arange(12.0)})
    assert "12 rows x 1 columns" in many._repr_html_()
    assert "c11" not in many._repr_html_()  # only the head rows are shown


def test_view_html_lists_visible_fields_and_withheld_names() -> None:
    html = POLICY.view(ACME, "sales")._repr_html_()
    assert "net_profit" in html
    assert "1000 EUR" in html
    assert "90" not in html
    assert "withheld from role" in POLICY.view(BOSS, "sales")._repr_html_()


# ---------------------------------------------------------------- round trips
OBJECTS: list[Any] = [
    POLICY,
    *POLICY.tiers,
    POLICY.view(ACME, "sales"),
    POLICY.view(LI, "account_manager"),
    POLICY.view(BOSS, "sales"),
    POLICY.view(REL, "sales"),
    POLICY.view(REL, "executive"),
]


@pytest.mark.parametrize("obj", OBJECTS, ids=lambda o: type(o).__name__)
def test_json_round_trip_is_lossless(obj: Any) -> None:
    back = kjson.loads(kjson.dumps(obj))
    assert back == obj
    assert type(back) is type(obj)
    if isinstance(obj, RedactedView) and obj.subject is not None:
        assert attrs.asdict(back.subject) == attrs.asdict(obj.subject)


@pytest.mark.parametrize("obj", OBJECTS, ids=lambda o: type(o).__name__)
def test_pickle_round_trip_is_lossless(obj: Any) -> None:
    assert pickle.loads(pickle.dumps(obj)) == obj


def test_toml_round_trip() -> None:
    assert AccessPolicy.from_toml(POLICY.to_toml()) == POLICY
    odd = AccessPolicy({"a b": "t.1"}, [AccessTier("t.1", customer=["region"])])
    assert AccessPolicy.from_toml(odd.to_toml()) == odd


def test_a_view_document_with_a_withheld_value_is_refused() -> None:
    doc = json.loads(kjson.dumps(POLICY.view(ACME, "sales")))
    doc["data"]["subject"]["net_profit"] = {"amount": "90", "currency": "EUR"}
    with pytest.raises(SchemaError, match=r"'withheld' field 'net_profit' must be absent"):
        kjson.loads(json.dumps(doc))
    doc["data"]["kind"] = "opportunity"
    with pytest.raises(SchemaError, match=r"kind"):
        kjson.loads(json.dumps(doc))


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"name": " basic"}, InvalidParameterError, "'name' must be a non-empty string.*' basic'"),
        ({"name": "t", "customer": "region"}, InvalidParameterError, "'customer' must be a list"),
        ({"name": "t", "customer": ["regoin"]}, UnknownNameError, "'customer'.*'regoin'.*region"),
        ({"name": "t", "contact": ["salary"]}, UnknownNameError, "Contact fields.*'salary'"),
        ({"name": "t", "columns": [""]}, InvalidParameterError, "'columns' must hold non-empty"),
        (
            {"name": "t", "executive_contacts": 1},
            InvalidParameterError,
            "'executive_contacts' must be true or false; got 1",
        ),
    ],
)
def test_tier_bad_input(kwargs: dict[str, Any], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        AccessTier(**kwargs)


def test_tier_wildcard_and_unknown_kind() -> None:
    t = AccessTier("all", customer=[ALL, "region"])
    assert t.customer == {ALL}
    assert t.withheld("customer") == frozenset()
    with pytest.raises(UnknownNameError, match=r"'kind' must be one of.*got 'opportunity'"):
        t.visible("opportunity")


def test_policy_bad_input() -> None:
    tier = AccessTier("t")
    with pytest.raises(UnknownNameError, match=r"'roles'.*'t'.*got 'nope' for role 'a'"):
        AccessPolicy({"a": "nope"}, [tier])
    with pytest.raises(InvalidParameterError, match=r"'roles' must be a non-empty mapping"):
        AccessPolicy({}, [tier])
    with pytest.raises(InvalidParameterError, match=r"'roles' must map.*got role ' a'"):
        AccessPolicy({" a": "t"}, [tier])
    with pytest.raises(InvalidParameterError, match=r"'tiers' must have unique names; got 't'"):
        AccessPolicy({"a": "t"}, [tier, tier])
    with pytest.raises(
        InvalidParameterError, match=r"'tiers' must hold AccessTier.*str at index 0"
    ):
        AccessPolicy({"a": "t"}, ["t"])
    with pytest.raises(InvalidParameterError, match=r"'tiers' must be a non-empty tuple"):
        AccessPolicy({"a": "t"}, [])


def test_view_bad_input() -> None:
    with pytest.raises(InvalidParameterError, match=r"'kind' must be one of.*got 'deal'"):
        RedactedView("sales", "deal", None)
    with pytest.raises(InvalidParameterError, match=r"'subject' must be a Customer.*got Contact"):
        RedactedView("sales", "customer", LI)
    with pytest.raises(InvalidParameterError, match=r"'role' must be a non-empty string.*got ''"):
        RedactedView("", "customer", None)
    with pytest.raises(InvalidParameterError, match=r"'withheld' field 'email' must be absent"):
        RedactedView("sales", "contact", LI, frozenset({"email"}))
    with pytest.raises(InvalidParameterError, match=r"'contacts.email' must be absent from every"):
        RedactedView("sales", "relationship", REL, frozenset({"contacts.email"}))
    with pytest.raises(InvalidParameterError, match=r"must hold no executive contact"):
        RedactedView("sales", "relationship", REL, frozenset({EXECUTIVE_CONTACTS}))
    with pytest.raises(InvalidParameterError, match=r"'withheld' must be a set of field names"):
        RedactedView("sales", "contact", None, frozenset({3}))


def test_customer_new_fields_bad_input() -> None:
    with pytest.raises(InvalidParameterError, match=r"'cost_to_serve' must be >= 0; got -1 EUR"):
        Customer("c", "C", cost_to_serve=eur("-1"))
    with pytest.raises(InvalidParameterError, match=r"'net_profit' must be a Money value .*got 90"):
        Customer("c", "C", net_profit=90)  # type: ignore[arg-type]
    with pytest.raises(CurrencyMismatchError, match=r"'gross_margin' must be in the same currency"):
        Customer("c", "C", sales_last_year=eur("1"), gross_margin=Money.of("1", "USD"))
    assert Customer("c", "C", net_profit=eur("-5")).net_profit == eur("-5")


# ---------------------------------------------------------------- the TOML loader
GOOD = """
[roles]
sales = "basic"
[tiers.basic]
customer = ["region"]
"""


@pytest.mark.parametrize(
    ("text", "error", "match"),
    [
        ("[roles\n", SchemaError, "access policy TOML is not valid"),
        ('[roles]\na = "t"\n', SchemaError, "exactly the tables 'roles' and 'tiers'; missing"),
        (GOOD + "[extra]\n", SchemaError, r"unknown \['extra'\]"),
        ("roles = 3\n[tiers.t]\n", SchemaError, "'roles' must be a table"),
        ("[roles]\na = 1\n[tiers.t]\n", SchemaError, "'roles' must be a table"),
        ('tiers = 3\n[roles]\na = "t"\n', SchemaError, "'tiers' must be a non-empty table"),
        ('[roles]\na = "t"\n[tiers.t]\ncolour = 1\n', SchemaError, "'tiers.t' has unknown key"),
        ('[roles]\na = "t"\n[tiers.t]\ncustomer = "region"\n', SchemaError, "array of strings"),
        ('[roles]\na = "t"\n[tiers.t]\ncustomer = [1]\n', SchemaError, "'tiers.t.customer'"),
        ('[roles]\na = "t"\n[tiers.t]\ncustomer = ["x"]\n', UnknownNameError, "'x'"),
        (
            '[roles]\na = "t"\n[tiers.t]\nexecutive_contacts = "yes"\n',
            SchemaError,
            "'tiers.t.executive_contacts' must be true or false; got 'yes'",
        ),
        (
            '[roles]\na = "t"\n[tiers.t]\nextends = "u"\n',
            UnknownNameError,
            r"'tiers.t.extends' must name a tier \('t'\); got 'u'",
        ),
        (
            '[roles]\na = "t"\n[tiers.t]\nextends = "u"\n[tiers.u]\nextends = "t"\n',
            SchemaError,
            "'extends' must not loop; got t -> u -> t",
        ),
        ('[roles]\na = "v"\n[tiers.t]\n', UnknownNameError, "got 'v' for role 'a'"),
    ],
)
def test_toml_loader_errors(text: str, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        AccessPolicy.from_toml(text)


def test_toml_loader_errors_are_kamcore_errors() -> None:
    with pytest.raises(KamcoreError):
        AccessPolicy.from_toml("[[[")


def test_toml_from_path_and_path_string(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(GOOD, encoding="utf-8")
    assert AccessPolicy.from_toml(path) == AccessPolicy.from_toml(str(path))
    assert AccessPolicy.from_toml(GOOD) == AccessPolicy.from_toml(path)
    with pytest.raises(InvalidParameterError, match=r"'source' must be TOML text or the path.*"):
        AccessPolicy.from_toml(tmp_path / "missing.toml")
    with pytest.raises(InvalidParameterError, match=r"'source' must be TOML text.*got int 3"):
        AccessPolicy.from_toml(3)  # type: ignore[arg-type]
    with pytest.raises(SchemaError, match=r"must be a table"):
        AccessPolicy.from_dict([])  # type: ignore[arg-type]


def test_extends_adds_to_the_parent_lists() -> None:
    policy = AccessPolicy.from_toml(
        GOOD + '[tiers.more]\nextends = "basic"\ncustomer = ["gross_margin"]\n'
    )
    more = next(t for t in policy.tiers if t.name == "more")
    assert more.customer == {"region", "gross_margin"}


def test_the_docs_example_policy_loads() -> None:
    policy = AccessPolicy.from_toml(ROOT / "docs" / "access_policy.toml")
    assert policy.tier_of("controller").name == "finance"
    finance = POLICY.view(ACME, "executive").subject
    seen = policy.view(ACME, "controller")
    assert seen.subject is not None
    assert finance is not None
    assert seen.subject.net_profit == finance.net_profit
    assert "email" in policy.view(LI, "controller").withheld
    for name in ("basic", "confidential", "restricted"):
        assert (
            next(t for t in policy.tiers if t.name == name).customer
            == next(t for t in POLICY.tiers if t.name == name).customer
        )


def test_the_access_page_example_runs() -> None:
    text = (ROOT / "docs" / "access.md").read_text(encoding="utf-8")
    block = text.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, Any] = {}
    exec(compile(block, "docs/access.md", "exec"), namespace)
    view = namespace["view"]
    assert view.subject.gross_margin is None
    assert sorted(view.withheld) == [
        "cost_to_serve",
        "gross_margin",
        "net_profit",
        "profit_last_year",
    ]


def test_importing_access_loads_no_frame_library_and_no_cattrs() -> None:
    code = (
        "import sys, kamcore.access; "
        "print(sorted(m for m in ('pandas', 'polars', 'pyarrow', 'cattrs', 'matplotlib') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=True,
    ).stdout
    assert out.strip() == "[]"
