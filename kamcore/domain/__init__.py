"""The KAM domain model: frozen attrs objects, standard library and attrs only.

Value objects (:class:`Money`, :class:`StageChange`, :class:`Transaction`,
:class:`ChurnRecord`, :class:`Complaint`, :class:`AccountTeam`,
:class:`OpportunityAssessment`) compare by value; entities
(:class:`Customer`, :class:`Contact`, :class:`Relationship`,
:class:`Opportunity`) compare by ``id``. The CRM vocabulary tables
(``SALESFORCE_CONTACT_ROLES`` ...) are read-only data extended with
:func:`extend_mapping`. The lifecycle rules are data in
:mod:`kamcore.domain._transitions`. Nothing here imports numpy; the columnar
side lives in :mod:`kamcore._portfolio`.
"""

from __future__ import annotations

from kamcore.domain._account_team import (
    AccountTeam,
    AccountTeamRole,
    AccountType,
    Influence,
    TeamMember,
)
from kamcore.domain._churn import (
    RETENTION_PLANS,
    ChurnRecord,
    ChurnType,
    DeclineCause,
    RetentionEffort,
    retention_plan,
)
from kamcore.domain._complaint import Complaint, ComplaintChannel, ComplaintSeverity
from kamcore.domain._contact import SENSITIVE, Contact, sensitive_fields
from kamcore.domain._crm import (
    BUYING_ROLE_TO_DYNAMICS,
    BUYING_ROLE_TO_SALESFORCE,
    DYNAMICS_STAKEHOLDER_ROLES,
    HUBSPOT_FUNNEL_STAGES,
    HUBSPOT_KAM_START,
    SALESFORCE_CONTACT_ROLES,
    SALESFORCE_TEAM_ROLES,
    extend_mapping,
    translate,
)
from kamcore.domain._customer import MONEY_FIELDS, RUBRIC_FACTS, Customer, FrozenMap
from kamcore.domain._enums import (
    BuyingRole,
    CooperationLength,
    CreditRecord,
    IndustryStanding,
    KamStage,
    Level,
    LifecycleStage,
    LossImpact,
    LoyaltyLevel,
    ProductImportance,
    Prospects,
    RelationshipDepth,
    RelationshipType,
    Seniority,
    Stance,
    StrategicFit,
    SupplyShare,
)
from kamcore.domain._funnel import (
    OPEN_FUNNEL_STAGES,
    CompetitivePosition,
    FunnelStage,
    Opportunity,
    OpportunityAssessment,
)
from kamcore.domain._money import ISO_4217_CODES, Money, check_currency
from kamcore.domain._relationship import Relationship, StageChange
from kamcore.domain._satisfaction_summary import ExpectationDrivers, SatisfactionSummary
from kamcore.domain._switching_cost import (
    DependenceLever,
    SwitchingCost,
    SwitchingCostComponent,
    SwitchingCostFacet,
    SwitchingCostKind,
)
from kamcore.domain._transaction import Transaction
from kamcore.domain._transitions import (
    KAM_STAGES_FOR_TYPE,
    MANAGEMENT_FOCUS,
    RELATIONSHIP_TYPE_FOR_KAM_STAGE,
    START_STAGES,
    TERMINAL_STAGES,
    TRANSITIONS,
    WIN_BACK,
    is_legal,
    kam_stages_for,
    legal_moves,
    relationship_type_for,
)

__all__ = [
    "BUYING_ROLE_TO_DYNAMICS",
    "BUYING_ROLE_TO_SALESFORCE",
    "DYNAMICS_STAKEHOLDER_ROLES",
    "HUBSPOT_FUNNEL_STAGES",
    "HUBSPOT_KAM_START",
    "OPEN_FUNNEL_STAGES",
    "RETENTION_PLANS",
    "SALESFORCE_CONTACT_ROLES",
    "SALESFORCE_TEAM_ROLES",
    "WIN_BACK",
    "AccountTeam",
    "AccountTeamRole",
    "AccountType",
    "ChurnRecord",
    "ChurnType",
    "CompetitivePosition",
    "Complaint",
    "ComplaintChannel",
    "ComplaintSeverity",
    "DeclineCause",
    "FunnelStage",
    "Influence",
    "Opportunity",
    "OpportunityAssessment",
    "RetentionEffort",
    "TeamMember",
    "extend_mapping",
    "retention_plan",
    "translate",
    "ExpectationDrivers",
    "SatisfactionSummary",
    "DependenceLever",
    "SwitchingCost",
    "SwitchingCostComponent",
    "SwitchingCostFacet",
    "SwitchingCostKind",
    "ISO_4217_CODES",
    "KAM_STAGES_FOR_TYPE",
    "MANAGEMENT_FOCUS",
    "MONEY_FIELDS",
    "RELATIONSHIP_TYPE_FOR_KAM_STAGE",
    "RUBRIC_FACTS",
    "SENSITIVE",
    "START_STAGES",
    "TERMINAL_STAGES",
    "TRANSITIONS",
    "BuyingRole",
    "Contact",
    "CooperationLength",
    "CreditRecord",
    "Customer",
    "FrozenMap",
    "IndustryStanding",
    "KamStage",
    "Level",
    "LifecycleStage",
    "LossImpact",
    "LoyaltyLevel",
    "Money",
    "ProductImportance",
    "Prospects",
    "Relationship",
    "RelationshipDepth",
    "RelationshipType",
    "Seniority",
    "StageChange",
    "Stance",
    "StrategicFit",
    "SupplyShare",
    "Transaction",
    "check_currency",
    "is_legal",
    "kam_stages_for",
    "legal_moves",
    "relationship_type_for",
    "sensitive_fields",
]
