"""Fuzz ``kamcore.io.json.loads``: random bytes and text, and mutated stored documents.

The only allowed outcomes are a registered object (which writes back to the
same document it reads from) or a ``KamcoreError``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kamcore.io import json as kjson

from ._outcome import result_or_refusal
from .conftest import FUZZ_EXAMPLES

DOCUMENTS = sorted((Path(__file__).parent.parent / "data" / "json_documents").glob("*.json"))
TEXTS = [p.read_text(encoding="utf-8") for p in DOCUMENTS]
REGISTERED = tuple(kjson.registered_types().values())

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.sampled_from(["1_000", " 12 ", "1e3", "NaN", "2024-02-30", "EUR", "A", ""]),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def _check(text: str | bytes) -> None:
    result = result_or_refusal(lambda: kjson.loads(text))
    if result is not None:
        assert isinstance(result, REGISTERED)
        again = kjson.dumps(result)
        assert kjson.dumps(kjson.loads(again)) == again


@settings(max_examples=FUZZ_EXAMPLES)
@given(st.binary(max_size=300))
def test_random_bytes(data: bytes) -> None:
    _check(data)


@settings(max_examples=FUZZ_EXAMPLES)
@given(st.text(max_size=300))
def test_random_text(text: str) -> None:
    _check(text)


@settings(max_examples=FUZZ_EXAMPLES)
@given(st.sampled_from(TEXTS), st.data())
def test_byte_level_mutations_of_stored_documents(text: str, data: st.DataObject) -> None:
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(text)))
        j = data.draw(st.integers(i, min(len(text), i + 12)))
        op = data.draw(st.sampled_from(["delete", "insert", "replace", "duplicate"]))
        if op == "delete":
            text = text[:i] + text[j:]
        elif op == "insert":
            text = text[:i] + data.draw(st.text(max_size=6)) + text[i:]
        elif op == "replace":
            text = text[:i] + data.draw(st.sampled_from('{}[]",:0123456789-.eE tfn\\')) + text[j:]
        else:
            text = text[:j] + text[i:j] + text[j:]
    _check(text)


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += _paths(v, (*prefix, i))
    return out


@settings(max_examples=FUZZ_EXAMPLES)
@given(st.sampled_from(TEXTS), st.data())
def test_value_level_mutations_of_stored_documents(text: str, data: st.DataObject) -> None:
    doc = json.loads(text)
    paths = [p for p in _paths(doc) if p]
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths))
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        if data.draw(st.booleans()) and isinstance(parent, dict):
            parent[data.draw(st.text(max_size=10))] = data.draw(JSON_VALUES)  # an extra key
        else:
            parent[path[-1]] = data.draw(JSON_VALUES)
        paths = [p for p in _paths(doc) if p]
    _check(json.dumps(doc))


def test_the_atheris_harness_runs_without_atheris() -> None:
    from .atheris_json import main, test_one_input

    for text in TEXTS:
        test_one_input(text.encode("utf-8"))
    test_one_input(b"\xff{")
    test_one_input(b"[" * 100_000)
    try:
        import atheris  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        assert main() == 0  # says atheris is missing and returns
