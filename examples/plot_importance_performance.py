"""Importance-performance map of the five SERVQUAL dimensions.

Usage: python examples/plot_importance_performance.py [OUTPUT.png]
(default: a PNG in a new temporary directory)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from kamcore.plotting import ImportancePerformanceDisplay
from kamcore.satisfaction import importance_performance


def build() -> ImportancePerformanceDisplay:
    """Compute the display shown by this example."""
    ipa = importance_performance(
        [0.32, 0.22, 0.11, 0.19, 0.16],
        [-1.1, -0.3, 0.4, -0.9, 0.2],
        names=["reliability", "responsiveness", "tangibles", "assurance", "empathy"],
    )
    return ImportancePerformanceDisplay.from_result(ipa)


def main(argv: list[str]) -> Path:
    """Draw the display and save it as a PNG; return the path."""
    default = Path(tempfile.mkdtemp()) / f"{Path(__file__).stem}.png"
    out = Path(argv[1]) if len(argv) > 1 else default
    display = build().plot()
    display.figure_.savefig(out, dpi=100, bbox_inches="tight")
    plt.close(display.figure_)
    print(out)
    return out


if __name__ == "__main__":
    main(sys.argv)
