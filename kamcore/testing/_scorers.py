"""Scorer conformance check: what every scoring strategy must guarantee.

:func:`check_scorer` runs a scorer on a portfolio (by default
:func:`example_portfolio`, which has every column the built-in strategies read
by default) and asserts that it

1. returns a :class:`~kamcore.scoring.ScoreResult` with the portfolio's ids in
   order, float64 scores of shape (N,) without NaN, grade/class codes of shape
   (N,) when present, and records the scorer's name, parameters and as-of date;
2. is deterministic (two runs give equal results);
3. does not mutate its input (every column compared before and after);
4. handles an empty portfolio (an empty result, not an error);
5. is permutation-equivariant (scoring shuffled rows gives the shuffled result);
6. is chunk-invariant: the scorer, or for population-relative strategies the
   scorer returned by its ``freeze(portfolio)`` (which must reproduce the full
   result), scores each chunk exactly as in the whole portfolio.

A failure raises :class:`AssertionError` naming the property.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import numpy as np

from kamcore._portfolio import CUSTOMER_FACT_COLUMNS, Portfolio
from kamcore.errors import InvalidParameterError
from kamcore.scoring import Scorer, ScoreResult

#: the largest example portfolio (a test helper, not a data generator)
_MAX_ROWS = 10_000_000

__all__ = ["check_scorer", "example_portfolio"]

_AS_OF = dt.date(2025, 6, 30)


def example_portfolio(n: int = 64, *, rng: np.random.Generator | None = None) -> Portfolio:
    """Return a synthetic portfolio with every column the built-in scorers read.

    Columns: the rubric's money figures and level codes (1..4), ``recency``
    (days), ``frequency``, ``monetary``, ``margin``, ``retention`` (0..0.95),
    and the churn signals (``order_volume_change``, ``order_cycle_change``,
    ``sow_change``, ``satisfaction_gap``, ``complaints``, ``days_late``). Values
    are drawn on coarse grids so that ties occur.

    Parameters
    ----------
    n : int
        Number of accounts, in [0, 10,000,000].
    rng : numpy.random.Generator, optional
        Source of randomness; a fixed seed when None (deterministic).

    Returns
    -------
    Portfolio
        ``n`` accounts with ids ``"acct-00000"``, ``"acct-00001"``, ...

    Raises
    ------
    InvalidParameterError
        ``n`` is not an integer in [0, 10,000,000] (a bool is refused), or
        ``rng`` is not a ``numpy.random.Generator``.

    Examples
    --------
    >>> p = example_portfolio(8)
    >>> len(p), {"margin", "retention", "days_late"} <= set(p.column_names)
    (8, True)
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 0 <= n <= _MAX_ROWS:
        raise InvalidParameterError(f"'n' must be an integer in [0, {_MAX_ROWS}]; got {n!r}.")
    if rng is not None and not isinstance(rng, np.random.Generator):
        raise InvalidParameterError(
            f"'rng' must be a numpy.random.Generator or None; got {type(rng).__name__} {rng!r}."
        )
    g = rng if rng is not None else np.random.default_rng(20250630)
    ids = np.array([f"acct-{i:05d}" for i in range(n)])
    cols: dict[str, Any] = {
        "profit_last_year": g.choice([0.0, 20e3, 30e3, 60e3, 100e3, 250e3, 300e3, 500e3], n),
        "sales_last_year": g.choice([0.0, 40e3, 50e3, 200e3, 500e3, 800e3, 1e6, 3e6], n),
        "expected_sales": g.choice([10e3, 50e3, 300e3, 500e3, 900e3, 1e6, 2e6], n),
    }
    for c in CUSTOMER_FACT_COLUMNS:
        cols[c] = g.integers(1, 5, n).astype(np.int8)
    cols.update(
        {
            "recency": g.integers(0, 12, n).astype(np.float64) * 30.0,
            "frequency": g.integers(0, 15, n).astype(np.float64),
            "monetary": np.round(g.gamma(2.0, 500.0, n), -1),
            "margin": np.round(g.normal(1000.0, 800.0, n), -1),
            "retention": np.round(g.uniform(0.0, 0.95, n), 2),
            "order_volume_change": np.round(g.normal(0.0, 0.2, n), 2),
            "order_cycle_change": np.round(g.normal(0.0, 0.3, n), 2),
            "sow_change": np.round(g.normal(0.0, 0.1, n), 2),
            "satisfaction_gap": np.round(g.normal(0.0, 1.0, n), 1),
            "complaints": g.poisson(0.5, n),
            "days_late": g.integers(0, 60, n).astype(np.float64),
        }
    )
    return Portfolio.from_columns(ids, cols, currencies={"profit_last_year": "CNY"})


def _fail(scorer: Scorer, what: str) -> AssertionError:
    return AssertionError(f"scorer {getattr(scorer, 'name', scorer)!r}: {what}")


def _check_shape(scorer: Scorer, result: Any, portfolio: Portfolio, as_of: dt.date) -> None:
    if not isinstance(result, ScoreResult):
        raise _fail(scorer, f"score() must return a ScoreResult; got {type(result).__name__}.")
    n = len(portfolio)
    if not np.array_equal(result.ids, portfolio.ids):
        raise _fail(scorer, "result ids must be the portfolio's ids, in order.")
    if result.scores.dtype != np.float64 or result.scores.shape != (n,):
        raise _fail(
            scorer,
            f"scores must be float64 of shape ({n},); got {result.scores.dtype} "
            f"{result.scores.shape}.",
        )
    if np.isnan(result.scores).any():
        raise _fail(scorer, "scores must not be NaN.")
    for codes in (result.grade_codes, result.class_codes):
        if codes is not None and codes.shape != (n,):
            raise _fail(scorer, f"grade/class codes must have shape ({n},); got {codes.shape}.")
    if result.strategy != scorer.name:
        raise _fail(scorer, f"result strategy {result.strategy!r} != scorer name.")
    if result.as_of != as_of:
        raise _fail(scorer, f"result as_of {result.as_of} != requested {as_of}.")
    if dict(result.params).keys() != dict(scorer.params).keys():
        raise _fail(scorer, "result params must record the scorer's parameters.")


def _same_rows(scorer: Scorer, got: ScoreResult, want: ScoreResult, rows: Any, what: str) -> None:
    if not np.array_equal(got.ids, want.ids[rows]):
        raise _fail(scorer, f"{what}: ids out of order.")
    ws = want.scores[rows]
    same = (got.scores == ws) | np.isclose(got.scores, ws, rtol=1e-12, atol=0.0)
    if not same.all():
        i = int(np.flatnonzero(~same)[0])
        raise _fail(
            scorer, f"{what}: score of {got.ids[i]!r} is {got.scores[i]!r}, expected {ws[i]!r}."
        )
    for label, a, b in (
        ("grades", got.grades, want.grades),
        ("classes", got.classes, want.classes),
    ):
        if (a is None) != (b is None):
            raise _fail(scorer, f"{what}: {label} present in one result only.")
        if a is not None and b is not None and not np.array_equal(a, b[rows]):
            i = int(np.flatnonzero(a != b[rows])[0])
            raise _fail(
                scorer,
                f"{what}: {label[:-1]} of {got.ids[i]!r} is {a[i]!r}, expected {b[rows][i]!r}.",
            )


def check_scorer(scorer: Scorer, portfolio: Portfolio | None = None, *, chunks: int = 3) -> None:
    """Assert that ``scorer`` meets the scorer contract (see the module docstring).

    Parameters
    ----------
    scorer : Scorer
        The strategy to check.
    portfolio : Portfolio, optional
        Accounts to score (at least 2 for the permutation and chunk checks);
        :func:`example_portfolio` when None.
    chunks : int
        Number of chunks for the chunk-invariance check.

    Raises
    ------
    AssertionError
        Naming the first property that fails.

    Examples
    --------
    >>> from kamcore.scoring import get_scorer
    >>> check_scorer(get_scorer("pareto"))
    """
    if not isinstance(scorer, Scorer):  # a failed property, like every other: AssertionError
        raise AssertionError(
            f"{scorer!r} lacks the Scorer protocol (name, params, score(portfolio, *, as_of))."
        )
    if portfolio is not None and not isinstance(portfolio, Portfolio):
        raise InvalidParameterError(
            f"'portfolio' must be a kamcore.Portfolio or None; got {type(portfolio).__name__}."
        )
    if isinstance(chunks, bool) or not isinstance(chunks, (int, np.integer)) or chunks < 1:
        raise InvalidParameterError(f"'chunks' must be an integer >= 1; got {chunks!r}.")
    p = example_portfolio() if portfolio is None else portfolio
    n = len(p)
    before = {name: np.array(p[name], copy=True) for name in p.column_names}
    ids_before = np.array(p.ids, copy=True)

    first = scorer.score(p, as_of=_AS_OF)
    _check_shape(scorer, first, p, _AS_OF)
    second = scorer.score(p, as_of=_AS_OF)
    if first != second:
        raise _fail(scorer, "two runs on the same portfolio must give equal results.")

    if not np.array_equal(p.ids, ids_before):
        raise _fail(scorer, "the portfolio's ids were mutated.")
    for name, col in before.items():
        equal_nan = col.dtype.kind in "fM"
        if not np.array_equal(p[name], col, equal_nan=equal_nan):
            raise _fail(scorer, f"the portfolio's column {name!r} was mutated.")

    empty = p.take(np.empty(0, dtype=np.int64))
    try:
        res_empty = scorer.score(empty, as_of=_AS_OF)
    except Exception as exc:
        raise _fail(
            scorer, f"an empty portfolio must give an empty result; raised {exc!r}."
        ) from exc
    _check_shape(scorer, res_empty, empty, _AS_OF)

    if n < 2:
        return
    for perm in (np.arange(n)[::-1], np.random.default_rng(7).permutation(n)):
        shuffled = scorer.score(p.take(perm), as_of=_AS_OF)
        _check_shape(scorer, shuffled, p.take(perm), _AS_OF)
        _same_rows(scorer, shuffled, first, perm, "permutation equivariance")

    freeze = getattr(scorer, "freeze", None)
    fixed: Scorer = freeze(p) if callable(freeze) else scorer
    if fixed is not scorer:
        _same_rows(scorer, fixed.score(p, as_of=_AS_OF), first, slice(None), "freeze(portfolio)")
    bounds = np.linspace(0, n, min(chunks, n) + 1).astype(np.int64)
    for lo, hi in itertools.pairwise(bounds.tolist()):
        rows = np.arange(lo, hi)
        part = fixed.score(p.take(rows), as_of=_AS_OF)
        _same_rows(scorer, part, first, rows, f"chunk invariance (rows {lo}:{hi})")
