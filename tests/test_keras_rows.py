"""The Keras rows (``frameworks/keras.py``) against keras itself (runs when keras is importable).

Signatures: every argument a row names is checked against the real class: its
keyword, its position (``self`` not counted; a ``call`` argument counts the
input as position 0) and its default.

Physics: for each recipe, a producer, the steps after it and a norm are written
as the body of a function.  The same text is built into layers and run twice in
training mode on the same input, differing only in the producer's bias (and with
the same dropout masks).  The bias is cancelled exactly when the two outputs
agree.  The analyser must report RB103 on that text exactly when the measurement
says the bias is cancelled; it may stay silent on a recipe listed as
conservative, never report one that is not cancelled.  The recipes for
producers and steps are derived from the rows, so a new row is measured as soon
as it is written.
"""

from __future__ import annotations

import ast
import atexit
import importlib.metadata
import inspect
import os
import shutil
import tempfile
from typing import Iterator, NamedTuple

import pytest

from flake8_redundant_bias.knowledge import schema
from flake8_redundant_bias.engine import analyse_source
from flake8_redundant_bias.knowledge import keras as keras_rows


def _quick_compiles() -> str:
    """XLA flags for quick compiles: JAX compiles a small program for every new shape of every operation,
    some 270 here, which is most of this file's time.  Unoptimized they compile in half the time, and
    without the fusion emitters and split codegen in half again (measured with jaxlib 0.10.2; XLA aborts
    on a flag it does not know, so those two are given only to the version they were measured on)."""
    flags = "--xla_backend_optimization_level=0"
    try:
        jaxlib = importlib.metadata.version("jaxlib")
    except importlib.metadata.PackageNotFoundError:
        return flags
    if jaxlib.startswith("0.10."):
        flags += " --xla_cpu_use_fusion_emitters=false --xla_cpu_parallel_codegen_split_count=1"
    return flags


# Keras picks its backend when first imported, and writes keras.json under KERAS_HOME.
os.environ.setdefault("KERAS_BACKEND", "jax")
if "KERAS_HOME" not in os.environ:
    os.environ["KERAS_HOME"] = tempfile.mkdtemp(prefix="keras-home-")
    atexit.register(shutil.rmtree, os.environ["KERAS_HOME"], ignore_errors=True)
os.environ.setdefault("XLA_FLAGS", _quick_compiles())

keras = pytest.importorskip("keras")
np = pytest.importorskip("numpy")

CANCELLED = 1e-4  # float32: cancelled pairs differ by 8e-6 at most here
CHANGED = 0.1  # pairs that do not cancel differ by 1 or more (1.08 at least here)

C = 8  # channels
BATCH = 4
# By spatial rank; 0 is a Dense layer's (N, C).  Every norm sees one of these shapes (with the
# channels first or last: the same shape), so that JAX compiles each norm's programs once.
SPATIAL = {0: (), 1: (C,), 2: (C, C), 3: (C, C, C)}

# Rows the real signatures contradicted, kept as strict xfails until fixed.  Both found ones are fixed:
# "keras.layers.Sequential" (only keras.Sequential and keras.models.Sequential exist) and a training
# flag on GroupNormalization's call (it has none: no running statistics).
WRONG_NAMES: dict[str, str] = {}
WRONG_ARGUMENTS: dict[str, str] = {}


# --- signatures -------------------------------------------------------------


def _arguments(value: object, method: str = "__init__") -> Iterator[tuple[str, schema.Arg]]:
    """Every Arg inside a row, with the method that takes it: ``call`` for a Mode's call flag, else ``__init__``."""
    if isinstance(value, schema.Arg):
        yield method, value
    elif isinstance(value, schema.Row):  # rows, conditions, axes
        for field in value.__slots__:
            yield from _arguments(getattr(value, field), "call" if isinstance(value, schema.Mode) and field == "call" else method)
    elif isinstance(value, tuple):  # penalties, tuples of conditions
        for item in value:
            yield from _arguments(item, method)


def _resolve(qualified: str) -> object | None:
    obj: object | None = keras
    for part in qualified.split(".")[1:]:
        obj = getattr(obj, part, None)
    return obj


def _parameters(cls: type, method: str) -> list[inspect.Parameter]:
    """The method's parameters without ``self``: a call's input is position 0."""
    return list(inspect.signature(getattr(cls, method)).parameters.values())[1:]


def _inherited(cls: type, method: str, keyword: str) -> inspect.Parameter | None:
    """A keyword the method passes on through ``**kwargs`` to a base class that names it (``trainable``)."""
    if not any(p.kind is p.VAR_KEYWORD for p in _parameters(cls, method)):
        return None
    for base in cls.__mro__[1:]:
        if method in vars(base):
            parameter = inspect.signature(getattr(base, method)).parameters.get(keyword)
            if parameter is not None:
                return parameter
            if not any(p.kind is p.VAR_KEYWORD for p in _parameters(base, method)):
                return None
    return None


ARGUMENTS = [
    pytest.param(
        qualified, method, arg, id=f"{qualified}.{method}({arg.keyword})",
        marks=[pytest.mark.xfail(strict=True, reason=WRONG_ARGUMENTS[f"{qualified}.{method}({arg.keyword})"])]
        if f"{qualified}.{method}({arg.keyword})" in WRONG_ARGUMENTS else [],
    )
    for qualified, spec in keras_rows.ROWS.items()
    if inspect.isclass(_resolve(qualified))
    for method, arg in dict.fromkeys(_arguments(spec))
]


@pytest.mark.parametrize("qualified, method, arg", ARGUMENTS)
def test_row_arguments_match_keras_signatures(qualified: str, method: str, arg: schema.Arg) -> None:
    cls = _resolve(qualified)
    assert inspect.isclass(cls)
    parameters = _parameters(cls, method)
    by_name = {p.name: p for p in parameters}
    where = f"{qualified}.{method}"
    parameter = by_name.get(arg.keyword) or _inherited(cls, method, arg.keyword)
    assert parameter is not None, f"{where} has no parameter {arg.keyword!r} (it has {list(by_name)})"
    if arg.position is not None:
        assert arg.position < len(parameters) and parameters[arg.position].name == arg.keyword, (
            f"{where}: {arg.keyword!r} is not at position {arg.position} "
            f"(that is {parameters[arg.position].name if arg.position < len(parameters) else 'past the end'!r})"
        )
        assert parameters[arg.position].kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD), where
    real = schema.REQUIRED if parameter.default is inspect.Parameter.empty else parameter.default
    assert arg.default == real or arg.default is real, (
        f"{where}: default of {arg.keyword!r} is {real!r}, the row says {arg.default!r}"
    )


@pytest.mark.parametrize(
    "qualified",
    [
        pytest.param(name, marks=[pytest.mark.xfail(strict=True, reason=WRONG_NAMES[name])] if name in WRONG_NAMES else [])
        for name in keras_rows.ROWS
    ],
)
def test_every_row_names_a_keras_attribute(qualified: str) -> None:
    assert _resolve(qualified) is not None, f"{qualified} does not exist in keras {keras.__version__}"


def test_trainable_reaches_the_base_layer() -> None:
    """``trainable=`` is not in BatchNormalization's own signature: it reaches keras.layers.Layer through **kwargs."""
    assert keras.layers.Layer(trainable=False).trainable is False
    assert keras.layers.BatchNormalization(trainable=False).trainable is False
    assert keras.layers.BatchNormalization().trainable is True


def test_aliases_share_the_class_and_the_row() -> None:
    """``Convolution2D`` is ``Conv2D``: one class, so one row, measured once below."""
    aliases = 0
    for name, spec in keras_rows.LAYERS.items():
        cls = getattr(keras.layers, name, None)
        if inspect.isclass(cls) and cls.__name__ != name and cls.__name__ in keras_rows.LAYERS:
            aliases += 1
            assert keras_rows.LAYERS[cls.__name__] == spec, f"{name} is {cls.__name__} but has another row"
    assert aliases >= 8, aliases


# --- physics ----------------------------------------------------------------


class Recipe(NamedTuple):
    """Calls applied in turn to ``x`` (the producer first), the input's shape, and whether the bias is cancelled."""

    calls: tuple[str, ...]
    shape: tuple[int, ...]
    cancelled: bool


SOURCE = """\
from keras import layers


def block(x):
{body}
    return x
"""
PRODUCER_LINE = 5


def _source(calls: tuple[str, ...]) -> str:
    return SOURCE.format(body="\n".join(f"    x = {call}" for call in calls))


def _split(call: str) -> tuple[str, list, dict]:
    """``layers.Dropout(0.5)(x, training=True)`` -> the constructor's text, and the call's other arguments."""
    node = ast.parse(call, mode="eval").body
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Call), call
    assert isinstance(node.args[0], ast.Name) and node.args[0].id == "x", call
    args = [ast.literal_eval(a) for a in node.args[1:]]
    kwargs = {k.arg: ast.literal_eval(k.value) for k in node.keywords}
    return ast.unparse(node.func), args, kwargs


def _numpy_weights(layer: object, rng: np.random.Generator) -> None:
    """Draws the layer's random weights with numpy: JAX compiles its generator anew for every weight shape."""
    constant = (keras.initializers.Zeros, keras.initializers.Ones, keras.initializers.Constant)
    for attribute, value in vars(layer).items():
        if attribute.endswith("_initializer") and isinstance(value, keras.initializers.Initializer):
            if not isinstance(value, constant):
                setattr(layer, attribute, lambda shape, dtype=None: rng.uniform(-0.5, 0.5, shape).astype("float32"))


def _seed_generators(layer: object) -> list:
    return [v for v in vars(layer).values() if isinstance(v, keras.random.SeedGenerator)]


def _measure(recipe: Recipe) -> float:
    """The largest output change when the producer's bias moves by 3 N(0, 1) per channel."""
    keras.utils.set_random_seed(0)
    weights = np.random.default_rng(2)
    built = []
    for call in recipe.calls:
        constructor, args, kwargs = _split(call)
        layer = eval(constructor, {"layers": keras.layers})  # the recipe text, written in this file
        _numpy_weights(layer, weights)
        built.append((layer, args, kwargs))
    x = np.random.default_rng(0).standard_normal(recipe.shape).astype("float32")
    generators = [g for layer, _, _ in built for g in _seed_generators(layer)]

    def run() -> np.ndarray:
        y = x
        for layer, args, kwargs in built:
            y = layer(y, *args, **kwargs)
        return keras.ops.convert_to_numpy(y)

    states = [keras.ops.convert_to_numpy(g.state.value) for g in generators]

    def rewind() -> None:  # the same dropout masks in every run
        for generator, state in zip(generators, states):
            generator.state.assign(state)

    rewind()
    first = run()
    if generators:
        rewind()
        assert np.array_equal(first, run()), f"{recipe.calls}: two runs with the same bias and masks differ"
    bias = built[0][0].bias
    shift = 3 * np.random.default_rng(1).standard_normal(tuple(bias.shape)).astype("float32")
    bias.assign(keras.ops.convert_to_numpy(bias.value) + shift)
    rewind()
    return float(np.abs(first - run()).max())


def _reported(calls: tuple[str, ...]) -> bool:
    lines = {f.line for f in analyse_source(_source(calls)) if (f.code == "RB103")}
    assert lines <= {PRODUCER_LINE}, f"RB103 on lines {lines} of\n{_source(calls)}"
    return PRODUCER_LINE in lines


def _assert_agrees(recipe: Recipe, conservative: bool = False) -> None:
    difference = _measure(recipe)
    if recipe.cancelled:
        assert difference < CANCELLED, f"{recipe.calls}: measured {difference}, expected cancellation"
    else:
        assert difference > CHANGED, f"{recipe.calls}: measured {difference}, expected a change"
    expected = recipe.cancelled and not conservative
    assert _reported(recipe.calls) is expected, f"{recipe.calls}: the analysis disagrees with the measurement ({difference})"


def _shape(rank: int, channels_first: bool = False) -> tuple[int, ...]:
    return (BATCH, C, *SPATIAL[rank]) if channels_first else (BATCH, *SPATIAL[rank], C)


def _rank(name: str) -> int:
    return next((int(d) for d in "123" if f"{d}D" in name), 0)


def _producer(name: str, spec: schema.Producer, extra: str = "") -> str:
    """The producer's call, built from its row: the channel count where ``size`` says, a kernel of 3 for convolutions."""
    args = []
    if spec.size is not None:
        assert spec.size.position == 0, name
        args.append(str(C))
    if _rank(name):
        args += ["3", "padding='same'"]
    return f"layers.{name}({', '.join(args + ([extra] if extra else []))})(x)"


def _norm(axis: int | None = None) -> str:
    return f"layers.BatchNormalization({'' if axis is None else f'axis={axis}'})(x, training=True)"


# One name per producer class: the aliases (Convolution2D) are the same class with the same row.
PRODUCERS = {
    name: spec for name, spec in keras_rows.LAYERS.items()
    if isinstance(spec, schema.Producer) and getattr(keras.layers, name).__name__ == name
}


def _producer_recipes(name: str, spec: schema.Producer) -> Iterator[Recipe]:
    """What the row claims about a producer: cancelled with no activation or one the row lists, on the axis it says."""
    rank = _rank(name)
    condition = spec.when
    assert isinstance(condition, schema.ArgIn) and condition.arg.keyword == "activation", name
    yield Recipe((_producer(name, spec), _norm()), _shape(rank), True)
    for value in sorted(condition.values - {None}):
        yield Recipe((_producer(name, spec, f"activation={value!r}"), _norm()), _shape(rank), True)
    yield Recipe((_producer(name, spec, "activation='relu'"), _norm()), _shape(rank), False)
    assert spec.axis is not None, name
    if spec.axis.fixed is not None:  # Dense: the last axis, also on a 3-D input, where axis 1 is another one
        yield Recipe((_producer(name, spec), _norm(spec.axis.fixed)), _shape(1), True)
        yield Recipe((_producer(name, spec), _norm(1)), _shape(1), False)
    for value, axis in spec.axis.values:
        if value is None:
            continue
        first = axis == 1
        call = _producer(name, spec, f"data_format={value!r}")
        yield Recipe((call, _norm(axis)), _shape(rank, first), True)
        other = -1 if first else 1
        yield Recipe((call, _norm(other)), _shape(rank, first), False)


PRODUCER_RECIPES = [
    pytest.param(recipe, id=f"{name}-{i}")
    for name, spec in PRODUCERS.items()
    for i, recipe in enumerate(_producer_recipes(name, spec))
]


@pytest.mark.parametrize("recipe", PRODUCER_RECIPES)
def test_producer_rows(recipe: Recipe) -> None:
    _assert_agrees(recipe)


# The arguments a transparent step needs beyond those its row's condition names, by class family.
STEP_ARGUMENTS = {
    "MaxPooling": "2", "AveragePooling": "2", "UpSampling": "2", "Cropping": "1",
    "GlobalMaxPooling": "", "GlobalAveragePooling": "", "Flatten": "", "Activation": "", "Dropout": "",
}


def _step_calls(name: str, spec: schema.Transparent) -> Iterator[str]:
    """The step as its row claims it transparent: with each value its condition lists."""
    family = name.rstrip("123D") if _rank(name) else name
    assert family in STEP_ARGUMENTS, f"keras.layers.{name} is a new transparent row: give its arguments in STEP_ARGUMENTS"
    base = [STEP_ARGUMENTS[family]] if STEP_ARGUMENTS[family] else []
    cls = getattr(keras.layers, name)
    call = "x, training=True" if "training" in inspect.signature(cls.call).parameters else "x"
    if spec.when is None:
        yield f"layers.{name}({', '.join(base)})({call})"
        return
    assert isinstance(spec.when, schema.ArgIn), name
    arg = spec.when.arg
    for value in sorted(spec.when.values, key=repr):
        if arg.default is schema.REQUIRED:
            assert arg.position == len(base), name
            args = base + [repr(value)]
        else:
            args = base + [f"{arg.keyword}={value!r}"]
        yield f"layers.{name}({', '.join(args)})({call})"


def _input_shape(step: str, rank: int) -> tuple[int, ...]:
    """The input the step turns into the usual shape, if one does (not Flatten, nor global pooling)."""
    layer = eval(_split(step)[0], {"layers": keras.layers})  # the recipe text, written in this file
    for size in range(2, 3 * C):
        shape = (BATCH, *(size,) * rank, C)
        try:
            if tuple(layer.compute_output_shape(shape)) == _shape(rank):
                return shape
        except ValueError:  # a window larger than the input
            continue
    return _shape(rank)


def _chain(step: str, rank: int, cancelled: bool) -> Recipe:
    """Conv{rank}D, the step, BatchNormalization."""
    conv = _producer(f"Conv{rank}D", keras_rows.LAYERS[f"Conv{rank}D"])
    return Recipe((conv, step, _norm()), _input_shape(step, rank), cancelled)


TRANSPARENT_STEPS = [
    pytest.param(step, _rank(name) or 2, id=step)
    for name, spec in keras_rows.LAYERS.items() if isinstance(spec, schema.Transparent)
    for step in _step_calls(name, spec)
]


@pytest.mark.parametrize("step, rank", TRANSPARENT_STEPS)
def test_transparent_rows(step: str, rank: int) -> None:
    _assert_agrees(_chain(step, rank, cancelled=True))


# Steps whose row's condition fails, or that have no row: none keeps a per-channel constant,
# except those listed in CONSERVATIVE.
OTHER_STEPS = [
    "layers.Activation('relu')(x)",
    "layers.ReLU()(x)",
    "layers.Dropout(0.5)(x, training=True)",
    "layers.ZeroPadding2D()(x)",
    "layers.Conv2D(8, 3, padding='same', use_bias=False)(x)",
    "layers.AveragePooling2D(3, 1, padding='same')(x)",
]
# Cancelled in truth, but the rows stay silent.  Shorter than the truth is allowed; longer never is.
CONSERVATIVE = {
    # Keras averages over the window's inputs only (as TensorFlow's "SAME"): no zeros are counted.
    "layers.AveragePooling2D(3, 1, padding='same')(x)",
    # groups equal to the channel count is also one group per channel; the row knows -1 only.
    "layers.GroupNormalization(8)(x)",
    # Axis 3 is axis -1 of a 4-D output; the rows do not know the rank.
    "layers.BatchNormalization(axis=3)(x, training=True)",
    # A mean and variance per sample and channel, over the spatial axes: instance normalization.
    "layers.LayerNormalization(axis=(1, 2))(x)",
}


@pytest.mark.parametrize("step", OTHER_STEPS)
def test_steps_without_a_row(step: str) -> None:
    conservative = step in CONSERVATIVE
    _assert_agrees(_chain(step, 2, cancelled=conservative), conservative)


# Norms after a Conv2D(8, 3, padding="same") on (4, 8, 8, 8): the call, and whether it cancels.
NORMS: dict[str, list[tuple[str, bool]]] = {
    "BatchNormalization": [
        ("layers.BatchNormalization()(x, training=True)", True),
        ("layers.BatchNormalization(-1)(x, training=True)", True),
        ("layers.BatchNormalization(center=False)(x, training=True)", True),
        ("layers.BatchNormalization(trainable=True)(x, training=True)", True),
        ("layers.BatchNormalization(axis=3)(x, training=True)", True),
        ("layers.BatchNormalization(axis=1)(x, training=True)", False),
        ("layers.BatchNormalization()(x, training=False)", False),
        ("layers.BatchNormalization(trainable=False)(x, training=True)", False),
    ],
    "GroupNormalization": [
        ("layers.GroupNormalization(groups=-1)(x)", True),
        ("layers.GroupNormalization(-1)(x)", True),
        ("layers.GroupNormalization(-1, -1)(x)", True),
        ("layers.GroupNormalization(8)(x)", True),
        ("layers.GroupNormalization(-1)(x, training=False)", True),
        ("layers.GroupNormalization(groups=2)(x)", False),
    ],
}
# Normalizations without a row: none cancels a per-channel bias, except those listed in CONSERVATIVE.
OTHER_NORMS = [
    "layers.LayerNormalization()(x)",
    "layers.LayerNormalization(axis=(1, 2))(x)",
    "layers.RMSNormalization()(x)",
    "layers.UnitNormalization()(x)",
]


@pytest.mark.parametrize("norm, cancelled", [recipe for recipes in NORMS.values() for recipe in recipes])
def test_norm_rows(norm: str, cancelled: bool) -> None:
    conv = _producer("Conv2D", keras_rows.LAYERS["Conv2D"])
    _assert_agrees(Recipe((conv, norm), _shape(2), cancelled), conservative=norm in CONSERVATIVE)


@pytest.mark.parametrize("norm", OTHER_NORMS)
def test_norms_without_a_row(norm: str) -> None:
    name = norm.split("(")[0].removeprefix("layers.")
    assert name not in keras_rows.LAYERS, name
    conv = _producer("Conv2D", keras_rows.LAYERS["Conv2D"])
    conservative = norm in CONSERVATIVE
    _assert_agrees(Recipe((conv, norm), _shape(2), cancelled=conservative), conservative)


def test_every_norm_row_has_a_measurement() -> None:
    for name, spec in keras_rows.LAYERS.items():
        if isinstance(spec, schema.Norm):
            assert any(cancelled for _, cancelled in NORMS.get(name, [])), f"keras.layers.{name} has no physics recipe"
