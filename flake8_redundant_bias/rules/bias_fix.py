"""Where a cancelled bias is switched off, and the edits that do it.

The fix goes where the value is decided, and only where changing it there
changes this layer alone:

* the row's own call (``nn.Conv2d(...)``): add ``bias=False``, or replace a literal
  ``True`` or the positional argument; through a ``partial`` preset, the keyword at
  the call overrides it;
* the enclosing function's parameter (``def __init__(self, bias=True)`` and
  ``nn.Conv2d(..., bias=bias)``), when every value it takes in this file is a literal
  ``True`` (its default, or what each call passes) and nothing else reads it;
* a helper or class the call names (in this module or another of the project), that builds
  the row itself: pass its parameter (``conv3x3(c, c, bias=False)``), or the keyword its
  ``**kwargs`` hands on.

Anything else (a config value, a module constant, a helper two calls down) gets no
fix: the finding still says what to pass.  Every fix is unsafe: a checkpoint saved
with the bias has a key the fixed model lacks, and ``load_state_dict(strict=True)``
refuses it.
"""

from __future__ import annotations

import ast

from ..diagnostics import UNSAFE, Edit, Fix
from ..text import Text
from ..knowledge.schema import Producer
from ..model.context import ModuleModel
from ..model.block_search import read_from
from ..model.index import Index, Scope, if_apart, parameter_defaults
from ..model.layers import Layer
from ..model.values import ABSENT, Bound, is_literal
from .edits import add_keyword, replace

HANDED_ON = 4  # blocks handing a parameter to blocks, followed this deep by a fix


def bias_fix(model: ModuleModel, producer: Layer, spec: Producer, off: str, switched: bool = False) -> Fix | None:
    """The edits that switch the producer's bias off, in the linted module; None where no edit changes it alone.
    ``switched``: the bias is on only for the norms that cancel it (``bias=use_bias``, ``use_bias = norm_layer ==
    nn.InstanceNorm2d``), so the argument itself may say off whatever it holds."""
    if producer.site is not model.tree:
        return None  # built in another module: no edit there
    if producer.built_by is not None:
        found = _through_function(model, producer, producer.built_by, spec, off)
    elif producer.direct:
        found = _at_call(model, producer, spec, off, switched)
    else:
        return None
    if not found or None in found[1]:
        return None
    title, edits = found
    return Fix(title, tuple(edits), UNSAFE)  # type: ignore[arg-type]


def guarded_fix(model: ModuleModel, producer: Layer, spec: Producer, off: str) -> Fix | None:
    """``bias=not use_bn`` at the producer's own call, for a norm that follows only where ``use_bn`` holds: the
    call leaves the bias to its default or passes a literal True; ``bias=bias and not use_bn`` where it passes
    the function's own parameter, read there alone (CBAM's ``BasicConv``).  (Nowhere else: ``off`` is spelled
    for the producer's function.)"""
    if producer.site is not model.tree or producer.built_by is not None or not producer.direct:
        return None
    call, bound, keyword = producer.call, producer.args.get(spec.bias), spec.bias.keyword
    if bound is ABSENT:
        edits = _keyword(call, keyword, off, model.text)
    elif isinstance(bound, Bound) and bound.env is None and _argument_of(bound.expr, call) and is_literal(bound.expr, True):
        edits = [replace(bound.expr, off, model.text)]
    elif (isinstance(bound, Bound) and bound.env is None and isinstance(bound.expr, ast.Name)
          and _argument_of(bound.expr, call) and _read_once(model.index, bound.scope, bound.expr.id)):
        off = f"{bound.expr.id} and {off}"
        edits = [replace(bound.expr, off, model.text)]
    else:
        return None
    return Fix(f"pass {keyword}={off}", tuple(edits), UNSAFE) if None not in edits else None  # type: ignore[arg-type]


def advice(model: ModuleModel, producer: Layer, spec: Producer, off: str, fix: Fix | None) -> str:
    """What the message asks for: the fix's own words, or, where a helper decides the bias inside itself, that."""
    if fix is not None:
        return fix.title
    keyword, function = spec.bias.keyword, producer.built_by
    handed = _handed_switch(model, producer, function, spec) if function is not None else None
    if handed is not None:  # a parameter of the block reaches the bias: switching it off there changes it
        name, _, place, shared = handed
        return _shared_advice(producer.helper, name) if shared else _handed_title(name, place, off, producer.helper)
    if function is not None and (
        _decided_inside(producer.args.get(spec.bias), producer.call, function) or not _takes(function, keyword)
    ):
        # Not "pass it inside the helper": that changes every caller, some of which may need the bias.
        return f"give {producer.helper}() a {keyword} parameter and pass {keyword}={off} here"
    if producer.inside:  # a block's layer: its call decides the switch
        if _shared_switch(model, producer, spec):
            return _shared_advice(producer.helper, keyword)
        return f"pass {keyword}={off} to {producer.helper}()"
    return f"pass {keyword}={off}"


def _shared_advice(helper: str | None, name: str) -> str:
    return f"{helper}()'s {name} parameter also switches its other layers: give this one a switch of its own"


def _handed_title(name: str, place: int | None, off: str, shown: str | None) -> str:
    """What to pass the block for the parameter that reaches the bias (one place of it, for a tuple)."""
    return f"make {name}[{place}] {off} in this call of {shown}()" if place is not None else f"pass {name}={off} to {shown}()"


def _shared_switch(model: ModuleModel, producer: Layer, spec: Producer) -> bool:
    """The block's parameter that reaches the layer's bias is read elsewhere in the block too (timm's
    ``SEModule``: ``bias=bias`` for ``fc1`` and ``fc2``): switching it off changes more than this layer."""
    bound = producer.args.get(spec.bias)
    if producer.built_in is None or not isinstance(bound, Bound) or not isinstance(bound.expr, ast.Name):
        return False
    if bound.env is None or bound.scope is None:
        return False
    home = model.flow.flow_of_tree(producer.built_in).index  # type: ignore[arg-type]
    return (_parameter_reads(home, bound.scope, bound.expr.id) or 0) > 1


def _takes(function: ast.FunctionDef, keyword: str) -> bool:
    """Whether a call can pass the function ``keyword``: a parameter of that name, or a ``**kwargs``."""
    args = function.args
    return args.kwarg is not None or any(arg.arg == keyword for arg in args.posonlyargs + args.args + args.kwonlyargs)


def _decided_inside(bound: object, call: ast.Call, function: ast.FunctionDef) -> bool:
    """The helper's row takes its default bias or a literal written in the helper: no argument of the call reaches it."""
    if bound is ABSENT:
        return not _hands_on_kwargs(function)
    return isinstance(bound, Bound) and isinstance(bound.expr, ast.Constant) and not _argument_of(bound.expr, call)


def _at_call(
    model: ModuleModel, producer: Layer, spec: Producer, off: str, switched: bool = False,
) -> tuple[str, list[Edit | None]] | None:
    call, bound, keyword = producer.call, producer.args.get(spec.bias), spec.bias.keyword
    title = f"pass {keyword}={off}"
    if bound is ABSENT:
        return title, _keyword(call, keyword, off, model.text)
    if not isinstance(bound, Bound) or bound.env is not None:
        return None
    if _argument_of(bound.expr, call):
        if spec.functional or switched or is_literal(bound.expr, True):
            return title, [replace(bound.expr, off, model.text)]
        if isinstance(bound.expr, ast.Name) and bound.scope is not None:
            return _parameter(model, bound, off)
        return None
    parent = model.index.parents.get(bound.expr)
    if isinstance(parent, ast.keyword) and parent.arg == keyword:  # a partial's preset: the call's keyword wins
        return title, _keyword(call, keyword, off, model.text)
    return None


def _parameter(model: ModuleModel, bound: Bound, off: str) -> tuple[str, list[Edit | None]] | None:
    """The enclosing function's parameter, read only here, whose every value in this file is a literal True."""
    index = model.index
    name, scope = bound.expr.id, bound.scope  # type: ignore[attr-defined]
    function = scope.node if scope is not None else None
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or not _read_once(index, scope, name):
        return None
    origins = model.flow.origins(bound.expr, scope)  # type: ignore[arg-type]
    if not origins:
        return None
    default = parameter_defaults(function.args).get(name)
    for origin in origins:
        if origin.env is not None or origin.scope is None or origin.scope.tree is not model.tree or not is_literal(
                origin.expr, True):
            return None
        if origin.expr is not default and not isinstance(index.parents.get(origin.expr), (ast.keyword, ast.Call)):
            return None  # a constant others may read too
    owner = scope.parent.node if scope.parent is not None else None
    shown = f"{owner.name}.{function.name}" if isinstance(owner, ast.ClassDef) else function.name
    off = _flag(off)
    return f"make {name}={off} in {shown}() and its calls", [replace(o.expr, off, model.text) for o in origins]


def _flag(off: str) -> str:
    """What a parameter of the project's that holds a literal True is given to say off: False, also where the row's
    own off value is another (mmyolo's ``ConvWrapper(..., bias: bool = True)`` handing it to mmcv's ``ConvModule``,
    which says off with ``'auto'`` too)."""
    return off if off in ("False", "None") else "False"


def _through_function(
    model: ModuleModel, producer: Layer, function: ast.FunctionDef, spec: Producer, off: str,
) -> tuple[str, list[Edit | None]] | None:
    """Pass the helper (or the class, through its ``__init__``) the argument that reaches the row."""
    call, bound, source = producer.call, producer.args.get(spec.bias), model.text
    shown = producer.helper
    handed = _handed_switch(model, producer, function, spec)
    if handed is not None:
        name, passed, place, shared = handed
        if shared:
            return None
        off = _flag(off)  # (what is handed is a literal True, or the block's own default)
        title = _handed_title(name, place, off, shown)
        if place is not None:  # ``use_bias=(True, False)``: the item in the place the block reads
            item = passed.expr.elts[place] if isinstance(passed.expr, ast.Tuple) and _argument_of(passed.expr, call) else None
            return (title, [replace(item, off, source)]) if item is not None and is_literal(item, True) else None
        if _argument_of(passed.expr, call):
            return (title, [replace(passed.expr, off, source)]) if is_literal(passed.expr, True) else None
        return title, _keyword(call, name, off, source)  # the block's own default
    if isinstance(bound, Bound) and isinstance(bound.expr, (ast.Name, ast.Subscript)) and bound.env is not None:
        return None
    keyword = spec.bias.keyword
    if isinstance(bound, Bound) and _argument_of(bound.expr, call) and is_literal(bound.expr, True):
        return f"pass {keyword}={off} to {shown}()", [replace(bound.expr, off, source)]  # handed on by **kwargs
    if bound is ABSENT and keyword not in _keywords(function) and _hands_on_kwargs(function):
        return f"pass {keyword}={off} to {shown}()", _keyword(call, keyword, off, source)
    return None


def _keywords(function: ast.FunctionDef) -> set[str]:
    """The parameters a call can pass by keyword (an ``__init__``'s, past ``self``)."""
    named = function.args.args[1:] if function.name == "__init__" else function.args.args
    return {a.arg for a in named + function.args.kwonlyargs}


def _handed_switch(
    model: ModuleModel, producer: Layer, function: ast.FunctionDef, spec: Producer,
) -> tuple[str, Bound, int | None, bool] | None:
    """The parameter of the block the call calls whose value reaches the row's bias, handed on from block to
    block (``Down`` -> ``ConvBNReLU``; ``use_bias[0]`` of CPUBone's ``FusedMBConv``): its name, what the call
    passes for it (or its default), the place in it a block reads (a tuple's, else None), and whether some block
    on the way reads its parameter elsewhere too (switching it off changes more than this layer)."""
    call, bound = producer.call, producer.args.get(spec.bias)
    if not isinstance(bound, Bound) or bound.env is None:
        return None
    keywords = _keywords(function)
    home = model.flow.flow_of_tree(producer.built_in).index  # type: ignore[arg-type]  # the helper's module
    current, scope, shared = bound, bound.scope or home.scope_of.get(function), False
    for _ in range(HANDED_ON):  # a parameter handed on from block to block
        name, place = read_from(current.expr)
        if name is None or scope is None or current.env is None:
            return None
        reads = _parameter_reads(home, scope, name)
        if reads is None:
            return None
        shared = shared or (reads if place is None else _place_reads(home, scope, name, place)) != 1 and not (
            _one_per_path(home, scope, name))
        passed = current.env.lookup(name)
        if not isinstance(passed, Bound):
            return None
        if _argument_of(passed.expr, call):
            return name, passed, place, shared
        if scope.node is function and name in keywords and passed.env is None and (
            passed.expr is parameter_defaults(function.args).get(name)
        ):
            return name, passed, place, shared
        if passed.env is None or passed.scope is None:
            return None
        current, scope = passed, passed.scope
    return None


def _one_per_path(index: Index, scope: Scope, name: str) -> bool:
    """The parameter is read twice, on the two sides of one ``if``/``else`` (a layer built one way or another by
    branch, timm's CPUBone padding an even kernel first): each path reads it once."""
    reads = [event.node for event in scope.events.get(name, ()) if not event.store]
    return len(reads) == 2 and if_apart(index, *reads)


def _place_reads(index: Index, scope: Scope, name: str, place: int) -> int:
    """How many reads of a tuple parameter may use its item at ``place``: those of that item, and any read of the
    whole tuple (counted twice: it may hand the item on too)."""
    count = 0
    for event in scope.events.get(name, ()):
        if event.store:
            continue
        item = index.parents.get(event.node)
        subscript = type(item) is ast.Subscript and type(item.slice) is ast.Constant  # type: ignore[union-attr]
        if not subscript or item.slice.value != place:  # type: ignore[union-attr]
            count += 0 if subscript and type(item.slice.value) is int else 2  # type: ignore[union-attr]
        else:
            count += 1
    return count


def _keyword(call: ast.Call, keyword: str, off: str, source: Text) -> list[Edit | None]:
    return list(add_keyword(call, keyword, off, source)) or [None]


def _read_once(index: Index, scope: Scope | None, name: str) -> bool:
    """A function's parameter, never re-bound and read in one place (not from a nested function):
    changing the value it takes changes that one use."""
    return _parameter_reads(index, scope, name) == 1


def _parameter_reads(index: Index, scope: Scope | None, name: str) -> int | None:
    """How many times the function reads its parameter, if it never binds it again; None for anything else."""
    if scope is None or name in scope.escaped:
        return None
    stores, reads = index.bindings(scope, name)
    return reads if len(stores) == 1 and isinstance(stores[0].node, ast.arg) else None


def _hands_on_kwargs(function: ast.FunctionDef) -> bool:
    """``**kwargs`` is handed on to a call, and read nowhere else."""
    kwarg = function.args.kwarg
    if kwarg is None:
        return False
    uses = [n for n in ast.walk(function) if isinstance(n, ast.Name) and n.id == kwarg.arg]
    handed = [k for k in ast.walk(function) if isinstance(k, ast.keyword) and k.arg is None
              and isinstance(k.value, ast.Name) and k.value.id == kwarg.arg]
    return len(uses) == 1 and len(handed) == 1


def _argument_of(expr: ast.expr, call: ast.Call) -> bool:
    return any(arg is expr for arg in call.args) or any(keyword.value is expr for keyword in call.keywords)
