"""The supplier-customer :class:`Relationship` with its dated lifecycle history.

A relationship is an *entity* (equal by ``id``). Its history is a tuple of
:class:`StageChange` records: the first is the start, dates never go
backwards, and every consecutive pair is a legal move of
:data:`kamcore.domain.TRANSITIONS`. Changes return new objects
(:meth:`Relationship.move_to`).

When a relationship declines or ends, the analysis is kept with it as dated
:class:`~kamcore.domain.ChurnRecord` entries (``churn_records``), each tied
to a DECLINE or ENDED entry of the history; a lost customer won back re-enters
FORMATION through the explicit :meth:`Relationship.win_back` move. Our side of
the account can be described by an :class:`~kamcore.domain.AccountTeam`
(``team``), whose owner is the relationship's account manager.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from typing import Any, ClassVar

import attrs

from kamcore.domain._account_team import AccountTeam
from kamcore.domain._checks import (
    Entity,
    check_enum,
    check_id,
    check_text,
    check_tuple_of,
    to_tuple,
)
from kamcore.domain._churn import ChurnRecord
from kamcore.domain._coerce import coerce_date, coerce_items, date_converter, enum_converter
from kamcore.domain._contact import Contact
from kamcore.domain._enums import BuyingRole, KamStage, LifecycleStage, RelationshipType, Stance
from kamcore.domain._satisfaction_summary import SatisfactionSummary
from kamcore.domain._switching_cost import SwitchingCost
from kamcore.domain._transitions import (
    START_STAGES,
    TRANSITIONS,
    WIN_BACK,
    is_legal,
    kam_stages_for,
)
from kamcore.errors import InvalidParameterError, InvalidTransitionError

__all__ = ["Relationship", "StageChange"]


@attrs.frozen
class StageChange:
    """One dated entry of a lifecycle history (value object).

    Parameters
    ----------
    stage : LifecycleStage
        The stage entered.
    on : datetime.date
        The day it was entered (a ``date``, not a ``datetime``).

    Examples
    --------
    >>> import datetime as dt
    >>> StageChange(LifecycleStage.FORMATION, dt.date(2024, 3, 1))
    StageChange(stage=<LifecycleStage.FORMATION: 'formation'>, on=datetime.date(2024, 3, 1))
    """

    stage: LifecycleStage = attrs.field(converter=enum_converter(LifecycleStage))  # type: ignore[misc]
    on: dt.date = attrs.field(converter=date_converter())  # type: ignore[misc]


def _check_history(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    check_tuple_of(StageChange)(instance, attribute, value)
    if not value:
        raise InvalidParameterError(
            f"{attribute.name!r} must hold at least the starting StageChange; got ()."
        )
    first = value[0]
    if first.stage not in START_STAGES:
        raise InvalidTransitionError(
            f"{attribute.name!r} must start in a live stage, not {first.stage.name} "
            f"(on {first.on.isoformat()})."
        )
    for prev, cur in itertools.pairwise(value):
        _check_move(prev, cur, f"{attribute.name!r}: ")


def _check_move(
    prev: StageChange, cur: StageChange, where: str = "", *, win_back: bool = True
) -> None:
    if cur.on < prev.on:
        raise InvalidTransitionError(
            f"{where}stage changes must be in date order: {prev.stage.name} on "
            f"{prev.on.isoformat()} "
            f"is followed by {cur.stage.name} on an earlier date {cur.on.isoformat()}."
        )
    if win_back and (prev.stage, cur.stage) == WIN_BACK:
        return
    if not is_legal(prev.stage, cur.stage):
        hint = (
            " (winning a lost customer back is Relationship.win_back)"
            if (prev.stage, cur.stage) == WIN_BACK
            else ""
        )
        raise InvalidTransitionError(
            f"{where}illegal lifecycle move {prev.stage.name} -> {cur.stage.name} "
            f"(from {prev.on.isoformat()} to {cur.on.isoformat()}); legal from "
            f"{prev.stage.name}: "
            f"{', '.join(sorted(s.name for s in TRANSITIONS[prev.stage])) or 'none (terminal)'}"
            f"{hint}."
        )


def _default_stage(self: Any) -> Any:
    history = getattr(self, "history", None)
    if isinstance(history, tuple) and history and isinstance(history[-1], StageChange):
        return history[-1].stage
    return None


def _check_instance(cls: type[Any], name: str) -> Any:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        del instance, attribute
        if not isinstance(value, cls):
            raise InvalidParameterError(
                f"{name!r} must be a {cls.__name__} or None; got {type(value).__name__} {value!r}."
            )

    return check


@attrs.frozen(eq=False)
class Relationship(Entity):
    """A supplier-customer relationship (entity: equal and hashed by ``id`` only).

    Parameters
    ----------
    id : str
        Identifier of the relationship.
    customer_id : str
        The customer's id; every contact must belong to this customer.
    type : RelationshipType
        ORDINARY, PARTNERSHIP or STRATEGIC.
    account_manager : str
        Who owns the relationship on our side (non-blank).
    history : tuple of StageChange
        Dated stage changes, first = start; non-empty, dates non-decreasing,
        consecutive stages legal. A list is accepted and frozen.
    stage : LifecycleStage, keyword-only
        Current stage; defaults to (and must equal) the last history entry.
    contacts : tuple of Contact, keyword-only
        People at the customer, unique ids, all with ``customer_id`` equal to
        the relationship's.
    kam_stage : KamStage or None, keyword-only
        KAM development stage; must be consistent with ``type``
        (:func:`~kamcore.domain.kam_stages_for`).
    switching_cost : SwitchingCost or None, keyword-only
        The customer's latest estimated switching cost (the loyalty barrier).
    satisfaction : SatisfactionSummary or None, keyword-only
        The latest satisfaction survey result for the customer; its
        ``customer_id`` must be the relationship's.
    churn_records : tuple of ChurnRecord, keyword-only
        Why the relationship declined or ended: every record's ``on`` must be
        the day of a DECLINE or ENDED entry of ``history``; in date order.
    team : AccountTeam or None, keyword-only
        Our account team. Rule: its ``owner`` must equal ``account_manager``
        (one owner, two views of it); :meth:`with_team` replaces the account
        manager by the new team's owner, :meth:`with_account_manager` keeps
        the team's owner in step.

    Raises
    ------
    InvalidTransitionError
        For an out-of-order or illegal history.
    InvalidParameterError
        For any other bad field.

    Examples
    --------
    >>> import datetime as dt
    >>> r = Relationship.start("r1", "c-001", account_manager="amy", on=dt.date(2023, 1, 9))
    >>> r = r.move_to(LifecycleStage.FORMATION, on=dt.date(2023, 6, 1))
    >>> r.stage.name, r.stage_on(dt.date(2023, 3, 1)).name
    ('FORMATION', 'EXPLORATION')
    >>> r.move_to(LifecycleStage.EXPLORATION, on=dt.date(2024, 1, 1))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kamcore.errors.InvalidTransitionError: illegal lifecycle move FORMATION -> EXPLORATION ...
    """

    _ENTITY: ClassVar[str] = "relationship"

    id: str = attrs.field(validator=check_id)
    customer_id: str = attrs.field(validator=check_id)
    type: RelationshipType = attrs.field(converter=enum_converter(RelationshipType))  # type: ignore[misc]
    account_manager: str = attrs.field(validator=check_text)
    history: tuple[StageChange, ...] = attrs.field(converter=to_tuple, validator=_check_history)
    stage: LifecycleStage = attrs.field(
        default=attrs.Factory(_default_stage, takes_self=True),
        kw_only=True,
        # None (no usable history) is left to the validator, which runs after
        # the history's own, more telling, check.
        converter=enum_converter(LifecycleStage, optional=True),  # type: ignore[misc]
        validator=check_enum(LifecycleStage),
    )
    contacts: tuple[Contact, ...] = attrs.field(
        default=(), kw_only=True, converter=to_tuple, validator=check_tuple_of(Contact)
    )
    kam_stage: KamStage | None = attrs.field(
        default=None,
        kw_only=True,
        converter=enum_converter(KamStage, optional=True),  # type: ignore[misc]
    )
    switching_cost: SwitchingCost | None = attrs.field(
        default=None,
        kw_only=True,
        validator=attrs.validators.optional(_check_instance(SwitchingCost, "switching_cost")),
    )
    satisfaction: SatisfactionSummary | None = attrs.field(
        default=None,
        kw_only=True,
        validator=attrs.validators.optional(_check_instance(SatisfactionSummary, "satisfaction")),
    )
    churn_records: tuple[ChurnRecord, ...] = attrs.field(
        default=(), kw_only=True, converter=to_tuple, validator=check_tuple_of(ChurnRecord)
    )
    team: AccountTeam | None = attrs.field(
        default=None,
        kw_only=True,
        validator=attrs.validators.optional(_check_instance(AccountTeam, "team")),
    )

    def __attrs_post_init__(self) -> None:
        last = self.history[-1]
        if self.stage is not last.stage:
            raise InvalidParameterError(
                f"'stage' must equal the last history entry ({last.stage.name} on "
                f"{last.on.isoformat()}); got {self.stage.name}."
            )
        seen: set[str] = set()
        for index, contact in enumerate(self.contacts):
            if contact.customer_id != self.customer_id:
                raise InvalidParameterError(
                    f"'contacts' must all belong to customer {self.customer_id!r}; contact "
                    f"{contact.id!r} at index {index} belongs to {contact.customer_id!r}."
                )
            if contact.id in seen:
                raise InvalidParameterError(
                    f"'contacts' must have unique ids; got {contact.id!r} twice "
                    f"(again at index {index})."
                )
            seen.add(contact.id)
        if self.satisfaction is not None and self.satisfaction.customer_id != self.customer_id:
            raise InvalidParameterError(
                f"'satisfaction' must be about customer {self.customer_id!r}; got a summary for "
                f"{self.satisfaction.customer_id!r}."
            )
        if self.team is not None and self.team.owner != self.account_manager:
            raise InvalidParameterError(
                f"'team' must be owned by the account manager {self.account_manager!r}; got a "
                f"team owned by {self.team.owner!r} (use with_team() to hand the account over)."
            )
        self._check_churn_records()
        if self.kam_stage is not None and self.kam_stage not in kam_stages_for(self.type):
            allowed = ", ".join(sorted(s.name for s in kam_stages_for(self.type)))
            raise InvalidParameterError(
                f"'kam_stage' must be consistent with type {self.type.name} ({allowed}); "
                f"got {self.kam_stage.name}."
            )

    def _check_churn_records(self) -> None:
        days = {
            c.on for c in self.history if c.stage in (LifecycleStage.DECLINE, LifecycleStage.ENDED)
        }
        previous: ChurnRecord | None = None
        for index, record in enumerate(self.churn_records):
            if record.on not in days:
                shown = ", ".join(sorted(d.isoformat() for d in days)) or "none"
                raise InvalidParameterError(
                    f"'churn_records' must explain a move to DECLINE or ENDED (days: {shown}); "
                    f"got a record on {record.on.isoformat()} at index {index}."
                )
            if previous is not None and record.on < previous.on:
                raise InvalidParameterError(
                    f"'churn_records' must be in date order; {record.on.isoformat()} at index "
                    f"{index} follows {previous.on.isoformat()}."
                )
            previous = record

    # ------------------------------------------------------------ construction
    @classmethod
    def start(
        cls,
        id: str,
        customer_id: str,
        *,
        account_manager: str,
        on: dt.date,
        type: RelationshipType = RelationshipType.ORDINARY,
        stage: LifecycleStage = LifecycleStage.EXPLORATION,
        contacts: Iterable[Contact] = (),
        kam_stage: KamStage | None = None,
        team: AccountTeam | None = None,
    ) -> Relationship:
        """Start a relationship: a one-entry history in ``stage`` on day ``on``.

        Parameters
        ----------
        id, customer_id
            Identifiers.
        account_manager
            Owner on our side.
        on
            Start date.
        type
            Relationship type (default ORDINARY).
        stage
            Starting stage (default EXPLORATION; any live stage is allowed so
            that existing accounts can be imported mid-life).
        contacts
            People at the customer.
        kam_stage
            Optional KAM development stage.
        team
            Optional account team; its owner must be ``account_manager``.

        Returns
        -------
        Relationship
        """
        return cls(
            id,
            customer_id,
            type,
            account_manager,
            (StageChange(stage, on),),
            contacts=coerce_items(contacts, "contacts", Contact),
            kam_stage=kam_stage,
            team=team,
        )

    # ------------------------------------------------------------ lifecycle
    @property
    def started_on(self) -> dt.date:
        """Date of the first history entry."""
        return self.history[0].on

    @property
    def last_change(self) -> StageChange:
        """The most recent history entry."""
        return self.history[-1]

    @property
    def is_active(self) -> bool:
        """True unless the relationship has ended."""
        return self.stage is not LifecycleStage.ENDED

    def move_to(
        self, stage: LifecycleStage, *, on: dt.date, churn: ChurnRecord | None = None
    ) -> Relationship:
        """Return a new relationship that entered ``stage`` on day ``on``.

        Parameters
        ----------
        stage
            The new stage; must be a legal move from the current one.
        on
            Date of the change; not earlier than the last change.
        churn
            Why (only for a move to DECLINE or ENDED); its ``on`` must be the
            day of the move. Added to :attr:`churn_records`.

        Returns
        -------
        Relationship
            Same id, history extended by one entry.

        Raises
        ------
        InvalidTransitionError
            If the move is not in the transition table or ``on`` is earlier
            than the last change (the message names both stages and dates).
        InvalidParameterError
            If ``stage`` is not a LifecycleStage or ``on`` is not a date.
        """
        change = StageChange(stage, on)
        _check_move(self.history[-1], change, win_back=False)
        records = self.churn_records
        if churn is not None:
            if stage not in (LifecycleStage.DECLINE, LifecycleStage.ENDED):
                raise InvalidParameterError(
                    f"'churn' may only be recorded with a move to DECLINE or ENDED; got a move to "
                    f"{stage.name}."
                )
            if not isinstance(churn, ChurnRecord) or churn.on != on:
                raise InvalidParameterError(
                    f"'churn' must be a ChurnRecord dated the day of the move ({on}); "
                    f"got {churn!r}."
                )
            records = (*records, churn)
        return attrs.evolve(
            self, history=(*self.history, change), stage=stage, churn_records=records
        )

    def record_churn(self, record: ChurnRecord) -> Relationship:
        """Return a copy with ``record`` added to :attr:`churn_records`.

        For an analysis made after the move: ``record.on`` must be the day of
        a DECLINE or ENDED entry of the history (and not before the last record).

        Raises
        ------
        InvalidParameterError
            ``record`` is not a ChurnRecord or matches no such entry.

        Examples
        --------
        >>> import datetime as dt
        >>> from kamcore.domain._churn import ChurnRecord, ChurnType
        >>> r = Relationship.start("r1", "c1", account_manager="amy", on=dt.date(2022, 1, 3))
        >>> r = r.move_to(LifecycleStage.ENDED, on=dt.date(2024, 2, 1))
        >>> r = r.record_churn(ChurnRecord(dt.date(2024, 2, 1), churn_type=ChurnType.NATURAL))
        >>> r.last_churn.churn_type.name
        'NATURAL'
        """
        return attrs.evolve(self, churn_records=(*self.churn_records, record))

    @property
    def last_churn(self) -> ChurnRecord | None:
        """The latest churn record, or None."""
        return self.churn_records[-1] if self.churn_records else None

    def win_back(self, *, on: dt.date) -> Relationship:
        """Return the relationship won back on ``on``: an ENDED relationship re-enters FORMATION.

        The one move out of ENDED (:data:`~kamcore.domain.WIN_BACK`); the
        history keeps the dated end and its churn records before it.

        Raises
        ------
        InvalidTransitionError
            The relationship has not ended, or ``on`` is before the end.

        Examples
        --------
        >>> import datetime as dt
        >>> r = Relationship.start("r1", "c1", account_manager="amy", on=dt.date(2022, 1, 3))
        >>> r = r.move_to(LifecycleStage.ENDED, on=dt.date(2023, 5, 1))
        >>> r = r.win_back(on=dt.date(2024, 9, 1))
        >>> r.stage.name, [d.isoformat() for d in r.win_backs]
        ('FORMATION', ['2024-09-01'])
        """
        if self.stage is not LifecycleStage.ENDED:
            raise InvalidTransitionError(
                f"only an ENDED relationship can be won back; {self.id!r} is {self.stage.name} "
                f"(since {self.history[-1].on.isoformat()})."
            )
        change = StageChange(WIN_BACK[1], on)
        _check_move(self.history[-1], change)
        return attrs.evolve(self, history=(*self.history, change), stage=change.stage)

    @property
    def win_backs(self) -> tuple[dt.date, ...]:
        """The days the relationship was won back (ENDED -> FORMATION), in order."""
        return tuple(
            cur.on
            for prev, cur in itertools.pairwise(self.history)
            if (prev.stage, cur.stage) == WIN_BACK
        )

    def stage_on(self, day: dt.date) -> LifecycleStage:
        """Return the stage in force at the end of ``day``.

        Raises
        ------
        InvalidParameterError
            If ``day`` is not a date (a ``date`` or ``"YYYY-MM-DD"``) or falls
            before the relationship started.
        """
        day = coerce_date(day, "day")
        if day < self.started_on:
            raise InvalidParameterError(
                f"'day' must be on or after the relationship start {self.started_on.isoformat()}; "
                f"got {day.isoformat()}."
            )
        current = self.history[0].stage
        for change in self.history:
            if change.on > day:
                break
            current = change.stage
        return current

    def days_in_stages(self, until: dt.date) -> dict[LifecycleStage, int]:
        """Return the number of days spent in each stage from the start to ``until``.

        Stages never entered are absent; an ENDED relationship stops counting
        at its end date.

        Raises
        ------
        InvalidParameterError
            If ``until`` is before the last change.
        """
        until = coerce_date(until, "until")
        if until < self.history[-1].on:
            raise InvalidParameterError(
                f"'until' must be on or after the last change {self.history[-1].on.isoformat()}; "
                f"got {until.isoformat()}."
            )
        days: dict[LifecycleStage, int] = {}
        ends = [c.on for c in self.history[1:]] + [until]
        for change, end in zip(self.history, ends, strict=True):
            if change.stage is LifecycleStage.ENDED:
                continue
            days[change.stage] = days.get(change.stage, 0) + (end - change.on).days
        return days

    # ------------------------------------------------------------ assessments
    def with_switching_cost(self, switching_cost: SwitchingCost | None) -> Relationship:
        """Return a copy carrying ``switching_cost`` as the latest estimate (None clears it)."""
        return attrs.evolve(self, switching_cost=switching_cost)

    def with_satisfaction(self, satisfaction: SatisfactionSummary | None) -> Relationship:
        """Return a copy carrying ``satisfaction`` as the latest survey result (None clears it)."""
        return attrs.evolve(self, satisfaction=satisfaction)

    # ------------------------------------------------------------ account team
    def with_team(self, team: AccountTeam | None) -> Relationship:
        """Return a copy with ``team``; its owner becomes the account manager (None clears it).

        Examples
        --------
        >>> import datetime as dt
        >>> from kamcore.domain._account_team import AccountTeam
        >>> r = Relationship.start("r1", "c1", account_manager="amy", on=dt.date(2024, 1, 2))
        >>> r.with_team(AccountTeam("bo")).account_manager
        'bo'
        """
        if team is None:
            return attrs.evolve(self, team=None)
        if not isinstance(team, AccountTeam):
            raise InvalidParameterError(f"'team' must be an AccountTeam or None; got {team!r}.")
        return attrs.evolve(self, team=team, account_manager=team.owner)

    def with_account_manager(self, account_manager: str) -> Relationship:
        """Return a copy owned by ``account_manager`` (the team's owner follows)."""
        team = None if self.team is None else self.team.with_owner(account_manager)
        return attrs.evolve(self, account_manager=account_manager, team=team)

    # ------------------------------------------------------------ contacts
    def with_contacts(self, contacts: Iterable[Contact]) -> Relationship:
        """Return a copy with ``contacts`` replacing the current ones."""
        return attrs.evolve(self, contacts=coerce_items(contacts, "contacts", Contact))

    def add_contact(self, contact: Contact) -> Relationship:
        """Return a copy with ``contact`` appended (validated like the rest)."""
        return attrs.evolve(self, contacts=(*self.contacts, contact))

    @property
    def roles_covered(self) -> frozenset[BuyingRole]:
        """Buying roles held by at least one contact."""
        return frozenset(c.role for c in self.contacts)

    def missing_roles(
        self,
        required: Iterable[BuyingRole] = (
            BuyingRole.DECISION_MAKER,
            BuyingRole.ECONOMIC_BUYER,
            BuyingRole.TECHNICAL_EVALUATOR,
            BuyingRole.USER,
        ),
    ) -> frozenset[BuyingRole]:
        """Return the ``required`` buying roles no contact covers."""
        roles = coerce_items(required, "required", BuyingRole)
        return frozenset(roles) - self.roles_covered

    @property
    def supporter_share(self) -> float | None:
        """Share of contacts whose stance is SUPPORTER; None when there are no contacts."""
        if not self.contacts:
            return None
        return sum(c.stance is Stance.SUPPORTER for c in self.contacts) / len(self.contacts)

    @property
    def has_executive_contact(self) -> bool:
        """True if at least one contact has EXECUTIVE seniority (executive coverage)."""
        return any(c.is_executive for c in self.contacts)

    @property
    def has_coach(self) -> bool:
        """True if a contact acts as coach (an insider guiding us)."""
        return BuyingRole.COACH in self.roles_covered
