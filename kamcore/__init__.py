"""kamcore: the key-account-management domain model.

Objects for meaning, arrays for volume: frozen attrs domain objects
(:mod:`kamcore.domain`) describe one customer or relationship; a columnar
:class:`Portfolio` carries many; every calculator is a numpy kernel over its
columns.

Every public object has one import path. The top level holds the
:class:`Portfolio` and the version; the rest lives in its package:

=========================== ====================================================
:mod:`kamcore.domain`       Money, Customer, Contact, Relationship, lifecycle
                            stages and transitions, Transaction, SwitchingCost,
                            SatisfactionSummary
:mod:`kamcore.errors`       the exception hierarchy (every class is a
                            :class:`~kamcore.errors.KamcoreError`)
:mod:`kamcore.transactions` transaction logs and their per-customer summary
:mod:`kamcore.clp`          customer lifetime profit and the repeat-buying models
:mod:`kamcore.satisfaction` SERVQUAL gaps, reliability, importance-performance
:mod:`kamcore.switching`    barrier index and switching-cost totals
:mod:`kamcore.loyalty`      loyalty ratios, retention model, loyalty matrices
:mod:`kamcore.metrics`      retention and cohorts, order cycles, concentration
:mod:`kamcore.lifecycle`    lifecycle stage detection from sales series
:mod:`kamcore.scoring`      the scorer protocol, registry and built-in strategies
:mod:`kamcore.allocation`   account-management effort over response curves
:mod:`kamcore.access`       roles and information tiers: redacted views and
                            portfolios
:mod:`kamcore.io.json`      versioned, strict JSON documents
:mod:`kamcore.io.frames`    pandas / polars / pyarrow frames
:mod:`kamcore.plotting`     Display objects (matplotlib)
:mod:`kamcore.testing`      hypothesis strategies and the scorer conformance check
:mod:`kamcore.data`         the embedded demo data
=========================== ====================================================

The packages are imported on first use (``kamcore.clp``), so ``import
kamcore`` stays light.

Examples
--------
>>> import kamcore
>>> len(kamcore.Portfolio.from_columns(["a", "b"], {"margin": [1.0, 2.0]}))
2
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from kamcore._portfolio import Portfolio
from kamcore._version import __version__

if TYPE_CHECKING:  # the packages, typed for checkers; imported lazily at run time
    from kamcore import (  # noqa: F401
        access,
        allocation,
        cli,
        clp,
        data,
        domain,
        errors,
        io,
        lifecycle,
        loyalty,
        metrics,
        plotting,
        satisfaction,
        scoring,
        switching,
        testing,
        transactions,
    )

__all__ = ["Portfolio", "__version__"]

_SUBPACKAGES = frozenset(
    {
        "access",
        "allocation",
        "cli",
        "clp",
        "data",
        "domain",
        "errors",
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
    if name in _SUBPACKAGES:
        module = importlib.import_module(f"kamcore.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'kamcore' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _SUBPACKAGES)
