"""The value-flow service: what can this expression hold here?

Every rule asks this one service.  It answers with the list of expressions a
value can come from (its *origins*), or ``None`` when it cannot know; a rule
reports only when every origin agrees.  It follows:

* local names, through the bindings that can reach the read: the last
  unconditional one before it, any in branches after that, and in a loop the
  ones later in the loop body;
* ``a if c else b`` (both), ``self.x`` assigned anywhere in the class (every
  value), class attributes, ``cfg.x`` of a same-file ``@dataclass`` or plain
  class built without ``x``, Lightning's ``self.hparams.x``, and argparse
  options whose ``add_argument(default=...)`` is in the file;
* a function's parameter, when every call of the function visible in the file
  (at least one) is a plain call: the default where a call leaves it, and
  what each call passes;
* a helper's parameter bound to what one particular call passed (``Env``);
* a name imported from another module of the project (``project.py``): that
  module's binding of it, a class's field defaults, a module attribute
  (``config.WEIGHT_DECAY``), the options of the parser that an imported
  ``get_args()`` fills.  Values read there say so in their note
  (``... in config.py``).  Every service works on the module a scope belongs
  to, so a question about another module's code is answered by that module's
  service.

Everything else (a third-party import, a builtin, a tuple unpacking,
``global``, a name a skipped definition spells) is unknown.
"""

from __future__ import annotations

import ast
import itertools
import operator
from typing import TYPE_CHECKING, Callable, Iterator, NamedTuple

from .values import ABSENT, UNKNOWN, Bound, CallArgs, Env
from ..knowledge import DATACLASS_DECORATORS, DATACLASS_FIELD, LIGHTNING_SAVE, PARTIALS
from ..knowledge.schema import Arg
from .index import Block, Event, Index, Scope, method_named, parameter_defaults

if TYPE_CHECKING:  # pragma: no cover
    from .project import Module, Project, Source
    from .gates import Words

DEPTH = 12  # names followed through names, this deep
PRODUCT_LIMIT = 16  # values an arithmetic expression may combine
CONVERTERS = {"float": float, "int": int, "bool": bool}
OPERATORS: dict[type, Callable] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
    ast.Pow: operator.pow, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
}


class Origin(NamedTuple):
    """An expression a value comes from, with where its names are read, and how the code names it."""

    expr: ast.expr
    scope: Scope
    env: Env | None = None
    note: str = ""  # for messages: "WEIGHT_DECAY", "the default of --wd"; "" for a literal


class Number(NamedTuple):
    value: float
    origin: str  # how the code states it, for messages: "" for a literal
    others: tuple[float, ...] = ()  # the other values it may hold on other paths

    def describe(self) -> str:
        shown = " or ".join(repr(v) for v in (self.value, *self.others))
        return f"{shown}{f' ({self.origin})' if self.origin else ''}"


class Flow:
    def __init__(
        self, index: Index, project: Project | None = None, path: str = "", shown: str = "", words: Words | None = None,
    ) -> None:
        """``shown``: how messages name the module, for a module other than the linted file;
        ``words``: those of the frameworks it imports, which gate the questions sent to other modules."""
        self.index = index
        index.flow = self  # type: ignore[attr-defined]  # a scope's module answers for the values read in it
        self.project = project
        self.words = words
        self.path = path
        self.shown = shown
        self._visiting: set[tuple[int, int]] = set()
        self._options: dict[str, object] | None = None
        self._dests: set[str] = set()  # every option's dest in the file
        self._flags: dict[str, str | None] = {}  # an option's dest -> its long flag as the code spells it
        self._attributes: dict[ast.ClassDef, dict[str, list[tuple[ast.expr | None, Scope, ast.Attribute]]]] | None = None
        self._stored_attrs: set[str] = set()  # attributes assigned on objects other than self
        self._callers: dict[str, list[tuple[ast.Call, Scope]] | None] = {}
        self._subclasses: dict[str, list[ast.ClassDef]] | None = None  # a class name -> the classes deriving from it
        self._found: dict[str, tuple[Source, str | None] | None] = {}  # an imported name -> where it is defined
        self._spells: dict[tuple[str, tuple[str, ...]], bool] = {}  # (an imported name, words) -> its assignment spells one
        self._owners: dict[Scope, tuple[ast.ClassDef | None, str | None]] = {}  # a scope -> its class and self

    # ------------------------------------------------------------ origins

    def origins(self, expr: ast.expr, scope: Scope, env: Env | None = None) -> list[Origin] | None:
        """Every expression ``expr`` may hold, none of them a name the service could follow further."""
        return self._origins(expr, scope, env, 0, "")

    def sole_origin(self, expr: ast.expr, scope: Scope, env: Env | None = None) -> Origin | None:
        """The one expression ``expr`` holds on every path, if there is exactly one."""
        origins = self.origins(expr, scope, env)
        return origins[0] if origins and len(origins) == 1 else None

    def _origins(self, expr: ast.expr, scope: Scope, env: Env | None, depth: int, note: str) -> list[Origin] | None:
        if depth > DEPTH:
            return None
        if scope.index is not self.index and scope.index is not None:
            return scope.index.flow._origins(expr, scope, env, depth, note)  # type: ignore[attr-defined]
        if isinstance(expr, (ast.Name, ast.Attribute)) and self.index.imports.resolve(expr) is not None:
            return [Origin(expr, scope, env, note)]  # a framework's name: nothing to follow
        if isinstance(expr, ast.Name):
            return self._name(expr, scope, env, depth, note or expr.id)
        if isinstance(expr, ast.IfExp):
            body = self._origins(expr.body, scope, env, depth + 1, note)
            orelse = self._origins(expr.orelse, scope, env, depth + 1, note)
            return body + orelse if body is not None and orelse is not None else None
        if isinstance(expr, ast.NamedExpr):
            return self._origins(expr.value, scope, env, depth + 1, note)
        if isinstance(expr, ast.Attribute):
            found = self._attribute(expr, scope, env, depth)
            return found if found is not None else [Origin(expr, scope, env, note)]
        if isinstance(expr, ast.Subscript):
            found = self._subscript(expr, scope, depth)
            if found is not None:
                return found
        return [Origin(expr, scope, env, note)]

    def _name(self, name: ast.Name, scope: Scope, env: Env | None, depth: int, note: str) -> list[Origin] | None:
        if env is not None:
            bound = env.lookup(name.id)
            if bound is UNKNOWN:
                return None
            if isinstance(bound, Bound):
                return self._origins(bound.expr, bound.scope or scope, bound.env, depth + 1, note)
        reaching = self.reaching(name, scope)
        if reaching is None:
            if self.project is None or self.index.imports.imported(name.id) is None:
                return None
            return self._imported(name.id, depth) if self._unbound(name.id, scope) else None
        home, stores = reaching
        key = (id(home), id(name))
        if key in self._visiting:
            return None  # a value defined by itself, as in a loop: unknown
        self._visiting.add(key)
        try:
            found: list[Origin] = []
            for event in stores:
                origins = self._binding(event.node, home, depth + 1, note)
                if origins is None:
                    return None
                found += origins
            return found
        finally:
            self._visiting.discard(key)

    def reaching(self, name: ast.Name, scope: Scope) -> tuple[Scope, list[Event]] | None:
        """The scope that binds ``name`` and the bindings that can reach this read of it."""
        index = self.index
        home = index.home(name.id, scope)
        if name.id in home.escaped:
            return None
        stores, _ = index.bindings(home, name.id)
        if not stores:
            return None
        read = _read_event(home.events.get(name.id, ()), name) if home is scope else None
        if read is None:
            return home, stores  # read later, from a nested function, or a node of our own
        reaching: list[Event] = []
        for store in reversed([s for s in stores if s.order < read.order]):
            reaching.append(store)
            if read.block.within(store.block):
                break  # an unconditional binding before the read hides the older ones
        loop = _loop_of(read.block)
        if loop is not None:
            reaching += [s for s in stores if s.order > read.order and s.block.within(loop)]
        return (home, reaching) if reaching else None

    def _binding(self, node: ast.AST, scope: Scope, depth: int, note: str) -> list[Origin] | None:
        if isinstance(node, ast.arg):
            return self._parameter(node, depth, note)
        parent = self.index.parents.get(node)
        if isinstance(parent, ast.Assign) and parent.targets == [node]:
            return self._origins(parent.value, scope, None, depth, note)
        if isinstance(parent, (ast.AnnAssign, ast.NamedExpr)) and parent.target is node and parent.value is not None:
            return self._origins(parent.value, scope, None, depth, note)
        if isinstance(parent, ast.AugAssign) and parent.target is node:
            # x += y is x = <x as it was> + y; the target node also stands for that read.
            combined = ast.BinOp(left=node, op=parent.op, right=parent.value)
            return [Origin(ast.copy_location(combined, parent), scope, None, note)]
        return None  # unpacking, a loop target, with ... as, an import: not followed

    # ------------------------------------------------------------ parameters

    def _parameter(self, param: ast.arg, depth: int, note: str) -> list[Origin] | None:
        """A parameter's values over every visible call of its function (at least one)."""
        function = self.index.parents.get(param)
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return None
        inner = self.index.scope_of.get(function)
        outer = inner.parent if inner is not None else None
        if outer is None:
            return None
        calls, skip_self = self._calls_of(function, outer)
        if not calls:
            return None
        args = function.args
        positional = args.posonlyargs + args.args
        if param in (args.vararg, args.kwarg):
            return None
        where = Arg(param.arg if param not in args.posonlyargs else "\0", None)
        if param in positional:
            if positional.index(param) < skip_self:
                return None  # self: the instance, not a value the calls pass
            where = Arg(where.keyword, positional.index(param) - skip_self)
        default = parameter_defaults(args).get(param.arg)
        found: list[Origin] = []
        defaulted = False
        for call, call_scope in calls:
            given = CallArgs.of(call).get(where)
            if given is UNKNOWN:
                # Model(**vars(args)): the parameter is the option of that name, if the parser has one.
                # (An option added elsewhere, Trainer.add_argparse_args(parser), may carry any name.)
                option = self._option(param.arg) if param.arg in self._option_table()[1] else None
                if option is None:
                    return None
                found += option
                continue
            if given is ABSENT:
                if default is None:
                    return None
                if defaulted:
                    continue  # the default is one value, however many calls leave it
                defaulted = True
                where_named = getattr(outer.node, "name", None) if function.name == "__init__" else function.name
                origins = self._origins(default, outer, None, depth + 1, f"the default of {param.arg} in {where_named}()")
            else:
                origins = self._origins(given.expr, call_scope, None, depth + 1, note)  # type: ignore[union-attr]
            if origins is None:
                return None
            found += origins
        return found

    def _calls_of(self, function: ast.AST, scope: Scope) -> tuple[list[tuple[ast.Call, Scope]] | None, int]:
        """Every call of a module-level function, or of a module-level class for its ``__init__``."""
        index = self.index
        name = getattr(function, "name", "")
        if scope is index.module and index.functions.get(name) is function:
            return self.callers(name), 0
        owner = scope.node
        if name == "__init__" and isinstance(owner, ast.ClassDef) and index.classes.get(owner.name) is owner:
            return self.callers(owner.name), 1
        return None, 0

    def callers(self, name: str) -> list[tuple[ast.Call, Scope]] | None:
        """The calls of a module-level name, when every use of it in the file is a plain call."""
        if name in self._callers:
            return self._callers[name]
        module = self.index.module
        found: list[tuple[ast.Call, Scope]] | None = []
        if name in module.escaped or any(e.store for e in module.events.get(name, ())):
            found = None
        for event in module.events.get(name, ()) if found is not None else ():
            call = self.index.parents.get(event.node)
            if _names_class_for_super(call, event.node):
                continue  # super(Block, self).__init__(): the class's own initialisation
            if isinstance(call, ast.Attribute) and call.attr in self._static_methods(name):
                continue  # Model.add_model_specific_args(parser): no instance is built
            if not (isinstance(call, ast.Call) and call.func is event.node) or any(
                isinstance(a, ast.Starred) for a in call.args
            ) or any(k.arg is None and not self._options_spread(k.value) for k in call.keywords):
                found = None
                break
            found.append((call, self.index.scope_at(call)))  # type: ignore[union-attr]
        self._callers[name] = found
        return found

    def _static_methods(self, name: str) -> set[str]:
        owner = self.index.classes.get(name)
        if owner is None:
            return set()
        return {
            s.name for s in owner.body if isinstance(s, ast.FunctionDef)
            and any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in s.decorator_list)
        }

    # ------------------------------------------------------------ attributes

    def _attribute(self, expr: ast.Attribute, scope: Scope, env: Env | None, depth: int) -> list[Origin] | None:
        base = expr.value
        owner = self.method_owner(base, scope)
        if owner is not None:
            return self._self_attribute(owner, expr.attr, depth)
        if isinstance(base, ast.Attribute) and base.attr == "hparams":
            owner = self.method_owner(base.value, scope)
            return self._hparam(owner, expr.attr, depth) if owner is not None else None
        if isinstance(base, ast.Name):
            found = self._config_field(base, expr.attr, scope, env, depth)
            if found is not None:
                return found
            found = self._module_attribute(base, expr.attr, scope, depth)
            if found is not None:
                return found
        found = self._option(expr.attr)
        if found is None and isinstance(base, ast.Name) and self.project is not None:
            return self._imported_option(base, expr.attr, scope, depth)
        return found

    def _module_attribute(self, base: ast.Name, attr: str, scope: Scope, depth: int) -> list[Origin] | None:
        """``config.WEIGHT_DECAY`` after ``from . import config`` or ``import config``."""
        if self.project is None or not self._unbound(base.id, scope):
            return None
        found = self._foreign(base.id)
        if found is None or found[1] is not None:
            return None
        return _exported(found[0], attr, depth + 1)

    def _imported_option(self, base: ast.Name, attr: str, scope: Scope, depth: int) -> list[Origin] | None:
        """``args.lr`` where ``args = get_args()`` and the project module defining it adds the option."""
        if self._dests and attr not in self._dests:
            return None
        origin = self.sole_origin(base, scope)
        call = origin.expr if origin is not None else None
        if not isinstance(call, ast.Call) or origin.scope.index is not self.index:  # type: ignore[union-attr]
            return None
        defined = self.definition(call.func, ("add_argument",))
        if defined is None or not isinstance(defined[0], ast.FunctionDef):
            return None
        flow = defined[1].flow
        options = flow._option(attr)
        return [o._replace(note=flow._located(o.note)) for o in options] if options else None

    def _subscript(self, expr: ast.Subscript, scope: Scope, depth: int) -> list[Origin] | None:
        """``self.hparams["x"]``."""
        base, key = expr.value, expr.slice
        if isinstance(base, ast.Attribute) and base.attr == "hparams" and isinstance(key, ast.Constant):
            owner = self.method_owner(base.value, scope)
            if owner is not None and isinstance(key.value, str):
                return self._hparam(owner, key.value, depth)
        return None

    def method_owner(self, expr: ast.expr, scope: Scope) -> ast.ClassDef | None:
        """The class whose method this is, when ``expr`` is the method's first parameter (``self``)."""
        if not isinstance(expr, ast.Name):
            return None
        found = self._owners.get(scope)
        if found is None:  # asked for most reads of self: the scope's answer is kept
            found = self._owners[scope] = _method_self(scope)
        return found[0] if found[1] == expr.id else None

    def attribute_values(self, owner: ast.ClassDef, attr: str) -> list[tuple[ast.expr | None, Scope]]:
        """Every value ``self.attr`` is given in the class's methods (None: not a plain assignment)."""
        return [(value, scope) for value, scope, _ in self.attributes_of(owner).get(attr, ())]

    def attributes_of(self, owner: ast.ClassDef) -> dict[str, list[tuple[ast.expr | None, Scope, ast.Attribute]]]:
        """attribute -> (value or None, scope, the assigned target) for every ``self.x = ...`` of the class."""
        return self._attribute_stores()[0].get(owner, {})

    def _stored_elsewhere(self, attr: str) -> bool:
        """Some code assigns ``obj.attr = ...`` on an object other than ``self``."""
        return attr in self._attribute_stores()[1]

    def _attribute_stores(self) -> tuple[dict, set[str]]:
        """Every ``self.x = ...`` by class and attribute, and the attributes stored on other objects."""
        if self._attributes is None:
            self._attributes = {}
            for target, parent, scope in self.index.attribute_stores:
                found = self.method_owner(target.value, scope)
                if found is None:
                    self._stored_attrs.add(target.attr)  # cfg.x = ...: some object's x is changed
                else:
                    single = isinstance(parent, (ast.Assign, ast.AnnAssign)) and _single_target(parent, target)
                    value = parent.value if single else None  # type: ignore[union-attr]
                    self._attributes.setdefault(found, {}).setdefault(target.attr, []).append((value, scope, target))
        return self._attributes, self._stored_attrs

    def _self_attribute(self, owner: ast.ClassDef, attr: str, depth: int) -> list[Origin] | None:
        stored = self.attribute_values(owner, attr)
        if self.overridden(owner, attr) or self._stored_elsewhere(attr):
            return None  # a subclass, or code outside the class (trainer.x = ...), may set it
        class_scope = self.index.scope_of.get(owner)
        class_level = self.index.bindings(class_scope, attr)[0] if class_scope is not None else []
        if not stored and not class_level:
            return None  # set by a base class, a setattr, or not at all: unknown
        found: list[Origin] = []
        for value, scope in stored:
            origins = self._origins(value, scope, None, depth + 1, f"self.{attr}") if value is not None else None
            if origins is None:
                return None
            found += origins
        for event in class_level:
            origins = self._binding(event.node, class_scope, depth + 1, f"{owner.name}.{attr}")  # type: ignore[arg-type]
            if origins is None:
                return None
            found += origins
        return found

    def overridden(self, owner: ast.ClassDef, attr: str) -> bool:
        """A subclass in the file that sets the attribute."""
        if self._subclasses is None:
            self._subclasses = {}
            for other in self.index.classes.values():
                for base in other.bases:
                    if isinstance(base, ast.Name):
                        self._subclasses.setdefault(base.id, []).append(other)
        return any(
            self.attribute_values(other, attr) or self.index.bindings(self.index.scope_of[other], attr)[0]
            for other in self._subclasses.get(owner.name, ())
        )

    def _hparam(self, owner: ast.ClassDef, name: str, depth: int) -> list[Origin] | None:
        """``self.hparams.x`` after ``self.save_hyperparameters()``: the ``__init__`` parameter ``x``."""
        init = method_named(owner, "__init__")
        if init is None or not _saves_hyperparameters(init, name):
            return None
        param = next((a for a in init.args.args + init.args.kwonlyargs if a.arg == name), None)
        if param is None:
            return None
        scope = self.index.scope_of.get(init)
        if scope is None or self.index.single_binding(scope, name) is not param:
            return None
        if self.index.classes.get(owner.name) is not owner:
            return None
        calls = self.callers(owner.name)
        if calls is None:
            return None  # used in ways other than a plain call: a subclass, a factory
        if calls:  # built in the file: the values those calls give
            return self._parameter(param, depth + 1, f"hparams.{name}")
        # Built by a command line or a config (LightningCLI): the default, as for argparse.
        default = parameter_defaults(init.args).get(name)
        if default is None:
            return None
        return self._origins(default, scope.parent, None, depth + 1, f"the default of hparams.{name}")  # type: ignore[arg-type]

    def _config_field(self, base: ast.Name, attr: str, scope: Scope, env: Env | None, depth: int) -> list[Origin] | None:
        """``cfg.x`` where ``cfg`` is a same-file class (or an instance built without ``x``)."""
        if self._stored_elsewhere(attr):
            return None  # some code assigns obj.x = ...: a default may not be what it holds
        named = self.class_named(base.id, scope)
        if named is not None:
            return named[1].class_field(named[0], attr, depth)
        origins = self._origins(base, scope, env, depth + 1, "")
        if not origins:
            return None
        found: list[Origin] = []
        for origin in origins:
            built = origin.expr
            if not (isinstance(built, ast.Call) and isinstance(built.func, ast.Name)):
                return None
            flow = origin.scope.index.flow if origin.scope.index is not None else self  # type: ignore[attr-defined]
            named = flow.class_named(built.func.id, origin.scope)
            if named is None or _passes_field(named[0], attr, built) is not False:
                return None
            fields = named[1].class_field(named[0], attr, depth)
            if fields is None:
                return None
            found += fields
        return found

    def class_field(self, owner: ast.ClassDef, attr: str, depth: int) -> list[Origin] | None:
        """A class's field default, noted with the module it is read in when that is not the linted file."""
        found = self._class_field(owner, attr, depth)
        if found is None or not self.shown:
            return found
        return [o._replace(note=self._located(o.note)) for o in found]

    def _class_field(self, owner: ast.ClassDef, attr: str, depth: int) -> list[Origin] | None:
        """The class-level value of ``attr``: a dataclass field default or a class attribute."""
        scope = self.index.scope_of.get(owner)
        if scope is None or self.attribute_values(owner, attr) or self.overridden(owner, attr):
            return None
        if owner.bases and not _is_dataclass(owner, self.index):
            return None  # a base class may set it
        binding = self.index.single_binding(scope, attr)
        parent = self.index.parents.get(binding) if binding is not None else None
        value = getattr(parent, "value", None)
        if value is None:
            return None
        if isinstance(value, ast.Call) and self.index.imports.resolve(value.func) in DATACLASS_FIELD:
            default = next((k.value for k in value.keywords if k.arg == "default"), None)
            if default is None:
                return None
            value = default
        return self._origins(value, scope, None, depth + 1, f"the default of {owner.name}.{attr}")

    # ------------------------------------------------------------ argparse

    def _options_spread(self, expr: ast.expr) -> bool:
        """``**vars(args)`` or ``**args.__dict__``, ``args`` what ``parse_args()`` returned: every option, by its dest."""
        if isinstance(expr, ast.Attribute) and expr.attr == "__dict__":
            namespace = expr.value
        elif isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id == "vars":
            if len(expr.args) != 1 or expr.keywords or self.index.bindings(self.index.module, "vars")[0]:
                return False
            namespace = expr.args[0]
        else:
            return False
        origins = self.origins(namespace, self.index.scope_at(expr))
        return bool(origins) and all(
            isinstance(o.expr, ast.Call) and isinstance(o.expr.func, ast.Attribute)
            and o.expr.func.attr == "parse_args" for o in origins  # type: ignore[union-attr]
        )

    def _option(self, dest: str) -> list[Origin] | None:
        default = self._option_table()[0].get(dest)
        if default is None:
            return None
        expr = ast.Constant(default)
        flag = self._flags.get(dest) or f"--{dest.replace('_', '-')}"
        return [Origin(expr, self.index.module, None, f"the default of {flag}")]

    def _option_table(self) -> tuple[dict[str, object], set[str]]:
        """dest -> default for every ``add_argument`` of the file (None when ambiguous), and every dest."""
        if self._options is None:
            self._options = self._argparse_defaults()
        return self._options, self._dests

    def _argparse_defaults(self) -> dict[str, object]:
        found: dict[str, object] = {}
        overridden: set[str] = set()
        for call, _ in self.index.calls:
            func = call.func
            if not isinstance(func, ast.Attribute):
                continue
            if func.attr == "add_argument":
                dest = _dest(call)
                if dest is not None:
                    self._dests.add(dest)
                    found[dest] = None if dest in found else _option_default(call)
                    self._flags[dest] = _long_flag(call)
            elif func.attr == "set_defaults":
                overridden.update(k.arg for k in call.keywords if k.arg)
        # A script that writes args.weight_decay = ... no longer reads the default.
        overridden.update(target.attr for target, _, _ in self.index.attribute_stores)
        return {dest: value for dest, value in found.items() if dest not in overridden}

    # ------------------------------------------------------------ values

    def constants(self, expr: ast.expr, scope: Scope, env: Env | None = None) -> list[tuple[object, str]] | None:
        """Every literal value ``expr`` may hold, with how the code names it; None if any is not a literal."""
        origins = self.origins(expr, scope, env)
        if origins is None:
            return None
        found: list[tuple[object, str]] = []
        for origin in origins:
            values = self._evaluate(origin.expr, origin.scope, origin.env, 0)
            if values is None:
                return None
            found += [(value, origin.note) for value in values]
        return found

    def constant(self, expr: ast.expr, scope: Scope, env: Env | None = None) -> object:
        """The one literal value ``expr`` holds on every path, else ``UNKNOWN``."""
        found = self.constants(expr, scope, env)
        if not found:
            return UNKNOWN
        first = found[0][0]
        return first if all(_same_literal(value, first) for value, _ in found) else UNKNOWN

    def numbers(self, expr: ast.expr, scope: Scope) -> list[Number] | None:
        found = self.constants(expr, scope)
        if not found or not all(_is_number(value) for value, _ in found):
            return None
        return [Number(value, note) for value, note in found]  # type: ignore[arg-type]

    def _evaluate(self, expr: ast.expr, scope: Scope, env: Env | None, depth: int) -> list[object] | None:
        if depth > DEPTH:
            return None
        if scope.index is not self.index and scope.index is not None:
            return scope.index.flow._evaluate(expr, scope, env, depth)  # type: ignore[attr-defined]
        if isinstance(expr, ast.Constant):
            return [expr.value]
        if isinstance(expr, (ast.Name, ast.Attribute, ast.IfExp, ast.Subscript)):
            origins = self._origins(expr, scope, env, depth + 1, "")
            if origins is None or any(o.expr is expr for o in origins):
                return None
            return _flatten(self._evaluate(o.expr, o.scope, o.env, depth + 1) for o in origins)
        if isinstance(expr, ast.UnaryOp):
            operand = self._evaluate(expr.operand, scope, env, depth + 1)
            return None if operand is None else _each(_unary, expr.op, operand)
        if isinstance(expr, ast.BinOp) and type(expr.op) in OPERATORS:
            left = self._evaluate(expr.left, scope, env, depth + 1)
            right = self._evaluate(expr.right, scope, env, depth + 1)
            if left is None or right is None or len(left) * len(right) > PRODUCT_LIMIT:
                return None
            return _each_pair(OPERATORS[type(expr.op)], left, right)
        if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id in CONVERTERS:
            if len(expr.args) == 1 and not expr.keywords and not self.index.bindings(self.index.module, expr.func.id)[0]:
                inner = self._evaluate(expr.args[0], scope, env, depth + 1)
                return None if inner is None else _each(_convert, CONVERTERS[expr.func.id], inner)
            return None
        if isinstance(expr, (ast.Tuple, ast.List)):
            try:
                return [ast.literal_eval(expr)]
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                return None
        return None

    # ------------------------------------------------------------ calls

    def call_args(self, call: ast.Call, scope: Scope, env: Env | None = None) -> CallArgs:
        """A call's arguments, with ``**d`` of a dict whose keys are known spread into keywords."""
        if scope.index is not self.index and scope.index is not None:
            return scope.index.flow.call_args(call, scope, env)  # type: ignore[attr-defined, no-any-return]
        args = CallArgs.of(call, env, scope)
        args.flow = self
        if not args.open_keywords:
            return args
        spread = [k for k in call.keywords if k.arg is None]
        for keyword in spread:
            entries = self._dict_entries(keyword.value, scope, env)
            if entries is None:
                return args
            for key, value in entries.items():
                args.keywords.setdefault(key, value)
        args.open_keywords = False
        return args

    def _dict_entries(self, expr: ast.expr, scope: Scope, env: Env | None, passed: bool = False) -> dict[str, Bound] | None:
        """``dd = dict(device=device, dtype=dtype)`` or ``{"device": ...}``, never changed.

        A dict held in a name must only ever be spread (``**dd``), or with
        ``passed``, also passed as an argument (a config given to a builder).
        """
        if scope.index is not self.index and scope.index is not None:
            return scope.index.flow._dict_entries(expr, scope, env, passed)  # type: ignore[attr-defined, no-any-return]
        if isinstance(expr, ast.Name) and env is None and not self._only_passed(expr, scope, passed):
            return None
        if isinstance(expr, ast.Attribute) and not self._attribute_only_passed(expr, scope, passed):
            return None
        origin = self.sole_origin(expr, scope, env)
        if origin is None:
            return None
        built = origin.expr
        entries: dict[str, Bound] = {}
        if isinstance(built, ast.Dict):
            for key, value in zip(built.keys, built.values):
                if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                    return None
                entries[key.value] = Bound(value, origin.env, origin.scope)
            return entries
        if isinstance(built, ast.Call) and isinstance(built.func, ast.Name) and built.func.id == "dict" and not built.args:
            for keyword in built.keywords:
                if keyword.arg is None:
                    return None
                entries[keyword.arg] = Bound(keyword.value, origin.env, origin.scope)
            return entries
        return None

    def config(self, expr: ast.expr, scope: Scope, env: Env | None = None) -> dict[str, Bound] | None:
        """A config dict's entries (``dict(type="BN")``), when nothing can change them."""
        return self._dict_entries(expr, scope, env, passed=True)

    def _only_passed(self, name: ast.Name, scope: Scope, passed: bool) -> bool:
        """Every read of the dict's name is a ``**`` spread (or an argument): nothing can add a key to it."""
        found = self.reaching(name, scope)
        if found is None:
            return False
        home, _ = found
        return all(
            event.store or not event.opaque and self._handed_on(event.node, passed)
            for event in home.events.get(name.id, ())
        )

    def _attribute_only_passed(self, expr: ast.Attribute, scope: Scope, passed: bool) -> bool:
        """``self.cfg``: every read of it in its class is a spread or an argument, so nothing changes it."""
        owner = self.method_owner(expr.value, scope)
        if owner is None:
            return False
        return all(
            self._handed_on(load, passed) for load, load_scope in self.index.attribute_loads
            if load.attr == expr.attr and self.method_owner(load.value, load_scope) is owner
        )

    def _handed_on(self, read: ast.AST, passed: bool) -> bool:
        """A read that only spreads the dict (``**d``) or, with ``passed``, hands it to a call."""
        parent = self.index.parents.get(read)
        if isinstance(parent, ast.keyword):
            return parent.arg is None or passed
        return passed and isinstance(parent, ast.Call) and read in parent.args

    def partial_of(self, origin: Origin) -> ast.Call | None:
        """``functools.partial(f, ...)``: the call that builds it."""
        expr = origin.expr
        if isinstance(expr, ast.Call) and expr.args and resolved(expr.func, origin.scope) in PARTIALS:
            return expr
        return None

    # ------------------------------------------------------------ other modules

    def _unbound(self, name: str, scope: Scope) -> bool:
        """No scope the read can see binds ``name`` (an import binds nothing the index records)."""
        home = self.index.home(name, scope)
        return name not in home.escaped and not self.index.bindings(home, name)[0]

    def _foreign(self, local: str) -> tuple[Source, str | None] | None:
        """The project module (and the name in it) that a module-level import binds ``local`` to."""
        if local in self._found:
            return self._found[local]
        target = self.index.imports.imported(local) if self.project is not None else None
        found = self.project.find(self.path, target) if target is not None else None  # type: ignore[union-attr]
        self._found[local] = found
        return found

    def _imported(self, local: str, depth: int) -> list[Origin] | None:
        """``from .config import WEIGHT_DECAY``: what the other module binds the name to."""
        found = self._foreign(local)
        if found is None or found[1] is None:
            return None
        return _exported(found[0], found[1], depth + 1)

    def exported(self, name: str, depth: int) -> list[Origin] | None:
        """The value a module-level name of this module holds, as another module imports it."""
        assert self.project is not None
        with self.project.asking(self.path, name) as allowed:
            if not allowed or depth > DEPTH:
                return None
            module = self.index.module
            stores, _ = self.index.bindings(module, name)
            if name in module.escaped or len(stores) != 1:
                return None  # re-exports are followed before the parse (Source.binding)
            origins = self._binding(stores[0].node, module, depth + 1, name)
        if origins is None:
            return None
        return [o._replace(note=self._located(o.note or name)) for o in origins]

    def _located(self, note: str) -> str:
        """A note that says which module the value was read in, once (the innermost module wins)."""
        if not self.shown or note.endswith(".py"):
            return note
        return f"{note} in {self.shown}"

    def definition(
        self, func: ast.expr, words: tuple[str, ...] = (), layer: bool = False,
    ) -> tuple[ast.FunctionDef | ast.ClassDef, Module] | None:
        """The function or class an imported name (``conv_bn``) or module attribute (``layers.conv_bn``) is.

        ``words``, ``layer``: what the definition's text must spell to be worth a parse (``Source.definition``).
        """
        if isinstance(func, ast.Name):
            found = self._foreign(func.id)
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            holder = self._foreign(func.value.id)
            found = (holder[0], func.attr) if holder is not None and holder[1] is None else None
        else:
            return None
        if found is None or found[1] is None:
            return None
        return found[0].definition(found[1], words, layer)

    def imported_value_spells(self, local: str, words: tuple[str, ...]) -> bool:
        """False when ``local`` is imported from a project module whose assignment of it spells none of the words.

        ``from .config import OPTIMIZER``: only an assignment that names an optimizer can make the call one,
        and a module is not parsed to learn that ``Weights`` or ``build_model`` is something else.
        """
        if self.project is None or self.index.imports.imported(local) is None:
            return True
        key = (local, words)
        if key not in self._spells:  # asked once per call of the name: answered once per file
            found = self._foreign(local)
            assigned = found[0].assigned(found[1]) if found is not None and found[1] is not None else None
            self._spells[key] = assigned is not None and any(word in assigned[2] for word in words)
        return self._spells[key]

    def class_named(self, name: str, scope: Scope) -> tuple[ast.ClassDef, Flow] | None:
        """The class a name means where it is read: this file's, or one imported from the project."""
        owner = self.index.classes.get(name)
        if owner is None and (self.project is None or self.index.imports.imported(name) is None):
            return None  # neither this file's class nor an import of the project's
        if self.index.bindings(self.index.home(name, scope), name)[0]:
            return None  # a local variable, not the class
        if owner is not None:
            return owner, self
        found = self.definition(ast.Name(name, ast.Load())) if self._unbound(name, scope) else None
        if found is not None and isinstance(found[0], ast.ClassDef):
            return found[0], found[1].flow
        return None


# ---------------------------------------------------------------- helpers


def _method_self(scope: Scope) -> tuple[ast.ClassDef | None, str | None]:
    """The class a scope is a method of, and the name of its first parameter; (None, None) if not a method."""
    method = scope.node
    if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None, None
    owner = scope.parent.node if scope.parent is not None else None
    params = method.args.posonlyargs + method.args.args
    if not isinstance(owner, ast.ClassDef) or not params:
        return None, None
    if any(isinstance(d, ast.Name) and d.id in ("staticmethod", "classmethod") for d in method.decorator_list):
        return None, None
    return owner, params[0].arg


def _exported(source: Source, name: str, depth: int) -> list[Origin] | None:
    """What another module binds ``name`` to, parsing only the module whose text assigns it."""
    assigned = source.assigned(name)
    if assigned is None:
        return None  # not found, or a function or class: not a value
    module = assigned[0].module()
    return module.flow.exported(assigned[1], depth) if module is not None else None


def resolved(expr: ast.expr, scope: Scope) -> str | None:
    """The framework name an expression means in the module its scope belongs to."""
    index = scope.index
    if index is None or not isinstance(expr, (ast.Name, ast.Attribute)):
        return None
    return index.imports.resolve(expr)


def _read_event(events: Iterator[Event] | list[Event], node: ast.AST) -> Event | None:
    for event in events:
        if event.node is node and not event.store:
            return event
    return None


def _loop_of(block: Block | None) -> Block | None:
    while block is not None and not block.loop:
        block = block.parent
    return block


def _names_class_for_super(call: ast.AST | None, node: ast.AST) -> bool:
    return (
        isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "super"
        and len(call.args) == 2 and call.args[0] is node
    )


def _single_target(parent: ast.AST, target: ast.AST) -> bool:
    if isinstance(parent, ast.Assign):
        return parent.targets == [target]
    return isinstance(parent, ast.AnnAssign) and parent.target is target and parent.value is not None


def _saves_hyperparameters(init: ast.FunctionDef, name: str) -> bool:
    """``self.save_hyperparameters()`` (or with ``ignore=`` naming other parameters) keeps ``name``."""
    for node in ast.walk(init):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in LIGHTNING_SAVE):
            continue
        if node.args or any(k.arg != "ignore" for k in node.keywords):
            continue
        ignored = [ast.literal_eval(k.value) if _literal_strings(k.value) else None for k in node.keywords]
        if all(isinstance(i, (str, list, tuple)) and name != i and name not in i for i in ignored):
            return True
    return False


def _literal_strings(expr: ast.expr) -> bool:
    if isinstance(expr, ast.Constant):
        return isinstance(expr.value, str)
    if not isinstance(expr, (ast.List, ast.Tuple)):
        return False
    return all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in expr.elts)


def _is_dataclass(owner: ast.ClassDef, index: Index) -> bool:
    for decorator in owner.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if index.imports.resolve(target) in DATACLASS_DECORATORS:
            return True
    return False


def _passes_field(owner: ast.ClassDef, attr: str, call: ast.Call) -> bool | None:
    """Whether a constructor call gives ``attr``: by keyword, or by position for a dataclass."""
    if any(k.arg is None for k in call.keywords) or any(isinstance(a, ast.Starred) for a in call.args):
        return None
    if any(k.arg == attr for k in call.keywords):
        return True
    if not call.args:
        return False
    fields = [s.target.id for s in owner.body if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)]
    if attr in fields:
        return fields.index(attr) < len(call.args)
    return None


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _same_literal(a: object, b: object) -> bool:
    return type(a) is type(b) and a == b or (_is_number(a) and _is_number(b) and a == b)


def _flatten(parts: Iterator[list[object] | None]) -> list[object] | None:
    found: list[object] = []
    for part in parts:
        if part is None:
            return None
        found += part
    return found


def _unary(op: ast.unaryop, value: object) -> object:
    if isinstance(op, ast.Not):
        return not value
    if not _is_number(value) and not isinstance(value, bool):
        raise TypeError
    return -value if isinstance(op, ast.USub) else (+value if isinstance(op, ast.UAdd) else ~value)  # type: ignore[operator]


def _convert(kind: Callable, value: object) -> object:
    return kind(value)


def _each(function: Callable, first: object, values: list[object]) -> list[object] | None:
    try:
        return [function(first, value) for value in values]
    except (TypeError, ValueError, ArithmeticError):
        return None


def _each_pair(function: Callable, left: list[object], right: list[object]) -> list[object] | None:
    try:
        found = [function(a, b) for a, b in itertools.product(left, right)]
    except (TypeError, ValueError, ArithmeticError, MemoryError):
        return None
    # Only numbers: string repetition or huge powers are not hyper-parameters.
    return found if all(_is_number(value) for value in found) else None


def _dest(call: ast.Call) -> str | None:
    for keyword in call.keywords:
        if keyword.arg == "dest":
            given = keyword.value
            return given.value if isinstance(given, ast.Constant) and isinstance(given.value, str) else None
    flags = [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    if len(flags) != len(call.args) or not flags:
        return None
    long = [f for f in flags if f.startswith("--")]
    chosen = long[0][2:] if long else flags[0].lstrip("-")
    return chosen.replace("-", "_") or None


def _long_flag(call: ast.Call) -> str | None:
    """``--weight_decay`` as written (its dest is the same either way), for messages."""
    return next((a.value for a in call.args if isinstance(a, ast.Constant) and str(a.value).startswith("--")), None)


def _option_default(call: ast.Call) -> object:
    keywords = {k.arg: k.value for k in call.keywords}
    if None in keywords or "default" not in keywords:
        return None
    if "action" in keywords or "nargs" in keywords:
        return None
    given = keywords["default"]
    try:
        value = ast.literal_eval(given)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    if _is_number(value):
        return value
    # argparse converts a string default with the option's type: default="1e-2", type=float
    kind = keywords.get("type")
    if isinstance(kind, ast.Name) and kind.id in ("float", "int") and isinstance(value, str):
        try:
            return CONVERTERS[kind.id](value)
        except ValueError:
            return None
    return None
