"""Scorer registry: look strategies up by name, register new ones, load plug-ins.

Built-in names: ``rubric``, ``pareto``, ``pyramid``, ``classes``, ``rfm``,
``clp``, ``churn_risk``, ``value_matrix``. Third-party packages add scorers through the
entry-point group ``kamcore.scorers``::

    [project.entry-points."kamcore.scorers"]
    my_score = "my_package.scoring:MyScorer"

The entry point must load to a *factory*: a callable taking the scorer's
parameters as keywords and returning a scorer (a class works). Entry points
are read once, lazily, on the first lookup (:func:`get_scorer`,
:func:`scorer_names`, :func:`register_scorer`). A plug-in that fails to load
does not break the others: looking it up raises :class:`ScorerLoadError` with
the original error; a plug-in whose name is already taken is ignored with a
:class:`~kamcore.errors.KamcoreWarning`.
"""

from __future__ import annotations

import importlib.metadata
import inspect
import threading
import warnings
from collections.abc import Callable, Mapping
from typing import Any, Final

from kamcore.errors import (
    InvalidParameterError,
    KamcoreWarning,
    ScorerLoadError,
    UnknownNameError,
)
from kamcore.scoring._base import Scorer
from kamcore.scoring._churn import ChurnRiskScorer
from kamcore.scoring._classes import ValueClassScorer
from kamcore.scoring._lifetime import CLPScorer
from kamcore.scoring._pareto import ParetoScorer, PyramidScorer
from kamcore.scoring._rfm import RFMScorer
from kamcore.scoring._rubric import rubric_scorer
from kamcore.scoring._value_matrix import ValueMatrixScorer

__all__ = [
    "ENTRY_POINT_GROUP",
    "ScorerLoadError",
    "ScorerRegistry",
    "get_scorer",
    "register_scorer",
    "scorer_names",
    "unregister_scorer",
]

#: The entry-point group third-party scorers register under.
ENTRY_POINT_GROUP: Final = "kamcore.scorers"

Factory = Callable[..., Any]

BUILTIN_SCORERS: Final[Mapping[str, Factory]] = {
    "rubric": rubric_scorer,
    "pareto": ParetoScorer,
    "pyramid": PyramidScorer,
    "classes": ValueClassScorer,
    "rfm": RFMScorer,
    "clp": CLPScorer,
    "churn_risk": ChurnRiskScorer,
    "value_matrix": ValueMatrixScorer,
}


def _check_name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip() or name != name.strip():
        raise InvalidParameterError(
            f"scorer 'name' must be a non-blank string without surrounding spaces; got {name!r}."
        )
    return name


class ScorerRegistry:
    """A name -> factory table with lazy entry-point loading.

    Parameters
    ----------
    builtins : mapping of str to factory
        Factories available from the start.
    group : str
        Entry-point group to read plug-ins from (None: no plug-ins).

    Examples
    --------
    >>> reg = ScorerRegistry({"pareto": ParetoScorer}, group=None)
    >>> reg.get("pareto", column="profit").params["column"]
    'profit'
    >>> reg.names()
    ('pareto',)
    """

    def __init__(
        self,
        builtins: Mapping[str, Factory] | None = None,
        *,
        group: str | None = ENTRY_POINT_GROUP,
    ) -> None:
        if builtins is not None and not isinstance(builtins, Mapping):
            raise InvalidParameterError(
                f"'builtins' must be a mapping of name -> scorer factory; got "
                f"{type(builtins).__name__} {builtins!r}."
            )
        self._factories: dict[str, Factory] = dict(builtins or {})
        self._origin: dict[str, str] = dict.fromkeys(self._factories, "built-in")
        self._failed: dict[str, str] = {}
        self._group = group
        self._loaded = group is None
        # Lazy loading is thread-safe: the first lookups wait under the lock
        # until every entry point is read, and only then is the table marked
        # loaded. The lock is re-entrant and ``_loading`` stops a plug-in that
        # registers a scorer while it is imported from loading the group again.
        self._lock = threading.RLock()
        self._loading = False

    def __getstate__(self) -> dict[str, Any]:
        # a lock cannot be pickled or copied; the copy gets a lock of its own
        with self._lock:
            state = dict(self.__dict__)
        state["_lock"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.RLock()

    def _load_entry_points(self) -> None:
        if self._loaded:
            return
        with self._lock:
            if self._loaded or self._loading:
                return
            self._loading = True
            try:
                self._read_entry_points()
            finally:
                self._loading = False
                self._loaded = True

    def _read_entry_points(self) -> None:
        assert self._group is not None
        try:
            eps = list(importlib.metadata.entry_points(group=self._group))
        except Exception as exc:  # a broken installation must not break built-ins
            warnings.warn(
                f"could not read entry points of group {self._group!r}: "
                f"{type(exc).__name__}: {exc}",
                KamcoreWarning,
                stacklevel=4,
            )
            return
        for ep in sorted(eps, key=lambda e: e.name):
            where = f"entry point {ep.name!r} = {ep.value!r} (group {self._group!r})"
            if ep.name in self._factories or ep.name in self._failed:
                warnings.warn(
                    f"ignoring {where}: the scorer name {ep.name!r} is already taken "
                    f"({self._origin.get(ep.name, 'another plug-in')}).",
                    KamcoreWarning,
                    stacklevel=4,
                )
                continue
            try:
                obj = ep.load()
            except Exception as exc:
                self._failed[ep.name] = f"{where} failed to load: {type(exc).__name__}: {exc}"
                continue
            if not callable(obj):
                self._failed[ep.name] = (
                    f"{where} loaded {type(obj).__name__} {obj!r}, which is not a callable "
                    "scorer factory."
                )
                continue
            self._factories[ep.name] = obj
            self._origin[ep.name] = where

    def names(self) -> tuple[str, ...]:
        """Return the sorted names of the loadable scorers."""
        self._load_entry_points()
        return tuple(sorted(self._factories))

    def failed(self) -> Mapping[str, str]:
        """Return plug-ins that failed to load: name -> reason."""
        self._load_entry_points()
        return dict(self._failed)

    def register(self, name: str, factory: Factory, *, replace: bool = False) -> None:
        """Register ``factory`` under ``name``.

        Raises
        ------
        InvalidParameterError
            ``name`` already registered (and ``replace`` is false), a blank
            name, or a factory that is not callable.
        """
        _check_name(name)
        if not callable(factory):
            raise InvalidParameterError(
                f"scorer factory for {name!r} must be callable; got {factory!r}."
            )
        self._load_entry_points()
        with self._lock:
            if name in self._factories and not replace:
                raise InvalidParameterError(
                    f"a scorer named {name!r} is already registered ({self._origin[name]}); "
                    "pass replace=True to replace it."
                )
            self._factories[name] = factory
            self._origin[name] = "registered"
            self._failed.pop(name, None)

    def unregister(self, name: str) -> None:
        """Remove ``name`` (:class:`UnknownNameError` if it is not registered)."""
        _check_name(name)
        self._load_entry_points()
        with self._lock:
            if name not in self._factories:
                raise self._unknown(name)
            del self._factories[name]
            del self._origin[name]

    def _unknown(self, name: str) -> UnknownNameError:
        known = ", ".join(repr(n) for n in sorted(self._factories)) or "none"
        return UnknownNameError(f"no scorer named {name!r}; known scorers: {known}.")

    def get(self, name: str, **params: Any) -> Scorer:
        """Build the scorer called ``name`` with ``params``.

        Raises
        ------
        UnknownNameError
            No such scorer (the message lists the known names).
        ScorerLoadError
            A plug-in that failed to load or whose factory returned no scorer.
        InvalidParameterError
            Parameters the factory does not accept (or rejects).
        """
        _check_name(name)
        self._load_entry_points()
        if name in self._failed:
            raise ScorerLoadError(self._failed[name])
        if name not in self._factories:
            raise self._unknown(name)
        factory = self._factories[name]
        try:
            sig = inspect.signature(factory)
        except (TypeError, ValueError):
            sig = None
        if sig is not None:
            try:
                sig.bind(**params)
            except TypeError as exc:
                accepted = [
                    p.name
                    for p in sig.parameters.values()
                    if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)
                ]
                raise InvalidParameterError(
                    f"scorer {name!r} does not accept these parameters ({exc}); "
                    f"accepted: {accepted}."
                ) from None
        scorer = factory(**params)
        if not isinstance(scorer, Scorer):
            raise ScorerLoadError(
                f"the factory of scorer {name!r} ({self._origin[name]}) returned "
                f"{type(scorer).__name__}, which lacks the Scorer protocol "
                "(name, params, score(portfolio, *, as_of=None))."
            )
        return scorer


_REGISTRY: Final = ScorerRegistry(BUILTIN_SCORERS)


def get_scorer(name: str, **params: Any) -> Scorer:
    """Build the registered scorer ``name`` with keyword ``params``.

    Parameters
    ----------
    name : str
        Registry name, e.g. ``"rubric"``, ``"pareto"``; see :func:`scorer_names`.
    **params
        The strategy's parameters (e.g. ``column="profit_last_year"``).

    Returns
    -------
    Scorer
        A new scorer built with ``params``.

    Raises
    ------
    UnknownNameError
        Unknown name; the message lists the known scorers.
    ScorerLoadError
        A plug-in that failed to load.
    InvalidParameterError
        Parameters the strategy does not accept or rejects.

    Examples
    --------
    >>> get_scorer("pareto", column="profit_last_year").name
    'pareto'
    >>> get_scorer("nope")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kamcore.errors.UnknownNameError: no scorer named 'nope'; known scorers: ...
    """
    return _REGISTRY.get(name, **params)


def scorer_names() -> tuple[str, ...]:
    """Return the sorted names of every available scorer (built-ins and plug-ins).

    Returns
    -------
    tuple of str
        Sorted names that :func:`get_scorer` accepts.

    Examples
    --------
    >>> {"rubric", "pareto", "rfm"} <= set(scorer_names())
    True
    """
    return _REGISTRY.names()


def register_scorer(name: str, factory: Factory, *, replace: bool = False) -> None:
    """Register a scorer factory under ``name`` (see :meth:`ScorerRegistry.register`).

    Parameters
    ----------
    name : str
        The name :func:`get_scorer` will accept.
    factory : callable
        Takes the scorer's keyword parameters and returns a scorer (a class
        works).
    replace : bool
        Replace a scorer already registered under ``name``.

    Raises
    ------
    InvalidParameterError
        The name is taken and ``replace`` is false.

    Examples
    --------
    >>> from kamcore.scoring import ParetoScorer, get_scorer, register_scorer, unregister_scorer
    >>> register_scorer("abc_sales", ParetoScorer)
    >>> get_scorer("abc_sales", column="sales_last_year").name
    'pareto'
    >>> unregister_scorer("abc_sales")
    """
    _REGISTRY.register(name, factory, replace=replace)


def unregister_scorer(name: str) -> None:
    """Remove a registered scorer (see :meth:`ScorerRegistry.unregister`).

    Parameters
    ----------
    name : str
        A registered scorer name.

    Raises
    ------
    UnknownNameError
        ``name`` is not registered.

    Examples
    --------
    >>> from kamcore.scoring import ParetoScorer, register_scorer, scorer_names, unregister_scorer
    >>> register_scorer("pareto_copy", ParetoScorer)
    >>> unregister_scorer("pareto_copy")
    >>> "pareto_copy" in scorer_names()
    False
    """
    _REGISTRY.unregister(name)
