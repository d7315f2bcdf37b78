"""BG/NBD fitting: kamcore vs the ``lifetimes`` package, side by side in one run.

Run from the project root::

    python benchmarks/bench_btyd.py                 # CDNOW + 10k / 100k / 1M customers
    python benchmarks/bench_btyd.py --sizes 10000   # a quicker run

Data: the CDNOW 1/10th cohort (2,357 customers) and customers simulated from the
published CDNOW BG/NBD estimates (r 0.243, alpha 4.414, a 0.793, b 2.426) with
``BetaGeo.simulate``; ages are whole days between 27 and 39 weeks and recencies
are rounded down to whole days (a daily transaction log, as in CDNOW), both
expressed in weeks.

Every (library, data set) fit runs in its own subprocess, which loads the data,
resets the kernel's peak-RSS mark (``/proc/self/clear_refs``), fits, and reports
wall time (best of ``--repeat`` fits; one fit for 1M rows) and the fit's peak
memory: peak RSS during the fit minus RSS before it (falls back to
``tracemalloc``'s peak where ``clear_refs`` is not writable). Estimates of the
two libraries are compared (max relative difference; they must agree to 1e-3).

The peer runs in a separate interpreter (``--peer-python``, default
``benchmarks/.peer-venv/bin/python``) that has ``lifetimes`` installed; when
none has it, the peer is skipped with a message. ``lifetimes`` is an optional
benchmark dependency, never a runtime one.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CDNOW = ROOT / "tests" / "data" / "cdnow_customers_summary.csv"
PEER_VENV_PYTHON = ROOT / "benchmarks" / ".peer-venv" / "bin" / "python"
CDNOW_PARAMS = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
NAMES = ("r", "alpha", "a", "b")


# ----------------------------------------------------------------- data
def make_data(n: int | None, path: Path) -> None:
    if n is None:
        d = np.loadtxt(CDNOW, delimiter=",", skiprows=1)
        x, tx, T = d[:, 1].astype(np.int64), d[:, 2], d[:, 3]
    else:
        from kamcore.clp import BetaGeo

        rng = np.random.default_rng(20240601 + n)
        age_days = rng.integers(27 * 7, 39 * 7 + 1, size=n)
        x, tx, T = BetaGeo(**CDNOW_PARAMS).simulate(n, age_days / 7.0, rng=rng)
        tx = np.floor(tx * 7.0) / 7.0
        tx[x == 0] = 0.0
    np.savez(path, frequency=x, recency=tx, T=T)


# ----------------------------------------------------------------- workers (run in subprocesses)
def _rss_kib() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _hwm_kib() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def _reset_hwm() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        return False
    return True


def _fit_kamcore(data: dict[str, Any], collapse: bool) -> dict[str, float]:
    from kamcore.clp import BetaGeo

    m = BetaGeo.fit(data["frequency"], data["recency"], data["T"], collapse=collapse)
    return {k: float(getattr(m, k)) for k in NAMES} | {"ll": m.fit_report.log_likelihood}


def _fit_lifetimes(data: dict[str, Any], _collapse: bool) -> dict[str, float]:
    from lifetimes import BetaGeoFitter

    f = BetaGeoFitter(penalizer_coef=0.0)
    f.fit(data["frequency"], data["recency"], data["T"])
    out = {k: float(f.params_[k]) for k in NAMES}
    # lifetimes stores the mean negative log-likelihood
    return out | {"ll": -float(f._negative_log_likelihood_) * len(data["T"])}


def worker(lib: str, path: str, repeat: int, collapse: bool) -> None:
    with np.load(path) as z:
        data = {k: z[k] for k in ("frequency", "recency", "T")}
    fit = _fit_kamcore if lib == "kamcore" else _fit_lifetimes
    if lib == "lifetimes":  # import outside the timed region (pandas, autograd)
        import lifetimes  # noqa: F401
    else:
        import kamcore.clp.btyd.betageo  # noqa: F401
    best = float("inf")
    result: dict[str, float] = {}
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fit(data, collapse)
        best = min(best, time.perf_counter() - t0)
    # memory: one more fit with the peak-RSS mark reset
    if _reset_hwm():
        base = _rss_kib()
        fit(data, collapse)
        peak_mib = max(_hwm_kib() - base, 0) / 1024.0
        how = "rss"
    else:
        import tracemalloc

        tracemalloc.start()
        fit(data, collapse)
        peak_mib = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        how = "tracemalloc"
    print(json.dumps({"seconds": best, "peak_mib": peak_mib, "how": how, "params": result}))


# ----------------------------------------------------------------- orchestration
def run_worker(python: str, lib: str, path: Path, repeat: int, collapse: bool) -> dict[str, Any]:
    cmd = [python, str(Path(__file__).resolve()), "--worker", lib, "--data", str(path),
           "--repeat", str(repeat)]
    if not collapse:
        cmd.append("--no-collapse")
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{lib} worker failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def peer_python(requested: str | None) -> str | None:
    candidates = [requested] if requested else [str(PEER_VENV_PYTHON), sys.executable]
    for py in candidates:
        if py and Path(py).exists():
            ok = subprocess.run([py, "-c", "import lifetimes, kamcore"], capture_output=True,
                                check=False)
            if ok.returncode == 0:
                return py
    return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--peer-python", default=None)
    ap.add_argument("--worker", choices=["kamcore", "lifetimes"])
    ap.add_argument("--data")
    ap.add_argument("--no-collapse", action="store_true")
    args = ap.parse_args(argv)
    if args.worker:
        worker(args.worker, args.data, args.repeat, not args.no_collapse)
        return 0

    peer = peer_python(args.peer_python)
    if peer is None:
        print("lifetimes is not installed (no benchmarks/.peer-venv with it, nor in this "
              "interpreter): the peer is skipped; see benchmarks/README.md for the set-up.")
    sets: list[tuple[str, int | None]] = [("CDNOW (2,357)", None)]
    sets += [(f"simulated {n:,}", n) for n in args.sizes]
    print("| data | kamcore | kamcore, collapse=False | lifetimes | speed-up | "
          "peak MiB kamcore / lifetimes | max rel. diff of estimates |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as tmp:
        for label, n in sets:
            path = Path(tmp) / f"data_{n or 'cdnow'}.npz"
            make_data(n, path)
            rep = 1 if (n or 0) >= 1_000_000 else args.repeat
            k = run_worker(sys.executable, "kamcore", path, rep, True)
            kn = run_worker(sys.executable, "kamcore", path, rep, False)
            if peer is not None:
                lt = run_worker(peer, "lifetimes", path, rep, True)
                diff = max(abs(k["params"][p] / lt["params"][p] - 1.0) for p in NAMES)
                lt_s = f"{lt['seconds'] * 1e3:,.0f} ms"
                speed = f"{lt['seconds'] / k['seconds']:,.1f}x"
                mem = f"{k['peak_mib']:,.1f} / {lt['peak_mib']:,.1f}"
                agree = f"{diff:.1e}" + ("" if diff <= 1e-3 else " (DISAGREE)")
            else:
                lt_s, speed, mem, agree = "skipped", "-", f"{k['peak_mib']:,.1f} / -", "-"
            print(f"| {label} | {k['seconds'] * 1e3:,.1f} ms | {kn['seconds'] * 1e3:,.1f} ms | "
                  f"{lt_s} | {speed} | {mem} | {agree} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
