"""The :class:`Complaint` record: one complaint of a customer and how it was handled.

Complaint handling belongs to the formation phase's focus on satisfaction:
handle the customer's mood first, then the matter, recover the service, and
avoid a second failure. The records are plain values; counts, resolution
shares and times over many complaints are array functions in
:mod:`kamcore.satisfaction` (``complaint_kpis``).
"""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from kamcore.domain._checks import (
    bad,
    check_id,
    check_optional_text,
    check_text,
)
from kamcore.domain._coerce import date_converter, enum_converter

__all__ = ["Complaint", "ComplaintChannel", "ComplaintSeverity"]


class ComplaintChannel(enum.Enum):
    """How a complaint reached us.

    Examples
    --------
    >>> [member.name for member in ComplaintChannel]
    ['PHONE', 'EMAIL', 'VISIT', 'LETTER', 'WEB', 'SOCIAL_MEDIA', 'OTHER']
    >>> ComplaintChannel['PHONE']
    <ComplaintChannel.PHONE: 'phone'>
    """

    PHONE = "phone"
    EMAIL = "email"
    VISIT = "visit"
    LETTER = "letter"
    WEB = "web"
    SOCIAL_MEDIA = "social_media"
    OTHER = "other"


class ComplaintSeverity(enum.Enum):
    """How serious a complaint is, most serious first.

    CRITICAL
        Threatens the relationship (a key account may leave, safety or legal issue).
    HIGH
        A real business impact for the customer (a stopped line, a lost order).
    MEDIUM
        An inconvenience that needs a fix.
    LOW
        A remark or a minor annoyance.

    Examples
    --------
    >>> [member.name for member in ComplaintSeverity]
    ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW']
    >>> ComplaintSeverity['CRITICAL']
    <ComplaintSeverity.CRITICAL: 'critical'>
    """

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


@attrs.frozen
class Complaint:
    """One complaint of a customer (value object).

    Parameters
    ----------
    customer_id : str
        Who complained.
    on : datetime.date
        When the complaint was received.
    channel : ComplaintChannel
        How it reached us.
    topic : str
        What it is about (a label such as ``"delivery"``; non-blank).
    severity : ComplaintSeverity
        How serious it is.
    resolved_on : datetime.date or None, keyword-only
        When it was resolved; None while open. Not before ``on``.
    recovery_action : str or None, keyword-only
        What we did to recover the service (credit note, replacement, visit).

    Raises
    ------
    InvalidParameterError
        A bad field, or ``resolved_on`` before ``on``.

    Examples
    --------
    >>> import datetime as dt
    >>> c = Complaint("c1", dt.date(2025, 1, 6), ComplaintChannel.PHONE, "delivery",
    ...               ComplaintSeverity.HIGH, resolved_on=dt.date(2025, 1, 9),
    ...               recovery_action="express replacement")
    >>> c.is_resolved, c.days_to_resolve
    (True, 3)
    """

    customer_id: str = attrs.field(validator=check_id)
    on: dt.date = attrs.field(converter=date_converter())  # type: ignore[misc]
    channel: ComplaintChannel = attrs.field(converter=enum_converter(ComplaintChannel))  # type: ignore[misc]
    topic: str = attrs.field(validator=check_text)
    severity: ComplaintSeverity = attrs.field(converter=enum_converter(ComplaintSeverity))  # type: ignore[misc]
    resolved_on: dt.date | None = attrs.field(
        default=None,
        kw_only=True,
        converter=date_converter(optional=True),  # type: ignore[misc]
    )
    recovery_action: str | None = attrs.field(
        default=None, kw_only=True, validator=check_optional_text
    )

    def __attrs_post_init__(self) -> None:
        if self.resolved_on is not None and self.resolved_on < self.on:
            raise bad(
                "resolved_on",
                f"be on or after the day the complaint was received ({self.on.isoformat()})",
                self.resolved_on,
            )

    @property
    def is_resolved(self) -> bool:
        """True once ``resolved_on`` is set."""
        return self.resolved_on is not None

    @property
    def days_to_resolve(self) -> int | None:
        """Days from receipt to resolution; None while open."""
        if self.resolved_on is None:
            return None
        return (self.resolved_on - self.on).days

    def resolve(self, *, on: dt.date, recovery_action: str | None = None) -> Complaint:
        """Return the complaint resolved on ``on`` (keeping an earlier action if none given)."""
        action = self.recovery_action if recovery_action is None else recovery_action
        return attrs.evolve(self, resolved_on=on, recovery_action=action)
