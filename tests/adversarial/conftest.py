"""Adversarial suite: the outcome counts, printed at the end and written to last_counts.txt."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.adversarial._harness import COUNTS

COUNTS_FILE = Path(__file__).with_name("last_counts.txt")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if COUNTS.cases:
        terminalreporter.write_line(COUNTS.line())


def pytest_sessionfinish(session: Any) -> None:
    if COUNTS.cases:
        COUNTS_FILE.write_text(COUNTS.line() + "\n", encoding="utf-8")


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    """Close the figures the displays' plot() cases opened (other tests count open figures)."""
    yield
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")
