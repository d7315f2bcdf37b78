"""The CDNOW workflow end to end, as in docs/tutorials/cdnow_full_log.md.

Load the full CDNOW transaction log (23,570 customers), split it at
1997-09-30 into a calibration period and a holdout period to 1998-06-30
(time in weeks of 7 days), fit BG/NBD, Pareto/NBD and Gamma-Gamma on the
calibration period, compare predicted with actual holdout purchases, value
every customer's next 12 months (30% margin, 1% discount per month) and rank
them in a pandas DataFrame keyed by customer id.

Usage: python examples/workflow_cdnow.py [--sample]
(``--sample``: the 1/10 sample of 2,357 customers instead of the full log)
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from kamcore.clp import BetaGeo, GammaGamma, ParetoNBD, customer_lifetime_profit
from kamcore.data import load_cdnow
from kamcore.transactions import calibration_holdout

CALIBRATION_END = "1997-09-30"
OBSERVATION_END = "1998-06-30"
#: profit per dollar of revenue
MARGIN_RATE = 0.30
#: discount rate per month
MONTHLY_DISCOUNT = 0.01
#: one month in weeks: the average month of 365.25 / 12 days
MONTH_IN_WEEKS = 365.25 / 12 / 7
HORIZON_MONTHS = 12


def run(*, sample: bool = False) -> dict[str, Any]:
    """Run the workflow and return its results by name.

    Returns
    -------
    dict
        ``split`` (CalibrationHoldout), ``bg``, ``pnbd``, ``gg`` (fitted
        models), ``bg_pred``, ``pnbd_pred`` (CustomerPredictions over the
        holdout length), ``holdout`` (pandas DataFrame keyed by id: calibration
        frequency, actual and predicted holdout purchases), ``by_frequency``
        (its means by calibration frequency, 7+ pooled), ``profit``
        (CustomerProfit, 12 months) and ``ranked`` (the profit frame sorted by
        CLP, largest first).
    """
    log = load_cdnow(kind="transactions", sample=sample)
    split = calibration_holdout(
        log, calibration_end=CALIBRATION_END, observation_end=OBSERVATION_END, time_unit="W"
    )
    cal = split.calibration
    bg = BetaGeo.fit(frequency=cal.frequency, recency=cal.recency, T=cal.T)
    pnbd = ParetoNBD.fit(frequency=cal.frequency, recency=cal.recency, T=cal.T)
    gg = GammaGamma.fit(
        frequency=cal.frequency,
        average_spend=cal.monetary_value,
        exclude_zero_frequency=True,
        nonpositive="exclude",
        customer_ids=cal.ids,
    )
    bg_pred = bg.predict(split)  # t = the holdout length, 39 weeks
    pnbd_pred = pnbd.predict(split)
    holdout = split.to_frame()[["id", "frequency", "holdout_frequency"]]
    holdout = holdout.assign(
        bg_nbd=bg_pred["expected_purchases"], pareto_nbd=pnbd_pred["expected_purchases"]
    )
    by_frequency = (
        holdout.assign(frequency=np.minimum(holdout["frequency"], 7))
        .groupby("frequency")[["holdout_frequency", "bg_nbd", "pareto_nbd"]]
        .mean()
    )
    profit = customer_lifetime_profit(
        bg,
        split,
        spend_model=gg,
        margin_rate=MARGIN_RATE,
        discount_rate=MONTHLY_DISCOUNT,
        n_periods=HORIZON_MONTHS,
        period_length=MONTH_IN_WEEKS,
    )
    return {
        "split": split,
        "bg": bg,
        "pnbd": pnbd,
        "gg": gg,
        "bg_pred": bg_pred,
        "pnbd_pred": pnbd_pred,
        "holdout": holdout,
        "by_frequency": by_frequency,
        "profit": profit,
        "ranked": profit.ranked(),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the workflow, print its report and return the results of :func:`run`."""
    argv = sys.argv if argv is None else argv
    res = run(sample="--sample" in argv[1:])
    split = res["split"]
    print(f"{len(split):,} customers; holdout {split.holdout_length:.0f} weeks")
    for name in ("bg", "pnbd", "gg"):
        print(res[name].summary())
    h = res["holdout"]
    print(
        f"holdout purchases: actual {int(h['holdout_frequency'].sum()):,}, "
        f"BG/NBD {h['bg_nbd'].sum():,.0f}, Pareto/NBD {h['pareto_nbd'].sum():,.0f}"
    )
    print(res["by_frequency"].round(2))
    print(f"12-month CLP, all customers: {res['profit'].total():,.0f} USD")
    print(res["ranked"].head(10).round(2).to_string(index=False))
    return res


if __name__ == "__main__":
    main()
