"""Small optimisations run with single-threaded BLAS when threadpoolctl is there, and work without it."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from kamcore import _optional
from kamcore.clp import BetaGeo


def test_blas_is_limited_to_one_thread_inside_the_context():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    with _optional.single_threaded_blas():
        infos = [i for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]
        assert infos
        assert all(i["num_threads"] == 1 for i in infos)


def test_without_threadpoolctl_it_is_a_no_op(monkeypatch):
    monkeypatch.setitem(sys.modules, "threadpoolctl", None)  # `import threadpoolctl` fails
    _optional._blas_controller.cache_clear()
    try:
        with _optional.single_threaded_blas() as ctx:
            assert ctx is None
        rng = np.random.default_rng(3)
        x, tx, T = BetaGeo(r=0.5, alpha=5.0, a=0.8, b=2.5).simulate(
            n_customers=500, T=39.0, rng=rng
        )
        assert BetaGeo.fit(frequency=x, recency=tx, T=T).fit_report.converged
    finally:
        _optional._blas_controller.cache_clear()
