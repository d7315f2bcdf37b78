"""Lorenz curve of the CDNOW sample's total revenue per customer.

Usage: python examples/plot_lorenz_curve.py [OUTPUT.png]
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

from kamcore.data import load_cdnow
from kamcore.plotting import LorenzCurveDisplay


def build() -> LorenzCurveDisplay:
    """Compute the display shown by this example."""
    log = load_cdnow("transactions")
    _, code = np.unique(log.customer_ids, return_inverse=True)
    revenue = np.bincount(code, weights=log.amounts)
    return LorenzCurveDisplay.from_values(revenue, label="revenue")


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
