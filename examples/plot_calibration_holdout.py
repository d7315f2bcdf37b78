"""Calibration (weeks 1-39) vs holdout (weeks 40-78) purchases of the CDNOW sample.

Usage: python examples/plot_calibration_holdout.py [OUTPUT.png]
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
from kamcore.plotting import CalibrationHoldoutDisplay
from kamcore.transactions import calibration_holdout

MODEL = BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426)


def build() -> CalibrationHoldoutDisplay:
    """Compute the display shown by this example."""
    split = calibration_holdout(
        load_cdnow("transactions"),
        calibration_end="1997-09-30",
        observation_end="1998-06-30",
        time_unit="W",
    )
    return CalibrationHoldoutDisplay.from_model(MODEL, split, max_frequency=7)


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
