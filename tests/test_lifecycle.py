"""Lifecycle transition table, management focus and KAM-stage mapping."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given

from kamcore.domain import (
    KAM_STAGES_FOR_TYPE,
    MANAGEMENT_FOCUS,
    RELATIONSHIP_TYPE_FOR_KAM_STAGE,
    START_STAGES,
    TERMINAL_STAGES,
    TRANSITIONS,
    KamStage,
    LifecycleStage,
    RelationshipType,
    is_legal,
    kam_stages_for,
    legal_moves,
    relationship_type_for,
)
from kamcore.errors import InvalidParameterError
from kamcore.testing.strategies import lifecycle_paths

S = LifecycleStage

# The table of legal lifecycle moves, written out independently of the code.
EXPECTED_LEGAL = {
    (S.EXPLORATION, S.FORMATION),
    (S.FORMATION, S.STABILITY),
    (S.EXPLORATION, S.DECLINE),
    (S.FORMATION, S.DECLINE),
    (S.STABILITY, S.DECLINE),
    (S.DECLINE, S.FORMATION),
    (S.DECLINE, S.ENDED),
    (S.EXPLORATION, S.ENDED),
    (S.FORMATION, S.ENDED),
    (S.STABILITY, S.ENDED),
}


@pytest.mark.parametrize(("a", "b"), list(itertools.product(S, S)))
def test_every_pair_matches_the_domain_table(a: LifecycleStage, b: LifecycleStage) -> None:
    assert is_legal(a, b) == ((a, b) in EXPECTED_LEGAL)
    assert (b in legal_moves(a)) == ((a, b) in EXPECTED_LEGAL)


def test_table_shape() -> None:
    assert set(TRANSITIONS) == set(S)
    assert {S.ENDED} == TERMINAL_STAGES
    assert set(S) - {S.ENDED} == START_STAGES
    assert not is_legal(S.EXPLORATION, S.STABILITY)  # growth cannot skip a phase
    assert all(not is_legal(s, s) for s in S)  # staying is not a move
    with pytest.raises(TypeError):
        TRANSITIONS[S.ENDED] = frozenset({S.EXPLORATION})  # type: ignore[index]


def test_stability_reachable_only_through_formation() -> None:
    predecessors = {a for a, b in EXPECTED_LEGAL if b is S.STABILITY}
    assert predecessors == {S.FORMATION}
    assert {a for a in S if S.STABILITY in TRANSITIONS[a]} == {S.FORMATION}


@given(lifecycle_paths(max_moves=12))
def test_walks_stay_in_the_graph(path: tuple[LifecycleStage, ...]) -> None:
    for a, b in itertools.pairwise(path):
        assert is_legal(a, b)
    # Stability is only ever entered from formation.
    for a, b in itertools.pairwise(path):
        if b is S.STABILITY:
            assert a is S.FORMATION
    assert S.ENDED not in path[:-1]


def test_bad_arguments() -> None:
    with pytest.raises(InvalidParameterError, match="'from_stage' must be a LifecycleStage"):
        is_legal("exploration", S.FORMATION)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="'to_stage'"):
        is_legal(S.EXPLORATION, None)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="'stage'"):
        legal_moves(1)  # type: ignore[arg-type]


def test_management_focus_covers_every_stage() -> None:
    assert set(MANAGEMENT_FOCUS) == set(S)
    assert "first cooperation" in MANAGEMENT_FOCUS[S.EXPLORATION]
    assert "satisfaction" in MANAGEMENT_FOCUS[S.FORMATION]
    assert "loyalty" in MANAGEMENT_FOCUS[S.STABILITY]
    assert "retention" in MANAGEMENT_FOCUS[S.DECLINE]


def test_kam_stage_to_relationship_type() -> None:
    expected = {
        KamStage.PRE: RelationshipType.ORDINARY,
        KamStage.EARLY: RelationshipType.ORDINARY,
        KamStage.MID: RelationshipType.ORDINARY,
        KamStage.PARTNERSHIP: RelationshipType.PARTNERSHIP,
        KamStage.SYNERGISTIC: RelationshipType.STRATEGIC,
        KamStage.UNCOUPLING: None,
    }
    for k, t in expected.items():
        assert relationship_type_for(k) is t
        assert RELATIONSHIP_TYPE_FOR_KAM_STAGE[k] is t
    with pytest.raises(InvalidParameterError, match="'kam_stage'"):
        relationship_type_for("mid")  # type: ignore[arg-type]


def test_reverse_table_is_the_inverse() -> None:
    for rtype in RelationshipType:
        forward = {k for k in KamStage if relationship_type_for(k) is rtype}
        assert KAM_STAGES_FOR_TYPE[rtype] == forward
        assert kam_stages_for(rtype) == forward | {KamStage.UNCOUPLING}
    assert KAM_STAGES_FOR_TYPE[RelationshipType.ORDINARY] == {
        KamStage.PRE,
        KamStage.EARLY,
        KamStage.MID,
    }
    with pytest.raises(InvalidParameterError, match="'relationship_type'"):
        kam_stages_for("ordinary")  # type: ignore[arg-type]
