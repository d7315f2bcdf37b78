"""Repeat-buying model fits: kamcore vs the ``lifetimes`` package, side by side in one run.

Every kamcore model that ``lifetimes`` also implements is compared with it:

=========  ==========================  ===============================
key        kamcore (``kamcore.clp``)   lifetimes (0.11.3)
=========  ==========================  ===============================
bgnbd      ``BetaGeo``                 ``BetaGeoFitter``
mbgnbd     ``ModifiedBetaGeo``         ``ModifiedBetaGeoFitter``
pnbd       ``ParetoNBD``               ``ParetoNBDFitter``
bgbb       ``BetaGeoBetaBinom``        ``BetaGeoBetaBinomFitter``
gg         ``GammaGamma``              ``GammaGammaFitter`` (``v`` is kamcore's ``gamma``)
=========  ==========================  ===============================

Run from the project root::

    python benchmarks/bench_btyd.py                 # all models: published data, 10k/100k/1M
    python benchmarks/bench_btyd.py --models bgnbd  # BG/NBD only (the original benchmark)
    python benchmarks/bench_btyd.py --sizes 10000   # a quicker run

Data, per model: the published data set, then customers simulated from the
published estimates with kamcore's simulators (``numpy`` generator seeded per
model and size):

* BG/NBD, MBG/NBD, Pareto/NBD: the CDNOW 1/10th cohort (2,357 customers);
  simulated customers have ages of whole days between 27 and 39 weeks and
  recencies rounded down to whole days (a daily transaction log, as in CDNOW),
  both in weeks. Simulation parameters: BG/NBD r 0.243, alpha 4.414, a 0.793,
  b 2.426 (Fader, Hardie & Lee 2005); Pareto/NBD r 0.553, alpha 10.578,
  s 0.606, beta 11.669 (published CDNOW estimates); MBG/NBD r 0.525,
  alpha 6.183, a 0.891, b 1.614 (its maximum-likelihood estimates on CDNOW,
  on which both libraries agree).
* BG/BB: the donations data (22 patterns with weights, 11,104 donors), both
  libraries given the weights; simulated donors have 6 opportunities, from
  alpha 1.204, beta 0.750, gamma 0.657, delta 2.783 (Fader, Hardie & Shang 2010),
  one row per donor.
* Gamma-Gamma: CDNOW's 946 repeat buyers (x, zbar); simulated repeat buyers
  have frequencies resampled from those 946 and average spends drawn from
  p 6.25, q 3.74, gamma 15.44, rounded to cents.

Every (library, data set) fit runs in its own subprocess, which loads the data,
imports the library, then fits ``--repeat`` times (once at 1M rows, and no
more repeats after a fit that took longer than 10 s), resetting the kernel's
peak-RSS mark (``/proc/self/clear_refs``) before each fit. It reports the best
wall time and the peak memory of its last fit: peak RSS during the fit minus
RSS before it (falls back to ``tracemalloc``'s peak where ``clear_refs`` is
not writable). Both libraries are asked for unpenalised maximum likelihood
(``penalizer_coef=0``). ``lifetimes`` draws the Pareto/NBD start values from
numpy's global generator, so the peer worker seeds it (``numpy.random.seed(0)``).

Estimates are compared as the largest relative difference over the parameters
(they must agree to 1e-3), and both sets of estimates are scored with kamcore's
log-likelihood on the same data, so a peer that stops at a different point is
shown with both log-likelihoods. A peer fit whose time, extrapolated linearly
from the previous size, would exceed ``--peer-budget`` seconds is skipped and
the row says so.

The peer runs in a separate interpreter (``--peer-python``, default
``benchmarks/.peer-venv/bin/python``) that has ``lifetimes`` installed; when
none has it, the peer is skipped with a message. ``lifetimes`` is an optional
benchmark dependency, never a runtime one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
CDNOW = DATA / "cdnow_customers_summary.csv"
CDNOW_SPEND = DATA / "cdnow_customers_summary_with_transactions.csv"
DONATIONS = DATA / "donations.csv"
PEER_VENV_PYTHON = ROOT / "benchmarks" / ".peer-venv" / "bin" / "python"
CDNOW_PARAMS = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
NAMES = ("r", "alpha", "a", "b")
AGREE = 1e-3
NO_REPEAT_AFTER_S = 10.0


@dataclass(frozen=True)
class Model:
    """One kamcore model and its ``lifetimes`` peer."""

    key: str
    title: str
    kamcore: str  # class name in kamcore.clp
    peer: str  # fitter class name in lifetimes
    names: tuple[str, ...]  # kamcore parameter names
    peer_names: tuple[str, ...]  # the same parameters as lifetimes names them
    columns: tuple[str, ...]  # data columns: positional for lifetimes, keywords for kamcore
    truth: dict[str, float]  # parameters the simulated data are drawn from
    published: str  # label of the published data set


MODELS: dict[str, Model] = {
    m.key: m
    for m in (
        Model(
            "bgnbd",
            "BG/NBD",
            "BetaGeo",
            "BetaGeoFitter",
            NAMES,
            NAMES,
            ("frequency", "recency", "T"),
            CDNOW_PARAMS,
            "CDNOW (2,357)",
        ),
        Model(
            "mbgnbd",
            "MBG/NBD",
            "ModifiedBetaGeo",
            "ModifiedBetaGeoFitter",
            NAMES,
            NAMES,
            ("frequency", "recency", "T"),
            {"r": 0.525, "alpha": 6.183, "a": 0.891, "b": 1.614},
            "CDNOW (2,357)",
        ),
        Model(
            "pnbd",
            "Pareto/NBD",
            "ParetoNBD",
            "ParetoNBDFitter",
            ("r", "alpha", "s", "beta"),
            ("r", "alpha", "s", "beta"),
            ("frequency", "recency", "T"),
            {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669},
            "CDNOW (2,357)",
        ),
        Model(
            "bgbb",
            "BG/BB",
            "BetaGeoBetaBinom",
            "BetaGeoBetaBinomFitter",
            ("alpha", "beta", "gamma", "delta"),
            ("alpha", "beta", "gamma", "delta"),
            ("frequency", "recency", "n_periods"),
            {"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783},
            "donations (22 rows, 11,104 donors)",
        ),
        Model(
            "gg",
            "Gamma-Gamma",
            "GammaGamma",
            "GammaGammaFitter",
            ("p", "q", "gamma"),
            ("p", "q", "v"),
            ("frequency", "monetary_value"),
            {"p": 6.25, "q": 3.74, "gamma": 15.44},
            "CDNOW repeat buyers (946)",
        ),
    )
}


# ----------------------------------------------------------------- data
def _read(path: Path) -> np.ndarray[Any, np.dtype[np.float64]]:
    return np.loadtxt(path, delimiter=",", skiprows=1)


def _daily_rfm(model: Model, n: int, rng: np.random.Generator) -> dict[str, np.ndarray[Any, Any]]:
    import kamcore.clp

    age_days = rng.integers(27 * 7, 39 * 7 + 1, size=n)
    truth = getattr(kamcore.clp, model.kamcore)(**model.truth)
    x, tx, T = truth.simulate(n_customers=n, T=age_days / 7.0, rng=rng)
    tx = np.floor(tx * 7.0) / 7.0
    tx[x == 0] = 0.0
    return {"frequency": x, "recency": tx, "T": T}


def make_data(n: int | None, path: Path, model: Model = MODELS["bgnbd"]) -> None:
    """Write the data set of ``model`` (published when ``n`` is None) to ``path`` (npz)."""
    cols: dict[str, Any]
    if model.key == "bgbb":
        if n is None:
            dn = _read(DONATIONS).astype(np.int64)
            cols = {
                "frequency": dn[:, 0],
                "recency": dn[:, 1],
                "n_periods": dn[:, 2],
                "weights": dn[:, 3],
            }
        else:
            from kamcore.clp import BetaGeoBetaBinom

            rng = np.random.default_rng(20240601 + n)
            x, tx, periods = BetaGeoBetaBinom(**model.truth).simulate(n_customers=n, T=6, rng=rng)
            cols = {"frequency": x, "recency": tx, "n_periods": periods}
    elif model.key == "gg":
        d = _read(CDNOW_SPEND)
        buyers = d[:, 1] > 0
        x, zbar = d[buyers, 1].astype(np.int64), d[buyers, 4]
        if n is not None:
            from kamcore.clp import GammaGamma

            rng = np.random.default_rng(20240601 + n)
            x = rng.choice(x, size=n)
            zbar = np.round(GammaGamma(**model.truth).simulate(x, rng=rng), 2)
            if not np.all(zbar > 0):  # never seen; a 0.00 spend would be invalid data
                raise RuntimeError("a simulated average spend rounded to 0.00")
        cols = {"frequency": x, "monetary_value": zbar}
    elif n is None:
        d = _read(CDNOW)
        cols = {"frequency": d[:, 1].astype(np.int64), "recency": d[:, 2], "T": d[:, 3]}
    else:
        cols = _daily_rfm(model, n, np.random.default_rng(20240601 + n))
    np.savez(path, **cols)


def load_data(path: str | Path, model: Model) -> dict[str, Any]:
    with np.load(path) as z:
        data = {k: z[k] for k in model.columns}
        data["weights"] = z["weights"] if "weights" in z.files else None
    return data


# ----------------------------------------------------------------- workers (run in subprocesses)
def _proc_status_kib(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field):
                return int(line.split()[1])
    return 0


def _rss_kib() -> int:
    return _proc_status_kib("VmRSS:")


def _hwm_kib() -> int:
    return _proc_status_kib("VmHWM:")


def _reset_hwm() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        return False
    return True


def _kamcore_columns(model: Model, data: dict[str, Any]) -> dict[str, Any]:
    """The data columns as kamcore keywords (n_periods is T; monetary_value is average_spend)."""
    names = {"n_periods": "T", "monetary_value": "average_spend"}
    return {names.get(c, c): data[c] for c in model.columns}


def _fit_kamcore(model: Model, data: dict[str, Any], collapse: bool) -> dict[str, float]:
    import kamcore.clp

    cls = getattr(kamcore.clp, model.kamcore)
    m = cls.fit(**_kamcore_columns(model, data), weights=data["weights"], collapse=collapse)
    return {k: float(getattr(m, k)) for k in model.names}


def _fit_lifetimes(model: Model, data: dict[str, Any], _collapse: bool) -> dict[str, float]:
    import lifetimes

    # ParetoNBDFitter draws its start values from the global generator: seed it
    np.random.seed(0)  # noqa: NPY002 - the peer's global state, in its own subprocess
    f = getattr(lifetimes, model.peer)(penalizer_coef=0.0)
    kwargs = {} if data["weights"] is None else {"weights": data["weights"]}
    f.fit(*(data[c] for c in model.columns), **kwargs)
    return {k: float(f.params_[pk]) for k, pk in zip(model.names, model.peer_names, strict=True)}


def worker(
    lib: str, path: str, repeat: int, collapse: bool, model: Model = MODELS["bgnbd"]
) -> None:
    data = load_data(path, model)
    fit = _fit_kamcore if lib == "kamcore" else _fit_lifetimes
    if lib == "lifetimes":  # import outside the timed region (pandas, autograd)
        import lifetimes

        getattr(lifetimes, model.peer)
    else:
        import kamcore.clp

        getattr(kamcore.clp, model.kamcore)  # the lazy import, outside the timed region
    best = float("inf")
    result: dict[str, float] = {}
    peak_mib = float("nan")
    how = "rss"
    for _ in range(repeat):
        by_rss = _reset_hwm()
        base = _rss_kib()
        t0 = time.perf_counter()
        result = fit(model, data, collapse)
        seconds = time.perf_counter() - t0
        best = min(best, seconds)
        if by_rss:
            peak_mib = max(_hwm_kib() - base, 0) / 1024.0
        if seconds > NO_REPEAT_AFTER_S:
            break
    if not by_rss:  # one more fit, traced
        import tracemalloc

        tracemalloc.start()
        fit(model, data, collapse)
        peak_mib = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        how = "tracemalloc"
    print(json.dumps({"seconds": best, "peak_mib": peak_mib, "how": how, "params": result}))


# ----------------------------------------------------------------- orchestration
def run_worker(
    python: str, lib: str, path: Path, repeat: int, collapse: bool, model: Model = MODELS["bgnbd"]
) -> dict[str, Any]:
    cmd = [
        python,
        str(Path(__file__).resolve()),
        "--worker",
        lib,
        "--data",
        str(path),
        "--repeat",
        str(repeat),
        "--model",
        model.key,
    ]
    if not collapse:
        cmd.append("--no-collapse")
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{lib} worker failed:\n{proc.stderr[-2000:]}")
    out: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return out


def peer_python(requested: str | None) -> str | None:
    candidates = [requested] if requested else [str(PEER_VENV_PYTHON), sys.executable]
    for py in candidates:
        if py and Path(py).exists():
            ok = subprocess.run(
                [py, "-c", "import lifetimes, kamcore"], capture_output=True, check=False
            )
            if ok.returncode == 0:
                return py
    return None


def peer_versions(python: str) -> str:
    code = (
        "import sys; from importlib.metadata import version as v; "
        "print(', '.join(f'{p} {v(p)}' for p in "
        "('lifetimes', 'numpy', 'scipy', 'pandas', 'autograd')), "
        "'Python', sys.version.split()[0])"
    )
    proc = subprocess.run([python, "-c", code], capture_output=True, text=True, check=False)
    return proc.stdout.strip() or "versions unknown"


def log_likelihood(model: Model, params: dict[str, float], data: dict[str, Any]) -> float:
    """Total log-likelihood of ``params`` on ``data``, by kamcore's model (weights applied)."""
    import kamcore.clp

    m = getattr(kamcore.clp, model.kamcore)(**params)
    ll = np.asarray(m.log_likelihood(**_kamcore_columns(model, data)), dtype=np.float64)
    w = data["weights"]
    return float(ll.sum() if w is None else np.dot(w, ll))


def fmt_time(seconds: float) -> str:
    if seconds >= 10.0:
        return f"{seconds:,.1f} s"
    return f"{seconds * 1e3:,.1f} ms"


def compare(model: Model, k: dict[str, Any], lt: dict[str, Any], data: dict[str, Any]) -> str:
    """Columns: max relative difference of the estimates, log-likelihood comparison."""
    kp, lp = k["params"], lt["params"]
    diff = max(abs(kp[p] / lp[p] - 1.0) for p in model.names)
    ll_k, ll_l = log_likelihood(model, kp, data), log_likelihood(model, lp, data)
    if diff <= AGREE:
        return f"{diff:.1e} | {ll_k - ll_l:+.1e} |"
    higher = "kamcore" if ll_k > ll_l else "lifetimes" if ll_l > ll_k else "neither"
    return (
        f"{diff:.1e} (DISAGREE) | {ll_k:,.3f} vs {ll_l:,.3f}: {higher} higher; "
        f"kamcore {_fmt_params(kp)}, lifetimes {_fmt_params(lp)} |"
    )


def memory_ratio(kamcore_mib: float, peer_mib: float, floor: float = 0.1) -> str:
    """Peer peak over kamcore peak; a peak below ``floor`` MiB counts as ``floor`` (a bound)."""
    if kamcore_mib < floor and peer_mib < floor:
        return f"- (both < {floor} MiB)"
    ratio = max(peer_mib, floor) / max(kamcore_mib, floor)
    bound = ">= " if kamcore_mib < floor else "<= " if peer_mib < floor else ""
    return f"{bound}{ratio:,.1f}x"


def _fmt_params(p: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.4g}" for k, v in p.items())


HEADER = (
    "| data | kamcore | kamcore, collapse=False | lifetimes | speed-up | "
    "peak MiB kamcore / lifetimes | memory ratio | max rel. diff of estimates | "
    "LL kamcore - LL lifetimes |\n"
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
)


def bench_model(
    model: Model, sizes: list[int], repeat: int, peer: str | None, peer_budget: float, tmp: Path
) -> None:
    print(f"\n### {model.title}: kamcore `{model.kamcore}` vs lifetimes `{model.peer}`\n")
    print(HEADER, flush=True)
    sets: list[tuple[str, int | None]] = [(model.published, None)]
    sets += [(f"simulated {n:,}", n) for n in sizes]
    last: tuple[int, float] | None = None  # (rows, seconds) of the previous peer fit
    for label, n in sets:
        path = tmp / f"{model.key}_{n or 'published'}.npz"
        make_data(n, path, model)
        data = load_data(path, model)
        rows = len(data[model.columns[0]])
        rep = 1 if rows >= 1_000_000 else repeat
        k = run_worker(sys.executable, "kamcore", path, rep, True, model)
        kn = run_worker(sys.executable, "kamcore", path, rep, False, model)
        estimate = None if last is None else last[1] * rows / last[0]
        k_mem = f"{k['peak_mib']:,.1f}"
        if peer is None or (estimate is not None and estimate > peer_budget):
            why = (
                "no lifetimes"
                if peer is None
                else f"about {estimate / 60:,.0f} min per fit"
                if estimate
                else ""
            )
            cells = f"skipped ({why}) | - | {k_mem} / - | - | - | - |"
        else:
            lt = run_worker(peer, "lifetimes", path, rep, True, model)
            last = (rows, lt["seconds"])
            mem_ratio = memory_ratio(k["peak_mib"], lt["peak_mib"])
            cells = (
                f"{fmt_time(lt['seconds'])} | {lt['seconds'] / k['seconds']:,.1f}x | "
                f"{k_mem} / {lt['peak_mib']:,.1f} | {mem_ratio} | " + compare(model, k, lt, data)
            )
        print(
            f"| {label} | {fmt_time(k['seconds'])} | {fmt_time(kn['seconds'])} | {cells}",
            flush=True,
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--models", nargs="*", choices=list(MODELS), default=list(MODELS))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--peer-python", default=None)
    ap.add_argument(
        "--peer-budget",
        type=float,
        default=300.0,
        help="skip a peer fit whose time, extrapolated linearly from the previous "
        "size, exceeds this many seconds (default 300; 'inf' never skips)",
    )
    ap.add_argument("--worker", choices=["kamcore", "lifetimes"])
    ap.add_argument("--model", choices=list(MODELS), default="bgnbd")
    ap.add_argument("--data")
    ap.add_argument("--no-collapse", action="store_true")
    args = ap.parse_args(argv)
    if args.worker:
        worker(args.worker, args.data, args.repeat, not args.no_collapse, MODELS[args.model])
        return 0

    peer = peer_python(args.peer_python)
    started = time.perf_counter()
    load0 = os.getloadavg()
    print(
        f"date {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; {os.cpu_count()} cores; "
        f"load average (1/5/15 min) at start {load0[0]:.2f} / {load0[1]:.2f} / {load0[2]:.2f}"
    )
    print(f"kamcore side: Python {platform.python_version()}, numpy {np.__version__}")
    if peer is None:
        print(
            "lifetimes is not installed (no benchmarks/.peer-venv with it, nor in this "
            "interpreter): the peer is skipped; see benchmarks/README.md for the set-up."
        )
    else:
        print(f"peer side ({peer}): {peer_versions(peer)}")
    with tempfile.TemporaryDirectory() as tmp:
        for key in args.models:
            bench_model(MODELS[key], args.sizes, args.repeat, peer, args.peer_budget, Path(tmp))
    load1 = os.getloadavg()
    print(
        f"\ntotal {time.perf_counter() - started:,.0f} s; load average at end "
        f"{load1[0]:.2f} / {load1[1]:.2f} / {load1[2]:.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
