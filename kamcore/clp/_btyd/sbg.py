r"""Shifted-beta-geometric (sBG) model of contractual retention.

Fader & Hardie (2007), "How to project customer retention", *Journal of
Interactive Marketing* 21(1); valuation formulas from Fader & Hardie (2010),
"Customer-base valuation in a contractual setting: the perils of ignoring
heterogeneity", *Marketing Science* 29(1).

The model
---------
A contract renews at the end of every period. Each customer has a constant
churn probability :math:`\theta` per renewal, and :math:`\theta` varies across
customers as :math:`\mathrm{Beta}(\alpha, \beta)`. The lifetime :math:`T` (the
period in which the customer churns, :math:`T = 1, 2, \dots`) then follows the
shifted-beta-geometric distribution

.. math::

    P(T = t) = \frac{B(\alpha + 1, \beta + t - 1)}{B(\alpha, \beta)}, \qquad
    S(t) = P(T > t) = \frac{B(\alpha, \beta + t)}{B(\alpha, \beta)},

and the retention rate of period :math:`t` (the share of the customers alive at
the end of period :math:`t - 1` who are still alive at the end of period
:math:`t`) *rises* with :math:`t` as the least loyal customers leave first:

.. math::

    r_t = \frac{S(t)}{S(t - 1)} = \frac{\beta + t - 1}{\alpha + \beta + t - 1}.

Valuation (Fader & Hardie 2010), with discount rate :math:`d` per period and
:math:`z = 1/(1 + d)`:

* discounted expected lifetime of a customer just acquired, whose first payment
  is made now: :math:`\mathrm{DEL} = \sum_{t \ge 0} S(t) z^t =
  {}_2F_1(1, \beta; \alpha + \beta; z)`;
* discounted expected residual lifetime of a customer who has made
  :math:`n - 1` renewals (so is in period :math:`n`), valued at the end of
  period :math:`n` just before the next renewal decision, the next payment
  (if they renew) undiscounted:
  :math:`\mathrm{DERL} = \sum_{t \ge n} \frac{S(t)}{S(n - 1)} z^{t - n} =
  \frac{\beta + n - 1}{\alpha + \beta + n - 1}\,
  {}_2F_1(1, \beta + n; \alpha + \beta + n; z)`.

Multiply by the margin per period to get a lifetime profit.

Data conventions
----------------
* ``fit_survivors(counts)``: ``counts[t]`` customers alive at the start of
  period ``t + 1`` (``counts[0]`` the cohort size). The ``counts[t-1] - counts[t]``
  customers who left contribute :math:`\ln P(T = t)` each and the
  ``counts[-1]`` still active contribute :math:`\ln S(\text{len}-1)`.
* ``fit(durations, censored)``: one row per customer; an uncensored duration
  ``t >= 1`` is the period in which the customer churned (:math:`P(T = t)`), a
  censored one ``t >= 0`` the number of periods the customer is known to have
  survived (:math:`S(t)`). The survivor table is the special case in which
  every customer is observed for the same number of periods, and both fits
  give the same estimates and log-likelihood.

Examples
--------
>>> m = ShiftedBetaGeometric(alpha=0.704, beta=1.182)   # Fader & Hardie (2007), regular
>>> m.retention_rate([1, 2, 5]).round(3)
array([0.627, 0.756, 0.88 ])
>>> round(float(m.survival(7)) * 1000)                   # of 1000 acquired (observed: 241)
239
"""

from __future__ import annotations

from typing import Any, ClassVar, Final

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special  # type: ignore[import-untyped]

from kamcore._fitting import (
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
    as_float_array,
    as_int_array,
    broadcast,
    fail_where,
    same_length,
)
from kamcore.clp._btyd._base import (
    ParametricModel,
    check_n_customers,
    check_positive_parameter,
    to_float_parameter,
)
from kamcore.errors import ConvergenceError, InvalidParameterError

__all__ = ["ShiftedBetaGeometric"]

_AT_LEAST_ONE = Interval(1.0)
MAX_SURVIVOR_PERIODS: Final = 10**7
"""Most periods :meth:`ShiftedBetaGeometric.simulate_survivors` returns counts for."""
_SURVIVOR_PERIODS = Interval(1.0, float(MAX_SURVIVOR_PERIODS))
_DISCOUNT = Interval(0.0, low_closed=False)


def _check_rng(rng: Any) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise InvalidParameterError(
            f"'rng' must be a numpy.random.Generator; got {type(rng).__name__}."
        )
    return rng


# ----------------------------------------------------------------- kernels
def _sbg_loglik_terms(
    alpha: float, beta: float, t: NDArray[Any], censored: NDArray[np.bool_]
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per-row log-likelihood and its gradient (alpha, beta); inputs trusted.

    Uncensored rows: ``ln B(a+1, b+t-1) - ln B(a, b)``; censored rows:
    ``ln B(a, b+t) - ln B(a, b)``. Both are ``ln B(a', b') - ln B(a, b)`` with
    ``a' + b' = a + b + t``.
    """
    died = (~censored).astype(np.float64)
    tf = t.astype(np.float64)
    a1 = alpha + died
    b1 = beta + tf - died
    ll = special.betaln(a1, b1) - special.betaln(alpha, beta)
    psi_ab = special.digamma(alpha + beta)
    psi_all = special.digamma(alpha + beta + tf)
    d_alpha = special.digamma(a1) - psi_all - special.digamma(alpha) + psi_ab
    d_beta = special.digamma(b1) - psi_all - special.digamma(beta) + psi_ab
    return ll, d_alpha, d_beta


def _validate_durations(
    durations: ArrayLike, censored: ArrayLike | None, *, for_fit: bool
) -> tuple[IntArray, NDArray[np.bool_]]:
    ndim = 1 if for_fit else None
    t = as_int_array(durations, "durations", domain=NONNEGATIVE, ndim=ndim, allow_empty=not for_fit)
    if censored is None:
        c = np.zeros(t.shape, dtype=bool)
    else:
        raw = np.asarray(censored)
        if raw.dtype.kind != "b":
            ci = as_int_array(raw, "censored", ndim=ndim)
            fail_where((ci != 0) & (ci != 1), ci, "censored", "be boolean (or 0/1)")
            raw = ci.astype(bool)
        elif for_fit and raw.ndim != 1:
            as_int_array(raw, "censored", ndim=1)  # raises the shape error
        if for_fit:
            same_length({"durations": t, "censored": raw})
            c = raw
        else:
            t, c = broadcast({"durations": t, "censored": raw})
    fail_where((t < 1) & ~c, t, "durations", "be >= 1 for customers who churned (censored=False)")
    return t, c


# ----------------------------------------------------------------- model
@attrs.frozen(repr=False)  # the concise repr of ParametricModel
class ShiftedBetaGeometric(ParametricModel):
    r"""Shifted-beta-geometric contractual retention model (Fader & Hardie 2007).

    Churn probability per renewal :math:`\theta \sim \mathrm{Beta}(\alpha, \beta)`
    across customers; lifetime :math:`T \in \{1, 2, \dots\}` (period of churn).
    See the module documentation for the formulas.

    Parameters
    ----------
    alpha, beta
        Beta shape parameters, both > 0 (the mean churn probability of a new
        customer is :math:`\alpha / (\alpha + \beta)`).
    fit_report
        :class:`~kamcore.clp.FitReport` when the model came from a fit;
        keyword-only, ignored by equality.

    Examples
    --------
    >>> survivors = [1000, 869, 743, 653, 593, 551, 517, 491]   # "high end" segment
    >>> m = ShiftedBetaGeometric.fit_survivors(survivors)
    >>> round(m.alpha, 3), round(m.beta, 3)                   # published: 0.668, 3.806
    (0.668, 3.806)
    >>> m.survival([0, 1, 12]).round(3)
    array([1.   , 0.851, 0.378])
    """

    alpha: float = attrs.field(converter=to_float_parameter, validator=check_positive_parameter)
    beta: float = attrs.field(converter=to_float_parameter, validator=check_positive_parameter)
    fit_report: FitReport | None = attrs.field(
        default=None, eq=False, hash=False, repr=False, kw_only=True, validator=check_fit_report
    )

    # ------------------------------------------------------------ distribution
    PARAMETER_NAMES: ClassVar[tuple[str, ...]] = ("alpha", "beta")

    def churn_probability(self, t: ArrayLike) -> FloatArray:
        r"""Probability of churning in period ``t``: :math:`P(T = t)`.

        Parameters
        ----------
        t
            Period numbers, whole numbers >= 1, any shape.

        Returns
        -------
        numpy.ndarray of float64
            Same shape as ``t``, each in (0, 1).
        """
        tt = as_int_array(t, "t", domain=_AT_LEAST_ONE).astype(np.float64)
        a, b = self.alpha, self.beta
        return np.asarray(np.exp(special.betaln(a + 1.0, b + tt - 1.0) - special.betaln(a, b)))

    def survival(self, t: ArrayLike) -> FloatArray:
        r"""Probability of still being a customer after ``t`` periods: :math:`S(t)`.

        Parameters
        ----------
        t
            Whole numbers >= 0, any shape (``S(0) = 1``).

        Returns
        -------
        numpy.ndarray of float64
            Same shape as ``t``; non-increasing in ``t``.
        """
        tt = as_int_array(t, "t", domain=NONNEGATIVE).astype(np.float64)
        a, b = self.alpha, self.beta
        return np.asarray(np.exp(special.betaln(a, b + tt) - special.betaln(a, b)))

    def retention_rate(self, t: ArrayLike) -> FloatArray:
        r"""Retention rate of period ``t``: :math:`r_t = (\beta + t - 1)/(\alpha + \beta + t - 1)`.

        The share of customers alive at the end of period ``t - 1`` who are still
        alive at the end of period ``t``; increasing in ``t`` (towards 1).

        Parameters
        ----------
        t
            Whole numbers >= 1, any shape.

        Returns
        -------
        numpy.ndarray of float64
            Same shape as ``t``.
        """
        tt = as_int_array(t, "t", domain=_AT_LEAST_ONE).astype(np.float64)
        return np.asarray((self.beta + tt - 1.0) / (self.alpha + self.beta + tt - 1.0))

    def expected_lifetime(self) -> float:
        r"""Return the expected lifetime of a new customer in periods.

        :math:`E[T] = E[1/\theta] = (\alpha + \beta - 1)/(\alpha - 1)`.

        Raises
        ------
        InvalidParameterError
            When :math:`\alpha \le 1` (the expectation is infinite).
        """
        if self.alpha <= 1.0:
            raise InvalidParameterError(
                f"'alpha' must be > 1 for a finite expected lifetime; got {self.alpha!r}."
            )
        return (self.alpha + self.beta - 1.0) / (self.alpha - 1.0)

    def discounted_expected_lifetime(self, discount_rate: ArrayLike) -> FloatArray:
        r"""Discounted expected lifetime (DEL) of a customer just acquired.

        :math:`\mathrm{DEL} = \sum_{t \ge 0} S(t) (1+d)^{-t} =
        {}_2F_1(1, \beta; \alpha + \beta; 1/(1+d))`: the first payment is made now
        (undiscounted), the payment of period ``t + 1`` only if the customer has
        renewed ``t`` times. Multiply by the margin per period for a CLP.

        Parameters
        ----------
        discount_rate
            Discount rate ``d`` per period, > 0, any shape.

        Returns
        -------
        numpy.ndarray of float64
            Same shape as ``discount_rate``, in periods (>= 1).

        Examples
        --------
        >>> m = ShiftedBetaGeometric(alpha=1.0, beta=1.0)
        >>> round(float(m.discounted_expected_lifetime(0.1)), 4)  # -ln(1 - z)/z, z = 1/1.1
        2.6377
        """
        d = as_float_array(discount_rate, "discount_rate", domain=_DISCOUNT)
        z = 1.0 / (1.0 + d)
        with np.errstate(all="ignore"):
            out = np.asarray(
                special.hyp2f1(1.0, self.beta, self.alpha + self.beta, z), dtype=np.float64
            )
        return _finite(out, "discounted_expected_lifetime")

    def discounted_expected_residual_lifetime(
        self, discount_rate: ArrayLike, *, renewals: ArrayLike = 0
    ) -> FloatArray:
        r"""Discounted expected residual lifetime (DERL) of an active customer.

        For a customer who has made ``renewals = n - 1`` renewals (now in period
        ``n``), valued at the end of period ``n`` just before the next renewal:

        .. math::

            \mathrm{DERL} = \frac{\beta + n - 1}{\alpha + \beta + n - 1}\;
            {}_2F_1\!\left(1, \beta + n; \alpha + \beta + n; \tfrac{1}{1+d}\right)

        i.e. the next payment counts (undiscounted) if the customer renews, the
        one after it is discounted once, and so on (Fader & Hardie 2010, eq. 6).
        ``renewals = 0`` values a customer at the end of the first period.

        Parameters
        ----------
        discount_rate
            Discount rate ``d`` per period, > 0.
        renewals
            Number of renewals made so far, whole numbers >= 0 (per customer).

        Returns
        -------
        numpy.ndarray of float64
            ``discount_rate`` and ``renewals`` broadcast together; in periods.

        Examples
        --------
        >>> m = ShiftedBetaGeometric(alpha=0.704, beta=1.182)
        >>> m.discounted_expected_residual_lifetime(0.1, renewals=[0, 4]).round(2)
        array([2.96, 5.89])
        """
        d = as_float_array(discount_rate, "discount_rate", domain=_DISCOUNT)
        n_ren = as_int_array(renewals, "renewals", domain=NONNEGATIVE)
        d, n_ren = broadcast({"discount_rate": d, "renewals": n_ren})
        n = n_ren.astype(np.float64) + 1.0
        a, b = self.alpha, self.beta
        z = 1.0 / (1.0 + d)
        with np.errstate(all="ignore"):
            f = special.hyp2f1(1.0, b + n, a + b + n, z)
        out = np.asarray((b + n - 1.0) / (a + b + n - 1.0) * f, dtype=np.float64)
        return _finite(out, "discounted_expected_residual_lifetime")

    # ------------------------------------------------------------ likelihood
    def log_likelihood(
        self, *, durations: ArrayLike, censored: ArrayLike | None = None
    ) -> FloatArray:
        r"""Log-likelihood of each customer's duration; see :meth:`fit` for the data rules.

        :math:`\ln P(T = t_i)` for churned customers, :math:`\ln S(t_i)` for censored
        ones. Broadcast shape of ``durations`` and ``censored``; the sum over a fit's
        data (weights applied) is the fit report's log-likelihood.

        Returns
        -------
        numpy.ndarray of float64
        """
        t, c = _validate_durations(durations, censored, for_fit=False)
        return _sbg_loglik_terms(self.alpha, self.beta, t, c)[0]

    @classmethod
    def fit(
        cls,
        *,
        durations: ArrayLike,
        censored: ArrayLike | None = None,
        weights: ArrayLike | None = None,
        collapse: bool = True,
        start: tuple[float, float] = (1.0, 1.0),
        method: str = "L-BFGS-B",
    ) -> ShiftedBetaGeometric:
        """Fit by maximum likelihood to individual (right-censored) durations.

        Parameters
        ----------
        durations
            Shape ``(n,)``, whole numbers: the churn period (>= 1) of customers who
            left, or the number of periods observed (>= 0) of censored customers.
        censored
            Shape ``(n,)`` booleans (or 0/1): true when the customer was still
            active at the end of observation. ``None`` means nobody is censored.
        weights
            Optional shape ``(n,)`` non-negative weights (customers per row).
        collapse
            Collapse identical rows into weights before fitting (default true;
            the estimates do not change).
        start
            Starting ``(alpha, beta)``.
        method
            ``"L-BFGS-B"`` or ``"BFGS"``.

        Returns
        -------
        ShiftedBetaGeometric
            With ``fit_report`` (log-likelihood, standard errors, convergence).

        Raises
        ------
        InvalidParameterError, ShapeMismatchError
            Bad durations, flags or weights.
        ConvergenceError
            The optimiser failed or the estimate ran to 0 or infinity (e.g. no
            customer ever churned).
        """
        t, c = _validate_durations(durations, censored, for_fit=True)
        w = validate_weights(weights, t.shape[0])
        (tu, cu_int), wu = prepare_fit_data(t, c.astype(np.int64), weights=w, collapse=collapse)
        cu = cu_int.astype(bool)
        total = float(wu.sum())
        if not (~cu).any():
            raise ConvergenceError(
                "ShiftedBetaGeometric fit cannot converge: no customer churned (every row is "
                "censored), so the maximum-likelihood churn probability is 0."
            )
        if not (tu >= 1 + (~cu)).any():
            raise ConvergenceError(
                "ShiftedBetaGeometric fit cannot converge: no customer ever renewed (all churned "
                "in period 1), so the maximum-likelihood churn probability is 1."
            )

        def objective(theta: FloatArray) -> tuple[float, FloatArray]:
            ll, da, db = _sbg_loglik_terms(float(theta[0]), float(theta[1]), tu, cu)
            return -float(ll @ wu), -np.array([da @ wu, db @ wu])

        params, report = maximize_likelihood(
            objective,
            start,
            ("alpha", "beta"),
            n=total,
            n_rows=int(tu.size),
            method=method,
            model="ShiftedBetaGeometric",
        )
        return cls(params["alpha"], params["beta"], fit_report=report)

    @classmethod
    def fit_survivors(
        cls,
        counts: ArrayLike,
        *,
        start: tuple[float, float] = (1.0, 1.0),
        method: str = "L-BFGS-B",
    ) -> ShiftedBetaGeometric:
        """Fit to a cohort's survivor counts (Fader & Hardie 2007).

        Parameters
        ----------
        counts
            Shape ``(k + 1,)``, ``k >= 1``: customers active at the start of each
            period, ``counts[0]`` = cohort size > 0, non-increasing, >= 0. Fractional
            counts (e.g. percentages) are accepted and act as weights.
        start, method
            As in :meth:`fit`.

        Returns
        -------
        ShiftedBetaGeometric
            With ``fit_report``; its ``n`` is the cohort size.

        Raises
        ------
        InvalidParameterError
            Fewer than two counts, negative values, a zero cohort, or a count that
            increases.
        ConvergenceError
            The fit did not converge (e.g. nobody churned).
        """
        churned, durations, censored = _survivor_rows(counts)
        return cls.fit(
            durations=durations,
            censored=censored,
            weights=churned,
            collapse=False,
            start=start,
            method=method,
        )

    # ------------------------------------------------------------ simulation
    def simulate(
        self, *, n_customers: int, rng: np.random.Generator, n_periods: int | None = None
    ) -> tuple[IntArray, NDArray[np.bool_]]:
        """Draw lifetimes of ``n_customers`` new customers, optionally censored at ``n_periods``.

        Parameters
        ----------
        n_customers
            Number of customers, >= 0 and at most ``10**7`` per call.
        rng
            Source of randomness.
        n_periods
            Observation length in periods (>= 0); lifetimes beyond it are reported
            as ``(n_periods, censored=True)``. ``None``: no censoring.

        Returns
        -------
        durations : numpy.ndarray of int64, shape (n_customers,)
        censored : numpy.ndarray of bool, shape (n_customers,)
        """
        gen = _check_rng(rng)
        size = check_n_customers(
            int(as_int_array(n_customers, "n_customers", domain=NONNEGATIVE, ndim=0)), minimum=0
        )
        theta = gen.beta(self.alpha, self.beta, size)
        # a churn probability that underflows to 0 means "never churns"
        never = theta <= 0.0
        life = gen.geometric(np.where(never, 0.5, theta)).astype(np.int64)
        life[never] = np.iinfo(np.int64).max
        if n_periods is None:
            if never.any():
                raise InvalidParameterError(
                    "'n_periods' must be given for these parameters; a simulated churn "
                    "probability underflowed to 0 (an infinite lifetime)."
                )
            return life, np.zeros(size, dtype=bool)
        h = int(as_int_array(n_periods, "n_periods", domain=NONNEGATIVE, ndim=0))
        cens = life > h
        return np.where(cens, h, life), cens

    def simulate_survivors(
        self, *, n_customers: int, n_periods: int, rng: np.random.Generator
    ) -> IntArray:
        """Simulate a cohort's survivor counts, shape ``(n_periods + 1,)``, from n_customers.

        ``n_periods`` is at most ``10**7`` (:data:`MAX_SURVIVOR_PERIODS`: the result
        holds one count per period); ``n_customers`` at most ``10**7`` per call.
        """
        k = int(as_int_array(n_periods, "n_periods", domain=_SURVIVOR_PERIODS, ndim=0))
        durations, censored = self.simulate(n_customers=n_customers, rng=rng, n_periods=k)
        churned_in = np.bincount(durations[~censored], minlength=k + 1)[1:]
        size = durations.shape[0]
        return np.concatenate(([size], size - np.cumsum(churned_in))).astype(np.int64)


def _survivor_rows(counts: ArrayLike) -> tuple[FloatArray, IntArray, NDArray[np.bool_]]:
    """Turn survivor counts into weighted (duration, censored) rows."""
    s = as_float_array(counts, "counts", domain=NONNEGATIVE, ndim=1)
    if s.shape[0] < 2:
        raise InvalidParameterError(
            f"'counts' must have at least 2 values (the cohort size and one later count); "
            f"got {s.shape[0]}."
        )
    fail_where(s[0] <= 0, s[0], "counts[0]", "be > 0 (the cohort size)")
    step = np.diff(s)
    fail_where(step > 0, s[1:], "counts", "be non-increasing (survivors cannot come back)")
    k = s.shape[0] - 1
    churned = np.concatenate((-step, s[-1:]))
    durations = np.concatenate((np.arange(1, k + 1), [k])).astype(np.int64)
    censored = np.zeros(k + 1, dtype=bool)
    censored[-1] = True
    return churned, durations, censored


def _finite(out: FloatArray, name: str) -> FloatArray:
    bad = ~np.isfinite(out)
    if bad.any():
        raise ConvergenceError(
            f"{name}: the hypergeometric series did not evaluate to a finite value for "
            f"{int(bad.sum())} inputs (scipy.special.hyp2f1)."
        )
    return out
