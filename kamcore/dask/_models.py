"""Repeat-buying models on Dask frames: the unique-history table, fits, predictions, CLP.

Fitting: every kamcore model collapses identical histories into weighted
unique rows before it maximises the likelihood (``collapse=True``, the
default). Here that collapse runs distributed -- a groupby-count over the
history columns -- and only the table of unique histories with their counts
comes to the client, where the model's own ``fit(..., weights=counts)``
runs. The driver collapses again and finds the same unique rows and the same
integer weights as on the concatenated data, so the estimates are identical.

Predictions and lifetime profit run partition by partition: each partition
calls the fitted model (which pickles to the workers) on its rows.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

import numpy as np

from kamcore.clp import customer_lifetime_profit
from kamcore.dask._schema import check_frame, check_schema
from kamcore.errors import InvalidParameterError

__all__ = ["DATA_COLUMNS", "fit", "history_table", "lifetime_profit", "predict"]

#: model argument -> the column of a kamcore summary frame that holds it by default
DATA_COLUMNS: Final[Mapping[str, str]] = {
    "frequency": "frequency",
    "recency": "recency",
    "T": "T",
    "average_spend": "monetary_value",
    "durations": "durations",
    "censored": "censored",
}

#: the column of weights in :func:`history_table`
WEIGHT: Final = "weight"


def _data_arguments(
    function: Callable[..., Any],
    frame: Any,
    columns: Mapping[str, str] | None,
    *,
    caller: str,
    skip: Sequence[str] = (),
) -> dict[str, str]:
    """Map the data arguments of ``function`` to frame columns.

    A keyword argument is data when ``columns`` names it or it is one of
    :data:`DATA_COLUMNS`; an optional one is read only when its column exists.
    """
    given = dict(columns or {})
    params = inspect.signature(function).parameters
    unknown = sorted(set(given) - set(params))
    if unknown:
        raise InvalidParameterError(
            f"{caller}: 'columns' names arguments that {function.__qualname__} does not take: "
            f"{unknown}; it takes {sorted(p for p in params if p != 'self')}."
        )
    names = {str(c) for c in frame.columns}
    out: dict[str, str] = {}
    for name, p in params.items():
        if name in skip:
            continue
        if name in given:
            out[name] = given[name]
        elif name in DATA_COLUMNS and (
            p.default is inspect.Parameter.empty or DATA_COLUMNS[name] in names
        ):
            out[name] = DATA_COLUMNS[name]
    if not out:
        raise InvalidParameterError(
            f"{caller}: {function.__qualname__} reads no customer column; name its data "
            "arguments with columns={argument: column}."
        )
    check_schema(frame, {k: (v, "number") for k, v in out.items()}, caller=caller)
    return out


def _round(pdf: Any, decimals: int) -> Any:
    floats = [c for c in pdf.columns if pdf[c].dtype.kind == "f"]
    return pdf.assign(**{c: pdf[c].round(decimals) for c in floats})


def history_table(
    frame: Any,
    columns: Sequence[str] = ("frequency", "recency", "T"),
    *,
    weights: str | None = None,
    decimals: int | None = None,
) -> Any:
    """Return the weighted table of unique histories of a Dask frame, computed.

    A distributed groupby over ``columns`` (NaN kept as its own key, so the
    model's validator sees it) counts each distinct history -- or sums the
    ``weights`` column -- and only the table comes back: one row per
    distinct history, however many customers share it.

    Parameters
    ----------
    frame : dask.dataframe.DataFrame
        One row per customer (e.g. from :func:`kamcore.dask.summarize_transactions`).
    columns : sequence of str
        The history columns; default frequency, recency and T.
    weights : str, optional
        A column of per-customer weights to sum instead of counting rows.
    decimals : int, optional
        Round float columns to this many decimals first, so that histories
        that differ by less merge (fewer rows, a coarser fit). Default: exact
        histories, which gives the in-memory estimates exactly.

    Returns
    -------
    pandas.DataFrame
        The history columns plus ``weight`` (float64), sorted by the history.

    Raises
    ------
    InvalidParameterError
        ``frame`` is not a Dask DataFrame, ``columns`` are not distinct column names,
        or ``decimals`` is not an int or None.
    UnknownNameError, SchemaError
        A history or weights column missing from the frame or not numeric
        (checked on ``meta``, before anything is computed).
    MissingOptionalDependencyError
        dask (or pandas) is not installed (``pip install 'kamcore[dask]'``).

    Examples
    --------
    >>> import dask.dataframe as dd, pandas as pd
    >>> s = pd.DataFrame({"frequency": [0, 2, 0, 2], "recency": [0.0, 5.0, 0.0, 5.0],
    ...                   "T": [10.0, 10.0, 10.0, 10.0]})
    >>> table = history_table(dd.from_pandas(s, npartitions=2))
    >>> table.to_numpy().tolist()
    [[0.0, 0.0, 10.0, 2.0], [2.0, 5.0, 10.0, 2.0]]
    """
    caller = "kamcore.dask.history_table"
    check_frame(frame)
    cols = list(columns)
    if not cols or any(not isinstance(c, str) for c in cols) or len(set(cols)) != len(cols):
        raise InvalidParameterError(
            f"{caller}: 'columns' must be distinct column names; got {columns!r}."
        )
    schema = {c: (c, "number") for c in cols}
    if weights is not None:
        schema["weights"] = (weights, "number")
    check_schema(frame, schema, caller=caller)
    if decimals is not None and (isinstance(decimals, bool) or not isinstance(decimals, int)):
        raise InvalidParameterError(f"'decimals' must be an int or None; got {decimals!r}.")
    sel = frame[[*cols, weights] if weights is not None else cols]
    if decimals is not None:
        sel = sel.map_partitions(_round, decimals)
    grouped = sel.groupby(cols, dropna=False, sort=False)
    counts = grouped[weights].sum() if weights is not None else grouped.size()
    table = counts.compute().rename(WEIGHT).reset_index()
    table[WEIGHT] = table[WEIGHT].astype(np.float64)
    return table.sort_values(cols, kind="stable").reset_index(drop=True)


def fit(
    model: Any,
    frame: Any,
    *,
    columns: Mapping[str, str] | None = None,
    weights: str | None = None,
    decimals: int | None = None,
    **fit_options: Any,
) -> Any:
    """Fit a model class on the unique histories of a Dask frame; return the fitted model.

    :func:`history_table` counts the distinct histories distributed; the
    model's own ``fit`` then runs on the client with those counts as
    ``weights``. Its maximum-likelihood driver collapses identical rows
    again and so sees exactly the unique rows and integer weights it would
    build from the concatenated data: the estimates and the fit report equal
    the in-memory fit's (with ``decimals=None``).

    Parameters
    ----------
    model : type
        Any model class whose ``fit`` classmethod takes ``weights=``:
        :class:`~kamcore.clp.BetaGeo`, :class:`~kamcore.clp.ModifiedBetaGeo`,
        :class:`~kamcore.clp.ParetoNBD`, :class:`~kamcore.clp.BetaGeoBetaBinom`
        (frequency, recency, T), :class:`~kamcore.clp.GammaGamma` (frequency,
        average spend from ``monetary_value``),
        :class:`~kamcore.clp.ShiftedBetaGeometric` (durations, censored), or
        a third-party class.
    frame : dask.dataframe.DataFrame
        One row per customer, e.g. :func:`summarize_transactions`.
    columns : mapping, optional
        ``fit`` argument -> column, for data arguments whose column is not
        the default (``frequency``, ``recency``, ``T``, ``average_spend`` ->
        ``monetary_value``, ``durations``, ``censored``).
    weights : str, optional
        A column of per-customer weights (summed per history).
    decimals : int, optional
        Round float histories first (see :func:`history_table`).
    **fit_options
        Passed to ``fit`` (``penalizer``, ``method``, ``exclude_zero_frequency``...).

    Returns
    -------
    model
        The fitted model, with ``.fit_report``.

    Raises
    ------
    InvalidParameterError
        A ``model`` that is not a class with ``fit(weights=)``, data
        arguments given in ``fit_options``; whatever the model's ``fit`` raises.
    UnknownNameError, SchemaError
        A history column missing or not numeric (checked on ``meta``).

    Examples
    --------
    >>> import dask.dataframe as dd, pandas as pd
    >>> from kamcore.clp import BetaGeo
    >>> from kamcore.data import load_cdnow
    >>> summary = load_cdnow(kind="summary", sample=True)
    >>> cols = {c: summary.column(c) for c in ("frequency", "recency", "T")}
    >>> frame = dd.from_pandas(pd.DataFrame(cols), npartitions=4)
    >>> model = fit(BetaGeo, frame)
    >>> model.params == BetaGeo.fit(**cols).params
    True
    """
    caller = "kamcore.dask.fit"
    check_frame(frame)
    fitter = getattr(model, "fit", None)
    if not inspect.isclass(model) or not callable(fitter):
        raise InvalidParameterError(
            f"{caller}: 'model' must be a model class with a fit classmethod (e.g. "
            f"kamcore.clp.BetaGeo); got {model!r}."
        )
    if "weights" not in inspect.signature(fitter).parameters:
        raise InvalidParameterError(
            f"{caller}: {model.__name__}.fit takes no 'weights', so it cannot be fitted from "
            "weighted unique histories."
        )
    clash = sorted(set(fit_options) & ({"weights"} | set(DATA_COLUMNS) | set(columns or {})))
    if clash:
        raise InvalidParameterError(
            f"{caller}: {clash} come from the frame; name their columns with columns= or "
            "weights= instead."
        )
    data = _data_arguments(fitter, frame, columns, caller=caller, skip=("weights",))
    table = history_table(
        frame, list(dict.fromkeys(data.values())), weights=weights, decimals=decimals
    )
    arrays = {arg: table[col].to_numpy() for arg, col in data.items()}
    return fitter(**arrays, weights=table[WEIGHT].to_numpy(), **fit_options)


# ------------------------------------------------------------------ per partition
def _check_id(frame: Any, id_column: str, caller: str) -> None:
    check_schema(frame, {"id_column": (id_column, "id")}, caller=caller)


def _predict_part(
    pdf: Any,
    *,
    model: Any,
    method: str,
    data: Mapping[str, str],
    options: Mapping[str, Any],
    id_column: str,
    name: str,
) -> Any:
    if len(pdf) == 0:
        values = np.empty(0)
    else:
        args = {arg: pdf[col].to_numpy() for arg, col in data.items()}
        values = np.asarray(getattr(model, method)(**args, **options), dtype=np.float64)
    return pdf[[id_column]].assign(**{name: values})  # the id column as it came


def predict(
    model: Any,
    frame: Any,
    method: str,
    *,
    columns: Mapping[str, str] | None = None,
    id_column: str = "customer_id",
    name: str | None = None,
    **options: Any,
) -> Any:
    """Apply a fitted model's prediction method to every partition; a Dask DataFrame.

    Each partition calls ``getattr(model, method)`` on its rows (the model
    pickles to the workers); the values equal the in-memory call's.

    Parameters
    ----------
    model
        A fitted (or parameter-given) model.
    frame : dask.dataframe.DataFrame
        One row per customer, e.g. :func:`summarize_transactions`.
    method : str
        The method to call, e.g. ``"expected_purchases"``, ``"probability_alive"``,
        ``"conditional_expected_average_spend"``.
    columns : mapping, optional
        Method argument -> column, when not the default names (as in :func:`fit`).
    id_column : str
        The customer id column, kept in the result.
    name : str, optional
        Name of the result column; default ``method``.
    **options
        Other arguments of the method, the same for every customer (``t=52``).

    Returns
    -------
    dask.dataframe.DataFrame
        Columns ``id_column`` and ``name`` (float64).

    Raises
    ------
    InvalidParameterError
        ``frame`` is not a Dask DataFrame, ``method`` is not a public method of
        ``model`` (or ``model`` is a class), or ``name`` clashes with the id
        column; on compute, whatever the method raises for a partition's rows.
    UnknownNameError, SchemaError
        The id column or a column the method reads missing from the frame or
        of the wrong dtype (checked on ``meta``, before anything is computed).
    MissingOptionalDependencyError
        dask (or pandas) is not installed (``pip install 'kamcore[dask]'``).

    Examples
    --------
    >>> import dask.dataframe as dd, pandas as pd
    >>> from kamcore.clp import BetaGeo
    >>> m = BetaGeo(r=0.24, alpha=4.41, a=0.79, b=2.43)
    >>> s = pd.DataFrame({"customer_id": ["a", "b"], "frequency": [2, 0],
    ...                   "recency": [30.0, 0.0], "T": [38.0, 38.0]})
    >>> out = predict(m, dd.from_pandas(s, npartitions=2), "probability_alive")
    >>> out.compute(scheduler="threads")["probability_alive"].round(3).tolist()
    [0.731, 1.0]
    """
    caller = "kamcore.dask.predict"
    check_frame(frame)
    if not isinstance(method, str) or method.startswith("_"):
        raise InvalidParameterError(
            f"{caller}: 'method' must be a public method name; got {method!r}."
        )
    bound = getattr(model, method, None)
    if bound is None or not callable(bound) or inspect.isclass(model):
        raise InvalidParameterError(
            f"{caller}: 'model' must be a fitted model with a method {method!r}; got {model!r}."
        )
    _check_id(frame, id_column, caller)
    data = _data_arguments(bound, frame, columns, caller=caller, skip=tuple(options))
    out_name = method if name is None else name
    if out_name == id_column:
        raise InvalidParameterError(f"{caller}: 'name' {out_name!r} clashes with the id column.")
    kw = {
        "model": model,
        "method": method,
        "data": data,
        "options": options,
        "id_column": id_column,
        "name": out_name,
    }
    meta = _predict_part(frame._meta, **kw)
    return frame.map_partitions(_predict_part, **kw, meta=meta)


#: one made-up customer that checks the arguments before any partition is read
_PROBE: Final[Mapping[str, float]] = {
    "frequency": 0.0,
    "recency": 0.0,
    "T": 1.0,
    "average_spend": 1.0,
    "margin_rate": 0.1,
    "spend": 1.0,
    "cost_per_period": 0.0,
}

#: the per-customer fields of CustomerProfit, in order
_PROFIT: Final = (
    "clp",
    "discounted_margin",
    "discounted_cost",
    "discounted_revenue",
    "purchases",
    "spend",
)


def _clp_part(
    pdf: Any,
    *,
    model: Any,
    data: Mapping[str, str],
    per_customer: Mapping[str, Any],
    options: Mapping[str, Any],
    id_column: str,
) -> Any:
    ids = pdf[[id_column]]  # the id column as it came
    if len(pdf) == 0:
        return ids.assign(**{k: np.empty(0) for k in _PROFIT})
    args = {arg: pdf[col].to_numpy() for arg, col in data.items()}
    for arg, value in per_customer.items():
        args[arg] = pdf[value[1]].to_numpy() if isinstance(value, tuple) else value
    profit = customer_lifetime_profit(model, **args, **options)
    return ids.assign(**{k: getattr(profit, k) for k in _PROFIT})


def lifetime_profit(
    model: Any,
    frame: Any,
    *,
    margin_rate: float | str,
    discount_rate: float,
    n_periods: int,
    spend: float | str | None = None,
    spend_model: Any = None,
    cost_per_period: float | str = 0.0,
    cost_basis: str = "alive",
    period_length: float = 1.0,
    columns: Mapping[str, str] | None = None,
    id_column: str = "customer_id",
) -> Any:
    """Return customer lifetime profit from a fitted model, partition by partition (lazy).

    Each partition runs :func:`kamcore.clp.customer_lifetime_profit` on its
    customers; the values equal the in-memory call's on all customers. The
    arguments are checked once on the client (on one made-up customer)
    before any partition is read.

    Parameters
    ----------
    model
        A fitted transaction model (e.g. from :func:`fit`).
    frame : dask.dataframe.DataFrame
        One row per customer with frequency, recency and T (and
        ``monetary_value`` with a ``spend_model``).
    margin_rate : float or str
        Profit per unit of revenue, or the column holding it per customer.
    discount_rate : float
        Discount rate per period.
    n_periods : int
        Periods valued.
    spend : float or str, optional
        Expected spend per purchase, or its column; exclusive with ``spend_model``.
    spend_model : optional
        A spend model (e.g. a fitted :class:`~kamcore.clp.GammaGamma`).
    cost_per_period : float or str
        Cost to serve per period, or its column.
    cost_basis : {"alive", "horizon"}
        When the cost is charged.
    period_length : float
        One period in the model's time unit.
    columns : mapping, optional
        ``frequency``/``recency``/``T``/``average_spend`` -> column, when not
        the default names.
    id_column : str
        The customer id column, kept in the result.

    Returns
    -------
    dask.dataframe.DataFrame
        ``id_column``, then the fields of :class:`~kamcore.clp.CustomerProfit`:
        ``clp``, ``discounted_margin``, ``discounted_cost``,
        ``discounted_revenue``, ``purchases``, ``spend``.

    Raises
    ------
    InvalidParameterError
        ``frame`` is not a Dask DataFrame, ``columns`` maps names other than the
        history columns, or an argument
        :func:`~kamcore.clp.customer_lifetime_profit` refuses (checked once on
        the client before any partition is read).
    UnknownNameError, SchemaError
        The id column, a history column or a column named by ``margin_rate``,
        ``spend`` or ``cost_per_period`` missing from the frame or of the
        wrong dtype (checked on ``meta``).
    MissingOptionalDependencyError
        dask (or pandas) is not installed (``pip install 'kamcore[dask]'``).

    Examples
    --------
    >>> import dask.dataframe as dd, pandas as pd
    >>> from kamcore.clp import BetaGeoBetaBinom
    >>> m = BetaGeoBetaBinom(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783)
    >>> s = pd.DataFrame({"customer_id": ["a", "b"], "frequency": [6, 1],
    ...                   "recency": [6, 1], "T": [6, 6]})
    >>> out = lifetime_profit(m, dd.from_pandas(s, npartitions=1), spend=100.0,
    ...                       margin_rate=0.25, discount_rate=0.1, n_periods=5)
    >>> out.compute(scheduler="threads")["clp"].round(2).tolist()
    [71.89, 1.64]
    """
    caller = "kamcore.dask.lifetime_profit"
    check_frame(frame)
    _check_id(frame, id_column, caller)
    names = dict(columns or {})
    history = {k: names.get(k, DATA_COLUMNS[k]) for k in ("frequency", "recency", "T")}
    if spend_model is not None:
        history["average_spend"] = names.get("average_spend", DATA_COLUMNS["average_spend"])
    extra = sorted(set(names) - set(history))
    if extra:
        raise InvalidParameterError(
            f"{caller}: 'columns' maps {sorted(history)}; got also {extra} (give margin_rate=, "
            "spend= or cost_per_period= a column name instead)."
        )
    check_schema(frame, {k: (v, "number") for k, v in history.items()}, caller=caller)
    per_customer: dict[str, Any] = {}
    for arg, value in (
        ("margin_rate", margin_rate),
        ("spend", spend),
        ("cost_per_period", cost_per_period),
    ):
        if isinstance(value, str):
            check_schema(frame, {arg: (value, "number")}, caller=caller)
            per_customer[arg] = ("column", value)
        elif value is not None:
            per_customer[arg] = value
    options = {
        "discount_rate": discount_rate,
        "n_periods": n_periods,
        "spend_model": spend_model,
        "cost_basis": cost_basis,
        "period_length": period_length,
    }
    # the arguments fail here, on one made-up customer, before any partition is read
    probe: dict[str, Any] = {k: np.full(1, _PROBE[k]) for k in history}
    for arg, value in per_customer.items():
        probe[arg] = np.full(1, _PROBE[arg]) if isinstance(value, tuple) else value
    customer_lifetime_profit(model, **probe, **options)
    kw = {
        "model": model,
        "data": history,
        "per_customer": per_customer,
        "options": options,
        "id_column": id_column,
    }
    meta = _clp_part(frame._meta, **kw)
    return frame.map_partitions(_clp_part, **kw, meta=meta)
