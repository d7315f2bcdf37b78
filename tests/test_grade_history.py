"""Tests for kamcore.scoring._history: dated gradings, history and migration counts."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamcore.errors import InvalidParameterError, ShapeMismatchError, UnknownNameError
from kamcore.scoring import LOST, NEW, GradeHistory, Grading, MigrationMatrix, migration_counts

LEVELS = ("A", "B", "C", "D")


def _grading(day, mapping, levels=LEVELS):
    return Grading(day, list(mapping), list(mapping.values()), levels=levels)


gradings_pair = st.tuples(
    st.dictionaries(st.sampled_from([f"k{i}" for i in range(15)]), st.sampled_from(LEVELS)),
    st.dictionaries(st.sampled_from([f"k{i}" for i in range(15)]), st.sampled_from(LEVELS)),
)


def _reference_counts(before, after):
    labels = (NEW, *LEVELS, LOST)
    idx = {lab: i for i, lab in enumerate(labels)}
    out = [[0] * len(labels) for _ in labels]
    for k in set(before) | set(after):
        out[idx[before.get(k, NEW)]][idx[after.get(k, LOST)]] += 1
    return out


# ------------------------------------------------------------ Grading


def test_grading_basics():
    g = Grading(dt.date(2024, 12, 31), ["x", "y"], ["B", "A"], levels=LEVELS, strategy="rubric")
    assert g.as_of == dt.date(2024, 12, 31)
    assert g.grade_of("x") == "B"
    assert g.codes.tolist() == [1, 0]
    assert g.counts() == {"A": 1, "B": 1, "C": 0, "D": 0}
    assert g.to_dict() == {"x": "B", "y": "A"}
    assert g == Grading("2024-12-31", ["x", "y"], ["B", "A"], levels=LEVELS, strategy="rubric")
    assert g != Grading("2024-12-31", ["x", "y"], ["B", "B"], levels=LEVELS, strategy="rubric")
    assert hash(g) == hash(
        Grading("2024-12-31", ["x", "y"], ["B", "A"], levels=LEVELS, strategy="rubric")
    )
    with pytest.raises(ValueError, match="read-only"):
        g.grades[0] = "A"
    with pytest.raises(UnknownNameError, match="'zzz'"):
        g.grade_of("zzz")


def test_grading_copies_input():
    ids = np.array(["a", "b"])
    g = Grading("2024-01-01", ids, ["A", "B"])
    ids[0] = "z"
    assert g.ids.tolist() == ["a", "b"]
    assert g.levels == ("A", "B")


def test_grading_from_mapping_and_datetime64():
    g = Grading.from_mapping({"a": "C"}, as_of=np.datetime64("2024-03-01"), levels=LEVELS)
    assert g.as_of == dt.date(2024, 3, 1)
    assert g.levels == LEVELS


@pytest.mark.parametrize(
    ("args", "kwargs", "err", "match"),
    [
        (("2024-13-01", ["a"], ["A"]), {}, InvalidParameterError, "'as_of'"),
        ((dt.datetime(2024, 1, 1), ["a"], ["A"]), {}, InvalidParameterError, "datetime"),
        ((20240101, ["a"], ["A"]), {}, InvalidParameterError, "'as_of'"),
        (("2024-01-01", ["a", "a"], ["A", "B"]), {}, InvalidParameterError, "unique"),
        (("2024-01-01", ["a", " "], ["A", "B"]), {}, InvalidParameterError, "blank"),
        (("2024-01-01", ["a"], ["A", "B"]), {}, ShapeMismatchError, "same length"),
        (("2024-01-01", ["a"], ["E"]), {"levels": LEVELS}, InvalidParameterError, "'grades'"),
        (("2024-01-01", ["a"], ["A"]), {"levels": ("A", "A")}, InvalidParameterError, "distinct"),
        (
            ("2024-01-01", ["a"], ["A"]),
            {"levels": ("A", "lost")},
            InvalidParameterError,
            "reserved",
        ),
        (("2024-01-01", ["a"], ["A"]), {"levels": "AB"}, InvalidParameterError, "one string"),
        (("2024-01-01", [1], ["A"]), {}, InvalidParameterError, "strings"),
    ],
)
def test_grading_bad_input(args, kwargs, err, match):
    with pytest.raises(err, match=match):
        Grading(*args, **kwargs)


# ------------------------------------------------------------ migration counts


def test_migration_hand_example():
    before = _grading("2023-12-31", {"a": "A", "b": "B", "c": "C", "d": "D"})
    after = _grading("2024-12-31", {"a": "A", "b": "A", "c": "D", "e": "B"})
    m = migration_counts(before, after)
    assert m.labels == ("new", "A", "B", "C", "D", "lost")
    expected = np.zeros((6, 6), dtype=int)
    expected[1, 1] = 1  # a: A -> A
    expected[2, 1] = 1  # b: B -> A
    expected[3, 4] = 1  # c: C -> D
    expected[4, 5] = 1  # d: D -> lost
    expected[0, 2] = 1  # e: new -> B
    np.testing.assert_array_equal(m.counts, expected)
    assert m.total == 5
    assert m.levels == LEVELS
    assert (m.start, m.end) == (dt.date(2023, 12, 31), dt.date(2024, 12, 31))
    labels, tc = m.transition_counts()
    assert labels == ("A", "B", "C", "D", "lost")
    assert tc.shape == (5, 5)
    p = m.probabilities()
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    assert p[-1, -1] == 1.0
    assert p[3, 4] == 1.0  # D -> lost


@given(gradings_pair)
def test_migration_equals_reference_and_totals(pair):
    b, a = pair
    m = migration_counts(_grading("2023-01-01", b), _grading("2024-01-01", a))
    assert m.counts.tolist() == _reference_counts(b, a)
    assert m.total == len(set(b) | set(a))
    # row sums = accounts graded before (+ arrivals in the "new" row); column sums = graded after
    assert m.counts[1:-1].sum() == len(b)
    assert m.counts[:, 1:-1].sum() == len(a)
    assert m.counts[:, 0].sum() == 0
    assert m.counts[-1].sum() == 0


@given(gradings_pair, st.randoms(use_true_random=False))
def test_migration_invariant_to_row_order(pair, rnd):
    b, a = pair
    items = list(a.items())
    rnd.shuffle(items)
    m1 = migration_counts(_grading("2023-01-01", b), _grading("2024-01-01", a))
    m2 = migration_counts(_grading("2023-01-01", b), _grading("2024-01-01", dict(items)))
    np.testing.assert_array_equal(m1.counts, m2.counts)


def test_migration_bad_input():
    g1 = _grading("2023-01-01", {"a": "A"})
    g2 = _grading("2024-01-01", {"a": "B"})
    with pytest.raises(InvalidParameterError, match="before"):
        migration_counts(g2, g1)
    with pytest.raises(InvalidParameterError, match="before"):
        migration_counts(g1, g1)
    with pytest.raises(InvalidParameterError, match="levels"):
        migration_counts(g1, _grading("2024-01-01", {"a": "B"}, levels=("A", "B")))
    with pytest.raises(InvalidParameterError, match="Grading"):
        migration_counts(g1, {"a": "B"})  # type: ignore[arg-type]


def test_probabilities_need_every_grade():
    m = migration_counts(_grading("2023-01-01", {"a": "A"}), _grading("2024-01-01", {"a": "B"}))
    with pytest.raises(InvalidParameterError, match=r"\['B', 'C', 'D'\]"):
        m.probabilities()


def test_pooling_adds_counts():
    g1 = _grading("2022-01-01", {"a": "A", "b": "B"})
    g2 = _grading("2023-01-01", {"a": "B", "b": "B"})
    g3 = _grading("2024-01-01", {"a": "B", "c": "A"})
    m12, m23 = migration_counts(g1, g2), migration_counts(g2, g3)
    pooled = m12 + m23
    np.testing.assert_array_equal(pooled.counts, m12.counts + m23.counts)
    assert (pooled.start, pooled.end) == (g1.as_of, g3.as_of)
    other = migration_counts(
        _grading("2022-01-01", {"a": "A"}, levels=("A",)),
        _grading("2023-01-01", {"a": "A"}, levels=("A",)),
    )
    with pytest.raises(InvalidParameterError, match="labels"):
        _ = m12 + other
    assert isinstance(pooled, MigrationMatrix)


# ------------------------------------------------------------ history


def test_history_sorted_and_queries():
    g1 = _grading("2022-12-31", {"a": "A", "b": "B"})
    g2 = _grading("2023-12-31", {"a": "B", "b": "B", "c": "D"})
    g3 = _grading("2024-12-31", {"a": "C", "c": "C"})
    h = GradeHistory([g3, g1, g2])
    assert h.dates == (g1.as_of, g2.as_of, g3.as_of)
    assert len(h) == 3
    assert list(h) == [g1, g2, g3]
    assert h.latest == g3
    assert h.at("2023-06-30") == g1
    assert h.at("2023-12-31") == g2
    assert h.on("2024-12-31") == g3
    assert h.history_of("b") == ((g1.as_of, "B"), (g2.as_of, "B"))
    assert h.migration().counts.tolist() == migration_counts(g2, g3).counts.tolist()
    m13 = h.migration("2022-12-31", "2024-12-31")
    assert m13.total == 3
    assert len(h.migrations()) == 2
    np.testing.assert_array_equal(
        h.pooled_migration().counts,
        migration_counts(g1, g2).counts + migration_counts(g2, g3).counts,
    )
    assert h == GradeHistory([g1, g2, g3])
    h4 = GradeHistory([g1]).add(g2)
    assert h4.dates == (g1.as_of, g2.as_of)


def test_history_errors():
    g1 = _grading("2022-12-31", {"a": "A"})
    with pytest.raises(InvalidParameterError, match="one grading per date"):
        GradeHistory([g1, _grading("2022-12-31", {"b": "A"})])
    with pytest.raises(InvalidParameterError, match="same levels"):
        GradeHistory([g1, _grading("2023-12-31", {"b": "A"}, levels=("A", "B"))])
    with pytest.raises(InvalidParameterError, match="Grading"):
        GradeHistory([g1, "2023"])  # type: ignore[list-item]
    empty = GradeHistory()
    with pytest.raises(UnknownNameError):
        _ = empty.latest
    h = GradeHistory([g1])
    with pytest.raises(UnknownNameError, match="two gradings"):
        h.migration()
    with pytest.raises(UnknownNameError, match="two gradings"):
        h.pooled_migration()
    with pytest.raises(UnknownNameError):
        h.at("2020-01-01")
    with pytest.raises(UnknownNameError):
        h.on("2023-01-01")
    with pytest.raises(InvalidParameterError, match="together"):
        h.migration(start="2022-12-31")
    with pytest.raises(InvalidParameterError, match="one grading per date"):
        h.add(g1)
