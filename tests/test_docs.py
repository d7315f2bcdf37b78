"""The README's quickstart runs, the docs' ``>>>`` examples hold, relative links resolve,
and the tutorial notebooks run top to bottom."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# pages written by the site build (docs/_build, the generated API stubs and
# the gallery, the executed notebooks) are not sources
GENERATED = {"_build", "generated", "gallery", "jupyter_execute"}
DOC_PAGES = sorted(
    p
    for p in (ROOT / "docs").rglob("*.md")
    if not GENERATED & set(p.relative_to(ROOT / "docs").parts)
)
DOCS = [*DOC_PAGES, ROOT / "README.md"]
NOTEBOOKS = [p for p in DOC_PAGES if "file_format: mystnb" in p.read_text(encoding="utf-8")]


def _doc_id(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


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


@pytest.mark.parametrize("doc", DOCS, ids=_doc_id)
def test_relative_links_resolve(doc):
    for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", doc.read_text(encoding="utf-8")):
        assert (doc.parent / target).exists(), f"{doc.name} links to missing {target}"


def _without_fences(text: str) -> str:
    # a fence line becomes a blank line, so an example's expected output ends at
    # its closing fence instead of swallowing the fence (and the prose after it)
    return re.sub(r"^[ \t]*```.*$", "", text, flags=re.M)


@pytest.mark.parametrize("doc", DOCS, ids=_doc_id)
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


def test_docs_pages_are_found():
    names = {_doc_id(p) for p in DOC_PAGES}
    assert {"docs/index.md", "docs/howto/custom_scorer.md", "docs/glossary.md"} <= names
    assert len(NOTEBOOKS) >= 4, NOTEBOOKS


def _code_cells(text: str) -> list[str]:
    cells = re.findall(r"^```\{code-cell\}[^\n]*\n(.*?)^```", text, flags=re.S | re.M)
    return [re.sub(r"^:[\w-]+:.*\n", "", cell, flags=re.M) for cell in cells]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=_doc_id)
def test_tutorial_notebook_runs(notebook, monkeypatch):
    """Every code cell of a tutorial, in order, in one namespace (the site build
    executes the same cells in a Jupyter kernel and embeds their output)."""
    pytest.importorskip("pandas")
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    monkeypatch.setattr(plt, "show", lambda *args, **kwargs: None)
    cells = _code_cells(notebook.read_text(encoding="utf-8"))
    assert cells, f"{notebook.name} has no code cells"
    namespace: dict[str, object] = {"__name__": "__tutorial__"}
    try:
        for i, cell in enumerate(cells):
            exec(compile(cell, f"{notebook.name} cell {i}", "exec"), namespace)
    finally:
        plt.close("all")
