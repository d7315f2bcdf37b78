"""The examples gallery: run every ``examples/plot_*.py`` and give each its page.

Each script in ``examples/`` builds one Display and has ``main(argv)`` that
draws it and saves a PNG (the same entry point tests/test_examples.py runs).
When the builder starts, this extension runs every script, writes its figure
to ``docs/gallery/_images/`` and writes one Markdown page per script (the
script's docstring, the figure and the full source) plus the gallery's index
with a thumbnail grid. The generated files are not kept in git; a script
that fails stops the build.
"""

from __future__ import annotations

import contextlib
import io
import runpy
from pathlib import Path
from typing import Any

GALLERY = "gallery"


def _title_and_body(script: Path) -> tuple[str, str]:
    source = script.read_text(encoding="utf-8")
    doc = source.split('"""', 2)[1].strip() if source.startswith('"""') else script.stem
    lines = [ln for ln in doc.splitlines() if not ln.startswith(("Usage:", "(default:"))]
    title = lines[0].rstrip(".")
    body = "\n".join(lines[1:]).strip()
    return title, body


def generate(app: Any) -> None:
    """Run each example and write its page, its figure and the gallery index."""
    srcdir = Path(app.srcdir)
    examples = sorted((srcdir.parent / "examples").glob("plot_*.py"))
    out = srcdir / GALLERY
    images = out / "_images"
    images.mkdir(parents=True, exist_ok=True)
    cards = []
    for script in examples:
        png = images / f"{script.stem}.png"
        if not png.exists() or png.stat().st_mtime < script.stat().st_mtime:
            namespace = runpy.run_path(str(script), run_name="example")
            with contextlib.redirect_stdout(io.StringIO()):  # main() prints the path
                namespace["main"]([str(script), str(png)])
        title, body = _title_and_body(script)
        display = next(
            (w for w in script.read_text(encoding="utf-8").split() if w.endswith("Display")),
            "",
        )
        page = [
            f"# {title}",
            "",
            body,
            "",
            f"Display: {{class}}`kamcore.plotting.{display}`." if display else "",
            "",
            f"```{{image}} _images/{png.name}",
            f":alt: {title}",
            "```",
            "",
            f"Run it with `python examples/{script.name} OUT.png`:",
            "",
            f"```{{literalinclude}} ../../examples/{script.name}",
            ":language: python",
            "```",
            "",
        ]
        (out / f"{script.stem}.md").write_text("\n".join(page), encoding="utf-8")
        cards.append((script.stem, title, png.name))
    index = [
        "# Examples gallery",
        "",
        "Short scripts in `examples/`, each computing one Display object from",
        "`kamcore.plotting` and drawing one figure. Every script runs on each",
        "build of this site and in the test suite, so the figures below are",
        "always the ones the current code draws.",
        "",
        "::::{grid} 1 2 3 3",
        ":gutter: 2",
        "",
    ]
    for stem, title, image in cards:
        index += [
            f":::{{grid-item-card}} {title}",
            f":link: {stem}",
            ":link-type: doc",
            f":img-top: _images/{image}",
            ":::",
            "",
        ]
    index += ["::::", "", "```{toctree}", ":hidden:", "", *[c[0] for c in cards], "```", ""]
    (out / "index.md").write_text("\n".join(index), encoding="utf-8")


def setup(app: Any) -> dict[str, Any]:
    """Register the generator with Sphinx."""
    app.connect("builder-inited", generate)
    return {"parallel_read_safe": True, "version": "1"}
