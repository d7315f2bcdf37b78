"""Public repeat-buying data sets shipped with kamcore (gzip, read with the standard library).

- CDNOW (Fader, Hardie & Lee 2005): the customers who made their first
  purchase at the CDNOW online music store in the first quarter of 1997,
  followed to the end of June 1998. The 1/10 sample (2,357 customers) and its
  published calibration summary (weeks 1-39, to 1997-09-30), and the full
  cohort log (23,570 customers).
- Donations (Fader, Hardie & Shang 2010): repeat donations of 11,104 first-time
  supporters of a non-profit over 6 annual opportunities, as the 22 distinct
  (frequency, recency) patterns with their donor counts.

These are the files distributed with the BTYD packages for R and Python.
"""

from __future__ import annotations

import csv
import functools
import gzip
from importlib import resources
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from kamcore._params import check_in
from kamcore._portfolio import Portfolio
from kamcore.errors import InvalidParameterError
from kamcore.transactions import TransactionLog

__all__ = ["load_cdnow", "load_donations"]

_PACKAGE = "kamcore.data"
_CDNOW_SUMMARY = "cdnow_sample_summary.csv.gz"
_CDNOW_SAMPLE_LOG = "cdnow_sample_log.txt.gz"
_CDNOW_MASTER_LOG = "cdnow_master_log.txt.gz"
_DONATIONS = "donations.csv"


def _read_gzip_text(name: str) -> str:
    raw = resources.files(_PACKAGE).joinpath(name).read_bytes()
    return gzip.decompress(raw).decode("ascii")


def _whole_numbers_as_text(tokens: NDArray[np.str_]) -> NDArray[np.str_]:
    """Zero-padded numeric ids ("0001") as their plain decimal text ("1")."""
    return tokens.astype(np.int64).astype(str)


@functools.cache
def _cdnow_summary() -> Portfolio:
    rows = list(csv.reader(_read_gzip_text(_CDNOW_SUMMARY).splitlines()))
    header, body = rows[0], np.array(rows[1:], dtype=str)
    col = {name: body[:, i] for i, name in enumerate(header)}
    return Portfolio.from_columns(
        _whole_numbers_as_text(col["ID"]),
        {
            "frequency": col["x"].astype(np.int64),
            "recency": col["t_x"].astype(np.float64),
            "T": col["T"].astype(np.float64),
            "monetary_value": col["zbar"].astype(np.float64),
        },
        currencies={"monetary_value": "USD"},
    )


@functools.cache
def _cdnow_log(sample: bool) -> TransactionLog:
    if sample:
        # master_id sample_id date n_cds dollars; the sample id is the summary's ID
        tokens = np.array(_read_gzip_text(_CDNOW_SAMPLE_LOG).split()).reshape(-1, 5)
        ids, dates, dollars = tokens[:, 1], tokens[:, 2], tokens[:, 4]
    else:
        # header line, then customer_id date n_cds dollars
        text = _read_gzip_text(_CDNOW_MASTER_LOG).split("\n", 1)[1]
        tokens = np.array(text.split()).reshape(-1, 4)
        ids, dates, dollars = tokens[:, 0], tokens[:, 1], tokens[:, 3]
    return TransactionLog(
        _whole_numbers_as_text(ids), dates, dollars.astype(np.float64), date_format="%Y%m%d"
    )


def load_cdnow(
    kind: Literal["summary", "transactions"] = "summary", *, sample: bool = True
) -> Portfolio | TransactionLog:
    r"""Load the CDNOW data set: the published summary or a transaction log.

    CDNOW is the cohort of customers who first bought at the CDNOW online
    music store in January-March 1997, followed to 1998-06-30. Dates are
    days, amounts US dollars. The published analyses use the 1/10 sample
    with calibration weeks 1-39 (to 1997-09-30) and holdout weeks 40-78.

    Parameters
    ----------
    kind : {"summary", "transactions"}
        ``"summary"``: the published calibration summary of the 1/10 sample,
        as a :class:`~kamcore.Portfolio` of 2,357 customers (ids ``"1"`` ..
        ``"2357"``, in that order) with columns ``frequency`` (x, repeat
        purchase occasions, int64), ``recency`` (t_x, weeks), ``T`` (weeks
        from the first purchase to 1997-09-30) and ``monetary_value`` (zbar,
        the mean spend of the repeat occasions in USD, 0 when x = 0).
        ``"transactions"``: a :class:`~kamcore.transactions.TransactionLog`
        (ids, dates, amounts in USD). The files' number-of-CDs column is not
        carried: the log has no quantity column.
    sample : bool, keyword-only
        ``True`` (default): the 1/10 sample, 2,357 customers and 6,919
        transactions, with the summary's ids (the sample id). ``False``: the
        full cohort log, 23,570 customers and 69,659 transactions (ids
        ``"1"`` .. ``"23570"``); only with ``kind="transactions"`` (the
        published summary is of the sample; summarise the full log with
        :func:`~kamcore.transactions.summarize_transactions`).

    Returns
    -------
    Portfolio or TransactionLog
        Both are read-only; ``kamcore.io.to_frame`` turns the summary into a
        DataFrame, and ``log.columns()`` gives the log's arrays.

    Raises
    ------
    InvalidParameterError
        An unknown ``kind``, or ``kind="summary"`` with ``sample=False``.

    Notes
    -----
    Published maximum-likelihood estimates on the summary (weeks):

    ==================================  ======================================  ==========
    model                               estimates                               log-lik.
    ==================================  ======================================  ==========
    BG/NBD (Fader, Hardie & Lee 2005)   r 0.243, alpha 4.414, a 0.793, b 2.426  -9582.4
    Pareto/NBD                          r 0.553, alpha 10.578, s 0.606,         -9595.0
                                        beta 11.669
    Gamma-Gamma (the 946 repeat         p 6.25, q 3.74, gamma 15.44             -4055.9
    buyers, x > 0, on zbar)
    ==================================  ======================================  ==========

    The summary is reproduced from the sample log by
    ``calibration_holdout(load_cdnow("transactions"), calibration_end="1997-09-30",
    observation_end="1998-06-30", time_unit="W").calibration``.

    Examples
    --------
    >>> s = load_cdnow()
    >>> len(s), int(s["frequency"].sum()), int((s["frequency"] > 0).sum())
    (2357, 2457, 946)
    >>> log = load_cdnow("transactions")
    >>> len(log), log.n_customers, [str(d) for d in log.date_range]
    (6919, 2357, ['1997-01-01', '1998-06-30'])
    """
    check_in(kind, "kind", ("summary", "transactions"))
    if not isinstance(sample, bool):
        raise InvalidParameterError(f"'sample' must be True or False; got {sample!r}.")
    if kind == "summary":
        if not sample:
            raise InvalidParameterError(
                "'sample' must be True for kind='summary': the published summary is of the "
                "1/10 sample; got sample=False (load_cdnow('transactions', sample=False) "
                "gives the full log to summarise)."
            )
        return _cdnow_summary()
    return _cdnow_log(sample)


@functools.cache
def load_donations() -> Portfolio:
    r"""Load the BG/BB donations data: 11,104 donors over 6 annual opportunities.

    First-time supporters of a non-profit acquired in 1995, and whether they
    donated in each of the 6 following years (Fader, Hardie & Shang 2010).
    Donors with the same pattern are grouped: 22 rows, one per distinct
    (frequency, recency) pair, with the number of donors as ``weights``.

    Returns
    -------
    Portfolio
        22 rows with ids ``"x=<frequency>,t_x=<recency>"`` and int64
        columns ``frequency`` (x, repeat donations, 0..6), ``recency`` (t_x,
        the opportunity of the last donation, 0 when x = 0), ``n_periods`` (n =
        6, the opportunities) and ``weights`` (donors with that pattern; they
        sum to 11,104).

    Notes
    -----
    Published maximum-likelihood estimates of the BG/BB model: alpha 1.204,
    beta 0.750, gamma 0.657, delta 2.783; log-likelihood -33225.6. Fit with
    ``BetaGeoBetaBinom.fit(d["frequency"], d["recency"], d["n_periods"],
    weights=d["weights"])`` (:mod:`kamcore.clp`).

    Examples
    --------
    >>> d = load_donations()
    >>> len(d), int(d["weights"].sum()), int(d["n_periods"][0])
    (22, 11104, 6)
    >>> d.ids[:3].tolist()
    ['x=0,t_x=0', 'x=1,t_x=1', 'x=1,t_x=2']
    """
    text = resources.files(_PACKAGE).joinpath(_DONATIONS).read_text(encoding="ascii")
    rows = list(csv.reader(text.splitlines()))
    header, body = rows[0], np.array(rows[1:], dtype=np.int64)
    col = {name: body[:, i] for i, name in enumerate(header)}
    ids = np.array(
        [f"x={x},t_x={t}" for x, t in zip(col["frequency"], col["recency"], strict=True)]
    )
    return Portfolio.from_columns(
        ids,
        {
            "frequency": col["frequency"],
            "recency": col["recency"],
            "n_periods": col["periods"],
            "weights": col["weights"],
        },
    )
