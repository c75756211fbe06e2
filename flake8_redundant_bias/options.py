"""Every setting a user can give, in one table: it makes the flake8 options, the ``[tool.redundant-bias]``
keys, the command's flags, and the README's table of them.

A setting has a key (``norms``: the TOML key and the command's ``--norms``), a
kind (a comma-separated list, or a switch), a default and its help.  The
settings of the analysis itself (the project's rows, following imports) are
flake8 options too, spelled ``--redundant-bias-<key>``; the command's own
choice of codes and files is not (flake8 has its own).
"""

from __future__ import annotations

from typing import Any, Mapping

from .config import Config, ConfigError, switch

LIST, SWITCH = "list", "switch"
ANALYSIS_GROUP, CODES_GROUP, FILES_GROUP = "the project's rows and the analysis", "choosing codes", "choosing files"


class Option:
    __slots__ = ("key", "kind", "default", "help", "group", "flake8", "off", "native")

    def __init__(
        self, key: str, kind: str, default: Any, help: str, group: str, flake8: bool = False, off: str = "",
        native: bool = False,
    ) -> None:
        self.key = key  # as in [tool.redundant-bias] and the command's --<key>
        self.kind = kind
        self.default = default
        self.help = help
        self.group = group
        self.flake8 = flake8  # also a flake8 option, --redundant-bias-<key>
        self.off = off  # a switch the command turns off with --no-<key>: what that does
        self.native = native  # flake8 has an option of this name of its own

    @property
    def dest(self) -> str:
        """The attribute an argparse namespace holds it under."""
        return self.key.replace("-", "_")

    @property
    def flake8_flag(self) -> str:
        return f"--redundant-bias-{self.key}"

    def read(self, given: object, where: str) -> Any:
        """A value from a configuration file or a command line, checked; ``where`` names it in a ConfigError."""
        if self.kind == SWITCH:
            if not isinstance(given, (bool, str)):
                raise ConfigError(f"{where} must be true or false")
            return switch(where, given)
        if isinstance(given, str):
            return [part.strip() for part in given.split(",") if part.strip()]
        if isinstance(given, list) and all(isinstance(item, str) for item in given):
            return [item.strip() for item in given if item.strip()]
        raise ConfigError(f"{where} must be a list of strings or one comma-separated string")


OPTIONS: tuple[Option, ...] = (
    Option(
        "producers", LIST, [], "extra layers that add a bias, comma-separated NAME[:KEYWORD[@POSITION][=True|False]] "
        "(default keyword: bias, default value: True)", ANALYSIS_GROUP, flake8=True,
    ),
    Option(
        "norms", LIST, [], "extra normalizations that cancel a per-channel bias, comma-separated dotted import paths",
        ANALYSIS_GROUP, flake8=True,
    ),
    Option(
        "transparent", LIST, [],
        "extra steps that keep a per-channel bias constant per channel, comma-separated dotted import paths",
        ANALYSIS_GROUP, flake8=True,
    ),
    Option(
        "follow-imports", SWITCH, True, "read the project's own modules that a linted file imports from, to follow "
        "values and layers defined there (true or false; default: true)", ANALYSIS_GROUP, flake8=True,
    ),
    Option(
        "select", LIST, ["RB"], "codes or prefixes to report (default: RB, all of them); comma-separated", CODES_GROUP,
        native=True,
    ),
    Option("extend-select", LIST, [], "codes or prefixes to report besides --select; comma-separated", CODES_GROUP, native=True),
    Option("ignore", LIST, [], "codes or prefixes not to report; comma-separated", CODES_GROUP, native=True),
    Option(
        "exclude", LIST, None, "name or path patterns not to lint, replacing the defaults (.git, .venv, build, ...); "
        "comma-separated", FILES_GROUP, native=True,
    ),
    Option(
        "extend-exclude", LIST, [], "name or path patterns not to lint, besides the defaults; comma-separated", FILES_GROUP,
        native=True,
    ),
    Option(
        "respect-gitignore", SWITCH, True, "skip what .gitignore files ignore (true or false; default: true)", FILES_GROUP,
        off="walk into what .gitignore files ignore",
    ),
)
BY_KEY: dict[str, Option] = {option.key: option for option in OPTIONS}
# The flake8 spelling of a key is accepted in [tool.redundant-bias] too (redundant-bias-norms = ...).
SPELLINGS: dict[str, Option] = {**BY_KEY, **{option.flake8_flag[2:]: option for option in OPTIONS if option.flake8}}
ROWS = tuple(option for option in OPTIONS if option.flake8 and option.kind == LIST)


def analysis_config(values: Mapping[str, Any]) -> Config:
    """The analysis's configuration from settings by key (``values``: already read; a missing key, its default)."""
    rows = {option.dest: values.get(option.key, option.default) for option in ROWS}
    return Config.build(**rows, follow_imports=values.get("follow-imports", BY_KEY["follow-imports"].default))
