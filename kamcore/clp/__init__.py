"""Customer lifetime profit (CLP): closed forms, stage-shaped profit, Markov
migration and repeat-buying/retention models.

Names are imported lazily so that ``import kamcore.clp`` stays cheap; every
name below is part of the public API.
"""

from __future__ import annotations

import importlib
from typing import Any

# name -> submodule of kamcore.clp that defines it. Each helper edits only its own block.
_LAZY: dict[str, str] = {
    # --- closed form, stage-shaped, Markov (kamcore.clp.closed_form / stage / markov)
    # --- BG/NBD family (kamcore.clp.btyd.*)
    # --- BG/BB, Gamma-Gamma, sBG, per-customer CLP
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    try:
        module = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'kamcore.clp' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
