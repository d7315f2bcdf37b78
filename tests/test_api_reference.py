"""The API reference lists every public name, and nothing that is not public.

docs/api/<module>.rst holds one page per public module (tests/test_public_api.py's
PUBLIC_MODULES) with autosummary tables from which Sphinx generates one page
per name. A name added to a module's ``__all__`` without an entry here fails
this test; so does an entry left behind after a name is removed. When the
site is built, every name must also have its generated page.
"""

from __future__ import annotations

import importlib
import os
import re
from pathlib import Path

import pytest

from tests.test_public_api import PUBLIC_MODULES

ROOT = Path(__file__).resolve().parents[1]
API = ROOT / "docs" / "api"
SITE = Path(os.environ.get("KAMCORE_DOCS_HTML", ROOT / "docs" / "_build" / "html"))


def _listed(module: str) -> list[str]:
    text = (API / f"{module}.rst").read_text(encoding="utf-8")
    names: list[str] = []
    for block in re.findall(r"^\.\. autosummary::\n((?:[ \t]+.*\n|\n)+)", text, flags=re.M):
        names += [
            line.strip()
            for line in block.splitlines()
            if line.strip() and not line.strip().startswith(":")
        ]
    return names


def test_every_public_module_has_a_page_in_the_index():
    index = (API / "index.md").read_text(encoding="utf-8")
    toctree = re.search(r"```\{toctree\}\n(.*?)```", index, flags=re.S)
    assert toctree is not None
    entries = [ln.strip() for ln in toctree.group(1).splitlines() if ln.strip() and ":" not in ln]
    assert entries == list(PUBLIC_MODULES)
    pages = sorted(p.stem for p in API.glob("*.rst"))
    assert pages == sorted(PUBLIC_MODULES)


@pytest.mark.parametrize("module", PUBLIC_MODULES)
def test_every_public_name_is_in_the_api_reference(module):
    public = set(importlib.import_module(module).__all__)
    listed = _listed(module)
    assert len(listed) == len(set(listed)), f"{module}: a name is listed twice"
    missing = sorted(public - set(listed))
    stale = sorted(set(listed) - public)
    assert not missing, f"docs/api/{module}.rst does not list {missing}"
    assert not stale, f"docs/api/{module}.rst lists names that are not public: {stale}"
    text = (API / f"{module}.rst").read_text(encoding="utf-8")
    assert f".. currentmodule:: {module}\n" in text


@pytest.mark.skipif(
    not (SITE / "index.html").exists(), reason=f"documentation site not built at {SITE}"
)
@pytest.mark.parametrize("module", PUBLIC_MODULES)
def test_every_public_name_has_a_built_page(module):
    assert (SITE / "api" / f"{module}.html").exists()
    for name in importlib.import_module(module).__all__:
        page = SITE / "api" / "generated" / f"{module}.{name}.html"
        assert page.exists(), f"no API page for {module}.{name}"
        assert f'id="{module}.{name}"' in page.read_text(encoding="utf-8"), (
            f"the page of {module}.{name} does not document it"
        )
