"""Grade migration between two re-gradings, as shares of each starting grade.

Usage: python examples/plot_grade_migration.py [OUTPUT.png]
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

from kamcore.plotting import GradeMigrationDisplay
from kamcore.scoring import GradeHistory, Grading

LEVELS = ("A", "B", "C", "D")


def build() -> GradeMigrationDisplay:
    """Compute the display shown by this example."""
    rng = np.random.default_rng(5)
    before_ids = [f"acct-{i:03d}" for i in range(100)]
    after_ids = before_ids[8:] + [f"acct-{i:03d}" for i in range(100, 110)]  # 8 lost, 10 new
    before = rng.integers(0, 4, len(before_ids))
    moved = {
        i: int(np.clip(g + rng.choice([-1, 0, 0, 0, 1]), 0, 3))
        for i, g in zip(before_ids, before, strict=True)
    }
    after = [moved.get(i, int(rng.integers(2, 4))) for i in after_ids]
    history = GradeHistory(
        [
            Grading("2023-12-31", before_ids, [LEVELS[g] for g in before], levels=LEVELS),
            Grading("2024-12-31", after_ids, [LEVELS[g] for g in after], levels=LEVELS),
        ]
    )
    return GradeMigrationDisplay.from_history(history, normalize="row")


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
