"""Adversarial suite: every public entry point against a catalogue of bad values.

Rule for every call: raise a :class:`~kamcore.errors.KamcoreError` subclass or
return; never a bare exception, never NaN/inf returned for an input that is
invalid by construction, never past the 5 s deadline (see ``_harness.py``).

Profiles: by default (and in CI) the *quick* profile runs the first
:data:`QUICK_VALUES` catalogue values of each parameter; ``KAMCORE_ADVERSARIAL=full``
runs every value (``tests/adversarial/test_adversarial.py::test_full``)::

    KAMCORE_ADVERSARIAL=full python -m pytest tests/adversarial -m adversarial_full

Counts (cases, ok, ok-documented, refused, bare, silent, hang) are printed at
the end of the run and written to ``tests/adversarial/last_counts.txt`` (not
committed). ``_expected.py`` lists the known defects (strict: a fixed one must be
removed); ``_documented.py`` the outcomes a callable's documentation gives
(counted as ok-documented, and checked to stay as documented).
"""

from __future__ import annotations

import os

import pytest

from tests.adversarial._documented import DOCUMENTED
from tests.adversarial._examples import EXAMPLES, INSTANCES, OVERRIDES
from tests.adversarial._expected import EXPECTED_FAILURES
from tests.adversarial._harness import (
    COUNTS,
    Entry,
    Recipe,
    build_recipe,
    enumerate_api,
    run_call,
    run_cases,
)
from tests.adversarial._skipped import SKIPPED

QUICK_VALUES = 9
FULL = os.environ.get("KAMCORE_ADVERSARIAL", "") == "full"

ENTRIES = enumerate_api()
RECIPES: dict[str, Recipe | str] = {
    e.qualname: build_recipe(e, EXAMPLES, INSTANCES, OVERRIDES) for e in ENTRIES
}
COVERED = [
    e for e in ENTRIES if e.qualname not in SKIPPED and isinstance(RECIPES[e.qualname], Recipe)
]
COUNTS.callables = len(COVERED)
COUNTS.skipped = len(SKIPPED)


def test_every_public_callable_is_covered_or_skipped_with_a_reason():
    names = {e.qualname for e in ENTRIES}
    missing = [
        f"{q}: {RECIPES[q]}"
        for q in sorted(names)
        if q not in SKIPPED and not isinstance(RECIPES[q], Recipe)
    ]
    assert not missing, (
        "public callables neither covered nor skipped (add an example to _examples.py, "
        "or a reason to _skipped.py):\n" + "\n".join(missing)
    )
    stale = sorted(set(SKIPPED) - names)
    assert not stale, f"_skipped.py names callables that are no longer public: {stale}"
    assert all(reason.strip() for reason in SKIPPED.values())
    unknown = sorted({case.split("[", 1)[0] for case in EXPECTED_FAILURES} - names)
    assert not unknown, f"_expected.py names callables that are not public: {unknown}"
    unknown = sorted({case.split("[", 1)[0] for case in DOCUMENTED} - names)
    assert not unknown, f"_documented.py names callables that are not public: {unknown}"
    both = sorted(set(DOCUMENTED) & set(EXPECTED_FAILURES))
    assert not both, f"a documented outcome is not a defect (remove from _expected.py): {both}"
    assert all(reason.startswith("documented: ") for _, reason in DOCUMENTED.values())


def _check(entry: Entry, per_parameter: int | None) -> None:
    recipe = RECIPES[entry.qualname]
    assert isinstance(recipe, Recipe)
    args = [v for _, v in recipe.positional]
    outcome, result = run_call(recipe.target(), args, recipe.keywords)
    assert outcome == "ok", f"the baseline call of {entry.qualname} must succeed: {result!r}"
    failures: dict[str, str] = {}
    ran: set[str] = set()
    changed: dict[str, str] = {}
    for case, outcome, detail in run_cases(entry, recipe, per_parameter, DOCUMENTED):
        ran.add(case)
        if outcome in ("bare", "silent", "hang"):
            failures[case] = f"{outcome} {detail}".strip()
        if case in DOCUMENTED and outcome != "documented":
            changed[case] = f"{outcome} {detail}".strip()
    assert not changed, "documented outcomes no longer as documented (update _documented.py):\n" + (
        "\n".join(
            f"{c}: expected {DOCUMENTED[c][0]!r}, got {d}" for c, d in sorted(changed.items())
        )
    )
    unexpected = {c: d for c, d in failures.items() if c not in EXPECTED_FAILURES}
    # a listed hang may finish in time on a fast machine: only other kinds must persist
    fixed = sorted(
        c
        for c in EXPECTED_FAILURES
        if c in ran and c not in failures and not EXPECTED_FAILURES[c].startswith("hang")
    )
    assert not unexpected, "\n".join(f"{c}: {d}" for c, d in sorted(unexpected.items()))
    assert not fixed, f"listed as expected failures but now pass (remove them): {fixed}"
    if failures:
        pytest.xfail("; ".join(f"{c} ({EXPECTED_FAILURES[c]})" for c in sorted(failures)))


@pytest.mark.parametrize("entry", COVERED, ids=lambda e: e.qualname)
def test_quick(entry: Entry) -> None:
    _check(entry, QUICK_VALUES)


@pytest.mark.adversarial_full
@pytest.mark.skipif(not FULL, reason="the full catalogue runs with KAMCORE_ADVERSARIAL=full")
@pytest.mark.parametrize("entry", COVERED, ids=lambda e: e.qualname)
def test_full(entry: Entry) -> None:
    _check(entry, None)
