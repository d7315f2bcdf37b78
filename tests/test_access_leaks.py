"""No withheld value reaches any output of a view or a redacted portfolio (property tests).

Every restricted field is stamped with a value whose text cannot occur by
chance (a 15-digit amount, an e-mail at a numbered domain ...). For each role
the test searches every output -- the JSON document, ``repr``, the notebook
HTML, the DataFrame's cells -- for the text forms of the values that role may
not see, and also checks that the values it may see are found there (so the
search itself can find what it looks for; the JSON form of each is the first).
"""

from __future__ import annotations

import datetime as dt
import pickle
from decimal import Decimal
from typing import Any

import attrs
import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from kamcore import Portfolio
from kamcore.access import AccessPolicy
from kamcore.domain import (
    Contact,
    Customer,
    Money,
    Relationship,
    Seniority,
    SwitchingCost,
    SwitchingCostComponent,
)
from kamcore.io import frames
from kamcore.io import json as kjson
from kamcore.testing import strategies as ks

POLICY = AccessPolicy.default()
ROLES = st.sampled_from(POLICY.role_names)
STAMPS = st.integers(10**6, 10**8 - 1)
CUSTOMER_SECRETS = ("profit_last_year", "gross_margin", "net_profit", "cost_to_serve")


def _amount(n: int, k: int) -> Decimal:
    # 7-8 integer digits and 6 decimals: at most 15 significant digits, so the
    # float column prints the same digits as the Decimal (no trailing zero)
    return Decimal(f"{n + k}.{(n * 7 + k) % 90_000 + 10_000}7")


def stamp_customer(c: Customer, n: int) -> tuple[Customer, dict[str, list[str]]]:
    values = {name: Money(_amount(n, k), "EUR") for k, name in enumerate(CUSTOMER_SECRETS)}
    forms = {name: [str(m.amount)] for name, m in values.items()}
    return attrs.evolve(c, **values), forms


def stamp_contact(
    c: Contact, n: int, i: int, *, executive: bool
) -> tuple[Contact, dict[str, list[str]]]:
    birthday = dt.date(1900 + n % 50, 1 + n % 12, 1 + n % 28)
    changes: dict[str, Any] = {
        "email": f"p{n}x{i}@hidden{n}.example",
        "phone": f"+86{n}{i:03d}",
        "birthday": birthday,
        "interests": frozenset({f"hobby{n}x{i}"}),
    }
    if executive:
        changes.update(id=f"exec{n}x{i}", name=f"Executive {n}x{i}", seniority=Seniority.EXECUTIVE)
    elif c.seniority is Seniority.EXECUTIVE:
        changes["seniority"] = None
    forms = {
        "email": [changes["email"]],
        "phone": [changes["phone"]],
        "birthday": [birthday.isoformat(), repr(birthday)],
        "interests": [f"hobby{n}x{i}"],
    }
    if executive:
        forms["id"] = [changes["id"]]
        forms["name"] = [changes["name"]]
    return attrs.evolve(c, **changes), forms


def outputs(view: Any) -> str:
    parts = [kjson.dumps(view), repr(view), view._repr_html_()]
    if view.subject is not None:
        parts.extend([kjson.dumps(view.subject), repr(view.subject)])
    return "\n".join(parts)


def assert_round_trips(view: Any) -> None:
    for back in (kjson.loads(kjson.dumps(view)), pickle.loads(pickle.dumps(view))):
        assert back == view
        # entities compare by id: compare every field of the subject too
        if view.subject is not None:
            assert attrs.asdict(back.subject) == attrs.asdict(view.subject)


def assert_hidden(text: str, secrets: list[str]) -> None:
    leaked = [s for s in secrets if s in text]
    assert not leaked, f"withheld values in the output: {leaked}"


def assert_shown(text: str, values: list[str]) -> None:
    missing = [s for s in values if s not in text]
    assert not missing, f"visible values missing from the output: {missing}"


@given(customer=ks.customers(currency="EUR"), n=STAMPS, role=ROLES)
def test_customer_views_show_no_withheld_value(customer: Customer, n: int, role: str) -> None:
    customer, forms = stamp_customer(customer, n)
    view = POLICY.view(customer, role)
    withheld = POLICY.tier_of(role).withheld("customer")
    assert view.withheld == withheld
    assert_round_trips(view)
    text = outputs(view)
    assert_hidden(text, [f for name in withheld & forms.keys() for f in forms[name]])
    assert_shown(kjson.dumps(view), [f for name in forms.keys() - withheld for f in forms[name]])
    for name in withheld:  # absent, not masked
        assert getattr(view.subject, name) in (None, frozenset(), {})


@given(contact=ks.contacts(customer_id="c1"), n=STAMPS, executive=st.booleans(), role=ROLES)
def test_contact_views_show_no_withheld_value(
    contact: Contact, n: int, executive: bool, role: str
) -> None:
    contact, forms = stamp_contact(contact, n, 0, executive=executive)
    view = POLICY.view(contact, role)
    tier = POLICY.tier_of(role)
    hidden_whole = executive and not tier.executive_contacts
    withheld = set(forms) if hidden_whole else set(tier.withheld("contact"))
    assert (view.subject is None) is hidden_whole
    assert_round_trips(view)
    text = outputs(view)
    assert_hidden(text, [f for name in withheld & forms.keys() for f in forms[name]])
    if not hidden_whole:
        assert_shown(kjson.dumps(view), [forms[name][0] for name in forms.keys() - withheld])


@st.composite
def stamped_relationships(draw: st.DrawFn) -> tuple[Relationship, int, list[bool]]:
    rel = draw(ks.relationships(customer_id="c1", max_contacts=4))
    n = draw(STAMPS)
    execs = [draw(st.booleans()) for _ in rel.contacts]
    people = [
        stamp_contact(c, n, i, executive=e)[0]
        for i, (c, e) in enumerate(zip(rel.contacts, execs, strict=True))
    ]
    cost = SwitchingCost(
        [
            SwitchingCostComponent(
                "setup", "process", money=Money(_amount(n, 9), "EUR"), note=f"secret{n}"
            )
        ]
    )
    return attrs.evolve(rel, contacts=tuple(people), switching_cost=cost), n, execs


@given(case=stamped_relationships(), role=ROLES)
def test_relationship_views_show_no_withheld_value(
    case: tuple[Relationship, int, list[bool]], role: str
) -> None:
    rel, n, execs = case
    tier = POLICY.tier_of(role)
    view = POLICY.view(rel, role)
    assert_round_trips(view)
    text = outputs(view)
    secrets: list[str] = []
    shown: list[str] = []
    for i, executive in enumerate(execs):
        _, forms = stamp_contact(rel.contacts[i], n, i, executive=executive)
        if executive and not tier.executive_contacts:
            secrets.extend(f for fs in forms.values() for f in fs)
            continue
        for name, fs in forms.items():
            if name in tier.withheld("contact"):
                secrets.extend(fs)
            else:
                shown.append(fs[0])  # the JSON form
    cost_forms = [f"secret{n}", str(_amount(n, 9))]
    (secrets if "switching_cost" in tier.withheld("relationship") else shown).extend(cost_forms)
    assert_hidden(text, secrets)
    assert_shown(kjson.dumps(view), shown)
    assert view.subject is not None
    assert {c.id for c in view.subject.contacts} == {
        c.id for c, e in zip(rel.contacts, execs, strict=True) if tier.executive_contacts or not e
    }


unique_customers = st.lists(
    ks.customers(currency="EUR"), min_size=1, max_size=8, unique_by=lambda c: c.id
).filter(lambda cs: not any(c.name.endswith("\x00") for c in cs))


@given(customers=unique_customers, n=STAMPS, role=ROLES)
def test_redacted_portfolios_show_no_withheld_value(
    customers: list[Customer], n: int, role: str
) -> None:
    stamped = []
    forms: dict[str, list[str]] = {}
    for i, c in enumerate(customers):
        s, f = stamp_customer(c, n + 10 * i)
        stamped.append(s)
        for name, values in f.items():
            forms.setdefault(name, []).extend(values)
    # negative: no stamped (positive) amount has this text inside it
    extra = np.array([float(f"-{n + i}.25") for i in range(len(stamped))])
    grades = np.array(["A"] * len(stamped))
    portfolio = Portfolio.from_customers(stamped).with_columns(
        {"internal_score": extra, "grade": grades}
    )
    forms["internal_score"] = [repr(float(v)) for v in extra]
    tier = POLICY.tier_of(role)
    redacted = POLICY.redact(portfolio, role)
    assert set(redacted.column_names) == {c for c in portfolio.column_names if tier.shows_column(c)}
    assert "grade" in redacted
    assert np.array_equal(redacted.ids, portfolio.ids)
    frame = frames.to_frame(redacted, "pandas")
    cells = " ".join(str(v) for v in frame.to_numpy(dtype=object).ravel())
    text = "\n".join([cells, repr(redacted), redacted._repr_html_(max_rows=len(redacted))])
    hidden = [c for c in forms if c not in redacted]
    assert_hidden(text, [f for c in hidden for f in forms[c]])
    assert_shown(cells, [f for c in forms if c in redacted for f in forms[c]])
    assert not set(hidden) & set(frame.columns)
