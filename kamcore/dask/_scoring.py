"""Scorers on Dask frames: a global pass for portfolio-wide cut-offs, then one per partition.

A scorer that classes accounts against the whole portfolio (Pareto shares,
pyramid tiers, RFM quintiles, the value classes and quadrants) has a
``freeze(portfolio)`` method that fixes those cut-offs. Here the first,
distributed pass validates each partition as a portfolio and brings to the
client only the columns the scorer reads (one float per customer and
column); ``freeze`` runs there on them. The second pass scores every
partition with the frozen scorer. In memory, ``score`` computes the same
cut-offs from the same sorted values and applies them the same way, so the
per-customer scores, grades and classes are identical.

Row-wise scorers (rubric, CLP, churn risk) have no ``freeze``: they run on
each partition as they are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, Final

import numpy as np

from kamcore._portfolio import Portfolio
from kamcore.dask._schema import check_frame, check_schema, pandas
from kamcore.errors import InvalidParameterError
from kamcore.io.frames import from_frame
from kamcore.scoring import (
    ParetoScorer,
    PyramidScorer,
    RFMScorer,
    ValueClassScorer,
    ValueMatrixScorer,
)
from kamcore.scoring._base import DateLike, resolve_as_of

__all__ = ["freeze", "score", "to_parquet"]

#: built-in scorers with portfolio-wide cut-offs -> the fields naming the columns they read
GLOBAL_COLUMNS: Final[Mapping[type, tuple[str, ...]]] = {
    ParetoScorer: ("column",),
    PyramidScorer: ("column",),
    RFMScorer: ("recency", "frequency", "monetary"),
    ValueClassScorer: ("current", "potential"),
    ValueMatrixScorer: ("current", "potential"),
}


def _portfolio(
    pdf: Any, id_column: str, nullable: frozenset[str], currencies: Mapping[str, str] | None
) -> Portfolio:
    keep = [id_column, *(c for c in pdf.columns if c != id_column)]
    cur = None if currencies is None else {k: v for k, v in currencies.items() if k in keep}
    null = [c for c in nullable if c in keep]
    return from_frame(pdf[keep], id_column=id_column, currencies=cur, nullable=null)


def _needed(scorer: Any, frame: Any, id_column: str) -> list[str]:
    fields = GLOBAL_COLUMNS.get(type(scorer))
    names = [str(c) for c in frame.columns if str(c) != id_column]
    if fields is None:
        return names  # a third-party scorer with freeze: every column may matter
    return list(dict.fromkeys(getattr(scorer, f) for f in fields))


def _columns_part(
    pdf: Any,
    id_column: str,
    columns: list[str],
    nullable: frozenset[str],
    currencies: Mapping[str, str] | None,
) -> Any:
    """First pass: the partition validated as a portfolio; the scorer's columns as read."""
    p = _portfolio(pdf[[id_column, *columns]], id_column, nullable, currencies)
    return pandas().DataFrame({c: p.column(c) for c in columns})


def _check_common(
    scorer: Any, frame: Any, id_column: str, nullable: Iterable[str], caller: str
) -> frozenset[str]:
    check_frame(frame)
    if not callable(getattr(scorer, "score", None)):
        raise InvalidParameterError(
            f"{caller}: 'scorer' must be a kamcore scorer (get_scorer(name, ...)); got {scorer!r}."
        )
    check_schema(frame, {"id_column": (id_column, "id")}, caller=caller)
    null = frozenset([nullable] if isinstance(nullable, str) else nullable)
    names = {str(c) for c in frame.columns}
    for c in sorted(null - names):
        check_schema(frame, {"nullable": (c, "number")}, caller=caller)
    return null


def freeze(
    scorer: Any,
    frame: Any,
    *,
    as_of: DateLike | None = None,
    id_column: str = "customer_id",
    nullable: Iterable[str] = (),
    currencies: Mapping[str, str] | None = None,
) -> Any:
    """Return ``scorer`` with its portfolio-wide cut-offs fixed from a Dask frame.

    The first pass of :func:`score`: each partition is validated as a
    portfolio (:func:`kamcore.io.frames.from_frame`) and only the columns
    the scorer reads come to the client (8 bytes per customer and column),
    where the scorer's own ``freeze`` fixes the thresholds, edges or cut
    points. A scorer without ``freeze`` (row-wise: rubric, CLP, churn risk)
    is returned as it is, with no pass.

    Parameters
    ----------
    scorer
        A scorer (:func:`kamcore.scoring.get_scorer`).
    frame : dask.dataframe.DataFrame
        One row per customer.
    as_of : date, optional
        The scoring date (RFM counts days since a last-purchase date to it);
        default today.
    id_column : str
        The customer id column.
    nullable : iterable of str
        Columns that may hold NaN (not recorded), as in ``from_frame``.
    currencies : mapping, optional
        Currency of money columns, as in ``from_frame``.

    Returns
    -------
    scorer
        The frozen scorer (e.g. ``ParetoScorer(thresholds=...)``).

    Raises
    ------
    InvalidParameterError
        ``frame`` is not a Dask DataFrame or ``scorer`` is not a kamcore scorer;
        whatever the scorer's ``freeze`` or
        :func:`kamcore.io.frames.from_frame` raises for the rows.
    UnknownNameError, SchemaError
        The id column or a column the scorer reads missing from the frame or
        of the wrong dtype (checked on ``meta``, before anything is computed).
    MissingOptionalDependencyError
        dask (or pandas) is not installed (``pip install 'kamcore[dask]'``).

    Examples
    --------
    >>> import dask.dataframe as dd, pandas as pd
    >>> from kamcore.scoring import ParetoScorer
    >>> p = pd.DataFrame({"customer_id": list("abcdef"), "sales": [50.0, 20, 10, 10, 6, 4]})
    >>> freeze(ParetoScorer(column="sales"), dd.from_pandas(p, npartitions=3)).thresholds
    (10.0, 6.0)
    """
    caller = "kamcore.dask.freeze"
    null = _check_common(scorer, frame, id_column, nullable, caller)
    if not callable(getattr(scorer, "freeze", None)):
        return scorer
    columns = _needed(scorer, frame, id_column)
    dated = scorer.recency if isinstance(scorer, RFMScorer) else None  # days or last date
    check_schema(frame, {c: (c, "number") for c in columns if c != dated}, caller=caller)
    if isinstance(scorer, RFMScorer):
        _check_recency(frame, scorer.recency, caller)
    day = resolve_as_of(as_of)
    meta = _columns_part(frame._meta, id_column, columns, null, currencies)
    values = (
        frame[[id_column, *columns]]
        .map_partitions(_columns_part, id_column, columns, null, currencies, meta=meta)
        .compute()
    )
    cols = {c: values[c].to_numpy() for c in columns}
    n = len(values)
    # ids play no part in a freeze: one shared placeholder, not N strings on the client
    ids = np.broadcast_to(np.array([""]), (n,))
    portfolio = Portfolio._trusted(ids, cols, dict(currencies or {}), null & set(columns))
    return scorer.freeze(portfolio, as_of=day)


def _check_recency(frame: Any, column: str, caller: str) -> None:
    pd = pandas()
    names = {str(c) for c in frame.columns}
    if column in names and pd.api.types.is_datetime64_dtype(frame.dtypes[column]):
        return
    check_schema(frame, {"recency": (column, "number")}, caller=caller)


def _score_part(
    pdf: Any,
    *,
    scorer: Any,
    day: dt.date,
    id_column: str,
    nullable: frozenset[str],
    currencies: Mapping[str, str] | None,
) -> Any:
    result = scorer.score(_portfolio(pdf, id_column, nullable, currencies), as_of=day)
    out = result.to_frame("pandas", id_column=id_column).set_axis(pdf.index)
    out[id_column] = pdf[id_column]  # the ids in their partition order, with their dtype
    return out


def score(
    scorer: Any,
    frame: Any,
    *,
    as_of: DateLike | None = None,
    id_column: str = "customer_id",
    nullable: Iterable[str] = (),
    currencies: Mapping[str, str] | None = None,
) -> Any:
    """Score every customer of a Dask frame; a Dask DataFrame of scores, grades and classes.

    Two passes for scorers with portfolio-wide cut-offs (Pareto shares,
    pyramid tiers, RFM quintiles, value classes and quadrants): :func:`freeze`
    computes them, then every partition is scored with the frozen scorer.
    Row-wise scorers run on each partition directly. Scores, grades and
    classes equal the in-memory ``scorer.score(portfolio)`` on all customers;
    the portfolio-wide extras (Lorenz curve, Gini) are not per customer and
    are not part of the result -- the frozen scorer holds the cut-offs used.

    Parameters
    ----------
    scorer
        A scorer (:func:`kamcore.scoring.get_scorer`).
    frame : dask.dataframe.DataFrame
        One row per customer with the columns the scorer reads.
    as_of : date, optional
        The scoring date, the same on every partition; default today.
    id_column : str
        The customer id column.
    nullable : iterable of str
        Columns that may hold NaN (not recorded).
    currencies : mapping, optional
        Currency of money columns (rubric band factors check it).

    Returns
    -------
    dask.dataframe.DataFrame
        ``ScoreResult.to_frame()`` per partition: ``id_column``, ``scores``,
        then ``grades`` and/or ``classes`` when the scorer gives them.

    Raises
    ------
    UnknownNameError, SchemaError
        A column the scorer reads missing or of the wrong dtype (checked
        on ``meta`` before anything is computed).

    Examples
    --------
    >>> import dask.dataframe as dd, pandas as pd
    >>> from kamcore.scoring import ParetoScorer
    >>> p = pd.DataFrame({"customer_id": list("abcdef"), "sales": [50.0, 20, 10, 10, 6, 4]})
    >>> out = score(ParetoScorer(column="sales"), dd.from_pandas(p, npartitions=3),
    ...             as_of="2025-01-01")
    >>> out.compute(scheduler="threads")["classes"].tolist()
    ['A', 'A', 'A', 'A', 'B', 'C']
    """
    caller = "kamcore.dask.score"
    null = _check_common(scorer, frame, id_column, nullable, caller)
    day = resolve_as_of(as_of)
    frozen = freeze(
        scorer, frame, as_of=day, id_column=id_column, nullable=null, currencies=currencies
    )
    kw = {
        "scorer": frozen,
        "day": day,
        "id_column": id_column,
        "nullable": null,
        "currencies": currencies,
    }
    meta = _score_part(frame._meta, **kw)
    return frame.map_partitions(_score_part, **kw, meta=meta, enforce_metadata=False)


def to_parquet(frame: Any, path: Any, *, id_column: str = "customer_id", **options: Any) -> None:
    """Write a per-customer Dask frame to Parquet, keyed by its customer id column.

    The id column is written first and the frame index is never written,
    so the files read back with the id as an ordinary column (one file per
    partition; ``dask.dataframe.read_parquet`` or pandas read them).

    Parameters
    ----------
    frame : dask.dataframe.DataFrame
        A result of this module (summary, predictions, CLP, scores), or
        several joined on the id column.
    path : str or path-like
        Target directory (any fsspec URL Dask accepts).
    id_column : str
        The customer id column.
    **options
        Passed to ``DataFrame.to_parquet`` (``compression``, ``overwrite``...).

    Raises
    ------
    InvalidParameterError
        ``frame`` is not a Dask DataFrame or ``write_index`` is given in
        ``options``.
    UnknownNameError, SchemaError
        The id column missing from the frame or not an id column (checked on
        ``meta``, before anything is written).
    MissingOptionalDependencyError
        dask (or pandas) is not installed (``pip install 'kamcore[dask]'``).

    Examples
    --------
    >>> import tempfile
    >>> import dask.dataframe as dd, pandas as pd
    >>> s = pd.DataFrame({"customer_id": ["a", "b", "c"], "clp": [71.9, 1.6, 12.0]})
    >>> folder = tempfile.mkdtemp()
    >>> frame = dd.from_pandas(s, npartitions=2)
    >>> to_parquet(frame, folder, compute_kwargs={"scheduler": "synchronous"})
    >>> back = pd.read_parquet(folder)
    >>> back.sort_values("customer_id").to_numpy().tolist()
    [['a', 71.9], ['b', 1.6], ['c', 12.0]]
    """
    caller = "kamcore.dask.to_parquet"
    check_frame(frame)
    check_schema(frame, {"id_column": (id_column, "id")}, caller=caller)
    if "write_index" in options:
        raise InvalidParameterError(
            f"{caller}: results are keyed by the {id_column!r} column; the frame index is "
            "never written (drop write_index=)."
        )
    cols = [id_column, *(c for c in frame.columns if c != id_column)]
    frame[cols].to_parquet(path, write_index=False, **options)
