"""Relationship lifecycle rules as data: legal stage moves, management focus, KAM stages.

The four relationship phases plus the terminal ``ENDED`` state. The
legal moves are the table :data:`TRANSITIONS` (rows = from, values = the set of
stages one may move to):

============  =========================================
from          to
============  =========================================
EXPLORATION   FORMATION, DECLINE, ENDED
FORMATION     STABILITY, DECLINE, ENDED
STABILITY     DECLINE, ENDED
DECLINE       FORMATION (re-development), ENDED
ENDED         (none: terminal)
============  =========================================

Growth cannot skip a phase (``EXPLORATION -> STABILITY`` is illegal), decline
may begin in any phase, a declining relationship either ends or is
re-developed back into formation, and any live relationship may end. Staying
in the same stage is not a move.

ENDED is terminal for the ordinary moves. Winning a lost customer back is a
separate, explicit move, :data:`WIN_BACK` (ENDED -> FORMATION): it is never
proposed by :func:`legal_moves` and is made only with
:meth:`Relationship.win_back <kamcore.domain.Relationship.win_back>`, so a
won-back customer re-enters the lifecycle where a re-developed one does
(formation), and the history keeps the dated end before it.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from kamcore.domain._enums import KamStage, LifecycleStage, RelationshipType
from kamcore.errors import InvalidParameterError

__all__ = [
    "KAM_STAGES_FOR_TYPE",
    "MANAGEMENT_FOCUS",
    "RELATIONSHIP_TYPE_FOR_KAM_STAGE",
    "START_STAGES",
    "TERMINAL_STAGES",
    "TRANSITIONS",
    "WIN_BACK",
    "is_legal",
    "kam_stages_for",
    "legal_moves",
    "relationship_type_for",
]

_S = LifecycleStage

#: Legal lifecycle moves: from-stage -> the stages it may move to.
TRANSITIONS: Final[Mapping[LifecycleStage, frozenset[LifecycleStage]]] = MappingProxyType(
    {
        _S.EXPLORATION: frozenset({_S.FORMATION, _S.DECLINE, _S.ENDED}),
        _S.FORMATION: frozenset({_S.STABILITY, _S.DECLINE, _S.ENDED}),
        _S.STABILITY: frozenset({_S.DECLINE, _S.ENDED}),
        _S.DECLINE: frozenset({_S.FORMATION, _S.ENDED}),
        _S.ENDED: frozenset(),
    }
)

#: The explicit win-back move (from, to): a lost customer re-enters formation.
#: Not in :data:`TRANSITIONS`; see :meth:`kamcore.domain.Relationship.win_back`.
WIN_BACK: Final[tuple[LifecycleStage, LifecycleStage]] = (_S.ENDED, _S.FORMATION)

#: Stages with no way out.
TERMINAL_STAGES: Final[frozenset[LifecycleStage]] = frozenset(
    stage for stage, moves in TRANSITIONS.items() if not moves
)

#: Stages a recorded history may start in: any live stage (tracking may begin
#: after the first deal, e.g. when importing an existing account).
START_STAGES: Final[frozenset[LifecycleStage]] = frozenset(LifecycleStage) - TERMINAL_STAGES

#: What management should focus on in each stage.
MANAGEMENT_FOCUS: Final[Mapping[LifecycleStage, str]] = MappingProxyType(
    {
        _S.EXPLORATION: (
            "win the first cooperation: sales funnel, prospect definition, "
            "entry strategy through key people"
        ),
        _S.FORMATION: (
            "customer satisfaction: service quality, complaint handling, expectation management"
        ),
        _S.STABILITY: (
            "loyalty: attraction-barrier model, share of wallet, cross-selling, "
            "moving towards strategic cooperation"
        ),
        _S.DECLINE: (
            "retention and win-back: warning signs, churn causes, "
            "retention plan by grade, evaluation"
        ),
        _S.ENDED: (
            "relationship over: record the churn type and decline causes "
            "(ChurnRecord on the ENDED move), evaluate the retention effort against "
            "the plan for the grade (retention_plan), decide on win-back "
            "(Relationship.win_back)"
        ),
    }
)

#: KAM development stage -> relationship type; UNCOUPLING maps to None because
#: dissolution can happen to a relationship of any type.
RELATIONSHIP_TYPE_FOR_KAM_STAGE: Final[Mapping[KamStage, RelationshipType | None]] = (
    MappingProxyType(
        {
            KamStage.PRE: RelationshipType.ORDINARY,
            KamStage.EARLY: RelationshipType.ORDINARY,
            KamStage.MID: RelationshipType.ORDINARY,
            KamStage.PARTNERSHIP: RelationshipType.PARTNERSHIP,
            KamStage.SYNERGISTIC: RelationshipType.STRATEGIC,
            KamStage.UNCOUPLING: None,
        }
    )
)

#: Relationship type -> the KAM stages it corresponds to (the reverse table;
#: UNCOUPLING is compatible with every type and is not listed).
KAM_STAGES_FOR_TYPE: Final[Mapping[RelationshipType, frozenset[KamStage]]] = MappingProxyType(
    {
        rtype: frozenset(k for k, t in RELATIONSHIP_TYPE_FOR_KAM_STAGE.items() if t is rtype)
        for rtype in RelationshipType
    }
)


def _stage(value: object, name: str) -> LifecycleStage:
    if not isinstance(value, LifecycleStage):
        names = ", ".join(s.name for s in LifecycleStage)
        raise InvalidParameterError(f"{name!r} must be a LifecycleStage ({names}); got {value!r}.")
    return value


def is_legal(from_stage: LifecycleStage, to_stage: LifecycleStage) -> bool:
    """Return True if moving from ``from_stage`` to ``to_stage`` is allowed.

    Parameters
    ----------
    from_stage, to_stage
        Lifecycle stages.

    Returns
    -------
    bool
        ``to_stage in TRANSITIONS[from_stage]``; staying put is not a move.

    Raises
    ------
    InvalidParameterError
        If either argument is not a :class:`LifecycleStage`.

    Examples
    --------
    >>> from kamcore.domain._enums import LifecycleStage as S
    >>> is_legal(S.EXPLORATION, S.FORMATION), is_legal(S.EXPLORATION, S.STABILITY)
    (True, False)
    """
    return _stage(to_stage, "to_stage") in TRANSITIONS[_stage(from_stage, "from_stage")]


def legal_moves(stage: LifecycleStage) -> frozenset[LifecycleStage]:
    """Return the stages reachable from ``stage`` in one move.

    Parameters
    ----------
    stage : LifecycleStage
        The current stage.

    Returns
    -------
    frozenset of LifecycleStage
        The stages :meth:`Relationship.move_to` accepts next (empty for ENDED).

    Raises
    ------
    InvalidParameterError
        ``stage`` is not a :class:`LifecycleStage`.

    Examples
    --------
    >>> from kamcore.domain._enums import LifecycleStage as S
    >>> sorted(s.name for s in legal_moves(S.DECLINE))
    ['ENDED', 'FORMATION']
    """
    return TRANSITIONS[_stage(stage, "stage")]


def relationship_type_for(kam_stage: KamStage) -> RelationshipType | None:
    """Return the relationship type a KAM development stage implies.

    PRE, EARLY and MID ("bow-tie") -> ORDINARY; PARTNERSHIP -> PARTNERSHIP;
    SYNERGISTIC ("diamond") -> STRATEGIC; UNCOUPLING -> ``None`` (dissolution
    does not imply a type: any relationship may uncouple).

    Parameters
    ----------
    kam_stage : KamStage
        A KAM development stage.

    Returns
    -------
    RelationshipType or None
        The implied type; None for UNCOUPLING.

    Raises
    ------
    InvalidParameterError
        If ``kam_stage`` is not a :class:`KamStage`.

    Examples
    --------
    >>> relationship_type_for(KamStage.SYNERGISTIC)
    <RelationshipType.STRATEGIC: 'strategic'>
    """
    if not isinstance(kam_stage, KamStage):
        raise InvalidParameterError(f"'kam_stage' must be a KamStage; got {kam_stage!r}.")
    return RELATIONSHIP_TYPE_FOR_KAM_STAGE[kam_stage]


def kam_stages_for(relationship_type: RelationshipType) -> frozenset[KamStage]:
    """Return the KAM stages consistent with a relationship type (UNCOUPLING always is).

    Parameters
    ----------
    relationship_type : RelationshipType
        The type of the relationship.

    Returns
    -------
    frozenset of KamStage
        The development stages a relationship of that type can be in.

    Raises
    ------
    InvalidParameterError
        ``relationship_type`` is not a :class:`RelationshipType`.

    Examples
    --------
    >>> sorted(s.name for s in kam_stages_for(RelationshipType.ORDINARY))
    ['EARLY', 'MID', 'PRE', 'UNCOUPLING']
    """
    if not isinstance(relationship_type, RelationshipType):
        raise InvalidParameterError(
            f"'relationship_type' must be a RelationshipType; got {relationship_type!r}."
        )
    return KAM_STAGES_FOR_TYPE[relationship_type] | {KamStage.UNCOUPLING}
