"""The Flax rows (linen and nnx) against the real signatures and measured outputs (when flax is importable).

Signatures: every argument a row names sits where the row says, with the default it says.
Physics: the bias parameter of a producer row is moved; the output of a norm the rows say
cancels it must not move, and the cases the rows say break the chain must move by far more.
The cases are derived from the rows (a norm row's condition, axis and mode give both the
arguments that cancel and the ones that do not), so a wrong new row makes a test fail.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from typing import Any, Callable, NamedTuple

import pytest

from flake8_redundant_bias.knowledge import schema
from flake8_redundant_bias.knowledge import flax as flax_rows

flax = pytest.importorskip("flax")
jax = pytest.importorskip("jax")
linen = pytest.importorskip("flax.linen")
nnx = pytest.importorskip("flax.nnx")
np = pytest.importorskip("numpy")

CANCELLED = 1e-3  # float32: cancelled pairs differ by 2.5e-5 at most
CHANGED = 0.1  # non-cancelling pairs differ by 1.9 or more

C = 8  # channels
# Batch, height, width, channels: distinct sizes, so axis 1 is a spatial axis of its own.
SHAPE = (4, 6, 7, C)

FRAMEWORKS = {"flax.linen": flax_rows.LINEN, "flax.nnx": flax_rows.NNX}

# Rows the measurements contradict.  They are reported, not changed here; their
# cases are strict xfails, so correcting the row (or the test) shows up.
WRONG_ROWS: dict[str, str] = {}  # flax.linen.ConvLocal was one (a bias per output position): its row is gone


# --- signatures ---------------------------------------------------------------------------------


def _resolve(qualified: str) -> Any:
    module_name, _, name = qualified.rpartition(".")
    module = importlib.import_module(module_name)
    assert hasattr(module, name), f"{module_name} has no attribute {name}"
    return getattr(module, name)


def _condition_args(condition: schema.Condition | None) -> list[schema.Arg]:
    if isinstance(condition, schema.ArgIn):
        return [condition.arg]
    if isinstance(condition, schema.SameArgs):
        return [condition.first, condition.second]
    if isinstance(condition, (schema.AnyOf, schema.AllOf)):
        return [arg for part in condition.conditions for arg in _condition_args(part)]
    return []


def _axis_args(axis: schema.Axis | None) -> list[schema.Arg]:
    return [axis.arg] if axis is not None and axis.arg is not None else []


def _row_args(spec: schema.Spec) -> list[tuple[str, schema.Arg]]:
    """The arguments a row names, each with where it is given: ``build`` or ``call``."""
    build: list[schema.Arg] = []
    call: list[schema.Arg] = []
    if isinstance(spec, schema.Producer):
        build += [spec.bias] + ([spec.size] if spec.size else []) + _axis_args(spec.axis)
    if isinstance(spec, schema.Norm):
        build += ([spec.features] if spec.features else []) + _axis_args(spec.axis)
        if spec.mode is not None:
            build += [spec.mode.build] if spec.mode.build else []
            call += [spec.mode.call] if spec.mode.call else []
    if isinstance(spec, schema.Container) and spec.layers is not None:
        build.append(spec.layers)
    build += _condition_args(getattr(spec, "when", None))
    return [("build", arg) for arg in build] + [("call", arg) for arg in call]


def _parameters(obj: Any, where: str) -> list[inspect.Parameter]:
    """The parameters a call passes arguments to, ``self`` left out: the input is position 0 of ``call``."""
    if where == "call":
        return list(inspect.signature(obj.__call__).parameters.values())[1:]
    if inspect.isclass(obj) and issubclass(obj, linen.Module):
        return list(inspect.signature(obj).parameters.values())  # a dataclass: its fields in order
    if inspect.isclass(obj):
        return list(inspect.signature(obj.__init__).parameters.values())[1:]
    return list(inspect.signature(obj).parameters.values())


ROWS = list(flax_rows.ROWS.items())
ROW_IDS = [name for name, _ in ROWS]


@pytest.mark.parametrize("qualified, spec", ROWS, ids=ROW_IDS)
def test_arguments_match_the_signature(qualified: str, spec: schema.Spec) -> None:
    obj = _resolve(qualified)
    for where, arg in _row_args(spec):
        parameters = _parameters(obj, where)
        by_name = {p.name: p for p in parameters}
        assert arg.keyword in by_name, f"{qualified}: its {where} has no parameter {arg.keyword!r}"
        parameter = by_name[arg.keyword]
        index = parameters.index(parameter)
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY:
            assert arg.position is None, f"{qualified}: {arg.keyword} is keyword-only, the row gives position {arg.position}"
        else:
            assert parameter.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD, f"{qualified}: {arg.keyword} is {parameter.kind}"
            # None would miss the argument whenever it is given by position.
            assert arg.position == index, f"{qualified}: {arg.keyword} is {where} position {index}, the row says {arg.position}"
        default = schema.REQUIRED if parameter.default is inspect.Parameter.empty else parameter.default
        assert arg.default == default, f"{qualified}: {arg.keyword} defaults to {default!r}, the row says {arg.default!r}"


# --- physics ------------------------------------------------------------------------------------


def _numbers(seed: int, shape: tuple, scale: float = 1.0) -> Any:
    """Fixed normal numbers drawn by numpy: jax.random compiles a program per shape, seconds each on a busy CPU."""
    return jax.numpy.asarray(np.random.default_rng(seed).standard_normal(shape) * scale, dtype=np.float32)


def _kernel(key: Any, shape: tuple, dtype: Any = np.float32) -> Any:
    return _numbers(3, shape, 0.3).astype(dtype)


# What a producer row needs besides its size argument (a fixed kernel: the physics is the bias's),
# and how a step row is called.
PRODUCERS: dict[str, dict[str, Any]] = {
    "flax.linen.Conv": {"kernel_size": (3, 3), "kernel_init": _kernel},
    "flax.linen.ConvTranspose": {"kernel_size": (3, 3), "kernel_init": _kernel},
    "flax.linen.Dense": {"kernel_init": _kernel},
    "flax.nnx.Conv": {"in_features": C, "kernel_size": (3, 3), "kernel_init": _kernel},
    "flax.nnx.ConvTranspose": {"in_features": C, "kernel_size": (3, 3), "kernel_init": _kernel},
    "flax.nnx.Linear": {"in_features": C, "kernel_init": _kernel},
}
TRANSPARENT: dict[str, Callable[[Any], Any]] = {
    "flax.linen.max_pool": lambda x: linen.max_pool(x, (2, 2), strides=(2, 2)),
}
# Steps no row names: each must measure as breaking, and must not be a cancelling or transparent row.
BREAKING_STEPS: dict[str, dict[str, Callable[[], Any]]] = {
    "flax.linen": {"relu": lambda: linen.relu},
    "flax.nnx": {"relu": lambda: nnx.relu},
}
OTHER_NORMS: dict[str, dict[str, Callable[[], Any]]] = {
    "flax.linen": {"LayerNorm": lambda: linen.LayerNorm(), "RMSNorm": lambda: linen.RMSNorm()},
    "flax.nnx": {"LayerNorm": lambda: nnx.LayerNorm(C, rngs=nnx.Rngs(0)), "RMSNorm": lambda: nnx.RMSNorm(C, rngs=nnx.Rngs(0))},
}


class Case(NamedTuple):
    """A norm built with ``build`` and called with ``call``, its channels on ``axis``; whether it cancels the bias."""

    build: dict
    call: dict
    axis: int
    cancels: bool

    def __str__(self) -> str:
        parts = [", ".join(f"{keyword}={value!r}" for keyword, value in self.build.items())]
        parts += [f"call {keyword}={value!r}" for keyword, value in self.call.items()]
        return "; ".join(part for part in parts if part)


def _holding(condition: schema.Condition | None) -> list[dict]:
    """Constructor arguments under which ``condition`` holds, one dict per way."""
    if condition is None:
        return [{}]
    if isinstance(condition, schema.ArgIn):
        return [{condition.arg.keyword: value} for value in sorted(condition.values)]
    if isinstance(condition, schema.SameArgs):
        return [{condition.first.keyword: C, condition.second.keyword: C}]
    if isinstance(condition, schema.AnyOf):
        return [way for part in condition.conditions for way in _holding(part)]
    raise AssertionError(f"no recipe for {condition!r}")


def _failing(condition: schema.Condition | None) -> list[dict]:
    """Constructor arguments under which one part of ``condition`` fails; the other parts keep their defaults."""
    if condition is None:
        return []
    if isinstance(condition, schema.ArgIn):
        return [{condition.arg.keyword: max(condition.values) + 1}]
    if isinstance(condition, schema.SameArgs):
        return [{condition.first.keyword: C // 2, condition.second.keyword: C}]
    if isinstance(condition, schema.AnyOf):
        return [way for part in condition.conditions for way in _failing(part)]
    raise AssertionError(f"no recipe for {condition!r}")


def _modes(mode: schema.Mode | None) -> list[tuple[dict, dict, bool]]:
    """(constructor arguments, call arguments, whether it trains) for each way of setting the flag."""
    if mode is None:
        return [({}, {}, True)]
    found = [({}, {}, mode.default)] if mode.default is not None else []
    for value, trains in ((not mode.inference, True), (mode.inference, False)):
        found += [({mode.build.keyword: value}, {}, trains)] if mode.build else []
        found += [({}, {mode.call.keyword: value}, trains)] if mode.call else []
    return found


def _cases(norm: schema.Norm) -> list[Case]:
    """Every construction the row says cancels a last-axis bias, then one for each way the row says it fails."""
    modes = _modes(norm.mode)
    training = [(build, call) for build, call, trains in modes if trains]
    assert training, "a norm row that never trains cancels nothing"
    holding = _holding(norm.when)
    cases = [Case({**way, **build}, call, -1, True) for way in holding for build, call in training]
    cases += [Case({**way, **training[0][0]}, training[0][1], -1, False) for way in _failing(norm.when)]
    cases += [Case({**holding[0], **build}, call, -1, False) for build, call, trains in modes if not trains]
    if norm.axis is not None and norm.axis.arg is not None:
        assert not norm.axis.values, "no recipe for an axis read off named values"
        cases.append(Case({**holding[0], norm.axis.arg.keyword: 1, **training[0][0]}, training[0][1], 1, False))
    return cases


def _rows(kind: type) -> list[tuple[str, str, Any]]:
    """(framework, qualified name, row) for every row of ``kind``."""
    return [
        (framework, f"{framework}.{name}", spec)
        for framework, rows in FRAMEWORKS.items() for name, spec in rows.items() if isinstance(spec, kind)
    ]


def _producer(qualified: str, spec: schema.Producer, **overrides: Any) -> Any:
    arguments = {**PRODUCERS[qualified], spec.size.keyword: C, **overrides}
    if qualified.startswith("flax.nnx."):
        arguments["rngs"] = nnx.Rngs(0)
    return _resolve(qualified)(**arguments)


def _norm(qualified: str, build: dict, axis: int = -1) -> Any:
    arguments = dict(build)
    if arguments.get("group_size") is not None:
        arguments.setdefault("num_groups", None)  # flax takes exactly one of the two
    if qualified.startswith("flax.nnx."):
        arguments = {"num_features": SHAPE[axis], **arguments, "rngs": nnx.Rngs(0)}
    return _resolve(qualified)(**arguments)


def _input() -> Any:
    return _numbers(2, SHAPE)


def _shift(shape: tuple) -> Any:
    return _numbers(1, shape, 3.0)


class _Chain(linen.Module):
    """Its layers in order; the last one also gets ``call``'s keyword arguments."""

    layers: tuple
    call: tuple = ()

    def __call__(self, x: Any) -> Any:
        for layer in self.layers[:-1]:
            x = layer(x)
        return self.layers[-1](x, **dict(self.call))


def _linen_change(model: Any, name: str = "layers_0") -> float:
    """How far the output moves when the bias of the layer ``name`` moves (batch statistics where the model has any)."""
    x = _input()
    variables = model.init(jax.random.key(0), x)
    first, _ = model.apply(variables, x, mutable=["batch_stats"])
    params = variables["params"]
    layer = params[name]
    moved = {**variables, "params": {**params, name: {**layer, "bias": layer["bias"] + _shift(layer["bias"].shape)}}}
    second, _ = model.apply(moved, x, mutable=["batch_stats"])
    return float(abs(first - second).max())


def _nnx_change(run: Callable[[Any], Any], producer: Any) -> float:
    x = _input()
    first = run(x)
    producer.bias[...] = producer.bias[...] + _shift(producer.bias[...].shape)
    return float(abs(first - run(x)).max())


def _change(framework: str, layers: list, call: dict | None = None) -> float:
    call = call or {}
    if framework == "flax.linen":
        return _linen_change(_Chain(tuple(layers), tuple(call.items())))

    def run(x: Any) -> Any:
        for layer in layers[:-1]:
            x = layer(x)
        return layers[-1](x, **call)

    return _nnx_change(run, layers[0])


def _assert_measured(what: str, difference: float, cancels: bool) -> None:
    if cancels:
        assert difference < CANCELLED, f"{what}: the output moved by {difference}, the rows say the bias cancels"
    else:
        assert difference > CHANGED, f"{what}: the output moved by only {difference}, expected a change"


def _param(producer: str, *values: Any, cancels: bool, id: str) -> Any:
    """A case; a strict xfail when the measurement contradicts the producer's row (see WRONG_ROWS)."""
    wrong = WRONG_ROWS.get(producer) if cancels else None
    marks = [pytest.mark.xfail(strict=True, reason=wrong)] if wrong else []
    return pytest.param(producer, *values, marks=marks, id=id)


def _producers(framework: str) -> list[str]:
    return [qualified for producer_framework, qualified, _ in _rows(schema.Producer) if producer_framework == framework]


NORM_CASES = [
    _param(producer, norm, case, cancels=case.cancels, id=f"{producer}-{norm.rpartition('.')[2]}({case})")
    for framework, norm, spec in _rows(schema.Norm) for case in _cases(spec) for producer in _producers(framework)
]


@pytest.mark.parametrize("producer, norm, case", NORM_CASES)
def test_norm_rows_cancel_what_they_claim(producer: str, norm: str, case: Case) -> None:
    framework = producer.rpartition(".")[0]
    layers = [_producer(producer, flax_rows.ROWS[producer]), _norm(norm, case.build, case.axis)]
    _assert_measured(f"{producer} -> {norm}({case})", _change(framework, layers, case.call), case.cancels)


def _training_norm(framework: str) -> tuple[str, Case]:
    """The framework's first norm row, in its first cancelling construction."""
    _, norm, spec = next(row for row in _rows(schema.Norm) if row[0] == framework)
    return norm, next(case for case in _cases(spec) if case.cancels)


STEP_CASES = [
    _param(producer, step, TRANSPARENT[step], True, cancels=True, id=f"{producer}-{step}")
    for framework, step, _ in _rows(schema.Transparent) for producer in _producers(framework)
] + [
    _param(producer, f"{framework}.{name}", make(), False, cancels=False, id=f"{producer}-{name}")
    for framework, steps in BREAKING_STEPS.items() for name, make in steps.items() for producer in _producers(framework)
]


@pytest.mark.parametrize("producer, step_name, step, cancels", STEP_CASES)
def test_steps_between_producer_and_norm(producer: str, step_name: str, step: Callable, cancels: bool) -> None:
    framework = producer.rpartition(".")[0]
    if not cancels:
        assert step_name not in flax_rows.ROWS, f"{step_name} has a row: measure it with the rows"
    norm, case = _training_norm(framework)
    layers = [_producer(producer, flax_rows.ROWS[producer]), step, _norm(norm, case.build)]
    _assert_measured(f"{producer} -> {step_name} -> {norm}({case})", _change(framework, layers, case.call), cancels)


@pytest.mark.parametrize("framework, name", [(framework, name) for framework, norms in OTHER_NORMS.items() for name in norms])
def test_norms_without_a_row_do_not_cancel(framework: str, name: str) -> None:
    assert f"{framework}.{name}" not in flax_rows.ROWS, f"{framework}.{name} has a row: measure it with the rows"
    for producer in _producers(framework):
        layers = [_producer(producer, flax_rows.ROWS[producer]), OTHER_NORMS[framework][name]()]
        _assert_measured(f"{producer} -> {name}", _change(framework, layers), cancels=False)


@pytest.mark.parametrize(
    "qualified",
    [_param(qualified, cancels=True, id=qualified) for framework in FRAMEWORKS for qualified in _producers(framework)],
)
def test_producer_adds_one_bias_per_channel_on_the_last_axis(qualified: str) -> None:
    """The bias is one number per channel, the channels are where the row's axis says, and the switch turns it off."""
    spec = flax_rows.ROWS[qualified]
    framework = qualified.rpartition(".")[0]
    layer = _producer(qualified, spec)
    if framework == "flax.linen":
        variables = layer.init(jax.random.key(0), _input())
        output = layer.apply(variables, _input())
        bias_shape = variables["params"]["bias"].shape
    else:
        output = layer(_input())
        bias_shape = layer.bias[...].shape
    assert bias_shape == (C,), f"{qualified}: a bias of shape {bias_shape}, not one per channel"
    assert output.shape[spec.axis.fixed] == C, f"{qualified}: output {output.shape}, channels not on axis {spec.axis.fixed}"
    off = _producer(qualified, spec, **{spec.bias.keyword: ast.literal_eval(spec.off)})
    if framework == "flax.linen":
        names = set(off.init(jax.random.key(0), _input())["params"])
    else:
        names = {name for name, value in vars(off).items() if isinstance(value, nnx.Param)}
    assert names == {"kernel"}, f"{qualified}({spec.bias.keyword}={spec.off}) has parameters {sorted(names)}"


@pytest.mark.parametrize("qualified", [qualified for _, qualified, spec in _rows(schema.Norm) if spec.mode is not None])
def test_mode_default(qualified: str) -> None:
    """Given neither flag, a norm trains (default True), infers (False), or raises (None)."""
    mode = flax_rows.ROWS[qualified].mode
    framework = qualified.rpartition(".")[0]
    producer = _producers(framework)[0]
    layers = [_producer(producer, flax_rows.ROWS[producer]), _norm(qualified, _holding(flax_rows.ROWS[qualified].when)[0])]
    if mode.default is None:
        with pytest.raises(ValueError, match=(mode.build or mode.call).keyword):
            _change(framework, layers)
    else:
        _assert_measured(f"{producer} -> {qualified}()", _change(framework, layers), cancels=mode.default)


@pytest.mark.parametrize("qualified", [qualified for _, qualified, _ in _rows(schema.Container)])
def test_containers_run_their_layers_in_order(qualified: str) -> None:
    """Producer then norm through the container cancels the bias; the reverse order does not."""
    spec = flax_rows.ROWS[qualified]
    framework = qualified.rpartition(".")[0]
    producer = _producers(framework)[0]
    norm, case = _training_norm(framework)
    assert not case.call, "the container passes no arguments to its last layer"
    for order, cancels in (((0, 1), True), ((1, 0), False)):
        made = [_producer(producer, flax_rows.ROWS[producer]), _norm(norm, case.build)]
        layers = [made[i] for i in order]
        container = _resolve(qualified)(**{spec.layers.keyword: layers}) if spec.layers else _resolve(qualified)(*layers)
        if framework == "flax.linen":
            difference = _linen_change(container, f"layers_{order.index(0)}")
        else:
            difference = _nnx_change(container, made[0])
        _assert_measured(f"{qualified}({', '.join(type(layer).__name__ for layer in layers)})", difference, cancels)


def test_every_row_has_a_recipe() -> None:
    for _, qualified, _ in _rows(schema.Producer):
        assert qualified in PRODUCERS, f"{qualified} has no producer recipe"
    for _, qualified, _ in _rows(schema.Transparent):
        assert qualified in TRANSPARENT, f"{qualified} has no step recipe"
    for qualified in {*PRODUCERS, *TRANSPARENT, *WRONG_ROWS}:
        assert qualified in flax_rows.ROWS, f"{qualified} is named in this file but has no row"
    kinds = (schema.Producer, schema.Norm, schema.Transparent, schema.Container)
    for qualified, spec in flax_rows.ROWS.items():
        assert isinstance(spec, kinds), f"{qualified}: no physics test for a {type(spec).__name__} row"
