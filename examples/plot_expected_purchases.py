"""Expected repeat purchases of a new CDNOW customer over 78 weeks (BG/NBD).

Usage: python examples/plot_expected_purchases.py [OUTPUT.png]
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
from kamcore.plotting import ExpectedPurchasesDisplay

MODEL = BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426)


def build() -> ExpectedPurchasesDisplay:
    """Compute the display shown by this example."""
    return ExpectedPurchasesDisplay.from_model(MODEL, t_max=78.0, unit="weeks")


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
