"""Run flake8 with only some of the installed plugins, so A/B runs share one environment.

    python benchmarks/flake8_with.py PLUGINS -- FLAKE8_ARGS...

PLUGINS is a comma-separated list of distribution names to keep besides
flake8's own (pyflakes, pycodestyle, mccabe), or "none".

With FLAKE8_WITH_PLUGIN_CPU=FILE set (and --jobs 1), the CPU time spent in
flake8-redundant-bias (its import and every Plugin.run) and the process's
whole CPU time are written to FILE as JSON when flake8 ends, with the
counters of the project's other modules read (how many parsed, how many
answers came from the cache, the CPU seconds reading and parsing): the plugin's
share of flake8's CPU, measured in the same run, so that a machine whose
speed drifts between runs cannot distort it.  With FLAKE8_WITH_GC_CPU=FILE set,
the CPU time of every garbage collection and of the whole process are written
there: the collections a plugin's kept objects make longer happen outside it.
"""

from __future__ import annotations

import atexit
import gc
import json
import os
import sys
import time

from flake8.main import cli
from flake8.plugins import finder

OWN = {"flake8", "pyflakes", "pycodestyle", "mccabe"}


def time_plugin(path: str) -> None:
    start = time.process_time()
    from flake8_redundant_bias.model import project
    from flake8_redundant_bias.adapters.flake8 import Plugin

    spent = [time.process_time() - start]
    run = Plugin.run

    def timed(self):  # type: ignore[no-untyped-def]
        began = time.process_time()
        found = list(run(self))
        spent[0] += time.process_time() - began
        return iter(found)

    Plugin.run = timed  # type: ignore[method-assign]

    def report() -> None:
        with open(path, "w", encoding="utf-8") as out:
            json.dump({"plugin": spent[0], "total": time.process_time(), "imports": project.STATS}, out)

    atexit.register(report)


def time_collections(path: str) -> None:
    """The CPU the garbage collector takes in the run, and the run's: a plugin's objects kept between files are
    traversed by each of flake8's full collections, a cost outside the plugin's own calls."""
    spent = [0.0, 0.0]

    def collecting(phase: str, info: dict) -> None:
        if phase == "start":
            spent[1] = time.process_time()
        else:
            spent[0] += time.process_time() - spent[1]

    gc.callbacks.append(collecting)

    def report() -> None:
        with open(path, "w", encoding="utf-8") as out:
            json.dump({"gc": spent[0], "total": time.process_time()}, out)

    atexit.register(report)


def main(argv: list[str]) -> int:
    if os.environ.get("FLAKE8_WITH_PLUGIN_CPU"):
        time_plugin(os.environ["FLAKE8_WITH_PLUGIN_CPU"])
    if os.environ.get("FLAKE8_WITH_GC_CPU"):
        time_collections(os.environ["FLAKE8_WITH_GC_CPU"])
    keep = {name for name in argv[0].split(",") if name and name != "none"} | OWN
    everything = finder._find_importlib_plugins

    def selected():  # type: ignore[no-untyped-def]
        return (plugin for plugin in everything() if plugin.package in keep)

    finder._find_importlib_plugins = selected  # flake8 has no public switch for this
    return cli.main(argv[2:] if argv[1:2] == ["--"] else argv[1:])


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
