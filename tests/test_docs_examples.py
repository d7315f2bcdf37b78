"""The `>>>` examples of the docs run (doctest), so the docs cannot drift from the code."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS_WITH_EXAMPLES = ["transactions.md"]


@pytest.mark.parametrize("name", DOCS_WITH_EXAMPLES)
def test_doc_examples_run(name):
    path = ROOT / "docs" / name
    assert ">>>" in path.read_text(encoding="utf-8"), f"{name} has no examples"
    result = doctest.testfile(
        str(path),
        module_relative=False,
        optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS,
        raise_on_error=False,
        verbose=False,
    )
    assert result.attempted > 0
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
