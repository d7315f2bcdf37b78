"""Cumulative repeat transactions of the CDNOW cohort, actual vs BG/NBD, by week.

Usage: python examples/plot_transaction_tracking.py [OUTPUT.png]
(default: a PNG in a new temporary directory)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from kamcore.clp import BetaGeo
from kamcore.data import load_cdnow
from kamcore.plotting import TransactionTrackingDisplay

MODEL = BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426)


def build() -> TransactionTrackingDisplay:
    """Compute the display shown by this example."""
    return TransactionTrackingDisplay.from_model(
        MODEL, load_cdnow("transactions"), time_unit="W", calibration_end="1997-09-30"
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
