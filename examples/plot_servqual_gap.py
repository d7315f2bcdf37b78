"""SERVQUAL gaps and the zone of tolerance of a simulated 22-item survey.

Usage: python examples/plot_servqual_gap.py [OUTPUT.png]
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

from kamcore.plotting import ServqualGapDisplay
from kamcore.satisfaction import Instrument, SatisfactionModel, SurveyResponses


def build() -> ServqualGapDisplay:
    """Compute the display shown by this example."""
    inst = Instrument.servqual()
    rng = np.random.default_rng(7)
    n, k = 60, inst.n_items
    shift = np.repeat([0.3, -0.8, -0.2, 0.1, -0.5], [4, 5, 4, 4, 5])  # per dimension
    adequate = np.clip(np.round(rng.normal(4.0, 0.8, (n, k))), 1, 7)
    desired = np.clip(adequate + np.round(rng.uniform(1, 3, (n, k))), 1, 7)
    expected = np.clip(np.round((adequate + desired) / 2), 1, 7)
    perceived = np.clip(np.round(expected + shift + rng.normal(0, 0.8, (n, k))), 1, 7)
    customers = [f"C{i % 12}" for i in range(n)]
    answers = SurveyResponses(
        inst,
        customers,
        perception=perceived,
        expectation=expected,
        adequate=adequate,
        desired=desired,
    )
    model = SatisfactionModel()
    return ServqualGapDisplay.from_result(
        model.evaluate(answers), zone=model.evaluate_zone(answers)
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
