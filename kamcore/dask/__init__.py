"""kamcore on Dask: transaction logs that outgrow one machine (the ``dask`` extra).

The functions here take Dask DataFrames (``dask.dataframe.read_parquet``,
``read_csv``, ``from_pandas``) and run kamcore's own engine on each
partition; each returns a Dask collection (nothing computed yet) or a small
in-memory result. Every one equals its in-memory counterpart exactly on the
same rows, whatever the partitioning:

- :func:`summarize_transactions` -- the per-customer repeat-buying summary
  (rows shuffled by customer id, then
  :func:`kamcore.transactions.summarize_transactions` per partition);
- :func:`calibration_holdout` -- the split at a date: the per-customer
  frame and the exclusion counts;
- :func:`history_table` and :func:`fit` -- a distributed groupby-count of the
  unique histories, brought to the client, and any model class fitted on it
  with its own ``fit(..., weights=)``;
- :func:`predict` and :func:`lifetime_profit` -- a fitted model's predictions
  and :func:`kamcore.clp.customer_lifetime_profit`, partition by partition;
- :func:`freeze` and :func:`score` -- any scorer; those with portfolio-wide
  cut-offs (Pareto shares, pyramid tiers, RFM quintiles, value classes and
  quadrants) get them from a first distributed pass;
- :func:`to_parquet` -- results written keyed by customer id.

Before building a task graph every function checks the columns it reads
against the frame's ``meta`` (names and dtypes): a missing column raises
:class:`~kamcore.errors.UnknownNameError`, a wrong dtype
:class:`~kamcore.errors.SchemaError`, and nothing is computed. Rows that
break a rule (a negative amount, a blank id) raise the in-memory engine's
error on the worker that reads them, which Dask re-raises on the client.

Works with any Dask scheduler: threads, processes, or a
``dask.distributed`` cluster (``Client("tcp://scheduler:8786")``); the
objects sent to the workers (models, scorers, the column specs) pickle. See
``docs/howto/dask.md``.

Importing this module imports neither dask nor pandas; the first call does
(or raises :class:`~kamcore.errors.MissingOptionalDependencyError` with
``pip install 'kamcore[dask]'``).
"""

from __future__ import annotations

from kamcore.dask._models import fit, history_table, lifetime_profit, predict
from kamcore.dask._scoring import freeze, score, to_parquet
from kamcore.dask._transactions import calibration_holdout, summarize_transactions

__all__ = [
    "calibration_holdout",
    "fit",
    "freeze",
    "history_table",
    "lifetime_profit",
    "predict",
    "score",
    "summarize_transactions",
    "to_parquet",
]
