"""Attraction x barrier loyalty matrix (Jones & Sasser) of 80 simulated accounts.

Usage: python examples/plot_loyalty_matrix.py [OUTPUT.png]
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

from kamcore.plotting import LoyaltyMatrixDisplay


def build() -> LoyaltyMatrixDisplay:
    """Compute the display shown by this example."""
    rng = np.random.default_rng(11)
    attraction = rng.normal(0.0, 1.0, 80)  # e.g. a satisfaction gap
    barrier = np.clip(rng.beta(2, 2, 80) + 0.1 * attraction, 0, 1)  # switching-cost index
    return LoyaltyMatrixDisplay.from_values(attraction, barrier, scheme="jones_sasser")


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
