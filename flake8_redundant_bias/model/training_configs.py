"""A training config file of a framework that builds the optimizer (OpenMMLab): which optimizer it configures,
with which decay, and whether anything exempts biases and norms.

``optim_wrapper = dict(optimizer=dict(type="SGD", lr=0.02, weight_decay=1e-4))``
builds ``torch.optim.SGD(model.parameters(), ..., weight_decay=1e-4)``: every
parameter decays unless ``paramwise_cfg`` scales some decays down (or another
``constructor`` builds the groups).  A config is merged from the files its
``_base_`` names, dict into dict, as the framework merges them; a base that
cannot be read, a dict that is changed after it is built, or a value the flow
cannot read makes the answer unknown, and unknown is silence.
"""

from __future__ import annotations

import ast
import os
from typing import Mapping, NamedTuple, Protocol, Union

from ..knowledge.schema import Optimizer, Spec, TrainingConfig
from .flow.service import Flow
from .index import Index
from .values import UNKNOWN, Bound, Number, is_literal, is_number

Value = Union["Settings", Bound]  # a nested dict of the config, or any other value


class Settings(dict):
    """A dict of a config, its values ``Settings`` or ``Bound``; ``at``: the expression that builds it here (None
    for one merged from several files)."""

    __slots__ = ("at",)

    def __init__(self, entries: Mapping[str, Value], at: ast.expr | None) -> None:
        super().__init__(entries)
        self.at = at


class Models(Protocol):
    """The project's modules, as this service reaches them (the composition root answers)."""

    def config_at(self, path: str) -> TrainingConfigs | None: ...


class ConfigOptimizer(NamedTuple):
    at: ast.expr  # the optimizer's dict, in the linted file
    holder: str  # the name holding it: "optim_wrapper"
    name: str  # the optimizer's class: "SGD"
    decay: Number
    row: TrainingConfig
    paramwise: str  # the key of the merged config's per-parameter settings (that exempt nothing); "" if none


class TrainingConfigs:
    def __init__(
        self, index: Index, flow: Flow, specs: Mapping[str, Spec], rows: tuple[TrainingConfig, ...], models: Models | None,
    ) -> None:
        self.index = index
        self.flow = flow
        self.specs = specs
        self.rows = rows
        self._models = models
        self._merged: dict[tuple[TrainingConfig, str], Settings | object | None] = {}

    def optimizers(self) -> list[ConfigOptimizer]:
        """The optimizer each config row's holder configures here, when this file states its class or its decay,
        the merged config decays every parameter, and nothing in it may exempt one."""
        found = []
        for row in self.rows:
            holder = next((pair for pair in row.holders if self._stores(pair[0])), None)
            if holder is not None:
                optimizer = self._optimizer(row, *holder)
                if optimizer is not None:
                    found.append(optimizer)
        return found

    def _optimizer(self, row: TrainingConfig, holder: str, key: str) -> ConfigOptimizer | None:
        own = self._own(holder)
        written = _entry(own, key) if isinstance(own, Settings) else None
        stated = {row.type_key, "weight_decay"} & written.keys() if isinstance(written, Settings) else None
        if not stated or written.at is None:  # type: ignore[union-attr]
            return None  # this file states neither the class nor the decay: the file that does is reported
        merged = self.merged(row, holder)
        settings = _entry(merged, key) if isinstance(merged, Settings) else None
        if not isinstance(settings, Settings) or self._may_exempt(row, merged, settings):  # type: ignore[arg-type]
            return None
        name = self._class(row, settings.get(row.type_key))
        spec = self.specs.get(f"{row.registry}.{name}") if name else None
        if not isinstance(spec, Optimizer) or spec.matrices_only or spec.params is None:
            return None
        decay = self._decay(spec, settings.get("weight_decay"))
        if decay is None or decay.value == 0:
            return None
        paramwise = next((key for key in row.paramwise if key in merged or key in settings), "")  # type: ignore[operator]
        return ConfigOptimizer(written.at, holder, name, decay, row, paramwise)  # type: ignore[arg-type]

    # ------------------------------------------------------------ the merged config

    def merged(self, row: TrainingConfig, holder: str) -> Settings | object | None:
        """The holder's dict as the framework merges it from this file and its bases (None: none sets it)."""
        key = (row, holder)
        if key not in self._merged:
            self._merged[key] = UNKNOWN  # a file that is its own base: unknown
            self._merged[key] = self._merge_bases(row, holder)
        return self._merged[key]

    def _merge_bases(self, row: TrainingConfig, holder: str) -> Settings | object | None:
        paths = self._bases(row)
        if paths is UNKNOWN:
            return UNKNOWN
        inherited: Settings | object | None = None
        for path in paths:  # type: ignore[union-attr]
            base = self._models.config_at(path) if self._models is not None else None
            if base is None:
                return UNKNOWN
            found = base.merged(row, holder)
            if found is UNKNOWN:
                return UNKNOWN
            inherited = found if found is not None else inherited
        own = self._own(holder)
        if own is None or own is UNKNOWN:
            return inherited if own is None else UNKNOWN
        return _merge(own, inherited, row.delete)  # type: ignore[arg-type]

    def _bases(self, row: TrainingConfig) -> list[str] | object:
        """The files ``_base_`` names, relative to this one, in order (none: []); unknown unless literal paths."""
        if self.index.called(row.reader):
            return UNKNOWN  # mmengine's pure-Python configs import their bases (``with read_base():``): not read
        if not self._stores(row.bases):
            return []
        if not self.flow.path:
            return UNKNOWN  # a buffer without a path: its bases cannot be found
        stores, _ = self.index.bindings(self.index.module, row.bases)
        value = self._assigned(stores[0].node) if len(stores) == 1 else None
        items = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
        if not all(isinstance(item, ast.Constant) and isinstance(item.value, str) and "::" not in item.value for item in items):
            return UNKNOWN  # a path built at run time, or another package's (``mmdet::``)
        folder = os.path.dirname(self.flow.path)
        return [os.path.normpath(os.path.join(folder, item.value)) for item in items]  # type: ignore[union-attr]

    def _own(self, name: str) -> Settings | object | None:
        """The dict this file binds the name to at module level, once and never changed (None: not bound)."""
        module = self.index.module
        stores, reads = self.index.bindings(module, name)
        if not stores:
            return None
        if len(stores) != 1 or reads or name in module.escaped:
            return UNKNOWN  # bound twice, or read (and so perhaps changed) after
        value = self._assigned(stores[0].node)
        return self._settings(value, module) if value is not None else UNKNOWN

    def _settings(self, expr: ast.expr, scope: object) -> Settings | object:
        flow = self.flow.flow_of(scope)  # type: ignore[arg-type]
        entries = flow.dict_entries(expr, scope, None, passed=True)  # type: ignore[arg-type]
        if entries is None:
            return UNKNOWN
        found: dict[str, Value] = {}
        for key, bound in entries.items():
            nested = self._settings(bound.expr, bound.scope or scope)  # a dict of its own, or any other value
            found[key] = nested if isinstance(nested, Settings) else bound
        # ``optimizer = dict(...)`` then ``optim_wrapper = dict(optimizer=optimizer)``: where the dict is built.
        named = isinstance(expr, ast.Name)
        origin = flow.dict_origin(expr, scope, None, passed=True) if named else None  # type: ignore[arg-type]
        return Settings(found, origin.expr if origin is not None and origin.scope is scope else expr)

    def _stores(self, name: str) -> bool:
        return bool(self.index.bindings(self.index.module, name)[0])

    def _assigned(self, target: ast.AST) -> ast.expr | None:
        statement = self.index.parents.get(target)
        if isinstance(statement, ast.Assign) and statement.targets == [target]:
            return statement.value
        return None

    # ------------------------------------------------------------ values

    def _class(self, row: TrainingConfig, given: Value | None) -> str | None:
        """The optimizer's class name: a string the registry looks up, or a class of it (``type=SGD``)."""
        if not isinstance(given, Bound) or given.scope is None:
            return None
        flow = self.flow.flow_of(given.scope)
        value = flow.constant(given.expr, given.scope)
        if isinstance(value, str):
            return value
        resolved = flow.resolved(given.expr, given.scope)
        prefix = f"{row.registry}."
        return resolved[len(prefix):] if resolved and resolved.startswith(prefix) else None

    def _decay(self, spec: Optimizer, given: Value | None) -> Number | None:
        if given is None:
            default = spec.decay.default
            return Number(default, "its default") if is_number(default) else None
        if not isinstance(given, Bound) or given.scope is None:
            return None
        flow = self.flow.flow_of(given.scope)
        numbers = flow.numbers(given.expr, given.scope)
        if not numbers or len({n.value for n in numbers}) != 1:
            return None
        where = flow.shown if given.scope.tree is not self.index.module.node else ""
        return Number(numbers[0].value, f"set in {where}") if where else numbers[0]

    # ------------------------------------------------------------ exemptions

    def _may_exempt(self, row: TrainingConfig, holder: Settings, optimizer: Settings) -> bool:
        """Another constructor, or per-parameter settings that scale a decay by zero, or that cannot be read."""
        for settings in (holder, optimizer):
            if row.constructor in settings:
                return True
            for key in row.paramwise:
                paramwise = settings.get(key)
                if paramwise is not None and (not isinstance(paramwise, Settings) or self._scales_to_zero(row, paramwise)):
                    return True
        return False

    def _scales_to_zero(self, row: TrainingConfig, settings: Settings) -> bool:
        """A key ending in the multiplier's name (``norm_decay_mult``) that is zero or unknown, at any depth; or a
        value the analysis cannot read, which may hold one (``custom_keys=keys`` built elsewhere)."""
        for key, value in settings.items():
            if isinstance(value, Settings):
                if self._scales_to_zero(row, value):
                    return True
                continue
            found = self.flow.flow_of(value.scope).constants(value.expr, value.scope) if value.scope else None
            if not found:
                return True
            if key.endswith(row.multiplier) and any(not isinstance(v, (int, float)) or v == 0 for v, _ in found):
                return True
        return False


def _entry(settings: Settings, key: str) -> Value | None:
    return settings if not key else settings.get(key)


def _merge(own: Settings, inherited: Settings | object | None, delete: str) -> Settings | object:
    """A file's dict merged into what it inherits, as the framework does: nested dicts key by key, unless the
    file's dict says ``_delete_=True``; a value of its own replaces the inherited one."""
    replace = own.get(delete)
    if replace is not None and (not isinstance(replace, Bound) or not is_literal(replace.expr, True)):
        return UNKNOWN
    base = inherited if isinstance(inherited, Settings) and replace is None else None
    if inherited is UNKNOWN and replace is None:
        return UNKNOWN
    found: dict[str, Value] = dict(base or {})
    for key, value in own.items():
        if key == delete:
            continue
        earlier = found.get(key)
        if isinstance(value, Settings) and isinstance(earlier, Settings):
            merged = _merge(value, earlier, delete)
            if merged is UNKNOWN:
                return UNKNOWN
            found[key] = merged  # type: ignore[assignment]
        else:
            found[key] = value
    return Settings(found, own.at)
