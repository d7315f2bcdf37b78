"""Public testing helpers: the scorer conformance check and hypothesis strategies.

:func:`check_scorer` runs the contract every scorer must keep (the built-ins
pass it too) on :func:`example_portfolio`. The hypothesis strategies for every
domain object are in :mod:`kamcore.testing.strategies`, which needs hypothesis
(a test dependency) and is imported only when asked for.
"""

from __future__ import annotations

from kamcore.testing._scorers import check_scorer, example_portfolio

__all__ = ["check_scorer", "example_portfolio"]
