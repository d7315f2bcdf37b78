"""The two time vocabularies of a transaction log: durations and calendar buckets.

kamcore measures time in two different ways, and names them differently:

- ``time_unit`` is a *duration* unit: how recency and age (``recency``, ``T``)
  are expressed for the repeat-buying (BTYD) models. :data:`TIME_UNITS`:
  ``"D"`` is one day and ``"W"`` exactly 7 days (the published BTYD
  convention); ``"M"``, ``"Q"`` and ``"Y"`` are the average month, quarter
  and year of the Julian year of 365.25 days (30.4375, 91.3125 and 365.25
  days); a positive number is that many days.
- ``freq`` is a *calendar bucket*: which period a transaction falls in for the
  period metrics. :data:`FREQUENCIES`: ``"D"`` calendar day, ``"W"`` ISO week
  (Monday to Sunday), ``"M"`` month, ``"Q"`` quarter, ``"Y"`` year.

So ``time_unit="W"`` turns 10 days into 1.43 weeks, while ``freq="W"`` puts a
Sunday and the following Monday into two different weeks.

Why months are 365.25/12 days: a duration unit must be a fixed length so that
recency and T are differences of days divided by one constant, like "W".
Calendar-month arithmetic has no fixed length (31 January + 1 month?) and
cannot express a fraction of a month. 365.25 days is the average year over a
leap cycle (numpy's ``timedelta64`` "Y" uses the Gregorian 365.2425; the two
differ by 2 parts in 100,000). Whole calendar-period counts, as the
``lifetimes`` package computes them, are reproduced by bucketing the dates
first (see ``docs/transactions.md``, "Coming from lifetimes").
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

import numpy as np

from kamcore.errors import InvalidParameterError

__all__ = ["FREQUENCIES", "TIME_UNITS"]

_YEAR_DAYS: Final = 365.25

#: Duration units (``time_unit``) and their length in days: "D" a day, "W" exactly 7 days,
#: "M" 365.25/12, "Q" 365.25/4 and "Y" 365.25 days.
TIME_UNITS: Final[Mapping[str, float]] = MappingProxyType(
    {"D": 1.0, "W": 7.0, "M": _YEAR_DAYS / 12, "Q": _YEAR_DAYS / 4, "Y": _YEAR_DAYS}
)

#: Calendar buckets (``freq``) and what each period is.
FREQUENCIES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "D": "calendar day",
        "W": "ISO week, Monday to Sunday",
        "M": "calendar month",
        "Q": "calendar quarter",
        "Y": "calendar year",
    }
)


_UNIT_WORDS: Final = "'D' (days), 'W' (7 days), 'M' (months), 'Q' (quarters), 'Y' (years)"


def unit_days(time_unit: str | float) -> float:
    """Length in days of a ``time_unit``: a key of :data:`TIME_UNITS` or a positive number.

    Examples
    --------
    >>> unit_days("W"), unit_days("M"), unit_days(14)
    (7.0, 30.4375, 14.0)
    """
    if isinstance(time_unit, str):
        try:
            return TIME_UNITS[time_unit]
        except KeyError:
            raise InvalidParameterError(
                f"'time_unit' must be one of {_UNIT_WORDS} or a positive number of days; "
                f"got {time_unit!r}."
            ) from None
    if isinstance(time_unit, bool) or not isinstance(time_unit, (int, float, np.number)):
        raise InvalidParameterError(
            f"'time_unit' must be one of {_UNIT_WORDS} or a positive number of days; "
            f"got {time_unit!r}."
        )
    days = float(time_unit)
    if not np.isfinite(days) or days <= 0:
        raise InvalidParameterError(
            f"'time_unit' must be a positive number of days; got {time_unit!r}."
        )
    return days


def check_freq(freq: str) -> str:
    """Return ``freq`` if it is a key of :data:`FREQUENCIES`, else raise naming the choices."""
    if not isinstance(freq, str) or freq not in FREQUENCIES:
        raise InvalidParameterError(
            f"'freq' must be one of {', '.join(map(repr, FREQUENCIES))}; got {freq!r}."
        )
    return freq
