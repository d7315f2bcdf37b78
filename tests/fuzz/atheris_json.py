"""Coverage-guided fuzzing of ``kamcore.io.json.loads`` with atheris (optional).

atheris is not a kamcore dependency; install it yourself (``pip install
atheris``) and run, from the repository root::

    python tests/fuzz/atheris_json.py -atheris_runs=1000000 tests/data/json_documents

(the stored documents seed the corpus). Without atheris this file does
nothing when run; the test suite calls :func:`test_one_input` on a few inputs
so the harness keeps working.
"""

from __future__ import annotations

import sys

from kamcore.errors import KamcoreError
from kamcore.io import json as kjson


def test_one_input(data: bytes) -> None:
    """One fuzz input: a document, or a refusal; anything else is a crash."""
    try:
        result = kjson.loads(data)
    except KamcoreError:
        return
    text = kjson.dumps(result)
    if kjson.dumps(kjson.loads(text)) != text:
        raise AssertionError("a loaded document does not write back to itself")


def main() -> int:
    try:
        import atheris  # type: ignore[import-not-found]
    except ImportError:
        print("atheris is not installed (pip install atheris); nothing to do.", file=sys.stderr)
        return 0
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
