r"""Allocate a service-effort budget across accounts to maximise total lifetime profit.

Each account i has a *response curve* f_i(x): the lifetime profit gained from
x units of service effort (hours, visits, currency). With diminishing returns
(f_i increasing and concave) the problem

.. math::

    \max_x \sum_i f_i(x_i) \quad\text{s.t.}\quad \sum_i x_i \le B,
    \quad x_i \ge m_i

(budget B, minimum service standard m_i from the account's grade) is solved
exactly by its KKT conditions: there is one multiplier :math:`\lambda \ge 0`,
the *shadow price* of the budget (extra profit per extra unit of budget), with

.. math:: x_i(\lambda) = \max\bigl(m_i, (f_i')^{-1}(\lambda)\bigr),
          \qquad \sum_i x_i(\lambda) = B.

Every account is served until its marginal return falls to the common
:math:`\lambda`; :math:`\sum_i x_i(\lambda)` is non-increasing in
:math:`\lambda`, so :func:`scipy.optimize.brentq` on :math:`\log\lambda` finds
it, one vectorised evaluation per step: this scales to millions of accounts.
For curves that are not concave (S-shaped responses), ``method="slsqp"``
hands the problem to :func:`scipy.optimize.minimize` (a local optimum, for
small n).

Built-in curves: :class:`ExponentialResponse` a(1 - e^{-bx}) and
:class:`LogResponse` a log(1 + bx); any object with ``size``, ``value`` and
``marginal`` (the :class:`ResponseCurve` protocol) works, and an
``inverse_marginal`` method (:class:`InvertibleResponse`) makes it fast.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Final, Protocol, runtime_checkable

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize  # type: ignore[import-untyped]

from kamcore._columns import FrozenArrays
from kamcore._optional import single_threaded_blas
from kamcore._params import (
    NONNEGATIVE,
    POSITIVE,
    FloatArray,
    as_float_array,
    as_float_scalar,
    broadcast,
    check_fields,
    check_in,
    fail_where,
    readonly,
)
from kamcore.errors import (
    ConvergenceError,
    InvalidParameterError,
    ShapeMismatchError,
    UnknownNameError,
)

__all__ = [
    "METHODS",
    "Allocation",
    "ExponentialResponse",
    "InvertibleResponse",
    "LogResponse",
    "ResponseCurve",
    "allocate",
    "equal_split",
    "service_minimums",
]

#: Solution methods of :func:`allocate`.
METHODS: Final[tuple[str, ...]] = ("kkt", "slsqp")

#: Largest problem the general SLSQP path accepts (it builds dense n x n matrices).
SLSQP_MAX_SIZE: Final = 2000


@runtime_checkable
class ResponseCurve(Protocol):
    """Per-account response curves, vectorised over accounts.

    ``value`` and ``marginal`` take an effort array of shape (size,) and
    return arrays of the same shape: f_i(x_i) and f_i'(x_i).

    Examples
    --------
    >>> import numpy as np
    >>> from kamcore.allocation import LogResponse, ResponseCurve
    >>> curve = LogResponse([50.0, 20.0], [1.0, 1.0])
    >>> isinstance(curve, ResponseCurve), curve.value(np.array([0.0, 0.0])).tolist()
    (True, [0.0, 0.0])
    """

    @property
    def size(self) -> int:
        """Number of accounts."""
        ...

    def value(self, x: FloatArray) -> FloatArray:
        """Return the profit gain f_i(x_i) of each account."""
        ...

    def marginal(self, x: FloatArray) -> FloatArray:
        """Return the marginal gain f_i'(x_i) of each account."""
        ...


@runtime_checkable
class InvertibleResponse(ResponseCurve, Protocol):
    """A concave response curve whose marginal can be inverted in closed form.

    Examples
    --------
    >>> from kamcore.allocation import ExponentialResponse, InvertibleResponse
    >>> isinstance(ExponentialResponse([100.0], [0.1]), InvertibleResponse)
    True
    """

    def inverse_marginal(self, lam: float) -> FloatArray:
        """Return the effort x_i >= 0 at which f_i'(x_i) = ``lam`` (0 if f_i'(0) <= lam)."""
        ...


def _curve_params(a: ArrayLike, b: ArrayLike) -> tuple[FloatArray, FloatArray]:
    aa, bb = broadcast(
        {
            "a": as_float_array(a, "a", domain=NONNEGATIVE),
            "b": as_float_array(b, "b", domain=POSITIVE),
        }
    )
    if aa.ndim != 1:
        aa, bb = np.atleast_1d(aa), np.atleast_1d(bb)
        if aa.ndim != 1:
            raise ShapeMismatchError(f"'a' and 'b' must be 1-D (one per account); got {aa.shape}.")
    ra, rb = aa.copy(), bb.copy()
    ra = readonly(ra)
    rb = readonly(rb)
    return ra, rb


def _effort(x: ArrayLike, size: int) -> FloatArray:
    """Validate efforts for a response curve: finite numbers, a scalar or shape (size,).

    No sign check: the optimiser evaluates the curves at steps a rounding
    error below 0.
    """
    arr = as_float_array(x, "x")
    if arr.ndim > 1 or (arr.ndim == 1 and arr.shape[0] != size):
        raise ShapeMismatchError(f"'x' must be a scalar or have shape ({size},); got {arr.shape}.")
    return arr


@attrs.frozen(eq=False, repr=False)
class ExponentialResponse(FrozenArrays):
    r"""Saturating response :math:`f_i(x) = a_i (1 - e^{-b_i x})`.

    ``a_i`` is the most profit extra effort can bring (currency), ``b_i`` how
    fast it saturates (per unit of effort). Marginal :math:`a_i b_i e^{-b_i x}`,
    inverse marginal :math:`\ln(a_i b_i / \lambda) / b_i` (0 if negative).

    Parameters
    ----------
    a : array-like of float, shape (N,) or scalar
        Saturation level, >= 0.
    b : array-like of float, shape (N,) or scalar
        Rate, > 0. Broadcasts with ``a``.

    Examples
    --------
    >>> c = ExponentialResponse([100.0, 50.0], [0.1, 0.2])
    >>> c.size, c.value(np.array([10.0, 0.0])).round(2).tolist()
    (2, [63.21, 0.0])
    """

    a: FloatArray
    b: FloatArray

    def __init__(self, a: ArrayLike, b: ArrayLike) -> None:
        aa, bb = _curve_params(a, b)
        self.__attrs_init__(aa, bb)  # type: ignore[attr-defined]

    @property
    def size(self) -> int:
        """Number of accounts."""
        return int(self.a.shape[0])

    def value(self, x: FloatArray) -> FloatArray:
        """Return a (1 - exp(-b x))."""
        x = _effort(x, self.size)
        return -self.a * np.expm1(-self.b * x)

    def marginal(self, x: FloatArray) -> FloatArray:
        """Return a b exp(-b x)."""
        x = _effort(x, self.size)
        return self.a * self.b * np.exp(-self.b * x)

    def inverse_marginal(self, lam: float) -> FloatArray:
        """Return max(0, ln(a b / lam) / b) for lam > 0 (computed in logs: no overflow)."""
        with np.errstate(divide="ignore"):  # a = 0 gives log 0 = -inf, then effort 0
            log_ab = np.log(self.a * self.b)
        lam = as_float_scalar(lam, "lam", domain=POSITIVE)
        effort: FloatArray = np.maximum(log_ab - np.log(lam), 0.0) / self.b
        return effort


@attrs.frozen(eq=False, repr=False)
class LogResponse(FrozenArrays):
    r"""Unbounded diminishing response :math:`f_i(x) = a_i \ln(1 + b_i x)`.

    Marginal :math:`a_i b_i / (1 + b_i x)`, inverse marginal
    :math:`a_i / \lambda - 1 / b_i` (0 if negative).

    Parameters
    ----------
    a : array-like of float, shape (N,) or scalar
        Scale, >= 0 (currency).
    b : array-like of float, shape (N,) or scalar
        Rate, > 0 (per unit of effort). Broadcasts with ``a``.

    Examples
    --------
    >>> LogResponse([10.0], [1.0]).marginal(np.array([1.0])).tolist()
    [5.0]
    """

    a: FloatArray
    b: FloatArray

    def __init__(self, a: ArrayLike, b: ArrayLike) -> None:
        aa, bb = _curve_params(a, b)
        self.__attrs_init__(aa, bb)  # type: ignore[attr-defined]

    @property
    def size(self) -> int:
        """Number of accounts."""
        return int(self.a.shape[0])

    def value(self, x: FloatArray) -> FloatArray:
        """Return a ln(1 + b x)."""
        x = _effort(x, self.size)
        return self.a * np.log1p(self.b * x)

    def marginal(self, x: FloatArray) -> FloatArray:
        """Return a b / (1 + b x)."""
        x = _effort(x, self.size)
        return self.a * self.b / (1.0 + self.b * x)

    def inverse_marginal(self, lam: float) -> FloatArray:
        """Return max(0, a / lam - 1 / b) for lam > 0."""
        lam = as_float_scalar(lam, "lam", domain=POSITIVE)
        return np.maximum(self.a / lam - 1.0 / self.b, 0.0)


@attrs.frozen(eq=False, repr=False)
class Allocation(FrozenArrays):
    """An optimal effort allocation.

    Parameters
    ----------
    effort : ndarray of float64, shape (N,)
        Effort per account (units of the budget), >= ``minimum``.
    value : ndarray of float64, shape (N,)
        Lifetime profit gained per account, f_i(effort_i) (currency).
    total_value : float
        Sum of ``value``.
    shadow_price : float
        Lambda: extra total value per extra unit of budget at the optimum.
    budget : float
        The budget B.
    minimum : ndarray of float64, shape (N,)
        The minimum effort per account.
    method : str
        "kkt", "slsqp" or "equal".

    Examples
    --------
    >>> from kamcore.allocation import ExponentialResponse, allocate
    >>> res = allocate(ExponentialResponse([1000.0, 300.0], [0.1, 0.5]), 20.0)
    >>> res.effort.round(2).tolist(), round(res.total_value, 1)
    ([15.99, 4.01], 1057.5)
    """

    #: fields whose NaN is a documented "no value" marker
    _NAN_OK: ClassVar[tuple[str, ...]] = ()

    def __attrs_post_init__(self) -> None:
        check_fields(self, nan_ok=self._NAN_OK)

    effort: FloatArray
    value: FloatArray
    total_value: float
    shadow_price: float
    budget: float
    minimum: FloatArray
    method: str

    @property
    def spent(self) -> float:
        """Total effort allocated (<= budget; below it only when no account gains more)."""
        return float(self.effort.sum())

    def __len__(self) -> int:
        return int(self.effort.shape[0])


def service_minimums(grades: ArrayLike, standards: Mapping[str, float]) -> FloatArray:
    """Minimum effort per account from its grade's service standard.

    Parameters
    ----------
    grades : array-like of str, shape (N,)
        Each account's grade.
    standards : mapping of str to float
        Minimum effort per grade (>= 0), e.g. visits per year.

    Returns
    -------
    ndarray of float64, shape (N,)
        The minimum effort of each account, in the standards' unit.

    Raises
    ------
    UnknownNameError
        A grade without a standard.
    InvalidParameterError
        A negative or non-finite standard.

    Examples
    --------
    >>> service_minimums(["A", "C", "A"], {"A": 12, "B": 6, "C": 2}).tolist()
    [12.0, 2.0, 12.0]
    """
    try:
        g = np.asarray(grades)
    except (TypeError, ValueError) as exc:
        raise InvalidParameterError(f"'grades' must be a 1-D array of grades; {exc}") from None
    if g.ndim != 1:
        raise ShapeMismatchError(f"'grades' must be 1-D; got shape {g.shape}.")
    if not isinstance(standards, Mapping):
        raise InvalidParameterError(
            f"'standards' must be a mapping of grade -> minimum effort; got "
            f"{type(standards).__name__} {standards!r}."
        )
    keys = list(standards.keys())
    vals = as_float_array([standards[k] for k in keys], "standards", domain=NONNEGATIVE)
    uniq, inv = np.unique(g.astype(str), return_inverse=True)
    index = {str(k): i for i, k in enumerate(keys)}
    missing = [str(u) for u in uniq if str(u) not in index]
    if missing:
        raise UnknownNameError(
            f"'grades' must all have a service standard; no standard for {missing!r} "
            f"(standards cover {sorted(index)!r})."
        )
    lookup = np.array([index[str(u)] for u in uniq], dtype=np.int64)
    return vals[lookup[inv]] if g.size else np.empty(0, dtype=np.float64)


def _check_curve(curve: Any) -> int:
    if not isinstance(curve, ResponseCurve):
        raise InvalidParameterError(
            "'curve' must be a ResponseCurve (size, value(x), marginal(x)); "
            f"got {type(curve).__name__}."
        )
    n = curve.size
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise InvalidParameterError(f"'curve.size' must be a positive integer; got {n!r}.")
    return int(n)


def _prepare(curve: Any, budget: float, minimum: ArrayLike) -> tuple[int, float, FloatArray]:
    n = _check_curve(curve)
    B = as_float_scalar(budget, "budget", domain=NONNEGATIVE)
    m = as_float_array(minimum, "minimum", domain=NONNEGATIVE)
    if m.ndim == 0:
        m = np.full(n, float(m))
    elif m.shape != (n,):
        raise ShapeMismatchError(f"'minimum' must be a scalar or have shape ({n},); got {m.shape}.")
    need = float(m.sum())
    if need > B * (1.0 + 1e-12):
        raise InvalidParameterError(
            f"'budget' must cover the minimum service standards: they need {need:g} but the "
            f"budget is {B:g} (infeasible; raise the budget or lower the minimums)."
        )
    return n, B, m


def _checked(values: Any, name: str, n: int) -> FloatArray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.shape != (n,):
        raise ShapeMismatchError(f"'curve.{name}' must return shape ({n},); got {arr.shape}.")
    fail_where(~np.isfinite(arr), arr, f"curve.{name}", "be finite (no NaN or infinity)")
    return arr


def _effort_at(curve: Any, lam: float, m: FloatArray) -> FloatArray:
    """Return x_i(lambda) = max(m_i, (f_i')^{-1}(lambda)); lam > 0."""
    if isinstance(curve, InvertibleResponse):
        return np.maximum(m, curve.inverse_marginal(lam))
    # generic concave curve: vectorised bisection of f_i'(x) = lam on [m_i, hi_i]
    lo = m.copy()
    active = curve.marginal(lo) > lam
    if not active.any():
        return lo
    span = np.maximum(np.abs(lo), 1.0)
    hi = lo + span
    for _ in range(200):  # grow the bracket until f'(hi) <= lam everywhere
        grow = active & (curve.marginal(hi) > lam)
        if not grow.any():
            break
        hi = np.where(grow, lo + 2.0 * (hi - lo), hi)
    else:
        raise ConvergenceError(
            f"the marginal of 'curve' stays above lambda={lam:g} for ever: is it concave?"
        )
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        above = curve.marginal(mid) > lam
        lo = np.where(active & above, mid, lo)
        hi = np.where(active & ~above, mid, hi)
    return np.where(active, 0.5 * (lo + hi), m)


def _solve_kkt(curve: Any, B: float, m: FloatArray) -> tuple[FloatArray, float]:
    marg_min = _checked(curve.marginal(m), "marginal", m.shape[0])
    lam_hi = float(marg_min.max())
    free = B - float(m.sum())
    if free <= 0 or lam_hi <= 0:
        return m.copy(), max(lam_hi, 0.0)

    def excess(t: float) -> float:
        return float(_effort_at(curve, float(np.exp(t)), m).sum()) - B

    t_hi = float(np.log(lam_hi))
    if excess(t_hi) >= 0:
        # the free budget is below the rounding of the inverse marginal at lambda_max:
        # it all goes to the account with the highest marginal return.
        x = m.copy()
        x[int(np.argmax(marg_min))] += free
        return x, lam_hi
    t_floor = float(np.log(np.finfo(np.float64).tiny))
    t_lo = t_hi
    while True:
        t_lo = max(t_lo - 7.0, t_floor)  # about a factor 1000 per step
        if excess(t_lo) > 0:
            break
        if t_lo <= t_floor:
            # saturated curves: every marginal return underflows before the budget is
            # spent, so the value no longer depends on where the rest goes: spread it.
            x = _effort_at(curve, float(np.exp(t_floor)), m)
            return x + (B - float(x.sum())) / x.shape[0], 0.0
    try:
        t_star = optimize.brentq(excess, t_lo, t_hi, xtol=1e-13, rtol=4 * np.finfo(float).eps)
    except (RuntimeError, ValueError) as exc:  # pragma: no cover - bracket is checked above
        raise ConvergenceError(
            f"brentq did not converge: {exc}", optimizer_message=str(exc)
        ) from None
    lam = float(np.exp(t_star))
    x = _effort_at(curve, lam, m)
    # spend the rounding residual on the accounts above their minimum, pro rata
    residual = B - float(x.sum())
    slack = x - m
    total_slack = float(slack.sum())
    if total_slack > 0:
        x = np.maximum(x + residual * slack / total_slack, m)
    return x, lam


def _solve_slsqp(curve: Any, B: float, m: FloatArray) -> tuple[FloatArray, float]:
    n = m.shape[0]
    if n > SLSQP_MAX_SIZE:
        raise InvalidParameterError(
            f"'method' 'slsqp' is for small problems (n <= {SLSQP_MAX_SIZE}); got n = {n} "
            "(use method='kkt' for concave curves)."
        )
    free = B - float(m.sum())
    x0 = m + free / n
    v0 = _checked(curve.value(x0), "value", n)
    g0 = _checked(curve.marginal(x0), "marginal", n)
    scale = float(max(abs(float(v0.sum())), float(np.abs(g0).sum()) * max(free, 1.0) / n, 1e-300))

    def objective(x: FloatArray) -> float:
        total: float = -float(np.sum(curve.value(x))) / scale
        return total

    def gradient(x: FloatArray) -> FloatArray:
        grad: FloatArray = -np.asarray(curve.marginal(x), dtype=np.float64) / scale
        return grad

    with single_threaded_blas():  # small problem: BLAS thread wake-ups only cost time
        res = optimize.minimize(
            objective,
            x0,
            jac=gradient,
            method="SLSQP",
            bounds=optimize.Bounds(m, np.inf),
            constraints=[
                {
                    "type": "ineq",
                    "fun": lambda x: B - float(np.sum(x)),
                    "jac": lambda x: -np.ones(n),
                }
            ],
            options={"maxiter": 1000, "ftol": 1e-14},
        )
    if not res.success:
        raise ConvergenceError(
            f"SLSQP did not converge: {res.message}", optimizer_message=str(res.message)
        )
    x = np.maximum(np.asarray(res.x, dtype=np.float64), m)
    over = float(x.sum()) - B
    if over > 0:  # feasibility tolerance of SLSQP: trim pro rata above the minimums
        slack = x - m
        x = x - over * slack / float(slack.sum())
    marg = np.asarray(curve.marginal(x), dtype=np.float64)
    interior = x > m + 1e-6 * max(B, 1.0) / n
    lam = float(np.median(marg[interior])) if interior.any() else float(marg.max())
    return x, max(lam, 0.0)


def allocate(
    curve: ResponseCurve,
    budget: float,
    *,
    minimum: ArrayLike = 0.0,
    method: str = "kkt",
) -> Allocation:
    r"""Allocate a budget of service effort across accounts to maximise total lifetime profit.

    Parameters
    ----------
    curve : ResponseCurve
        Response curves of the N accounts (e.g. :class:`ExponentialResponse`).
        ``method="kkt"`` requires them increasing and concave.
    budget : float
        Total effort B >= 0 (the units of x).
    minimum : float or array-like of float, shape (N,)
        Minimum effort per account (service standard of its grade, see
        :func:`service_minimums`), >= 0.
    method : {"kkt", "slsqp"}
        ``"kkt"``: exact bisection on the Lagrange multiplier (any N);
        ``"slsqp"``: :func:`scipy.optimize.minimize` for arbitrary smooth
        curves, N <= 2000, local optimum.

    Returns
    -------
    Allocation
        Effort per account (summing to B unless no account gains from more),
        values, total value and the shadow price lambda.

    Raises
    ------
    InvalidParameterError
        Negative or non-finite budget or minimums, minimums that need more
        than the budget (infeasible), an unknown method, a non-curve.
    ShapeMismatchError
        ``minimum`` of the wrong length.
    ConvergenceError
        The optimiser failed (its message is attached).

    Examples
    --------
    Three accounts with different potential and responsiveness, 30 visits:

    >>> c = ExponentialResponse([1000.0, 300.0, 100.0], [0.1, 0.5, 0.05])
    >>> res = allocate(c, 30.0)
    >>> res.effort.round(3).tolist(), round(res.total_value, 1), round(res.shadow_price, 2)
    ([24.324, 5.676, 0.0], 1194.6, 8.78)
    >>> round(equal_split(c, 30.0).total_value, 1)
    969.4

    A grade standard of 10 visits for the third account:

    >>> allocate(c, 30.0, minimum=[0.0, 0.0, 10.0]).effort.round(3).tolist()
    [15.991, 4.009, 10.0]
    """
    check_in(method, "method", METHODS)
    _, B, m = _prepare(curve, budget, minimum)
    x, lam = _solve_kkt(curve, B, m) if method == "kkt" else _solve_slsqp(curve, B, m)
    value = _checked(curve.value(x), "value", x.shape[0])
    return _result(x, value, lam, B, m, method=method)


def equal_split(curve: ResponseCurve, budget: float, *, minimum: ArrayLike = 0.0) -> Allocation:
    """Baseline: each account gets its minimum plus an equal share of the rest of the budget.

    Same parameters and errors as :func:`allocate`; ``shadow_price`` is the
    mean marginal return at the split (not an optimum).

    Parameters
    ----------
    curve : ResponseCurve
        Response curves of the N accounts.
    budget : float
        Total effort B >= 0.
    minimum : float or array-like of float, shape (N,)
        Minimum effort per account, >= 0.

    Returns
    -------
    Allocation
        The equal split: ``minimum + (B - sum(minimum)) / N`` per account.

    Raises
    ------
    InvalidParameterError
        As :func:`allocate`: a negative or non-finite budget or minimum, or
        minimums that need more than the budget.
    ShapeMismatchError
        ``minimum`` of the wrong length.

    Examples
    --------
    >>> c = ExponentialResponse([1000.0, 300.0, 100.0], [0.1, 0.5, 0.05])
    >>> equal_split(c, 30.0).effort.tolist()
    [10.0, 10.0, 10.0]
    """
    n, B, m = _prepare(curve, budget, minimum)
    x = m + (B - float(m.sum())) / n
    value = _checked(curve.value(x), "value", n)
    lam = float(np.mean(_checked(curve.marginal(x), "marginal", n)))
    return _result(x, value, lam, B, m, method="equal")


def _result(
    x: FloatArray, value: FloatArray, lam: float, B: float, m: FloatArray, *, method: str
) -> Allocation:
    def ro(a: NDArray[Any]) -> FloatArray:
        out = np.array(a, dtype=np.float64, copy=True)
        out = readonly(out)
        return out

    return Allocation(
        effort=ro(x),
        value=ro(value),
        total_value=float(value.sum()),
        shadow_price=float(lam),
        budget=B,
        minimum=ro(m),
        method=method,
    )
