"""``python -m flake8_redundant_bias``: the ``redundant-bias`` command."""

from .adapters.command.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
