"""The README's quickstart runs, the docs' ``>>>`` examples hold, and relative links resolve."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]


def _python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_readme_python_examples_run():
    blocks = _python_blocks((ROOT / "README.md").read_text(encoding="utf-8"))
    assert blocks, "README has no python example"
    for i, block in enumerate(blocks):
        namespace: dict[str, object] = {}  # each block stands on its own
        exec(compile(block, f"README.md python block {i}", "exec"), namespace)


def test_readme_has_the_two_setup_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "kamcore demo" in text
    assert "python -m pytest" in text


@pytest.mark.parametrize(
    "doc", [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"], ids=lambda p: p.name
)
def test_relative_links_resolve(doc):
    for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", doc.read_text(encoding="utf-8")):
        assert (doc.parent / target).exists(), f"{doc.name} links to missing {target}"


def _without_fences(text: str) -> str:
    # a fence line becomes a blank line, so an example's expected output ends at
    # its closing fence instead of swallowing the fence (and the prose after it)
    return re.sub(r"^[ \t]*```.*$", "", text, flags=re.M)


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_doc_examples_run(doc, pytestconfig):
    """Every ``>>>`` example, with pytest's doctest flags (NUMBER, ELLIPSIS, ...)."""
    from _pytest.doctest import _get_checker, get_optionflags

    text = _without_fences(doc.read_text(encoding="utf-8"))
    test = doctest.DocTestParser().get_doctest(text, {}, doc.name, str(doc), 0)
    runner = doctest.DocTestRunner(
        checker=_get_checker(), optionflags=get_optionflags(pytestconfig), verbose=False
    )
    report: list[str] = []
    result = runner.run(test, out=report.append, clear_globs=True)
    assert result.failed == 0, "".join(report)
    if ">>>" in doc.read_text(encoding="utf-8"):
        assert result.attempted > 0, f"{doc.name} has >>> lines but no example was found"
