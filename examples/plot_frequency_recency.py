"""Expected purchases in the next 39 weeks by frequency and recency (CDNOW, BG/NBD).

Usage: python examples/plot_frequency_recency.py [OUTPUT.png]
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
from kamcore.plotting import FrequencyRecencyDisplay

# the published BG/NBD estimates for the CDNOW sample (weeks)
MODEL = BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426)


def build() -> FrequencyRecencyDisplay:
    """Compute the display shown by this example."""
    return FrequencyRecencyDisplay.from_model(MODEL, T=39.0, max_frequency=20, t=39.0, unit="weeks")


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
