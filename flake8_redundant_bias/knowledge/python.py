"""The standard library, as the value flow reads it: ordered mappings of layers, ``functools.partial``,
``itertools.chain``, ``argparse`` options and ``dataclasses`` fields."""

from __future__ import annotations

import types

from .schema import Chained, ClassFields, Framework, InstanceType, OptionParser, OrderedMapping, Partial

FRAMEWORK = Framework(
    "python", {},
    facts={
        "collections.OrderedDict": OrderedMapping(),
        "typing.OrderedDict": OrderedMapping(),
        "functools.partial": Partial(),
        "itertools.chain": Chained(),
        # the types a factory's ``isinstance`` test names besides ``functools.partial`` (and the builtins)
        **{f"types.{name}": InstanceType(getattr(types, name)) for name in (
            "FunctionType", "LambdaType", "BuiltinFunctionType", "MethodType",
        )},
    },
    providers=(
        # argparse: parser.add_argument("--wd", default=...), parser.set_defaults(...), parser.parse_args()
        OptionParser(),
        # @dataclass fields, and field(default=...)
        ClassFields(frozenset({"dataclasses.dataclass"}), frozenset({"dataclasses.field"})),
    ),
)
