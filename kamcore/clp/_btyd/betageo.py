r"""BG/NBD repeat-buying model (Fader, Hardie & Lee 2005, "Counting your customers the easy way").

While alive, a customer buys in a Poisson process with rate :math:`\lambda`;
after every *repeat* purchase it drops out for good with probability :math:`p`.
Across customers :math:`\lambda \sim \mathrm{Gamma}(r, \alpha)` (shape ``r``,
rate ``alpha``, so ``alpha`` is in the time unit of the data) and
:math:`p \sim \mathrm{Beta}(a, b)`.

A customer's history is summarised by ``frequency`` :math:`x` (repeat
purchases), ``recency`` :math:`t_x` (time of the last repeat purchase, 0 when
:math:`x = 0`) and ``T`` (time since the first purchase), measured from the
first purchase.

Likelihood of one customer, with :math:`\delta = [x > 0]`:

.. math::

    L = \frac{B(a, b+x)}{B(a, b)} \frac{\Gamma(r+x)\,\alpha^r}{\Gamma(r)(\alpha+T)^{r+x}}
        \Bigl[1 + \delta \frac{a}{b+x-1}
        \Bigl(\frac{\alpha+T}{\alpha+t_x}\Bigr)^{r+x}\Bigr],

evaluated in log space as the log-sum of its two terms (alive at :math:`T`, and
dropped out after :math:`t_x`), each from sums of logarithms where a parameter is
large (see :func:`_bgnbd_loglik`), which never overflows, however large :math:`x`
is. ``P(alive) = 1 / (1 + e^{D})`` with
:math:`D = \ln\frac{a}{b+x-1} + (r+x)\ln\frac{\alpha+T}{\alpha+t_x}`; the fit's
objective writes :math:`\ln L = A + \delta\,\mathrm{softplus}(D)`.

Expected purchases in the next ``t`` are written through the kernel

.. math::

    K(a, B, R, D, t) = E_{p \sim \mathrm{Beta}(a, B)}
      \Bigl[\tfrac{1}{p}\bigl(1 - (\tfrac{D}{D + p t})^{R}\bigr)\Bigr]
      = \frac{a+B-1}{a-1}\Bigl[1 - (1-z)^{a-1}
        {}_2F_1(a+B-1-R,\, a-1;\, a+B-1;\, z)\Bigr],\quad z = \frac{t}{D+t},

(Euler's transformation of FHL's eq. 10: the hypergeometric's numerator
parameters do not grow with :math:`x`, so customers with thousands of
purchases are as cheap and as accurate as new ones). Then
:math:`E[X(t)] = K(a, b, r, \alpha, t)` for a new customer and
:math:`E[Y(t) \mid x, t_x, T] = P(\text{alive})\,K(a, b+x, r+x, \alpha+T, t)`.
At :math:`a = 1` the removable singularity is bridged by linear interpolation
between :math:`a = 1 \pm 10^{-5}`; where :math:`a + B - 1 < 1/2` one step of
:math:`K(a, B) = \frac{B}{a+B} K(a, B+1) + 1 - (1-z)^{a}\,{}_2F_1(a+B-R, a; a+B; z)`
keeps the hypergeometric's third parameter away from 0.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar, Final

import attrs
import numpy as np
from numpy.typing import ArrayLike
from scipy import special  # type: ignore[import-untyped]

from kamcore._fitting import (
    FIT_METHODS,
    FitReport,
    check_fit_report,
    maximize_likelihood,
    prepare_fit_data,
    validate_weights,
)
from kamcore._fitting import (
    weighted_sum as _dot,
)
from kamcore._params import (
    NONNEGATIVE,
    POSITIVE,
    FloatArray,
    IntArray,
    as_float_array,
    as_int_array,
    broadcast,
    check_in,
    fail_where,
)
from kamcore.clp._btyd._base import (
    MAX_SIMULATED_PURCHASES,
    ParametricModel,
    PredictionIntervals,
    check_n_customers,
    check_positive_parameter,
    log_beta_ratio,
    log_gamma_ratio,
    poisson_counts,
    to_float_parameter,
    validate_rfm,
)
from kamcore.errors import InvalidParameterError

__all__ = ["BetaGeo"]

_A_ONE_GAP: Final = 1e-5


# ----------------------------------------------------------------- shared kernels
def beta_count_kernel(
    a: float, B: ArrayLike, R: ArrayLike, D: ArrayLike, t: ArrayLike
) -> FloatArray:
    r"""Return :math:`E_{p\sim\mathrm{Beta}(a,B)}[(1 - (D/(D+pt))^R)/p]` (see module docs).

    Broadcasts ``B``, ``R``, ``D`` (all > 0) and ``t`` (>= 0); ``a`` > 0 is a scalar.
    Kernels trust their inputs.
    """
    B_, R_, D_, t_ = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in (B, R, D, t)))
    u = t_ / D_
    c = a + B_ - 1.0
    # the series in u converges fast: its term ratio stays below 1/2 over 64 terms
    paths = [
        (u * (R_ + 1.0) * (a + 1.0) <= 0.25 * (c + 1.0))
        & (u * (R_ + 64.0) * (a + 64.0) <= 0.5 * 65.0 * (c + 64.0)),
        np.zeros(B_.shape, dtype=bool),
    ]
    if a >= _SERIES_MIN_A:
        room = (a - 1.0) * _SERIES_SHARE
        paths[1] = (room >= B_) & (room >= R_) & ~paths[0]
    rest = ~(paths[0] | paths[1])
    if not rest.any() and not paths[1].any():
        return _beta_count_small_p(a, B_, R_, u)
    out = np.empty(B_.shape, dtype=np.float64)
    out[paths[0]] = _beta_count_small_p(a, B_[paths[0]], R_[paths[0]], u[paths[0]])
    out[paths[1]] = _beta_count_series(a, B_[paths[1]], R_[paths[1]], D_[paths[1]], t_[paths[1]])
    if rest.any():
        out[rest] = _beta_count_euler(a, B_[rest], R_[rest], D_[rest], t_[rest])
    return out


def _beta_count_euler(
    a: float, B: FloatArray, R: FloatArray, D: FloatArray, t: FloatArray
) -> FloatArray:
    """Return the kernel from Euler's form (a = 1 bridged), see the module docs."""
    if abs(a - 1.0) < _A_ONE_GAP:
        lo = _beta_count_direct(1.0 - _A_ONE_GAP, B, R, D, t)
        hi = _beta_count_direct(1.0 + _A_ONE_GAP, B, R, D, t)
        frac = (a - (1.0 - _A_ONE_GAP)) / (2.0 * _A_ONE_GAP)
        return lo + frac * (hi - lo)
    return _beta_count_direct(a, B, R, D, t)


def _beta_count_small_p(a: float, B: FloatArray, R: FloatArray, u: FloatArray) -> FloatArray:
    r"""Return the kernel as its series in :math:`u = t/D` (where that converges fast).

    Expanding :math:`(1 + pu)^{-R}` and taking :math:`E[p^{k-1}] =
    (a)_{k-1}/(a+B)_{k-1}` term by term,

    .. math::

        K = \sum_{k \ge 1} (-1)^{k+1} \frac{(R)_k\,(a)_{k-1}}{(a+B)_{k-1}\,k!}\,u^k,
        \qquad \frac{\text{term}_{k+1}}{\text{term}_k}
          = -\frac{(R+k)(a+k-1)\,u}{(a+B-1+k)(k+1)},

    used where that ratio stays below 1/2 over the first 64 terms (a short
    horizon, a large ``D`` or ``B``): no :math:`1/(a-1)` and no difference of
    nearly equal numbers, so it holds its digits where the closed forms lose
    them (``b`` or ``alpha`` near :math:`10^6`, ``r`` near :math:`10^{-6}`) and at
    :math:`a = 1` alike.
    """
    c = a + B - 1.0
    term = R * u
    total = term.copy()
    for k in range(1, _SERIES_MAX_TERMS):
        term = term * (-(R + k) * (a + k - 1.0) * u / ((c + k) * (k + 1.0)))
        total = total + term
        if not np.any(np.abs(term) > 1e-17 * np.abs(total)):
            break
    return np.asarray(total, dtype=np.float64)


_SERIES_MIN_A: Final = 20.0
_SERIES_SHARE: Final = 0.25
_SERIES_MAX_TERMS: Final = 400


def _beta_count_series(
    a: float, B: FloatArray, R: FloatArray, D: FloatArray, t: FloatArray
) -> FloatArray:
    r"""Return the kernel for large ``a`` (``B, R <= (a-1)/4``) from FHL's own form.

    With :math:`c = a+B-1`, :math:`K = \frac{c}{a-1}\,[1 - (1-z)^R\,{}_2F_1(R, B; c; z)]`;
    the hypergeometric's numerator parameters stay small however large ``a``
    is (where Euler's form has two parameters near ``a`` and loses its
    footing). Writing :math:`{}_2F_1 = 1 + S`, the bracket is
    :math:`-\mathrm{expm1}(R\ln(1-z)) - (1-z)^R S`: both parts are positive and
    the second is at most about :math:`B/c \le 1/4` of the first, so no digit is
    lost however small ``t`` is. :math:`S` is summed as its Gauss series in log
    space (each term times :math:`(1-z)^R`, so nothing overflows); its terms
    fall at least like :math:`k^{-(a-1)/2}` (and like :math:`(B/c)^k` at first).
    """
    c = a + B - 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        log1mz = -np.log1p(t / D)
        logz = np.log(t) - np.log(D + t)
        head = -np.expm1(R * log1mz)
        log_term = R * log1mz
        tail = np.zeros_like(head)
        for k in range(_SERIES_MAX_TERMS):
            log_ratio = np.log((R + k) * (B + k) / ((c + k) * (k + 1.0))) + logz
            log_term = log_term + log_ratio
            term = np.exp(log_term)
            tail = tail + term
            if k > 2 and not np.any((term > 1e-18 * (head - tail)) | (log_ratio > 0.0)):
                break
    return np.asarray(np.where(t > 0.0, c / (a - 1.0) * (head - tail), 0.0), dtype=np.float64)


def _beta_count_direct(
    a: float, B: ArrayLike, R: ArrayLike, D: ArrayLike, t: ArrayLike
) -> FloatArray:
    B_, R_, D_, t_ = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in (B, R, D, t)))
    z = t_ / (D_ + t_)
    log1mz = -np.log1p(t_ / D_)  # ln(1 - z), exact also where z rounds to 1
    # Where c = a + B - 1 is small the Euler form loses its footing (c -> 0); one step
    # of E_{a,B}[g] = B/(a+B) E_{a,B+1}[g] + E_{a,B}[p g] moves B up by one, with
    # E_{a,B}[p g] = 1 - (1-z)^a 2F1(a+B-R, a; a+B; z).
    low = (a + B_ - 1.0) < 0.5
    Bk = np.where(low, B_ + 1.0, B_)
    c = a + Bk - 1.0
    eps = a - 1.0
    rest = power_hyp2f1(c - R_, np.full_like(c, eps), c, z, log1mz, eps, "t")
    out = c / eps * (1.0 - rest)
    if low.any():
        al = np.full_like(B_[low], a)
        extra = 1.0 - power_hyp2f1(
            a + B_[low] - R_[low], al, a + B_[low], z[low], log1mz[low], a, "t"
        )
        out = np.array(out, dtype=np.float64)
        out[low] = B_[low] / (a + B_[low]) * out[low] + extra
    return np.asarray(out, dtype=np.float64)


_NEAR_ONE: Final = 0.05
"""Use the expansion at z = 1 where its series ratio |coefficient| (1 - z) is below this
(or where 1 - z < 1e-13, beyond scipy's reach); each series then gains 1.3 digits a term."""
_SERIES_TERMS: Final = 60


def power_hyp2f1(  # noqa: PLR0917
    A: FloatArray,
    B: FloatArray,
    C: FloatArray,
    z: FloatArray,
    log1mz: FloatArray,
    expo: float,
    name: str,
) -> FloatArray:
    r"""Return :math:`(1-z)^{e}\,{}_2F_1(A, B; C; z)` for :math:`0 \le z < 1`, any ``z`` near 1.

    ``log1mz`` is :math:`w = \ln(1-z)`, computed by the caller without rounding ``z``
    (for :math:`t \to \infty`, :math:`z = t/(D+t)` rounds to 1 long before
    :math:`\ln(1-z) = -\ln(1 + t/D)` stops being exact). Near :math:`z = 1` the
    connection formula (Abramowitz & Stegun 15.3.6) is used,

    .. math::

        (1-z)^{e}\,{}_2F_1 = (1-z)^{e}\,G_1\,F(A, B; A+B-C+1; 1-z)
          + (1-z)^{e + C - A - B}\,G_2\,F(C-A, C-B; C-A-B+1; 1-z),

    :math:`G_1 = \frac{\Gamma(C)\Gamma(C-A-B)}{\Gamma(C-A)\Gamma(C-B)}`,
    :math:`G_2 = \frac{\Gamma(C)\Gamma(A+B-C)}{\Gamma(A)\Gamma(B)}`, each
    :math:`F` summed as its Gauss series in :math:`1-z`: where
    :math:`1 - z < 10^{-13}` (beyond what ``z`` itself can carry) or where
    :math:`1 - z < 10^{-3}` and the series ratio :math:`|ab/c|\,(1-z)` of both is
    below 0.05; elsewhere
    :func:`scipy.special.hyp2f1`. The series stop at 60 terms (or once the last
    term is below :math:`10^{-17}` of the sum). ``name`` is the argument blamed
    when the value is not finite, or when :math:`C - A - B` lies within
    :math:`10^{-6}` of an integer and :math:`1 - z < 10^{-13}` (the connection
    coefficients are then poles that cancel, and scipy cannot take over).

    Raises
    ------
    InvalidParameterError
        Naming ``name``: the value overflows or cannot be evaluated accurately.
    """
    w = np.exp(log1mz)  # 1 - z, exact
    with np.errstate(all="ignore"):
        gap = C - A - B
        k1 = np.abs(A * B / (A + B - C + 1.0))
        k2 = np.abs((C - A) * (C - B) / (gap + 1.0))
        pole = np.abs(gap - np.round(gap)) < 1e-6
        forced = log1mz < -30.0
        fail_where(
            forced & pole,
            np.exp(-log1mz),
            name,
            "be small enough for an accurate evaluation at these parameters (a "
            "hypergeometric connection coefficient is singular; ratio 1/(1-z) shown)",
        )
        near = forced | ((w < 1e-3) & (np.maximum(k1, k2) * w < _NEAR_ONE) & ~pole)
        out = np.exp(expo * log1mz) * special.hyp2f1(A, B, C, np.where(near, 0.0, z))
        if near.any():
            An, Bn, Cn, ln, wn, gn = A[near], B[near], C[near], log1mz[near], w[near], gap[near]
            sg = special.gammasgn
            gl = special.gammaln
            s1 = _gauss_series(An, Bn, An + Bn - Cn + 1.0, wn)
            s2 = _gauss_series(Cn - An, Cn - Bn, gn + 1.0, wn)
            first = (
                sg(Cn)
                * sg(gn)
                * sg(Cn - An)
                * sg(Cn - Bn)
                * np.exp(gl(Cn) + gl(gn) - gl(Cn - An) - gl(Cn - Bn) + expo * ln)
                * s1
            )
            second = (
                sg(Cn)
                * sg(-gn)
                * sg(An)
                * sg(Bn)
                * np.exp(gl(Cn) + gl(-gn) - gl(An) - gl(Bn) + (expo + gn) * ln)
                * s2
            )
            out = np.array(out, dtype=np.float64)
            out[near] = first + second
    fail_where(
        ~np.isfinite(out),
        np.exp(-log1mz),
        name,
        "keep the hypergeometric function finite (it overflowed; ratio 1/(1-z) shown)",
    )
    return np.asarray(out, dtype=np.float64)


def _as_t(t: ArrayLike) -> FloatArray:
    return as_float_array(t, "t", domain=NONNEGATIVE)


def _gauss_series(a: FloatArray, b: FloatArray, c: FloatArray, w: FloatArray) -> FloatArray:
    """Sum the Gauss series of 2F1(a, b; c; w) for small |w| (see power_hyp2f1)."""
    term = np.ones_like(w)
    total = np.ones_like(w)
    for k in range(_SERIES_TERMS):
        term = term * (a + k) * (b + k) / ((c + k) * (k + 1.0)) * w
        total = total + term
        if not np.any(np.abs(term) > 1e-17 * np.abs(total)):
            break
    return total


def pfaff_survival(a: float, b_minus: float, c: ArrayLike, u: FloatArray) -> FloatArray:
    r"""Return :math:`{}_2F_1(c - b', a; c; -u)` for ``u >= 0`` in Pfaff form.

    This is :math:`E_p[(1 + u p)^{-(c - b')}]` for :math:`p \sim B(a, c - a)`.
    Computes :math:`(1+u)^{-a}\,{}_2F_1(a, b'; c; u/(1+u))` with ``b' = b_minus``; the
    argument :math:`u/(1+u)` lies in [0, 1), where the Gauss series is stable, and
    :func:`power_hyp2f1` takes over where it rounds to 1 (``u`` beyond about
    :math:`10^{13}`). Shared by the BG/NBD and MBG/NBD survival probabilities.
    """
    u_ = np.asarray(u, dtype=np.float64)
    c_, u_ = np.broadcast_arrays(np.asarray(c, dtype=np.float64), u_)
    z = u_ / (1.0 + u_)
    log1mz = -np.log1p(u_)
    full = np.full_like(c_, 1.0)
    if a >= _SERIES_MIN_A:
        # large a: the other Pfaff form (1+u)^-R 2F1(R, B; c; z), R = c - b', B = c - a,
        # whose numerator parameters stay small (the form above has a near 1e6 in two)
        R, B = c_ - b_minus, c_ - a
        room = (a - 1.0) * _SERIES_SHARE
        use = (room >= B) & (room >= R)
        if use.any():
            out = np.empty(c_.shape, dtype=np.float64)
            out[use] = _power_gauss_series(R[use], B[use], c_[use], z[use], log1mz[use])
            rest = ~use
            if rest.any():
                out[rest] = power_hyp2f1(
                    a * full[rest], b_minus * full[rest], c_[rest], z[rest], log1mz[rest], a, "t"
                )
            return out
    return power_hyp2f1(a * full, b_minus * full, c_, z, log1mz, a, "t")


def _power_gauss_series(
    R: FloatArray, B: FloatArray, c: FloatArray, z: FloatArray, log1mz: FloatArray
) -> FloatArray:
    """Return (1-z)^R 2F1(R, B; c; z) as its Gauss series in log space, for c >> B, R."""
    with np.errstate(divide="ignore"):
        logz = np.log(z)
    log_term = R * log1mz
    total = np.exp(log_term)
    for k in range(_SERIES_MAX_TERMS):
        log_ratio = np.log((R + k) * (B + k) / ((c + k) * (k + 1.0))) + logz
        log_term = log_term + log_ratio
        term = np.exp(log_term)
        total = total + term
        if k > 2 and not np.any((term > 1e-18 * total) | (log_ratio > 0.0)):
            break
    return np.asarray(total, dtype=np.float64)


def _bgnbd_log_odds(
    params: tuple[float, float, float, float], x: IntArray, tx: FloatArray, T: FloatArray
) -> FloatArray:
    """Return D per customer, the log-odds of having dropped out: P(alive) = 1 / (1 + e^D)."""
    r, alpha, a, b = params
    xf = x.astype(np.float64)
    pos = x > 0
    bx1 = np.where(pos, b + xf - 1.0, 1.0)
    return np.where(
        pos, np.log(a) - np.log(bx1) + (r + xf) * np.log1p((T - tx) / (alpha + tx)), -np.inf
    )


def _bgnbd_loglik(
    params: tuple[float, float, float, float], x: IntArray, tx: FloatArray, T: FloatArray
) -> FloatArray:
    r"""Return ln L per customer as the log-sum of its two terms (FHL eq. 6).

    Alive at ``T``: :math:`\ln\frac{\Gamma(r+x)}{\Gamma(r)} + \ln\frac{B(a, b+x)}{B(a, b)}
    - r\ln(1 + T/\alpha) - x\ln(\alpha+T)`; dropped out after :math:`t_x` (``x > 0``):
    the same with :math:`B(a+1, b+x-1)` and :math:`t_x`. Each term keeps its own digits
    (:math:`A + \mathrm{softplus}(D)` would add and cancel :math:`r\ln(1 + T/\alpha)`,
    about :math:`10^6` times too large at :math:`r = 10^6`).
    """
    r, alpha, a, b = params
    xf = x.astype(np.float64)
    common = log_gamma_ratio(r, xf)
    alive = (
        common + log_beta_ratio(a, b, 0.0, xf) - r * np.log1p(T / alpha) - xf * np.log(alpha + T)
    )
    pos = x > 0
    dead = np.where(
        pos,
        common
        + log_beta_ratio(a, b, 1.0, np.maximum(xf - 1.0, 0.0))
        - r * np.log1p(tx / alpha)
        - xf * np.log(alpha + tx),
        -np.inf,
    )
    return np.asarray(np.logaddexp(alive, dead), dtype=np.float64)


@attrs.frozen
class _FitData:
    """Collapsed BG/NBD fitting data, split into non-repeaters and repeat buyers.

    Non-repeaters (x = 0, t_x = 0) only contribute ``-r ln(alpha + T)`` to the
    x-dependent part, so they are reduced to their distinct ages. Special
    functions of x are evaluated once per distinct frequency (``xu``, total weight
    ``wu``; ``inv`` maps repeat buyers to their entry of ``xu``).
    """

    W: float
    xu: FloatArray
    wu: FloatArray
    T0: FloatArray
    w0: FloatArray
    x: FloatArray
    tx: FloatArray
    T: FloatArray
    w: FloatArray
    wx: FloatArray
    inv: IntArray

    @classmethod
    def build(cls, x: IntArray, tx: FloatArray, T: FloatArray, w: FloatArray) -> _FitData:
        zero = x == 0
        T0, inv0 = np.unique(T[zero], return_inverse=True)
        w0 = np.bincount(inv0, weights=w[zero], minlength=T0.size).astype(np.float64)
        pos = ~zero
        xp = x[pos]
        xu, inv = np.unique(xp, return_inverse=True)
        wp = w[pos]
        wu = np.bincount(inv, weights=wp, minlength=xu.size).astype(np.float64)
        xf = xp.astype(np.float64)
        return cls(
            W=float(w.sum()),
            xu=xu.astype(np.float64),
            wu=wu,
            T0=T0,
            w0=w0,
            x=xf,
            tx=tx[pos],
            T=T[pos],
            w=wp,
            wx=wp * xf,
            inv=inv.astype(np.int64),
        )


def _bgnbd_nll(theta: FloatArray, d: _FitData) -> tuple[float, FloatArray]:
    r"""Weighted BG/NBD negative log-likelihood and its analytic gradient.

    With :math:`\ln L = A + [x>0]\,\mathrm{softplus}(D)` (module docs) and
    :math:`\sigma = \mathrm{expit}(D)`, the gradient is
    :math:`\partial A + \sigma\,\partial D` summed with weights.
    """
    r, alpha, a, b = (float(v) for v in theta)
    W = d.W
    # Non-repeaters: -r ln(alpha + T).
    l0 = np.log(alpha + d.T0)
    # Repeat buyers.
    l_T = np.log(alpha + d.T)
    dl = l_T - np.log(alpha + d.tx)
    rx = r + d.x
    bx1_u = b + d.xu - 1.0
    D = (math.log(a) - np.log(bx1_u))[d.inv] + rx * dl
    sp = np.logaddexp(0.0, D)
    sig = np.exp(D - sp)
    wsig = d.w * sig
    inv_aT = 1.0 / (alpha + d.T)
    Wp = float(d.wu.sum())  # weight of repeat buyers; x = 0 rows cancel these terms
    ll = (
        _dot(d.wu, (special.gammaln(r + d.xu) + special.betaln(a, b + d.xu)))
        - Wp * (special.gammaln(r) + special.betaln(a, b))
        + W * r * math.log(alpha)
        - r * _dot(d.w0, l0)
        - _dot((r * d.w + d.wx), l_T)
        + _dot(d.w, sp)
    )
    psi_ab = special.digamma(a + b)
    psi_abx = special.digamma(a + b + d.xu)
    sum_w_lT = _dot(d.w, l_T)
    g_r = (
        _dot(d.wu, (special.digamma(r + d.xu) - special.digamma(r)))
        + W * math.log(alpha)
        - _dot(d.w0, l0)
        - sum_w_lT
        + _dot(wsig, dl)
    )
    g_alpha = (
        W * r / alpha
        - r * _dot(d.w0, (1.0 / (alpha + d.T0)))
        - _dot((r * d.w + d.wx), inv_aT)
        + _dot((wsig * rx), (inv_aT - 1.0 / (alpha + d.tx)))
    )
    wsig_u = np.bincount(d.inv, weights=wsig, minlength=d.xu.size)
    g_a = Wp * psi_ab - _dot(d.wu, psi_abx) + float(wsig.sum()) / a
    g_b = (
        _dot(d.wu, (special.digamma(b + d.xu) - psi_abx))
        + Wp * (psi_ab - special.digamma(b))
        - _dot(wsig_u, (1.0 / bx1_u))
    )
    return -ll, -np.array([g_r, g_alpha, g_a, g_b])


def _bincount_by_x(x: IntArray, w: FloatArray) -> tuple[FloatArray, FloatArray]:
    xu, inv = np.unique(x, return_inverse=True)
    wu = np.bincount(inv, weights=w, minlength=xu.size).astype(np.float64)
    return xu.astype(np.float64), wu


def _start_values(x: IntArray, T: FloatArray, w: FloatArray) -> tuple[float, float]:
    """Return (r0, alpha0): r0 = 1 and alpha0 = total age / total repeat purchases."""
    total_x = _dot(w, x)
    total_T = _dot(w, T)
    return 1.0, total_T / max(total_x, 1.0)


def _check_n(n: ArrayLike) -> IntArray:
    return as_int_array(n, "n", domain=NONNEGATIVE)


# ----------------------------------------------------------------- the model
@attrs.frozen(repr=False)  # the concise repr of ParametricModel
class BetaGeo(ParametricModel, PredictionIntervals):
    r"""BG/NBD model (Fader, Hardie & Lee 2005) with parameters as fields.

    Parameters
    ----------
    r, alpha
        Shape and rate of the gamma distribution of purchase rates
        (``alpha`` in the time unit of the data), > 0.
    a, b
        Beta distribution of the drop-out probability after each repeat
        purchase, > 0.
    fit_report
        Keyword-only; the :class:`~kamcore.clp.FitReport` of
        :meth:`fit`, None for a model built by hand. Not part of equality.

    Notes
    -----
    Every method broadcasts its array arguments (numpy rules) and returns a
    float64 array of the broadcast shape (0-d for scalars). See the module
    docstring for the formulas.

    Examples
    --------
    The published CDNOW estimates (FHL 2005, time in weeks):

    >>> m = BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426)
    >>> m.expected_purchases_new([39.0, 78.0]).round(4)
    array([1.1967, 1.8605])
    >>> m.probability_alive(frequency=[0, 2], recency=[0.0, 30.43], T=38.86).round(4)
    array([1.    , 0.7266])

    FHL's worked example, a customer with 2 repeat purchases (the last at week
    30.43) observed for 38.86 weeks, expects 1.226 purchases in the next 39 weeks:

    >>> round(float(m.expected_purchases(t=39.0, frequency=2, recency=30.43, T=38.86)), 3)
    1.226
    """

    r: float = attrs.field(converter=to_float_parameter, validator=check_positive_parameter)
    alpha: float = attrs.field(converter=to_float_parameter, validator=check_positive_parameter)
    a: float = attrs.field(converter=to_float_parameter, validator=check_positive_parameter)
    b: float = attrs.field(converter=to_float_parameter, validator=check_positive_parameter)
    fit_report: FitReport | None = attrs.field(
        default=None, eq=False, hash=False, repr=False, kw_only=True, validator=check_fit_report
    )

    PARAMETER_NAMES: ClassVar[tuple[str, ...]] = ("r", "alpha", "a", "b")

    @property
    def _tuple(self) -> tuple[float, float, float, float]:
        return (self.r, self.alpha, self.a, self.b)

    # ------------------------------------------------------------- fitting
    @classmethod
    def fit(
        cls,
        *,
        frequency: ArrayLike,
        recency: ArrayLike,
        T: ArrayLike,
        weights: ArrayLike | None = None,
        collapse: bool = True,
        method: str = "L-BFGS-B",
        penalizer: float = 0.0,
    ) -> BetaGeo:
        r"""Fit by maximum likelihood and return a model carrying its fit report.

        Parameters
        ----------
        frequency, recency, T
            1-D, same length ``n`` > 0: repeat purchases (whole numbers >= 0),
            time of the last repeat purchase (0 when frequency is 0, <= T), and
            customer age (> 0), all in one time unit. Portfolio columns work as-is.
        weights
            Optional number of customers each row stands for, shape ``(n,)``, >= 0.
        collapse
            Collapse identical rows into weights first (same estimates, faster).
        method
            ``"L-BFGS-B"`` (default) or ``"BFGS"``.

        penalizer
            L2 penalty coefficient :math:`\lambda \ge 0` (default 0: plain maximum
            likelihood). With :math:`\lambda > 0` the fit maximises
            :math:`\ell(\theta) - \lambda n \sum_i (\ln\theta_i)^2` (``n`` the total
            weight), shrinking every parameter towards 1 -- a departure from
            maximum likelihood for small or degenerate data; the report's
            log-likelihood is the unpenalised one at the penalised estimate.

        Returns
        -------
        BetaGeo
            With :attr:`fit_report` set (log-likelihood summed over customers,
            standard errors from the Hessian, convergence details).

        Raises
        ------
        InvalidParameterError, ShapeMismatchError
            Bad inputs (negative frequency, recency > T, empty, lengths differ...).
        ConvergenceError
            The optimiser failed; carries its message.

        Examples
        --------
        Recover known parameters from 2,000 simulated customers:

        >>> truth = BetaGeo(r=0.5, alpha=5.0, a=0.8, b=2.5)
        >>> x, tx, T = truth.simulate(n_customers=2000, T=39.0, rng=np.random.default_rng(7))
        >>> m = BetaGeo.fit(frequency=x, recency=tx, T=T)
        >>> m.fit_report.converged, m.fit_report.n
        (True, 2000.0)
        >>> bool(abs(m.r - 0.5) < 3 * m.fit_report.standard_errors["r"])
        True
        """
        check_in(method, "method", FIT_METHODS)
        x, tx, age = validate_rfm(frequency, recency, T, for_fit=True)
        w_in = validate_weights(weights, x.size)
        (x, tx, age), w = prepare_fit_data(x, tx, age, weights=w_in, collapse=collapse)
        data = _FitData.build(x, tx, age, w)
        r0, alpha0 = _start_values(x, age, w)

        def objective(theta: FloatArray) -> tuple[float, FloatArray]:
            return _bgnbd_nll(theta, data)

        params, report = maximize_likelihood(
            objective,
            [r0, alpha0, 1.0, 1.0],
            cls.PARAMETER_NAMES,
            n=float(w.sum()),
            n_rows=int(x.size),
            method=method,
            model="BG/NBD",
            penalizer=penalizer,
        )
        return cls(**params, fit_report=report)

    # ------------------------------------------------------------- per customer
    def log_likelihood(
        self, *, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
    ) -> FloatArray:
        """Log-likelihood of each customer's (frequency, recency, T); shape = broadcast shape."""
        x, tx, age = validate_rfm(frequency, recency, T)
        return _bgnbd_loglik(self._tuple, x, tx, age)

    def probability_alive(
        self, *, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
    ) -> FloatArray:
        r"""Probability that a customer with this history is still alive at ``T``.

        :math:`P = 1 / (1 + \delta\,\frac{a}{b+x-1}(\frac{\alpha+T}{\alpha+t_x})^{r+x})`;
        1 for customers without repeat purchases. Values lie in [0, 1].
        """
        x, tx, age = validate_rfm(frequency, recency, T)
        D = _bgnbd_log_odds(self._tuple, x, tx, age)
        return np.asarray(special.expit(-D), dtype=np.float64)

    def probability_alive_at(
        self, *, t: ArrayLike, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
    ) -> FloatArray:
        r"""Probability that a customer with this history is still alive at ``T + t``.

        Alive at ``T``, the customer keeps a purchase rate
        :math:`\lambda \sim \Gamma(r+x, \alpha+T)` and a drop-out probability
        :math:`p \sim B(a, b+x)` (the posterior given the history), and drops out
        only right after a purchase, so :math:`P(\text{alive at } T+t \mid
        \text{alive at } T, \lambda, p) = E[(1-p)^{N(t)}] = e^{-\lambda p t}`.
        Integrating over the posterior:

        .. math::

            P(\text{alive at } T+t) = P(\text{alive at } T)\;
              {}_2F_1\bigl(r+x, a; a+b+x; -\tfrac{t}{\alpha+T}\bigr),

        evaluated through Pfaff's transformation
        :math:`(1+u)^{-a}\,{}_2F_1(a, a+b-r; a+b+x; \tfrac{u}{1+u})`,
        :math:`u = t/(\alpha+T)`, whose argument stays in [0, 1). Equals
        :meth:`probability_alive` at ``t = 0`` and decreases in ``t``.
        Used by :func:`kamcore.clp.customer_lifetime_profit` to charge
        the cost to serve only while the customer is alive.

        Examples
        --------
        >>> m = BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426)
        >>> m.probability_alive_at(t=[0.0, 52.0], frequency=2, recency=30.43, T=38.86).round(4)
        array([0.7266, 0.5316])
        """
        tt = _as_t(t)
        x, tx, age = validate_rfm(frequency, recency, T)
        tt, x, tx, age = broadcast({"t": tt, "frequency": x, "recency": tx, "T": age})
        now = self.probability_alive(frequency=x, recency=tx, T=age)
        r, alpha, a, b = self._tuple
        u = tt / (alpha + age)
        later = pfaff_survival(a, a + b - r, a + b + x, u)
        fail_where(~np.isfinite(later), tt, "t", "give a finite survival factor (2F1 overflowed)")
        return np.asarray(now * later, dtype=np.float64)

    def expected_purchases(
        self, *, t: ArrayLike, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
    ) -> FloatArray:
        r"""Return the expected repeat purchases in :math:`(T, T+t]` given the history (FHL eq. 10).

        :math:`E[Y(t) \mid x, t_x, T] = P(\text{alive})\,K(a, b+x, r+x, \alpha+T, t)`.
        ``t`` >= 0 in the data's time unit; all arguments broadcast.
        """
        tt = _as_t(t)
        x, tx, age = validate_rfm(frequency, recency, T)
        tt, x, tx, age = broadcast({"t": tt, "frequency": x, "recency": tx, "T": age})
        D = _bgnbd_log_odds(self._tuple, x, tx, age)
        xf = x.astype(np.float64)
        k = beta_count_kernel(self.a, self.b + xf, self.r + xf, self.alpha + age, tt)
        return np.asarray(special.expit(-D) * k, dtype=np.float64)

    # ------------------------------------------------------------- factored form (CLP)
    def _alive_now(self, *, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> FloatArray:
        """P(alive at T): the history-dependent factor of the predictions."""
        return self.probability_alive(frequency=frequency, recency=recency, T=T)

    def _purchase_kernel(self, *, t: float, frequency: IntArray, T: FloatArray) -> FloatArray:
        """:math:`K(a, b+x, r+x, alpha+T, t)`: expected purchases = P(alive) * this."""
        xf = np.asarray(frequency, dtype=np.float64)
        return beta_count_kernel(self.a, self.b + xf, self.r + xf, self.alpha + T, t)

    def _survival_kernel(self, *, t: float, frequency: IntArray, T: FloatArray) -> FloatArray:
        """P(alive at T+t) = P(alive at T) * this (see :meth:`probability_alive_at`)."""
        r, alpha, a, b = self._tuple
        xf = np.asarray(frequency, dtype=np.float64)
        return pfaff_survival(a, a + b - r, a + b + xf, t / (alpha + T))

    # ------------------------------------------------------------- new customer
    def expected_purchases_new(self, t: ArrayLike) -> FloatArray:
        r"""Return the expected repeat purchases of a new customer in :math:`(0, t]` (FHL eq. 9).

        :math:`E[X(t)] = \frac{a+b-1}{a-1}[1 - (\frac{\alpha}{\alpha+t})^r
        {}_2F_1(r, b; a+b-1; \frac{t}{\alpha+t})]`; increasing in ``t``, 0 at 0.
        """
        tt = _as_t(t)
        return beta_count_kernel(self.a, self.b, self.r, self.alpha, tt)

    def probability_of_purchases(self, *, n: ArrayLike, t: ArrayLike) -> FloatArray:
        r"""Probability that a new customer makes exactly ``n`` repeat purchases in ``(0, t]``.

        FHL eq. 8, with the negative-binomial tail written as a regularised
        incomplete beta function:

        .. math::

            P(X(t)=n) = \frac{B(a, b+n)}{B(a,b)}\,\mathrm{NB}(n; r, \tfrac{\alpha}{\alpha+t})
              + [n>0]\,\frac{B(a+1, b+n-1)}{B(a,b)}\,I_{t/(\alpha+t)}(n, r).

        ``n`` whole numbers >= 0 and ``t`` >= 0 broadcast; sums to 1 over n.
        """
        nn = _check_n(n)
        tt = _as_t(t)
        nn, tt = broadcast({"n": nn, "t": tt})
        return _bg_pmf(self._tuple, nn, tt, modified=False)

    def conditional_probability_of_purchases(
        self,
        *,
        n: ArrayLike,
        t: ArrayLike,
        frequency: ArrayLike,
        recency: ArrayLike,
        T: ArrayLike,
    ) -> FloatArray:
        r"""Probability of exactly ``n`` repeat purchases in :math:`(T, T+t]` given the history.

        A customer dead at ``T`` buys nothing more. A customer alive at ``T``
        has the posterior :math:`\lambda \sim \Gamma(r+x, \alpha+T)`,
        :math:`p \sim B(a, b+x)` (the history's likelihood is
        :math:`\lambda^x e^{-\lambda T}(1-p)^x` on that event), and from ``T`` on
        the process starts afresh: Poisson purchases, a drop-out chance after
        each. So the count in the next ``t`` has the new-customer distribution
        of :meth:`probability_of_purchases` with the posterior parameters:

        .. math::

            P(Y(t) = n \mid x, t_x, T) = [n = 0]\,(1 - P_A)
              + P_A\,P_{\text{new}}(n, t;\ r+x,\ \alpha+T,\ a,\ b+x),

        :math:`P_A` = :meth:`probability_alive`; the new-customer terms are
        evaluated through log-gamma and log-beta functions and a regularised
        incomplete beta function. Sums to 1 over ``n``, and
        :math:`\sum_n n\,P(Y(t)=n)` is :meth:`expected_purchases`. All arguments
        broadcast.

        Examples
        --------
        >>> m = BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426)
        >>> p = m.conditional_probability_of_purchases(
        ...     n=[0, 1, 2], t=39.0, frequency=2, recency=30.43, T=38.86)
        >>> p.round(4)
        array([0.4454, 0.2393, 0.1442])
        """
        nn = _check_n(n)
        tt = _as_t(t)
        x, tx, age = validate_rfm(frequency, recency, T)
        nn, tt, x, tx, age = broadcast({"n": nn, "t": tt, "frequency": x, "recency": tx, "T": age})
        D = _bgnbd_log_odds(self._tuple, x, tx, age)
        xf = x.astype(np.float64)
        post = (self.r + xf, self.alpha + age, self.a, self.b + xf)
        fresh = _bg_pmf(post, nn, tt, modified=False)  # type: ignore[arg-type]
        return np.asarray(
            np.where(nn == 0, special.expit(D), 0.0) + special.expit(-D) * fresh, np.float64
        )

    # ------------------------------------------------------------- simulation
    def simulate(
        self, *, n_customers: int, T: ArrayLike, rng: np.random.Generator
    ) -> tuple[IntArray, FloatArray, FloatArray]:
        r"""Draw ``n_customers`` customers' (frequency, recency, T) from the model.

        Each customer draws :math:`\\lambda \\sim \\mathrm{Gamma}(r, \\alpha)` and
        :math:`p \\sim \\mathrm{Beta}(a, b)`; it would drop out after its K-th repeat
        purchase, :math:`K \\sim \\mathrm{Geometric}(p)` on 1, 2, ...; it makes
        :math:`N \\sim \\mathrm{Poisson}(\\lambda T)` purchases in :math:`(0, T]` if
        alive, so it shows :math:`x = \\min(K, N)`, and the time of its x-th purchase
        is :math:`T \\cdot \\mathrm{Beta}(x, N - x + 1)` (uniform order statistics).

        Parameters
        ----------
        n_customers
            Number of customers (>= 1, at most ``10**7`` per call).
        T
            Observation length per customer: scalar or shape ``(n_customers,)``, > 0,
            with at most :math:`10^{12}` expected purchases :math:`rT/\\alpha` per customer.
        rng
            Random generator (no global state is used).

        Returns
        -------
        (frequency, recency, T)
            Arrays of shape ``(n_customers,)``: int64, float64, float64.
        """
        lam, p, age = _draw_population(self._tuple, n_customers, T, rng)
        k = rng.geometric(p)
        return _observe(lam, k, age, rng)


# ----------------------------------------------------------------- helpers shared with MBG/NBD
def _bg_pmf(
    params: tuple[float, float, float, float], n: IntArray, t: FloatArray, *, modified: bool
) -> FloatArray:
    """P(X(t) = n) for a new BG/NBD (``modified=False``) or MBG/NBD customer."""
    r, alpha, a, b = params
    nf = n.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_p0 = np.log(alpha) - np.log(alpha + t)
        log_q = np.log(t) - np.log(alpha + t)
        n_log_q = np.where(nf > 0, nf * log_q, 0.0)  # t = 0: 0 * -inf is discarded
    shift = 1.0 if modified else 0.0
    log_nb = (
        special.gammaln(r + nf)
        - special.gammaln(r)
        - special.gammaln(nf + 1.0)
        + r * log_p0
        + n_log_q
    )
    first = np.exp(special.betaln(a, b + nf + shift) - special.betaln(a, b) + log_nb)
    if modified:
        # drops right after the n-th repeat purchase (n >= 0): B(a+1, b+n)/B(a,b) * P(N >= n)
        coef = np.exp(special.betaln(a + 1.0, b + nf) - special.betaln(a, b))
        tail = np.where(nf > 0, special.betainc(np.where(nf > 0, nf, 1.0), r, t / (alpha + t)), 1.0)
        second = coef * tail
    else:
        pos = nf > 0
        bn = np.where(pos, b + nf - 1.0, 1.0)
        coef = np.exp(special.betaln(a + 1.0, bn) - special.betaln(a, b))
        tail = special.betainc(np.where(pos, nf, 1.0), r, t / (alpha + t))
        second = np.where(pos, coef * tail, 0.0)
    return np.asarray(first + second, dtype=np.float64)


def _draw_population(
    params: tuple[float, float, float, float], n: Any, T: ArrayLike, rng: Any
) -> tuple[FloatArray, FloatArray, FloatArray]:
    r, alpha, a, b = params
    size = check_n_customers(n)
    if not isinstance(rng, np.random.Generator):
        raise InvalidParameterError(
            f"'rng' must be a numpy.random.Generator; got {type(rng).__name__}."
        )
    age = as_float_array(T, "T", domain=POSITIVE)
    if age.ndim == 0:
        age = np.full(size, float(age))
    elif age.shape != (size,):
        raise InvalidParameterError(f"'T' must be a scalar or have shape ({n},); got {age.shape}.")
    fail_where(
        r * age / alpha > MAX_SIMULATED_PURCHASES,
        age,
        "T",
        f"keep the expected purchases r*T/alpha <= {MAX_SIMULATED_PURCHASES:g} per customer "
        "(the simulation limit)",
    )
    lam = rng.gamma(r, 1.0 / alpha, size=int(n))
    p = rng.beta(a, b, size=int(n))
    return lam, p, age


def _observe(
    lam: FloatArray, k: IntArray, age: FloatArray, rng: Any
) -> tuple[IntArray, FloatArray, FloatArray]:
    """Observed (x, t_x, T) when the customer stops after its k-th repeat purchase."""
    total = poisson_counts(lam * age, rng)
    x = np.minimum(k, total).astype(np.int64)
    rec = np.zeros(age.shape)
    has = x > 0
    rec[has] = age[has] * rng.beta(x[has], (total[has] - x[has] + 1))
    return x, rec, age.copy()
