"""How one customer's P(alive) moves with their purchases (BG/NBD, weeks).

Usage: python examples/plot_probability_alive_history.py [OUTPUT.png]
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
from kamcore.plotting import ProbabilityAliveHistoryDisplay

MODEL = BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426)
PURCHASES = ["1997-01-03", "1997-02-10", "1997-02-24", "1997-05-30", "1997-06-02"]


def build() -> ProbabilityAliveHistoryDisplay:
    """Compute the display shown by this example."""
    return ProbabilityAliveHistoryDisplay.from_model(
        MODEL, dates=PURCHASES, end="1998-06-30", time_unit="W"
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
