"""Field-level access to customer information: roles, information tiers, redacted views.

Customer information is tiered. Every *role* (``"sales"``,
``"account_manager"``, ``"executive"`` ...) is given one *tier*; a tier lists,
per object kind, the fields that role may see. The built-in policy
(:meth:`AccessPolicy.default`) has three tiers:

=============== ================================== ==========================================
tier            roles                              sees
=============== ================================== ==========================================
basic           ``sales``                          basic facts, sales and orders, KPIs, basic
                                                   contacts (no personal details, no
                                                   executive contacts)
confidential    ``account_manager``                also profit, gross margin and cost
                                                   columns, contact details (e-mail, phone,
                                                   birthday, interests), executive contacts,
                                                   switching-cost estimates
restricted      ``executive``                      everything, net profit and cost to serve
                                                   included
=============== ================================== ==========================================

Two operations apply a policy:

* :meth:`AccessPolicy.view` turns a :class:`~kamcore.domain.Customer`,
  :class:`~kamcore.domain.Contact` or :class:`~kamcore.domain.Relationship`
  into a :class:`RedactedView`: a copy of the object in which every withheld
  field holds its empty default (``None``, an empty set or tuple) -- the value
  is *absent*, not masked -- plus the names of the withheld fields. The copy
  is an ordinary, valid domain object, so every output path (JSON documents,
  ``repr``, notebooks' HTML, a portfolio built from it) shows only what the
  role may see.
* :meth:`AccessPolicy.redact` returns a :class:`~kamcore.Portfolio` with only
  the columns the role may see (a column selection: no per-row work).

Identity fields are always shown, in every tier: a customer's ``id`` and
``name``; a contact's ``id``, ``name``, ``customer_id`` and ``role``; a
relationship's ``id``, ``customer_id``, ``type``, ``account_manager``,
``history`` and ``stage``. Anything a tier does not list is withheld -- a new
field or a new portfolio column stays hidden until a policy names it.

A policy is written in TOML (:meth:`AccessPolicy.from_toml`)::

    [roles]                 # role -> tier
    sales = "basic"
    executive = "restricted"

    [tiers.basic]           # optional fields shown, per object kind
    customer = ["industry", "region", "sales_last_year"]
    contact = ["title", "seniority"]
    relationship = ["contacts", "satisfaction"]
    columns = ["grade", "score"]    # extra Portfolio columns shown
    executive_contacts = false      # contacts with EXECUTIVE seniority hidden

    [tiers.restricted]
    extends = "basic"       # start from basic's lists and add to them
    customer = ["*"]        # "*" = every field (or every column)

The command-line report will take the same policy: ``kamcore report --role
sales`` (and ``--access-policy FILE`` for a policy of one's own) applies
:meth:`AccessPolicy.redact` to the portfolio and :meth:`AccessPolicy.view` to
every object before anything is printed or written.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import html
import importlib.resources
import json
import os
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Final

import attrs

from kamcore._portfolio import Portfolio
from kamcore.domain import Contact, Customer, FrozenMap, Money, Relationship
from kamcore.domain._coerce import coerce_text
from kamcore.errors import InvalidParameterError, SchemaError, UnknownNameError

__all__ = [
    "ALL",
    "EXECUTIVE_CONTACTS",
    "VIEW_KINDS",
    "AccessPolicy",
    "AccessTier",
    "RedactedView",
]

#: The wildcard of a tier's lists: every field of the kind, or every column.
ALL: Final = "*"

#: The name a relationship view lists in ``withheld`` when executive contacts
#: were left out of its ``contacts``.
EXECUTIVE_CONTACTS: Final = "contacts[executive]"

#: The object kinds a policy governs: kind name -> domain class.
VIEW_KINDS: Final[Mapping[str, type[Any]]] = FrozenMap(
    {"customer": Customer, "contact": Contact, "relationship": Relationship}
)

_KIND_OF: Final[Mapping[type[Any], str]] = {cls: kind for kind, cls in VIEW_KINDS.items()}
_TIER_KEYS: Final = frozenset(
    {"extends", "customer", "contact", "relationship", "columns", "executive_contacts"}
)


# ---------------------------------------------------------------- field tables
def _is_identity(field: attrs.Attribute[Any]) -> bool:
    """Tell whether a field is always shown: no default, or derived from the others."""
    default: Any = field.default
    return default is attrs.NOTHING or (
        isinstance(default, attrs.Factory)  # type: ignore[arg-type]
        and bool(default.takes_self)
    )


def _field_names(kind: str) -> tuple[str, ...]:
    return tuple(f.name for f in attrs.fields(VIEW_KINDS[kind]))


def _identity_names(kind: str) -> frozenset[str]:
    return frozenset(f.name for f in attrs.fields(VIEW_KINDS[kind]) if _is_identity(f))


def _empty_defaults(cls: type[Any]) -> dict[str, Any]:
    """Return each optional field's empty default (None, empty set, empty map or tuple)."""
    out: dict[str, Any] = {}
    for field in attrs.fields(cls):
        default: Any = field.default
        if not _is_identity(field):
            out[field.name] = (
                default.factory()
                if isinstance(default, attrs.Factory)  # type: ignore[arg-type]
                else default
            )
    return out


#: The value a withheld field takes, per kind: its (immutable) empty default.
_EMPTY: Final[Mapping[str, Mapping[str, Any]]] = {
    kind: _empty_defaults(cls) for kind, cls in VIEW_KINDS.items()
}


# ---------------------------------------------------------------- validators
def _check_label(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    del instance
    if not isinstance(value, str) or not value or value != value.strip():
        raise InvalidParameterError(
            f"{attribute.name!r} must be a non-empty string without surrounding whitespace; "
            f"got {value!r}."
        )


def _to_names(value: Any) -> Any:
    """Freeze an iterable of names; a single string is left for the validator to refuse."""
    if isinstance(value, (list, tuple, set, frozenset)):
        names = frozenset(value)
        return frozenset({ALL}) if ALL in names else names
    return value


def _check_names(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, frozenset):
        raise InvalidParameterError(
            f"{attribute.name!r} must be a list of names (or [{ALL!r}]); "
            f"got {type(value).__name__} {value!r}."
        )
    others = sorted(repr(v) for v in value if not isinstance(v, str) or not v)
    if others:
        raise InvalidParameterError(
            f"{attribute.name!r} must hold non-empty names (str); got {len(others)} others "
            f"(first: {others[0]})."
        )
    if attribute.name not in VIEW_KINDS:
        return
    known = _field_names(attribute.name)
    unknown = sorted(value - {ALL} - set(known))
    if unknown:
        tier = getattr(instance, "name", "?")
        raise UnknownNameError(
            f"{attribute.name!r} of tier {tier!r} must name {VIEW_KINDS[attribute.name].__name__} "
            f"fields (or {ALL!r}); got unknown field {unknown[0]!r}. Known fields: "
            f"{', '.join(known)}."
        )


def _check_flag(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    del instance
    if not isinstance(value, bool):
        raise InvalidParameterError(f"{attribute.name!r} must be true or false; got {value!r}.")


# ---------------------------------------------------------------- the tier
@attrs.frozen(cache_hash=True)
class AccessTier:
    """One information tier: the fields and columns its roles may see.

    Parameters
    ----------
    name : str
        The tier's name (non-empty, no surrounding whitespace).
    customer, contact, relationship : frozenset of str
        The optional fields of :class:`~kamcore.domain.Customer`,
        :class:`~kamcore.domain.Contact` and
        :class:`~kamcore.domain.Relationship` shown (identity fields are
        always shown); ``{"*"}`` shows every field. A list is accepted.
    columns : frozenset of str
        Portfolio columns shown besides the customer fields above (KPI
        columns such as ``"grade"``); ``{"*"}`` shows every column.
    executive_contacts : bool
        Whether contacts of EXECUTIVE seniority are shown at all.

    Raises
    ------
    UnknownNameError
        A name that is not a field of its kind (the message lists the fields).
    InvalidParameterError
        Any other bad value (a single string instead of a list, a blank name).

    Examples
    --------
    >>> t = AccessTier("basic", customer=["industry"], contact=["title"])
    >>> sorted(t.visible("customer"))
    ['id', 'industry', 'name']
    >>> "gross_margin" in t.withheld("customer")
    True
    """

    name: str = attrs.field(validator=_check_label)
    customer: frozenset[str] = attrs.field(
        default=frozenset(), kw_only=True, converter=_to_names, validator=_check_names
    )
    contact: frozenset[str] = attrs.field(
        default=frozenset(), kw_only=True, converter=_to_names, validator=_check_names
    )
    relationship: frozenset[str] = attrs.field(
        default=frozenset(), kw_only=True, converter=_to_names, validator=_check_names
    )
    columns: frozenset[str] = attrs.field(
        default=frozenset(), kw_only=True, converter=_to_names, validator=_check_names
    )
    executive_contacts: bool = attrs.field(default=False, kw_only=True, validator=_check_flag)

    def _listed(self, kind: str) -> frozenset[str]:
        _known_kind(kind)
        listed: frozenset[str] = getattr(self, kind)
        return listed

    def visible(self, kind: str) -> frozenset[str]:
        """Return the fields of ``kind`` ("customer", ...) this tier shows, identity included."""
        listed = self._listed(kind)
        names = _field_names(kind)
        if ALL in listed:
            return frozenset(names)
        return _identity_names(kind) | (listed & frozenset(names))

    def withheld(self, kind: str) -> frozenset[str]:
        """Return the fields of ``kind`` this tier withholds."""
        return _withheld(self, _known_kind(kind))

    def shows_column(self, name: str) -> bool:
        """Return True if a portfolio column called ``name`` is shown."""
        coerce_text(name, "name")
        return ALL in self.columns or name in self.columns or name in self.visible("customer")


def _known_kind(kind: Any) -> str:
    """Return ``kind`` if it names a view kind; refuse anything else by name."""
    if not isinstance(kind, str) or kind not in VIEW_KINDS:
        raise UnknownNameError(
            f"'kind' must be one of {', '.join(map(repr, VIEW_KINDS))}; got {kind!r}."
        )
    return kind


@functools.lru_cache(maxsize=256)
def _withheld(tier: AccessTier, kind: str) -> frozenset[str]:
    return frozenset(_field_names(kind)) - tier.visible(kind)


# ---------------------------------------------------------------- the view
def _show(value: Any) -> str:
    """Return a short human form of a field value for the HTML table."""
    if value is None:
        return ""
    if isinstance(value, Money):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (frozenset, set)):
        return ", ".join(sorted(_show(v) for v in value))
    if isinstance(value, (Contact, Customer)):
        return f"{value.name} ({value.id})"
    if isinstance(value, tuple):
        return "; ".join(_show(v) for v in value)
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {_show(v)}" for k, v in value.items())
    return str(value)


def _check_kind(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    del instance
    if not isinstance(value, str) or value not in VIEW_KINDS:
        raise InvalidParameterError(
            f"{attribute.name!r} must be one of {', '.join(map(repr, VIEW_KINDS))}; got {value!r}."
        )


def _check_withheld(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    del instance
    if not isinstance(value, frozenset) or not all(isinstance(v, str) and v for v in value):
        raise InvalidParameterError(
            f"{attribute.name!r} must be a set of field names; got {value!r}."
        )


@attrs.frozen
class RedactedView:
    """A domain object as one role may see it: withheld values absent, their names listed.

    Parameters
    ----------
    role : str
        The role the view was made for.
    kind : {"customer", "contact", "relationship"}
        The kind of object (see :data:`VIEW_KINDS`).
    subject : Customer, Contact, Relationship or None
        The object with every withheld field set to its empty default; None
        when the whole object is withheld (an executive contact for a tier
        without executive contacts).
    withheld : frozenset of str
        The names of the withheld fields. They depend on the role's tier and
        the kind only, never on which fields happened to hold a value. A
        relationship view names its contacts' withheld fields
        ``"contacts.<field>"`` and lists :data:`EXECUTIVE_CONTACTS` when
        executive contacts were left out.

    Raises
    ------
    InvalidParameterError
        A bad role or kind, a subject of another kind, or a withheld field
        that still holds a value in the subject.

    Examples
    --------
    >>> from kamcore.domain import Customer, Money
    >>> c = Customer("c1", "Acme", net_profit=Money.of("90", "EUR"))
    >>> view = AccessPolicy.default().view(c, "sales")
    >>> view.subject.net_profit is None, "net_profit" in view.withheld
    (True, True)
    >>> "90" in repr(view)
    False
    """

    role: str = attrs.field(validator=_check_label)
    kind: str = attrs.field(validator=_check_kind)
    subject: Customer | Contact | Relationship | None = attrs.field()
    withheld: frozenset[str] = attrs.field(
        default=frozenset(), converter=_to_names, validator=_check_withheld
    )

    def __attrs_post_init__(self) -> None:
        if self.subject is None:
            return
        cls = VIEW_KINDS[self.kind]
        if type(self.subject) is not cls:
            raise InvalidParameterError(
                f"'subject' must be a {cls.__name__} (kind {self.kind!r}) or None; got "
                f"{type(self.subject).__name__}."
            )
        empty = _EMPTY[self.kind]
        for name in sorted(self.withheld):
            if name in empty and getattr(self.subject, name) != empty[name]:
                # never echo the value: it is the thing being withheld
                raise InvalidParameterError(
                    f"'withheld' field {name!r} must be absent from the subject (its empty "
                    "default); got a value."
                )
        if isinstance(self.subject, Relationship):
            self._check_contacts(self.subject.contacts)

    def _check_contacts(self, contacts: tuple[Contact, ...]) -> None:
        """Check the ``contacts.<field>`` and executive-contact names against the contacts."""
        empty = _EMPTY["contact"]
        for name in sorted(self.withheld):
            field = name.removeprefix("contacts.")
            if (
                field != name
                and field in empty
                and any(getattr(c, field) != empty[field] for c in contacts)
            ):
                raise InvalidParameterError(
                    f"'withheld' field {name!r} must be absent from every contact; got a "
                    "contact with a value."
                )
        if EXECUTIVE_CONTACTS in self.withheld and any(c.is_executive for c in contacts):
            raise InvalidParameterError(
                f"'withheld' names {EXECUTIVE_CONTACTS!r}, so 'contacts' must hold no executive "
                "contact; got one."
            )

    @property
    def visible_fields(self) -> tuple[str, ...]:
        """The subject's fields that are shown, in field order (empty if it is withheld)."""
        if self.subject is None:
            return ()
        return tuple(n for n in _field_names(self.kind) if n not in self.withheld)

    def _repr_html_(self) -> str:
        """Return an HTML table of the visible fields (for notebooks)."""
        esc = html.escape
        if self.subject is None:
            head = f"{self.kind} withheld from role {self.role!r}"
            return f"<div><p>{esc(head)}</p></div>"
        rows = "".join(
            f"<tr><th>{esc(name)}</th><td>{esc(_show(getattr(self.subject, name)))}</td></tr>"
            for name in self.visible_fields
        )
        withheld = ", ".join(sorted(self.withheld)) or "nothing"
        return (
            f"<div><p>{esc(self.kind)} as seen by role {esc(repr(self.role))}</p>"
            f"<table>{rows}</table><p>withheld: {esc(withheld)}</p></div>"
        )


# ---------------------------------------------------------------- the policy
def _to_roles(value: Any) -> Any:
    if isinstance(value, Mapping):
        return FrozenMap(value)
    return value


def _check_roles(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    del instance
    if not isinstance(value, FrozenMap) or not value:
        raise InvalidParameterError(
            f"{attribute.name!r} must be a non-empty mapping of role -> tier name; got {value!r}."
        )
    for role, tier in value.items():
        for what, name in (("role", role), ("tier", tier)):
            if not isinstance(name, str) or not name or name != name.strip():
                raise InvalidParameterError(
                    f"{attribute.name!r} must map role names to tier names (non-empty strings "
                    f"without surrounding whitespace); got {what} {name!r}."
                )


def _to_tiers(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return tuple(value)
    return value


def _check_tiers(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    del instance
    if not isinstance(value, tuple) or not value:
        raise InvalidParameterError(
            f"{attribute.name!r} must be a non-empty tuple of AccessTier; got {value!r}."
        )
    seen: set[str] = set()
    for index, tier in enumerate(value):
        if not isinstance(tier, AccessTier):
            raise InvalidParameterError(
                f"{attribute.name!r} must hold AccessTier objects; got {type(tier).__name__} "
                f"at index {index}."
            )
        if tier.name in seen:
            raise InvalidParameterError(
                f"{attribute.name!r} must have unique names; got {tier.name!r} twice "
                f"(again at index {index})."
            )
        seen.add(tier.name)


def _path_or_text(source: str | os.PathLike[str]) -> str:
    """Read a file (a path) or return TOML text as is."""
    if isinstance(source, os.PathLike):
        path = Path(source)
    elif isinstance(source, str):
        if "\n" in source or "=" in source or "[" in source:
            return source
        path = Path(source)
    else:
        raise InvalidParameterError(
            f"'source' must be TOML text or the path of a TOML file; got "
            f"{type(source).__name__} {source!r}."
        )
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidParameterError(
            f"'source' must be TOML text or the path of a readable TOML file; got {str(path)!r} "
            f"({exc.strerror or exc})."
        ) from None


def _names_entry(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SchemaError(f"{where!r} must be an array of strings; got {value!r}.")
    return value


def _tier_from_table(
    name: str, tables: Mapping[str, Any], done: dict[str, AccessTier], path: tuple[str, ...]
) -> AccessTier:
    if name in done:
        return done[name]
    if name in path:
        cycle = " -> ".join((*path, name))
        raise SchemaError(f"'extends' must not loop; got {cycle}.")
    table = tables[name]
    where = f"tiers.{name}"
    if not isinstance(table, dict):
        raise SchemaError(f"{where!r} must be a table; got {table!r}.")
    unknown = sorted(set(table) - _TIER_KEYS)
    if unknown:
        raise SchemaError(
            f"{where!r} has unknown key {unknown[0]!r}; known keys: "
            f"{', '.join(sorted(_TIER_KEYS))}."
        )
    lists: dict[str, frozenset[str]] = {k: frozenset() for k in (*VIEW_KINDS, "columns")}
    executive = False
    parent_name = table.get("extends")
    if parent_name is not None:
        if not isinstance(parent_name, str) or parent_name not in tables:
            raise UnknownNameError(
                f"'{where}.extends' must name a tier ({', '.join(map(repr, sorted(tables)))}); "
                f"got {parent_name!r}."
            )
        parent = _tier_from_table(parent_name, tables, done, (*path, name))
        lists = {k: getattr(parent, k) for k in lists}
        executive = parent.executive_contacts
    for key in lists:
        if key in table:
            lists[key] = lists[key] | frozenset(_names_entry(table[key], f"{where}.{key}"))
    if "executive_contacts" in table:
        executive = table["executive_contacts"]
        if not isinstance(executive, bool):
            raise SchemaError(
                f"'{where}.executive_contacts' must be true or false; got {executive!r}."
            )
    tier = AccessTier(name, executive_contacts=executive, **lists)
    done[name] = tier
    return tier


def _toml_key(name: str) -> str:
    return json.dumps(name, ensure_ascii=False)


def _toml_list(names: Iterable[str]) -> str:
    return "[" + ", ".join(_toml_key(n) for n in sorted(names)) + "]"


@attrs.frozen
class AccessPolicy:
    """Which role sees which fields: roles -> tiers -> visible fields per object kind.

    Parameters
    ----------
    roles : Mapping[str, str]
        Role name -> tier name; every tier named must be in ``tiers``.
    tiers : tuple of AccessTier
        The tiers, unique names. A list is accepted.

    Raises
    ------
    UnknownNameError
        A role given a tier that is not defined (the message lists the tiers).
    InvalidParameterError
        Any other bad value.

    Examples
    --------
    >>> from kamcore.domain import Customer, Money
    >>> policy = AccessPolicy.default()
    >>> policy.role_names
    ('account_manager', 'executive', 'sales')
    >>> c = Customer("c1", "Acme", gross_margin=Money.of("300", "EUR"),
    ...              cost_to_serve=Money.of("40", "EUR"))
    >>> am = policy.view(c, "account_manager").subject
    >>> str(am.gross_margin), am.cost_to_serve
    ('300 EUR', None)
    >>> policy.view(c, "intern")
    Traceback (most recent call last):
    ...
    kamcore.errors.UnknownNameError: 'role' must be one of the policy's roles ('account_manager', \
'executive', 'sales'); got 'intern'.
    """

    roles: Mapping[str, str] = attrs.field(converter=_to_roles, validator=_check_roles)
    tiers: tuple[AccessTier, ...] = attrs.field(converter=_to_tiers, validator=_check_tiers)

    def __attrs_post_init__(self) -> None:
        names = [t.name for t in self.tiers]
        for role, tier in self.roles.items():
            if tier not in names:
                raise UnknownNameError(
                    f"'roles' must give each role a defined tier ({', '.join(map(repr, names))}); "
                    f"got {tier!r} for role {role!r}."
                )

    # ------------------------------------------------------------ building
    @classmethod
    def default(cls) -> AccessPolicy:
        """Return the built-in three-tier policy (``sales``, ``account_manager``, ``executive``).

        The policy text ships with kamcore as ``kamcore/default_access.toml``.
        """
        text = importlib.resources.files("kamcore").joinpath("default_access.toml")
        return cls.from_toml(text.read_text(encoding="utf-8"))

    @classmethod
    def from_toml(cls, source: str | os.PathLike[str]) -> AccessPolicy:
        """Load a policy from TOML text or a TOML file.

        Parameters
        ----------
        source
            A :class:`os.PathLike` is read as a file; a ``str`` is TOML text
            when it holds a newline, ``=`` or ``[``, and a file path otherwise.

        Returns
        -------
        AccessPolicy

        Raises
        ------
        InvalidParameterError
            A file that cannot be read.
        SchemaError
            Invalid TOML, unknown or missing keys, values of the wrong type,
            an ``extends`` loop.
        UnknownNameError
            An unknown field name, an ``extends`` or a role naming a tier that
            is not defined.

        Examples
        --------
        >>> policy = AccessPolicy.from_toml('''
        ... [roles]
        ... analyst = "numbers"
        ... [tiers.numbers]
        ... customer = ["sales_last_year"]
        ... ''')
        >>> sorted(policy.tier_of("analyst").visible("customer"))
        ['id', 'name', 'sales_last_year']
        """
        text = _path_or_text(source)
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise SchemaError(f"access policy TOML is not valid: {exc}.") from None
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AccessPolicy:
        """Build a policy from the plain form of its TOML (see :meth:`from_toml`)."""
        if not isinstance(data, Mapping):
            raise SchemaError(f"an access policy must be a table; got {type(data).__name__}.")
        keys = set(data)
        if keys != {"roles", "tiers"}:
            raise SchemaError(
                "an access policy must have exactly the tables 'roles' and 'tiers'; missing "
                f"{sorted({'roles', 'tiers'} - keys)}, unknown {sorted(keys - {'roles', 'tiers'})}."
            )
        roles, tables = data["roles"], data["tiers"]
        if not isinstance(roles, dict) or not all(isinstance(v, str) for v in roles.values()):
            raise SchemaError(f"'roles' must be a table of role = \"tier\"; got {roles!r}.")
        if not isinstance(tables, dict) or not tables:
            raise SchemaError(f"'tiers' must be a non-empty table of tiers; got {tables!r}.")
        done: dict[str, AccessTier] = {}
        tiers = tuple(_tier_from_table(name, tables, done, ()) for name in tables)
        return cls(roles, tiers)

    def to_toml(self) -> str:
        """Return the policy as TOML text (every tier written out in full, no ``extends``).

        Examples
        --------
        >>> p = AccessPolicy.default()
        >>> AccessPolicy.from_toml(p.to_toml()) == p
        True
        """
        lines = ["[roles]"]
        lines.extend(f"{_toml_key(r)} = {_toml_key(t)}" for r, t in self.roles.items())
        for tier in self.tiers:
            lines.append("")
            lines.append(f"[tiers.{_toml_key(tier.name)}]")
            lines.extend(
                f"{key} = {_toml_list(getattr(tier, key))}" for key in (*VIEW_KINDS, "columns")
            )
            lines.append(f"executive_contacts = {'true' if tier.executive_contacts else 'false'}")
        return "\n".join(lines) + "\n"

    # ------------------------------------------------------------ lookup
    @property
    def role_names(self) -> tuple[str, ...]:
        """The roles, sorted."""
        return tuple(sorted(self.roles))

    def tier_of(self, role: str) -> AccessTier:
        """Return the tier of ``role``.

        Raises
        ------
        UnknownNameError
            An unknown role (the message lists the known ones).
        """
        tier_name = self.roles.get(role) if isinstance(role, str) else None
        if tier_name is None:
            raise UnknownNameError(
                f"'role' must be one of the policy's roles "
                f"({', '.join(map(repr, self.role_names))}); got {role!r}."
            )
        return next(t for t in self.tiers if t.name == tier_name)

    # ------------------------------------------------------------ applying
    def view(self, obj: Customer | Contact | Relationship, role: str) -> RedactedView:
        """Return ``obj`` as ``role`` may see it.

        Parameters
        ----------
        obj : Customer, Contact or Relationship
            The object (its contacts included, for a relationship).
        role
            A role of the policy.

        Returns
        -------
        RedactedView
            A copy with every withheld field at its empty default, and the
            withheld names. An executive contact for a tier without executive
            contacts gives ``subject=None``; a relationship's contacts are
            viewed with the contact rules and executive contacts dropped.

        Raises
        ------
        UnknownNameError
            An unknown role.
        InvalidParameterError
            ``obj`` is not a Customer, Contact or Relationship.
        """
        tier = self.tier_of(role)
        kind = _KIND_OF.get(type(obj))
        if kind is None:
            raise InvalidParameterError(
                f"'obj' must be a Customer, Contact or Relationship; got {type(obj).__name__}."
            )
        if isinstance(obj, Contact):
            if obj.is_executive and not tier.executive_contacts:
                return RedactedView(role, kind, None, frozenset(_field_names(kind)))
            return RedactedView(role, kind, _cleared(obj, kind, tier), tier.withheld(kind))
        withheld = set(tier.withheld(kind))
        subject = _cleared(obj, kind, tier)
        if isinstance(subject, Relationship) and "contacts" not in withheld:
            kept = tuple(
                _cleared(c, "contact", tier)
                for c in subject.contacts
                if tier.executive_contacts or not c.is_executive
            )
            subject = attrs.evolve(subject, contacts=kept)
            withheld.update(f"contacts.{name}" for name in tier.withheld("contact"))
            if not tier.executive_contacts:
                withheld.add(EXECUTIVE_CONTACTS)
        return RedactedView(role, kind, subject, frozenset(withheld))

    def visible_columns(self, portfolio: Portfolio, role: str) -> tuple[str, ...]:
        """Return the columns of ``portfolio`` that ``role`` may see, in column order."""
        tier = self.tier_of(role)
        _check_portfolio(portfolio)
        return tuple(name for name in portfolio.column_names if tier.shows_column(name))

    def redact(self, portfolio: Portfolio, role: str) -> Portfolio:
        """Return ``portfolio`` with only the columns ``role`` may see (ids kept).

        A column is shown when it is a customer field the role's tier shows
        (``name``, ``sales_last_year`` ...), or is listed in the tier's
        ``columns``; every other column is dropped. The arrays are shared,
        not copied (they are read-only).

        Raises
        ------
        UnknownNameError
            An unknown role.
        InvalidParameterError
            ``portfolio`` is not a Portfolio.

        Examples
        --------
        >>> from kamcore import Portfolio
        >>> p = Portfolio.from_columns(["a", "b"], {"sales_last_year": [10.0, 20.0],
        ...     "net_profit": [1.0, 2.0], "grade": ["A", "B"]})
        >>> AccessPolicy.default().redact(p, "sales").column_names
        ('sales_last_year', 'grade')
        """
        names = self.visible_columns(portfolio, role)
        return portfolio.select(names)


def _check_portfolio(portfolio: Any) -> None:
    if not isinstance(portfolio, Portfolio):
        raise InvalidParameterError(
            f"'portfolio' must be a kamcore Portfolio; got {type(portfolio).__name__}."
        )


@functools.lru_cache(maxsize=256)
def _clearing(tier: AccessTier, kind: str) -> Mapping[str, Any]:
    return {name: _EMPTY[kind][name] for name in tier.withheld(kind)}


def _cleared(obj: Any, kind: str, tier: AccessTier) -> Any:
    """Return a copy of ``obj`` with the fields ``tier`` withholds at their empty default."""
    changes = _clearing(tier, kind)
    return attrs.evolve(obj, **changes) if changes else obj
