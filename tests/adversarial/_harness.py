"""The adversarial harness: enumerate the public API, feed it bad values, classify outcomes.

Every public callable (functions, class constructors, public methods and
classmethods of every module in ``PUBLIC_MODULES``, including the methods a
class inherits from kamcore mixins and base classes) gets a *baseline* call built
from :data:`EXAMPLES` (valid example values by parameter name) and
:data:`INSTANCES` (example objects for methods). Each parameter in turn is then
replaced by every value of a catalogue of bad and extreme values while the
others keep their valid examples. A case ends in one of five ways:

``ok``       returned, and nothing in the result is NaN/inf where the input was invalid
``refused``  raised a :class:`~kamcore.errors.KamcoreError` subclass
``bare``     raised any other exception (a defect: a raw numpy/scipy/builtin error)
``silent``   returned a float NaN/inf for an input that is invalid by construction
``hang``     did not finish within :data:`DEADLINE` seconds

A case whose outcome the callable's documentation gives (``_documented.py``:
-inf as "ranked last", a property checker's AssertionError) is counted as
``ok-documented`` instead of ``bare`` or ``silent``.
"""

from __future__ import annotations

import enum
import importlib
import importlib.util
import inspect
import math
import signal
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from kamcore.errors import KamcoreError

DEADLINE = 5.0  # seconds per case

ROOT = Path(__file__).resolve().parents[2]


def public_modules() -> tuple[str, ...]:
    """The PUBLIC_MODULES list of tests/test_public_api.py (one list, read from its source)."""
    spec = importlib.util.spec_from_file_location(
        "_kamcore_public_api", ROOT / "tests" / "test_public_api.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return tuple(module.PUBLIC_MODULES)


# ------------------------------------------------------------------ enumeration


@dataclass(frozen=True)
class Entry:
    """One public callable: ``owner`` is the class for constructors and methods."""

    qualname: str  # e.g. "kamcore.clp.BetaGeo.fit" or "kamcore.clp.customer_equity"
    func: Callable[..., Any]
    owner: type | None = None
    kind: str = "function"  # function | constructor | method | classmethod | staticmethod


def _is_error(obj: Any) -> bool:
    return inspect.isclass(obj) and issubclass(obj, (BaseException, Warning))


def _public_members(cls: type) -> Iterator[tuple[str, Any]]:
    """The public attributes of ``cls``: its own and those inherited from kamcore bases.

    A mixin's or base class's method (``predict`` of a model base, the
    ``*_interval`` methods of a mixin, ``to_frame`` of ``CustomerColumns``) is
    covered once per concrete public class, under that class's name; the
    nearest definition in the method resolution order wins, as in Python.
    """
    seen: set[str] = set()
    for klass in cls.__mro__:
        if klass is not cls and not klass.__module__.startswith("kamcore"):
            continue
        for attr, raw in vars(klass).items():
            if attr.startswith("_") or attr in seen:
                continue
            seen.add(attr)
            yield attr, raw


def enumerate_api() -> list[Entry]:
    """Every public function, constructor and public method, each once, sorted by name."""
    entries: dict[str, Entry] = {}
    seen: set[int] = set()
    for mod_name in public_modules():
        module = importlib.import_module(mod_name)
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if id(obj) in seen:
                continue
            if inspect.isclass(obj):
                seen.add(id(obj))
                if _is_error(obj):
                    continue  # errors are raised, never called with user data
                base = f"{mod_name}.{name}"
                entries[base] = Entry(base, obj, obj, "constructor")
                for attr, raw in _public_members(obj):
                    if isinstance(raw, classmethod):
                        kind = "classmethod"
                    elif isinstance(raw, staticmethod):
                        kind = "staticmethod"
                    elif inspect.isfunction(raw):
                        kind = "method"
                    else:
                        continue
                    entries[f"{base}.{attr}"] = Entry(
                        f"{base}.{attr}", getattr(obj, attr), obj, kind
                    )
            elif callable(obj) and not isinstance(obj, (dict, tuple, list, frozenset)):
                seen.add(id(obj))
                entries[f"{mod_name}.{name}"] = Entry(f"{mod_name}.{name}", obj)
    return [entries[k] for k in sorted(entries)]


# ------------------------------------------------------------------ the catalogue


@dataclass(frozen=True)
class Bad:
    """A catalogue value: ``invalid`` when no correct function could accept it."""

    name: str
    make: Callable[[Any], Any]  # baseline value -> replacement
    invalid: bool = True


def _like(base: Any, fill: Any) -> Any:
    n = max(len(base), 1) if _is_seq(base) else 3
    return [fill] * n


def _is_seq(value: Any) -> bool:
    return isinstance(value, (list, tuple, np.ndarray)) and np.ndim(value) >= 1


def _ids_like(base: Any, ids: list[str]) -> Any:
    n = len(base) if _is_seq(base) else 3
    return (ids * n)[:n] if n else ids


#: Ordered so the quick profile (the first few of each list) hits the most telling ones.
SCALAR_VALUES: tuple[Bad, ...] = (
    Bad("nan", lambda b: math.nan),
    Bad("str", lambda b: "x"),
    Bad("huge", lambda b: 1e308, invalid=False),
    Bad("negative", lambda b: -1, invalid=False),
    Bad("None", lambda b: None, invalid=False),  # None is a legitimate default for many
    Bad("inf", lambda b: math.inf),
    Bad("-inf", lambda b: -math.inf),
    Bad("zero", lambda b: 0, invalid=False),
    Bad("tiny", lambda b: 5e-324, invalid=False),
    Bad("huge_int", lambda b: 10**15, invalid=False),
    Bad("bool", lambda b: True, invalid=False),
    Bad("complex", lambda b: 1 + 1j),
    Bad("object", lambda b: object()),
    Bad("list", lambda b: [1.0, 2.0], invalid=False),
)

ARRAY_VALUES: tuple[Bad, ...] = (
    Bad("nan_array", lambda b: _like(b, math.nan)),
    Bad("ragged", lambda b: [[1], [1, 2]]),
    Bad("str_array", lambda b: _like(b, "x")),
    Bad("empty", lambda b: [], invalid=False),
    Bad(
        "length_mismatch",
        lambda b: list(np.asarray(b).tolist()) + list(np.asarray(b).tolist()[:1]),
        invalid=False,
    ),
    Bad("2d", lambda b: [np.asarray(b).tolist()] * 2, invalid=False),
    Bad("inf_array", lambda b: _like(b, math.inf)),
    Bad("-inf_array", lambda b: _like(b, -math.inf)),
    Bad("huge_array", lambda b: _like(b, 1e308), invalid=False),
    Bad("negative_array", lambda b: _like(b, -1.0), invalid=False),
    Bad("zero_array", lambda b: _like(b, 0.0), invalid=False),
    Bad("None_array", lambda b: _like(b, None)),
    Bad("bool_array", lambda b: _like(b, True), invalid=False),
    Bad("complex_array", lambda b: _like(b, 1 + 1j)),
    Bad("object_array", lambda b: np.array(_like(b, object()), dtype=object)),
    Bad("scalar_nan", lambda b: math.nan),
)

TEXT_VALUES: tuple[Bad, ...] = (
    Bad("empty_str", lambda b: "", invalid=False),
    Bad("None", lambda b: None, invalid=False),
    Bad("nan", lambda b: math.nan),
    Bad("int", lambda b: 1, invalid=False),
    Bad("whitespace", lambda b: f" {b} ", invalid=False),
    Bad("nul", lambda b: f"{b}\x00", invalid=False),
    Bad("unknown", lambda b: "no-such-name", invalid=False),
    Bad("bool", lambda b: True, invalid=False),
    Bad("list", lambda b: [b], invalid=False),
)

ID_VALUES: tuple[Bad, ...] = (
    Bad("duplicate_ids", lambda b: _ids_like(b, ["a", "a"]), invalid=False),
    Bad("whitespace_ids", lambda b: _ids_like(b, [" a", "b "]), invalid=False),
    Bad("nul_ids", lambda b: _ids_like(b, ["a\x00", "a"]), invalid=False),
    Bad("nan_ids", lambda b: _ids_like(b, [math.nan, "a"])),
    Bad("None_ids", lambda b: _ids_like(b, [None, "a"])),
    Bad("mixed_ids", lambda b: _ids_like(b, [1, "1"]), invalid=False),
    Bad("ragged", lambda b: [["a"], ["b", "c"]]),
    Bad("empty", lambda b: [], invalid=False),
)

OBJECT_VALUES: tuple[Bad, ...] = (
    Bad("None", lambda b: None, invalid=False),
    Bad("str", lambda b: "x", invalid=False),
    Bad("nan", lambda b: math.nan),
    Bad("int", lambda b: 1, invalid=False),
    Bad("empty_list", lambda b: [], invalid=False),
    Bad("object", lambda b: object()),
)

_ID_CATALOGUE = ID_VALUES + tuple(
    v for v in ARRAY_VALUES[:4] if v.name not in {b.name for b in ID_VALUES}
)

ID_NAMES = frozenset({"ids", "customer_ids", "from_states", "to_states", "states", "labels"})


def catalogue(name: str, baseline: Any) -> tuple[Bad, ...]:
    """The bad values for one parameter, chosen by the kind of its valid example."""
    if name in ID_NAMES:
        return _ID_CATALOGUE
    if isinstance(baseline, bool):
        return OBJECT_VALUES
    if isinstance(baseline, (int, float, np.integer, np.floating)):
        return SCALAR_VALUES
    if isinstance(baseline, str):
        return TEXT_VALUES
    if _is_seq(baseline):
        kind = np.asarray(baseline).dtype.kind
        if kind in "US":
            return _ID_CATALOGUE
        if kind in "biuf":
            return ARRAY_VALUES
    return OBJECT_VALUES


# ------------------------------------------------------------------ running a case


class Hang(BaseException):
    """Raised by the alarm: the case ran past its deadline."""


def _on_alarm(signum: int, frame: Any) -> None:
    raise Hang


def _has_bad_float(value: Any, depth: int = 0) -> bool:
    """Whether a result holds a NaN or an infinity anywhere a float is returned."""
    if depth > 4:
        return False
    if isinstance(value, (float, np.floating)):
        return not math.isfinite(float(value))
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "fc":
            return bool(value.size) and not bool(np.isfinite(value).all())
        if value.dtype.kind == "O" and value.size <= 1000:
            return any(_has_bad_float(v, depth + 1) for v in value.ravel())
        return False
    if isinstance(value, (list, tuple)):
        return any(_has_bad_float(v, depth + 1) for v in value[:1000])
    if isinstance(value, dict):
        return any(_has_bad_float(v, depth + 1) for v in list(value.values())[:1000])
    if attrs.has(type(value)):
        return any(
            _has_bad_float(getattr(value, a.name, None), depth + 1)
            for a in attrs.fields(type(value))
        )
    return False


def run_call(func: Callable[..., Any], args: list[Any], kwargs: dict[str, Any]) -> tuple[str, Any]:
    """Call under the deadline; -> (outcome without the silent check, result or exception)."""
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, DEADLINE)
    try:
        with warnings.catch_warnings():
            # a KamcoreWarning is a documented outcome; numpy's RuntimeWarnings are
            # judged by the result they leave (NaN/inf: silent)
            warnings.simplefilter("ignore")
            with np.errstate(all="ignore"):
                result = func(*args, **kwargs)
    except Hang:
        return "hang", None
    except KamcoreError as exc:
        return "refused", exc
    except Exception as exc:
        return "bare", exc
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    return "ok", result


@dataclass
class Counts:
    """Outcome counts over a session."""

    by_outcome: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(
            ("ok", "documented", "refused", "bare", "silent", "hang"), 0
        )
    )
    callables: int = 0
    skipped: int = 0

    @property
    def cases(self) -> int:
        return sum(self.by_outcome.values())

    def line(self) -> str:
        o = self.by_outcome
        return (
            f"adversarial: {self.callables} callables covered, {self.skipped} skipped with a "
            f"reason; {self.cases} cases: {o['ok']} ok, {o['documented']} ok-documented, "
            f"{o['refused']} refused, {o['bare']} bare, {o['silent']} silent, {o['hang']} hang"
        )


COUNTS = Counts()


def run_cases(
    entry: Entry,
    recipe: Recipe,
    per_parameter: int | None,
    documented: Mapping[str, tuple[str, str]] | None = None,
) -> Iterator[tuple[str, str, str]]:
    """Yield ``(case id, outcome, detail)`` for every catalogue value of every parameter.

    A case in ``documented`` (case id -> (outcome prefix, reason)) whose
    ``"<outcome> <detail>"`` starts with the recorded prefix is reported as
    ``documented`` (counted as ok-documented).

    A record may declare, in its ``_NAN_OK`` class attribute, the fields whose
    NaN is a documented "no value" marker: NaN given to such a field of its
    constructor is a valid input, so a NaN in the result is not silent.
    """
    nan_ok = getattr(entry.owner, "_NAN_OK", ()) if entry.kind == "constructor" else ()
    for pname, baseline in recipe.mutable.items():
        values = catalogue(pname, baseline)
        if per_parameter is not None:
            values = values[:per_parameter]
        for bad in values:
            case = f"{entry.qualname}[{pname}={bad.name}]"
            try:
                replacement = bad.make(baseline)
            except Exception:
                continue
            args, kwargs = recipe.call_with(pname, replacement)
            outcome, result = run_call(recipe.target(), args, kwargs)
            nan_marker = pname in nan_ok and bad.name in ("nan", "nan_array")
            if outcome == "ok" and bad.invalid and not nan_marker and _has_bad_float(result):
                outcome = "silent"
            detail = ""
            if outcome == "bare":
                detail = f"{type(result).__name__}: {str(result)[:160]}"
            if (
                documented
                and case in documented
                and f"{outcome} {detail}".startswith(documented[case][0])
            ):
                outcome = "documented"
            COUNTS.by_outcome[outcome] += 1
            yield case, outcome, detail


# ------------------------------------------------------------------ recipes


@dataclass
class Recipe:
    """A valid call of one entry and the parameters the catalogue replaces."""

    target: Callable[[], Callable[..., Any]]
    positional: list[tuple[str, Any]]  # positional-only parameters, in order
    keywords: dict[str, Any]
    mutable: dict[str, Any]  # parameter -> valid example used as the baseline

    def call_with(self, name: str, value: Any) -> tuple[list[Any], dict[str, Any]]:
        args = [value if n == name else v for n, v in self.positional]
        kwargs = dict(self.keywords)
        if name in kwargs or all(n != name for n, _ in self.positional):
            kwargs[name] = value
        return args, kwargs


_MISSING = object()


def build_recipe(
    entry: Entry,
    examples: dict[str, Callable[[], Any]],
    instances: dict[Any, Callable[[], Any]],
    overrides: dict[str, dict[str, Callable[[], Any]]],
) -> Recipe | str:
    """Build the baseline call of ``entry``, or return why it cannot be built."""
    func = entry.func
    if entry.kind == "method":
        assert entry.owner is not None
        # an instance keyed by the method's name wins (a method that needs a
        # particular state, such as win_back on an ended relationship)
        make = instances.get(entry.qualname) or instances.get(entry.owner)
        if make is None:
            return f"no example instance of {entry.owner.__name__}"
        name = entry.qualname.rsplit(".", 1)[1]

        def target() -> Callable[..., Any]:
            return getattr(make(), name)  # a fresh instance per case

        sig_func: Any = getattr(make(), name)
    else:

        def target() -> Callable[..., Any]:
            return func

        sig_func = func
    try:
        sig = inspect.signature(sig_func)
    except (TypeError, ValueError):
        return "no signature"
    local = overrides.get(entry.qualname, {})
    positional: list[tuple[str, Any]] = []
    keywords: dict[str, Any] = {}
    mutable: dict[str, Any] = {}
    for p in sig.parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        # required parameters take the override or the shared example; optional
        # ones are passed only when overridden (the example then just picks the
        # kind of bad values: an array catalogue for an array, and so on)
        if p.name in local:
            value = local[p.name]()
        elif p.default is p.empty and p.name in examples:
            value = examples[p.name]()
        elif p.default is p.empty:
            return f"no example value for required parameter {p.name!r}"
        else:
            value = _MISSING
        shown = value
        if value is _MISSING:
            shown = examples[p.name]() if p.name in examples else p.default
        if p.kind is p.POSITIONAL_ONLY:
            if value is _MISSING:
                continue
            positional.append((p.name, value))
        elif value is not _MISSING:
            keywords[p.name] = value
        mutable[p.name] = shown
    return Recipe(target, positional, keywords, mutable)


def is_enum(cls: type | None) -> bool:
    return cls is not None and issubclass(cls, enum.Enum)
