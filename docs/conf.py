"""Sphinx configuration for the kamcore documentation site.

Build it from the repository root (strict: any warning fails)::

    pip install -e ".[all]" --group docs
    sphinx-build -W --keep-going -b html docs docs/_build/html

Why Sphinx: numpydoc and autosummary read the numpydoc docstrings as they are
(sections, formulas, examples), MyST-NB executes the notebooks within the same
strict build, and the scientific-Python sites users know are built with it.

Markdown pages are read by MyST-NB, which also executes the tutorial
notebooks (jupytext Markdown); the API reference is generated from the
docstrings by autosummary and numpydoc; the gallery page runs every script
in ``examples/`` and embeds its figure (``docs/_ext/gallery.py``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(DOCS / "_ext"))
# The notebook kernels inherit this environment: without MPLBACKEND they use
# matplotlib's inline backend and the tutorials' figures are embedded (CI sets
# Agg for the test suite). The gallery scripts select Agg themselves.
os.environ.pop("MPLBACKEND", None)

import kamcore  # noqa: E402

project = "kamcore"
author = "kamcore developers"
copyright = "kamcore developers, MIT licence"  # noqa: A001
release = kamcore.__version__
version = release

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",  # serves MathJax 3 from _static: the site needs no network
    "numpydoc",
    "sphinx_design",
    "gallery",
]

source_suffix = {".rst": "restructuredtext", ".md": "myst-nb"}
root_doc = "index"
exclude_patterns = ["_build", "jupyter_execute", "**.ipynb_checkpoints"]
templates_path = ["_templates"]
suppress_warnings = ["myst.header"]

# ----------------------------------------------------------------- MyST / notebooks
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3
nb_execution_mode = "force"  # every tutorial runs top to bottom on each build
nb_execution_raise_on_error = True
nb_execution_timeout = 300
nb_execution_show_tb = True
nb_merge_streams = True

# ----------------------------------------------------------------- API reference
autosummary_generate = True
autosummary_imported_members = True
autodoc_typehints = "none"  # the signature shows the annotations; numpydoc shows the prose
autodoc_default_options = {"member-order": "bysource"}
add_module_names = False
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = False
numpydoc_xref_param_type = False

# ----------------------------------------------------------------- HTML
html_theme = "pydata_sphinx_theme"
html_title = f"kamcore {release}"
html_static_path: list[str] = []
html_show_sourcelink = False
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "header_links_before_dropdown": 6,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": [],
}
html_sidebars = {"index": []}
html_context = {"default_mode": "auto"}  # an empty default makes the theme log an error


# ----------------------------------------------------------------- constants' docs
# A public constant is documented by a ``#:`` comment (or a string literal right
# after it) where it is defined, usually a private module. autodoc only looks in
# the module it documents the name from (the package ``__init__``), and would
# otherwise fall back to the docstring of the value's type (tuple, ndarray, ...).
def _attr_docs(modname: str, name: str) -> list[str] | None:
    from sphinx.pycode import ModuleAnalyzer

    candidates = [m for m in sorted(sys.modules) if m == modname or m.startswith(modname + ".")]
    for candidate in candidates:
        try:
            docs = ModuleAnalyzer.for_module(candidate).find_attr_docs()
        except Exception:  # noqa: BLE001 - extension modules, namespace packages
            continue
        if ("", name) in docs:
            return [line for line in docs["", name] if line is not None]
    return None


def _constant_docstring(app, what, name, obj, options, lines):  # noqa: ANN001, ARG001
    if what not in {"data", "attribute"} or "." not in name:
        return
    modname, _, attr = name.rpartition(".")
    if not modname.startswith("kamcore") or attr[:1].islower() and what == "attribute":
        return
    found = _attr_docs(modname, attr)
    if found is not None:
        lines[:] = found
    elif lines and type(obj).__doc__ and lines[0] in type(obj).__doc__:
        lines[:] = []


def setup(app):  # noqa: ANN001, ANN201
    app.connect("autodoc-process-docstring", _constant_docstring)
