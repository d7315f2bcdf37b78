"""Documented outcomes, case id -> (outcome, reason): not defects, so not in _expected.py.

The catalogue judges a value by its kind, so it cannot know that a callable's
documentation gives a particular input a particular outcome. A case listed here
counts as ``ok-documented`` when its outcome (``"<kind> <detail>"`` as the
harness reports it, e.g. ``"bare AssertionError: ..."`` or ``"silent"``)
starts with the recorded outcome; any other outcome fails the case, so the
table stays true to the code. Each reason quotes the documented behaviour.
"""

from __future__ import annotations

_CHECKER = (
    "bare AssertionError",
    (
        "documented: check_scorer is a property checker; a non-scorer fails the protocol "
        "property with AssertionError, like every failed property"
    ),
)

DOCUMENTED: dict[str, tuple[str, str]] = {
    **{
        f"kamcore.testing.check_scorer[scorer={value}]": _CHECKER
        for value in ("None", "str", "nan", "int", "empty_list", "object")
    },
    "kamcore.clp.StageParameters[duration=inf]": (
        "silent",
        (
            "documented: duration=math.inf means a stage never left by progression "
            "(StageProfile.constant builds it)"
        ),
    ),
    "kamcore.scoring.ScoreResult[scores=-inf_array]": (
        "silent",
        (
            "documented: -inf ranks an account last (its value was not recorded); the "
            "catalogue counts -inf as invalid"
        ),
    ),
}
