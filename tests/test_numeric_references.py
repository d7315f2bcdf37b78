r"""kamcore's repeat-buying numerics against high-precision references (mpmath).

Each reference below is written from the published formula, in the paper's
own form, and evaluated with 60 significant digits, so it shares no code and
no numerical trick (log-space rearrangements, Pfaff or Euler transformations,
continued fractions) with kamcore:

* BG/NBD: Fader, Hardie & Lee (2005), "Counting your customers the easy way",
  eq. (6) likelihood, P(alive) and eq. (10) conditional expectation;
* Pareto/NBD: Schmittlein, Morrison & Colombo (1987) as written by Fader &
  Hardie (2005), "A note on deriving the Pareto/NBD model", the Gauss
  hypergeometric (2F1) form of the likelihood, P(alive) and conditional
  expectation;
* MBG/NBD: Batislam, Denizel & Filiztekin (2007);
* BG/BB: Fader, Hardie & Shang (2010), eqs. (5), (11) and (13);
* Gamma-Gamma: Fader, Hardie & Lee (2005), "RFM and CLV", the density of the
  average spend and the conditional expected spend.

The cases sit at the edges: frequencies and ages up to 10**4, parameters at
1e-6 and 1e6, BG/BB's gamma next to 1. Tolerance: predictions agree to a
relative 1e-10; log-likelihoods to an absolute 1e-10 * max(1, |ref|) (an
absolute error in log L is the relative error of L); a difference below
1e-300 (where float64 has no relative precision left) counts as agreement. A case kamcore does not
reach is marked ``xfail(strict=True)`` with the error measured when it was
written, so the list is a record of findings and shrinks when one is fixed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest

from kamcore.clp import BetaGeo, BetaGeoBetaBinom, GammaGamma, ModifiedBetaGeo, ParetoNBD

mpmath = pytest.importorskip("mpmath")


@pytest.fixture(autouse=True)
def _sixty_digits() -> Iterator[None]:
    """Evaluate every reference with 60 significant digits (restored afterwards)."""
    with mpmath.workdps(60):
        yield


RTOL = 1e-10
# differences below this are below float64's normal range and count as agreement
TINY = 1e-300

M = Any  # an mpmath number


def _f(value: float) -> M:
    return mpmath.mpf(value)  # exact: every float is an mpf


def _beta(a: M, b: M) -> M:
    return mpmath.beta(a, b)


def _hyp2f1(a: M, b: M, c: M, z: M) -> M:
    """2F1, as its defining Gauss series where c is huge (mpmath's transformations crawl)."""
    if c < 1000:
        return mpmath.hyp2f1(a, b, c, z)
    total = term = mpmath.mpf(1)
    k = 0
    while abs(term) > mpmath.mpf(10) ** -70 * abs(total) or (a + k) * (b + k) * z > (c + k) * (
        k + 1
    ):
        term *= (a + k) * (b + k) / ((c + k) * (k + 1)) * z
        total += term
        k += 1
    return total


# ---------------------------------------------------------------- BG/NBD (FHL 2005)
def bgnbd_terms(r: M, alpha: M, a: M, b: M, x: int, tx: M, T: M) -> tuple[M, M]:
    """The two terms of eq. (6): the customer alive at T, and dropped out after t_x."""
    common = mpmath.gamma(r + x) * alpha**r / mpmath.gamma(r)
    alive = _beta(a, b + x) / _beta(a, b) * common / (alpha + T) ** (r + x)
    if x == 0:
        return alive, mpmath.mpf(0)
    dead = _beta(a + 1, b + x - 1) / _beta(a, b) * common / (alpha + tx) ** (r + x)
    return alive, dead


def bgnbd_loglik(p: tuple[M, ...], x: int, tx: M, T: M) -> M:
    return mpmath.log(sum(bgnbd_terms(*p, x, tx, T)))


def bgnbd_alive(p: tuple[M, ...], x: int, tx: M, T: M) -> M:
    r, alpha, a, b = p
    if x == 0:
        return mpmath.mpf(1)
    return 1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + tx)) ** (r + x))


def bgnbd_expected(p: tuple[M, ...], t: M, x: int, tx: M, T: M) -> M:
    r, alpha, a, b = p
    z = t / (alpha + T + t)
    bracket = 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * _hyp2f1(
        r + x, b + x, a + b + x - 1, z
    )
    return (a + b + x - 1) / (a - 1) * bracket * bgnbd_alive(p, x, tx, T)


# ---------------------------------------------------------------- MBG/NBD (Batislam et al. 2007)
def mbgnbd_loglik(p: tuple[M, ...], x: int, tx: M, T: M) -> M:
    r, alpha, a, b = p
    common = mpmath.gamma(r + x) * alpha**r / mpmath.gamma(r)
    alive = _beta(a, b + x + 1) / _beta(a, b) * common / (alpha + T) ** (r + x)
    dead = _beta(a + 1, b + x) / _beta(a, b) * common / (alpha + tx) ** (r + x)
    return mpmath.log(alive + dead)


def mbgnbd_alive(p: tuple[M, ...], x: int, tx: M, T: M) -> M:
    r, alpha, a, b = p
    return 1 / (1 + a / (b + x) * ((alpha + T) / (alpha + tx)) ** (r + x))


def mbgnbd_expected(p: tuple[M, ...], t: M, x: int, tx: M, T: M) -> M:
    r, alpha, a, b = p
    z = t / (alpha + T + t)
    bracket = 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * _hyp2f1(
        r + x, b + x + 1, a + b + x, z
    )
    return (a + b + x) / (a - 1) * bracket * mbgnbd_alive(p, x, tx, T)


# ---------------------------------------------------------------- Pareto/NBD (2F1 form)
def _pareto_parts(p: tuple[M, ...], x: int, tx: M, T: M) -> tuple[M, M]:
    """(E1, s/(r+s+x) * [A(t_x) - A(T)]): L is Gamma(r+x) a^r b^s / Gamma(r) * (E1 + that)."""
    r, alpha, s, beta = p
    big = r + s + x
    e1 = 1 / ((alpha + T) ** (r + x) * (beta + T) ** s)
    if alpha >= beta:

        def part(y: M) -> M:
            return (
                mpmath.hyp2f1(big, s + 1, big + 1, (alpha - beta) / (alpha + y))
                / (alpha + y) ** big
            )

    else:

        def part(y: M) -> M:
            return (
                mpmath.hyp2f1(big, r + x, big + 1, (beta - alpha) / (beta + y)) / (beta + y) ** big
            )

    return e1, s / big * (part(tx) - part(T))


def pareto_loglik(p: tuple[M, ...], x: int, tx: M, T: M) -> M:
    r, alpha, s, beta = p
    e1, rest = _pareto_parts(p, x, tx, T)
    const = mpmath.loggamma(r + x) + r * mpmath.log(alpha) + s * mpmath.log(beta)
    return const - mpmath.loggamma(r) + mpmath.log(e1 + rest)


def pareto_alive(p: tuple[M, ...], x: int, tx: M, T: M) -> M:
    e1, rest = _pareto_parts(p, x, tx, T)
    return e1 / (e1 + rest)


def pareto_expected(p: tuple[M, ...], t: M, x: int, tx: M, T: M) -> M:
    r, alpha, s, beta = p
    factor = (r + x) * (beta + T) / ((alpha + T) * (s - 1))
    return factor * (1 - ((beta + T) / (beta + T + t)) ** (s - 1)) * pareto_alive(p, x, tx, T)


# ---------------------------------------------------------------- BG/BB (FHS 2010)
@functools.lru_cache(maxsize=64)
def _bgbb_parts(p: tuple[M, ...], x: int, tx: int, n: int) -> tuple[M, M]:
    """(alive-through-n term, sum of the drop-out terms) of eq. (5)."""
    al, be, ga, de = p
    bab, bgd = _beta(al, be), _beta(ga, de)
    alive = _beta(al + x, be + n - x) / bab * _beta(ga, de + n) / bgd
    # the sum over i = 0 .. n - t_x - 1, each term from the previous one by the
    # ratio of consecutive Beta functions (B(u, v + 1) = B(u, v) v / (u + v))
    term = _beta(al + x, be + tx - x) / bab * _beta(ga + 1, de + tx) / bgd
    dead = mpmath.mpf(0)
    for i in range(n - tx):
        dead += term
        v1, v2 = be + tx - x + i, de + tx + i
        term *= v1 / (al + x + v1) * v2 / (ga + 1 + v2)
    return alive, dead


def bgbb_loglik(p: tuple[M, ...], x: int, tx: int, n: int) -> M:
    return mpmath.log(sum(_bgbb_parts(p, x, tx, n)))


def bgbb_alive(p: tuple[M, ...], x: int, tx: int, n: int) -> M:
    """P(alive at the last observed opportunity n); eq. (11) shifted by one."""
    alive, dead = _bgbb_parts(p, x, tx, n)
    return alive / (alive + dead)


def bgbb_expected(p: tuple[M, ...], t: int, x: int, tx: int, n: int) -> M:
    al, be, ga, de = p
    likelihood = sum(_bgbb_parts(p, x, tx, n))
    g = mpmath.gamma
    bracket = g(1 + de + n) / g(ga + de + n) - g(1 + de + n + t) / g(ga + de + n + t)
    return (
        _beta(al + x + 1, be + n - x)
        / _beta(al, be)
        * de
        / (ga - 1)
        * g(ga + de)
        / g(1 + de)
        * bracket
        / likelihood
    )


# ---------------------------------------------------------------- Gamma-Gamma (FHL 2005)
def gg_loglik(p: tuple[M, ...], x: int, zbar: M) -> M:
    pp, q, gamma = p
    return mpmath.log(
        mpmath.gamma(pp * x + q)
        / (mpmath.gamma(pp * x) * mpmath.gamma(q))
        * gamma**q
        * zbar ** (pp * x - 1)
        * mpmath.mpf(x) ** (pp * x)
        / (gamma + x * zbar) ** (pp * x + q)
    )


def gg_spend(p: tuple[M, ...], x: int, zbar: M) -> M:
    pp, q, gamma = p
    return pp * (gamma + x * zbar) / (pp * x + q - 1)


# ---------------------------------------------------------------- comparison
def _close(got: float, ref: M, *, loglik: bool) -> tuple[bool, float]:
    """Whether kamcore's value meets the tolerance, and its measured error."""
    if not np.isfinite(got):
        return False, float("inf")
    diff = abs(_f(got) - ref)
    if diff <= TINY:
        return True, 0.0  # both below what float64 resolves (e.g. P(alive) = 4e-3005)
    scale = max(mpmath.mpf(1), abs(ref)) if loglik else abs(ref)
    error = float(diff / scale) if scale else float(diff)
    return error <= RTOL, error


def _check(got: Any, ref: M, *, loglik: bool = False) -> None:
    value = float(np.asarray(got).reshape(-1)[0])
    ok, error = _close(value, ref, loglik=loglik)
    assert ok, f"kamcore {value!r} vs reference {mpmath.nstr(ref, 17)}: error {error:.3g}"


def _xfail(error: str) -> Any:
    return pytest.mark.xfail(strict=True, reason=f"measured error {error} (finding)")


# Measured (relative error of the first value off), each with its cause: the cases
# float64 does not reach with the current formulas. See docs/reliability.md; a fix
# turns its case into an XPASS, which fails the run.
_SMALL_R = (
    "; r = 1e-6 and no repeat purchase: at t = 52 and 1e4 (u = t/(alpha+T) > 1) the kernel "
    "takes Euler's form c/(a-1) [1 - (1-z)^(a-1) 2F1(...)], whose bracket is O(r) = 1e-6, so "
    "the 1e-16 relative rounding of scipy's 2F1 becomes 1e-10 to 1e-8 of the result"
)
_LARGE_S = (
    "; s = 1e6: ln L is assembled from s ln(beta) (near 2.5e6) and terms holding "
    "-s ln(beta + y) (y = T, or the variable of the drop-out integral) whose sum is near 10, "
    "so float64 rounding of those parts (2.5e6 x 1.1e-16 = 3e-10) is the error; forming "
    "-s log1p(y/beta) inside the integral would remove it"
)
_LARGE_P = (
    "; p = 1e6: the Gamma-Gamma density is evaluated as gammaln(px+q) - gammaln(px) and "
    "px ln(x zbar) - (px+q) ln(gamma + x zbar), differences of terms near 1e7 to 1e11 whose "
    "rounding is 1e-10 of ln L; the cancellation-free forms (a log-gamma ratio, "
    "-px log1p(gamma/(x zbar))) also move where fits on data with no finite maximum "
    "(q, gamma -> infinity) stop, so they wait for a change of those fits"
)
KNOWN_ERRORS: dict[str, str] = {
    "test_gamma_gamma_log_likelihood_and_conditional_spend[(1000000.0, 3.74, 15.44)-(2, 1000000.0)]": (
        "2.46e-10" + _LARGE_P
    ),
    "test_gamma_gamma_log_likelihood_and_conditional_spend[(1000000.0, 3.74, 15.44)-(10000, 40.0)]": (
        "1.6e-10" + _LARGE_P
    ),
    "test_bgnbd_conditional_expected_purchases[(1e-06, 4.414, 0.793, 2.426)-(0, 0.0, 38.86)]": (
        "2.14e-10" + _SMALL_R
    ),
    "test_mbgnbd_conditional_expected_purchases[(1e-06, 6.183, 0.891, 1.614)-(0, 0.0, 38.86)]": (
        "7.18e-09" + _SMALL_R
    ),
    "test_pareto_log_likelihood_and_p_alive[(0.553, 10.578, 1000000.0, 11.669)-(0, 0.0, 38.86)]": (
        "9.12e-10" + _LARGE_S
    ),
    "test_pareto_log_likelihood_and_p_alive[(0.553, 10.578, 1000000.0, 11.669)-(1, 1e-06, 10000.0)]": (
        "1.13e-10" + _LARGE_S
    ),
    "test_pareto_log_likelihood_and_p_alive[(0.553, 10.578, 1000000.0, 11.669)-(10000, 9999.0, 10000.0)]": (
        "5.61e-10" + _LARGE_S
    ),
    "test_pareto_conditional_expected_purchases[(0.553, 10.578, 1000000.0, 11.669)-(10000, 9999.0, 10000.0)]": (
        "5.61e-10, through P(alive)" + _LARGE_S
    ),
}


# ---------------------------------------------------------------- cases
BG = (0.243, 4.414, 0.793, 2.426)  # CDNOW, FHL 2005
MBG = (0.525, 6.183, 0.891, 1.614)
PARETO = (0.553, 10.578, 0.606, 11.669)  # CDNOW, Fader & Hardie
BGBB = (1.204, 0.750, 0.657, 2.783)  # donations, FHS 2010
GG = (6.25, 3.74, 15.44)  # CDNOW, FHL 2005

HISTORIES = [
    (0, 0.0, 38.86),
    (2, 30.43, 38.86),
    (1, 1e-6, 1e4),
    (50, 1.0, 1e4),
    (10_000, 9_999.0, 1e4),
    (10_000, 5_000.0, 1e4),
]


def _edges(base: tuple[float, ...], skip: Callable[[int, float], bool]) -> list[tuple[float, ...]]:
    out = [base]
    out.extend(
        (*base[:i], value, *base[i + 1 :])
        for i in range(len(base))
        for value in (1e-6, 1e6)
        if not skip(i, value)
    )
    return out


def _no_skip(i: int, value: float) -> bool:
    return False


def _param(test: str, *values: Any) -> Any:
    case = "-".join(map(str, values))
    error = KNOWN_ERRORS.get(f"{test}[{case}]")
    marks = () if error is None else (_xfail(error),)
    return pytest.param(*values, id=case, marks=marks)


def _cases(
    test: str, base: tuple[float, ...], skip: Callable[[int, float], bool] = _no_skip
) -> list[Any]:
    return [_param(test, params, history) for params in _edges(base, skip) for history in HISTORIES]


def _mp(values: tuple[float, ...]) -> tuple[M, ...]:
    return tuple(_f(v) for v in values)


# ---------------------------------------------------------------- BG/NBD
@pytest.mark.parametrize(("params", "history"), _cases("test_bgnbd_log_likelihood_and_p_alive", BG))
def test_bgnbd_log_likelihood_and_p_alive(params: Any, history: Any) -> None:
    x, tx, T = history
    model = BetaGeo(*params)
    p = _mp(params)
    _check(
        model.log_likelihood(frequency=x, recency=tx, T=T),
        bgnbd_loglik(p, x, _f(tx), _f(T)),
        loglik=True,
    )
    _check(model.probability_alive(frequency=x, recency=tx, T=T), bgnbd_alive(p, x, _f(tx), _f(T)))


def _horizons(history: tuple[Any, ...]) -> tuple[float, ...]:
    # mpmath's 2F1 with parameters near 10**4 and an argument near 1/2 takes
    # minutes: the horizon 10**4 is checked for the smaller frequencies only
    return (1.0, 52.0) if history[0] > 50 else (1.0, 52.0, 1e4)


def _no_huge_r(i: int, value: float) -> bool:
    # r = 1e6: the same 2F1 cost at every horizon (and 10-20 s a Pareto/NBD case)
    return i == 0 and value > 1


@pytest.mark.parametrize(
    ("params", "history"), _cases("test_bgnbd_conditional_expected_purchases", BG, _no_huge_r)
)
def test_bgnbd_conditional_expected_purchases(params: Any, history: Any) -> None:
    x, tx, T = history
    model = BetaGeo(*params)
    for t in _horizons(history):
        _check(
            model.expected_purchases(t=t, frequency=x, recency=tx, T=T),
            bgnbd_expected(_mp(params), _f(t), x, _f(tx), _f(T)),
        )


# a new customer's expected purchases, FHL eq. (9) and Batislam et al. eq. (4); the
# kernel switches to FHL's own series at a >= 20, so both sides of the switch are here
NEW_CUSTOMER_A = (0.793, 1.5, 19.99, 20.0, 1e3, 1e6)


def bgnbd_expected_new(p: tuple[M, ...], t: M) -> M:
    r, alpha, a, b = p
    z = t / (alpha + t)
    h = _hyp2f1(r, b, a + b - 1, z)
    return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * h)


def mbgnbd_expected_new(p: tuple[M, ...], t: M) -> M:
    r, alpha, a, b = p
    z = t / (alpha + t)
    return b / (a - 1) * (1 - (alpha / (alpha + t)) ** r * _hyp2f1(r, b + 1, a + b, z))


@pytest.mark.parametrize("a", NEW_CUSTOMER_A)
@pytest.mark.parametrize("t", [1e-3, 1.0, 52.0, 1e4])
def test_new_customer_expected_purchases(a: float, t: float) -> None:
    bg = (BG[0], BG[1], a, BG[3])
    _check(BetaGeo(*bg).expected_purchases_new(t), bgnbd_expected_new(_mp(bg), _f(t)))
    mbg = (MBG[0], MBG[1], a, MBG[3])
    _check(ModifiedBetaGeo(*mbg).expected_purchases_new(t), mbgnbd_expected_new(_mp(mbg), _f(t)))


def test_huge_a_expected_purchases_are_small_and_positive() -> None:
    """a = 1e6: almost every customer drops out at its next repeat purchase.

    With g(p) = (1 - (1 + p u)^-(r+x)) / p, u = t / (alpha+T), decreasing in p,
    E[Y(t)] / P(alive) = E[g(p)] lies between g(1) (the limit p -> 1: one more
    purchase, then gone) and E[1/p] g(1) = (a+b+x-1)/(a-1) g(1): finite, positive,
    below 1 (the kernel once returned -inf or NaN here).
    """
    r, alpha, _, b = BG
    a = 1e6
    x, tx, T = np.array([0, 2, 10_000]), np.array([0.0, 30.43, 9_999.0]), np.full(3, 1e4)
    model = BetaGeo(r, alpha, a, b)
    got = model.expected_purchases(t=52.0, frequency=x, recency=tx, T=T)
    alive = model.probability_alive(frequency=x, recency=tx, T=T)
    g1 = -np.expm1(-(r + x) * np.log1p(52.0 / (alpha + T)))
    assert np.all(np.isfinite(got))
    assert np.all(got > 0)
    assert np.all(got < 1)
    assert np.all(got >= alive * g1 * (1 - 1e-12))
    assert np.all(got <= alive * g1 * (a + b + x - 1) / (a - 1) * (1 + 1e-12))
    new = model.expected_purchases_new([1.0, 52.0, 1e9])
    assert np.all(np.isfinite(new))
    assert np.all(new > 0)
    assert np.all(np.diff(new) > 0)


# ---------------------------------------------------------------- MBG/NBD
@pytest.mark.parametrize(
    ("params", "history"), _cases("test_mbgnbd_log_likelihood_and_p_alive", MBG)
)
def test_mbgnbd_log_likelihood_and_p_alive(params: Any, history: Any) -> None:
    x, tx, T = history
    model = ModifiedBetaGeo(*params)
    p = _mp(params)
    _check(
        model.log_likelihood(frequency=x, recency=tx, T=T),
        mbgnbd_loglik(p, x, _f(tx), _f(T)),
        loglik=True,
    )
    _check(model.probability_alive(frequency=x, recency=tx, T=T), mbgnbd_alive(p, x, _f(tx), _f(T)))


@pytest.mark.parametrize(
    ("params", "history"), _cases("test_mbgnbd_conditional_expected_purchases", MBG, _no_huge_r)
)
def test_mbgnbd_conditional_expected_purchases(params: Any, history: Any) -> None:
    x, tx, T = history
    model = ModifiedBetaGeo(*params)
    for t in _horizons(history):
        _check(
            model.expected_purchases(t=t, frequency=x, recency=tx, T=T),
            mbgnbd_expected(_mp(params), _f(t), x, _f(tx), _f(T)),
        )


# ---------------------------------------------------------------- Pareto/NBD
@pytest.mark.parametrize(
    ("params", "history"), _cases("test_pareto_log_likelihood_and_p_alive", PARETO, _no_huge_r)
)
def test_pareto_log_likelihood_and_p_alive(params: Any, history: Any) -> None:
    x, tx, T = history
    model = ParetoNBD(*params)
    p = _mp(params)
    _check(
        model.log_likelihood(frequency=x, recency=tx, T=T),
        pareto_loglik(p, x, _f(tx), _f(T)),
        loglik=True,
    )
    _check(model.probability_alive(frequency=x, recency=tx, T=T), pareto_alive(p, x, _f(tx), _f(T)))


@pytest.mark.parametrize(
    ("params", "history"), _cases("test_pareto_conditional_expected_purchases", PARETO, _no_huge_r)
)
def test_pareto_conditional_expected_purchases(params: Any, history: Any) -> None:
    x, tx, T = history
    model = ParetoNBD(*params)
    for t in (1.0, 52.0, 1e4):
        _check(
            model.expected_purchases(t=t, frequency=x, recency=tx, T=T),
            pareto_expected(_mp(params), _f(t), x, _f(tx), _f(T)),
        )


# ---------------------------------------------------------------- BG/BB
BGBB_HISTORIES = [
    (0, 0, 6),
    (3, 5, 6),
    (1, 1, 10_000),
    (50, 9_900, 10_000),
    (9_990, 9_995, 10_000),
    (10_000, 10_000, 10_000),
]


def _bgbb_cases(test: str) -> list[Any]:
    params = _edges(BGBB, _no_skip)
    params += [(*BGBB[:2], g, *BGBB[3:]) for g in (1.0 - 1e-6, 1.0 + 1e-6, 1.0 + 1e-12)]
    return [_param(test, p, h) for p in params for h in BGBB_HISTORIES]


@pytest.mark.parametrize(("params", "history"), _bgbb_cases("test_bgbb_log_likelihood_and_p_alive"))
def test_bgbb_log_likelihood_and_p_alive(params: Any, history: Any) -> None:
    x, tx, n = history
    model = BetaGeoBetaBinom(*params)
    p = _mp(params)
    _check(
        model.log_likelihood(frequency=x, recency=tx, T=n), bgbb_loglik(p, x, tx, n), loglik=True
    )
    _check(model.probability_alive(frequency=x, recency=tx, T=n), bgbb_alive(p, x, tx, n))


@pytest.mark.parametrize(
    ("params", "history"), _bgbb_cases("test_bgbb_conditional_expected_purchases")
)
def test_bgbb_conditional_expected_purchases(params: Any, history: Any) -> None:
    x, tx, n = history
    model = BetaGeoBetaBinom(*params)
    for t in (1, 5, 10_000):
        _check(
            model.expected_purchases(t=t, frequency=x, recency=tx, T=n),
            bgbb_expected(_mp(params), t, x, tx, n),
        )


# ---------------------------------------------------------------- Gamma-Gamma
GG_DATA = [(1, 1e-6), (1, 35.0), (2, 1e6), (100, 12.5), (10_000, 1e-6), (10_000, 40.0)]


def _gg_cases(test: str) -> list[Any]:
    # q <= 1: no finite mean spend
    return [_param(test, p, d) for p in _edges(GG, lambda i, v: i == 1 and v < 1) for d in GG_DATA]


@pytest.mark.parametrize(
    ("params", "data"), _gg_cases("test_gamma_gamma_log_likelihood_and_conditional_spend")
)
def test_gamma_gamma_log_likelihood_and_conditional_spend(params: Any, data: Any) -> None:
    x, zbar = data
    model = GammaGamma(*params)
    p = _mp(params)
    _check(
        model.log_likelihood(frequency=x, average_spend=zbar),
        gg_loglik(p, x, _f(zbar)),
        loglik=True,
    )
    _check(
        model.conditional_expected_average_spend(frequency=x, average_spend=zbar),
        gg_spend(p, x, _f(zbar)),
    )


# ---------------------------------------------------------------- the references themselves
def test_references_reproduce_published_figures() -> None:
    """The references are checked against numbers printed in the papers."""
    # FHL 2005 (BG/NBD), CDNOW customer with x=2, t_x=30.43, T=38.86: E[Y(39)] = 1.226
    e = bgnbd_expected(_mp(BG), _f(39.0), 2, _f(30.43), _f(38.86))
    assert abs(float(e) - 1.226) < 5e-4
    # FHL 2005 (RFM and CLV): E[Z] = p gamma / (q - 1) = 35.22 for the CDNOW repeat buyers
    assert abs(float(gg_spend(_mp(GG), 0, _f(0.0))) - 35.22) < 5e-3
    # the two forms of P(alive) of the BG/BB agree with the ratio of likelihood terms
    a = bgbb_alive(_mp(BGBB), 3, 5, 6)
    alive, dead = _bgbb_parts(_mp(BGBB), 3, 5, 6)
    assert abs(a - alive / (alive + dead)) < mpmath.mpf(10) ** -50


# ---------------------------------------------------------------- the log-gamma sums
@pytest.mark.parametrize("x", [1e-6, 2.783, 19.9, 20.0, 1e4 + 3.7, 1e6, 1e9])
@pytest.mark.parametrize("e", [-0.999999, -1e-6, 0.5, 1e6 - 1.0])
def test_log_gamma_step_against_loggamma(x: float, e: float) -> None:
    """sum_{j<m} ln(1 + e/(x+j)) to 1e-14 relative, term by term (m <= 20) and by Stirling."""
    from kamcore.clp._btyd._base import log_gamma_step

    if x + e <= 0:
        pytest.skip("outside the domain (x + e > 0)")
    m = np.array([1.0, 5.0, 20.0, 21.0, 50.0, 1e3, 1e6])
    got = log_gamma_step(x, m, e)
    X, E = _f(x), _f(e)
    for value, mm in zip(got, m, strict=True):
        M_ = _f(mm)
        ref = (
            mpmath.loggamma(X + M_ + E)
            - mpmath.loggamma(X + M_)
            - mpmath.loggamma(X + E)
            + mpmath.loggamma(X)
        )
        assert abs(_f(float(value)) - ref) <= 1e-14 * abs(ref)


@pytest.mark.parametrize(("a", "b"), [(1e6, 0.75), (1.204, 1e6), (1e3, 1e-6), (2.5e3, 4e3)])
def test_log_beta_ratio_against_beta(a: float, b: float) -> None:
    from kamcore.clp._btyd._base import log_beta_ratio

    x = np.array([0.0, 1.0, 3.0, 21.0, 9_990.0, 1e4])
    y = np.array([1.0, 0.0, 133.5, 20.0, 5.0, 1e4])
    got = log_beta_ratio(a, b, x, y)
    for value, xx, yy in zip(got, x, y, strict=True):
        ref = mpmath.log(mpmath.beta(_f(a + xx), _f(b) + _f(yy)) / mpmath.beta(_f(a), _f(b)))
        assert abs(_f(float(value)) - ref) <= 1e-13 * max(mpmath.mpf(1), abs(ref))


@pytest.mark.parametrize("a", [25.0, 1e3, 1e6])
@pytest.mark.parametrize("history", [(0, 0.0, 38.86), (2, 30.43, 38.86), (50, 1.0, 1e4)])
def test_bgnbd_probability_alive_at_with_large_a(a: float, history: Any) -> None:
    """P(alive at T+t) = P(alive at T) 2F1(r+x, a; a+b+x; -t/(alpha+T)); it refused a = 1e6."""
    x, tx, T = history
    r, alpha, _, b = BG
    model = BetaGeo(r, alpha, a, b)
    now = bgnbd_alive(_mp((r, alpha, a, b)), x, _f(tx), _f(T))
    ref = now * mpmath.hyp2f1(_f(r) + x, _f(a), _f(a) + _f(b) + x, -_f(52.0) / (_f(alpha) + _f(T)))
    got = model.probability_alive_at(t=52.0, frequency=x, recency=tx, T=T)
    assert abs(_f(float(got)) - ref) <= 1e-10 * ref
