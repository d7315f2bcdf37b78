"""kamcore.dask on a LocalCluster against the in-memory path, on a synthetic Parquet log.

The log is generated partition by partition straight to Parquet (the
generator never holds more than one partition), then both paths run the
same job:

    log (Parquet) -> per-customer summary -> BG/NBD + Gamma-Gamma fits
    -> CLP -> Pareto (ABC) scoring of the CLP -> results to Parquet

- Dask: ``kamcore.dask`` on a ``dask.distributed.LocalCluster`` (processes,
  ``--workers`` workers, one thread each). The summary goes to Parquet once
  and the later steps read it back, as a data-lake job would. Peak memory per
  worker is the largest resident set (RSS) of each worker process, sampled
  every 0.2 s.
- In memory: pandas reads the whole log, then ``kamcore.transactions``,
  ``kamcore.clp`` and ``kamcore.scoring`` run on it, in a child process whose
  peak RSS (``ru_maxrss``) is reported. Skipped with ``--no-in-memory``.

Usage (figures in benchmarks/README.md, section "Dask")::

    PYTHONPATH=$PWD python benchmarks/bench_dask.py --rows 1_000_000 --customers 100_000
    PYTHONPATH=$PWD python benchmarks/bench_dask.py --rows 10_000_000 --customers 1_000_000
    PYTHONPATH=$PWD python benchmarks/bench_dask.py --rows 100_000_000 --customers 10_000_000 \\
        --no-in-memory
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

START = np.datetime64("2023-01-01")
DAYS = 730
END = "2024-12-31"
TIME_UNIT = "W"


# --------------------------------------------------------------------------- the log
def generate(root: Path, rows: int, customers: int, partition_rows: int, seed: int = 7) -> int:
    """Write the synthetic log as Parquet files of ``partition_rows`` rows; return the file count.

    Customer c has a purchase rate that grows with a skewed draw (ids are drawn
    as ``floor(customers * u**2)``, so low ids buy far more often) and a
    lifetime ``life(c)`` in days after which it never buys: the repeat-buying
    pattern the BG/NBD model describes. A customer's transactions fall into
    every partition, as in a real log ordered by time of arrival.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    root.mkdir(parents=True, exist_ok=True)
    n_files = 0
    golden = 0.6180339887498949
    for start in range(0, rows, partition_rows):
        n = min(partition_rows, rows - start)
        rng = np.random.default_rng([seed, n_files])
        cid = np.floor(customers * rng.random(n) ** 2).astype(np.int64)
        life = 30 + (DAYS - 30) * np.sqrt((cid * golden) % 1.0)
        day = np.floor(life * rng.random(n)).astype("timedelta64[D]")
        amount = np.round(rng.lognormal(3.5, 0.8, n), 2)
        table = pa.table(
            {
                "customer_id": cid,
                "date": (START + day).astype("datetime64[ms]"),
                "amount": amount,
            }
        )
        pq.write_table(table, root / f"part-{n_files:05d}.parquet")
        n_files += 1
    return n_files


# --------------------------------------------------------------------------- memory sampling
class WorkerMemory:
    """Sample the resident set of every worker process; keep each one's peak."""

    def __init__(self, client, every: float = 0.2) -> None:
        import psutil

        pids = client.run(os.getpid)
        self.procs = {addr: psutil.Process(pid) for addr, pid in pids.items()}
        self.peak = dict.fromkeys(self.procs, 0)
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for addr, proc in self.procs.items():
                with contextlib.suppress(Exception):  # a worker restarting: sample the rest
                    self.peak[addr] = max(self.peak[addr], proc.memory_info().rss)
            self._stop.wait(self.every)

    def __enter__(self) -> WorkerMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


# --------------------------------------------------------------------------- the two paths
def run_dask(root: Path, out: Path, workers: int, memory_limit: str) -> dict:
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    import kamcore.dask as kd
    from kamcore.clp import BetaGeo, GammaGamma
    from kamcore.scoring import ParetoScorer

    steps: dict[str, float] = {}
    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            memory_limit=memory_limit,
            dashboard_address=":0",
        ) as cluster,
        Client(cluster) as client,
        WorkerMemory(client) as mem,
    ):
        t0 = time.perf_counter()
        log = dd.read_parquet(root / "log")
        summary = kd.summarize_transactions(log, observation_end=END, time_unit=TIME_UNIT)
        kd.to_parquet(summary, out / "summary")
        steps["summary -> Parquet"] = time.perf_counter() - t0

        t = time.perf_counter()
        summary = dd.read_parquet(out / "summary")
        bg = kd.fit(BetaGeo, summary)
        gg = kd.fit(GammaGamma, summary, exclude_zero_frequency=True)
        steps["fits (BG/NBD, Gamma-Gamma)"] = time.perf_counter() - t

        t = time.perf_counter()
        clp = kd.lifetime_profit(
            bg,
            summary,
            spend_model=gg,
            margin_rate=0.3,
            discount_rate=0.01,
            n_periods=24,
            period_length=365.25 / 12 / 7,
        )[["customer_id", "clp"]]
        scores = kd.score(ParetoScorer(column="clp"), clp, as_of=END)
        kd.to_parquet(scores, out / "scores")
        steps["CLP -> Pareto scores -> Parquet"] = time.perf_counter() - t
        total = time.perf_counter() - t0
        peaks = sorted(mem.peak.values())
    return {
        "path": "dask",
        "total_s": total,
        "steps_s": steps,
        "peak_worker_mib": [p / 2**20 for p in peaks],
        "client_peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "params": bg.params,
    }


def run_in_memory(root: Path, out: Path) -> dict:
    import pandas as pd

    from kamcore.clp import BetaGeo, GammaGamma, customer_lifetime_profit
    from kamcore.io.frames import from_frame
    from kamcore.scoring import ParetoScorer
    from kamcore.transactions import summarize_transactions

    steps: dict[str, float] = {}
    t0 = time.perf_counter()
    log = pd.read_parquet(root / "log")
    s = summarize_transactions(log, observation_end=END, time_unit=TIME_UNIT)
    del log
    s.to_frame("pandas", id_column="customer_id").to_parquet(out / "summary.parquet", index=False)
    steps["summary -> Parquet"] = time.perf_counter() - t0
    t = time.perf_counter()
    bg = BetaGeo.fit(frequency=s.frequency, recency=s.recency, T=s.T)
    gg = GammaGamma.fit(
        frequency=s.frequency, average_spend=s.monetary_value, exclude_zero_frequency=True
    )
    steps["fits (BG/NBD, Gamma-Gamma)"] = time.perf_counter() - t
    t = time.perf_counter()
    clp = customer_lifetime_profit(
        bg,
        frequency=s.frequency,
        recency=s.recency,
        T=s.T,
        spend_model=gg,
        average_spend=s.monetary_value,
        margin_rate=0.3,
        discount_rate=0.01,
        n_periods=24,
        period_length=365.25 / 12 / 7,
    )
    frame = pd.DataFrame({"customer_id": s.ids, "clp": clp.clp})
    scores = ParetoScorer(column="clp").score(from_frame(frame, id_column="customer_id"), as_of=END)
    scores.to_frame("pandas", id_column="customer_id").to_parquet(
        out / "scores.parquet", index=False
    )
    steps["CLP -> Pareto scores -> Parquet"] = time.perf_counter() - t
    return {
        "path": "in-memory",
        "total_s": time.perf_counter() - t0,
        "steps_s": steps,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "params": bg.params,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=lambda s: int(s.replace("_", "")), default=1_000_000)
    ap.add_argument("--customers", type=lambda s: int(s.replace("_", "")), default=100_000)
    ap.add_argument("--partition-rows", type=lambda s: int(s.replace("_", "")), default=2_000_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--memory-limit", default="6GiB", help="per worker (spills beyond 60%%)")
    ap.add_argument("--no-in-memory", action="store_true", help="skip the in-memory path")
    ap.add_argument("--dir", type=Path, default=None, help="work directory (default: a temp dir)")
    ap.add_argument("--child", choices=["in-memory"], help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.child == "in-memory":
        print(json.dumps(run_in_memory(args.dir, args.dir / "out-memory")))
        return

    work = args.dir or Path(tempfile.mkdtemp(prefix="kamcore-bench-dask-"))
    try:
        t = time.perf_counter()
        files = generate(work / "log", args.rows, args.customers, args.partition_rows)
        size = sum(f.stat().st_size for f in (work / "log").iterdir()) / 2**20
        print(
            f"log: {args.rows:,} rows, {args.customers:,} customer ids, {files} Parquet files, "
            f"{size:,.0f} MiB, written in {time.perf_counter() - t:.1f} s"
        )
        results = [run_dask(work / ".", work / "out-dask", args.workers, args.memory_limit)]
        if not args.no_in_memory:
            (work / "out-memory").mkdir()
            done = subprocess.run(
                [sys.executable, __file__, "--child", "in-memory", "--dir", str(work)],
                capture_output=True,
                text=True,
                check=True,
                env=os.environ,
            )
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        for r in results:
            peak = (
                "per worker " + ", ".join(f"{p:,.0f}" for p in r["peak_worker_mib"]) + " MiB"
                f" (client {r['client_peak_mib']:,.0f} MiB)"
                if r["path"] == "dask"
                else f"{r['peak_mib']:,.0f} MiB (one process)"
            )
            print(f"{r['path']}: {r['total_s']:.1f} s, peak RSS {peak}")
            for step, secs in r["steps_s"].items():
                print(f"    {step}: {secs:.1f} s")
        if len(results) == 2:
            same = results[0]["params"] == results[1]["params"]
            print(f"BG/NBD estimates identical on both paths: {same}")
    finally:
        if args.dir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
