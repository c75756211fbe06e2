"""Project-specific additions to the knowledge tables, from options or config.

``--redundant-bias-producers=mylib.nn.ConvBlock:use_bias@3``
``--redundant-bias-norms=mylib.nn.MyBatchNorm``
``--redundant-bias-transparent=mylib.nn.Shift``
"""

from __future__ import annotations

import functools
import re
from typing import Iterable, Mapping, NamedTuple

from .knowledge import KNOWLEDGE, Knowledge
from .knowledge.schema import Arg, Norm, Producer, Spec, Transparent

DOTTED = r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+"


@functools.lru_cache(maxsize=None)
def _pattern(which: str) -> re.Pattern[str]:
    """A project row's syntax, compiled when a project gives rows (most runs give none: nothing to compile)."""
    if which == "producer":  # NAME[:KEYWORD[@POSITION][=True|False]]
        argument = r"(?P<keyword>[A-Za-z_]\w*)(?:@(?P<position>\d+))?(?:=(?P<default>True|False))?"
        return re.compile(rf"^(?P<name>{DOTTED})(?::{argument})?$")
    return re.compile(rf"^(?P<name>{DOTTED})$")


class ConfigError(ValueError):
    """A bad option value; its message names the option and the value."""


PROJECT = "project"  # the record a project's own rows belong to: PyTorch's layout


class Config(NamedTuple):
    knowledge: Knowledge = KNOWLEDGE  # the built-in records, with the project's rows added
    follow_imports: bool = True  # read the project's other modules when a value comes from one
    rows: tuple = ()  # the option values that made ``specs``: equal rows, equal analyses (a cache key)

    @property
    def key(self) -> tuple:
        """What tells analyses apart: equal keys, equal findings (the command's cache is kept per key)."""
        return self.rows, self.follow_imports

    @property
    def specs(self) -> Mapping[str, Spec]:
        return self.knowledge.rows

    @property
    def roots(self) -> frozenset[str]:
        return self.knowledge.roots

    @classmethod
    def build(
        cls, producers: Iterable[str] = (), norms: Iterable[str] = (), transparent: Iterable[str] = (),
        follow_imports: str | bool = True, names: Mapping[str, str] | None = None,
    ) -> Config:
        """``names``: how an error names each setting (``sub/pyproject.toml: [tool.redundant-bias] norms``), by its
        argument's name; by default, the flake8 option."""
        names = names or {}
        producers, norms, transparent = tuple(producers), tuple(norms), tuple(transparent)
        specs: dict[str, Spec] = dict(KNOWLEDGE.rows)
        for value in producers:
            match = _pattern("producer").match(value)
            if not match:
                raise ConfigError(
                    f"{names.get('producers', '--redundant-bias-producers')}: {value!r} is not "
                    "NAME[:KEYWORD[@POSITION][=True|False]] with NAME a dotted import path such as mylib.nn.ConvBlock"
                )
            _not_built_in(names.get("producers", "--redundant-bias-producers"), value, match["name"])
            position = match["position"]
            bias = Arg(match["keyword"] or "bias", int(position) if position else None, match["default"] != "False")
            specs[match["name"]] = Producer(bias=bias)
        for option, values, spec in (
            (names.get("norms", "--redundant-bias-norms"), norms, Norm()),
            (names.get("transparent", "--redundant-bias-transparent"), transparent, Transparent()),
        ):
            for value in values:
                if not _pattern("plain").match(value):
                    raise ConfigError(f"{option}: {value!r} is not a dotted import path such as mylib.nn.MyBatchNorm")
                _not_built_in(option, value, value)
                specs[value] = spec
        roots = KNOWLEDGE.roots | {name.partition(".")[0] for name in specs}
        follow = switch(names.get("follow_imports", "--redundant-bias-follow-imports"), follow_imports)
        rows = (tuple(producers), tuple(norms), tuple(transparent))
        framework_of = {**{name: PROJECT for name in specs}, **KNOWLEDGE.framework_of}
        knowledge = KNOWLEDGE.with_rows(specs, framework_of, frozenset(roots))
        return cls(knowledge, follow, rows)


def _not_built_in(option: str, value: str, name: str) -> None:
    """A project's rows add names; a built-in row is measured, and redefining it would silence its findings."""
    built_in = KNOWLEDGE.rows.get(name)
    if built_in is not None:
        raise ConfigError(
            f"{option}: {value!r} names a built-in row ({type(built_in).__name__.lower()} {name}); "
            "project rows may add names, not redefine the built-in ones"
        )


SWITCH_WORDS = {"true": True, "yes": True, "on": True, "1": True, "false": False, "no": False, "off": False, "0": False}


def switch(option: str, given: str | bool) -> bool:
    if isinstance(given, bool):
        return given
    found = SWITCH_WORDS.get(given.strip().lower())
    if found is None:
        raise ConfigError(f"{option}: {given!r} is not true or false")
    return found
