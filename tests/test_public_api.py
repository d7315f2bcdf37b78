"""The public surface: one import path per object, private implementation modules, a snapshot.

The snapshot (``tests/data/public_api.txt``) lists every public package with its
sorted ``__all__``, so the surface changes only on purpose. After a deliberate
change, regenerate it with::

    KAMCORE_UPDATE_API_SNAPSHOT=1 python -m pytest tests/test_public_api.py
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

import kamcore

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT = ROOT / "tests" / "data" / "public_api.txt"

#: Every importable public module. Anything else under kamcore must be private
#: (a leading underscore in its dotted path).
PUBLIC_MODULES = (
    "kamcore",
    "kamcore.access",
    "kamcore.allocation",
    "kamcore.cli",
    "kamcore.clp",
    "kamcore.dask",
    "kamcore.data",
    "kamcore.domain",
    "kamcore.errors",
    "kamcore.io",
    "kamcore.io.frames",
    "kamcore.io.json",
    "kamcore.io.tables",
    "kamcore.lifecycle",
    "kamcore.loyalty",
    "kamcore.metrics",
    "kamcore.plotting",
    "kamcore.report",
    "kamcore.satisfaction",
    "kamcore.scoring",
    "kamcore.switching",
    "kamcore.testing",
    "kamcore.testing.strategies",
    "kamcore.transactions",
)


def _all_modules() -> list[str]:
    names = ["kamcore"]
    names.extend(info.name for info in pkgutil.walk_packages(kamcore.__path__, prefix="kamcore."))
    return sorted(names)


def _snapshot_text() -> str:
    lines = []
    for name in PUBLIC_MODULES:
        module = importlib.import_module(name)
        lines.append(f"[{name}]")
        lines.extend(sorted(module.__all__))
        lines.append("")
    return "\n".join(lines)


def test_every_module_is_public_by_list_or_private_by_name() -> None:
    stray = [
        m
        for m in _all_modules()
        if m not in PUBLIC_MODULES
        and m != "kamcore.__main__"
        and not any(part.startswith("_") for part in m.split(".")[1:])
    ]
    assert not stray, f"implementation modules must be private (leading underscore): {stray}"


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_all_names_exist_and_are_sorted_into_one_list(name: str) -> None:
    module = importlib.import_module(name)
    names = list(module.__all__)
    assert len(names) == len(set(names)), f"{name}.__all__ has duplicates"
    for n in names:
        assert hasattr(module, n), f"{name}.__all__ lists {n!r}, which it does not define"


def test_each_public_object_has_exactly_one_import_path() -> None:
    homes: dict[int, list[str]] = {}
    keep: list[object] = []
    for name in PUBLIC_MODULES:
        module = importlib.import_module(name)
        for n in module.__all__:
            obj = getattr(module, n)
            if isinstance(obj, (types.ModuleType, str, int, float, bool)) or obj is None:
                continue
            keep.append(obj)
            homes.setdefault(id(obj), []).append(f"{name}.{n}")
    twice = {paths[0]: paths for paths in homes.values() if len(paths) > 1}
    assert not twice, f"objects reachable by more than one public path: {twice}"


def test_public_api_matches_the_snapshot() -> None:
    current = _snapshot_text()
    if os.environ.get("KAMCORE_UPDATE_API_SNAPSHOT"):
        SNAPSHOT.write_text(current, encoding="utf-8")
    recorded = SNAPSHOT.read_text(encoding="utf-8")
    assert current == recorded, (
        "the public API changed; if on purpose, regenerate tests/data/public_api.txt "
        "(see this module's docstring)"
    )


def test_errors_live_only_in_kamcore_errors() -> None:
    from kamcore import errors

    for name in PUBLIC_MODULES:
        if name == "kamcore.errors":
            continue
        module = importlib.import_module(name)
        for n in module.__all__:
            obj = getattr(module, n)
            if isinstance(obj, type) and issubclass(obj, (errors.KamcoreError, Warning)):
                pytest.fail(f"{name}.{n}: errors belong in kamcore.errors")
    defined_elsewhere = [
        f"{m}.{n}"
        for m in _all_modules()
        if m != "kamcore.errors" and m not in ("kamcore.testing.strategies",)
        for n, obj in vars(importlib.import_module(m)).items()
        if isinstance(obj, type) and issubclass(obj, errors.KamcoreError) and obj.__module__ == m
    ]
    assert not defined_elsewhere, (
        f"KamcoreError subclasses outside kamcore.errors: {defined_elsewhere}"
    )


def test_documented_imports_are_typed_for_checkers(tmp_path: Path) -> None:
    """A user script calling a method that does not exist fails ``mypy --strict``."""
    pytest.importorskip("mypy")
    script = tmp_path / "user_script.py"
    script.write_text(
        "import kamcore\n"
        "from kamcore.clp import BetaGeo\n"
        "from kamcore.domain import Money\n"
        "bg = BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426)\n"
        "bg.no_such_method()\n"
        "kamcore.clp.ParetoNBD.no_such_classmethod()\n"
        "Money.of('1', 'EUR').no_such_property\n"
        "ok = bg.probability_alive(frequency=[1], recency=[2.0], T=[3.0])\n",
        encoding="utf-8",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(script)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    out = proc.stdout
    assert proc.returncode == 1, out
    assert '"BetaGeo" has no attribute "no_such_method"' in out
    assert '"type[ParetoNBD]" has no attribute "no_such_classmethod"' in out
    assert '"Money" has no attribute "no_such_property"' in out
    assert "Found 3 errors" in out, out
