r"""BG/BB model of repeat transactions at discrete opportunities.

Fader, Hardie & Shang (2010), "Customer-base analysis in a discrete-time
noncontractual setting", *Marketing Science* 29(6) (FHS below).

The model
---------
Transactions can only happen at discrete opportunities 1, 2, ... (an annual
fund drive, a monthly order cycle). While alive, a customer transacts at each
opportunity with probability :math:`p`; at the start of every opportunity an
alive customer dies with probability :math:`\theta`. Across customers
:math:`p \sim \mathrm{Beta}(\alpha, \beta)` and
:math:`\theta \sim \mathrm{Beta}(\gamma, \delta)`, independently.

A customer's history over ``n`` opportunities is ``frequency`` :math:`x`
(transactions), ``recency`` :math:`t_x` (the opportunity of the last one, 0
when :math:`x = 0`) and ``T`` :math:`= n` (opportunities observed; the
argument names are those of the other repeat-buying models). With :math:`B` the beta
function, the likelihood (FHS eq. 5) is

.. math::

    L = \frac{B(\alpha+x, \beta+n-x)}{B(\alpha,\beta)}
        \frac{B(\gamma, \delta+n)}{B(\gamma,\delta)}
      + \sum_{i=0}^{n-t_x-1}
        \frac{B(\alpha+x, \beta+t_x-x+i)}{B(\alpha,\beta)}
        \frac{B(\gamma+1, \delta+t_x+i)}{B(\gamma,\delta)},

evaluated as a running log-sum-exp over the first 128 values of ``i``
(vectorised over customers, never an ``n x customers`` matrix) and, for longer
histories, the rest of the sum as one Euler-Maclaurin tail (an integral by
quadrature plus end corrections, see :func:`_log_tail_sum`), so the cost does
not grow with the number of opportunities (``T = 10**9`` costs what
``T = 200`` does), with its analytic gradient (derivatives of :math:`\ln B`
are digamma differences).

Predictions (FHS eqs. 7, 8, 11, 13), with
:math:`A(n_0, m) = \sum_{t=n_0+1}^{n_0+m} B(\gamma, \delta+t)/B(\gamma, \delta)`
the expected number of the opportunities :math:`n_0+1 \dots n_0+m` at which a
customer alive at :math:`n_0` is still alive:

.. math::

    A(n_0, m) = \frac{\Gamma(\gamma+\delta)}{(\gamma-1)\Gamma(\delta)}
        \Bigl[\frac{\Gamma(\delta+n_0+1)}{\Gamma(\gamma+\delta+n_0)}
             - \frac{\Gamma(\delta+n_0+m+1)}{\Gamma(\gamma+\delta+n_0+m)}\Bigr]

(a telescoping sum, evaluated with its gamma-function ratios as sums of logarithms so
that no digit is lost to the subtraction, see :func:`_log_alive_sum`).

* new customer: :math:`E[X(n)] = \frac{\alpha}{\alpha+\beta} A(0, n)`, and
  :math:`P(X(n) = x) = \binom{n}{x}\frac{B(\alpha+x,\beta+n-x)}{B(\alpha,\beta)}
  \frac{B(\gamma,\delta+n)}{B(\gamma,\delta)} + \sum_{i=x}^{n-1}\binom{i}{x}
  \frac{B(\alpha+x,\beta+i-x)}{B(\alpha,\beta)}\frac{B(\gamma+1,\delta+i)}{B(\gamma,\delta)}`;
* alive at opportunity :math:`n + m` given the history:
  :math:`\frac{B(\alpha+x,\beta+n-x)}{B(\alpha,\beta)}
  \frac{B(\gamma,\delta+n+m)}{B(\gamma,\delta)} / L`
  (FHS's P(alive) is :math:`m = 1`);
* expected transactions at the next :math:`n^*` opportunities:
  :math:`E[X(n, n+n^*) \mid x, t_x, n] =
  \frac{B(\alpha+x+1, \beta+n-x)}{B(\alpha,\beta)}\,A(n, n^*) / L`.

Examples
--------
The published donation estimates (FHS 2010, 6 annual opportunities):

>>> m = BetaGeoBetaBinom(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783)
>>> m.expected_purchases_new([6, 11]).round(3)
array([2.22 , 3.388])
>>> m.probability_alive_at(t=1, frequency=[6, 3, 0], recency=[6, 6, 0], T=6).round(3)
array([0.93 , 0.93 , 0.108])
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Final

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special  # type: ignore[import-untyped]

from kamcore._fitting import (
    FIT_METHODS,
    FitReport,
    check_fit_report,
    maximize_likelihood,
    prepare_fit_data,
    validate_weights,
)
from kamcore._params import (
    NONNEGATIVE,
    FloatArray,
    IntArray,
    Interval,
    as_int_array,
    broadcast,
    check_in,
    same_length,
)
from kamcore.clp._btyd._base import (
    ParametricModel,
    PredictionIntervals,
    check_history,
    check_n_customers,
    check_positive_parameter,
    log_beta_ratio,
    log_gamma_step,
    to_float_parameter,
)
from kamcore.errors import InvalidParameterError

__all__ = ["BetaGeoBetaBinom"]

_AT_LEAST_ONE: Final = Interval(1.0)
_SIMULATED_PERIODS: Final = Interval(1.0, 2.0**53)
"""Opportunities a simulated customer may be observed for (exact in float64)."""

Params = tuple[float, float, float, float]


def _check_rng(rng: Any) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise InvalidParameterError(
            f"'rng' must be a numpy.random.Generator; got {type(rng).__name__}."
        )
    return rng


def _geometric_failures(prob: FloatArray, rng: np.random.Generator) -> FloatArray:
    """Failures before the first success of Bernoulli(prob) trials, as floats (inf at prob 0)."""
    u = 1.0 - rng.random(prob.shape)  # in (0, 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        k = np.floor(np.log(u) / np.log1p(-prob))
    return np.where(prob <= 0.0, np.inf, np.where(prob >= 1.0, 0.0, k))


_DIRECT_TERMS: Final = 128
"""Opportunities summed term by term; beyond them the sums take the Euler-Maclaurin tail."""
_TS_STEP: Final = 1.0 / 16.0
_TS_T = np.arange(-3.2, 3.2 + 1e-9, _TS_STEP)
_TS_NODES: Final = 0.5 * (1.0 + np.tanh(0.5 * math.pi * np.sinh(_TS_T)))
_TS_LOG_WEIGHTS: Final = (
    np.log(0.25 * math.pi * np.cosh(_TS_T))
    - 2.0 * np.log(np.cosh(0.5 * math.pi * np.sinh(_TS_T)))
    + math.log(_TS_STEP)
)

TermFunction = Callable[[FloatArray], tuple[FloatArray, FloatArray, FloatArray | None]]
"""``k (rows, m) -> (ln f, d ln f / dk, gradient (4, rows, m) or None)``."""


def _log_tail_sum(
    term: TermFunction, first: FloatArray, last: FloatArray, *, grad: bool
) -> tuple[FloatArray, FloatArray | None]:
    r"""Return :math:`\ln \sum_{k=a}^{b} f(k)` per row (and the f-weighted mean gradient).

    Euler-Maclaurin with the first Bernoulli correction,

    .. math::

        \sum_{k=a}^{b} f(k) = \int_a^b f(u)\,du + \frac{f(a) + f(b)}{2}
          + \frac{f'(b) - f'(a)}{12} + R,\qquad
        |R| \le \frac{1}{120} \int_a^b |f^{(3)}(u)|\,du,

    for the smooth, positive terms of the BG/BB sums (products of beta
    functions of :math:`k`) with :math:`a \ge 128` (the first 128 terms are
    summed one by one). For terms that behave like :math:`k^{-\kappa}` the bound
    is :math:`(\kappa-1)\kappa(\kappa+1) / (120\,a^3)` of the tail, below
    :math:`5 \times 10^{-7}` of it for :math:`\kappa \le 5`; measured against the
    term-by-term sums the relative error of the log-likelihood stays below
    :math:`2 \times 10^{-12}` and of the probabilities below :math:`10^{-10}`
    (tests/test_clp_edges.py). The integral is a tanh-sinh quadrature in
    :math:`w = \ln u` (103 nodes). The cost does not depend on :math:`b - a`.
    ``term(k)`` returns ``(ln f, d ln f/dk, gradient)``; the gradient (shape
    ``(4, rows, m)``) is averaged with the weights of the sum without the
    Bernoulli term.
    """
    a = first[:, None]
    b = last[:, None]
    span = np.log(b) - np.log(a)
    u = a * np.exp(span * _TS_NODES)  # (rows, nodes)
    pts = np.concatenate([u, a, b], axis=1)
    log_f, dlog_f, g = term(pts)
    nodes = _TS_NODES.size
    lf_u, lf_a, lf_b = log_f[:, :nodes], log_f[:, nodes], log_f[:, nodes + 1]
    with np.errstate(divide="ignore"):
        log_w = lf_u + np.log(u) + np.log(span) + _TS_LOG_WEIGHTS
    log_w = np.where(np.isfinite(log_w), log_w, -np.inf)
    top = np.maximum(np.maximum(np.max(log_w, axis=1), lf_a), lf_b)
    w = np.exp(log_w - top[:, None])
    fa = np.exp(lf_a - top)
    fb = np.exp(lf_b - top)
    integral = w.sum(axis=1)
    same = last <= first  # a single term: f(a)
    plain = np.where(same, fa, integral + 0.5 * (fa + fb))
    bern = (fb * dlog_f[:, nodes + 1] - fa * dlog_f[:, nodes]) / 12.0
    total = np.where(same, fa, plain + bern)
    log_total = np.asarray(top + np.log(total), dtype=np.float64)
    if not grad or g is None:
        return log_total, None
    gw = (g[:, :, :nodes] * w).sum(axis=2) + 0.5 * (g[:, :, nodes] * fa + g[:, :, nodes + 1] * fb)
    gw = np.where(same, g[:, :, nodes] * fa, gw)
    return log_total, np.asarray(gw / plain, dtype=np.float64)


# ----------------------------------------------------------------- validation
def _validate_history(
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    *,
    for_fit: bool,
    ids: Sequence[Any] | NDArray[Any] | None = None,
) -> tuple[IntArray, IntArray, IntArray]:
    """Check (frequency, recency, T); broadcast unless fitting (1-D, equal lengths)."""
    ndim = 1 if for_fit else None
    empty = not for_fit
    x = as_int_array(frequency, "frequency", domain=NONNEGATIVE, ndim=ndim, allow_empty=empty)
    tx = as_int_array(recency, "recency", domain=NONNEGATIVE, ndim=ndim, allow_empty=empty)
    n = as_int_array(T, "T", domain=_AT_LEAST_ONE, ndim=ndim, allow_empty=empty)
    if for_fit:
        same_length({"frequency": x, "recency": tx, "T": n})
    else:
        x, tx, n = broadcast({"frequency": x, "recency": tx, "T": n})
    check_history(x, tx, n, discrete=True, ids=ids)
    return x, tx, n


# ----------------------------------------------------------------- kernels
def _loglik(
    params: Params, x: NDArray[Any], tx: NDArray[Any], n: NDArray[Any], *, grad: bool
) -> tuple[FloatArray, FloatArray | None]:
    """Per-row log-likelihood (FHS eq. 5) and, if asked, its gradient, shape ``(4, rows)``.

    Inputs are trusted (validated, broadcast to one shape).
    """
    a, b, g, d = params
    xf, tf, nf = (v.astype(np.float64) for v in (x, tx, n))
    psi = special.digamma
    # term "alive through n"
    log_m = log_beta_ratio(a, b, xf, nf - xf) + log_beta_ratio(g, d, 0.0, nf)
    s = np.ones_like(log_m)
    gr: FloatArray | None = None
    if grad:
        psi_abn = psi(a + b + nf)
        psi_gdn = psi(g + d + nf)
        gr = np.stack(
            [
                -psi_abn,
                psi(b + nf - xf) - psi_abn,
                psi(g) - psi_gdn,
                psi(d + nf) - psi_gdn,
            ]
        )
    # terms "died at the start of opportunity t_x + i + 1", i = 0 .. n - t_x - 1:
    # the first _DIRECT_TERMS one by one, the rest as one Euler-Maclaurin tail
    span = n - tx
    direct = min(int(span.max()) if span.size else 0, _DIRECT_TERMS)
    for i in range(direct):
        valid = span > i
        rows = np.flatnonzero(valid) if not valid.all() else slice(None)
        ti = tf[rows] + i
        li = log_beta_ratio(a, b, xf[rows], ti - xf[rows]) + log_beta_ratio(g, d, 1.0, ti)
        m_old = log_m[rows]
        m_new = np.maximum(m_old, li)
        scale = np.exp(m_old - m_new)
        e = np.exp(li - m_new)
        s[rows] = s[rows] * scale + e
        log_m[rows] = m_new
        if gr is not None:
            psi_abt = psi(a + b + ti)
            psi_gdt = psi(g + d + ti + 1.0)
            gi = np.stack(
                [
                    -psi_abt,
                    psi(b + ti - xf[rows]) - psi_abt,
                    np.full_like(ti, psi(g + 1.0)) - psi_gdt,
                    psi(d + ti) - psi_gdt,
                ]
            )
            gr[:, rows] = gr[:, rows] * scale + e * gi
    long_rows = np.flatnonzero(span > _DIRECT_TERMS)
    if long_rows.size:
        xr = xf[long_rows][:, None]

        def term(k: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray | None]:
            lf = log_beta_ratio(a, b, xr, k - xr) + log_beta_ratio(g, d, 1.0, k)
            psi_abk = psi(a + b + k)
            psi_gdk = psi(g + d + k + 1.0)
            dlf = psi(b + k - xr) - psi_abk + psi(d + k) - psi_gdk
            gk = None
            if grad:
                gk = np.stack(
                    [
                        -psi_abk,
                        psi(b + k - xr) - psi_abk,
                        psi(g + 1.0) - psi_gdk,
                        psi(d + k) - psi_gdk,
                    ]
                )
            return lf, dlf, gk

        li, gt = _log_tail_sum(term, tf[long_rows] + _DIRECT_TERMS, nf[long_rows] - 1.0, grad=grad)
        m_old = log_m[long_rows]
        m_new = np.maximum(m_old, li)
        scale = np.exp(m_old - m_new)
        e = np.exp(li - m_new)
        s[long_rows] = s[long_rows] * scale + e
        log_m[long_rows] = m_new
        if gr is not None and gt is not None:
            gr[:, long_rows] = gr[:, long_rows] * scale + e * gt
    ll = log_m + np.log(s)
    if gr is None:
        return ll, None
    gr = gr / s
    psi_ab = psi(a + b)
    psi_gd = psi(g + d)
    gr[0] += psi(a + xf) + psi_ab - psi(a)
    gr[1] += psi_ab - psi(b)
    gr[2] += psi_gd - psi(g)
    gr[3] += psi_gd - psi(d)
    return ll, gr


def _log_alive_sum(g: float, d: float, n0: FloatArray, m: FloatArray) -> FloatArray:
    r"""Log of :math:`A(n_0, m) = \sum_{t=n_0+1}^{n_0+m} B(\gamma, \delta+t)/B(\gamma, \delta)`.

    ``m >= 1`` everywhere (callers handle ``m = 0``); ``n0 >= 0``. With
    :math:`c = \delta + n_0 + 1`, :math:`\varepsilon = \gamma - 1` and
    :math:`S(x, m) = \sum_{j<m} \ln(1 + \varepsilon/(x+j))`
    (:func:`~kamcore.clp._btyd._base.log_gamma_step`, accurate to a few ulps),

    .. math::

        A = \delta\,e^{-S(\delta+1,\, n_0)}\;
            \frac{1 - e^{-S(c,\, m)}}{\varepsilon}
          = \delta\,e^{-S(\delta+1,\, n_0)}\;\frac{S(c, m)}{\varepsilon}\,
            \mathrm{exprel}(-S(c, m)),

    the telescoped sum with its gamma-function ratios written as sums of
    logarithms. A difference of ``gammaln`` values would lose all digits where
    they are large and their difference small (:math:`\delta = 10^6`, or
    :math:`n_0 = 10^4` with a short horizon). :math:`S/\varepsilon` is accurate
    however small :math:`\varepsilon` is (every part of :math:`S` is
    proportional to it); at :math:`\gamma = 1` exactly its limit
    :math:`\sum_j 1/(c+j)` is taken as :math:`S/\varepsilon` at
    :math:`\varepsilon = 10^{-100}`, where :math:`S` is linear in :math:`\varepsilon`.
    """
    eps = g - 1.0
    c = d + n0 + 1.0
    log_prefix = math.log(d) - log_gamma_step(d + 1.0, n0, eps)
    step_eps = eps if eps != 0.0 else 1e-100
    per_eps = log_gamma_step(c, m, step_eps) / step_eps
    with np.errstate(over="ignore"):
        ratio = per_eps * special.exprel(-per_eps * eps)
    return np.asarray(log_prefix + np.log(ratio), dtype=np.float64)


# ----------------------------------------------------------------- model
@attrs.frozen(repr=False)  # the concise repr of ParametricModel
class BetaGeoBetaBinom(ParametricModel, PredictionIntervals):
    r"""BG/BB model for discrete transaction opportunities (Fader, Hardie & Shang 2010).

    Parameters
    ----------
    alpha, beta
        Beta distribution of the transaction probability :math:`p`, > 0.
    gamma, delta
        Beta distribution of the death probability :math:`\theta`, > 0.
    fit_report
        Keyword-only; the :class:`~kamcore.clp.FitReport` of
        :meth:`fit`, None for a model built by hand. Not part of equality.

    Notes
    -----
    Every method broadcasts its array arguments (numpy rules) and returns a
    float64 array of the broadcast shape. Time is counted in opportunities
    (whole numbers). See the module docstring for the formulas.

    Examples
    --------
    Fit the donations data of FHS (2010), one row per pattern with a weight:

    >>> x = [0, 1, 2, 3, 6]
    >>> tx = [0, 1, 4, 6, 6]
    >>> donors = [3464, 1091, 155, 357, 1203]
    >>> m = BetaGeoBetaBinom.fit(frequency=x, recency=tx, T=6, weights=donors)
    >>> m.fit_report.converged, m.fit_report.n
    (True, 6270.0)
    >>> m.expected_purchases(t=5, frequency=[0, 6], recency=[0, 6], T=6).round(2)  # next 5
    array([0.01, 4.35])
    """

    alpha: float = attrs.field(converter=to_float_parameter, validator=check_positive_parameter)
    beta: float = attrs.field(converter=to_float_parameter, validator=check_positive_parameter)
    gamma: float = attrs.field(converter=to_float_parameter, validator=check_positive_parameter)
    delta: float = attrs.field(converter=to_float_parameter, validator=check_positive_parameter)
    fit_report: FitReport | None = attrs.field(
        default=None, eq=False, hash=False, repr=False, kw_only=True, validator=check_fit_report
    )

    PARAMETER_NAMES: ClassVar[tuple[str, ...]] = ("alpha", "beta", "gamma", "delta")

    @property
    def _tuple(self) -> Params:
        return (self.alpha, self.beta, self.gamma, self.delta)

    def _check_history(
        self,
        *,
        frequency: ArrayLike,
        recency: ArrayLike,
        T: ArrayLike,
        ids: Sequence[Any] | NDArray[Any] | None = None,
    ) -> None:
        """Refuse impossible histories in the caller's row order (before any collapsing)."""
        _validate_history(frequency, recency, T, for_fit=False, ids=ids)

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
        start: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 1.0),
        method: str = "L-BFGS-B",
        penalizer: float = 0.0,
    ) -> BetaGeoBetaBinom:
        r"""Fit by maximum likelihood; the model returned carries its fit report.

        Parameters
        ----------
        frequency, recency
            Shape ``(n,)``: transactions (whole numbers >= 0) and the opportunity
            of the last one (0 when there is none; ``frequency <= recency``).
        T
            Opportunities observed (FHS's :math:`n`): scalar (one cohort) or
            shape ``(n,)``, whole numbers >= 1, ``>= recency``.
        weights
            Optional shape ``(n,)`` non-negative weights (customers per row), e.g.
            the counts of a pattern table.
        collapse
            Collapse identical rows into weights first (default; same estimates).
        start
            Starting ``(alpha, beta, gamma, delta)``.
        method
            ``"L-BFGS-B"`` (default) or ``"BFGS"``.

        penalizer
            L2 penalty coefficient :math:`\\lambda \\ge 0` (default 0: plain maximum
            likelihood). With :math:`\\lambda > 0` the fit maximises
            :math:`\\ell(\\theta) - \\lambda n \\sum_i (\\ln\\theta_i)^2` (``n`` the total
            weight), shrinking every parameter towards 1 -- a departure from
            maximum likelihood for small or degenerate data; the report's
            log-likelihood is the unpenalised one at the penalised estimate.

        Returns
        -------
        BetaGeoBetaBinom
            With :attr:`fit_report` (log-likelihood summed over customers,
            standard errors from the Hessian, convergence, iterations).

        Raises
        ------
        InvalidParameterError, ShapeMismatchError
            Bad inputs (negative or inconsistent counts, recency > T,
            empty, lengths differ).
        ConvergenceError
            The optimiser failed, or an estimate ran to 0 or infinity.
        """
        check_in(method, "method", FIT_METHODS)
        periods: ArrayLike = as_int_array(T, "T", domain=_AT_LEAST_ONE)  # refuses ragged input
        if np.ndim(periods) == 0:  # one cohort: the same n for every row
            size = as_int_array(frequency, "frequency", ndim=1).shape[0]
            periods = np.full(size, periods)
        x, tx, n = _validate_history(frequency, recency, periods, for_fit=True)
        w_in = validate_weights(weights, x.size)
        (x, tx, n), w = prepare_fit_data(x, tx, n, weights=w_in, collapse=collapse)

        def objective(theta: FloatArray) -> tuple[float, FloatArray]:
            params = (float(theta[0]), float(theta[1]), float(theta[2]), float(theta[3]))
            ll, gr = _loglik(params, x, tx, n, grad=True)
            assert gr is not None
            return -float(ll @ w), -(gr @ w)

        params, report = maximize_likelihood(
            objective,
            start,
            cls.PARAMETER_NAMES,
            n=float(w.sum()),
            n_rows=int(x.size),
            method=method,
            model="BG/BB",
            penalizer=penalizer,
        )
        return cls(**params, fit_report=report)

    def log_likelihood(
        self, *, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
    ) -> FloatArray:
        """Log-likelihood of each customer's history (FHS eq. 5); broadcast shape."""
        x, tx, n = _validate_history(frequency, recency, T, for_fit=False)
        flat = _loglik(self._tuple, x.ravel(), tx.ravel(), n.ravel(), grad=False)[0]
        return flat.reshape(x.shape)

    # ------------------------------------------------------------- per customer
    def probability_alive(
        self, *, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
    ) -> FloatArray:
        """Probability of being alive at the last observed opportunity ``T``.

        ``probability_alive_at(t=0, ...)``; FHS's P(alive in period n + 1)
        (eq. 11) is ``probability_alive_at(t=1, ...)``.
        """
        return self.probability_alive_at(t=0, frequency=frequency, recency=recency, T=T)

    def probability_alive_at(
        self, *, t: ArrayLike, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
    ) -> FloatArray:
        r"""Probability of being alive at opportunity ``T + t``.

        ``t = 1`` is FHS's P(alive in period n + 1) (eq. 11); ``t = 0`` the
        probability of being alive at the last observed opportunity. Values lie
        in [0, 1] and decrease with ``t``. The survival hook of
        :func:`kamcore.clp.customer_lifetime_profit`.

        Parameters
        ----------
        t
            Opportunities after ``T``, whole numbers >= 0.
        frequency, recency, T
            Customer histories; ``T`` is the number of opportunities observed.

        Returns
        -------
        numpy.ndarray of float64
            Broadcast shape.
        """
        k = as_int_array(t, "t", domain=NONNEGATIVE)
        x, tx, n = _validate_history(frequency, recency, T, for_fit=False)
        x, tx, n, k = broadcast({"frequency": x, "recency": tx, "T": n, "t": k})
        a, b, g, d = self._tuple
        xf, nf, kf = x.astype(float), n.astype(float), k.astype(float)
        ll = _loglik(self._tuple, x.ravel(), tx.ravel(), n.ravel(), grad=False)[0].reshape(x.shape)
        log_num = log_beta_ratio(a, b, xf, nf - xf) + log_beta_ratio(g, d, 0.0, nf + kf)
        return np.asarray(np.minimum(np.exp(log_num - ll), 1.0), dtype=np.float64)

    def expected_purchases(
        self, *, t: ArrayLike, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
    ) -> FloatArray:
        r"""Return the expected transactions at the next ``t`` opportunities (FHS eq. 13).

        :math:`E[X(n, n+t) \mid x, t_x, n]` with ``T = n``; the
        signature matches the transaction-model protocol of
        :mod:`kamcore.clp._customer`.

        Parameters
        ----------
        t
            Future opportunities, whole numbers >= 0.
        frequency, recency, T
            Histories; ``T`` is the number of opportunities observed.

        Returns
        -------
        numpy.ndarray of float64
            Broadcast shape; 0 where ``t = 0``; increasing in ``t``.
        """
        tt = as_int_array(t, "t", domain=NONNEGATIVE)
        x, tx, n = _validate_history(frequency, recency, T, for_fit=False)
        x, tx, n, tt = broadcast({"frequency": x, "recency": tx, "T": n, "t": tt})
        a, b, g, d = self._tuple
        xf, nf, tf = x.astype(float), n.astype(float), tt.astype(float)
        ll = _loglik(self._tuple, x.ravel(), tx.ravel(), n.ravel(), grad=False)[0].reshape(x.shape)
        pos = tf > 0
        log_a = _log_alive_sum(g, d, nf, np.where(pos, tf, 1.0))
        log_e = log_beta_ratio(a, b, xf + 1.0, nf - xf) + log_a - ll
        return np.asarray(np.where(pos, np.exp(log_e), 0.0), dtype=np.float64)

    # ------------------------------------------------------------- new customer
    def expected_purchases_new(self, t: ArrayLike) -> FloatArray:
        r"""Return the expected transactions of a new customer over ``t`` opportunities.

        :math:`E[X(n)] = \frac{\alpha}{\alpha+\beta}\,A(0, n)` (FHS eq. 8);
        ``n`` whole numbers >= 0, 0 at ``n = 0``.
        """
        nn = as_int_array(t, "t", domain=NONNEGATIVE).astype(np.float64)
        pos = nn > 0
        log_a = _log_alive_sum(self.gamma, self.delta, np.zeros_like(nn), np.where(pos, nn, 1.0))
        mean_p = self.alpha / (self.alpha + self.beta)
        return np.asarray(np.where(pos, mean_p * np.exp(log_a), 0.0), dtype=np.float64)

    def probability_of_purchases(self, *, n: ArrayLike, t: ArrayLike) -> FloatArray:
        r"""Probability that a new customer makes exactly ``n`` transactions in ``t`` opportunities.

        FHS eq. 7 (see the module docstring); ``x`` and ``n`` whole numbers >= 0,
        broadcast; 0 where ``x > n``; sums to 1 over ``x = 0 .. n``.
        """
        xx = as_int_array(n, "n", domain=NONNEGATIVE)
        nn = as_int_array(t, "t", domain=NONNEGATIVE)
        xx, nn = broadcast({"n": xx, "t": nn})
        shape = xx.shape
        a, b, g, d = self._tuple
        xf, nf = xx.astype(float).ravel(), nn.astype(float).ravel()
        ok = xf <= nf
        gl = special.gammaln
        lb_ab, lb_gd = special.betaln(a, b), special.betaln(g, d)
        rest = np.maximum(nf - xf, 0.0)
        log_m = np.where(
            ok,
            gl(nf + 1)
            - gl(xf + 1)
            - gl(rest + 1)
            + special.betaln(a + xf, b + rest)
            - lb_ab
            + special.betaln(g, d + nf)
            - lb_gd,
            -np.inf,
        )
        s = ok.astype(np.float64)
        # i = x .. n - 1: the terms with i < x + _DIRECT_TERMS one by one, the rest as a tail
        if ok.any():
            low = int(xf[ok].min())
            high = int(min(nf[ok].max(), xf[ok].max() + _DIRECT_TERMS))
        else:
            low = high = 0
        for i in range(low, high):
            rows = np.flatnonzero(ok & (xf <= i) & (i < nf) & (i < xf + _DIRECT_TERMS))
            if rows.size == 0:
                continue
            xr = xf[rows]
            li = (
                gl(i + 1.0)
                - gl(xr + 1)
                - gl(i - xr + 1)
                + special.betaln(a + xr, b + i - xr)
                - lb_ab
                + special.betaln(g + 1.0, d + i)
                - lb_gd
            )
            m_old = log_m[rows]
            m_new = np.maximum(m_old, li)
            s[rows] = s[rows] * np.exp(m_old - m_new) + np.exp(li - m_new)
            log_m[rows] = m_new
        long_rows = np.flatnonzero(ok & (nf - xf > _DIRECT_TERMS))
        if long_rows.size:
            xl = xf[long_rows][:, None]
            psi = special.digamma

            def term(k: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray | None]:
                lf = (
                    gl(k + 1.0)
                    - gl(xl + 1)
                    - gl(k - xl + 1)
                    + special.betaln(a + xl, b + k - xl)
                    - lb_ab
                    + special.betaln(g + 1.0, d + k)
                    - lb_gd
                )
                dlf = (
                    psi(k + 1.0)
                    - psi(k - xl + 1.0)
                    + psi(b + k - xl)
                    - psi(a + b + k)
                    + psi(d + k)
                    - psi(g + d + k + 1.0)
                )
                return lf, dlf, None

            li, _ = _log_tail_sum(
                term, xf[long_rows] + _DIRECT_TERMS, nf[long_rows] - 1.0, grad=False
            )
            m_old = log_m[long_rows]
            m_new = np.maximum(m_old, li)
            s[long_rows] = s[long_rows] * np.exp(m_old - m_new) + np.exp(li - m_new)
            log_m[long_rows] = m_new
        out = (np.exp(log_m) * s).reshape(shape)
        return np.asarray(out, dtype=np.float64)

    # ------------------------------------------------------------- simulation
    def simulate(
        self, *, n_customers: int, T: ArrayLike, rng: np.random.Generator
    ) -> tuple[IntArray, IntArray, IntArray]:
        r"""Draw ``n_customers`` customers' (frequency, recency, T) from the model.

        Each customer draws :math:`p \sim \mathrm{Beta}(\alpha, \beta)` and
        :math:`\theta \sim \mathrm{Beta}(\gamma, \delta)`; at every opportunity it
        first dies with probability :math:`\theta`, then, if alive, transacts with
        probability :math:`p`. Drawn without a loop over opportunities: the
        customer is alive at the first :math:`L = \min(D, n)` opportunities,
        :math:`D` geometric (survivals before death); the opportunities after
        its last transaction number :math:`G = \min(\mathrm{Geometric}(p) - 1, L)`
        (counting back from :math:`L`), so the recency is :math:`L - G` and, when
        :math:`G < L`, the frequency is :math:`1 + \mathrm{Binomial}(L - G - 1, p)`.
        The cost does not depend on ``T``.

        Parameters
        ----------
        n_customers
            Number of customers, >= 1 and at most ``10**7`` per call.
        T
            Opportunities per customer: scalar or shape ``(n_customers,)``, whole
            numbers in ``[1, 2**53]``.
        rng
            Random generator (no global state is used).

        Returns
        -------
        (frequency, recency, T)
            int64 arrays of shape ``(n_customers,)``.
        """
        gen = _check_rng(rng)
        size = check_n_customers(n_customers)
        periods = as_int_array(T, "T", domain=_SIMULATED_PERIODS)
        if periods.ndim == 0:
            periods = np.full(size, int(periods), dtype=np.int64)
        elif periods.ndim != 1:
            same_length({"customers": np.empty(size), "T": periods.ravel()})
        same_length({"customers": np.empty(size), "T": periods})
        p = gen.beta(self.alpha, self.beta, size)
        theta = gen.beta(self.gamma, self.delta, size)
        n = periods.astype(np.float64)
        alive = np.minimum(_geometric_failures(theta, gen), n)
        gap = np.minimum(_geometric_failures(p, gen), alive)
        last = (alive - gap).astype(np.int64)
        bought = last > 0
        x = np.zeros(size, dtype=np.int64)
        x[bought] = 1 + gen.binomial(last[bought] - 1, p[bought])
        return x, last, periods.astype(np.int64)
