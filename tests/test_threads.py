"""Concurrency: 8 threads fitting, predicting, scoring and valuing at once.

Every result computed in a thread pool must be bit-identical to the same call
run alone (``np.array_equal`` on arrays, ``==`` on floats, equal fit
reports), and no call may leave process-wide state changed: the BLAS thread
counts seen by ``threadpoolctl`` are the same before and after, and the scorer
registry answers the same names.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import attrs
import numpy as np
import pytest

from kamcore.clp import (
    BetaGeo,
    GammaGamma,
    ParetoNBD,
    ShiftedBetaGeometric,
    customer_lifetime_profit,
)
from kamcore.data import load_demo_portfolio
from kamcore.loyalty import RetentionModel
from kamcore.scoring import get_scorer, scorer_names

N_THREADS = 8


# ---------------------------------------------------------------- data (fixed seeds)
def _rfm() -> tuple[Any, Any, Any]:
    return BetaGeo(r=0.4, alpha=4.0, a=0.8, b=2.5).simulate(
        n_customers=400, T=39.0, rng=np.random.default_rng(11)
    )


X, TX, T = _rfm()
SPEND = GammaGamma(p=6.0, q=4.0, gamma=15.0).simulate(
    np.maximum(X, 1), rng=np.random.default_rng(12)
)
DURATIONS, CENSORED = ShiftedBetaGeometric(alpha=0.8, beta=2.5).simulate(
    n_customers=300, n_periods=8, rng=np.random.default_rng(13)
)
_R = np.random.default_rng(14)
ATTRACTION = _R.uniform(-3.0, 3.0, 300)
BARRIER = _R.uniform(0.0, 1.0, 300)
RETAINED = _R.uniform(size=300) < 1.0 / (1.0 + np.exp(-(0.5 + 0.8 * ATTRACTION + 1.5 * BARRIER)))


def _portfolio() -> Any:
    """The demo portfolio with the inputs every built-in scorer reads."""
    p = load_demo_portfolio()
    n = len(p)
    r = np.random.default_rng(15)
    return p.with_columns(
        {
            "margin": p["profit_last_year"] / 5.0,
            "retention": r.uniform(0.3, 0.95, n),
            "recency": r.integers(0, 365, n).astype(np.float64),
            "frequency": r.integers(0, 40, n).astype(np.float64),
            "monetary": p["sales_last_year"] / 10.0,
            "order_volume_change": r.uniform(-0.3, 0.3, n),
            "order_cycle_change": r.uniform(-0.3, 0.5, n),
            "sow_change": r.uniform(-0.2, 0.2, n),
            "satisfaction_gap": r.uniform(-1.0, 1.0, n),
            "complaints": r.integers(0, 3, n).astype(np.float64),
            "days_late": r.integers(0, 60, n).astype(np.float64),
        },
        currencies={"margin": "CNY", "monetary": "CNY"},
    )


PORTFOLIO = _portfolio()


# ---------------------------------------------------------------- the work
def _fit_bg() -> Any:
    return BetaGeo.fit(frequency=X, recency=TX, T=T)


def _fit_pareto() -> Any:
    return ParetoNBD.fit(frequency=X, recency=TX, T=T)


def _fit_gg() -> Any:
    keep = X > 0
    return GammaGamma.fit(frequency=X[keep], average_spend=SPEND[keep])


def _fit_sbg() -> Any:
    return ShiftedBetaGeometric.fit(durations=DURATIONS, censored=CENSORED)


def _fit_retention() -> Any:
    return RetentionModel.fit(attraction=ATTRACTION, barrier=BARRIER, retained=RETAINED)


BG_MODEL = _fit_bg()
PARETO_MODEL = _fit_pareto()
GG_MODEL = _fit_gg()
SBG_MODEL = _fit_sbg()
RETENTION_MODEL = _fit_retention()


def _predict_bg() -> Any:
    m = BG_MODEL
    return (
        m.probability_alive(frequency=X, recency=TX, T=T),
        m.expected_purchases(t=52.0, frequency=X, recency=TX, T=T),
        m.log_likelihood(frequency=X, recency=TX, T=T),
    )


def _predict_pareto() -> Any:
    m = PARETO_MODEL
    return (
        m.probability_alive(frequency=X, recency=TX, T=T),
        m.expected_purchases(t=52.0, frequency=X, recency=TX, T=T),
    )


def _predict_others() -> Any:
    return (
        GG_MODEL.conditional_expected_average_spend(frequency=X, average_spend=SPEND),
        SBG_MODEL.survival(np.arange(20)),
        SBG_MODEL.discounted_expected_lifetime(0.1),
        RETENTION_MODEL.retention(attraction=ATTRACTION, barrier=BARRIER),
    )


def _value(model: Any) -> Callable[[], Any]:
    def run() -> Any:
        return customer_lifetime_profit(
            model,
            frequency=X,
            recency=TX,
            T=T,
            spend_model=GG_MODEL,
            average_spend=SPEND,
            margin_rate=0.3,
            cost_per_period=0.5,
            discount_rate=0.01,
            n_periods=52,
        )

    return run


def _score(name: str) -> Callable[[], Any]:
    return lambda: get_scorer(name).score(PORTFOLIO, as_of="2024-12-31")


JOBS: dict[str, Callable[[], Any]] = {
    "fit BetaGeo": _fit_bg,
    "fit ParetoNBD": _fit_pareto,
    "fit GammaGamma": _fit_gg,
    "fit ShiftedBetaGeometric": _fit_sbg,
    "fit RetentionModel": _fit_retention,
    "predict BetaGeo": _predict_bg,
    "predict ParetoNBD": _predict_pareto,
    "predict others": _predict_others,
    "value BetaGeo": _value(BG_MODEL),
    "value ParetoNBD": _value(PARETO_MODEL),
    **{f"score {name}": _score(name) for name in scorer_names()},
}


# ---------------------------------------------------------------- exact comparison
def _identical(a: Any, b: Any) -> bool:
    """Bit-identity through tuples, attrs objects, arrays and floats (NaN == NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(_identical(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, Mapping):
        return a.keys() == b.keys() and all(_identical(a[k], b[k]) for k in a)
    if isinstance(a, float):
        return np.float64(a).tobytes() == np.float64(b).tobytes()
    if attrs.has(type(a)):
        return all(
            _identical(getattr(a, f.name), getattr(b, f.name)) for f in attrs.fields(type(a))
        )
    if hasattr(a, "__dict__") and not isinstance(a, type):
        return _identical(vars(a), vars(b))
    return bool(a == b)


def test_the_comparison_sees_a_one_ulp_difference() -> None:
    a = np.array([1.0, 2.0])
    assert _identical((a, 1.0), (a.copy(), 1.0))
    assert not _identical((a, 1.0), (a, np.nextafter(1.0, 2.0)))
    assert not _identical(BG_MODEL, attrs.evolve(BG_MODEL, r=np.nextafter(BG_MODEL.r, 1.0)))


def test_every_builtin_scorer_is_exercised() -> None:
    assert {
        "churn_risk",
        "classes",
        "clp",
        "pareto",
        "pyramid",
        "rfm",
        "rubric",
        "value_matrix",
    } <= {name.removeprefix("score ") for name in JOBS}


# ---------------------------------------------------------------- the test
def _blas_state() -> list[tuple[str, str, int]]:
    threadpoolctl = pytest.importorskip("threadpoolctl")
    return sorted(
        (i["user_api"], i["filepath"], i["num_threads"]) for i in threadpoolctl.threadpool_info()
    )


@pytest.mark.parametrize("round_", range(2))
def test_eight_threads_give_bit_identical_results_and_leave_no_state(round_: int) -> None:
    before = _blas_state()
    names_before = scorer_names()
    alone = {name: job() for name, job in JOBS.items()}
    assert _blas_state() == before

    # every job 8 times (each thread runs every job, in a rotated order), all at once
    barrier = threading.Barrier(N_THREADS)
    order = list(JOBS)

    def worker(k: int) -> dict[str, Any]:
        barrier.wait()
        mine = order[k % len(order) :] + order[: k % len(order)]
        return {name: JOBS[name]() for name in mine}

    with ThreadPoolExecutor(N_THREADS) as pool:
        results = list(pool.map(worker, range(N_THREADS)))

    for k, result in enumerate(results):
        for name, value in result.items():
            assert _identical(value, alone[name]), f"thread {k}: {name} differs from a lone run"
    assert _blas_state() == before
    assert scorer_names() == names_before


def test_fits_inside_an_outer_blas_limit_keep_it() -> None:
    threadpoolctl = pytest.importorskip("threadpoolctl")
    outer = _blas_state()
    with threadpoolctl.threadpool_limits(limits=1, user_api="blas"):
        inside = _blas_state()
        with ThreadPoolExecutor(N_THREADS) as pool:
            fits = list(pool.map(lambda _: _fit_bg(), range(N_THREADS)))
        assert _blas_state() == inside
    assert _blas_state() == outer
    assert all(_identical(f, BG_MODEL) for f in fits)


# ---------------------------------------------------------------- registries
def test_scorer_registry_takes_concurrent_registrations() -> None:
    from kamcore.errors import InvalidParameterError
    from kamcore.scoring import register_scorer, unregister_scorer

    barrier = threading.Barrier(N_THREADS)
    factory = get_scorer("pareto").__class__

    def own(k: int) -> None:
        barrier.wait()
        register_scorer(f"thread_test_{k}", factory)

    def same(_: int) -> bool:
        barrier.wait()
        try:
            register_scorer("thread_test_same", factory)
        except InvalidParameterError:
            return False
        return True

    try:
        with ThreadPoolExecutor(N_THREADS) as pool:
            list(pool.map(own, range(N_THREADS)))
            won = list(pool.map(same, range(N_THREADS)))
        assert {f"thread_test_{k}" for k in range(N_THREADS)} <= set(scorer_names())
        assert won.count(True) == 1  # the name is taken exactly once
    finally:
        for k in range(N_THREADS):
            unregister_scorer(f"thread_test_{k}")
        unregister_scorer("thread_test_same")


def test_json_registry_gives_a_name_to_exactly_one_class() -> None:
    from kamcore.errors import InvalidParameterError
    from kamcore.io import json as kjson

    classes = [
        attrs.frozen(type(f"ThreadNote{k}", (), {"__annotations__": {"text": str}}))
        for k in range(N_THREADS)
    ]
    barrier = threading.Barrier(N_THREADS)

    def claim(k: int) -> bool:
        barrier.wait()
        try:
            kjson.register(classes[k], name="ThreadTestNote")
        except InvalidParameterError:
            return False
        return True

    own_barrier: list[threading.Barrier] = []

    def own(k: int) -> Any:
        own_barrier[0].wait()
        kjson.register(classes[k], name=f"ThreadTestOwn{k}")
        names = kjson.registered_types()  # read while others register
        return kjson.loads(kjson.dumps(classes[k](f"n{k}"))), len(names)

    try:
        _claim_and_own(classes, claim, own, own_barrier)
    finally:  # leave the process-wide registry as it was
        with kjson._REGISTRY_LOCK:
            for name in [n for n, e in kjson._BY_NAME.items() if e.cls in classes]:
                del kjson._BY_NAME[name]
            for cls in classes:
                kjson._BY_TYPE.pop(cls, None)
    assert not set(classes) & set(kjson.registered_types().values())


def _claim_and_own(
    classes: list[Any], claim: Any, own: Any, own_barrier: list[threading.Barrier]
) -> None:
    from kamcore.io import json as kjson

    with ThreadPoolExecutor(N_THREADS) as pool:
        won = list(pool.map(claim, range(N_THREADS)))
    assert won.count(True) == 1
    winner = classes[won.index(True)]
    assert kjson.registered_types()["ThreadTestNote"] is winner
    # the losers were not registered at all, so each can still take its own name
    losers = [k for k in range(N_THREADS) if classes[k] is not winner]
    own_barrier.append(threading.Barrier(len(losers)))
    with ThreadPoolExecutor(N_THREADS) as pool:
        loaded = list(pool.map(own, losers))
    assert [obj.text for obj, _ in loaded] == [f"n{k}" for k in losers]
