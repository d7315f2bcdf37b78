"""Distribution of customer lifetime profit of the CDNOW sample (BG/NBD + Gamma-Gamma).

Usage: python examples/plot_clp_distribution.py [OUTPUT.png]
(default: a PNG in a new temporary directory)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from kamcore.clp import BetaGeo, GammaGamma, customer_lifetime_profit
from kamcore.data import load_cdnow
from kamcore.plotting import ClpDistributionDisplay


def build() -> ClpDistributionDisplay:
    """Compute the display shown by this example."""
    s = load_cdnow("summary")
    profit = customer_lifetime_profit(
        BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426),
        frequency=s.column("frequency"),
        recency=s.column("recency"),
        T=s.column("T"),
        spend_model=GammaGamma(p=6.25, q=3.74, gamma=15.44),
        average_spend=s.column("monetary_value"),
        margin_rate=0.3,
        discount_rate=0.01,  # per month
        n_periods=24,  # two years of months
        period_length=52 / 12,  # a month in weeks, the model's time unit
    )
    return ClpDistributionDisplay.from_profit(profit, bins=40)


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
