r"""Complaint-handling indicators from complaint columns (vectorised).

Complaints are columns: the customer of each complaint, the day it was
received and the day it was resolved (NaT / None while open).
:func:`complaint_arrays` builds them from :class:`~kamcore.domain.Complaint`
records.

Indicators (:class:`ComplaintKpis`):

- ``count`` :math:`N` and ``resolved`` :math:`N_r`; ``share_resolved`` =
  :math:`N_r / N` (NaN when :math:`N = 0`);
- time to resolve in days, :math:`d_i = \text{resolved}_i - \text{received}_i`
  over the resolved complaints: ``mean_days_to_resolve`` and
  ``median_days_to_resolve`` (NaN when none is resolved);
- per customer (ids sorted): ``customer_counts`` and ``customer_open``, the
  complaints and the open complaints of each customer.

Feeding the churn-risk early warning: the ``complaints`` signal of
:data:`kamcore.scoring.CHURN_SIGNALS` reads a portfolio column
``"complaints"`` (complaints in the period; fires at >= 1). Count the
period's complaints with this function and align them with the portfolio's
accounts using :meth:`ComplaintKpis.counts_for`
(``portfolio.with_columns(complaints=kpis.counts_for(portfolio.ids))``);
customers without complaints get 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from kamcore._columns import CustomerColumns
from kamcore._params import (
    IntArray,
    as_array,
    as_id_array,
    check_fields,
    fail_where,
    frozen_array,
    same_length,
)
from kamcore.domain import Complaint
from kamcore.domain._coerce import coerce_items
from kamcore.errors import InvalidParameterError, ShapeMismatchError
from kamcore.transactions._log import check_dates

__all__ = ["ComplaintKpis", "complaint_arrays", "complaint_kpis"]


def _dates(
    values: ArrayLike,
    name: str,
    *,
    allow_missing: bool,
    ids: NDArray[np.str_] | None = None,
) -> NDArray[np.datetime64]:
    raw = as_array(values, name)
    if raw.ndim != 1:
        raise ShapeMismatchError(f"{name!r} must be 1-D; got shape {raw.shape}.")
    if raw.dtype.kind in "iufb":
        raise InvalidParameterError(
            f"{name!r} must be dates (datetime64, datetime.date or ISO 8601 strings), not "
            f"numbers; got dtype {raw.dtype}."
        )
    # the one date rule: ISO 8601 calendar dates or date objects, years 1 to 9999
    who = ids if ids is not None and ids.shape == raw.shape else None
    return check_dates(raw, name, ids=who, allow_missing=allow_missing)


@attrs.frozen(eq=False, repr=False)
class ComplaintKpis(CustomerColumns):
    """Complaint-handling indicators (frozen; arrays read-only).

    Parameters
    ----------
    count, resolved : int
        Complaints, and those resolved.
    share_resolved : float
        ``resolved / count``; NaN without complaints.
    mean_days_to_resolve, median_days_to_resolve : float
        Over the resolved complaints; NaN when none is resolved.
    customer_ids : array of str, shape (C,)
        Customers with at least one complaint, sorted.
    customer_counts, customer_open : array of int64, shape (C,)
        Complaints and open complaints per customer.

    Examples
    --------
    >>> import numpy as np
    >>> from kamcore.satisfaction import complaint_kpis
    >>> received = np.array(["2025-01-01", "2025-01-03"], dtype="datetime64[D]")
    >>> resolved = np.array(["2025-01-05", "NaT"], dtype="datetime64[D]")
    >>> k = complaint_kpis(["a", "b"], received, resolved)
    >>> k.count, k.resolved, k.mean_days_to_resolve
    (2, 1, 4.0)
    """

    #: fields whose NaN is a documented "no value" marker
    _NAN_OK: ClassVar[tuple[str, ...]] = (
        "share_resolved",
        "mean_days_to_resolve",
        "median_days_to_resolve",
    )

    def __attrs_post_init__(self) -> None:
        check_fields(self, nan_ok=self._NAN_OK)

    count: int
    resolved: int
    share_resolved: float
    mean_days_to_resolve: float
    median_days_to_resolve: float
    customer_ids: NDArray[np.str_] = attrs.field(converter=frozen_array)
    customer_counts: IntArray = attrs.field(converter=frozen_array)
    customer_open: IntArray = attrs.field(converter=frozen_array)

    @property
    def ids(self) -> NDArray[np.str_]:
        """Customer ids, shape (C,): :attr:`customer_ids`."""
        return self.customer_ids

    def columns(self) -> dict[str, NDArray[Any]]:
        """Return the per-customer columns: ``complaints`` and ``open``, shape (C,) each."""
        return {"complaints": self.customer_counts, "open": self.customer_open}

    def counts_for(self, ids: ArrayLike, *, open_only: bool = False) -> IntArray:
        """Return the complaint count of each of ``ids`` (0 for customers without any).

        Parameters
        ----------
        ids : array_like of str, shape (M,)
            E.g. ``portfolio.ids``.
        open_only : bool
            Count open complaints only.

        Returns
        -------
        array of int64, shape (M,)
        """
        want = as_id_array(ids, "ids")
        source = self.customer_open if open_only else self.customer_counts
        pos = np.searchsorted(self.customer_ids, want)
        pos = np.minimum(pos, max(self.customer_ids.shape[0] - 1, 0))
        found = (
            self.customer_ids[pos] == want
            if self.customer_ids.size
            else np.zeros(want.shape, dtype=bool)
        )
        out = np.zeros(want.shape, dtype=np.int64)
        if self.customer_ids.size:
            out[found] = source[pos[found]]
        return out


def complaint_kpis(
    customer_ids: ArrayLike, received: ArrayLike, resolved: ArrayLike
) -> ComplaintKpis:
    """Complaint-handling indicators from complaint columns.

    Parameters
    ----------
    customer_ids : array_like of str, shape (N,)
        The customer of each complaint.
    received : array_like of dates, shape (N,)
        The day each complaint was received (no missing values).
    resolved : array_like of dates, shape (N,)
        The day it was resolved; NaT or None while open; not before ``received``.

    Returns
    -------
    ComplaintKpis
        The complaint indicators over the period.

    Raises
    ------
    InvalidParameterError
        Non-dates, a missing receipt date, a resolution before receipt,
        non-string ids.
    ShapeMismatchError
        Columns of different lengths.

    Examples
    --------
    >>> k = complaint_kpis(["a", "b", "a", "c"],
    ...                    ["2025-01-01", "2025-01-03", "2025-02-01", "2025-02-10"],
    ...                    ["2025-01-03", "2025-01-09", None, "2025-02-11"])
    >>> k.count, k.resolved, k.share_resolved, k.mean_days_to_resolve, k.median_days_to_resolve
    (4, 3, 0.75, 3.0, 2.0)
    >>> k.counts_for(["a", "b", "z"]).tolist(), k.counts_for(["a"], open_only=True).tolist()
    ([2, 1, 0], [1])
    """
    ids = as_id_array(customer_ids, "customer_ids")
    got = _dates(received, "received", allow_missing=False, ids=ids)
    raw = as_array(resolved, "resolved")
    if raw.ndim != 1:
        raise ShapeMismatchError(f"'resolved' must be 1-D; got shape {raw.shape}.")
    done = _dates(
        np.array([np.datetime64("NaT") if v is None else v for v in raw.tolist()])
        if raw.dtype.kind == "O"
        else raw,
        "resolved",
        allow_missing=True,
        ids=ids,
    )
    same_length({"customer_ids": ids, "received": got, "resolved": done})
    is_done = ~np.isnat(done)
    days = (done[is_done] - got[is_done]).astype(np.int64)
    fail_where(days < 0, days, "resolved", "be on or after the day received (days to resolve >= 0)")
    n = int(ids.shape[0])
    n_r = int(np.count_nonzero(is_done))
    uniq, inverse = np.unique(ids, return_inverse=True)
    k = uniq.shape[0]
    counts = np.bincount(inverse, minlength=k).astype(np.int64)
    open_ = np.bincount(inverse, weights=~is_done, minlength=k).astype(np.int64)
    d = np.sort(days.astype(np.float64))
    return ComplaintKpis(
        n,
        n_r,
        n_r / n if n else float("nan"),
        float(np.sum(d) / d.size) if d.size else float("nan"),
        float(np.median(d)) if d.size else float("nan"),
        uniq,
        counts,
        open_,
    )


def complaint_arrays(
    complaints: Iterable[Complaint],
) -> tuple[NDArray[np.str_], NDArray[np.datetime64], NDArray[np.datetime64]]:
    """Return ``(customer_ids, received, resolved)`` columns (NaT while open).

    Parameters
    ----------
    complaints : iterable of Complaint
        The complaints, N of them.

    Returns
    -------
    customer_ids : ndarray of str, shape (N,)
        The customer each complaint is about.
    received, resolved : ndarray of datetime64[D], shape (N,)
        Day received and day resolved (NaT while open).

    Raises
    ------
    InvalidParameterError
        An item is not a :class:`~kamcore.domain.Complaint`.

    Examples
    --------
    >>> import datetime as dt
    >>> from kamcore.domain import Complaint, ComplaintChannel, ComplaintSeverity
    >>> c = Complaint("a", dt.date(2025, 1, 1), ComplaintChannel.EMAIL, "invoice",
    ...               ComplaintSeverity.LOW)
    >>> ids, got, done = complaint_arrays([c])
    >>> ids.tolist(), str(got[0]), bool(np.isnat(done[0]))
    (['a'], '2025-01-01', True)
    """
    items = coerce_items(complaints, "complaints", object)
    for i, c in enumerate(items):
        if not isinstance(c, Complaint):
            raise InvalidParameterError(
                f"'complaints' must contain only Complaint objects; got {c!r} at index {i}."
            )
    ids = np.array([c.customer_id for c in items], dtype=str)
    got = np.array([c.on for c in items], dtype="datetime64[D]")
    done = np.array(
        [np.datetime64("NaT") if c.resolved_on is None else c.resolved_on for c in items],
        dtype="datetime64[D]",
    )
    return ids, got, done
