"""The value-flow service of one module: what can this expression hold, and where does this value go.

Every rule asks this one service.  Backward, it answers with the expressions a
value can come from (its *origins*, ``names.py``), or ``None`` when it cannot
know; a rule reports only when every origin agrees.  Forward, it answers with
the reads a binding reaches and the one place a value is used next
(``uses.py``).  A function's body can be read with one call's arguments bound
(``bind``), and its sole return found (``sole_return``).  A question about a
scope of another module is answered by that module's service (``flow_of``):
each service works on its own module only.

The service is a front for its parts, each of which keeps what it learned of
the module; a part that needs another question answered asks it back through
the ``flow`` it is handed (``questions.Questions``), never through a pointer of
its own, so that no cycle of references outlives an analysis.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Mapping, Sequence

from ...knowledge.schema import Arg, Condition, Fact, Partial
from ..imports import ImportMap
from ..index import Index, Scope
from ..values import PASS, Bound, CallArgs, Env, Number, Origin
from . import arguments, lookups
from .arguments import Arguments
from .branches import Branches
from .calls import Calls
from .constants import Constants
from .links import Links, exported
from .members import Members
from .names import Names
from .uses import Uses

if TYPE_CHECKING:  # the service's interface, for the types only
    from .questions import Decide, Modules, Questions


class Flow:
    """Implements ``questions.Questions`` for one module."""

    def __init__(
        self, index: Index, imports: ImportMap, modules: Modules | None, facts: dict[str, Fact],
        providers: Sequence = (), path: str = "", shown: str = "", methods: Mapping[str, Fact] | None = None,
    ) -> None:
        """``modules``: the project's other modules (None: not read); ``shown``: how messages name this
        module when it is not the linted file; ``providers``: the value providers, in the order to ask them;
        ``methods``: what calling a method of a name does (``add_module`` stores a module)."""
        self.index = index
        self.imports = imports
        self.tree = index.module.node
        self.path, self.shown = path, shown
        self._modules = modules
        self._facts = facts
        self._providers = tuple(providers)
        self._names = Names(index)
        self._calls = Calls(index)
        self._members = Members(index, methods or {}, facts)
        self._constants = Constants(index)
        self._branches = Branches(index)
        self._arguments = Arguments(index)
        self._uses = Uses(index)
        self._links = Links(index, imports, modules, path, shown)
        # The questions a part answers alone are its own methods, bound here rather than wrapped: some are
        # asked thousands of times a file, and a wrapper's frame would be a tenth of the plugin's time.
        # Where a value comes from:
        self.reaching = self._names.reaching  # the scope binding a name, and the bindings that reach a read
        # Objects and their members:
        self.receiver = self._members.receiver  # a method's class and its receiver's name (self, this, ...)
        self.method_owner = self._members.method_owner  # the class, when an expression is a method's receiver
        self.attribute_values = self._members.attribute_values  # every value self.x is given in the class
        self.attributes_of = self._members.attributes_of
        self.overridden = self._members.overridden  # a subclass sets the attribute
        self.holder = self._members.holder  # the class, or its base in the file, whose methods set self.x
        self.descendants = self._members.descendants  # a class and the classes of the file deriving from it
        self.subclasses = self._members.subclasses  # the classes of the file deriving from a class
        self.stored_elsewhere = self._members.stored_elsewhere  # obj.x = ... on some other object
        self.family = self._members.family  # every value stored under a name beginning so (add_module("conv" + ...))
        self.name_start = self._members.name_start  # what a name built at run time begins with
        self.builtin = self._members.builtin  # a name read in a scope is Python's builtin (setattr, getattr)
        # Functions and their calls:
        self.bind = self._calls.bind  # a function's parameters bound to one call's arguments
        self.sole_return = self._calls.sole_return  # what a function returns, when it returns once, at its end
        # Where a value goes:
        self.uses = self._uses.of_binding  # the reads a binding reaches
        self.reads = self._uses.reads  # where a value computed at a node is read
        self.every_read = self._uses.every_read  # every place it is read, through the variables it is assigned to
        self.reads_after_block = self._uses.reads_after_block  # the reads past the loop that binds it
        self.receives_calls = self._uses.receives_calls  # a method is called on the value somewhere it goes
        self.appended = self._uses.appended  # what ``x.append(...)`` adds to a list before a read takes it
        # Other modules:
        self.imported = self._links.imported
        self.unbound = self._links.unbound
        self.located = self._links.located
        self.definition = self._links.definition  # the function or class an imported name is, and its tree
        self.imported_value_spells = self._links.imported_value_spells
        self.imported_class = self._links.imported_class

    def flow_of(self, scope: Scope) -> Questions:
        """The service of the module a scope is in."""
        if scope.tree is self.tree or self._modules is None:
            return self
        return self._modules.flow_of(scope)

    def flow_of_tree(self, tree: ast.AST) -> Questions:
        if tree is self.tree or self._modules is None:
            return self
        return self._modules.flow_of_tree(tree)

    # ------------------------------------------------------------ where a value comes from

    def origins(self, expr: ast.expr, scope: Scope, env: Env | None = None) -> list[Origin] | None:
        """Every expression ``expr`` may hold, none of them a name the service could follow further."""
        return self.origins_at(expr, scope, env, 0, "")

    def origins_at(self, expr: ast.expr, scope: Scope, env: Env | None, depth: int, note: str) -> list[Origin] | None:
        if scope.tree is not self.tree:
            return self.flow_of(scope).origins_at(expr, scope, env, depth, note)
        return self._names.origins(self, expr, scope, env, depth, note)

    def returned(
        self, call: ast.Call, scope: Scope, env: Env | None = None, words: tuple[str, ...] = (),
    ) -> list[Origin] | None:
        """Every expression a call of a function may return (``make_norm()`` returning ``nn.BatchNorm2d``), read
        with the call's arguments bound, the branches they decide against left out; None when the call is of no
        such function or a return is out of sight.  ``words``: a function imported from the project is read when
        its text spells one (``get_norm_layer`` in ``.norms``, naming ``BatchNorm2d``)."""
        if scope.tree is not self.tree:
            return self.flow_of(scope).returned(call, scope, env, words)  # type: ignore[attr-defined, no-any-return]
        func, index = call.func, self.index
        if type(func) is not ast.Name or index.bound(func.id, scope):
            return None
        function: ast.AST | None = index.functions.get(func.id)
        home: Flow = self
        if function is None and words and self.follows_imports():
            found = self.definition(func, words)
            if found is not None:
                function, home = found[0], self.flow_of_tree(found[1])  # type: ignore[assignment]
        if not isinstance(function, ast.FunctionDef):
            return None
        bound = home.bind(function, self.call_args(call, scope, env))
        returns = home.live_returns(function, bound) if bound is not None else None
        if not returns:
            return None
        found_origins: list[Origin] = []
        for expr in returns:
            origins = home.origins_at(expr, home.index.scope_of[function], bound, 1, f"{func.id}()")
            if origins is None:
                return None
            found_origins += origins
        return found_origins

    def sole_origin(self, expr: ast.expr, scope: Scope, env: Env | None = None) -> Origin | None:
        """The one expression ``expr`` holds on every path, if there is exactly one."""
        origins = self.origins(expr, scope, env)
        return origins[0] if origins and len(origins) == 1 else None

    def sole_read(self, node: ast.AST, decide: Decide | None = None) -> ast.AST | None:
        """The one place the value computed at ``node`` is read, through single-use variables, on the paths the
        tests between decide (``if self.use_bn: x = self.bn(x)``, or ``self.bn(x) if self.use_bn else x``, where
        ``use_bn`` always holds); ``decide``: tests a reading for one call decides first."""
        branches = self._branches
        return self._uses.sole_read(
            node, lambda read, binding: branches.follows(self, read, binding, decide),
            lambda first, second: branches.taken(self, first, second, decide),
        )

    def is_none(self, expr: ast.expr, scope: Scope, env: Env | None = None) -> bool | None:
        """Whether an expression is None on every path (True), on none (False), or unknown (None)."""
        return self._names.is_none(self, expr, scope, env, 0)

    def truth(self, test: ast.expr, scope: Scope, env: Env | None = None) -> bool | None:
        """Whether ``x`` (or ``not x``) holds on every path (True), on none (False), or unknown (None)."""
        return self._names.truth(self, test, scope, env, 0)

    def live_returns(self, function: ast.FunctionDef, env: Env) -> list[ast.expr] | None:
        """What one call of a function may return, the branches its arguments decide against left out."""
        return self._branches.returns(self, function, env)

    def runs(self, node: ast.AST, scope: Scope, env: Env) -> bool | None:
        """Whether a statement of the function ``env`` binds runs for that call (None: not decided)."""
        return self._branches.runs(self, node, scope, env)

    def binding(self, node: ast.AST, scope: Scope, depth: int, note: str) -> list[Origin] | None:
        return self._names.binding(self, node, scope, depth, note)

    def resolved(self, expr: ast.expr, scope: Scope) -> str | None:
        """The framework name an expression means in the module its scope belongs to."""
        if not isinstance(expr, (ast.Name, ast.Attribute)):
            return None
        return self.flow_of(scope).imports.resolve(expr)

    def named(self, expr: ast.expr, scope: Scope) -> list[str] | None:
        """Every framework name an expression may mean: its import's, or a ``getattr`` of a framework module's."""
        resolved = self.resolved(expr, scope)
        return [resolved] if resolved is not None else lookups.attribute_names(self.flow_of(scope), expr, scope)

    def class_name(self, expr: ast.expr, scope: Scope, env: Env | None = None) -> str | None:
        """The framework class an expression means: its name, or what a class lookup returns (``get_norm_layer``)."""
        return lookups.class_name(self, expr, scope, env)

    def fact(self, expr: ast.expr, scope: Scope) -> Fact | None:
        """What the framework name an expression means is, for parameters and values."""
        name = self.resolved(expr, scope)
        return self._facts.get(name) if name else None

    def live_values(self, owner: ast.ClassDef, attr: str) -> list[tuple[ast.expr | None, Scope]]:
        """Every value the class gives ``self.attr`` whose statement may run (the flags' callers or defaults decide)."""
        return self._members.live_values(self, owner, attr)

    def foreign_holder(self, owner: ast.ClassDef, attr: str) -> tuple[ast.ClassDef, Questions] | None:
        """The base class of another module whose methods set ``self.attr`` for ``owner`` (see ``Members``)."""
        return self._members.foreign_holder(self, owner, attr)

    def partial_of(self, origin: Origin) -> ast.Call | None:
        """``functools.partial(f, ...)``: the call that builds it."""
        expr = origin.expr
        if isinstance(expr, ast.Call) and expr.args and isinstance(self.fact(expr.func, origin.scope), Partial):
            return expr
        return None

    # ------------------------------------------------------------ literal values

    def evaluate(self, expr: ast.expr, scope: Scope, env: Env | None, depth: int) -> list[object] | None:
        if scope.tree is not self.tree:
            return self.flow_of(scope).evaluate(expr, scope, env, depth)
        return self._constants.evaluate(self, expr, scope, env, depth)

    def constants(self, expr: ast.expr, scope: Scope, env: Env | None = None) -> list[tuple[object, str]] | None:
        """Every literal value ``expr`` may hold, with how the code names it; None if any is not a literal."""
        return self._constants.constants(self, expr, scope, env)

    def constant(self, expr: ast.expr, scope: Scope, env: Env | None = None) -> object:
        """The one literal value ``expr`` holds on every path, else ``UNKNOWN``."""
        return self._constants.constant(self, expr, scope, env)

    def numbers(self, expr: ast.expr, scope: Scope, env: Env | None = None) -> list[Number] | None:
        return self._constants.numbers(self, expr, scope, env)

    # ------------------------------------------------------------ arguments

    def call_args(self, call: ast.Call, scope: Scope, env: Env | None = None) -> CallArgs:
        """A call's arguments, with ``**d`` of a dict whose keys are known spread into keywords."""
        if scope.tree is not self.tree:
            return self.flow_of(scope).call_args(call, scope, env)  # type: ignore[attr-defined, no-any-return]
        return self._arguments.call_args(self, call, scope, env)

    def dict_entries(self, expr: ast.expr, scope: Scope, env: Env | None, passed: bool = False) -> dict[str, Bound] | None:
        if scope.tree is not self.tree:
            return self.flow_of(scope).dict_entries(expr, scope, env, passed)
        return self._arguments.dict_entries(self, expr, scope, env, passed)

    def dict_origin(self, expr: ast.expr, scope: Scope, env: Env | None = None, passed: bool = False) -> Origin | None:
        return self._arguments.dict_origin(self, expr, scope, env, passed)

    def table(self, expr: ast.expr, scope: Scope, env: Env | None = None) -> dict[str, Bound] | None:
        """A lookup table's entries (``NORMS = {"bn2d": nn.BatchNorm2d}``), when nothing can change them."""
        return self._arguments.table(self, expr, scope, env)

    def config(self, expr: ast.expr, scope: Scope, env: Env | None = None) -> dict[str, Bound] | None:
        """A config dict's entries (``dict(type="BN")``), when nothing can change them."""
        return self.dict_entries(expr, scope, env, passed=True)

    def value(self, args: CallArgs, arg: Arg) -> object:
        """The literal value of an argument, its default when absent, else ``UNKNOWN``."""
        return arguments.value(self, args, arg)

    def literal(self, bound: Bound) -> object:
        return arguments.literal(self, bound)

    def holds(self, condition: Condition | None, args: CallArgs) -> bool | None:
        """Whether a row's condition holds for a call; None when unknown."""
        return arguments.holds(self, condition, args)

    def same_value(self, first: Bound | object, second: Bound | object) -> bool | None:
        return arguments.same_value(self, first, second)

    # ------------------------------------------------------------ objects and their members

    def self_attribute(self, owner: ast.ClassDef, attr: str, depth: int) -> list[Origin] | None:
        return self._members.self_attribute(self, owner, attr, depth)

    # ------------------------------------------------------------ functions and calls

    def callers(self, name: str) -> list[tuple[ast.Call, Scope]] | None:
        """The calls of a module-level name, when every use of it in the file is a plain call."""
        return self._calls.callers(self, name)

    def parameter(self, param: ast.arg, depth: int, note: str) -> list[Origin] | None:
        return self._calls.parameter(self, param, depth, note)

    def delegated(self, scope: Scope, env: Env) -> Env | None:
        return self._calls.delegated(self, scope, env)

    # ------------------------------------------------------------ value providers

    def provided_attribute(self, expr: ast.Attribute, scope: Scope, env: Env | None, depth: int) -> list[Origin] | None:
        return self._ask("attribute", expr, scope, env, depth)

    def provided_subscript(self, expr: ast.Subscript, scope: Scope, depth: int) -> list[Origin] | None:
        return self._ask("subscript", expr, scope, depth)

    def class_default(self, owner: ast.ClassDef, attr: str, depth: int) -> list[Origin] | None:
        return self._ask("class_default", owner, attr, depth)

    def _ask(self, hook: str, *question: object) -> list[Origin] | None:
        for provider in self._providers:
            found = getattr(provider, hook)(self, *question)
            if found is not PASS:
                return found  # type: ignore[no-any-return]
        return None

    def spread_value(self, name: str) -> list[Origin] | None:
        """What a ``**`` spread a provider reads passes under ``name``."""
        for provider in self._providers:
            found = provider.spread_value(self, name)
            if found is not None:
                return found  # type: ignore[no-any-return]
        return None

    def spreads_values(self, expr: ast.expr) -> bool:
        return any(provider.spreads(self, expr) for provider in self._providers)

    # ------------------------------------------------------------ other modules

    def follows_imports(self) -> bool:
        return self._modules is not None

    def module_attribute(self, base: ast.Name, attr: str, scope: Scope, depth: int) -> list[Origin] | None:
        return self._links.module_attribute(self, base, attr, scope, depth)

    def exported(self, name: str, depth: int) -> list[Origin] | None:
        """The value a module-level name of this module holds, as another module imports it."""
        return exported(self, self._modules, name, depth) if self._modules is not None else None

    def class_named(self, name: str, scope: Scope) -> tuple[ast.ClassDef, Questions] | None:
        """The class a name means where it is read: this file's, or one imported from the project."""
        return self._links.class_named(self, name, scope)
