r"""MBG/NBD repeat-buying model (Batislam, Denizel & Filiztekin 2007; Hoppe & Wagner 2007).

The BG/NBD with one change: a customer may also drop out right after its
*first* purchase (at time 0), so a customer with no repeat purchase is not
certainly alive. With purchase rate :math:`\lambda \sim \mathrm{Gamma}(r, \alpha)`
and drop-out probability :math:`p \sim \mathrm{Beta}(a, b)` after every purchase,
the likelihood of one customer is

.. math::

    L = \frac{B(a, b+x+1)}{B(a, b)} \frac{\Gamma(r+x)\,\alpha^r}{\Gamma(r)(\alpha+T)^{r+x}}
        \Bigl[1 + \frac{a}{b+x}\Bigl(\frac{\alpha+T}{\alpha+t_x}\Bigr)^{r+x}\Bigr],

evaluated in log space as the log-sum of its two terms (:func:`_mbg_loglik`),
:math:`D = \ln\frac{a}{b+x} + (r+x)\ln\frac{\alpha+T}{\alpha+t_x}`;
:math:`P(\text{alive}) = 1/(1 + e^{D})`. With the kernel
:math:`K(a, B, R, D, t)` of :mod:`kamcore.clp.betageo`,

.. math::

    E[X(t)] = \frac{b}{a+b} K(a, b+1, r, \alpha, t)
            = \frac{b}{a-1}\Bigl[1 - \Bigl(\frac{\alpha}{\alpha+t}\Bigr)^r
              {}_2F_1\bigl(r, b+1; a+b; \tfrac{t}{\alpha+t}\bigr)\Bigr],

    E[Y(t) \mid x, t_x, T] = P(\text{alive})\,K(a, b+x+1, r+x, \alpha+T, t).
"""

from __future__ import annotations

from typing import ClassVar

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
from kamcore._params import FloatArray, IntArray, broadcast, check_in, fail_where
from kamcore.clp._btyd._base import (
    ParametricModel,
    PredictionIntervals,
    check_positive_parameter,
    log_beta_ratio,
    log_gamma_ratio,
    to_float_parameter,
    validate_rfm,
)
from kamcore.clp._btyd.betageo import (
    _as_t,
    _bg_pmf,
    _bincount_by_x,
    _check_n,
    _draw_population,
    _observe,
    _start_values,
    beta_count_kernel,
    pfaff_survival,
)

__all__ = ["ModifiedBetaGeo"]


def _mbg_log_odds(
    params: tuple[float, float, float, float], x: IntArray, tx: FloatArray, T: FloatArray
) -> FloatArray:
    """Return D per customer, the log-odds of having dropped out: P(alive) = 1 / (1 + e^D)."""
    r, alpha, a, b = params
    xf = x.astype(np.float64)
    return np.asarray(
        np.log(a) - np.log(b + xf) + (r + xf) * np.log1p((T - tx) / (alpha + tx)), dtype=np.float64
    )


def _mbg_loglik(
    params: tuple[float, float, float, float], x: IntArray, tx: FloatArray, T: FloatArray
) -> FloatArray:
    """Return ln L per customer as the log-sum of its alive and dropped-out terms.

    As :func:`~kamcore.clp._btyd.betageo._bgnbd_loglik`, with :math:`B(a, b+x+1)` and
    :math:`B(a+1, b+x)` (the drop-out term is there for every ``x``).
    """
    r, alpha, a, b = params
    xf = x.astype(np.float64)
    common = log_gamma_ratio(r, xf)
    alive = (
        common
        + log_beta_ratio(a, b, 0.0, xf + 1.0)
        - r * np.log1p(T / alpha)
        - xf * np.log(alpha + T)
    )
    dead = (
        common + log_beta_ratio(a, b, 1.0, xf) - r * np.log1p(tx / alpha) - xf * np.log(alpha + tx)
    )
    return np.asarray(np.logaddexp(alive, dead), dtype=np.float64)


def _mbg_nll(
    theta: FloatArray,
    *,
    x: IntArray,
    tx: FloatArray,
    T: FloatArray,
    w: FloatArray,
    xu: FloatArray,
    wu: FloatArray,
) -> tuple[float, FloatArray]:
    """Weighted MBG/NBD negative log-likelihood and its analytic gradient."""
    r, alpha, a, b = (float(v) for v in theta)
    xf = x.astype(np.float64)
    log_aT = np.log(alpha + T)
    log_atx = np.log(alpha + tx)
    D = np.log(a) - np.log(b + xf) + (r + xf) * (log_aT - log_atx)
    sig = special.expit(D)
    W = float(w.sum())
    ll = (
        _dot(wu, (special.gammaln(r + xu) + special.betaln(a, b + xu + 1.0)))
        - W * (special.gammaln(r) - r * np.log(alpha) + special.betaln(a, b))
        - _dot(w, ((r + xf) * log_aT))
        + _dot(w, np.logaddexp(0.0, D))
    )
    psi_abx1 = special.digamma(a + b + xu + 1.0)
    psi_ab = special.digamma(a + b)
    g_r = (
        _dot(wu, special.digamma(r + xu))
        - W * (special.digamma(r) - np.log(alpha))
        - _dot(w, log_aT)
        + _dot(w, (sig * (log_aT - log_atx)))
    )
    g_alpha = (
        W * r / alpha
        - _dot(w, ((r + xf) / (alpha + T)))
        + _dot(w, (sig * (r + xf) * (1.0 / (alpha + T) - 1.0 / (alpha + tx))))
    )
    g_a = W * psi_ab - _dot(wu, psi_abx1) + _dot(w, sig) / a
    g_b = (
        _dot(wu, (special.digamma(b + xu + 1.0) - psi_abx1))
        + W * (psi_ab - special.digamma(b))
        - _dot(w, (sig / (b + xf)))
    )
    return -ll, -np.array([g_r, g_alpha, g_a, g_b])


@attrs.frozen(repr=False)  # the concise repr of ParametricModel
class ModifiedBetaGeo(ParametricModel, PredictionIntervals):
    r"""MBG/NBD model (Batislam et al. 2007) with parameters as fields.

    Parameters
    ----------
    r, alpha
        Gamma distribution of purchase rates (shape, rate in the data's time
        unit), > 0.
    a, b
        Beta distribution of the drop-out probability after each purchase
        (including the first), > 0.
    fit_report
        Keyword-only; set by :meth:`fit`, None when built by hand; not part of
        equality.

    Notes
    -----
    Same surface as :class:`~kamcore.clp.BetaGeo`; every method
    broadcasts and returns float64 arrays. See the module docstring for formulas.

    Examples
    --------
    >>> m = ModifiedBetaGeo(r=0.525, alpha=6.183, a=0.891, b=1.614)
    >>> m.probability_alive(frequency=[0, 2], recency=[0.0, 30.43], T=38.86).round(3)
    array([0.39 , 0.706])
    >>> bool(m.expected_purchases_new(39.0) > m.expected_purchases_new(10.0))
    True
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
    ) -> ModifiedBetaGeo:
        r"""Fit by maximum likelihood; arguments and errors as :meth:`BetaGeo.fit`.

        penalizer
            L2 penalty coefficient :math:`\\lambda \\ge 0` (default 0: plain maximum
            likelihood). With :math:`\\lambda > 0` the fit maximises
            :math:`\\ell(\\theta) - \\lambda n \\sum_i (\\ln\\theta_i)^2` (``n`` the total
            weight), shrinking every parameter towards 1 -- a departure from
            maximum likelihood for small or degenerate data; the report's
            log-likelihood is the unpenalised one at the penalised estimate.

        Returns
        -------
        ModifiedBetaGeo
            With :attr:`fit_report` set.

        Examples
        --------
        Recover known parameters from 2,000 simulated customers:

        >>> truth = ModifiedBetaGeo(r=0.5, alpha=5.0, a=0.8, b=2.5)
        >>> x, tx, T = truth.simulate(n_customers=2000, T=39.0, rng=np.random.default_rng(7))
        >>> m = ModifiedBetaGeo.fit(frequency=x, recency=tx, T=T)
        >>> m.fit_report.converged, m.fit_report.n
        (True, 2000.0)
        >>> bool(abs(m.r - 0.5) < 3 * m.fit_report.standard_errors["r"])
        True
        """
        check_in(method, "method", FIT_METHODS)
        x, tx, age = validate_rfm(frequency, recency, T, for_fit=True)
        w_in = validate_weights(weights, x.size)
        (x, tx, age), w = prepare_fit_data(x, tx, age, weights=w_in, collapse=collapse)
        xu, wu = _bincount_by_x(x, w)
        r0, alpha0 = _start_values(x, age, w)

        def objective(theta: FloatArray) -> tuple[float, FloatArray]:
            return _mbg_nll(theta, x=x, tx=tx, T=age, w=w, xu=xu, wu=wu)

        params, report = maximize_likelihood(
            objective,
            [r0, alpha0, 1.0, 1.0],
            cls.PARAMETER_NAMES,
            n=float(w.sum()),
            n_rows=int(x.size),
            method=method,
            model="MBG/NBD",
            penalizer=penalizer,
        )
        return cls(**params, fit_report=report)

    def log_likelihood(
        self, *, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
    ) -> FloatArray:
        """Log-likelihood of each customer's (frequency, recency, T); broadcast shape."""
        x, tx, age = validate_rfm(frequency, recency, T)
        return _mbg_loglik(self._tuple, x, tx, age)

    def probability_alive(
        self, *, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
    ) -> FloatArray:
        r"""Probability of being alive at ``T``: :math:`1/(1 + \frac{a}{b+x}(\frac{\alpha+T}{\alpha+t_x})^{r+x})`."""  # noqa: E501
        x, tx, age = validate_rfm(frequency, recency, T)
        D = _mbg_log_odds(self._tuple, x, tx, age)
        return np.asarray(special.expit(-D), dtype=np.float64)

    def probability_alive_at(
        self, *, t: ArrayLike, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
    ) -> FloatArray:
        r"""Probability that a customer with this history is still alive at ``T + t``.

        As for BG/NBD, but the customer has survived ``x + 1`` drop-out chances
        (the first purchase counts), so the posterior of ``p`` is
        :math:`B(a, b+x+1)`:

        .. math::

            P(\text{alive at } T+t) = P(\text{alive at } T)\;
              {}_2F_1\bigl(r+x, a; a+b+x+1; -\tfrac{t}{\alpha+T}\bigr).
        """
        tt = _as_t(t)
        x, tx, age = validate_rfm(frequency, recency, T)
        tt, x, tx, age = broadcast({"t": tt, "frequency": x, "recency": tx, "T": age})
        now = self.probability_alive(frequency=x, recency=tx, T=age)
        r, alpha, a, b = self._tuple
        later = pfaff_survival(a, a + b + 1.0 - r, a + b + x + 1.0, tt / (alpha + age))
        fail_where(~np.isfinite(later), tt, "t", "give a finite survival factor (2F1 overflowed)")
        return np.asarray(now * later, dtype=np.float64)

    def expected_purchases(
        self, *, t: ArrayLike, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
    ) -> FloatArray:
        r"""Return expected repeat purchases in :math:`(T, T+t]` given the history.

        :math:`P(\text{alive})\,K(a, b+x+1, r+x, \alpha+T, t)`; arguments broadcast.
        """
        tt = _as_t(t)
        x, tx, age = validate_rfm(frequency, recency, T)
        tt, x, tx, age = broadcast({"t": tt, "frequency": x, "recency": tx, "T": age})
        D = _mbg_log_odds(self._tuple, x, tx, age)
        xf = x.astype(np.float64)
        k = beta_count_kernel(self.a, self.b + xf + 1.0, self.r + xf, self.alpha + age, tt)
        return np.asarray(special.expit(-D) * k, dtype=np.float64)

    def _alive_now(self, *, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> FloatArray:
        """P(alive at T): the history-dependent factor of the predictions."""
        return self.probability_alive(frequency=frequency, recency=recency, T=T)

    def _purchase_kernel(self, *, t: float, frequency: IntArray, T: FloatArray) -> FloatArray:
        """:math:`K(a, b+x+1, r+x, alpha+T, t)`: expected purchases = P(alive) * this."""
        xf = np.asarray(frequency, dtype=np.float64)
        return beta_count_kernel(self.a, self.b + xf + 1.0, self.r + xf, self.alpha + T, t)

    def _survival_kernel(self, *, t: float, frequency: IntArray, T: FloatArray) -> FloatArray:
        """P(alive at T+t) = P(alive at T) * this (see :meth:`probability_alive_at`)."""
        r, alpha, a, b = self._tuple
        xf = np.asarray(frequency, dtype=np.float64)
        return pfaff_survival(a, a + b + 1.0 - r, a + b + xf + 1.0, t / (alpha + T))

    def expected_purchases_new(self, t: ArrayLike) -> FloatArray:
        r"""Return a new customer's expected repeat purchases in :math:`(0, t]`.

        :math:`\frac{b}{a+b} K(a, b+1, r, \alpha, t)` (Batislam et al. 2007, eq. 4).
        """
        tt = _as_t(t)
        k = beta_count_kernel(self.a, self.b + 1.0, self.r, self.alpha, tt)
        return np.asarray(self.b / (self.a + self.b) * k, dtype=np.float64)

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

        As for BG/NBD: :math:`[n=0](1-P_A) + P_A\,P(n)`, where :math:`P(n)` is the
        BG/NBD new-customer count distribution with the posterior parameters
        :math:`(r+x, \alpha+T, a, b+x+1)` (alive at ``T``, the customer has
        survived ``x + 1`` drop-out chances and, from ``T`` on, can only drop
        out after a purchase). Sums to 1 over ``n``; arguments broadcast.
        """
        nn = _check_n(n)
        tt = _as_t(t)
        x, tx, age = validate_rfm(frequency, recency, T)
        nn, tt, x, tx, age = broadcast({"n": nn, "t": tt, "frequency": x, "recency": tx, "T": age})
        D = _mbg_log_odds(self._tuple, x, tx, age)
        xf = x.astype(np.float64)
        post = (self.r + xf, self.alpha + age, self.a, self.b + xf + 1.0)
        fresh = _bg_pmf(post, nn, tt, modified=False)  # type: ignore[arg-type]
        return np.asarray(
            np.where(nn == 0, special.expit(D), 0.0) + special.expit(-D) * fresh, np.float64
        )

    def probability_of_purchases(self, *, n: ArrayLike, t: ArrayLike) -> FloatArray:
        r"""Probability that a new customer makes exactly ``n`` repeat purchases in ``(0, t]``.

        .. math::

            P(X(t)=n) = \frac{B(a, b+n+1)}{B(a,b)}\,\mathrm{NB}(n; r, \tfrac{\alpha}{\alpha+t})
              + \frac{B(a+1, b+n)}{B(a,b)}\,P(N(t) \ge n),

        :math:`P(N(t) \ge n) = I_{t/(\alpha+t)}(n, r)` for n > 0 and 1 for n = 0.
        """
        nn = _check_n(n)
        tt = _as_t(t)
        nn, tt = broadcast({"n": nn, "t": tt})
        return _bg_pmf(self._tuple, nn, tt, modified=True)

    def simulate(
        self, *, n_customers: int, T: ArrayLike, rng: np.random.Generator
    ) -> tuple[IntArray, FloatArray, FloatArray]:
        r"""Draw ``n_customers`` customers' (frequency, recency, T) from the model.

        As :meth:`BetaGeo.simulate`, except that the number of repeat purchases
        before drop-out is :math:`K \sim \mathrm{Geometric}(p)` on 0, 1, 2, ...
        (a customer can drop out right after its first purchase).
        """
        lam, p, age = _draw_population(self._tuple, n_customers, T, rng)
        k = rng.geometric(p) - 1
        return _observe(lam, k, age, rng)
