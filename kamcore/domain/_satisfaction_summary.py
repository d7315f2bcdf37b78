"""Satisfaction records a relationship carries (standard library and attrs only).

- :class:`SatisfactionSummary` - one customer's SERVQUAL result on a date:
  the overall gap (unweighted and weighted), the gap of every dimension and
  how many respondents it rests on. A missing figure is ``None`` (never NaN
  and never zero): a dimension nobody answered, or an overall score that
  needs a dimension that is missing.
- :class:`ExpectationDrivers` - the four drivers of expectation noted
  for a survey: service promises, industry level, personal
  factors, environmental factors.

The numbers come from :mod:`kamcore.satisfaction`
(``SatisfactionResult.summaries``); these classes only hold and check them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

import attrs

from kamcore.domain._checks import bad, check_id, check_str
from kamcore.domain._coerce import date_converter
from kamcore.domain._customer import FrozenMap

__all__ = ["ExpectationDrivers", "SatisfactionSummary"]


def _is_real(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, float)) and math.isfinite(value)


def _check_optional_real(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    del instance
    if value is not None and not _is_real(value):
        raise bad(attribute.name, "be a finite real number or None (missing)", value)


def _to_float_or_none(value: Any) -> Any:
    """Turn an int or float into ``float``; anything else passes through to the validator."""
    if _is_real(value):
        return float(value)
    return value


def _to_gap_map(value: Any) -> Any:
    if isinstance(value, Mapping):
        return FrozenMap({k: _to_float_or_none(v) for k, v in value.items()})
    return value


def _check_gap_map(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    del instance
    if not isinstance(value, FrozenMap):
        raise bad(attribute.name, "be a mapping of dimension name to gap (float or None)", value)
    for name, gap in value.items():
        if not isinstance(name, str) or not name or name != name.strip():
            raise bad(attribute.name, "have non-empty dimension names without whitespace", name)
        if gap is not None and not _is_real(gap):
            raise bad(
                attribute.name,
                f"map dimension {name!r} to a finite real number or None (missing)",
                gap,
            )


def _check_count(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    del instance
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise bad(attribute.name, "be a whole number >= 0", value)


@attrs.frozen
class SatisfactionSummary:
    """One customer's satisfaction (SERVQUAL gap) result on a date (value object).

    Gap = perceived - expected service, in scale points (a negative gap means
    the service falls short of expectations).

    Parameters
    ----------
    customer_id : str
        The customer the respondents belong to.
    as_of : datetime.date
        The survey date.
    overall_gap : float or None
        Unweighted SERVQUAL: mean of the dimension gaps; ``None`` when a
        dimension is missing.
    weighted_gap : float or None
        Importance-weighted SERVQUAL, ``sum_d w_d * gap_d`` with ``sum_d w_d =
        1``; ``None`` when it cannot be formed.
    dimension_gaps : mapping of str to float or None
        Gap per dimension, in instrument order; ``None`` = nobody answered it.
    respondents : int
        Number of respondents of this customer in the survey (>= 0).
    variant : str
        What the gaps measure: ``"servqual"`` (P - E), ``"msa"`` (P -
        adequate), ``"mss"`` (P - desired) or ``"servperf"`` (P only).

    Examples
    --------
    >>> import datetime as dt
    >>> s = SatisfactionSummary(
    ...     customer_id="C1", as_of=dt.date(2024, 6, 30), overall_gap=-0.5,
    ...     weighted_gap=-0.6, dimension_gaps={"reliability": -1, "empathy": None},
    ...     respondents=3)
    >>> s.dimension_gaps["reliability"], s.dimension_gaps["empathy"]
    (-1.0, None)
    >>> s.missing_dimensions
    ('empathy',)
    """

    customer_id: str = attrs.field(validator=check_id)
    as_of: dt.date = attrs.field(converter=date_converter())  # type: ignore[misc]
    overall_gap: float | None = attrs.field(
        converter=_to_float_or_none, validator=_check_optional_real
    )
    weighted_gap: float | None = attrs.field(
        converter=_to_float_or_none, validator=_check_optional_real
    )
    dimension_gaps: FrozenMap[str, float | None] = attrs.field(
        converter=_to_gap_map, validator=_check_gap_map
    )
    respondents: int = attrs.field(validator=_check_count)
    variant: str = attrs.field(default="servqual", kw_only=True, validator=check_id)

    @property
    def missing_dimensions(self) -> tuple[str, ...]:
        """Names of the dimensions with no gap (nobody answered them)."""
        return tuple(k for k, v in self.dimension_gaps.items() if v is None)


@attrs.frozen
class ExpectationDrivers:
    """The four drivers of expected service, noted for one survey (value object).

    Each field is free text (empty when not recorded): what was promised, the
    level the industry delivers, the respondents' personal factors and the
    environment at the time.

    Parameters
    ----------
    service_promises : str
        Explicit and implicit promises made to the customer (sales, contracts,
        advertising).
    industry_level : str
        The service level customers meet elsewhere in the industry.
    personal_factors : str
        Personal needs and past experience of the respondents.
    environmental_factors : str
        Conditions at survey time (market, season, disruptions).

    Examples
    --------
    >>> ExpectationDrivers(service_promises="48 h delivery in contract").recorded
    ('service_promises',)
    """

    service_promises: str = attrs.field(default="", validator=check_str)
    industry_level: str = attrs.field(default="", validator=check_str)
    personal_factors: str = attrs.field(default="", validator=check_str)
    environmental_factors: str = attrs.field(default="", validator=check_str)

    @property
    def recorded(self) -> tuple[str, ...]:
        """Names of the drivers with a non-blank note."""
        return tuple(f.name for f in attrs.fields(type(self)) if getattr(self, f.name).strip())
