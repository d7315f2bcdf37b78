"""The README's quickstart runs, and the docs' relative links resolve."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


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


@pytest.mark.parametrize("name", ["domain.md", "json.md"])
def test_docs_examples_run(name):
    import doctest

    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testfile(
        str(ROOT / "docs" / name), module_relative=False, optionflags=flags, verbose=False
    )
    assert result.attempted > 0
    assert result.failed == 0
