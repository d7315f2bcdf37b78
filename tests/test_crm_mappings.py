"""CRM vocabulary tables: total over their source vocabularies, round trips, extension."""

from __future__ import annotations

import pickle

import pytest

from kamcore.domain import (
    BUYING_ROLE_TO_DYNAMICS,
    BUYING_ROLE_TO_SALESFORCE,
    DYNAMICS_STAKEHOLDER_ROLES,
    HUBSPOT_FUNNEL_STAGES,
    HUBSPOT_KAM_START,
    SALESFORCE_CONTACT_ROLES,
    SALESFORCE_TEAM_ROLES,
    AccountTeamRole,
    BuyingRole,
    FunnelStage,
    LifecycleStage,
    extend_mapping,
    translate,
)
from kamcore.errors import InvalidParameterError, UnknownNameError

# The CRMs' own vocabularies, written out independently of the tables.
SALESFORCE_ROLES = (
    "Decision Maker",
    "Economic Buyer",
    "Economic Decision Maker",
    "Technical Buyer",
    "Evaluator",
    "Influencer",
    "Business User",
    "Executive Sponsor",
    "Other",
)
DYNAMICS_ROLES = ("decision maker", "influencer", "blocker")
SALESFORCE_TEAM = (
    "Account Manager",
    "Channel Manager",
    "Executive Sponsor",
    "Lead Qualifier",
    "Pre-Sales Consultant",
    "Sales Manager",
    "Sales Rep",
    "Technical Sales",
)
HUBSPOT_STAGES = (
    "subscriber",
    "lead",
    "marketingqualifiedlead",
    "salesqualifiedlead",
    "opportunity",
    "customer",
    "evangelist",
    "other",
)


@pytest.mark.parametrize(
    ("table", "vocabulary", "target"),
    [
        (SALESFORCE_CONTACT_ROLES, SALESFORCE_ROLES, BuyingRole),
        (DYNAMICS_STAKEHOLDER_ROLES, DYNAMICS_ROLES, BuyingRole),
        (SALESFORCE_TEAM_ROLES, SALESFORCE_TEAM, AccountTeamRole),
        (HUBSPOT_FUNNEL_STAGES, HUBSPOT_STAGES, FunnelStage),
        (HUBSPOT_KAM_START, HUBSPOT_STAGES, LifecycleStage),
        (BUYING_ROLE_TO_SALESFORCE, tuple(BuyingRole), str),
        (BUYING_ROLE_TO_DYNAMICS, tuple(BuyingRole), str),
    ],
)
def test_every_table_is_total_over_its_vocabulary(
    table: dict[object, object], vocabulary: tuple[object, ...], target: type
) -> None:
    assert set(table) == set(vocabulary)
    assert all(v is None or isinstance(v, target) for v in table.values())
    with pytest.raises(TypeError):
        table["new"] = None  # type: ignore[index]  # read-only


def test_written_back_values_belong_to_the_crm_vocabulary() -> None:
    assert set(BUYING_ROLE_TO_SALESFORCE.values()) <= set(SALESFORCE_ROLES)
    assert set(BUYING_ROLE_TO_DYNAMICS.values()) <= set(DYNAMICS_ROLES)


def test_round_trips_where_one_to_one() -> None:
    # Dynamics -> kamcore -> Dynamics holds for the whole vocabulary
    for role in DYNAMICS_ROLES:
        kam = DYNAMICS_STAKEHOLDER_ROLES[role]
        assert kam is not None
        assert BUYING_ROLE_TO_DYNAMICS[kam] == role
    # kamcore -> Salesforce -> kamcore holds for the roles with their own Salesforce role
    one_to_one = {
        BuyingRole.DECISION_MAKER,
        BuyingRole.ECONOMIC_BUYER,
        BuyingRole.TECHNICAL_EVALUATOR,
        BuyingRole.USER,
        BuyingRole.INFLUENCER,
    }
    for role in BuyingRole:
        back = SALESFORCE_CONTACT_ROLES[BUYING_ROLE_TO_SALESFORCE[role]]
        assert (back is role) == (role in one_to_one)
    # kamcore -> Dynamics -> kamcore holds for the three roles Dynamics knows
    for role in BuyingRole:
        back = DYNAMICS_STAKEHOLDER_ROLES[BUYING_ROLE_TO_DYNAMICS[role]]
        assert (back is role) == (
            role in {BuyingRole.DECISION_MAKER, BuyingRole.INFLUENCER, BuyingRole.GATEKEEPER}
        )


def test_kam_begins_with_a_customer() -> None:
    assert HUBSPOT_KAM_START["customer"] is LifecycleStage.EXPLORATION
    for stage, funnel in HUBSPOT_FUNNEL_STAGES.items():
        # the lifecycle starts exactly where the funnel is won
        assert (HUBSPOT_KAM_START[stage] is not None) == (funnel is FunnelStage.WON)


def test_extend_returns_a_new_table() -> None:
    mine = extend_mapping(SALESFORCE_CONTACT_ROLES, {"Champion": BuyingRole.COACH})
    assert mine["Champion"] is BuyingRole.COACH
    assert "Champion" not in SALESFORCE_CONTACT_ROLES
    assert list(mine)[: len(SALESFORCE_CONTACT_ROLES)] == list(SALESFORCE_CONTACT_ROLES)
    same = extend_mapping(SALESFORCE_CONTACT_ROLES, [("Influencer", BuyingRole.INFLUENCER)])
    assert same == SALESFORCE_CONTACT_ROLES
    changed = extend_mapping(
        SALESFORCE_CONTACT_ROLES, {"Other": BuyingRole.GATEKEEPER}, replace=True
    )
    assert changed["Other"] is BuyingRole.GATEKEEPER
    assert SALESFORCE_CONTACT_ROLES["Other"] is None
    assert pickle.loads(pickle.dumps(mine)) == mine


def test_extend_refuses_silent_changes_and_wrong_kinds() -> None:
    with pytest.raises(InvalidParameterError, match=r"must not change existing entry 'Other'"):
        extend_mapping(SALESFORCE_CONTACT_ROLES, {"Other": BuyingRole.USER})
    with pytest.raises(InvalidParameterError, match=r"must map to BuyingRole .*got 'coach'"):
        extend_mapping(SALESFORCE_CONTACT_ROLES, {"Champion": "coach"})


def test_translate_names_the_known_values() -> None:
    assert translate(SALESFORCE_TEAM_ROLES, "Sales Rep") is AccountTeamRole.SALES
    with pytest.raises(UnknownNameError, match=r"'value' must be one of 'subscriber'.*got 'mql'"):
        translate(HUBSPOT_FUNNEL_STAGES, "mql")
    with pytest.raises(UnknownNameError, match=r"one of 'DECISION_MAKER'"):
        translate(BUYING_ROLE_TO_DYNAMICS, "boss")
