"""``python -m kamcore``: the same as the ``kamcore`` command."""

from kamcore.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
