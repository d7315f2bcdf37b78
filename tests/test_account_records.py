"""Account records in the domain: churn records and win-back, team, funnel deals, complaints."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamcore.domain import (
    MANAGEMENT_FOCUS,
    RETENTION_PLANS,
    TERMINAL_STAGES,
    TRANSITIONS,
    WIN_BACK,
    AccountTeam,
    AccountTeamRole,
    AccountType,
    BuyingRole,
    ChurnRecord,
    ChurnType,
    CompetitivePosition,
    Complaint,
    ComplaintChannel,
    ComplaintSeverity,
    Contact,
    Customer,
    DeclineCause,
    FunnelStage,
    Influence,
    LifecycleStage,
    Money,
    Opportunity,
    OpportunityAssessment,
    Relationship,
    RetentionEffort,
    StrategicFit,
    TeamMember,
    extend_mapping,
    legal_moves,
    retention_plan,
)
from kamcore.errors import (
    InvalidParameterError,
    InvalidTransitionError,
    KamcoreError,
    UnknownNameError,
)
from kamcore.testing.strategies import opportunities, relationships

S = LifecycleStage
D = dt.date


def _rel() -> Relationship:
    return Relationship.start("r1", "c1", account_manager="amy", on=D(2022, 1, 3))


# ------------------------------------------------------------------ churn records
def test_churn_type_and_cause_vocabularies() -> None:
    assert [t.value for t in ChurnType] == ["natural", "malicious", "competitive", "negligent"]
    assert len(DeclineCause) == 7
    assert ChurnRecord(D(2024, 1, 1), churn_type=ChurnType.NEGLIGENT).is_our_fault
    assert not ChurnRecord(D(2024, 1, 1), churn_type=ChurnType.NATURAL).is_our_fault


def test_churn_record_freezes_causes_and_needs_content() -> None:
    r = ChurnRecord(D(2024, 1, 1), causes=[DeclineCause.PEOPLE_CHANGE, DeclineCause.PEOPLE_CHANGE])
    assert r.causes == frozenset({DeclineCause.PEOPLE_CHANGE})
    assert ChurnRecord(D(2024, 1, 1), causes=DeclineCause.PRICE_AND_TERMS).causes == {
        DeclineCause.PRICE_AND_TERMS
    }
    with pytest.raises(InvalidParameterError, match="'churn_type' or at least one of 'causes'"):
        ChurnRecord(D(2024, 1, 1))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"on": "2024/01/01"}, r"'on' must be a datetime.date .*got '2024/01/01'"),
        ({"churn_type": 1.5}, r"'churn_type' must be a ChurnType member .*got 1.5"),
        ({"causes": ["price"]}, r"'causes' must contain only DeclineCause members .*got 'price'"),
        ({"causes": "price"}, r"'causes' must be a set of DeclineCause members; got 'price'"),
        ({"note": " x"}, r"'note' must be a non-empty string .*got ' x'"),
    ],
)
def test_churn_record_bad_input_names_field_rule_value(
    kwargs: dict[str, object], match: str
) -> None:
    base: dict[str, object] = {"on": D(2024, 1, 1), "churn_type": ChurnType.NATURAL}
    base.update(kwargs)
    on = base.pop("on")
    with pytest.raises(InvalidParameterError, match=match):
        ChurnRecord(on, **base)  # type: ignore[arg-type]


def test_move_to_carries_a_dated_churn_record() -> None:
    why = ChurnRecord(D(2024, 3, 1), causes={DeclineCause.COMPETITOR_OFFER})
    end = ChurnRecord(D(2024, 9, 1), churn_type=ChurnType.COMPETITIVE)
    r = _rel().move_to(S.DECLINE, on=D(2024, 3, 1), churn=why)
    r = r.move_to(S.ENDED, on=D(2024, 9, 1), churn=end)
    assert r.churn_records == (why, end)
    assert r.last_churn is end
    assert [c.stage for c in r.history] == [S.EXPLORATION, S.DECLINE, S.ENDED]


def test_churn_record_must_match_a_decline_or_end() -> None:
    with pytest.raises(InvalidParameterError, match="only be recorded with a move to DECLINE"):
        _rel().move_to(
            S.FORMATION,
            on=D(2023, 1, 1),
            churn=ChurnRecord(D(2023, 1, 1), churn_type=ChurnType.NATURAL),
        )
    with pytest.raises(InvalidParameterError, match="dated the day of the move"):
        _rel().move_to(
            S.ENDED,
            on=D(2023, 1, 1),
            churn=ChurnRecord(D(2023, 1, 2), churn_type=ChurnType.NATURAL),
        )
    with pytest.raises(InvalidParameterError, match=r"explain a move to DECLINE or ENDED .*2020"):
        _rel().record_churn(ChurnRecord(D(2020, 1, 1), churn_type=ChurnType.NATURAL))
    with pytest.raises(
        InvalidParameterError, match="'churn_records' must contain only ChurnRecord"
    ):
        Relationship("r", "c", _rel().type, "amy", _rel().history, churn_records=["x"])  # type: ignore[list-item]


def test_ended_is_terminal_and_win_back_is_explicit() -> None:
    assert S.ENDED in TERMINAL_STAGES
    assert WIN_BACK == (S.ENDED, S.FORMATION)
    assert not legal_moves(S.ENDED)
    ended = _rel().move_to(
        S.ENDED, on=D(2023, 5, 1), churn=ChurnRecord(D(2023, 5, 1), churn_type=ChurnType.NEGLIGENT)
    )
    with pytest.raises(InvalidTransitionError, match=r"win_back"):
        ended.move_to(S.FORMATION, on=D(2024, 1, 1))
    back = ended.win_back(on=D(2024, 9, 1))
    assert back.stage is S.FORMATION
    assert back.is_active
    assert back.win_backs == (D(2024, 9, 1),)
    assert back.churn_records == ended.churn_records  # the dated end stays on record
    assert back.stage_on(D(2023, 12, 31)) is S.ENDED
    with pytest.raises(InvalidTransitionError, match="only an ENDED relationship"):
        back.win_back(on=D(2025, 1, 1))
    with pytest.raises(InvalidTransitionError, match="earlier date"):
        ended.win_back(on=D(2020, 1, 1))
    # a stored history with a win-back reads back as valid
    again = Relationship(back.id, back.customer_id, back.type, "amy", back.history)
    assert again.win_backs == (D(2024, 9, 1),)
    # and it may end and be won back again
    twice = back.move_to(S.ENDED, on=D(2025, 1, 1)).win_back(on=D(2026, 1, 1))
    assert len(twice.win_backs) == 2


def test_ended_focus_points_at_the_records() -> None:
    text = MANAGEMENT_FOCUS[S.ENDED]
    for word in ("ChurnRecord", "retention_plan", "win_back", "churn type", "decline causes"):
        assert word in text


@given(relationships())
def test_generated_relationships_keep_their_rules(r: Relationship) -> None:
    days = {c.on for c in r.history if c.stage in (S.DECLINE, S.ENDED)}
    assert all(rec.on in days for rec in r.churn_records)
    if r.team is not None:
        assert r.team.owner == r.account_manager
    for prev, cur in zip(r.history, r.history[1:], strict=False):
        assert cur.stage in TRANSITIONS[prev.stage] or (prev.stage, cur.stage) == WIN_BACK


# ------------------------------------------------------------------ retention plans
def test_retention_plans_by_grade() -> None:
    assert [retention_plan(g) for g in "ABCD"] == list(RetentionEffort)
    mine = extend_mapping(RETENTION_PLANS, {"D": RetentionEffort.STANDARD}, replace=True)
    assert retention_plan("D", mine) is RetentionEffort.STANDARD
    assert RETENTION_PLANS["D"] is RetentionEffort.LET_GO  # the default is untouched
    with pytest.raises(
        UnknownNameError, match=r"'grade' must be one of 'A', 'B', 'C', 'D'; got 'E'"
    ):
        retention_plan("E")
    with pytest.raises(InvalidParameterError, match="'plans' must map grades to RetentionEffort"):
        retention_plan("A", {"A": "all out"})  # type: ignore[dict-item]


# ------------------------------------------------------------------ team
def test_account_team_and_the_account_manager_rule() -> None:
    team = AccountTeam("amy", [TeamMember("bo", AccountTeamRole.TECHNICAL)])
    r = Relationship.start("r1", "c1", account_manager="amy", on=D(2024, 1, 1))
    r = attrs_evolve_team(r, team)
    assert r.team == team
    with pytest.raises(InvalidParameterError, match="'team' must be owned by the account manager"):
        Relationship(r.id, r.customer_id, r.type, "zoe", r.history, team=team)
    handed = r.with_team(team.with_owner("zoe"))
    assert handed.account_manager == "zoe"
    assert handed.team is not None
    moved = r.with_account_manager("kim")
    assert moved.account_manager == moved.team.owner == "kim"  # type: ignore[union-attr]
    assert r.with_team(None).team is None
    assert r.with_team(None).account_manager == "amy"
    with pytest.raises(InvalidParameterError, match="'team' must be an AccountTeam or None"):
        r.with_team("amy")  # type: ignore[arg-type]


def attrs_evolve_team(r: Relationship, team: AccountTeam) -> Relationship:
    return Relationship(r.id, r.customer_id, r.type, r.account_manager, r.history, team=team)


def test_account_team_rules() -> None:
    team = AccountTeam("amy", [TeamMember("bo", AccountTeamRole.SALES)])
    assert team.roles_covered == {AccountTeamRole.ACCOUNT_MANAGER, AccountTeamRole.SALES}
    assert team.members_in(AccountTeamRole.ACCOUNT_MANAGER) == (
        TeamMember("amy", AccountTeamRole.ACCOUNT_MANAGER),
    )
    both = team.with_member(TeamMember("bo", AccountTeamRole.SERVICE))
    assert both.people == {"amy", "bo"}
    with pytest.raises(InvalidParameterError, match="'members' must not repeat a person"):
        team.with_member(TeamMember("bo", AccountTeamRole.SALES))
    with pytest.raises(InvalidParameterError, match="'members' must not hold ACCOUNT_MANAGER"):
        team.with_member(TeamMember("cy", AccountTeamRole.ACCOUNT_MANAGER))
    with pytest.raises(InvalidParameterError, match=r"'owner' must be a non-empty string .*got ''"):
        AccountTeam("")
    with pytest.raises(InvalidParameterError, match=r"'role' must be a AccountTeamRole member"):
        TeamMember("bo", 2.5)  # type: ignore[arg-type]
    assert TeamMember("bo", "Sales").role is AccountTeamRole.SALES
    with pytest.raises(InvalidParameterError, match="'members' must contain only TeamMember"):
        AccountTeam("amy", ["bo"])  # type: ignore[list-item]


def test_customer_account_type_and_contact_influence() -> None:
    assert Customer("c1", "Acme").account_type is None
    assert Customer("c1", "Acme", account_type=AccountType.RESELLER).account_type is (
        AccountType.RESELLER
    )
    with pytest.raises(InvalidParameterError, match=r"'account_type' must be a AccountType member"):
        Customer("c1", "Acme", account_type=3.5)  # type: ignore[arg-type]
    # CRM spellings are accepted: the member's name or value, any case
    assert Customer("c1", "Acme", account_type="Reseller").account_type is AccountType.RESELLER
    c = Contact("p1", "Li", "c1", BuyingRole.DECISION_MAKER, influence=Influence.HIGH)
    assert c.influence is Influence.HIGH
    with pytest.raises(InvalidParameterError, match=r"'influence' must be a Influence member"):
        Contact("p1", "Li", "c1", BuyingRole.USER, influence=3.5)  # type: ignore[arg-type]
    assert Contact("p1", "Li", "c1", "user", influence="high").influence is Influence.HIGH


# ------------------------------------------------------------------ funnel
def _deal(**kw: object) -> Opportunity:
    args: dict[str, object] = {
        "id": "o1",
        "customer_id": "c1",
        "stage": FunnelStage.LEAD,
        "amount": Money.of("1000", "EUR"),
        "probability": 0.1,
    }
    args.update(kw)
    return Opportunity(**args)  # type: ignore[arg-type]


def test_opportunity_moves_through_the_funnel() -> None:
    o = _deal()
    assert o.is_open
    assert o.weighted_amount == Money.of("100.0", "EUR")
    o = o.advance(FunnelStage.PROSPECT, probability=0.3).advance(FunnelStage.OPPORTUNITY)
    assert (o.stage, o.probability) == (FunnelStage.OPPORTUNITY, 0.3)
    won = o.win(on=D(2025, 2, 1), reason="best service")
    assert (won.stage, won.probability, won.closed_on) == (FunnelStage.WON, 1.0, D(2025, 2, 1))
    with pytest.raises(InvalidTransitionError, match="already WON"):
        won.lose(on=D(2025, 3, 1))
    with pytest.raises(InvalidTransitionError, match="cannot go from OPPORTUNITY to LEAD"):
        o.advance(FunnelStage.LEAD)
    with pytest.raises(InvalidTransitionError, match="cannot go from LEAD to WON"):
        _deal().advance(FunnelStage.WON)
    lost = _deal().lose(on=D(2025, 1, 1), reason="no budget")
    assert lost.lost_from is FunnelStage.LEAD
    assert lost.probability == 0.0
    assert lost == _deal(stage=FunnelStage.PROSPECT)  # entity: same id


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"id": ""}, r"'id' must be a non-empty string"),
        ({"stage": 2.5}, r"'stage' must be a FunnelStage member .*got 2.5"),
        ({"amount": Money.of("-1", "EUR")}, r"'amount' must be a Money amount >= 0; got Money"),
        ({"amount": 5}, r"'amount' must be a Money amount >= 0; got 5"),
        ({"probability": 1.5}, r"'probability' must be a real number in \[0, 1\]; got 1.5"),
        (
            {"probability": float("nan")},
            r"'probability' must be a real number in \[0, 1\]; got nan",
        ),
        ({"stage": FunnelStage.WON, "probability": 0.9}, r"'probability' must be 1 for a WON"),
        ({"closed_on": D(2025, 1, 1)}, r"'closed_on' must be None while the deal is open"),
        ({"reason": "price"}, r"'reason' must be None while the deal is open"),
        (
            {"stage": FunnelStage.WON, "probability": 1.0},
            r"'closed_on' must be the closing date of a WON deal; got None",
        ),
        (
            {"stage": FunnelStage.LOST, "probability": 0.0, "closed_on": D(2025, 1, 1)},
            r"'lost_from' must be the open stage a LOST deal was lost from .*got None",
        ),
        ({"lost_from": FunnelStage.LEAD}, r"'lost_from' must be None unless the deal is LOST"),
        ({"assessment": {"need": True}}, r"'assessment' must be an OpportunityAssessment or None"),
    ],
)
def test_opportunity_bad_input(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        _deal(**kwargs)


def test_opportunity_assessment() -> None:
    a = OpportunityAssessment(
        need=True,
        schedule=True,
        budget=True,
        competitive_position=CompetitivePosition.EVEN,
        decision_process=False,
        strategic_fit=StrategicFit.SUPPORTS_GROWTH,
    )
    assert a.is_prospect
    assert a.assessed == 6
    assert a.confirmed == 4
    assert not OpportunityAssessment(need=True).is_prospect
    assert OpportunityAssessment().assessed == 0
    with pytest.raises(
        InvalidParameterError, match=r"'budget' must be True, False or None .*got 1"
    ):
        OpportunityAssessment(budget=1)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match=r"'strategic_fit' must be a StrategicFit"):
        OpportunityAssessment(strategic_fit=1.5)  # type: ignore[arg-type]


@given(opportunities())
def test_generated_opportunities_are_consistent(o: Opportunity) -> None:
    assert o.is_open == (o.closed_on is None)
    assert (o.stage is FunnelStage.LOST) == (o.lost_from is not None)
    assert Decimal(0) <= o.weighted_amount.amount <= o.amount.amount


# ------------------------------------------------------------------ complaints
def test_complaint_record() -> None:
    c = Complaint("c1", D(2025, 1, 6), ComplaintChannel.EMAIL, "invoice", ComplaintSeverity.LOW)
    assert not c.is_resolved
    assert c.days_to_resolve is None
    done = c.resolve(on=D(2025, 1, 16), recovery_action="credit note")
    assert done.days_to_resolve == 10
    assert done.recovery_action == "credit note"
    with pytest.raises(
        InvalidParameterError, match=r"'resolved_on' must be on or after .*2025-01-06"
    ):
        c.resolve(on=D(2025, 1, 1))
    with pytest.raises(InvalidParameterError, match=r"'channel' must be a ComplaintChannel member"):
        Complaint("c1", D(2025, 1, 6), 2.5, "x", ComplaintSeverity.LOW)  # type: ignore[arg-type]
    assert Complaint("c1", "2025-01-06", "email", "x", "low").channel is ComplaintChannel.EMAIL
    with pytest.raises(InvalidParameterError, match=r"'topic' must be a non-empty string"):
        Complaint("c1", D(2025, 1, 6), ComplaintChannel.WEB, "", ComplaintSeverity.LOW)
    with pytest.raises(KamcoreError, match=r"'severity' must be a ComplaintSeverity member"):
        Complaint("c1", D(2025, 1, 6), ComplaintChannel.WEB, "x", 2.5)  # type: ignore[arg-type]


@given(st.integers(0, 1000))
def test_days_to_resolve_is_the_date_difference(days: int) -> None:
    start = D(2024, 2, 28)
    c = Complaint(
        "c",
        start,
        ComplaintChannel.VISIT,
        "x",
        ComplaintSeverity.CRITICAL,
        resolved_on=start + dt.timedelta(days=days),
    )
    assert c.days_to_resolve == days


def test_relationship_starts_with_a_team() -> None:
    team = AccountTeam("amy", [TeamMember("bo", AccountTeamRole.SALES)])
    r = Relationship.start("r1", "c1", account_manager="amy", on=D(2024, 1, 2), team=team)
    assert r.team == team
    assert r.account_manager == "amy"
    with pytest.raises(InvalidParameterError, match="'team' must be owned by the account manager"):
        Relationship.start(
            "r1", "c1", account_manager="amy", on=D(2024, 1, 2), team=AccountTeam("zed")
        )
