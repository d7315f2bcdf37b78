"""Fuzz targets: the example budget.

Every target runs ``FUZZ_EXAMPLES`` examples (default 60; with the ``ci``
profile they are derandomized, so CI runs the same inputs every time). Run
longer with, for example::

    KAMCORE_FUZZ_EXAMPLES=20000 HYPOTHESIS_PROFILE=dev python -m pytest tests/fuzz
"""

from __future__ import annotations

import os

FUZZ_EXAMPLES = int(os.environ.get("KAMCORE_FUZZ_EXAMPLES", "60"))
