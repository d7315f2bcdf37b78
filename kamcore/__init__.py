"""kamcore: the key-account-management domain model.

Objects for meaning, arrays for volume: frozen attrs domain objects describe
one customer or relationship; a columnar :class:`Portfolio` carries many; every
calculator is a numpy kernel over its columns.

The main domain objects and the error hierarchy are importable from here;
the capability packages are imported on first use (``kamcore.clp``,
``kamcore.satisfaction``, ``kamcore.switching``, ``kamcore.loyalty``,
``kamcore.scoring``, ``kamcore.metrics``, ``kamcore.lifecycle``,
``kamcore.allocation``, ``kamcore.io``, ``kamcore.plotting``) so that
``import kamcore`` stays light.

Examples
--------
>>> import kamcore
>>> kamcore.Money.of("19.99", "EUR") + kamcore.Money.of("0.01", "EUR")
Money(amount=Decimal('20.00'), currency='EUR')
"""

from __future__ import annotations

import importlib
from typing import Any

from kamcore._portfolio import Portfolio
from kamcore._version import __version__
from kamcore.domain import (
    Contact,
    Customer,
    KamStage,
    LifecycleStage,
    Money,
    Relationship,
    RelationshipType,
    StageChange,
    Transaction,
)
from kamcore.domain._switching_cost import SwitchingCost
from kamcore.errors import (
    ConvergenceError,
    CurrencyMismatchError,
    InvalidParameterError,
    InvalidTransitionError,
    KamcoreError,
    MissingOptionalDependencyError,
    SchemaError,
    ShapeMismatchError,
    UnknownNameError,
)

__all__ = [
    "Contact",
    "ConvergenceError",
    "CurrencyMismatchError",
    "Customer",
    "InvalidParameterError",
    "InvalidTransitionError",
    "KamStage",
    "KamcoreError",
    "LifecycleStage",
    "MissingOptionalDependencyError",
    "Money",
    "Portfolio",
    "Relationship",
    "RelationshipType",
    "SchemaError",
    "ShapeMismatchError",
    "StageChange",
    "SwitchingCost",
    "Transaction",
    "UnknownNameError",
    "__version__",
]

_SUBMODULES = frozenset(
    {
        "allocation",
        "clp",
        "data",
        "io",
        "lifecycle",
        "loyalty",
        "metrics",
        "plotting",
        "satisfaction",
        "scoring",
        "switching",
        "testing",
        "transactions",
    }
)


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        module = importlib.import_module(f"kamcore.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'kamcore' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _SUBMODULES)
