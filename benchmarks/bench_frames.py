"""to_frame / from_frame of a 1M-row portfolio per backend (best of 3 calls each).

Run from the repository root: PYTHONPATH=$PWD python benchmarks/bench_frames.py
"""

import importlib
import time

import numpy as np

from kamcore import Portfolio

frames = importlib.import_module("kamcore.io.frames")


def main() -> None:
    n = 1_000_000
    rng = np.random.default_rng(0)
    p = Portfolio.from_columns(
        [f"c{i}" for i in range(n)],
        {
            "revenue": rng.random(n),
            "count": rng.integers(0, 9, n),
            "since": np.datetime64("2020-01-01") + rng.integers(0, 3000, n),
            "region": rng.choice(["n", "s"], n),
        },
        currencies={"revenue": "EUR"},
    )
    for backend in ("pandas", "polars", "pyarrow"):
        frames.to_frame(p, backend)
        times = []
        for _ in range(3):
            t = time.perf_counter()
            frame = frames.to_frame(p, backend)
            times.append(time.perf_counter() - t)
        backs = []
        for _ in range(3):
            t = time.perf_counter()
            frames.from_frame(frame)
            backs.append(time.perf_counter() - t)
        back = min(backs)
        print(f"{backend}: to_frame {min(times):.3f} s, from_frame {back:.3f} s")


if __name__ == "__main__":
    main()
