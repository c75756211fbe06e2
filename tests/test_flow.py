"""The value-flow service, question by question: small programs and what it must answer of them.

Backward: where a value comes from (``origins``: the expressions it may hold on
every path, or None when that cannot be known), and what literal it holds.
Forward: where a value goes (the reads a binding reaches, the one place a value
is read next), a function's sole return, a method's receiver whatever it is
named, a helper read with one call's arguments bound, and what a list holds
where it is unpacked.
"""

from __future__ import annotations

import ast
import textwrap
from contextlib import contextmanager
from typing import Iterator

import pytest

from flake8_redundant_bias.config import Config
from flake8_redundant_bias.engine import Gates
from flake8_redundant_bias.model.context import ModuleModel, Workspace
from flake8_redundant_bias.model.values import CallArgs
from flake8_redundant_bias.text import Text


@contextmanager
def model_of(source: str) -> Iterator[ModuleModel]:
    """The model of a module read from its text alone (no project around it)."""
    text = textwrap.dedent(source)
    tree = ast.parse(text)
    config = Config()
    gates = Gates.of(config)
    workspace = Workspace(config, None, gates)
    with workspace.linted(tree, Text.of(text), None, set(), set(), gates.words(frozenset())) as model:
        yield model


def read(model: ModuleModel, name: str, line: int) -> tuple[ast.expr, object]:
    """The read of ``name`` (a name or ``base.attr``) on a line, and the scope it is read in."""
    for node in ast.walk(model.tree):
        if getattr(node, "lineno", None) != line or not isinstance(getattr(node, "ctx", None), ast.Load):
            continue
        if ast.unparse(node) == name and isinstance(node, (ast.Name, ast.Attribute)):
            return node, model.index.scope_at(node)
    raise AssertionError(f"no read of {name} on line {line}")


def binding(model: ModuleModel, name: str, line: int) -> ast.Name:
    for node in ast.walk(model.tree):
        if isinstance(node, ast.Name) and node.id == name and node.lineno == line and isinstance(node.ctx, ast.Store):
            return node
    raise AssertionError(f"no binding of {name} on line {line}")


def node_at(model: ModuleModel, kind: type, line: int) -> ast.AST:
    return next(n for n in ast.walk(model.tree) if isinstance(n, kind) and getattr(n, "lineno", None) == line)


# ---------------------------------------------------------------- where a value comes from

ORIGINS = [
    ("one binding", "x = 1\nprint(x)\n", ("x", 2), ["1"]),
    ("an unconditional binding hides the older", "x = 1\nx = 2\nprint(x)\n", ("x", 3), ["2"]),
    ("both branches", "if c:\n    x = 1\nelse:\n    x = 2\nprint(x)\n", ("x", 5), ["1", "2"]),
    ("a branch after an unconditional binding", "x = 1\nif c:\n    x = 2\nprint(x)\n", ("x", 4), ["1", "2"]),
    ("a later binding in the loop reaches an earlier read", "x = 0\nfor i in r:\n    print(x)\n    x = 1\n", ("x", 3),
     ["0", "1"]),
    ("a conditional expression", "x = 1 if c else 2\nprint(x)\n", ("x", 2), ["1", "2"]),
    ("a walrus", "if (x := 3):\n    print(x)\n", ("x", 2), ["3"]),
    ("through names", "a = 0.1\nb = a\nprint(b)\n", ("b", 3), ["0.1"]),
    ("x += y is x as it was, plus y", "x = 1\nx += 2\nprint(x)\n", ("x", 3), ["x + 2"]),
    ("a loop target: unknown", "for x in r:\n    print(x)\n", ("x", 2), None),
    ("global: unknown", "def f():\n    global x\n    x = 1\n    print(x)\n", ("x", 4), None),
    ("unpacking a call: the call's item in its place", "a, b = f()\nprint(b)\n", ("b", 2), ["f()[1]"]),
    ("unpacking a literal tuple: the item in its place", "a, b = 1, 2\nprint(b)\n", ("b", 2), ["2"]),
    ("unpacking either tuple", "a, b = (1, 2) if c else (3, 4)\nprint(b)\n", ("b", 2), ["2", "4"]),
    ("unpacking a starred target or a tuple of another length: unknown",
     "a, *b = 1, 2, 3\nc, d = (1, 2) if e else (3, 4, 5)\nprint(a, c)\n", ("c", 3), None),
    (
        "a parameter: its default and every call's argument",
        "def f(wd=0.1):\n    return wd\nf()\nf(0.2)\nf(wd=0.3)\n", ("wd", 2), ["0.1", "0.2", "0.3"],
    ),
    ("a parameter of a function also used as a value: unknown", "def f(wd=0.1):\n    return wd\ng(f)\n", ("wd", 2), None),
    (
        "self.x: every value the class gives it",
        "class M:\n    def __init__(self):\n        self.wd = 0.1\n    def opt(self):\n        return self.wd\n",
        ("self.wd", 5), ["0.1"],
    ),
    (
        "the receiver is the first parameter, whatever it is named",
        "class M:\n    def __init__(this):\n        this.wd = 0.1\n    def opt(this):\n        return this.wd\n",
        ("this.wd", 5), ["0.1"],
    ),
    (
        "self.x set by code outside the class: the attribute itself, of which nothing more is known",
        "class M:\n    def __init__(self):\n        self.wd = 0.1\n    def opt(self):\n        return self.wd\n"
        "m = M()\nm.wd = 0\n",
        ("self.wd", 5), ["self.wd"],
    ),
    (
        "an option's default (argparse)",
        "import argparse\np = argparse.ArgumentParser()\np.add_argument('--wd', type=float, default=0.05)\n"
        "args = p.parse_args()\nprint(args.wd)\n", ("args.wd", 5), ["0.05"],
    ),
    (
        "an option changed by set_defaults: the attribute itself",
        "import argparse\np = argparse.ArgumentParser()\np.add_argument('--wd', type=float, default=0.05)\n"
        "p.set_defaults(wd=0.0)\nargs = p.parse_args()\nprint(args.wd)\n", ("args.wd", 6), ["args.wd"],
    ),
    (
        "a dataclass field's default",
        "from dataclasses import dataclass, field\n@dataclass\nclass C:\n    lr: float = 1e-3\n"
        "    wd: float = field(default=0.1)\n"
        "cfg = C(1e-4)\nprint(cfg.wd)\n", ("cfg.wd", 7), ["0.1"],
    ),
    (
        "a dataclass field given by position: the attribute itself",
        "from dataclasses import dataclass\n@dataclass\nclass C:\n    lr: float = 1e-3\n    wd: float = 0.1\n"
        "cfg = C(1e-4, 0.5)\nprint(cfg.wd)\n", ("cfg.wd", 7), ["cfg.wd"],
    ),
    (
        "Lightning's saved arguments: the __init__ default when nothing in the file builds the class",
        "class M:\n    def __init__(self, wd=0.05):\n        self.save_hyperparameters()\n"
        "    def opt(self):\n        return self.hparams.wd\n", ("self.hparams.wd", 5), ["0.05"],
    ),
]


@pytest.mark.parametrize("source, at, expected", [case[1:] for case in ORIGINS], ids=[case[0] for case in ORIGINS])
def test_origins(source: str, at: tuple[str, int], expected: list[str] | None) -> None:
    with model_of(source) as model:
        expr, scope = read(model, *at)
        found = model.flow.origins(expr, scope)
        assert (None if found is None else sorted(ast.unparse(origin.expr) for origin in found)) == expected


def test_an_option_says_where_its_value_is_stated() -> None:
    source = "import argparse\np = argparse.ArgumentParser()\np.add_argument('--weight-decay', type=float, default='1e-2')\n"
    source += "args = p.parse_args()\nprint(args.weight_decay * 2)\n"
    with model_of(source) as model:
        expr, scope = read(model, "args.weight_decay", 5)
        assert model.flow.constants(expr, scope) == [(0.01, "the default of --weight-decay")]
        product = node_at(model, ast.BinOp, 5)
        assert model.flow.constant(product, scope) == 0.02


def test_constants_combine_every_path_and_give_up_on_a_call() -> None:
    with model_of("a = 2 if c else 4\nb = a * 0.5\nd = f() * 2\nprint(b, d)\n") as model:
        b, scope = read(model, "b", 4)
        d, _ = read(model, "d", 4)
        assert sorted(value for value, _ in model.flow.constants(b, scope)) == [1.0, 2.0]
        assert model.flow.constants(d, scope) is None


# ---------------------------------------------------------------- where a value goes

USES = [
    ("every read it reaches", "x = f()\ng(x)\nh(x)\n", ("x", 1), [2, 3]),
    ("a re-binding stops them", "x = f()\ng(x)\nx = 2\nh(x)\n", ("x", 1), [2]),
    ("a re-binding in a branch does not", "x = f()\nif c:\n    x = 2\nh(x)\n", ("x", 1), [4]),
    ("in a loop, the reads before it in the body", "for i in r:\n    g(x)\n    x = i\n", ("x", 3), [2]),
    ("bound again later in the same turn: not the turn after", "for i in r:\n    x = f(x)\n    x = g(x)\n",
     ("x", 2), [3]),
    ("bound again in a branch of the turn: also the turn after", "for i in r:\n    x = f(x)\n    if c:\n        x = g(x)\n",
     ("x", 2), [4, 2]),
    ("a continue may leave the turn before it is bound again",
     "for i in r:\n    x = f(x)\n    if c:\n        continue\n    x = g(x)\n", ("x", 2), [5, 2]),
]


@pytest.mark.parametrize("source, at, lines", [case[1:] for case in USES], ids=[case[0] for case in USES])
def test_uses(source: str, at: tuple[str, int], lines: list[int]) -> None:
    with model_of(source) as model:
        events = model.flow.uses(binding(model, *at))
        assert [event.node.lineno for event in events] == lines


def test_a_global_binding_has_unknown_uses() -> None:
    with model_of("def f():\n    global x\n    x = 1\n    g(x)\n") as model:
        assert model.flow.uses(binding(model, "x", 3)) is None


def test_the_one_read_of_a_value_through_single_use_variables() -> None:
    with model_of("y = conv(x)\nz = y\nbn(z)\n") as model:
        call = node_at(model, ast.Call, 1)
        sole = model.flow.sole_read(call)
        assert isinstance(sole, ast.Name) and sole.id == "z" and sole.lineno == 3


@pytest.mark.parametrize("source", [
    "r = dense(g)\nout = bn(r) + r\n",  # read again after the norm
    "r = dense(g)\ndef later():\n    return r\n",  # read from a nested function: when is not known
])
def test_a_value_read_twice_or_from_a_nested_function_has_no_one_read(source: str) -> None:
    with model_of(source) as model:
        assert model.flow.sole_read(node_at(model, ast.Call, 1)) is None


def test_a_method_is_called_on_a_list_where_its_value_goes() -> None:
    with model_of("groups = [a]\ngroups.append(b)\nopt(groups)\nother = [a]\nopt(other)\n") as model:
        assert model.flow.receives_calls(binding(model, "groups", 1)) is True
        assert model.flow.receives_calls(binding(model, "other", 4)) is False


def test_reads_after_the_loop_that_binds_an_accumulator() -> None:
    source = "total = 0\nfor p in ps:\n    total += p\n    print(total)\nloss = loss + total\n"
    with model_of(source) as model:
        target = node_at(model, ast.AugAssign, 3).target
        assert [node.lineno for node in model.flow.reads_after_block(target)] == [5]


# ---------------------------------------------------------------- functions, receivers, bindings

SOLE_RETURNS = [
    ("its last statement", "def f():\n    a = 1\n    return [a]\n", "[a]"),
    ("a nested function's return is its own", "def f():\n    def g():\n        return 1\n    return [g]\n", "[g]"),
    ("a lambda is its own scope", "def f():\n    act = lambda x: x\n    return [act]\n", "[act]"),
    ("two returns", "def f(c):\n    if c:\n        return [1]\n    return [2]\n", None),
    ("a generator", "def f():\n    yield 1\n    return [2]\n", None),
    ("a yield inside an expression", "def f():\n    x = yield\n    return [x]\n", None),
    ("a bare return", "def f():\n    return\n", None),
]


@pytest.mark.parametrize("source, expected", [case[1:] for case in SOLE_RETURNS], ids=[case[0] for case in SOLE_RETURNS])
def test_sole_return(source: str, expected: str | None) -> None:
    with model_of(source) as model:
        returned = model.flow.sole_return(model.index.functions["f"])
        assert (None if returned is None else ast.unparse(returned)) == expected


FACTORY = (
    "def f(kind, flag=False):\n"
    "    if kind == 'bn':\n        return [1]\n"
    "    elif kind in ('gn', 'group'):\n        return [2]\n"
    "    if flag:\n        return [3]\n"
    "    raise ValueError(kind)\n"
)
LIVE_RETURNS = [
    ("the branch a literal picks", FACTORY, "f('bn')", ["[1]"]),
    ("a literal among several", FACTORY, "f('group')", ["[2]"]),
    ("a flag's default", FACTORY, "f('x', True)", ["[3]"]),
    ("no branch returns: it raises", FACTORY, "f('x')", []),
    ("an unknown value keeps both of its branches", FACTORY, "f(k)", ["[1]", "[2]"]),
    ("and an unknown flag its own", FACTORY, "f(k, g)", ["[1]", "[2]", "[3]"]),
    ("a path ends without a return", "def f(kind):\n    if kind == 'bn':\n        return [1]\n", "f('x')", None),
    ("a return in a loop", "def f(kind):\n    for k in kinds:\n        return [k]\n    return [0]\n", "f('x')", None),
    ("a None test", "def f(norm=None):\n    if norm is None:\n        return [1]\n    return [norm]\n", "f()", ["[1]"]),
]


@pytest.mark.parametrize("source, call, expected", [case[1:] for case in LIVE_RETURNS], ids=[case[0] for case in LIVE_RETURNS])
def test_the_returns_one_call_leaves_possible(source: str, call: str, expected: list | None) -> None:
    with model_of(f"{source}{call}\n") as model:
        node = node_at(model, ast.Call, source.count("\n") + 1)
        env = model.flow.bind(model.index.functions["f"], CallArgs.of(node))
        returned = model.flow.live_returns(model.index.functions["f"], env)
        assert (None if returned is None else [ast.unparse(expr) for expr in returned]) == expected


def test_a_methods_receiver_whatever_it_is_named() -> None:
    source = "class M:\n    def a(this):\n        pass\n    @staticmethod\n    def b(x):\n        pass\n"
    with model_of(source) as model:
        owner = model.index.classes["M"]
        a, b = (model.index.scope_of[method] for method in owner.body)
        assert model.flow.receiver(a) == (owner, "this")
        assert model.flow.receiver(b) == (None, None)


def test_a_function_read_with_one_calls_arguments_bound() -> None:
    source = "def conv(c, k=3, *, bias=True):\n    return c\nconv(8, bias=False)\n"
    with model_of(source) as model:
        call = node_at(model, ast.Call, 3)
        env = model.flow.bind(model.index.functions["conv"], CallArgs.of(call))
        assert {name: ast.unparse(bound.expr) for name, bound in env.values.items()} == {
            "c": "8", "k": "3", "bias": "False",
        }


# ---------------------------------------------------------------- what a list holds where it is unpacked

CONTENTS = [
    ("a literal, then what is appended", "layers = [a]\nlayers.append(b)\nseq(*layers)\n", ["a", "b"]),
    ("grown in a branch: set apart", "layers = [a]\nif c:\n    layers.append(b)\nlayers.append(d)\nseq(*layers)\n",
     ["a", None, "b", None, "d"]),
    ("extended, added to, re-bound with itself", "layers = [a]\nlayers.extend([b])\nlayers += [c]\nlayers = layers + [d]\n"
     "seq(*layers)\n", ["a", "b", "c", "d"]),
    ("handed to a call: unknown", "layers = [a]\nshuffle(layers)\nseq(*layers)\n", None),
    ("bound in a loop and outside it: unknown", "layers = []\nfor v in cfg:\n    layers = [v]\nseq(*layers)\n", None),
]


@pytest.mark.parametrize("source, expected", [case[1:] for case in CONTENTS], ids=[case[0] for case in CONTENTS])
def test_what_a_list_holds_where_it_is_unpacked(source: str, expected: list | None) -> None:
    with model_of(source) as model:
        starred = next(n for n in ast.walk(model.tree) if isinstance(n, ast.Starred))
        contents = model.chains.sequences.contents.at(starred.value, model.index.scope_at(starred))
        shown = None if contents is None else [None if item is None else ast.unparse(item) for item in contents]
        assert shown == expected
