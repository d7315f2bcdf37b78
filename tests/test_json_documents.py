"""Stored documents keep loading: the fixture written before the stable names, type names, rubric JSON."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest

from kamcore import Portfolio
from kamcore.access import AccessPolicy, AccessTier
from kamcore.clp import (
    BetaGeo,
    BetaGeoBetaBinom,
    FitReport,
    GammaGamma,
    ModifiedBetaGeo,
    ParetoNBD,
    ShiftedBetaGeometric,
    StageParameters,
    StageProfile,
)
from kamcore.domain import (
    AccountTeam,
    AccountTeamRole,
    BuyingRole,
    ChurnRecord,
    ChurnType,
    CompetitivePosition,
    Complaint,
    ComplaintChannel,
    ComplaintSeverity,
    Contact,
    CreditRecord,
    Customer,
    DeclineCause,
    ExpectationDrivers,
    FunnelStage,
    LifecycleStage,
    Money,
    Opportunity,
    OpportunityAssessment,
    Relationship,
    SatisfactionSummary,
    StageChange,
    StrategicFit,
    SwitchingCost,
    SwitchingCostComponent,
    TeamMember,
    Transaction,
)
from kamcore.errors import InvalidParameterError, SchemaError
from kamcore.io import json as kjson
from kamcore.loyalty import RetentionModel
from kamcore.satisfaction import Instrument, LikertScale, SatisfactionModel, WeightDerivation
from kamcore.scoring import Factor, GradeHistory, GradeScale, Grading, Rubric, ScoreResult
from tests.conftest import DATA

DOCUMENTS = Path(__file__).parent / "data" / "json_documents"


def _fitted() -> BetaGeo:
    d = np.genfromtxt(DATA / "cdnow_customers_summary.csv", delimiter=",", names=True)
    return BetaGeo.fit(frequency=d["frequency"], recency=d["recency"], T=d["T"])


def _without_currencies(rubric: Rubric) -> Rubric:
    return attrs.evolve(rubric, factors=[attrs.evolve(f, currency=None) for f in rubric.factors])


def _expected() -> dict[str, Any]:
    """The object each fixture file represents (file stem -> object)."""
    money = Money.of("1250.50", "EUR")
    setup = SwitchingCostComponent("setup", "process", money=Money.of("10", "EUR"))
    learning = SwitchingCostComponent("learning", "service", strength=0.4, note="training")
    cost = SwitchingCost([setup, learning])
    summary = SatisfactionSummary(
        customer_id="c1",
        as_of=dt.date(2024, 6, 1),
        overall_gap=-0.5,
        weighted_gap=None,
        dimension_gaps={"reliability": -0.5, "empathy": None},
        respondents=2,
    )
    rel = (
        Relationship.start("r1", "c1", account_manager="amy", on=dt.date(2024, 2, 29))
        .move_to(LifecycleStage.FORMATION, on=dt.date(2024, 6, 1))
        .with_switching_cost(cost)
        .with_satisfaction(summary)
    )
    basic = AccessTier(
        "basic",
        customer=["industry", "sales_last_year"],
        contact=["title"],
        relationship=["contacts"],
        columns=["grade"],
    )
    policy = AccessPolicy(
        {"sales": "basic", "boss": "all"},
        [
            basic,
            AccessTier(
                "all",
                customer=["*"],
                contact=["*"],
                relationship=["*"],
                columns=["*"],
                executive_contacts=True,
            ),
        ],
    )
    account = Customer(
        "c1",
        "Acme",
        industry="printing",
        sales_last_year=money,
        gross_margin=Money.of("300", "EUR"),
    )
    return {
        "AccessTier": basic,
        "AccessPolicy": policy,
        "RedactedView": policy.view(account, "sales"),
        "Money": money,
        "Customer": Customer(
            "c1",
            "Acme",
            tags={"b", "a"},
            external_ids={"sap": "9"},
            sales_last_year=money,
            credit_record=CreditRecord.HARD_TO_COLLECT,
        ),
        "Contact": Contact("p1", "Li Wei", "c1", BuyingRole.USER, strength=0.5),
        "StageChange": StageChange(LifecycleStage.DECLINE, dt.date(2020, 1, 1)),
        "Relationship": rel,
        "Transaction": Transaction("c1", dt.date(2020, 1, 1), Money.of("99.95", "EUR")),
        "SwitchingCost": cost,
        "SwitchingCostComponent": learning,
        "SatisfactionSummary": summary,
        "ExpectationDrivers": ExpectationDrivers(
            service_promises="24h response", industry_level="48h"
        ),
        "BetaGeo": BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426),
        "ModifiedBetaGeo": ModifiedBetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426),
        "ParetoNBD": ParetoNBD(r=0.553, alpha=10.578, s=0.606, beta=11.669),
        "BetaGeoBetaBinom": BetaGeoBetaBinom(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783),
        "GammaGamma": GammaGamma(p=6.25, q=3.74, gamma=15.44),
        "ShiftedBetaGeometric": ShiftedBetaGeometric(alpha=0.704, beta=1.182),
        "StageParameters": StageParameters(4.0, 120.5, 0.8),
        "StageProfile": StageProfile(
            StageParameters(1, 10, 0.5),
            StageParameters(2, 20, 0.7),
            StageParameters(5, 50, 0.9),
            StageParameters(2, 5, 0.4),
            redevelopment=0.1,
        ),
        # written before band factors declared a currency: the default rubric of then
        "Rubric": _without_currencies(Rubric.default()).with_grades(
            ("Gold", "Silver", "Bronze"), (3, 2)
        ),
        "Factor": Factor("profit", (3, 2, 1), bands=(100.0, 10.0), column="profit_eur"),
        "GradeScale": GradeScale(("A", "B"), (2.5,)),
        "RetentionModel": RetentionModel(0.4, 0.6, 1.5, -0.2),
        "LikertScale": LikertScale(1, 5),
        "Instrument": Instrument(
            ("q1", "q2"),
            ("reliability", "empathy"),
            dimensions=("reliability", "empathy"),
            reverse_scored={"q2"},
        ),
        "SatisfactionModel": SatisfactionModel({"reliability": 0.6, "empathy": 0.4}),
        "SatisfactionModel_equal": SatisfactionModel(),
        "WeightDerivation": WeightDerivation("regression", (0.2, 0.8), 0.65, 40),
        "ChurnRecord": ChurnRecord(
            dt.date(2024, 5, 2),
            churn_type=ChurnType.COMPETITIVE,
            causes={DeclineCause.PRICE_AND_TERMS, DeclineCause.COMPETITOR_OFFER},
            note="lost the tender",
        ),
        "Complaint": Complaint(
            "c1",
            dt.date(2025, 1, 6),
            ComplaintChannel.PHONE,
            "delivery",
            ComplaintSeverity.HIGH,
            resolved_on=dt.date(2025, 1, 9),
            recovery_action="express replacement",
        ),
        "TeamMember": TeamMember("bo", AccountTeamRole.TECHNICAL),
        "AccountTeam": AccountTeam(
            "amy",
            [
                TeamMember("ceo", AccountTeamRole.EXECUTIVE_SPONSOR),
                TeamMember("bo", AccountTeamRole.TECHNICAL),
            ],
        ),
        "OpportunityAssessment": OpportunityAssessment(
            need=True,
            budget=True,
            schedule=False,
            competitive_position=CompetitivePosition.FAVOURED,
            strategic_fit=StrategicFit.CONSISTENT,
        ),
        "Opportunity": Opportunity(
            "o1",
            "c1",
            FunnelStage.LOST,
            Money.of("50000", "EUR"),
            0.0,
            expected_close=dt.date(2025, 3, 31),
            closed_on=dt.date(2025, 3, 1),
            lost_from=FunnelStage.OPPORTUNITY,
            reason="price",
            assessment=OpportunityAssessment(need=True, budget=False),
        ),
    }


EXPECTED = _expected()
NEW_TYPES = {ScoreResult, Grading, GradeHistory, Portfolio, kjson.Collection}
ENVELOPED = sorted(p.stem for p in DOCUMENTS.glob("*.json") if p.stem != "Rubric_plain_shape")


def _read(stem: str) -> str:
    return (DOCUMENTS / f"{stem}.json").read_text(encoding="utf-8")


def test_the_fixture_covers_every_registered_type() -> None:
    stored = {json.loads(_read(stem))["type"] for stem in ENVELOPED}
    stored_classes = {kjson.loads(_read(stem)).__class__ for stem in ENVELOPED}
    # types registered after schema_version 1 have no such fixture; their round
    # trips are tested in tests/test_json_results.py
    assert stored_classes == set(kjson.registered_types().values()) - _test_only() - NEW_TYPES
    assert all(json.loads(_read(stem))["schema_version"] == 1 for stem in ENVELOPED)
    assert "kamcore.clp.btyd.betageo.BetaGeo" in stored  # the module-path names of version 1


def _test_only() -> set[type[Any]]:
    # other test modules may register their own classes in the same process
    return {cls for cls in kjson.registered_types().values() if cls.__module__.startswith("tests")}


#: Optional fields (with defaults) added to a type after its fixture was written.
ADDED_OPTIONAL_FIELDS: dict[str, dict[str, Any]] = {
    "Customer": {
        "account_type": None,
        "gross_margin": None,
        "net_profit": None,
        "cost_to_serve": None,
    },
    "Contact": {"influence": None},
    "Relationship": {"churn_records": [], "team": None},
}


@pytest.mark.parametrize("stem", sorted(set(ENVELOPED) - {"BetaGeo_fitted", "FitReport"}))
def test_stored_documents_load_with_and_without_the_class(stem: str) -> None:
    text = _read(stem)
    expected = EXPECTED[stem]
    assert kjson.loads(text, type(expected)) == expected
    back = kjson.loads(text)
    assert type(back) is type(expected)
    assert back == expected
    rewritten = json.loads(kjson.dumps(back))
    assert rewritten["schema_version"] == kjson.SCHEMA_VERSION
    # same data layout, new envelope; optional fields added since the fixture was
    # written appear with their defaults
    assert rewritten["data"] == {**json.loads(text)["data"], **ADDED_OPTIONAL_FIELDS.get(stem, {})}


def _same_report(got: FitReport, want: FitReport) -> None:
    assert got.log_likelihood == pytest.approx(want.log_likelihood, rel=1e-9)
    assert dict(got.standard_errors) == pytest.approx(dict(want.standard_errors), rel=1e-6)
    assert got.converged is want.converged is True
    assert (got.n, got.n_rows, got.method) == (
        want.n,
        want.n_rows,
        want.method,
    )


@pytest.mark.slow
def test_a_stored_fitted_model_loads_with_its_fit_report() -> None:
    fitted = _fitted()
    for back in (
        kjson.loads(_read("BetaGeo_fitted"), BetaGeo),
        kjson.loads(_read("BetaGeo_fitted")),
    ):
        assert isinstance(back, BetaGeo)
        assert back.params == pytest.approx(fitted.params, rel=1e-9)
        assert back.fit_report is not None
        assert fitted.fit_report is not None
        _same_report(back.fit_report, fitted.fit_report)
        assert back.fit_report.log_likelihood == pytest.approx(-9582.4, abs=0.05)
    report = kjson.loads(_read("FitReport"))
    assert isinstance(report, FitReport)
    assert fitted.fit_report is not None
    _same_report(report, fitted.fit_report)
    assert report == kjson.loads(_read("BetaGeo_fitted"), BetaGeo).fit_report


# ------------------------------------------------------------------ the names
_MODULE_PATH = re.compile(r"[A-Za-z_]\w*\.[A-Za-z_]\w*")


def test_type_names_are_short_and_never_module_paths() -> None:
    for entry in kjson.JSON_TYPES:
        assert "kamcore." not in entry.name.lower()
        assert not _MODULE_PATH.search(entry.name), entry.name
        assert entry.name != entry.cls.__module__
        assert entry.name == entry.cls.__name__  # kamcore's own: the class name
        assert entry.version >= 1
    for name, cls in kjson.registered_types().items():
        assert "." not in name, (name, cls)
        assert "kamcore" not in name.lower(), (name, cls)
    names = [e.name for e in kjson.JSON_TYPES]
    aliases = [a for e in kjson.JSON_TYPES for a in e.aliases]
    assert len(set(names)) == len(names)
    assert len(set(aliases)) == len(aliases)
    assert not set(names) & set(aliases)


def test_new_documents_use_the_short_names() -> None:
    for stem in ENVELOPED:
        obj = kjson.loads(_read(stem))
        doc = json.loads(kjson.dumps(obj))
        assert doc["type"] == type(obj).__name__
        # the fitted models and FitReport moved to version 2 (the fit report's layout)
        bumped = stem in {"BetaGeo_fitted", "FitReport"} or hasattr(obj, "fit_report")
        assert doc["type_version"] == (
            2 if bumped and type(obj).__name__ != "RetentionModel" else 1
        )


def test_an_alias_must_name_the_requested_class() -> None:
    text = _read("BetaGeo")
    with pytest.raises(SchemaError, match=r"'type' must be 'ParetoNBD'.*kamcore\.clp\.btyd"):
        kjson.loads(text, ParetoNBD)


def test_unregistered_classes_are_refused_by_name() -> None:
    @attrs.frozen
    class Loose:
        x: int

    with pytest.raises(InvalidParameterError, match=r"registered JSON type.*Loose"):
        kjson.dumps(Loose(1))


# ------------------------------------------------------------------ rubrics: one JSON shape
def test_rubric_round_trips_through_the_one_converter(tmp_path: Path) -> None:
    r = Rubric.default().with_weights([1.0 + i for i in range(13)], normalize=True)
    r = r.with_columns({"loyalty": "loyalty_code"}).with_grades(
        ("Gold", "Silver", "Bronze"), (3, 2)
    )
    assert kjson.loads(kjson.dumps(r), Rubric) == r
    path = tmp_path / "r.json"
    path.write_text(kjson.dumps(r, indent=2), encoding="utf-8")
    assert kjson.loads(path.read_text(encoding="utf-8")) == r
    with pytest.raises(SchemaError, match="valid"):
        kjson.loads("{not json", Rubric)


def test_rubric_document_layout() -> None:
    doc = json.loads(kjson.dumps(Rubric.default()))
    assert (doc["type"], doc["type_version"]) == ("Rubric", 1)
    assert doc["data"]["factors"][0] == {
        "name": "profit_last_year",
        "points": [4.0, 3.0, 2.0, 1.0],
        "bands": [300000.0, 100000.0, 30000.0],
        "column": "profit_last_year",
        "currency": "CNY",
    }
    assert doc["data"]["weights"][0] == 1 / 13
    assert "edges" not in doc["data"]  # written only when not the default "lower"


def test_the_older_plain_rubric_shape_still_loads() -> None:
    text = _read("Rubric_plain_shape")
    assert kjson.loads(text, Rubric) == EXPECTED["Rubric"]
    with pytest.raises(SchemaError, match="missing \\['schema_version'\\]"):
        kjson.loads(text)  # without the class there is no envelope to go by
    with pytest.raises(SchemaError, match=r"invalid Rubric document \(its older form.*colour"):
        kjson.loads('{"colour": "red", "factors": []}', Rubric)
    with pytest.raises(SchemaError, match=r"invalid Rubric document .*'weights' must sum to 1"):
        kjson.loads('{"factors": [{"name": "a", "points": [1, 0], "weight": 0.4}]}', Rubric)
