"""The standard library, as the value flow reads it: ordered mappings of layers, ``functools.partial``,
``itertools.chain``, ``argparse`` options and ``dataclasses`` fields."""

from __future__ import annotations

from .schema import Chained, ClassFields, Framework, OptionParser, OrderedMapping, Partial

FRAMEWORK = Framework(
    "python", {},
    facts={
        "collections.OrderedDict": OrderedMapping(),
        "typing.OrderedDict": OrderedMapping(),
        "functools.partial": Partial(),
        "itertools.chain": Chained(),
    },
    providers=(
        # argparse: parser.add_argument("--wd", default=...), parser.set_defaults(...), parser.parse_args()
        OptionParser(),
        # @dataclass fields, and field(default=...)
        ClassFields(frozenset({"dataclasses.dataclass"}), frozenset({"dataclasses.field"})),
    ),
)
