"""The CDNOW notebook workflow end to end: kamcore vs lifetimes, per stage and whole process.

The workflow is the one of ``docs/tutorials/cdnow_full_log.md`` on the full CDNOW log
(69,659 transactions, 23,570 customers):

1. ``load``: read the transaction log;
2. ``split``: calibration to 1997-09-30, holdout to 1998-06-30, time in weeks
   of 7 days;
3. ``fit``: BG/NBD, Pareto/NBD and Gamma-Gamma (repeat buyers with positive
   spend) on the calibration period, plain maximum likelihood;
4. ``predict``: expected holdout purchases (39 weeks) of both transaction
   models, P(alive), expected spend per purchase;
5. ``clp``: 12 monthly periods of 4.345 weeks, 1% discount per month, 30%
   margin (BG/NBD + Gamma-Gamma);
6. ``rank``: a pandas DataFrame keyed by customer id, sorted by CLP.

lifetimes' steps are its own: ``calibration_and_holdout_data`` with
``freq="D"`` (whole days; recency, T and the holdout length are then divided
by 7, which is kamcore's ``time_unit="W"``), the ``*Fitter.fit`` methods,
``conditional_expected_number_of_purchases_up_to_time``,
``conditional_probability_alive``, ``conditional_expected_average_profit`` and
``customer_lifetime_value(..., time=12, discount_rate=0.01, freq="W")`` (its
monthly period is 4.345 weeks, so kamcore is given ``period_length=4.345``
here; its CLV is revenue, so the margin is applied to it afterwards).

Usage::

    PYTHONPATH=$PWD python benchmarks/bench_workflow_cdnow.py [--runs 5] [--peer-python PY]
    PY benchmarks/bench_workflow_cdnow.py --engine lifetimes --reference OUT.json

The first form runs each engine ``--runs`` times, each run in a fresh
interpreter (so ``load`` includes reading the file and ``import`` is timed
separately as ``import``), and prints the median time of every stage and
the ratio lifetimes / kamcore. The peer interpreter (``--peer-python``,
default ``benchmarks/.peer-venv/bin/python``) must have ``lifetimes``
installed; kamcore never imports it. The second form writes the reference
values that ``tests/test_workflow_cdnow.py`` checks kamcore against.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MASTER = ROOT / "kamcore" / "data" / "cdnow_master_log.txt.gz"
PEER_VENV_PYTHON = ROOT / "benchmarks" / ".peer-venv" / "bin" / "python"
CALIBRATION_END = "1997-09-30"
OBSERVATION_END = "1998-06-30"
MARGIN_RATE = 0.30
MONTHLY_DISCOUNT = 0.01
LIFETIMES_MONTH_IN_WEEKS = 4.345
HORIZON_MONTHS = 12
#: customers whose predictions are recorded in the reference (ids of the full log)
SAMPLE_IDS = ("1", "2", "4", "18", "586", "7592", "14048", "23570")
STAGES = ("import", "load", "split", "fit", "predict", "clp", "rank")


def _clock() -> float:
    return time.perf_counter()


# ----------------------------------------------------------------- kamcore
def run_kamcore() -> tuple[dict[str, float], dict[str, Any]]:
    """Run the workflow with kamcore; return stage seconds and the results."""
    times: dict[str, float] = {}
    t = _clock()
    from kamcore.clp import BetaGeo, GammaGamma, ParetoNBD, customer_lifetime_profit
    from kamcore.data import load_cdnow
    from kamcore.transactions import calibration_holdout

    times["import"] = _clock() - t
    t = _clock()
    log = load_cdnow(kind="transactions", sample=False)
    times["load"] = _clock() - t
    t = _clock()
    split = calibration_holdout(
        log, calibration_end=CALIBRATION_END, observation_end=OBSERVATION_END, time_unit="W"
    )
    cal = split.calibration
    times["split"] = _clock() - t
    t = _clock()
    bg = BetaGeo.fit(frequency=cal.frequency, recency=cal.recency, T=cal.T)
    pnbd = ParetoNBD.fit(frequency=cal.frequency, recency=cal.recency, T=cal.T)
    gg = GammaGamma.fit(
        frequency=cal.frequency,
        average_spend=cal.monetary_value,
        exclude_zero_frequency=True,
        nonpositive="exclude",
    )
    times["fit"] = _clock() - t
    t = _clock()
    bg_pred = bg.predict(split)
    pnbd_pred = pnbd.predict(split)
    spend = gg.predict(split)
    times["predict"] = _clock() - t
    t = _clock()
    profit = customer_lifetime_profit(
        bg,
        split,
        spend_model=gg,
        margin_rate=MARGIN_RATE,
        discount_rate=MONTHLY_DISCOUNT,
        n_periods=HORIZON_MONTHS,
        period_length=LIFETIMES_MONTH_IN_WEEKS,
    )
    times["clp"] = _clock() - t
    t = _clock()
    ranked = profit.ranked()
    times["rank"] = _clock() - t
    results = {
        "top10": ranked["id"].head(10).tolist(),
        "bg": bg.params,
        "pnbd": pnbd.params,
        "gg": gg.params,
        "holdout_bg": float(bg_pred["expected_purchases"].sum()),
        "holdout_pnbd": float(pnbd_pred["expected_purchases"].sum()),
        "spend_mean": float(spend["expected_spend"].mean()),
    }
    return times, results


# ----------------------------------------------------------------- lifetimes
def run_lifetimes() -> tuple[dict[str, float], dict[str, Any]]:
    """Run the workflow with lifetimes (peer interpreter only); stage seconds and results."""
    times: dict[str, float] = {}
    t = _clock()
    import lifetimes
    import numpy as np
    import pandas as pd
    from lifetimes.utils import calibration_and_holdout_data

    times["import"] = _clock() - t
    t = _clock()
    df = pd.read_csv(
        MASTER,
        sep=r"\s+",
        header=0,
        names=["customer_id", "date", "n_cds", "dollars"],
        dtype={"customer_id": "int64", "date": str},
    )
    df["customer_id"] = df["customer_id"].astype(str)
    df["date"] = pd.to_datetime(df["date"], format="%Y%m%d")
    times["load"] = _clock() - t
    t = _clock()
    ch = calibration_and_holdout_data(
        df,
        "customer_id",
        "date",
        calibration_period_end=CALIBRATION_END,
        observation_period_end=OBSERVATION_END,
        freq="D",
        monetary_value_col="dollars",
    )
    for col in ("recency_cal", "T_cal", "duration_holdout"):
        ch[col] = ch[col] / 7.0
    f, r, age = ch["frequency_cal"], ch["recency_cal"], ch["T_cal"]
    times["split"] = _clock() - t
    t = _clock()
    np.random.seed(0)  # noqa: NPY002 - lifetimes' own global state, in its own process
    bgf = lifetimes.BetaGeoFitter(penalizer_coef=0.0).fit(f, r, age)
    pnf = lifetimes.ParetoNBDFitter(penalizer_coef=0.0).fit(f, r, age)
    rep = ch[(ch["frequency_cal"] > 0) & (ch["monetary_value_cal"] > 0)]
    ggf = lifetimes.GammaGammaFitter(penalizer_coef=0.0).fit(
        rep["frequency_cal"], rep["monetary_value_cal"]
    )
    times["fit"] = _clock() - t
    t = _clock()
    horizon = float(ch["duration_holdout"].iloc[0])
    bg_pred = bgf.conditional_expected_number_of_purchases_up_to_time(horizon, f, r, age)
    bg_alive = pd.Series(bgf.conditional_probability_alive(f, r, age), index=ch.index)
    pn_pred = pnf.conditional_expected_number_of_purchases_up_to_time(horizon, f, r, age)
    pn_alive = pd.Series(pnf.conditional_probability_alive(f, r, age), index=ch.index)
    spend = ggf.conditional_expected_average_profit(f, ch["monetary_value_cal"])
    times["predict"] = _clock() - t
    t = _clock()
    clv = ggf.customer_lifetime_value(
        bgf,
        f,
        r,
        age,
        ch["monetary_value_cal"],
        time=HORIZON_MONTHS,
        discount_rate=MONTHLY_DISCOUNT,
        freq="W",
    )
    clp = MARGIN_RATE * clv
    times["clp"] = _clock() - t
    t = _clock()
    ranked = (
        pd.DataFrame({"clp": clp, "discounted_revenue": clv, "spend": spend})
        .rename_axis("id")
        .reset_index()
        .sort_values(["clp", "id"], ascending=[False, True], kind="stable")
    )
    times["rank"] = _clock() - t
    results = {
        "lifetimes_version": lifetimes.__version__,
        "n_customers": len(ch),
        "holdout_length_weeks": horizon,
        "frame": ch,
        "bgf": bgf,
        "pnf": pnf,
        "ggf": ggf,
        "bg_pred": bg_pred,
        "bg_alive": bg_alive,
        "pn_pred": pn_pred,
        "pn_alive": pn_alive,
        "spend": spend,
        "clv": clv,
        "ranked": ranked,
        "top10": ranked["id"].head(10).tolist(),
    }
    return times, results


def _sample_summary_fits() -> dict[str, Any]:
    """lifetimes on the published 2,357-customer calibration summary (weeks)."""
    import lifetimes
    import numpy as np
    import pandas as pd

    s = pd.read_csv(ROOT / "tests" / "data" / "cdnow_customers_summary_with_transactions.csv")
    np.random.seed(0)  # noqa: NPY002
    bgf = lifetimes.BetaGeoFitter(penalizer_coef=0.0).fit(s["x"], s["t_x"], s["T"])
    pnf = lifetimes.ParetoNBDFitter(penalizer_coef=0.0).fit(s["x"], s["t_x"], s["T"])
    rep = s[(s["x"] > 0) & (s["zbar"] > 0)]
    ggf = lifetimes.GammaGammaFitter(penalizer_coef=0.0).fit(rep["x"], rep["zbar"])
    return {
        "data": "tests/data/cdnow_customers_summary_with_transactions.csv (x, t_x, T in weeks)",
        "calls": [
            "BetaGeoFitter(penalizer_coef=0.0).fit(x, t_x, T)",
            "ParetoNBDFitter(penalizer_coef=0.0).fit(x, t_x, T)",
            "GammaGammaFitter(penalizer_coef=0.0).fit(x, zbar) on rows with x > 0 and zbar > 0",
        ],
        "bg": {k: float(bgf.params_[k]) for k in ("r", "alpha", "a", "b")},
        "pnbd": {k: float(pnf.params_[k]) for k in ("r", "alpha", "s", "beta")},
        "gg": {
            "p": float(ggf.params_["p"]),
            "q": float(ggf.params_["q"]),
            "gamma": float(ggf.params_["v"]),
        },
        "gg_rows": len(rep),
    }


def write_reference(path: Path) -> None:
    """Run the lifetimes workflow once and write its values as JSON (see the module doc)."""
    import numpy as np
    import pandas as pd
    import scipy

    _, res = run_lifetimes()
    ch = res["frame"]
    idx = list(SAMPLE_IDS)

    def pick(series: Any) -> dict[str, float]:
        return {i: float(series.loc[i]) for i in idx}

    by_freq = (
        pd.DataFrame(
            {
                "frequency": np.minimum(ch["frequency_cal"], 7),
                "actual": ch["frequency_holdout"],
                "bg_nbd": res["bg_pred"],
                "pareto_nbd": res["pn_pred"],
            }
        )
        .groupby("frequency")
        .mean()
    )
    doc = {
        "provenance": {
            "library": f"lifetimes {res['lifetimes_version']}",
            "environment": (
                f"Python {sys.version.split()[0]}, numpy {np.__version__}, "
                f"scipy {scipy.__version__}, pandas {pd.__version__}"
            ),
            "command": (
                "python benchmarks/bench_workflow_cdnow.py --engine lifetimes "
                "--reference tests/data/cdnow_workflow_reference.json"
            ),
            "calls": [
                (
                    "calibration_and_holdout_data(df, 'customer_id', 'date', "
                    f"calibration_period_end='{CALIBRATION_END}', "
                    f"observation_period_end='{OBSERVATION_END}', freq='D', "
                    "monetary_value_col='dollars'); recency_cal, T_cal, duration_holdout / 7"
                ),
                "BetaGeoFitter(penalizer_coef=0.0).fit(frequency_cal, recency_cal, T_cal)",
                "ParetoNBDFitter(penalizer_coef=0.0).fit(frequency_cal, recency_cal, T_cal)",
                (
                    "GammaGammaFitter(penalizer_coef=0.0).fit(frequency_cal, monetary_value_cal) "
                    "on rows with frequency_cal > 0 and monetary_value_cal > 0"
                ),
                "conditional_expected_number_of_purchases_up_to_time(duration_holdout, ...)",
                "conditional_probability_alive(frequency_cal, recency_cal, T_cal)",
                (
                    "GammaGammaFitter.conditional_expected_average_profit(frequency_cal, "
                    "monetary_value_cal)"
                ),
                (
                    f"GammaGammaFitter.customer_lifetime_value(bgf, ..., time={HORIZON_MONTHS}, "
                    f"discount_rate={MONTHLY_DISCOUNT}, freq='W') (revenue; a month is 4.345 weeks)"
                ),
            ],
            "data": "kamcore/data/cdnow_master_log.txt.gz, ids as integers without leading zeros",
        },
        "workflow": {
            "n_customers": res["n_customers"],
            "holdout_length_weeks": res["holdout_length_weeks"],
            "bg": {k: float(res["bgf"].params_[k]) for k in ("r", "alpha", "a", "b")},
            "pnbd": {k: float(res["pnf"].params_[k]) for k in ("r", "alpha", "s", "beta")},
            "gg": {
                "p": float(res["ggf"].params_["p"]),
                "q": float(res["ggf"].params_["q"]),
                "gamma": float(res["ggf"].params_["v"]),
            },
            "holdout_actual_total": int(ch["frequency_holdout"].sum()),
            "holdout_bg_total": float(res["bg_pred"].sum()),
            "holdout_pnbd_total": float(res["pn_pred"].sum()),
            "holdout_by_frequency": {
                str(int(k)): {c: float(v) for c, v in row.items()} for k, row in by_freq.iterrows()
            },
            "customers": {
                "bg_expected_purchases": pick(res["bg_pred"]),
                "bg_probability_alive": pick(res["bg_alive"]),
                "pnbd_expected_purchases": pick(res["pn_pred"]),
                "pnbd_probability_alive": pick(res["pn_alive"]),
                "expected_spend": pick(res["spend"]),
                "clv_revenue_12_months": pick(res["clv"]),
            },
            "clv_revenue_total": float(res["clv"].sum()),
            "top10_by_clp": res["top10"],
        },
        "sample_summary": _sample_summary_fits(),
    }
    path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {path}")


# ----------------------------------------------------------------- driver
def _worker(engine: str) -> None:
    times, results = run_kamcore() if engine == "kamcore" else run_lifetimes()
    print(json.dumps({"times": times, "top10": results["top10"]}))


def _spawn(python: str, engine: str) -> tuple[dict[str, float], float, list[str]]:
    t = _clock()
    out = subprocess.run(
        [python, __file__, "--engine", engine],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    wall = _clock() - t
    doc = json.loads(out.stdout.strip().splitlines()[-1])
    return doc["times"], wall, doc["top10"]


def compare(peer: str, runs: int) -> None:
    """Run both engines ``runs`` times in turn and print median stage times and ratios."""
    k_runs, l_runs = [], []
    for _ in range(runs):
        k_runs.append(_spawn(sys.executable, "kamcore"))
        l_runs.append(_spawn(peer, "lifetimes"))
    same = k_runs[0][2] == l_runs[0][2]
    print(f"runs: {runs} per engine, alternating; same top 10 customers: {same}")
    print("| stage | kamcore | lifetimes | lifetimes / kamcore |")
    print("| --- | --- | --- | --- |")
    for stage in (*STAGES, "all stages", "whole process"):
        if stage == "all stages":
            k = statistics.median(sum(t.values()) for t, _, _ in k_runs)
            lt = statistics.median(sum(t.values()) for t, _, _ in l_runs)
        elif stage == "whole process":
            k = statistics.median(w for _, w, _ in k_runs)
            lt = statistics.median(w for _, w, _ in l_runs)
        else:
            k = statistics.median(t[stage] for t, _, _ in k_runs)
            lt = statistics.median(t[stage] for t, _, _ in l_runs)
        print(f"| {stage} | {k * 1e3:,.1f} ms | {lt * 1e3:,.1f} ms | {lt / k:,.1f}x |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--engine", choices=("kamcore", "lifetimes"))
    ap.add_argument("--reference", type=Path, help="with --engine lifetimes: write JSON here")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--peer-python", default=None)
    args = ap.parse_args()
    if args.reference is not None:
        write_reference(args.reference)
    elif args.engine is not None:
        _worker(args.engine)
    else:
        peer = args.peer_python or str(PEER_VENV_PYTHON)
        if not Path(peer).exists():
            sys.exit(f"no peer interpreter at {peer}; pass --peer-python (one with lifetimes)")
        compare(peer, args.runs)


if __name__ == "__main__":
    main()
