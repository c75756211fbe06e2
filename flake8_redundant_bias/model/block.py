"""A block: a class or function of the project whose layers' bias or norm its caller chooses, and what one call
of it passes for each of its parameters."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Callable, Iterator, Mapping, Protocol

from .index import Scope, method_named, parameter_defaults
from .values import Bound, Env

if TYPE_CHECKING:  # interfaces, for the types only
    from ..containment import Unit
    from .block_reads import Reads
    from .chains import Chains
    from .flow.service import Flow
    from .layers import Layers
    from .sequences import Chain

    class Readings(Protocol):
        """The blocks a module holds, or one call of a block builds inside it."""

        def local_blocks(self) -> dict[str, Block]: ...

        def units(self) -> Iterator[Unit[Chain]]: ...

    class Home(Protocol):
        """The model of the module a block is defined in."""

        flow: Flow
        layers: Layers
        blocks: Readings

        def bound_chains(self, function: ast.FunctionDef, env: Env) -> Chains: ...

        def bound_blocks(
            self, function: ast.FunctionDef, env: Env, within: tuple[ast.AST, int, dict[str, Block], Reads],
        ) -> Readings: ...


class Block:
    """A class or function whose layers' bias or norm its caller chooses: it hands a parameter to a layer as its
    bias switch and builds a norm, or builds a layer out of a parameter (``norm_layer(out_channels)``).  (A plain
    class: a NamedTuple costs a fraction of a millisecond to define, paid by every flake8 process.)"""

    __slots__ = ("node", "function", "switches", "slots", "flags", "home", "skip", "hands_only")

    def __init__(
        self, node: ast.FunctionDef | ast.ClassDef, function: ast.FunctionDef, switches: tuple[ast.arg, ...], home: Home,
        slots: tuple[ast.arg, ...] = (), flags: tuple[ast.arg, ...] = (), hands_only: bool = False,
    ) -> None:
        self.node = node
        self.function = function  # what a call binds: the function, or the class's ``__init__``
        self.switches = switches  # the parameters handed on as a bias switch (``bias=bias``)
        self.slots = slots  # the parameters it calls to build a layer (``norm_layer``)
        self.flags = flags  # the parameters whose truth decides a branch of its body (``if with_bn:``)
        self.home = home
        self.skip = 1 if function is not node else 0  # leading parameters a call does not pass: a class's ``self``
        # Its slots only handed on to blocks inside it (``ConvNorm(c, c, norm_layer=norm_layer)``): what it
        # builds itself is the same for every call, and read where it is.
        self.hands_only = hands_only

    def read_at(
        self, call: ast.Call, names_layer: Callable[[ast.expr], bool], spread: Mapping[str, Bound] | None = None,
    ) -> bool:
        """Whether the call may build a cancelled bias in it: a switch it may turn on, or, in a block whose
        switch (if any) may be on, a layer slot it fills (or leaves to a default) with a class ``names_layer``.
        ``spread``: the keys and values of the ``**dd`` the call spreads, when they are known."""
        if self.switches and not any(_may_be_on(call, self, switch, spread) for switch in self.switches):
            return self._fills_a_slot(call, names_layer, spread)  # a layer with a bias of its own may meet that norm
        return bool(self.switches) or self._fills_a_slot(call, names_layer, spread) or any(
            _may_be_on(call, self, flag, spread) for flag in self.flags
        )

    def _fills_a_slot(
        self, call: ast.Call, names_layer: Callable[[ast.expr], bool], spread: Mapping[str, Bound] | None,
    ) -> bool:
        return any(names_layer(_given(call, self, slot, spread)) for slot in self.slots)

    @property
    def positional(self) -> list[ast.arg]:
        """The parameters a call's positional arguments fill, in order."""
        return (self.function.args.posonlyargs + self.function.args.args)[self.skip:]


def _may_be_on(call: ast.Call, block: Block, param: ast.arg, spread: Mapping[str, Bound] | None = None) -> bool:
    """Whether the call may switch the parameter on: anything but a literal False or None, passed or by default."""
    given = _given(call, block, param, spread)
    return given is _ANYTHING or not switched_off(given)


def switched_off(value: ast.expr | None) -> bool:
    """A switch written as a literal False or None."""
    return isinstance(value, ast.Constant) and value.value in (False, None)


_ANYTHING = ast.Starred()  # what a ``*args`` or ``**kwargs`` covering the parameter may pass


def _given(call: ast.Call, block: Block, param: ast.arg, spread: Mapping[str, Bound] | None = None) -> ast.expr | None:
    """What the call passes for the parameter, or its default; ``_ANYTHING`` where a starred argument may.
    ``spread``: the call's keywords with its ``**dd`` spread in, when every spread dict is known."""
    positional = block.positional
    given: ast.expr | None = next((k.value for k in call.keywords if k.arg == param.arg), None)
    if given is None and spread is not None and param.arg in spread:
        given = spread[param.arg].expr
    if given is None and param in positional and positional.index(param) < len(call.args):
        given = call.args[positional.index(param)]
        if any(isinstance(arg, ast.Starred) for arg in call.args[: positional.index(param) + 1]):
            return _ANYTHING
    if given is None:
        if spread is None and any(k.arg is None for k in call.keywords) or any(isinstance(arg, ast.Starred) for arg in call.args):
            return _ANYTHING
        given = parameter_defaults(block.function.args).get(param.arg)
    return given


def switch_at(block: Block, position: int) -> bool:
    """Whether a call's positional argument at ``position`` is one of the block's switches."""
    positional = block.positional
    return position < len(positional) and positional[position] in block.switches


def local_callee(call: ast.Call, scope: Scope) -> str:
    """The name a call calls a class or function by (``ConvBN(...)``), or, for ``super().__init__(...)`` in a
    class with one base named plainly, that base's name; "" otherwise."""
    func = call.func
    if type(func) is ast.Name:
        return func.id
    if (type(func) is ast.Attribute and func.attr == "__init__" and type(func.value) is ast.Call
            and type(func.value.func) is ast.Name and func.value.func.id == "super" and not func.value.args):
        owner = scope.parent.node if scope.parent is not None else None
        if isinstance(owner, ast.ClassDef) and len(owner.bases) == 1 and type(owner.bases[0]) is ast.Name:
            return owner.bases[0].id
    return ""


def parameters_of(function: ast.FunctionDef, names: set[str]) -> tuple[ast.arg, ...]:
    """The function's parameters of those names, in name order."""
    params = {param.arg: param for param in named_parameters(function)}
    if function.args.kwarg is not None:  # a ``**kwargs`` the function spreads into a layer
        params[function.args.kwarg.arg] = function.args.kwarg
    return tuple(params[name] for name in sorted(names) if name in params)


def named_parameters(function: ast.FunctionDef) -> list[ast.arg]:
    """The parameters a call can pass one by one (not ``*args`` or ``**kwargs``)."""
    return function.args.posonlyargs + function.args.args + function.args.kwonlyargs


def bound_function(node: ast.FunctionDef | ast.ClassDef) -> ast.FunctionDef | None:
    """What a call of a block binds its arguments to: the function, or the class's ``__init__``."""
    return method_named(node, "__init__") if isinstance(node, ast.ClassDef) else node
