"""Run flake8 with only some of the installed plugins, so A/B runs share one environment.

    python benchmarks/flake8_with.py PLUGINS -- FLAKE8_ARGS...

PLUGINS is a comma-separated list of distribution names to keep besides
flake8's own (pyflakes, pycodestyle, mccabe), or "none".
"""

from __future__ import annotations

import sys

from flake8.main import cli
from flake8.plugins import finder

OWN = {"flake8", "pyflakes", "pycodestyle", "mccabe"}


def main(argv: list[str]) -> int:
    keep = {name for name in argv[0].split(",") if name and name != "none"} | OWN
    everything = finder._find_importlib_plugins

    def selected():  # type: ignore[no-untyped-def]
        return (plugin for plugin in everything() if plugin.package in keep)

    finder._find_importlib_plugins = selected  # flake8 has no public switch for this
    return cli.main(argv[2:] if argv[1:2] == ["--"] else argv[1:])


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
