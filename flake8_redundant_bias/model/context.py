"""The composition root: one module's model, its services wired in one place, and the project around it.

A ``ModuleModel`` is what the rules are handed: the module's text, its index and
imports, and the services built on them (the value flow, the layers a call
builds, the steps a call applies, the chains of layers, the parameters an
optimizer is given).  Each service is built once per module and points only
down the list; none points back at the model.  The ``Workspace`` holds the
models of the project's other modules (built when a question first needs one,
kept while their text is unchanged) and, for the length of an analysis, the
linted file's; a question about a scope is answered by the model of the module
the scope is in (``flow_of``).
"""

from __future__ import annotations

import ast
import os
import weakref
from contextlib import contextmanager
from typing import TYPE_CHECKING, Container, ContextManager, Iterator

from ..config import Config
from ..text import Text
from .attributes import ModuleAttributes
from .block_reads import Reads
from .blocks import Block, Blocks
from .chains import Chains
from .conditions import Conditions
from .contents import Contents
from .families import Families
from .flow.service import Flow
from .gates import Spelled, Words, framework_roots, skippable
from .helper_builds import HelperBuilds
from .imports import ImportMap, ImportTarget
from .index import Index, Scope
from .values import Env
from .layers import Layers
from .optimizers import Optimizers
from .parameters import Parameters
from .project import Project, Source, forget_trees, package_of
from .providers import providers_for
from .sequences import Sequences
from .steps import Steps
from .training_configs import TrainingConfigs

if TYPE_CHECKING:  # the service's interface, for the types only
    from .flow.questions import Definition, Questions
    from .gates import WordSource


class ModuleModel:
    """One module, as the rules ask questions of it."""

    def __init__(
        self, workspace: Workspace, tree: ast.Module, text: Text, path: str, shown: str, words: Words,
        skip: set[ast.AST], unknown: Container[str],
    ) -> None:
        config = workspace.config
        knowledge = config.knowledge
        modules = workspace if workspace.project is not None else None
        self._modules = modules
        self.path = path
        self.shown = shown  # how messages name it: its path from the project root ("" for the linted file)
        self.text = text
        self.tree = tree
        self.config = config
        self.words = words
        self.imports = ImportMap(knowledge, package_of(path) if path and workspace.project is not None else None)
        self.index = Index(tree, self.imports, skip, unknown, text)
        providers = providers_for(knowledge.providers, self.index, self.imports)
        self.flow = Flow(self.index, self.imports, modules, knowledge.facts, providers, path, shown, knowledge.methods)
        self.layers = Layers(self.index, config.specs, self.flow, words, modules)
        self.steps, self.chains = self._chains(self.layers)
        self.conditions = Conditions(self.index, self.flow, self.layers)
        self._workspace = workspace
        self.blocks = Blocks(self.index, self.flow, self.layers, words, workspace)
        self.parameters = Parameters(self.index, self.layers, self.flow, knowledge.facts, knowledge.methods, modules)
        self.optimizers = Optimizers(self.index, config.specs, self.flow, words)
        self.helper_builds = HelperBuilds(self.flow, self.parameters, words, modules)
        self.training_configs = TrainingConfigs(self.index, self.flow, config.specs, knowledge.configs, modules)

    def release(self) -> None:
        """Drop the services once the rules are done.  A block they read points back at its module's model
        (``Block.home``), a cycle reference counting cannot free: the garbage collector, paused during the
        analysis, would traverse the whole model and tree at flake8's next allocation."""
        self.__dict__.clear()

    def _chains(self, layers: Layers) -> tuple[Steps, Chains]:
        """The services that read chains of layers, over one way of building them."""
        knowledge = self.config.knowledge
        attributes = ModuleAttributes(self.index, self.flow, layers, knowledge.facts)
        families = Families(self.index, self.flow, layers, knowledge.methods)
        steps = Steps(self.index, self.flow, layers, attributes, families, knowledge.facts, knowledge.methods)
        contents = Contents(self.index, self.flow, layers, steps)
        return steps, Chains(self.index, self.flow, steps, Sequences(self.index, self.flow, layers, steps, contents))

    def bound_chains(self, function: ast.FunctionDef, env: Env) -> Chains:
        """The chains as one call of a function (a class's ``__init__``) builds them: its constructions see the
        call's arguments."""
        return self._chains(self._bound_layers(function, env))[1]

    def bound_blocks(
        self, function: ast.FunctionDef, env: Env, within: tuple[ast.AST, int, dict[str, Block], Reads],
    ) -> Blocks:
        """The blocks one call of a block (``within``) builds inside it, their calls' arguments read under its own."""
        return Blocks(self.index, self.flow, self._bound_layers(function, env), self.words, self._workspace, within)

    def _bound_layers(self, function: ast.FunctionDef, env: Env) -> Layers:
        scope = self.index.scope_of[function]
        return Layers(self.index, self.config.specs, self.flow, self.words, self._modules, (scope, env))

    def defined(self, name: str) -> ast.FunctionDef | ast.ClassDef | None:
        """The function or class the module itself defines under that name, if it binds the name no other way."""
        index = self.index
        if index.bindings(index.module, name)[0] or (name in index.functions) == (name in index.classes):
            return None
        return index.functions.get(name) or index.classes[name]


class Workspace:
    """The models of one project's modules, for one configuration (and of a linted file while it is analysed)."""

    def __init__(self, config: Config, project: Project | None, words: WordSource) -> None:
        self.config = config
        self.project = project
        self._words = words
        self._by_tree: dict[ast.AST, ModuleModel] = {}
        self._models: dict[str, tuple[Source, ModuleModel | None]] = {}  # a path -> its current text and model
        self._definitions: weakref.WeakKeyDictionary[Source, dict[tuple, Definition | None]] = weakref.WeakKeyDictionary()

    @classmethod
    def of(cls, filename: str | None, config: Config, words: WordSource) -> Workspace:
        """The workspace of the project a file belongs to (kept per project), or one that reads no other module."""
        project = Project.of(filename, config) if config.follow_imports else None
        if project is None:
            return cls(config, None, words)
        key = (project, words)
        found = _WORKSPACES.get(key)
        if found is None:
            found = _WORKSPACES[key] = cls(config, project, words)
        return found

    @contextmanager
    def linted(
        self, tree: ast.Module, text: Text, filename: str | None, skip: set[ast.AST], unknown: Container[str], words: Words,
    ) -> Iterator[ModuleModel]:
        """The model of the linted file, known to the other modules' services while the block runs."""
        path = os.path.abspath(filename) if filename and self.project is not None else ""
        model = ModuleModel(self, tree, text, path, "", words, skip, unknown)
        self._by_tree[tree] = model
        try:
            yield model
        finally:
            del self._by_tree[tree]
            model.release()
            self._forget()

    def _forget(self) -> None:
        """The other modules' models, read for the file just linted, dropped with their trees (see
        ``project.forget_trees``): the next file that asks builds them again."""
        for _, other in self._models.values():
            if other is not None:
                self._by_tree.pop(other.tree, None)
                other.release()
        self._models.clear()
        self._definitions.clear()
        forget_trees()

    # ------------------------------------------------------------ what the services ask

    def model_of(self, tree: ast.AST) -> ModuleModel:
        return self._by_tree[tree]

    def flow_of(self, scope: Scope) -> Questions:
        return self._by_tree[scope.tree].flow

    def flow_of_tree(self, tree: ast.AST) -> Questions:
        return self._by_tree[tree].flow

    def layers_of(self, tree: ast.AST) -> Layers:
        return self._by_tree[tree].layers

    def parameters_of(self, tree: ast.AST) -> Parameters:
        return self._by_tree[tree].parameters

    def optimizers_of(self, tree: ast.AST) -> Optimizers:
        return self._by_tree[tree].optimizers

    def config_at(self, path: str) -> TrainingConfigs | None:
        """The training config file at ``path`` (a base another config names), read as a module of the project."""
        source = self.project.load(path) if self.project is not None else None
        model = self.module(source) if source is not None else None
        return model.training_configs if model is not None else None

    def find(self, importer: str, target: ImportTarget) -> tuple[Source, str | None] | None:
        return self.project.find(importer, target) if self.project is not None else None

    def asking(self, path: str, name: str) -> ContextManager[bool]:
        assert self.project is not None
        return self.project.asking(path, name)

    def module_flow(self, source: Source) -> Questions | None:
        model = self.module(source)
        return model.flow if model is not None else None

    def definition(
        self, source: Source, name: str, words: tuple[str, ...], layer: bool, also: tuple[str, ...] = (),
    ) -> Definition | None:
        """The top-level function or class ``name`` of a module (or of one it re-exports it from), and its tree."""
        answers = self._definitions.setdefault(source, {})
        key = (name, words, layer, also)
        if key not in answers:
            found = source.definable(name, words, layer, also)
            model = self.module(found[0]) if found is not None else None
            node = model.defined(found[1]) if model is not None and found is not None else None
            answers[key] = (node, model.tree) if node is not None and model is not None else None
        return answers[key]

    def module(self, source: Source) -> ModuleModel | None:
        """The model of another module of the project, built once for its current text; None if it does not parse."""
        kept = self._models.get(source.path)
        if kept is not None and kept[0] is source:
            return kept[1]
        if kept is not None and kept[1] is not None:
            self._by_tree.pop(kept[1].tree, None)  # the file changed: its old model is dropped
        parsed = source.parsed()
        model = self._build(source, *parsed) if parsed is not None else None
        self._models[source.path] = (source, model)
        if model is not None:
            self._by_tree[model.tree] = model
        return model

    def _build(self, source: Source, tree: ast.Module, text: Text) -> ModuleModel:
        # Indexed as the linted file is, without what no question can need: a part that names no
        # norm, producer, optimizer, penalty or option, holds no data, and is not named by one that does.
        roots = framework_roots(text.text, self.config.roots)
        words = self._words.words(roots)
        spelled = Spelled(text.text, (words.foreign,), roots, words.keep)
        skip, unknown = skippable(tree, text, spelled, keep_data=True, handing=words.handing_in(text.text))
        return ModuleModel(self, tree, text, source.path, source.shown, words, skip, unknown)


# A project and the words its gates use -> its workspace, for the process (an editor's flake8 lives long).
_WORKSPACES: dict[tuple[Project, WordSource], Workspace] = {}
