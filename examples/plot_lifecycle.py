"""One account's lifecycle stages with its quarterly sales.

Usage: python examples/plot_lifecycle.py [OUTPUT.png]
(default: a PNG in a new temporary directory)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import datetime as dt

import matplotlib.pyplot as plt

from kamcore.domain import LifecycleStage, Relationship
from kamcore.plotting import LifecycleDisplay


def build() -> LifecycleDisplay:
    """Compute the display shown by this example."""
    r = Relationship.start("rel-7", "acme", account_manager="amy", on=dt.date(2020, 2, 1))
    r = r.move_to(LifecycleStage.FORMATION, on=dt.date(2020, 9, 1))
    r = r.move_to(LifecycleStage.STABILITY, on=dt.date(2021, 6, 1))
    r = r.move_to(LifecycleStage.DECLINE, on=dt.date(2023, 3, 1))
    quarters = [dt.date(y, m, 1) for y in range(2020, 2024) for m in (1, 4, 7, 10)]
    sales = [5, 8, 20, 35, 48, 60, 72, 80, 84, 82, 85, 81, 70, 55, 44, 38]
    return LifecycleDisplay.from_relationship(
        r, until=dt.date(2024, 1, 1), sales_dates=quarters, sales=sales
    )


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
