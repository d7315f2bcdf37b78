"""Shared pieces of the Display objects: the base class, axes handling, argument checks.

A Display is a frozen attrs object holding plain read-only arrays and labels,
computed once by a ``from_*`` classmethod. ``plot(ax=None)`` draws it and
returns a *new* display of the same data with ``ax_`` and ``figure_`` set
(the scikit-learn attribute names); the display it was called on is left
unchanged, so a display stays a value that can be drawn any number of times.
matplotlib is imported only inside ``plot``, through
:func:`kamcore._optional.require`.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

import attrs
import numpy as np

from kamcore._columns import FrozenArrays
from kamcore._optional import require
from kamcore._params import as_int_array, check_fields
from kamcore.errors import InvalidParameterError

__all__ = [
    "check_label",
    "Display",
    "check_choice",
    "check_count",
    "check_model",
    "finite_or_raise",
    "new_axes",
    "placed",
]


@attrs.frozen(eq=False, repr=False)
class Display(FrozenArrays):
    """Base of every Display: the two attributes that ``plot`` fills in.

    Attributes
    ----------
    ax_ : matplotlib Axes or None
        The axes drawn on; None until :meth:`plot` has run (on the display
        that ``plot`` returns).
    figure_ : matplotlib Figure or None
        The figure of ``ax_``.
    """

    #: fields whose NaN is a documented "no value" marker
    _NAN_OK: ClassVar[tuple[str, ...]] = ()

    def __attrs_post_init__(self) -> None:
        check_fields(self, nan_ok=self._NAN_OK)

    ax_: Any = attrs.field(default=None, init=False, repr=False)
    figure_: Any = attrs.field(default=None, init=False, repr=False)


D = TypeVar("D", bound=Display)


def new_axes(ax: Any) -> Any:
    """Return ``ax``, or the axes of a new figure when it is None.

    Raises
    ------
    InvalidParameterError
        ``ax`` is neither None nor a matplotlib ``Axes``.
    MissingOptionalDependencyError
        matplotlib is not installed.
    """
    if ax is None:
        _, new = require("matplotlib.pyplot").subplots()
        return new
    axes_type = require("matplotlib.axes").Axes
    if not isinstance(ax, axes_type):
        raise InvalidParameterError(
            f"'ax' must be a matplotlib Axes or None; got {type(ax).__name__}."
        )
    return ax


def placed(display: D, ax: Any, **extra: Any) -> D:
    """Return a copy of ``display`` with ``ax_``, ``figure_`` (and ``extra``) set.

    The copy shares the read-only arrays of ``display``; ``display`` itself
    is not changed.
    """
    new = attrs.evolve(display)
    object.__setattr__(new, "ax_", ax)
    object.__setattr__(new, "figure_", ax.figure)
    for name, value in extra.items():
        object.__setattr__(new, name, value)
    return new


def check_model(model: Any, allowed: tuple[type[Any], ...], name: str = "model") -> None:
    """Raise unless ``model`` is an instance of one of ``allowed``.

    Raises
    ------
    InvalidParameterError
        Naming the parameter, the accepted classes and the type given.
    """
    if not isinstance(model, allowed):
        accepted = ", ".join(c.__name__ for c in allowed)
        raise InvalidParameterError(
            f"{name!r} must be one of {accepted}; got {type(model).__name__}."
        )


def check_choice(value: Any, name: str, choices: tuple[str, ...]) -> str:
    """Return ``value`` if it is one of ``choices``, else raise naming ``name``."""
    if not isinstance(value, str) or value not in choices:
        raise InvalidParameterError(
            f"{name!r} must be one of {', '.join(repr(c) for c in choices)}; got {value!r}."
        )
    return value


def check_label(value: Any, name: str = "label") -> str:
    """Return an axis label: a non-empty string."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidParameterError(f"{name!r} must be a non-empty string; got {value!r}.")
    return value


#: the most points, bins or frequencies one plot axis takes (a figure, not a computation)
MAX_COUNT = 10_000


def check_count(value: Any, name: str, *, low: int = 1) -> int:
    """Return ``value`` as an int in [``low``, :data:`MAX_COUNT`], else raise naming ``name``."""
    arr = as_int_array(value, name, ndim=0)
    n = int(arr)
    if not low <= n <= MAX_COUNT:
        raise InvalidParameterError(f"{name!r} must be in [{low}, {MAX_COUNT}]; got {n}.")
    return n


def finite_or_raise(values: Any, name: str) -> None:
    """Raise when ``values`` holds NaN or infinity (a computed figure that must be finite)."""
    arr = np.asarray(values, dtype=np.float64)
    bad = ~np.isfinite(arr)
    if bad.any():
        first = int(np.flatnonzero(bad.ravel())[0])
        raise InvalidParameterError(
            f"{name!r} must be finite; got {int(bad.sum())} non-finite values "
            f"(first at index {first}: {arr.ravel()[first]!r})."
        )
