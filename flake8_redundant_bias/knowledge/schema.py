"""The kinds of row the knowledge is written in: what a call does to a per-channel bias or to weight decay.

Every framework module of ``knowledge/`` holds rows of these types only, and
exports them as one ``Framework`` record; the analysis reads rows, never a
framework's class names.  Rows carry physics and facts only: which rule
reports what, and under which code, is the rules' business.
"""

from __future__ import annotations

import functools
import re

from typing import Mapping, Union

REQUIRED = object()  # an argument with no default


class Row:
    """A row's fields, compared and shown as a value.  (Plain classes: a NamedTuple costs a fraction of a
    millisecond to define, paid by every flake8 process, and there are a score of kinds.)"""

    __slots__ = ()

    def _values(self) -> tuple:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self._values() == other._values()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._values()))

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({fields})"


class Arg(Row):
    """Where a call takes one argument: by keyword, by position, or not at all."""

    __slots__ = ("keyword", "position", "default")

    def __init__(self, keyword: str, position: int | None = None, default: object = REQUIRED) -> None:
        self.keyword = keyword
        self.position = position
        self.default = default


PARAMS = Arg("params", 0)  # where torch's optimizers take their parameters
NOT_MASKS = frozenset({None})


class ArgIn(Row):
    """Holds when the argument's literal value is one of ``values``."""

    __slots__ = ("arg", "values")

    def __init__(self, arg: Arg, values: frozenset) -> None:
        self.arg = arg
        self.values = values


class SameArgs(Row):
    """Holds when two arguments are the same literal or the same expression."""

    __slots__ = ("first", "second")

    def __init__(self, first: Arg, second: Arg) -> None:
        self.first = first
        self.second = second


class AnyOf(Row):
    __slots__ = ("conditions",)

    def __init__(self, conditions: tuple[Condition, ...]) -> None:
        self.conditions = conditions


class AllOf(Row):
    __slots__ = ("conditions",)

    def __init__(self, conditions: tuple[Condition, ...]) -> None:
        self.conditions = conditions


Condition = Union[ArgIn, SameArgs, AnyOf, AllOf]


class Producer(Row):
    """A call that adds a per-channel bias to its output.

    ``bias`` says where the bias switch sits.  For modules it is a flag
    (``bias=True``); for functional calls it is a tensor, and any value but a
    literal ``None`` means a bias is added.  ``size`` is the argument giving the
    number of channels, i.e. the number of bias parameters.
    """

    __slots__ = ("bias", "size", "functional", "last_axis", "norm", "off", "when", "axis", "penalties", "pointwise")

    def __init__(
        self, bias: Arg, size: Arg | None = None, functional: bool = False, last_axis: bool = False,
        norm: NormSlot | None = None, off: str = "False", when: Condition | None = None, axis: Axis | None = None,
        penalties: tuple[tuple[Arg, str], ...] = (), pointwise: Condition | None = None,
    ) -> None:
        self.bias = bias
        # When it maps a constant per input channel to a constant per output channel (a 1x1 convolution without
        # padding is a linear map at each position): a bias added before it reaches a norm after it as a constant.
        self.pointwise = pointwise
        self.size = size
        self.functional = functional
        # Convolutions add their bias along axis 1, where every norm keeps its
        # channels.  Linear layers add it along the last axis, which is a norm's
        # channel axis only for a 2-D (N, F) input: see Norm.features.
        self.last_axis = last_axis
        # A block that builds its own norm from a config (mmcv's ConvModule): see NormSlot.
        self.norm = norm
        self.off = off  # the bias value that turns it off, for the message
        # When the layer's output still carries the bias as it was added: a Keras layer
        # with an activation applies it inside, before any norm can see the bias.
        self.when = when
        # Where a channels-last framework adds the bias (None: PyTorch's layout, above).
        self.axis = axis
        # Arguments that penalize the bias (Keras ``bias_regularizer=``), with what they shrink (RB205).
        self.penalties = penalties


class Axis(Row):
    """The axis a layer's channels lie on: ``fixed``, or read off an argument's literal value.

    ``Axis(arg=Arg("data_format", 4, None), values=((None, -1), ("channels_last", -1), ("channels_first", 1)))``;
    without ``values`` the argument's value is the axis itself (``BatchNormalization(axis=-1)``).
    """

    __slots__ = ("fixed", "arg", "values")

    def __init__(
        self, fixed: int | None = None, arg: Arg | None = None, values: tuple[tuple[object, int], ...] = (),
    ) -> None:
        self.fixed = fixed
        self.arg = arg
        self.values = values


class NormBuilder(Row):
    """A function that builds a norm from a config dict (``build_norm_layer(cfg, C)``).

    ``types`` maps the config's ``type`` to the qualified class it builds;
    ``item`` is the index of the layer in the tuple it returns (None: the layer itself);
    ``groups`` is the config key of a group count, which the classes in ``grouped``
    take first (``GroupNorm(num_groups, num_channels)``).
    """

    __slots__ = ("cfg", "features", "types", "item", "groups", "grouped", "held")

    def __init__(
        self, cfg: Arg, features: Arg, types: tuple[tuple[str, str], ...], item: int | None = None,
        groups: str = "num_groups", grouped: frozenset = frozenset(), held: ClassLookup | None = None,
    ) -> None:
        # ``held``: the config is a norm class or its name, which the builder looks up as this lookup does (timm's
        # ``create_norm_layer("batchnorm2d", c)``, ``ConvNormAct(norm_layer=nn.BatchNorm2d)``), not a dict; the
        # default of ``cfg`` is then the qualified name of the class.
        self.held = held
        self.cfg = cfg
        self.features = features
        self.types = types
        self.item = item
        self.groups = groups
        self.grouped = grouped


class NormSlot(Row):
    """A producer's own norm, built from a config argument, applied right after it when ``order`` says so
    (None: always right after it) and when ``when`` holds."""

    __slots__ = ("cfg", "order", "builder", "adjacent", "when")

    def __init__(
        self, cfg: Arg, order: Arg | None, builder: NormBuilder, adjacent: tuple[str, str] = ("conv", "norm"),
        when: Condition | None = None,
    ) -> None:
        self.cfg = cfg
        self.order = order
        self.builder = builder
        self.adjacent = adjacent
        self.when = when


class Norm(Row):
    """A normalization that subtracts a per-channel mean (when ``when`` holds).

    ``features`` is the argument naming its channel count, for norms that also
    accept a 2-D (N, F) input.  A last-axis bias (``Linear``) is cancelled only
    by such a norm, and only when its channel count is provably the linear
    layer's output size: otherwise the norm's channels are another axis.
    """

    __slots__ = ("when", "functional", "features", "axis", "mode", "penalties")

    def __init__(
        self, when: Condition | None = None, functional: bool = False, features: Arg | None = None,
        axis: Axis | None = None, mode: Mode | None = None, penalties: tuple[tuple[Arg, str], ...] = (),
    ) -> None:
        self.when = when
        self.functional = functional
        self.features = features
        # The axis whose channels it normalizes one by one, for channels-last frameworks
        # (Keras ``axis=-1``); None: PyTorch's layout, channels on axis 1.
        self.axis = axis
        self.mode = mode  # a flag that switches it to its running statistics
        self.penalties = penalties  # arguments that penalize its scale or shift (RB205)


class Mode(Row):
    """A flag that makes a norm use running statistics, which do not cancel a bias in that step.

    Given to the constructor (``build``) or to the call that applies the norm
    (``call``, counted with the input as position 0); ``inference`` is the
    value that means running statistics.  Absent from both, ``default`` says
    whether the norm trains (None: unknown).  A flag read from a parameter of
    the enclosing function, or negated from one (``not train``), is set by a
    caller that trains the model some of the time: training is among its values.
    """

    __slots__ = ("inference", "build", "call", "default")

    def __init__(
        self, inference: object, build: Arg | None = None, call: Arg | None = None, default: bool | None = True,
    ) -> None:
        self.inference = inference
        self.build = build
        self.call = call
        self.default = default


class Transparent(Row):
    """A step with f(x + b) == f(x) + b' for b constant per channel."""

    __slots__ = ("when", "functional")

    def __init__(self, when: Condition | None = None, functional: bool = False) -> None:
        self.when = when
        self.functional = functional


class Wrapper(Row):
    """A call that returns the module it is given, bias unchanged."""

    __slots__ = ("module",)

    def __init__(self, module: Arg) -> None:
        self.module = module


class Container(Row):
    """A module that runs the modules it is given in order.

    ``layers``: the argument holding them as one list (Keras ``Sequential([...])``);
    None: they are the positional arguments (``nn.Sequential(a, b)``).
    ``grow``: methods that add one layer (or several) at the end.
    """

    __slots__ = ("layers", "grow")

    def __init__(self, layers: Arg | None = None, grow: tuple[str, ...] = ("append", "extend", "add_module")) -> None:
        self.layers = layers
        self.grow = grow


class Optimizer(Row):
    """An optimizer class: where it takes its parameters and its weight decay.

    ``matrices_only`` marks optimizers that reject any parameter that is not
    a matrix (``torch.optim.Muon``): they can never be handed a bias.
    """

    __slots__ = ("decay", "params", "matrices_only", "mask", "not_masks", "exclude")

    def __init__(
        self, decay: Arg, params: Arg | None = PARAMS, matrices_only: bool = False, mask: Arg | None = None,
        not_masks: frozenset = NOT_MASKS, exclude: str | None = None,
    ) -> None:
        self.decay = decay
        self.params = params  # None: built without parameters (Keras, Optax): it decays every one
        self.matrices_only = matrices_only
        # How a call exempts parameters from the decay: an argument naming them (Optax's
        # ``mask=``; given with a value other than these, it exempts), or a method of the
        # optimizer (Keras' ``exclude_from_weight_decay``).
        self.mask = mask
        self.not_masks = not_masks
        self.exclude = exclude


class Forwarder(Row):
    """A call that returns the factory it is given, taking that factory's arguments (``optax.inject_hyperparams``)."""

    __slots__ = ("factory",)

    def __init__(self, factory: Arg) -> None:
        self.factory = factory


class Exempting(Row):
    """A call that applies the transforms inside its arguments to a chosen part of the parameters (``optax.masked``)."""

    __slots__ = ()


class AxisMove(Row):
    """A tensor method that moves a 3-D tensor's last axis to axis 1 for the literal arguments listed.

    A last-axis bias (``Linear`` on (N, L, F)) then lies on the channel axis of a
    ``BatchNorm1d``; a convolution's channels leave axis 1, which breaks its chain.
    """

    __slots__ = ("arguments",)

    def __init__(self, arguments: frozenset) -> None:
        self.arguments = arguments


class Reshape(Row):
    """A tensor method that reshapes (``view``, ``reshape``; ``flatten``: ``flattens``).

    A channel axis at 1 stays there through ``.view(b, c, ...)`` when ``b`` is the
    batch and ``c`` the channel count, and through ``.flatten(2)``, which gives
    a 3-D (N, C, L) tensor.
    """

    __slots__ = ("flattens",)

    def __init__(self, flattens: bool = False) -> None:
        self.flattens = flattens


class Contraction(Row):
    """A matrix product of its two operands (``torch.matmul``, ``torch.bmm``; ``@`` has no row): ``batched``,
    both are 3-D."""

    __slots__ = ("left", "right", "batched", "functional")

    def __init__(self, left: Arg, right: Arg, batched: bool = False) -> None:
        self.left = left
        self.right = right
        self.batched = batched
        self.functional = True


class Softmax(Row):
    """Weights that sum to 1 along the axis ``dim`` (``F.softmax(x, dim=-1)``, ``nn.Softmax(dim=-1)``)."""

    __slots__ = ("dim", "functional")

    def __init__(self, dim: Arg, functional: bool = False) -> None:
        self.dim = dim
        self.functional = functional


Spec = Union[
    Producer, Norm, Transparent, Wrapper, Container, Optimizer, AxisMove, NormBuilder, Forwarder, Exempting, Reshape,
    Contraction, Softmax,
]


# ---------------------------------------------------------------- facts
# What a qualified name is, for the questions about parameters and values that are
# not a layer's physics.  Plain classes: a flake8 process defines them on every start.


class Fact:
    """A fact about a qualified name (or, for ``MethodFact``, a method name)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class NoBias(Fact):
    """Builds a module with no bias or normalization to decay (an embedding, a LoRA wrapper, an activation)."""


class TensorFactory(Fact):
    """Builds a tensor shaped by its positional arguments or ``size=`` (``torch.zeros(d, r)``)."""


class ParameterClass(Fact):
    """Declares a trainable tensor (``nn.Parameter``)."""


class ModuleBase(Fact):
    """The base class of modules: a direct subclass is judged by what it stores on itself."""


class PenaltyFunction(Fact):
    """A norm, square or absolute value of its first argument (``torch.norm(p)``)."""


class Initializer(Fact):
    """Sets a module's parameters up without running it; a row for a module covers every function in it."""


class ModuleList(Fact):
    """Holds modules without running them: used in order only by a loop or an index."""


class OrderedMapping(Fact):
    """Builds an ordered mapping of its pairs (``OrderedDict``): a container's layers, by name."""


class Version(Fact):
    """A library's version string.  ``oldest``: the oldest major version that still installs on the Pythons the
    linter runs on (torch 0.x does not), so a test that the string starts with an older one is False
    (HRNet's ``if torch.__version__.startswith("0"):``)."""

    def __init__(self, oldest: int) -> None:
        self.oldest = oldest

    def starts_with(self, prefix: str) -> bool | None:
        """Whether the version starts with ``prefix``: False for a major older than ``oldest``, else unknown."""
        major = re.match(r"(\d+)(\.|$)", prefix)
        return False if major is not None and int(major.group(1)) < self.oldest else None


class InstanceType(Fact):
    """A type of the standard library an ``isinstance`` test in a factory names (``isinstance(norm_layer,
    functools.partial)``): a literal or a class the call passes is tested against it as Python would test it."""

    __slots__ = ("kind",)

    def __init__(self, kind: type) -> None:
        self.kind = kind


class Partial(InstanceType):
    """``partial(f, *args, **keywords)``: calling it calls ``f`` with those arguments first; its ``wrapped``
    attribute (``.func``) is ``f``."""

    __slots__ = ()
    wrapped = "func"

    def __init__(self) -> None:
        super().__init__(functools.partial)


class ClassLookup(Fact):
    """Returns the class its argument is, or the one its name maps to (timm's ``get_norm_layer("batchnorm2d")``).

    ``names``: (name, qualified class) pairs, a name matched lowercased without underscores.  ``by_name``: a class
    is mapped by its own name the same way (``get_norm_act_layer(nn.BatchNorm2d)`` is ``BatchNormAct2d``); a class
    the names do not map is then unknown."""

    __slots__ = ("arg", "names", "by_name")

    def __init__(self, arg: Arg, names: tuple[tuple[str, str], ...], by_name: bool = False) -> None:
        self.arg = arg
        self.names = names
        self.by_name = by_name


class BuildsClass(Fact):
    """Builds the class it is given with the keywords it is called with (timm's ``build_model_with_cfg(Model,
    variant, pretrained, **kwargs)``): ``cls`` says where the class is passed, ``consumes`` the keywords the
    builder keeps for itself, ``sets`` those it may give the class from elsewhere (a pretrained config)."""

    __slots__ = ("cls", "consumes", "sets")

    def __init__(self, cls: Arg, consumes: frozenset[str], sets: frozenset[str]) -> None:
        self.cls = cls
        self.consumes = consumes
        self.sets = sets


class ReturnsModule(Fact):
    """Returns the module it is given at ``module`` (``spectral_norm(conv)``): a ``Wrapper`` row, as the flow reads it
    (``self.conv = spectral_norm(self.conv)`` leaves ``self.conv`` holding the module it held)."""

    __slots__ = ("module",)

    def __init__(self, module: Arg) -> None:
        self.module = module


class NamedLayer(Fact):
    """Returns a layer with the name to store it under, at ``item`` of the pair (mmcv's ``build_norm_layer(cfg, c,
    postfix=1)`` returns ``("bn1", layer)``): one of ``starts`` followed by what the call passes as ``suffix``."""

    __slots__ = ("item", "starts", "suffix")

    def __init__(self, item: int, starts: tuple[str, ...], suffix: Arg) -> None:
        self.item = item
        self.starts = starts
        self.suffix = suffix


class Chained(Fact):
    """Iterates over each of its arguments in turn (``itertools.chain``)."""


class MethodFact(Fact):
    """What calling a method of this name does, whatever the object (``model.parameters()``)."""


class YieldsParameters(MethodFact):
    """Yields every parameter of the module it is called on; ``named``: as (name, parameter) pairs."""

    __slots__ = ("named",)

    def __init__(self, named: bool = False) -> None:
        self.named = named


class ResetsParameters(MethodFact):
    """Draws the module's own parameters anew, in place (``reset_parameters()``): it yields none of them."""


class Freezes(MethodFact):
    """Stops training the module it is called on when ``arg`` holds ``value`` (``requires_grad_(False)``)."""

    __slots__ = ("arg", "value")

    def __init__(self, arg: Arg, value: object) -> None:
        self.arg = arg
        self.value = value


class NoBiasAccessor(MethodFact):
    """Returns a sub-module with no bias or normalization (``get_input_embeddings()``)."""


class ReturnsReceiver(MethodFact):
    """Returns the module it is called on (``model.to(device)``)."""


class StoresModule(MethodFact):
    """Stores a module on the object it is called on under a name, as ``obj.name = module`` does
    (``self.add_module("conv", nn.Conv2d(...))``): ``name`` and ``module`` say where the call passes them;
    ``receiver``, for a function rather than a method, where it passes the object (``setattr(self, name, m)``)."""

    __slots__ = ("name", "module", "receiver")

    def __init__(self, name: Arg, module: Arg, receiver: Arg | None = None) -> None:
        self.name = name
        self.module = module
        self.receiver = receiver


class ModuleTable(MethodFact):
    """An attribute holding the modules stored on the object, by name (``self._modules["conv1"]``)."""


class PenaltyMethod(MethodFact):
    """A norm, square or absolute value of the tensor it is called on (``p.pow(2)``)."""


class NamedBy:
    """A method that looks an optimizer up by a string (``model.compile(optimizer="adamw")``)."""

    __slots__ = ("method", "arg")

    def __init__(self, method: str, arg: Arg) -> None:
        self.method = method
        self.arg = arg


# ---------------------------------------------------------------- value providers
# Rows for the libraries whose values the flow reads where code states them: what a
# provider's calls are named.  The reading itself is the model's (model/providers/).
# (Plain classes, as the records below: a flake8 process defines them on every start.)


class OptionParser:
    """A command-line parser: options declared with ``add``, defaults changed by ``defaults``,
    a namespace of every option returned by ``parse``; ``vars(ns)`` or ``ns.__dict__`` spreads it."""

    __slots__ = ("add", "defaults", "parse")

    def __init__(self, add: str = "add_argument", defaults: str = "set_defaults", parse: str = "parse_args") -> None:
        self.add = add
        self.defaults = defaults
        self.parse = parse

    @property
    def names(self) -> frozenset[str]:
        """The qualified names it is read through (none: its calls are methods of the parser)."""
        return frozenset()

    @property
    def keeps(self) -> tuple[str, ...]:
        """What a part of a module spells when it holds values the provider reads (it is indexed, not skipped)."""
        return (self.add,)


class SavedArguments:
    """``self.<method>()`` in ``__init__`` keeps its arguments, read back as ``self.<holder>.x``."""

    __slots__ = ("method", "holder")

    def __init__(self, method: str, holder: str) -> None:
        self.method = method
        self.holder = holder

    @property
    def names(self) -> frozenset[str]:
        return frozenset()

    @property
    def keeps(self) -> tuple[str, ...]:
        return ()  # its values are in the class that reads them


class ClassFields:
    """Classes whose fields have defaults: a decorator making them positional constructor arguments,
    and a field factory whose ``default`` keyword is the default, or whose ``factory`` keyword is called
    for it (``field(default_factory=OptimConfig)``: a new ``OptimConfig()``)."""

    __slots__ = ("decorators", "factories", "default", "factory")

    def __init__(
        self, decorators: frozenset, factories: frozenset, default: str = "default", factory: str = "default_factory",
    ) -> None:
        self.decorators = decorators
        self.factories = factories
        self.default = default
        self.factory = factory

    @property
    def names(self) -> frozenset[str]:
        return self.decorators | self.factories

    @property
    def keeps(self) -> tuple[str, ...]:
        return ()  # a class holding only data is kept whatever it spells


Provider = Union[OptionParser, SavedArguments, ClassFields]


class TrainingConfig(Row):
    """A framework's training config files: module-level dicts that configure an optimizer the framework builds
    over every parameter of the model (OpenMMLab: ``optim_wrapper = dict(optimizer=dict(type="SGD",
    weight_decay=1e-4))``), and how a config inherits from others.

    ``holders``: the module-level names that may hold it, each with the key its optimizer's dict sits under ("":
    the name holds the optimizer's dict itself, as mmcv 1.x's ``optimizer = dict(type=...)``), the first found
    wins; ``registry``: the module whose classes the ``type`` string names; ``bases``/``delete``: the name
    listing the files a config merges (relative paths, merged dict into dict) and the key that replaces what it
    inherits instead; ``constructor``: a key choosing another builder (which may exempt anything);
    ``paramwise``: the keys of the per-parameter settings (in the holder's dict or the optimizer's), today's first,
    where a key ending in ``multiplier`` that is zero exempts parameters; ``advice``: the per-parameter settings that exempt
    biases and norms; ``reader``: what a config calls to import its bases instead (not read).
    """

    __slots__ = (
        "root", "holders", "type_key", "registry", "bases", "delete", "constructor", "paramwise", "multiplier", "advice",
        "reader",
    )

    def __init__(
        self, root: str, holders: tuple[tuple[str, str], ...], registry: str, type_key: str = "type",
        bases: str = "_base_", delete: str = "_delete_", constructor: str = "constructor",
        paramwise: tuple[str, ...] = ("paramwise_cfg",),
        multiplier: str = "decay_mult", advice: str = "", reader: str = "read_base",
    ) -> None:
        self.root = root
        self.holders = holders
        self.registry = registry
        self.type_key = type_key
        self.bases = bases
        self.delete = delete
        self.constructor = constructor
        self.paramwise = paramwise
        self.multiplier = multiplier
        self.advice = advice
        self.reader = reader


class Framework:
    """Everything the analysis knows of one framework (or library), exported by its module of ``knowledge/``."""

    __slots__ = (
        "name", "rows", "facts", "methods", "aliases", "internal", "named_optimizers", "named_by", "exemption_words",
        "providers", "configs",
    )

    def __init__(
        self,
        name: str,
        rows: Mapping[str, Spec],  # qualified name -> what a call of it does to a bias or to weight decay
        facts: Mapping[str, Fact] | None = None,  # qualified name -> what it is for parameters and values
        methods: Mapping[str, Fact] | None = None,  # method name -> what calling it does (MethodFact, or an AxisMove row)
        aliases: tuple[tuple[str, str], ...] = (),  # another package's prefix for the same modules
        internal: tuple[tuple[str, str], ...] = (),  # an internal module layout's prefix -> the public one
        named_optimizers: Mapping[str, str] | None = None,  # a string an optimizer is looked up by -> its qualified name
        named_by: NamedBy | None = None,  # where such a string is given
        exemption_words: tuple[str, ...] = (),  # words of a parameter-name test that exempt biases and norms
        providers: tuple[Provider, ...] = (),
        configs: tuple[TrainingConfig, ...] = (),  # the training config files of a framework that builds the optimizer
    ) -> None:
        self.name = name
        self.rows = rows
        self.facts = facts or {}
        self.methods = methods or {}
        self.aliases = aliases
        self.internal = internal
        self.named_optimizers = named_optimizers or {}
        self.named_by = named_by
        self.exemption_words = exemption_words
        self.providers = providers
        self.configs = configs


def prefixed(prefix: str, rows: Mapping[str, Spec]) -> dict[str, Spec]:
    """The rows under a module's qualified name."""
    return {f"{prefix}.{name}": spec for name, spec in rows.items()}
