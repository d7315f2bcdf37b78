"""``kamcore report`` at scale: time and peak memory per stage.

Generates a synthetic portfolio (N accounts, M orders, surveys, switching
costs, complaints, contacts and a grade history) as Parquet files, then runs
the stages of ``kamcore report`` on them one after another, recording the wall
time and the peak resident memory (RSS, sampled every 20 ms from
/proc/self/status) of each stage.

    PYTHONPATH=$PWD python benchmarks/bench_report.py --accounts 1000000 --orders 20000000

Run the 1M/20M size once only (it takes minutes and several GiB).
"""

from __future__ import annotations

import argparse
import pathlib
import tempfile
import threading
import time

import numpy as np

FACTS = (
    "credit_record",
    "loyalty",
    "product_importance",
    "industry_standing",
    "cooperation",
    "supply_share",
    "relationship_depth",
    "prospects",
    "loss_impact",
    "strategic_fit",
)
FACETS = ("economic_risk", "evaluation", "learning", "setup", "benefit_loss", "monetary_loss")
STAGES = ("exploration", "formation", "stability", "decline", "ended")


class RssSampler:
    """Peak resident set size between resets, sampled in a background thread."""

    def __init__(self, every: float = 0.02) -> None:
        self.every = every
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @staticmethod
    def rss() -> int:
        for line in pathlib.Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        return 0

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.rss())
            time.sleep(self.every)

    def reset(self) -> None:
        self.peak = self.rss()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def generate(n: int, m: int, out: pathlib.Path, seed: int = 1) -> dict[str, pathlib.Path]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    ids = np.char.add("C", np.char.zfill(np.arange(n).astype(str), 7))
    size = np.exp(rng.normal(11.5, 1.3, n))
    stage = np.asarray(STAGES)[rng.choice(5, n, p=[0.05, 0.15, 0.6, 0.1, 0.1])]
    sales = np.round(size * rng.uniform(0.5, 1.5, n), 2)
    sales[stage == "ended"] = 0.0
    acc = {
        "id": ids,
        "name": np.char.add("Account ", ids),
        "currency": np.full(n, "CNY"),
        "sales_last_year": sales,
        "profit_last_year": np.round(sales * rng.uniform(0.03, 0.3, n), 2),
        "expected_sales": np.round(sales * rng.uniform(0.8, 1.3, n), -2),
        **{f: rng.integers(1, 5, n).astype(np.int8) for f in FACTS},
        "relationship_type": np.asarray(("ordinary", "partnership", "strategic"))[
            rng.choice(3, n, p=[0.8, 0.15, 0.05])
        ],
        "stage": stage,
        "account_manager": np.char.add("am", (np.arange(n) % 500).astype(str)),
        "order_volume_change": np.round(rng.normal(0.0, 0.2, n), 3),
        "sow_change": np.round(rng.normal(0.01, 0.03, n), 3),
        "days_late": np.where(rng.random(n) < 0.1, rng.integers(5, 90, n), 0).astype(float),
    }
    paths = {}

    def write(name: str, cols: dict[str, np.ndarray], row_group: int = 1_000_000) -> None:
        path = out / f"{name}.parquet"
        pq.write_table(pa.table(cols), path, row_group_size=row_group)
        paths[name] = path

    write("accounts", acc)
    # orders: a BG/NBD process per account (so the model is identified): purchases at
    # rate lam_i a year from a first order at t0_i, dropping out after each repeat
    # purchase with probability p_i; scaled to about m orders in all
    span = 5 * 365.25
    t0 = rng.random(n) * span * 0.9
    years = (span - t0) / 365.25
    p_drop = rng.beta(1.0, 25.0, n)
    lam = rng.gamma(2.0, 1.0, n)
    lam *= (m / n) / np.mean(np.minimum(lam * years, 1.0 / p_drop) + 1.0)
    alive_for = rng.geometric(p_drop)  # repeat purchases before dropping out
    scale = 1.0
    while True:  # raise the rates until the process gives at least m orders
        count = rng.poisson(lam * scale * years)
        if n + np.minimum(count, alive_for).sum() >= m:
            break
        scale *= 1.25
    owner = np.repeat(np.arange(n), count)
    when = rng.random(owner.shape[0])
    order = np.lexsort((when, owner))
    owner, when = owner[order], when[order]
    rank = np.arange(owner.shape[0]) - np.repeat(np.cumsum(count) - count, count)
    keep = rank < alive_for[owner]
    owner, when = owner[keep], when[keep]
    # exactly m orders: drop surplus repeat orders at random
    surplus = n + owner.shape[0] - m
    if surplus > 0:
        drop = np.zeros(owner.shape[0], dtype=bool)
        drop[rng.choice(owner.shape[0], surplus, replace=False)] = True
        owner, when = owner[~drop], when[~drop]
    first_day = np.datetime64("2020-01-01") + t0.astype("timedelta64[D]")
    repeat_days = (t0[owner] + when * (span - t0[owner])).astype("timedelta64[D]")
    owner = np.concatenate([np.arange(n), owner])
    days = np.concatenate([first_day, np.datetime64("2020-01-01") + repeat_days])
    by = np.argsort(owner, kind="stable")
    owner, days = owner[by], days[by]
    tx = {
        "customer_id": ids[owner],
        "date": days,
        "amount": np.round(rng.gamma(2.0, 1.0, owner.shape[0]) * (size[owner] / 20.0), 2),
    }
    del owner
    write("transactions", tx)
    del tx
    k = n // 10
    who = rng.choice(n, k, replace=False)
    sv = {"customer_id": ids[who]}
    for side in ("p", "e"):
        for j in range(1, 23):
            sv[f"{side}_q{j}"] = rng.integers(1, 8, k).astype(np.int8)
    write("surveys", sv)
    c = rng.integers(0, n, 2 * n)
    write(
        "switching",
        {
            "customer_id": ids[c],
            "facet": np.asarray(FACETS)[rng.integers(0, len(FACETS), 2 * n)],
            "strength": np.round(rng.uniform(0.01, 0.5, 2 * n), 2),
        },
    )
    q = rng.integers(0, n, n // 5)
    write(
        "complaints",
        {
            "customer_id": ids[q],
            "received": np.datetime64("2024-01-01") + rng.integers(0, 365, q.shape[0]),
        },
    )
    ct = rng.integers(0, n, 2 * n)
    roles = np.asarray(("decision_maker", "user", "influencer", "economic_buyer"))
    write("contacts", {"customer_id": ids[ct], "role": roles[rng.integers(0, 4, 2 * n)]})
    live = stage != "ended"
    write(
        "grades",
        {
            "as_of": np.full(int(live.sum()), np.datetime64("2023-12-31")),
            "customer_id": ids[live],
            "grade": np.asarray(tuple("ABCD"))[rng.integers(0, 4, int(live.sum()))],
        },
    )
    return paths


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--accounts", type=int, default=100_000)
    ap.add_argument("--orders", type=int, default=2_000_000)
    ap.add_argument("--keep", default=None, help="directory for the generated files")
    args = ap.parse_args()

    from kamcore.io.tables import read_table
    from kamcore.report import (
        ReportInput,
        build_report,
        render_html,
        render_json,
        render_terminal,
        write_tables,
    )

    work = pathlib.Path(args.keep or tempfile.mkdtemp(prefix="kamcore-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    paths = generate(args.accounts, args.orders, work)
    size = sum(p.stat().st_size for p in paths.values()) / 2**20
    print(
        f"generated {args.accounts:,} accounts and {args.orders:,} orders in "
        f"{time.perf_counter() - t0:.0f} s ({size:,.0f} MiB Parquet)"
    )
    sampler = RssSampler()
    rows: list[tuple[str, float, float]] = []
    last = [time.perf_counter(), "start"]

    def mark(name: str) -> None:
        now = time.perf_counter()
        if last[1] != "start":
            rows.append((str(last[1]), now - float(last[0]), sampler.peak / 2**20))
        sampler.reset()
        last[0], last[1] = now, name

    tables = {}
    for kind, path in paths.items():
        mark(f"read {kind}")
        tables[kind] = read_table(path, kind)
    mark("report: ")
    inputs = ReportInput(source="bench", **tables)

    def step(name: str) -> None:
        mark(f"report: {name}")

    report = build_report(inputs, progress=step)
    mark("render terminal")
    text = render_terminal(report)
    mark("render json")
    render_json(report)
    mark("render html (6 SVG charts)")
    render_html(report)
    mark("write tables (CSV)")
    write_tables(report, work / "out")
    mark("end")
    sampler.stop()
    total = sum(r[1] for r in rows)
    print("\n| stage | wall time | peak RSS |\n|---|---:|---:|")
    for name, secs, peak in rows:
        if name == "report: done" or name == "report: ":
            continue
        print(f"| {name} | {secs:,.1f} s | {peak:,.0f} MiB |")
    print(f"| **total** | **{total:,.0f} s** | **{max(r[2] for r in rows):,.0f} MiB** |")
    print("\n" + "\n".join(text.splitlines()[:3]))


if __name__ == "__main__":
    main()
