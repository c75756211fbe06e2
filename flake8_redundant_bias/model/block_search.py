"""Which classes and functions of a module are blocks: what each hands its caller's choice to (a bias switch, a layer
slot, a flag), read off the module's own calls."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Iterator, Mapping

from ..knowledge.schema import Norm, Partial, Producer, Spec
from ..knowledge.tables import per_table
from .block import Block, bound_function, local_callee, named_parameters, parameters_of, switch_at, switched_off
from .flow.calls import parameter_arg
from .gates import names_a_part
from .index import Index, Scope, called_name, method_named, parameter_defaults
from .layers import Layers
from .values import Bound, CallArgs, Env, is_literal

if TYPE_CHECKING:  # interfaces, for the types only
    from .block import Home
    from .flow.service import Flow


def layer_slots(index: Index, layers: Layers) -> dict[ast.AST, set[str]]:
    """The parameters each function or class called in this module calls itself (``norm_layer(out_channels)``),
    or hands to the norm of a layer that builds its own (``Conv2dNormActivation(c, c, norm_layer=norm_layer)``):
    a layer its caller picks.  Read off the parameters' own reads, not off every call of the module."""
    slots: dict[ast.AST, set[str]] = {}
    norm_rows = _norm_rows(layers.rows)
    for node, function in _called_definitions(index):
        scope = index.scope_of.get(function)
        if scope is None:
            continue
        params = named_parameters(function)[function is not node:]  # not a class's self
        called = called_parameters(index, scope, params) | _handed_to_norms(index, layers, function, params, norm_rows)
        if called:
            slots[function] = called  # type: ignore[index]
    return slots


def called_parameters(index: Index, scope: Scope, params: list[ast.arg]) -> set[str]:
    """The parameters the function of ``scope`` calls (``norm_layer(out_channels)``): layers its caller picks."""
    return {param.arg for param in params if index.called(param.arg, scope)}


def _handed_to_norms(
    index: Index, layers: Layers, function: ast.FunctionDef, params: list[ast.arg], norm_rows: frozenset[str],
) -> set[str]:
    """The parameters a function passes as the norm of a layer that builds its own (a row with a ``NormSlot``)."""
    handed = set()
    for call, _ in index.calls_inside(function) if norm_rows else ():
        if called_name(call) not in norm_rows:
            continue
        spec = layers.row(call.func)[1]
        slot = getattr(spec, "norm", None)
        given = CallArgs.of(call).get(slot.cfg) if slot is not None else None
        if isinstance(given, Bound) and type(given.expr) is ast.Name and any(p.arg == given.expr.id for p in params):
            handed.add(given.expr.id)
    return handed


def _norm_rows(rows: Mapping[str, Spec]) -> frozenset[str]:
    """The last parts of the names of the rows that build their own norm (``ConvModule``), kept per table."""
    return per_table(_NORM_ROWS, rows, lambda table: frozenset(
        name.rpartition(".")[2] for name, spec in table.items() if getattr(spec, "norm", None) is not None
    ))


_NORM_ROWS: dict[int, tuple[Mapping[str, Spec], frozenset[str]]] = {}


def branch_flags(index: Index, norms: tuple[str, ...]) -> dict[ast.AST, set[str]]:
    """The parameters of each function or class called in this module that a statement of its body tests as a
    flag to build a norm (``if with_bn: self.add_module("bn", nn.BatchNorm2d(c))``), or compares with a string to
    pick one (MUNIT's ``if norm == 'bn': self.norm = nn.BatchNorm2d(c)`` ``elif norm == 'in': ...``): each call
    may build it."""
    flags: dict[ast.AST, set[str]] = {}
    for _, function in _called_definitions(index) if norms else ():
        params = {param.arg for param in named_parameters(function)}
        tested = {
            flag for stmt in function.body if isinstance(stmt, ast.If)
            for flag in [_flag(stmt.test)] if flag in params and index.spells(stmt, norms) and _builds_norm(stmt, norms)
        }
        if tested:
            flags[function] = tested
    return flags


def _flag(test: ast.expr) -> str | None:
    """The name a test reads as a flag (``with_bn``), or compares with a string (``norm == 'bn'``)."""
    if isinstance(test, ast.Compare) and isinstance(test.ops[0], ast.Eq) and _string(test.comparators[0]):
        test = test.left
    return test.id if isinstance(test, ast.Name) else None


def _string(expr: ast.expr) -> bool:
    return isinstance(expr, ast.Constant) and isinstance(expr.value, str)


def _called_definitions(index: Index) -> Iterator[tuple[ast.FunctionDef | ast.ClassDef, ast.FunctionDef]]:
    """Each function or class of the module that the module calls, binds in a ``partial`` (``SEWithNorm =
    partial(SEModule, norm_layer=nn.BatchNorm2d)``) or hands to a call (``FeatureEncoder(block=ResidualBlock)``,
    a default ``block=ResidualBlock``), with the function a call binds."""
    functions, classes = index.functions, index.classes
    partials = {call.args[0].id for call in index.calls_named("partial") if call.args and type(call.args[0]) is ast.Name}
    for name in (*functions, *classes):
        if not index.called(name) and name not in partials and not _handed_on(index, name):
            continue
        node = functions.get(name) or classes[name]
        function = bound_function(node)
        if function is not None:
            yield node, function


def _handed_on(index: Index, name: str) -> bool:
    """A module-level name read as a parameter's default, or as an argument of a call of a function or class of
    the module (``FeatureEncoder(block=ResidualBlock)``): a callee of the module picks it.  (Handed to a builder of
    a framework, ``build_model_with_cfg(ResNet, ...)``, it is read at the builder's call.)"""
    parents = index.parents
    for event in index.module.events.get(name, ()):
        parent = parents.get(event.node)
        if event.store or type(parent) is ast.arguments:
            return not event.store
        call = parents.get(parent) if type(parent) is ast.keyword else parent
        func = getattr(call, "func", None) if type(call) is ast.Call else None
        if type(func) is ast.Name and func is not event.node and (func.id in index.functions or func.id in index.classes):
            return True
    return False


def _builds_norm(branch: ast.If, norms: tuple[str, ...]) -> bool:
    """The branch calls a norm class by name (``nn.BatchNorm2d(c)``; not ``isinstance(m, nn.BatchNorm2d)``)."""
    return any(
        isinstance(node, ast.Call) and any(word in called_name(node) for word in norms) for node in ast.walk(branch)
    )


def handing_slots(index: Index, home: Home, found: dict[str, Block], more: dict[str, Block]) -> dict[str, Block]:
    """Classes and functions that hand a parameter of theirs, by keyword, to a block's layer slot
    (``ConvNorm(cin, cout, norm_layer=norm_layer)``, ``norm_layer=enc_norm``), also through a private method
    their ``__init__`` calls (``self._make_layer(cout, norm_layer)``): their callers pick that layer."""
    slot_names = {slot.arg for block in found.values() for slot in block.slots}
    if not slot_names:
        return {}
    passed: dict[ast.FunctionDef, set[str]] = {}
    for call, scope in index.keyword_calls:  # one pass: the calls handing ``norm_layer=norm_layer``
        handed = {
            keyword.arg: keyword.value.id for keyword in call.keywords  # type: ignore[attr-defined]
            if keyword.arg in slot_names and type(keyword.value) is ast.Name
        }
        block = found.get(local_callee(call, scope)) if handed else None
        if block is not None and type(scope.node) is ast.FunctionDef:
            # a parameter of the caller's, under its own name (``norm_layer=enc_norm``)
            names = {handed[slot.arg] for slot in block.slots if slot.arg in handed}
            names &= {param.arg for param in named_parameters(scope.node)}
            function, names = _through_init(index, scope.node, names)
            if function is not None and names:
                passed.setdefault(function, set()).update(names)
    handing = {}
    for function, names in passed.items():
        node = defined_as(index, function)
        if node is not None and node.name not in found and node.name not in more:
            slots = parameters_of(function, names)
            if slots:
                handing[node.name] = Block(node, function, (), home, slots, hands_only=True)
    return handing


def calls_by_value(
    index: Index, flow: Flow, layers: Layers, within: ast.AST, local: Mapping[str, Block],
) -> dict[ast.Call, str]:
    """The calls, inside a block read for one call, of a name that call's arguments make one of the module's
    blocks (``block(cin, cout, norm_layer=norm_layer)`` in ``_make_layer(self, block, ...)``, handed
    ``block=ResidualBlock``), each with that block's name."""
    found = {}
    for call, scope in index.calls_inside(within):
        func = call.func
        if type(func) is not ast.Name or func.id in local or not index.bound(func.id, scope):
            continue  # a block called by its own name, or a name of the module
        origins = flow.origins(func, scope, layers.environment(call))
        names = {getattr(origin.expr, "id", "") for origin in origins or ()}
        if len(names) == 1 and next(iter(names)) in local:
            found[call] = names.pop()
    return found


def _through_init(index: Index, function: ast.FunctionDef, names: set[str]) -> tuple[ast.FunctionDef | None, set[str]]:
    """For a private method, the class's ``__init__`` and the parameters of its own it hands the method in their
    places (``self._make_layer(cout, norm_layer)``); any other function is itself."""
    owner = index.parents.get(function)
    if not isinstance(owner, ast.ClassDef) or function.name == "__init__":
        return function, names
    init = method_named(owner, "__init__")
    if init is None or not function.name.startswith("_") or function.name.endswith("__"):
        return None, set()
    params = {param.arg: param for param in named_parameters(function)}
    own = {param.arg for param in named_parameters(init)}
    lifted = set()
    for call, _ in index.calls_inside(init):
        func = call.func
        if type(func) is not ast.Attribute or func.attr != function.name or not _on_self(func.value, init):
            continue
        args = CallArgs.of(call)
        for name in names:
            given = args.get(parameter_arg(function, params[name], 1)) if name in params else None
            if isinstance(given, Bound) and type(given.expr) is ast.Name and given.expr.id in own:
                lifted.add(given.expr.id)
    return init, lifted


def _on_self(value: ast.expr, init: ast.FunctionDef) -> bool:
    """``self`` of ``self._make_layer``: the name of the method's first parameter."""
    first = (init.args.posonlyargs + init.args.args)[:1]
    return type(value) is ast.Name and bool(first) and value.id == first[0].arg


def defined_as(index: Index, function: ast.FunctionDef) -> ast.FunctionDef | ast.ClassDef | None:
    """The module's top-level function, or class through its ``__init__``, that a call of it binds."""
    owner = index.parents.get(function)
    if isinstance(owner, ast.ClassDef) and function.name == "__init__" and index.classes.get(owner.name) is owner:
        return owner
    return function if index.functions.get(function.name) is function else None


def handing_in_place(
    index: Index, home: Home, bias_keywords: frozenset[str], found: dict[str, Block], more: dict[str, Block],
) -> dict[str, Block]:
    """Classes and functions that hand one of their parameters to a block in the place of its switch: one named
    as a switch (``super().__init__(in_channels, ..., bias, nn.Conv2d)``), or any, to a block they call by name
    (``ConvBN(cin, cout, conv_bias)``)."""
    passed: dict[ast.FunctionDef, set[str]] = {}
    for name, block in found.items():
        for call in index.calls_named(name):
            if any(type(arg) is ast.Name and switch_at(block, position) for position, arg in enumerate(call.args)):
                function = index.scope_at(call).node
                if type(function) is ast.FunctionDef:
                    _hand_in_place(passed, block, call, function, {param.arg for param in named_parameters(function)})
    for node in (*index.functions.values(), *index.classes.values()):
        function = bound_function(node)
        named = {param.arg for param in named_parameters(function) if param.arg in bias_keywords} if function else ()
        for call, call_scope in index.calls_inside(function) if named else ():
            block = found.get(local_callee(call, call_scope))
            if block is not None and call_scope.node is function:
                _hand_in_place(passed, block, call, function, named)  # type: ignore[arg-type]
    handing = {}
    for function, names in passed.items():
        node = defined_as(index, function)
        if node is not None and node.name not in found and node.name not in more:
            handing[node.name] = Block(node, function, parameters_of(function, names), home)
    return handing


def _hand_in_place(
    passed: dict[ast.FunctionDef, set[str]], block: Block, call: ast.Call, function: ast.FunctionDef, named: set[str],
) -> None:
    """Record the parameters of ``function`` among ``named`` that ``call`` passes in the place of a switch of
    ``block``."""
    for position, arg in enumerate(call.args):
        if type(arg) is ast.Name and arg.id in named and switch_at(block, position):
            passed.setdefault(function, set()).add(arg.id)


def project_calls(
    index: Index, layers: Layers, known: list[tuple[ast.Call, Scope]],
) -> tuple[list[tuple[ast.Call, Scope]], list[tuple[ast.Call, Scope]]]:
    """The calls of a name imported from outside the framework (``from .blocks import ConvBN``), not among
    ``known``: those handing it a norm class (``SE(c, r, norm_layer=nn.BatchNorm2d)``: its bias may be on by
    default), and those worth a read only where the definition names a norm itself: passing a literal True by
    position (``Conv(3, 8, True)``; whether that is the block's bias switch, its definition says), or of a block
    named for its norm, which its default may leave on (``ConvBNReLU(3, 8)``, ``ConvBN(3, 8, conv_bias=True)``).
    (A keyword not spelled as a row's does not make another call one handing a switch: most such calls hand one
    with no norm after it, ``qkv_bias=True``, and each costs a read of the definition's module.)"""
    seen = {call for call, _ in known}
    named, norms = [], []
    for name in index.imports.project_names():
        target = index.imports.imported(name)
        says_norm = target is not None and target.name is not None and names_a_part(target.name)
        for call in index.calls_named(name):
            _sort_call(index, layers, call, seen, says_norm, named, norms)
        for call in _member_calls(index, name):
            _sort_call(index, layers, call, seen, names_a_part(call.func.attr), named, norms)  # type: ignore[attr-defined]
    return named, norms


def passes_true(call: ast.Call, by_keyword: bool = True) -> bool:
    """The call passes a literal True, by place or (``by_keyword``) keyword."""
    given = (*call.args, *(keyword.value for keyword in call.keywords)) if by_keyword else call.args
    return any(is_literal(arg, True) for arg in given)


def _sort_call(
    index: Index, layers: Layers, call: ast.Call, seen: set[ast.Call], says_norm: bool,
    named: list[tuple[ast.Call, Scope]], norms: list[tuple[ast.Call, Scope]],
) -> None:
    if call in seen:
        return
    scope = index.scope_at(call)
    if hands_a_norm(layers, call, scope):
        norms.append((call, scope))
    elif says_norm or passes_true(call, by_keyword=False):
        named.append((call, scope))


def _member_calls(index: Index, name: str) -> Iterator[ast.Call]:
    """The calls of a function of a module imported under ``name`` (``blocks.conv_bn(c, c, True)``)."""
    for event in index.module.events.get(name, ()):
        member = index.parents.get(event.node)
        call = index.called_by(member) if type(member) is ast.Attribute and not event.store else None
        if call is not None:
            yield call


def held_block(index: Index, flow: Flow, layers: Layers, func: ast.expr, scope: Scope, local: dict[str, Block]) -> Block | None:
    """The block of this module a variable or parameter holds on every path (``block(c, c, bias=True)`` in
    ``_make_layer(self, block, ...)``, every caller passing ``ConvNormAct``)."""
    if type(func) is not ast.Name or not index.bound(func.id, scope):
        return None
    origins = flow.origins(func, scope, layers.environment(func))
    names = {origin.expr.id for origin in origins or () if type(origin.expr) is ast.Name}  # type: ignore[attr-defined]
    if not origins or len(names) != 1 or len(origins) != sum(type(origin.expr) is ast.Name for origin in origins):
        return None
    name = names.pop()
    if any(origin.scope.tree is not index.module.node or index.bound(name, origin.scope) for origin in origins):
        return None
    return local.get(name)


def chosen_blocks(
    index: Index, flow: Flow, layers: Layers, func: ast.expr, scope: Scope, local: dict[str, Block],
) -> list[tuple[Block, tuple[ast.expr, bool]]]:
    """The blocks of this module a variable holds on the two sides of one conditional expression (timm's LowFormer:
    ``block_cls = FusedMBConv if fused_conv and in_channels < 256 else MBConv``) or of one ``if``/``else`` (each
    assigned right in a branch), each with the test and the side that chooses it; none when the variable may hold
    anything else."""
    if type(func) is not ast.Name or not index.bound(func.id, scope):
        return []
    origins = flow.origins(func, scope, layers.environment(func)) or []
    if len(origins) != 2 or any(
        type(origin.expr) is not ast.Name or origin.scope.tree is not index.module.node
        or index.bound(origin.expr.id, origin.scope) for origin in origins  # type: ignore[attr-defined]
    ):
        return []
    sides = [_chosen_by(index, origin.expr) for origin in origins]
    if None in sides or sides[0][0] is not sides[1][0] or sides[0][1] is sides[1][1]:  # type: ignore[index]
        return []
    return [
        (local[origin.expr.id], (side[0].test, side[1]))  # type: ignore[attr-defined, index]
        for origin, side in zip(origins, sides) if origin.expr.id in local  # type: ignore[attr-defined]
    ]


def _chosen_by(index: Index, value: ast.expr) -> tuple[ast.If | ast.IfExp, bool] | None:
    """The conditional expression a value is a side of, or the ``if`` statement in one of whose branches it is
    assigned (a statement of that branch itself); and whether it is on the test's side."""
    parent = index.parents.get(value)
    if type(parent) is ast.IfExp and value is not parent.test:
        return parent, value is parent.body
    branch = index.parents.get(parent) if type(parent) is ast.Assign and parent.value is value else None
    if type(branch) is ast.If:
        return branch, any(stmt is parent for stmt in branch.body)
    return None


def partial_calls(
    index: Index, flow: Flow, layers: Layers, keywords_of: frozenset[str],
) -> list[tuple[ast.Call, Scope, ast.Call]]:
    """The calls of a module-level name bound to a ``partial`` of a class or function that hands it a norm class
    or a bias switch (``SEWithNorm = partial(SEModule, norm_layer=nn.BatchNorm2d)``, then ``SEWithNorm(c)``), each
    with that partial: the block reads the partial's presets and the call's arguments."""
    found = []
    for presets in index.calls_named("partial"):
        assigned = index.parents.get(presets)
        if not presets.args or type(assigned) is not ast.Assign or len(assigned.targets) != 1:  # type: ignore[arg-type]
            continue
        name, block = assigned.targets[0], presets.args[0]  # type: ignore[union-attr]
        if type(name) is not ast.Name or type(block) not in (ast.Name, ast.Attribute) or layers.row(block)[1] is not None:
            continue
        if not (hands_a_norm(layers, presets) or any(
            keyword.arg in keywords_of and not switched_off(keyword.value) for keyword in presets.keywords
        )) or not isinstance(flow.fact(presets.func, index.module), Partial):
            continue
        for call in index.calls_named(name.id):
            scope = index.scope_at(call)
            origins = flow.origins(call.func, scope)
            if origins and all(origin.expr is presets for origin in origins):
                found.append((call, scope, presets))
    return found


def switches_passed(
    index: Index, layers: Layers, keywords_of: frozenset[str],
) -> tuple[dict[ast.AST, dict[str, set[str]]], list[tuple[ast.Call, Scope]]]:
    """One pass over the module's calls: the names each function hands on as a bias switch (``bias=bias``),
    with the callees it hands each to, and the calls passing a switch that is not a literal False or None."""
    handed: dict[ast.AST, dict[str, set[str]]] = {}
    switching = []
    for call, scope in index.keyword_calls:
        for keyword in call.keywords:
            if keyword.arg is None and _spreads_own_keywords(layers, call, scope, keyword.value):
                handed.setdefault(scope.node, {}).setdefault(keyword.value.id, set()).add("")  # type: ignore[attr-defined]
            if keyword.arg in keywords_of:
                value = keyword.value
                name = switch_name(value)
                if name is not None:
                    callee = local_callee(call, scope)
                    handed.setdefault(scope.node, {}).setdefault(name, set()).add(callee)
                if not switched_off(value):
                    switching.append((call, scope))
                break
    return handed, switching


def switch_name(value: ast.expr) -> str | None:
    """The name a switch or a layer class handed on is read from: ``bias=bias``, or one place of a tuple,
    ``bias=use_bias[0]``, ``norm_layer=norm_layer[0]`` (timm's CPUBone)."""
    return read_from(value)[0]


def read_from(value: ast.expr) -> tuple[str | None, int | None]:
    """The name an argument is read from, and the place of it read (a tuple's), if any."""
    if type(value) is ast.Subscript and type(value.slice) is ast.Constant and type(value.slice.value) is int:
        return (value.value.id, value.slice.value) if type(value.value) is ast.Name else (None, None)
    return (value.id, None) if type(value) is ast.Name else (None, None)


def _spreads_own_keywords(layers: Layers, call: ast.Call, scope: Scope, value: ast.expr) -> bool:
    """``nn.Conv2d(cin, cout, **kwargs)`` in a function taking ``**kwargs``: its bias is the caller's to pass."""
    function = scope.node
    if type(value) is not ast.Name or type(function) is not ast.FunctionDef:
        return False
    kwarg = function.args.kwarg
    if kwarg is None or value.id != kwarg.arg:  # type: ignore[attr-defined]
        return False
    spec = layers.row(call.func)[1]
    if not isinstance(spec, Producer) or spec.functional:
        return False
    # ``bias=False, **kwargs``: the call decides the bias itself (a second one in the spread would raise)
    return not any(keyword.arg == spec.bias.keyword for keyword in call.keywords)


def hands_a_norm(layers: Layers, call: ast.Call, scope: Scope | None = None) -> bool:
    """The call passes a norm class of the rows, by place or keyword (``norm_op=nn.BatchNorm2d``); with the scope
    it is made in, also a name holding one on every path (``norm_layer=norm_layer``)."""
    return any(
        holds_a_norm(layers, arg, scope, layers.environment(arg) if scope is not None else None)
        for arg in (*call.args, *(keyword.value for keyword in call.keywords))
    )


def fills_a_norm(layers: Layers, function: ast.FunctionDef, env: Env) -> bool:
    """The call hands the block a norm class for a parameter without a default or with None
    (``SE(c, r, norm_layer=nn.BatchNorm2d)``): a norm its own module need not see."""
    defaults = parameter_defaults(function.args)
    for name in env.values:
        bound = env.lookup(name)  # looked up, each: each decides (block_reads.py)
        default = defaults.get(name)
        none = default is None or is_literal(default, None)
        if isinstance(bound, Bound) and none and holds_a_norm(layers, bound.expr, bound.scope, bound.env):
            return True
    return False


def holds_a_norm(layers: Layers, expr: ast.expr, scope: Scope | None, env: Env | None) -> bool:
    """A norm class of the rows, or, read in ``scope``, a name holding one on every path (a parameter defaulting
    to ``nn.BatchNorm2d`` in a block its module never calls: ResNeSt's bottleneck handing its ``norm_layer`` to
    timm's ``SplitAttn``)."""
    if _norm_class(layers, expr):
        return True
    if type(expr) is not ast.Name or scope is None or scope.tree is not layers.tree:
        return False
    if not any(_norm_class(layers, value) for value in _bound_values(layers.flow.index, expr.id, scope)):
        return False  # (most names handed to a call hold a number: none is asked of the flow)
    origins = layers.flow.origins(expr, scope, env)
    return bool(origins) and all(origin.scope.tree is scope.tree and _norm_class(layers, origin.expr) for origin in origins)


def _bound_values(index: Index, name: str, scope: Scope) -> Iterator[ast.expr]:
    """What the bindings of a name in the scope assign it: a parameter's default, an assignment's value."""
    for event in index.bindings(scope, name)[0]:
        if type(event.node) is ast.arg:
            default = parameter_defaults(scope.node.args).get(name)  # type: ignore[attr-defined]
            if default is not None:
                yield default
            continue
        parent = index.parents.get(event.node)
        if type(parent) in (ast.Assign, ast.AnnAssign) and parent.value is not None:  # type: ignore[union-attr]
            yield parent.value  # type: ignore[union-attr]


def _norm_class(layers: Layers, expr: ast.expr) -> bool:
    """A name of a norm class of the rows (``nn.BatchNorm2d``)."""
    return type(expr) in (ast.Name, ast.Attribute) and isinstance(layers.row(expr)[1], Norm)
