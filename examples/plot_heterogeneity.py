"""Purchase-rate heterogeneity of CDNOW customers under the Pareto/NBD.

Usage: python examples/plot_heterogeneity.py [OUTPUT.png]
(default: a PNG in a new temporary directory)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from kamcore.clp import ParetoNBD
from kamcore.plotting import HeterogeneityDisplay

MODEL = ParetoNBD(r=0.553, alpha=10.578, s=0.606, beta=11.669)


def build() -> HeterogeneityDisplay:
    """Compute the display shown by this example."""
    return HeterogeneityDisplay.from_model(MODEL, kind="transaction")


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
