"""Code that reads a layer's bias as if every layer had one: an initializer over a model's modules
(``for m in self.modules(): ... nn.init.constant_(m.bias, 0)``, ``self.apply(init_weights)``,
``utils.initialize_weights(self)``) with no ``if m.bias is not None``.  Switching the bias off breaks it
(``AttributeError: 'NoneType' object has no attribute 'data'``), so a fix waits until the reader checks.

Read where the class that builds the layer can reach it: its own methods, the initializers it hands itself
to (a function named so, ``initialize_weights(self)``, in its module or another of the project) and the functions
it applies (``self.apply(weights_init)``).  A reader under a test of the module's class (``isinstance(m, nn.BatchNorm2d)``,
``classname.find('Conv') != -1``) reads the bias of the classes the test names alone.
"""

from __future__ import annotations

import ast
from typing import Iterator

from .flow.service import Flow
from .index import Index, called_name, spelled_name


def bias_reader(index: Index, flow: Flow, call: ast.Call, layer: str) -> str | None:
    """The function (``initialize_weights()``) that reads the bias of the modules of the class building ``call``
    without checking that it exists, under a test a layer of class ``layer`` (``Conv2d``) may pass; None if none."""
    owner = _class_building(index, call)
    if owner is None:
        return None
    held = _held_in(index, call)
    found = index.derived("bias readers", dict)  # the same for each finding of the class
    key = (owner, layer, held)
    if key not in found:
        found[key] = next((
            f"{function.name}(){_at(index, read)}" for function, applied in _readers(index, flow, owner)
            if _spells_bias(index, function)
            for read, parents in _bias_reads(function, applied, held) if _unchecked(read, parents, layer)
        ), None)
    return found[key]


def _at(index: Index, read: ast.AST) -> str:
    """Where a read of this module is (`` at line 212``); nothing for one of another module."""
    return f" at line {read.lineno}" if index.parents.get(read) is not None else ""  # type: ignore[attr-defined]


def _spells_bias(index: Index, function: ast.FunctionDef) -> bool:
    """The function's text spells ``.bias`` (one of another module is read whole)."""
    source = index.source
    if source is None or index.scope_of.get(function) is None:
        return True
    start, end = source.span(function.lineno, function.end_lineno or function.lineno)
    return source.text.find(".bias", start, end) >= 0


def _held_in(index: Index, call: ast.Call) -> str | None:
    """The attribute the statement building the call stores its module in (``self.head = nn.Sequential(...)``)."""
    node: ast.AST | None = call
    while node is not None and not isinstance(node, ast.stmt):
        node = index.parents.get(node)
    targets = node.targets if isinstance(node, ast.Assign) else []
    return targets[0].attr if len(targets) == 1 and isinstance(targets[0], ast.Attribute) else None


def _class_building(index: Index, call: ast.Call) -> ast.ClassDef | None:
    """The class whose method builds the call."""
    scope = index.scope_at(call)
    while scope.parent is not None and not isinstance(scope.parent.node, ast.ClassDef):
        scope = scope.parent
    owner = scope.parent.node if scope.parent is not None else None
    return owner if isinstance(owner, ast.ClassDef) and isinstance(scope.node, ast.FunctionDef) else None


def _readers(index: Index, flow: Flow, owner: ast.ClassDef) -> Iterator[tuple[ast.FunctionDef, bool]]:
    """The class's methods, and the functions it hands itself to or applies to its modules (``True``: applied, so
    its last parameter is each module in turn)."""
    yield from ((node, False) for node in owner.body if isinstance(node, ast.FunctionDef))
    for call, scope in index.calls_inside(owner):
        receiver = flow.receiver(scope)[1]
        func = call.func
        applied = isinstance(func, ast.Attribute) and func.attr == "apply" and _is(func.value, receiver)
        if applied and call.args:
            target = call.args[0]  # ``self.apply(weights_init)``, ``self.apply(self._init_weights)``
            if isinstance(target, ast.Attribute) and _is(target.value, receiver):
                method = next((n for n in owner.body if isinstance(n, ast.FunctionDef) and n.name == target.attr), None)
                if method is not None:
                    yield method, True
                continue
        elif any(_is(arg, receiver) for arg in call.args) and "init" in called_name(call).lower():
            target = func  # ``initialize_weights(self)``: an initializer by its name (reading every callee would
            # parse the module of every helper the class hands itself to)
        else:
            continue
        found = _function(index, flow, target)
        if found is not None:
            yield found, applied


def _is(expr: ast.expr, name: str | None) -> bool:
    return isinstance(expr, ast.Name) and expr.id == name


def _function(index: Index, flow: Flow, expr: ast.expr) -> ast.FunctionDef | None:
    """A function of the module, or one of the project a name or ``module.name`` imports."""
    if isinstance(expr, ast.Name) and expr.id in index.functions:
        return index.functions[expr.id]
    defined = flow.definition(expr) if isinstance(expr, (ast.Name, ast.Attribute)) and flow.follows_imports() else None
    node = defined[0] if defined is not None else None
    return node if isinstance(node, ast.FunctionDef) else None


WALKS = frozenset({"modules", "children", "named_modules", "named_children"})  # a module's walks over its modules


def _bias_reads(
    function: ast.FunctionDef, applied: bool, held: str | None,
) -> Iterator[tuple[ast.Attribute, dict[ast.AST, ast.AST]]]:
    """Each ``m.bias`` the function reads of a module it visits: a loop's over a walk of the modules
    (``for m in self.modules()``; not of another attribute than ``held``, where the layer is kept), or, for a
    function applied to each module, its last parameter; with the function's parents."""
    parents: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(function):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    parameter = function.args.args[-1].arg if applied and function.args.args else None
    for node in ast.walk(function):
        if isinstance(node, ast.Attribute) and node.attr == "bias" and isinstance(node.value, ast.Name):
            loop = _loop_binding(node, node.value.id, parents)
            if loop is not None and _walk_of(loop.iter, held) or loop is None and node.value.id == parameter:
                yield node, parents


def _loop_binding(node: ast.AST, name: str, parents: dict[ast.AST, ast.AST]) -> ast.For | None:
    """The innermost loop around the node whose target binds ``name`` (``m`` of ``for name, m in ...``)."""
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.For):
            target = node.target.elts[-1] if isinstance(node.target, ast.Tuple) and node.target.elts else node.target
            if isinstance(target, ast.Name) and target.id == name:
                return node
    return None


def _walk_of(expr: ast.expr, held: str | None) -> bool:
    """``x.modules()`` and its kin, unless ``x`` is another attribute of the object than ``held``."""
    if not (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr in WALKS):
        return False
    walked = expr.func.value
    return not (isinstance(walked, ast.Attribute) and held is not None and walked.attr != held)


def _unchecked(read: ast.Attribute, parents: dict[ast.AST, ast.AST], layer: str) -> bool:
    """No test around the read asks for the bias (``if m.bias is not None``, ``hasattr(m, "bias")``), and each test
    of the module's class around it may hold for a layer of class ``layer``."""
    node: ast.AST = read
    while node in parents:
        parent = parents[node]
        if isinstance(parent, (ast.If, ast.IfExp, ast.While, ast.Assert)) and node is parent.test:
            return False  # ``if m.bias is not None:``: the check itself
        inside = node in parent.body if isinstance(parent, (ast.If, ast.While)) else (
            isinstance(parent, ast.IfExp) and node is parent.body)
        if inside and (_mentions_bias(parent.test) or not _may_hold(parent.test, layer)):  # type: ignore[attr-defined]
            return False
        if isinstance(parent, ast.BoolOp) and any(_mentions_bias(value) for value in parent.values if value is not node):
            return False  # ``m.bias is not None and init(m.bias)``
        node = parent
    return True


def _mentions_bias(test: ast.expr) -> bool:
    return any(
        isinstance(node, ast.Attribute) and node.attr == "bias" or isinstance(node, ast.Constant) and node.value == "bias"
        for node in ast.walk(test)
    )


def _may_hold(test: ast.expr, layer: str) -> bool:
    """A test of the module's class that may hold for a layer of class ``layer``: ``isinstance(m, (nn.Conv2d, ...))``
    naming it, a class name's text found in it (``classname.find('Conv') != -1``).  Any other test may be a check
    of its own (timm's ``len(list(m.parameters())) > 1``): the read is not claimed."""
    named = [
        node.args[1] for node in ast.walk(test)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "isinstance"
        and len(node.args) == 2
    ]
    if named:
        classes = [c for n in named for c in (n.elts if isinstance(n, ast.Tuple) else [n])]
        return any(spelled_name(c) in (layer, "") for c in classes)
    texts = [node.value for node in ast.walk(test) if isinstance(node, ast.Constant) and isinstance(node.value, str)]
    return any(text in layer for text in texts)
