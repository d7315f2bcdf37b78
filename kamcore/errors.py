"""The kamcore exception and warning hierarchy (standard library only).

Every exception subclasses :class:`KamcoreError` *and* the built-in a caller
would naturally catch, so ``except ValueError`` keeps working for callers who
do not know kamcore. Messages name the field, the rule and the offending
value; for arrays they say how many values are bad and show the first one::

    'retention' must be a probability in [0, 1]; got 3 bad values (first at index 17: 1.2).
"""

from __future__ import annotations

__all__ = [
    "ConvergenceError",
    "CurrencyMismatchError",
    "InvalidParameterError",
    "InvalidTransitionError",
    "KamcoreError",
    "KamcoreWarning",
    "MissingOptionalDependencyError",
    "SchemaError",
    "ScorerLoadError",
    "ShapeMismatchError",
    "UnknownNameError",
]


class KamcoreError(Exception):
    """Base class of every error kamcore raises on purpose.

    Examples
    --------
    >>> issubclass(KamcoreError, Exception)
    True
    """


class InvalidParameterError(KamcoreError, ValueError):
    """A value breaks a rule of its field (range, sign, finiteness, kind, level).

    Examples
    --------
    >>> cls = InvalidParameterError
    >>> issubclass(cls, KamcoreError), issubclass(cls, ValueError)
    (True, True)
    """


class ShapeMismatchError(KamcoreError, ValueError):
    """Arrays that must line up (same length, broadcastable, square) do not.

    Examples
    --------
    >>> issubclass(ShapeMismatchError, KamcoreError), issubclass(ShapeMismatchError, ValueError)
    (True, True)
    """


class SchemaError(KamcoreError, ValueError):
    """A document or a set of columns does not have the expected structure.

    Raised for missing or unknown keys, wrong types in a JSON document,
    unsupported column types, and unsupported ``schema_version`` values. A
    column that is not present is an :class:`UnknownNameError`.

    Examples
    --------
    >>> issubclass(SchemaError, KamcoreError), issubclass(SchemaError, ValueError)
    (True, True)
    """


class InvalidTransitionError(KamcoreError, ValueError):
    """A lifecycle move that the transition table does not allow, or out of date order.

    Examples
    --------
    >>> cls = InvalidTransitionError
    >>> issubclass(cls, KamcoreError), issubclass(cls, ValueError)
    (True, True)
    """


class CurrencyMismatchError(KamcoreError, ValueError):
    """Money amounts in different currencies were combined.

    Examples
    --------
    >>> cls = CurrencyMismatchError
    >>> issubclass(cls, KamcoreError), issubclass(cls, ValueError)
    (True, True)
    """


class UnknownNameError(KamcoreError, LookupError):
    """A name (strategy, scorer, factor, level, column) is not registered or not known.

    This is the one error for "column not present", wherever the column is
    looked up; the message lists the available columns.

    Examples
    --------
    >>> issubclass(UnknownNameError, KamcoreError), issubclass(UnknownNameError, LookupError)
    (True, True)
    """


class ConvergenceError(KamcoreError, RuntimeError):
    """A numerical optimiser or solver did not converge.

    Parameters
    ----------
    message
        What failed, including the optimiser's own message.
    optimizer_message
        The raw message returned by the optimiser, if any.

    Examples
    --------
    >>> issubclass(ConvergenceError, KamcoreError), issubclass(ConvergenceError, RuntimeError)
    (True, True)
    """

    def __init__(self, message: str, *, optimizer_message: str | None = None) -> None:
        super().__init__(message)
        self.optimizer_message = optimizer_message


class MissingOptionalDependencyError(KamcoreError, ImportError):
    """An optional dependency needed by an edge module is not installed.

    The message says which extra to install, e.g. ``pip install 'kamcore[pandas]'``.

    Examples
    --------
    >>> cls = MissingOptionalDependencyError
    >>> issubclass(cls, KamcoreError), issubclass(cls, ImportError)
    (True, True)
    """


class ScorerLoadError(KamcoreError, ImportError):
    """A plug-in scorer (``kamcore.scorers`` entry point) could not be loaded or built.

    Examples
    --------
    >>> issubclass(ScorerLoadError, KamcoreError), issubclass(ScorerLoadError, ImportError)
    (True, True)
    """


class KamcoreWarning(UserWarning):
    """Base class of the warnings kamcore emits.

    Examples
    --------
    >>> issubclass(KamcoreWarning, UserWarning)
    True
    """
