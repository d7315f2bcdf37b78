r"""Gamma-Gamma model of the average spend per transaction.

Fader, Hardie & Lee (2005), "RFM and CLV: using iso-value curves for customer
base analysis", *Journal of Marketing Research* 42(4), and the note "The
Gamma-Gamma model of monetary value" (Fader & Hardie 2013).

The model
---------
A customer's transaction values :math:`z_1, \dots, z_x` are i.i.d.
:math:`\mathrm{Gamma}(p, \nu)` (shape :math:`p`, rate :math:`\nu`), so the
customer's mean spend is :math:`p/\nu`; across customers
:math:`\nu \sim \mathrm{Gamma}(q, \gamma)` (shape :math:`q`, rate
:math:`\gamma`). Spend is assumed independent of the transaction process. The
observed average :math:`\bar z` of :math:`x` transactions has density

.. math::

    f(\bar z \mid p, q, \gamma, x) =
    \frac{\Gamma(px + q)}{\Gamma(px)\,\Gamma(q)}\,
    \frac{\gamma^q\, \bar z^{\,px - 1}\, x^{px}}{(\gamma + x \bar z)^{px + q}}.

**Log-likelihood convention.** :meth:`GammaGamma.log_likelihood` and the fit
report use this density of :math:`\bar z` *including* the Jacobian term
:math:`px \ln x` and every constant; this is the convention of the published
figure (-4055.9 for the 946 CDNOW repeat buyers at
:math:`p = 6.25, q = 3.74, \gamma = 15.44`). The density of the total spend
:math:`x \bar z` would differ by :math:`-\sum \ln x_i`; the individual
transaction values are not part of the input.

Predictions. The population mean spend is :math:`E[Z] = p\gamma/(q - 1)`
(:math:`q > 1`), and the conditional expectation for a customer with
:math:`x` transactions averaging :math:`\bar z` is the weighted average

.. math::

    E[Z \mid x, \bar z] = \frac{p(\gamma + x\bar z)}{px + q - 1}
    = \frac{q - 1}{px + q - 1}\,\frac{p\gamma}{q - 1}
      + \frac{px}{px + q - 1}\,\bar z .

Data conventions
----------------
``frequency`` is the number of *repeat* transactions :math:`x` and
``average_spend`` their mean value :math:`\bar z` (the CDNOW convention: the
first purchase is left out). Only customers with ``x >= 1`` carry information
about spend: :meth:`GammaGamma.fit` **rejects** rows with ``x = 0`` unless
``exclude_zero_frequency=True``, in which case they are dropped and the number
dropped is written into the fit report's message. Repeat buyers must have a
spend > 0 in a fit: a repeat buyer with an average spend <= 0 raises (the
message names the customer and the remedy) unless ``nonpositive="exclude"``,
which leaves such rows out and says how many in the fit report's message.
Predictions accept an average spend of 0 for a repeat buyer (the weighted
average above with :math:`\bar z = 0`: the population mean shrunk towards 0).
For prediction a customer with ``x = 0`` gets the population mean (their
``average_spend`` is not used, and must be >= 0).

Examples
--------
>>> gg = GammaGamma(p=6.25, q=3.74, gamma=15.44)       # Fader, Hardie & Lee (2005)
>>> round(gg.expected_average_spend(), 2)
35.22
>>> gg.conditional_expected_average_spend(
...     frequency=[0, 2, 10], average_spend=[0.0, 22.35, 22.35]
... ).round(2)
array([35.22, 24.66, 22.89])
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
    as_float_array,
    as_int_array,
    broadcast,
    check_in,
    fail_where,
    same_length,
)
from kamcore.clp._btyd._base import (
    ParametricModel,
    SpendPredictions,
    check_positive_parameter,
    to_float_parameter,
)
from kamcore.errors import InvalidParameterError

__all__ = ["NONPOSITIVE_POLICIES", "GammaGamma"]

NONPOSITIVE_POLICIES: Final[tuple[str, ...]] = ("error", "exclude")
"""Accepted ``nonpositive`` values of :meth:`GammaGamma.fit`."""


def _check_rng(rng: Any) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise InvalidParameterError(
            f"'rng' must be a numpy.random.Generator; got {type(rng).__name__}."
        )
    return rng


# ----------------------------------------------------------------- kernels
def _gg_loglik_terms(
    p: float, q: float, g: float, x: NDArray[Any], zbar: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Per-row log density of ``zbar`` (x >= 1, zbar > 0) and its gradient (p, q, gamma)."""
    xf = x.astype(np.float64)
    px = p * xf
    total = g + xf * zbar
    log_total = np.log(total)
    log_z = np.log(zbar)
    log_x = np.log(xf)
    psi_pxq = special.digamma(px + q)
    ll = (
        special.gammaln(px + q)
        - special.gammaln(px)
        - special.gammaln(q)
        + q * np.log(g)
        + (px - 1.0) * log_z
        + px * log_x
        - (px + q) * log_total
    )
    d_p = xf * (psi_pxq - special.digamma(px) + log_z + log_x - log_total)
    d_q = psi_pxq - special.digamma(q) + np.log(g) - log_total
    d_g = q / g - (px + q) / total
    return ll, d_p, d_q, d_g


def _validate_spend(
    frequency: ArrayLike, average_spend: ArrayLike, *, for_fit: bool
) -> tuple[IntArray, FloatArray]:
    """Return checked (x, zbar >= 0); the fit applies its own rule to zbar = 0 for repeat buyers."""
    ndim = 1 if for_fit else None
    x = as_int_array(frequency, "frequency", domain=NONNEGATIVE, ndim=ndim, allow_empty=not for_fit)
    z = as_float_array(
        average_spend,
        "average_spend",
        domain=NONNEGATIVE,
        ndim=ndim,
        allow_empty=not for_fit,
    )
    if for_fit:
        same_length({"frequency": x, "average_spend": z})
    else:
        x, z = broadcast({"frequency": x, "average_spend": z})
    return x, z


def _method_of_moments_start(
    x: IntArray, z: FloatArray, w: FloatArray
) -> tuple[float, float, float]:
    """Rough start: p from the between-customer spread, q = 3, gamma matching the mean."""
    mean = float(z @ w / w.sum())
    var = float(((z - mean) ** 2) @ w / w.sum())
    cv2 = var / mean**2 if mean > 0 else 1.0
    p = float(np.clip(1.0 / max(cv2, 1e-3), 0.5, 50.0))
    q = 3.0
    return p, q, mean * (q - 1.0) / p


# ----------------------------------------------------------------- model
@attrs.frozen(repr=False)  # the concise repr of ParametricModel
class GammaGamma(ParametricModel, SpendPredictions):
    r"""Gamma-Gamma spend model (Fader, Hardie & Lee 2005); see the module docs.

    Parameters
    ----------
    p
        Shape of the per-transaction spend distribution, > 0.
    q
        Shape of the across-customer distribution of the rate :math:`\nu`, > 0
        (the population mean spend is finite only for ``q > 1``).
    gamma
        Rate (inverse scale, in 1 / money) of that distribution, > 0.
    fit_report
        :class:`~kamcore.clp.FitReport` of a fit; keyword-only,
        ignored by equality.

    Examples
    --------
    Fit to simulated repeat buyers and recover the parameters:

    >>> import numpy as np
    >>> truth = GammaGamma(p=6.0, q=4.0, gamma=15.0)
    >>> rng = np.random.default_rng(0)
    >>> x = rng.integers(1, 8, 5000)
    >>> gg = GammaGamma.fit(frequency=x, average_spend=truth.simulate(x, rng=rng))
    >>> round(gg.p, 1), round(gg.q, 1), round(gg.gamma, 1)
    (6.4, 4.0, 13.7)
    >>> gg.fit_report.converged, gg.fit_report.n
    (True, 5000.0)
    """

    p: float = attrs.field(converter=to_float_parameter, validator=check_positive_parameter)
    q: float = attrs.field(converter=to_float_parameter, validator=check_positive_parameter)
    gamma: float = attrs.field(converter=to_float_parameter, validator=check_positive_parameter)
    fit_report: FitReport | None = attrs.field(
        default=None, eq=False, hash=False, repr=False, kw_only=True, validator=check_fit_report
    )

    PARAMETER_NAMES: ClassVar[tuple[str, ...]] = ("p", "q", "gamma")

    # ------------------------------------------------------------ predictions
    def expected_average_spend(self) -> float:
        r"""Return the population mean spend per transaction, :math:`p\gamma/(q - 1)`.

        Raises
        ------
        InvalidParameterError
            When ``q <= 1`` (the mean is infinite).
        """
        if self.q <= 1.0:
            raise InvalidParameterError(f"'q' must be > 1 for a finite mean spend; got {self.q!r}.")
        return self.p * self.gamma / (self.q - 1.0)

    def conditional_expected_average_spend(
        self, *, frequency: ArrayLike, average_spend: ArrayLike
    ) -> FloatArray:
        r"""Return each customer's expected spend per transaction given their history.

        :math:`E[Z \mid x, \bar z] = p(\gamma + x\bar z)/(px + q - 1)`; a customer
        with ``x = 0`` gets the population mean :math:`p\gamma/(q-1)`. The
        formula also holds for a repeat buyer whose average spend is 0 (a log
        with free or fully refunded orders): it gives
        :math:`p\gamma/(px + q - 1)`, the population mean shrunk by the weight
        :math:`(q-1)/(px+q-1)` of the prior, so such a customer keeps a defined
        (and small) spend and lifetime value.

        Parameters
        ----------
        frequency
            Repeat transactions ``x``, whole numbers >= 0.
        average_spend
            Their mean value ``zbar`` >= 0 (unused where ``x = 0``). Broadcast
            against ``frequency``.

        Returns
        -------
        numpy.ndarray of float64
            Broadcast shape, in the money unit of ``average_spend``.

        Raises
        ------
        InvalidParameterError
            Bad inputs, or :math:`px + q \le 1` for some customer (infinite
            expectation; always the case for ``x = 0`` when ``q <= 1``).
        """
        x, z = _validate_spend(frequency, average_spend, for_fit=False)
        px = self.p * x.astype(np.float64)
        denom = px + self.q - 1.0
        fail_where(
            denom <= 0,
            x,
            "frequency",
            f"satisfy p*frequency + q > 1 for a finite expected spend (p={self.p!r}, q={self.q!r})",
        )
        return np.asarray(self.p * (self.gamma + x * z) / denom, dtype=np.float64)

    # ------------------------------------------------------------ likelihood
    def log_likelihood(self, *, frequency: ArrayLike, average_spend: ArrayLike) -> FloatArray:
        r"""Log density of each repeat buyer's average spend (broadcast shape).

        Uses the density of :math:`\bar z` given in the module documentation
        (all constants included); the sum over a fit's data is the fit report's
        log-likelihood. Every customer must have ``frequency >= 1``.

        Returns
        -------
        numpy.ndarray of float64
        """
        x, z = _validate_spend(frequency, average_spend, for_fit=False)
        fail_where(
            x == 0, x, "frequency", "be >= 1 (the spend density is defined for repeat buyers only)"
        )
        fail_where(z <= 0, z, "average_spend", "be > 0 (the spend density is defined for z > 0)")
        return _gg_loglik_terms(self.p, self.q, self.gamma, x, z)[0]

    @classmethod
    def fit(
        cls,
        *,
        frequency: ArrayLike,
        average_spend: ArrayLike,
        weights: ArrayLike | None = None,
        exclude_zero_frequency: bool = False,
        nonpositive: str = "error",
        customer_ids: ArrayLike | None = None,
        collapse: bool = True,
        start: tuple[float, float, float] | None = None,
        method: str = "L-BFGS-B",
        penalizer: float = 0.0,
    ) -> GammaGamma:
        r"""Fit ``p, q, gamma`` by maximum likelihood on repeat buyers.

        Parameters
        ----------
        frequency
            Shape ``(n,)``: repeat transactions ``x`` (whole numbers).
        average_spend
            Shape ``(n,)``: mean value of those transactions, > 0 where ``x > 0``.
        weights
            Optional shape ``(n,)`` non-negative weights.
        exclude_zero_frequency
            Rows with ``x = 0`` carry no spend information. By default they are
            rejected (:class:`~kamcore.errors.InvalidParameterError`); with
            ``True`` they are dropped and the fit report's message says how many.
        nonpositive
            What to do with a repeat buyer (``x > 0``) whose average spend is 0,
            which the spend density cannot take (real logs have them: free
            orders, full refunds; CDNOW has one). A negative average spend is
            always rejected. ``"error"`` (default) raises
            :class:`~kamcore.errors.InvalidParameterError` naming the first such
            customer (its id from ``customer_ids``, else its row index) and this
            remedy; ``"exclude"`` leaves those rows out of the likelihood and the
            fit report's message says how many were left out. Predictions remain
            defined for them (:meth:`conditional_expected_average_spend`).
        customer_ids
            Optional shape ``(n,)`` customer ids, used in error messages only.
        collapse
            Collapse identical ``(x, zbar)`` rows into weights (default true).
        start
            Starting ``(p, q, gamma)``; default a moment-based guess.
        method
            ``"L-BFGS-B"`` or ``"BFGS"``.

        penalizer
            L2 penalty coefficient :math:`\\lambda \\ge 0` (default 0: plain maximum
            likelihood). With :math:`\\lambda > 0` the fit maximises
            :math:`\\ell(\\theta) - \\lambda n \\sum_i (\\ln\\theta_i)^2` (``n`` the total
            weight), shrinking every parameter towards 1 -- a departure from
            maximum likelihood for small or degenerate data; the report's
            log-likelihood is the unpenalised one at the penalised estimate.

        Returns
        -------
        GammaGamma
            With ``fit_report``; its log-likelihood follows the convention in the
            module documentation.

        Raises
        ------
        InvalidParameterError, ShapeMismatchError
            Bad inputs (see above), or no repeat buyer left.
        ConvergenceError
            The optimiser failed or an estimate ran to 0 or infinity.
        """
        check_in(nonpositive, "nonpositive", NONPOSITIVE_POLICIES)
        x, z, w, dropped, n_nonpositive = _fit_rows(
            frequency,
            average_spend,
            weights,
            exclude_zero=exclude_zero_frequency,
            nonpositive=nonpositive,
            customer_ids=customer_ids,
        )
        (xu, zu), wu = prepare_fit_data(x, z, weights=w, collapse=collapse)
        if wu.size == 0:
            raise InvalidParameterError(
                "'weights' must give a positive weight to at least one repeat buyer; got none."
            )
        total = float(wu.sum())
        init = _method_of_moments_start(xu, zu, wu) if start is None else start

        def objective(theta: FloatArray) -> tuple[float, FloatArray]:
            ll, dp, dq, dg = _gg_loglik_terms(
                float(theta[0]), float(theta[1]), float(theta[2]), xu, zu
            )
            return -float(ll @ wu), -np.array([dp @ wu, dq @ wu, dg @ wu])

        params, report = maximize_likelihood(
            objective,
            init,
            ("p", "q", "gamma"),
            n=total,
            n_rows=int(xu.size),
            method=method,
            model="GammaGamma",
            penalizer=penalizer,
        )
        notes = []
        if dropped:
            notes.append(f"excluded {dropped} rows with frequency 0")
        if n_nonpositive:
            notes.append(
                f"excluded {n_nonpositive} repeat buyers with average spend <= 0 "
                "(nonpositive='exclude')"
            )
        if notes:
            report = attrs.evolve(report, message="; ".join([report.message, *notes]))
        return cls(params["p"], params["q"], params["gamma"], fit_report=report)

    # ------------------------------------------------------------ simulation
    def simulate(self, frequency: ArrayLike, *, rng: np.random.Generator) -> FloatArray:
        r"""Draw each customer's average spend given their number of transactions.

        Per customer :math:`\nu \sim \mathrm{Gamma}(q, \gamma)` and
        :math:`x\bar z \mid \nu \sim \mathrm{Gamma}(px, \nu)`; customers with
        ``x = 0`` get ``0`` (no transaction, the CDNOW convention).

        Parameters
        ----------
        frequency
            Shape ``(n,)`` whole numbers >= 0.
        rng
            Source of randomness.

        Returns
        -------
        numpy.ndarray of float64, shape (n,)
        """
        gen = _check_rng(rng)
        x = as_int_array(frequency, "frequency", domain=NONNEGATIVE, ndim=1)
        nu = np.asarray(gen.gamma(self.q, 1.0 / self.gamma, size=x.shape[0]), dtype=np.float64)
        buyers = x > 0
        out = np.zeros(x.shape[0])
        xb = x[buyers].astype(np.float64)
        out[buyers] = gen.gamma(self.p * xb, 1.0 / nu[buyers]) / xb
        return out


def _fit_rows(
    frequency: ArrayLike,
    average_spend: ArrayLike,
    weights: ArrayLike | None,
    *,
    exclude_zero: bool,
    nonpositive: str = "error",
    customer_ids: ArrayLike | None = None,
) -> tuple[IntArray, FloatArray, FloatArray | None, int, int]:
    x, z = _validate_spend(frequency, average_spend, for_fit=True)
    w = validate_weights(weights, x.shape[0])
    ids = None
    if customer_ids is not None:
        ids = np.asarray(customer_ids, dtype=object)
        if ids.ndim != 1:
            raise InvalidParameterError(
                f"'customer_ids' must be 1-D (one id per row); got shape {ids.shape}."
            )
        same_length({"frequency": x, "customer_ids": ids})
    bad = (x > 0) & (z <= 0)
    n_bad = int(bad.sum())
    if n_bad and nonpositive == "error":
        i = int(np.flatnonzero(bad)[0])
        who = f"customer {ids[i]!r}" if ids is not None else f"the row at index {i}"
        raise InvalidParameterError(
            f"'average_spend' must be > 0 for repeat buyers (frequency > 0); got {n_bad} "
            f"bad values (first: {who}, frequency {int(x[i])}, average spend {float(z[i])!r}). "
            "Pass nonpositive='exclude' to leave such customers out of the fit (their "
            "predicted spend stays defined), or correct the data."
        )
    if n_bad:
        keep = ~bad
        x, z = x[keep], z[keep]
        w = None if w is None else w[keep]
    zero = x == 0
    dropped = 0
    if zero.any():
        if not exclude_zero:
            fail_where(
                zero,
                x,
                "frequency",
                "be >= 1 for the Gamma-Gamma spend model (customers without repeat "
                "purchases carry no spend information; pass exclude_zero_frequency=True "
                "to drop them)",
            )
        keep = ~zero
        dropped = int(zero.sum())
        x, z = x[keep], z[keep]
        w = None if w is None else w[keep]
        if x.size == 0:
            raise InvalidParameterError(
                f"'frequency' must have at least one value >= 1; got {dropped} rows, all 0."
            )
    if x.size == 0:
        raise InvalidParameterError(
            f"'average_spend' must be > 0 for at least one repeat buyer; got {n_bad} rows, "
            "all <= 0."
        )
    return x, z, w, dropped, n_bad
