"""The one rule of every fuzz target: a valid result, or a KamcoreError."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from kamcore.errors import KamcoreError

#: Known defects the targets have found, each (exception type, message pattern);
#: each has a strict xfail test reproducing it, so a fix is noticed and the
#: entry removed. Empty: every finding so far is fixed.
KNOWN_DEFECTS: tuple[tuple[type[BaseException], str], ...] = ()


def result_or_refusal(call: Callable[[], Any], *, known: bool = False) -> Any:
    """Run ``call``; return its result, or None if it raised a KamcoreError.

    Any other exception propagates, and fails the target: a bare numpy, scipy,
    csv or builtin error reaching the caller is a defect. With ``known=True``
    an error matching :data:`KNOWN_DEFECTS` counts as a refusal too.
    """
    try:
        return call()
    except KamcoreError as exc:
        if not str(exc):
            raise AssertionError("a refusal must say why") from exc
        return None
    except Exception as exc:
        if known and any(
            isinstance(exc, kind) and re.search(pattern, str(exc))
            for kind, pattern in KNOWN_DEFECTS
        ):
            return None
        raise
