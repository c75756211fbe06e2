"""Every setting a user can give, in one table: it makes the flake8 options, the ``[tool.redundant-bias]``
keys, the command's flags, and the README's table of them.

A setting has a key (``norms``: the TOML key and the command's ``--norms``), a
kind (a comma-separated list, a switch, or patterns mapped to codes), a default
and its help.  The
settings of the analysis itself (the project's rows, following imports) are
flake8 options too, spelled ``--redundant-bias-<key>``; the command's own
choice of codes and files is not (flake8 has its own).
"""

from __future__ import annotations

from typing import Any, Mapping

from flake8.exceptions import Flake8Exception
from flake8.utils import parse_comma_separated_list, parse_files_to_codes_mapping

from .config import Config, ConfigError, switch

LIST, SWITCH, MAPPING = "list", "switch", "mapping"
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

    def read(self, given: object, where: str, toml: bool = False) -> Any:
        """A value from a configuration file or a command line, checked; ``where`` names it in a ConfigError.

        In TOML a switch is a boolean (``"yes"`` is a string, refused); in an INI file
        or on a command line, a word (true, false, yes, no, on, off, 1, 0).
        """
        if self.kind == SWITCH:
            if toml and not isinstance(given, bool):
                raise ConfigError(f"{where} must be true or false (a TOML boolean), not {given!r}")
            if not isinstance(given, (bool, str)):
                raise ConfigError(f"{where} must be true or false")
            return switch(where, given)
        if self.kind == MAPPING:
            return _patterns_to_codes(given, where)
        if isinstance(given, str):  # as flake8 reads a list: split at commas and white space
            return parse_comma_separated_list(given)
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
        "extend-ignore", LIST, [], "codes or prefixes not to report besides --ignore; comma-separated", CODES_GROUP,
        native=True,
    ),
    Option(
        "per-file-ignores", MAPPING, [], "codes not to report in some files: PATTERN:CODES pairs separated by spaces "
        "(tests/*:RB201 legacy.py:RB1), or in TOML a table of pattern = [codes]", CODES_GROUP, native=True,
    ),
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


def analysis_config(values: Mapping[str, Any], names: Mapping[str, str] | None = None) -> Config:
    """The analysis's configuration from settings by key (``values``: already read; a missing key, its default).
    ``names``: how an error names a setting, by key (where it was written); by default, its flake8 option."""
    rows = {option.dest: values.get(option.key, option.default) for option in ROWS}
    named = {BY_KEY[key].dest: name for key, name in (names or {}).items() if key in BY_KEY}
    follow = values.get("follow-imports", BY_KEY["follow-imports"].default)
    return Config.build(**rows, follow_imports=follow, names=named)


def _patterns_to_codes(given: object, where: str) -> list[tuple[str, tuple[str, ...]]]:
    """``per-file-ignores``: flake8's ``PATTERN:CODES ...`` text, or a TOML table of pattern = codes."""
    if isinstance(given, str):
        try:
            pairs = parse_files_to_codes_mapping(given)
        except (ValueError, Flake8Exception):  # flake8 7 raises its ExecutionError
            raise ConfigError(f"{where} must be PATTERN:CODES pairs such as 'tests/*:RB201 legacy.py:RB1'") from None
        return [(pattern, tuple(codes)) for pattern, codes in pairs]
    if isinstance(given, dict):
        pairs = []
        for pattern, codes in given.items():
            if isinstance(codes, str):
                codes = [codes]
            if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
                raise ConfigError(f"{where} {pattern!r} must be a list of codes")
            pairs.append((pattern, tuple(code.strip() for code in codes if code.strip())))
        return pairs
    raise ConfigError(f"{where} must be a table of pattern = [codes], or PATTERN:CODES pairs in one string")
