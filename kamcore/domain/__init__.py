"""The KAM domain model: frozen attrs objects, standard library and attrs only.

Value objects (:class:`Money`, :class:`StageChange`, :class:`Transaction`)
compare by value; entities (:class:`Customer`, :class:`Contact`,
:class:`Relationship`) compare by ``id``. The lifecycle rules are data in
:mod:`kamcore.domain._transitions`. Nothing here imports numpy; the columnar
side lives in :mod:`kamcore._portfolio`.
"""

from __future__ import annotations

from kamcore.domain._contact import SENSITIVE, Contact, sensitive_fields
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
    is_legal,
    kam_stages_for,
    legal_moves,
    relationship_type_for,
)

__all__ = [
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
