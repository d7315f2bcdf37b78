"""The report's words for a manager: counts, plain-word labels and the next-action rules.

Everything a KAM manager reads that is not a number is decided here, in one
place: :func:`plural` for every count in a sentence, the plain-word names of
the churn signals and of the lifecycle focus (the API names stay in the
docs), the short navigation titles of the HTML page, and :data:`NEXT_ACTION_RULES`,
the table that turns an account's stage, grade and churn risk into one
coherent next step.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "FOCUS",
    "NEXT_ACTION_RULES",
    "RETENTION_WORDS",
    "SHORT_TITLES",
    "SIGNAL_WORDS",
    "label_words",
    "next_actions",
    "plural",
    "signal_words",
]


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """Return ``count`` with the noun phrase in the right number.

    ``plural_form`` defaults to ``singular + "s"``; give it for irregular
    phrases, such as a phrase that ends in a verb.

    >>> plural(1, "account")
    '1 account'
    >>> plural(12_000, "account")
    '12,000 accounts'
    >>> plural(1, "account has", "accounts have")
    '1 account has'
    """
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count:,} {word}"


#: churn-signal key -> the words of the report
SIGNAL_WORDS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "falling_orders": "falling orders",
        "falling_sow": "falling share of wallet",
        "longer_cycle": "longer order cycle",
        "late_payment": "late payment",
        "satisfaction_gap": "satisfaction gap",
        "complaints": "complaints",
    }
)


def signal_words(names: list[str]) -> str:
    """Return signal keys as a comma-separated phrase in plain words."""
    return ", ".join(SIGNAL_WORDS.get(s, s.replace("_", " ")) for s in names)


def label_words(label: str) -> str:
    """Return a class label for a sentence ("small_medium" -> "small and medium").

    >>> label_words("small_medium"), label_words("core")
    ('small and medium', 'core')
    """
    return label.replace("small_medium", "small and medium").replace("_", " ")


#: lifecycle stage -> the management focus, in a manager's words
FOCUS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "exploration": (
            "win the first cooperation: qualify the prospect, choose the way in, "
            "reach the key people"
        ),
        "formation": (
            "customer satisfaction: service quality, complaint handling, managing expectations"
        ),
        "stability": (
            "loyalty: make the account attractive and hard to leave, raise the share of "
            "wallet, cross-sell, move towards strategic cooperation"
        ),
        "decline": (
            "keep or win back: read the warning signs, find the causes, a retention plan "
            "scaled to the grade, review the result"
        ),
        "ended": (
            "relationship over: record how and why the account was lost, compare the "
            "retention effort with the plan for its grade, decide whether to win it back"
        ),
    }
)

#: retention effort for a grade (kamcore.domain.RETENTION_PLANS) -> the words of the report
RETENTION_WORDS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "all_out": "full retention effort with senior management",
        "active": "active retention effort",
        "standard": "standard retention measures",
        "let_go": "no special retention effort",
    }
)

#: section key -> the short title of the HTML navigation bar
SHORT_TITLES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "overview": "Overview",
        "concentration": "Concentration",
        "grades": "Grades",
        "lifecycle": "Lifecycle",
        "repeat_buying": "Repeat buying",
        "clp": "Lifetime profit",
        "satisfaction": "Satisfaction",
        "switching": "Switching barriers",
        "churn_risk": "Churn risk",
        "grade_migration": "Grade migration",
        "actions": "Next actions",
    }
)

_LOW_COST: Final = "serve at low cost (standardised service, no dedicated key-account effort)"

#: The next-action rules, first match wins: (stages, grades, risk levels, action).
#: ``"*"`` matches anything, including a missing stage, grade or risk.
#: In the action, ``{why}`` becomes " (the signals that fired)" or nothing, and
#: ``{plan}`` becomes "; " + the retention effort for the grade, or nothing
#: when the grade is unknown. Afterwards, for active accounts: a medium risk
#: adds "; watch: <signals>" to the grow/keep/first-order/satisfaction actions,
#: and an A, B or C account without a decision-maker contact gets
#: "; no decision-maker contact yet".
NEXT_ACTION_RULES: Final[tuple[tuple[str, str, str, str], ...]] = (
    ("ended", "AB", "*", "lost: find out why it was lost and decide whether to win it back"),
    ("ended", "*", "*", "lost: record why it was lost; no win-back effort"),
    ("decline", "D", "*", "let it go: " + _LOW_COST),
    ("decline", "*", "*", "stop the decline: find the cause with the customer{why}{plan}"),
    ("stability", "D", "high", _LOW_COST + "; at risk{why}, no special retention effort"),
    ("stability", "D", "*", _LOW_COST),
    ("*", "D", "high", "standard service only; at risk{why}, no special retention effort"),
    (
        "exploration",
        "D",
        "*",
        "low potential: standard sales effort only, no dedicated key-account effort",
    ),
    (
        "formation",
        "D",
        "*",
        "secure satisfaction with standard service: meet expectations, handle complaints fast",
    ),
    ("*", "*", "high", "retention visit now{why}{plan}"),
    ("exploration", "*", "*", "win the first orders: map the buying centre, define the offer"),
    (
        "formation",
        "*",
        "*",
        "secure satisfaction: meet expectations, fix service gaps, handle complaints fast",
    ),
    ("stability", "C", "*", "keep with standard service; cross-sell where it pays"),
    ("stability", "*", "*", "grow: share of wallet and cross-selling"),
    ("*", "*", "*", "review the account"),
)
#: the rules that a medium risk extends with "; watch: <signals>"
_WATCHED: Final = frozenset(
    k
    for k, (stage, grades, risk, _) in enumerate(NEXT_ACTION_RULES)
    if stage in ("exploration", "formation", "stability") and grades != "D" and risk == "*"
)


def _matches(values: NDArray[np.str_], pattern: str, *, letters: bool) -> NDArray[np.bool_]:
    if pattern == "*":
        return np.ones(values.shape[0], dtype=bool)
    options = list(pattern) if letters else [pattern]
    return np.isin(values, options)


def next_actions(
    stage: NDArray[np.str_],
    grade: NDArray[np.str_],
    risk: NDArray[np.str_],
    signals: NDArray[np.str_],
    no_decision_maker: NDArray[np.bool_],
) -> NDArray[np.str_]:
    """Return one next step per account from :data:`NEXT_ACTION_RULES`.

    Parameters
    ----------
    stage, grade, risk : ndarray of str, shape (n,)
        Lifecycle stage, rubric grade ("A" .. "D") and churn-risk level
        ("low", "medium", "high"); "" where unknown.
    signals : ndarray of str, shape (n,)
        The churn signals that fired, in plain words ("" for none).
    no_decision_maker : ndarray of bool, shape (n,)
        True where the account has no decision-maker contact on record.

    Examples
    --------
    >>> import numpy as np
    >>> next_actions(
    ...     np.array(["stability", "stability", "decline"]),
    ...     np.array(["A", "D", "B"]),
    ...     np.array(["low", "low", "medium"]),
    ...     np.array(["", "", "falling orders"]),
    ...     np.array([False, False, False]),
    ... ).tolist()  # doctest: +NORMALIZE_WHITESPACE
    ['grow: share of wallet and cross-selling',
     'serve at low cost (standardised service, no dedicated key-account effort)',
     'stop the decline: find the cause with the customer (falling orders); active retention effort']
    """
    from kamcore.domain import RETENTION_PLANS

    n = stage.shape[0]
    sig = signals.astype(object)
    why = np.where(signals != "", " (" + sig + ")", "")
    plan = np.full(n, "", dtype=object)
    for g, effort in RETENTION_PLANS.items():
        plan[grade == g] = "; " + RETENTION_WORDS.get(effort.value, effort.value)
    out = np.full(n, "", dtype=object)
    rule = np.full(n, -1)
    for k, (st, gr, rk, action) in enumerate(NEXT_ACTION_RULES):
        hit = (
            (rule < 0)
            & _matches(stage, st, letters=False)
            & _matches(grade, gr, letters=True)
            & _matches(risk, rk, letters=False)
        )
        if not hit.any():
            continue
        rule[hit] = k
        fills = {"{why}": why, "{plan}": plan}
        text: Any = ""
        for token in re.split(r"(\{why\}|\{plan\})", action):
            text = text + fills.get(token, token)
        out[hit] = text[hit] if isinstance(text, np.ndarray) else text
    live = stage != "ended"
    watched = live & np.isin(rule, list(_WATCHED)) & (risk == "medium") & (signals != "")
    out = np.where(watched, out + "; watch: " + sig, out)
    key = live & np.isin(grade, ["A", "B", "C"]) & no_decision_maker
    out = np.where(key, out + "; no decision-maker contact yet", out)
    return out.astype(str)
