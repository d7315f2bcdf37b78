"""Accounts per grade at three yearly re-gradings.

Usage: python examples/plot_grade_distribution.py [OUTPUT.png]
(default: a PNG in a new temporary directory)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from kamcore.plotting import GradeDistributionDisplay
from kamcore.scoring import GradeHistory, Grading

LEVELS = ("A", "B", "C", "D")


def history() -> GradeHistory:
    """Three yearly gradings of 120 simulated accounts."""
    rng = np.random.default_rng(3)
    ids = [f"acct-{i:03d}" for i in range(120)]
    gradings = [
        Grading(f"{year}-12-31", ids, rng.choice(LEVELS, len(ids), p=p), levels=LEVELS)
        for year, p in [
            (2022, [0.1, 0.2, 0.4, 0.3]),
            (2023, [0.12, 0.25, 0.38, 0.25]),
            (2024, [0.15, 0.3, 0.35, 0.2]),
        ]
    ]
    return GradeHistory(gradings)


def build() -> GradeDistributionDisplay:
    """Compute the display shown by this example."""
    return GradeDistributionDisplay.from_history(history())


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
