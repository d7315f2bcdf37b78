"""Every script in examples/ runs and writes a PNG, and every Display has one."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

import kamcore.plotting

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("plot_*.py"))


def test_every_display_has_an_example():
    text = "\n".join(p.read_text(encoding="utf-8") for p in EXAMPLES)
    missing = [name for name in kamcore.plotting.__all__ if f"{name}." not in text]
    assert not missing, f"no example script uses {missing}"
    assert len(EXAMPLES) == len(kamcore.plotting.__all__)


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.name)
def test_example_writes_a_png(script, tmp_path):
    namespace = runpy.run_path(str(script), run_name="example")  # not "__main__"
    out = tmp_path / "figure.png"
    assert namespace["main"]([str(script), str(out)]) == out
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert out.stat().st_size > 5_000  # a drawn figure, not an empty canvas
    assert not plt.get_fignums()  # the script closed its figure
