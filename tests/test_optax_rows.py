"""The Optax rows against the real signatures and the real updates (runs when optax is importable).

A transform that decays must move a bias leaf at zero gradient unless its mask
leaves that leaf out; the rows say which argument masks and which value means
"no mask", so both are measured here.
"""

from __future__ import annotations

import inspect

import pytest

from flake8_redundant_bias.knowledge import schema
from flake8_redundant_bias.knowledge import optax as optax_rows

optax = pytest.importorskip("optax")
jnp = pytest.importorskip("jax.numpy")


def _callable(short: str):  # type: ignore[no-untyped-def]
    found = optax
    for part in short.split("."):
        found = getattr(found, part)
    return found


def _parameters(short: str) -> list[inspect.Parameter]:
    return list(inspect.signature(_callable(short)).parameters.values())


OPTIMIZERS = [(name, spec) for name, spec in optax_rows.TRANSFORMS.items() if isinstance(spec, schema.Optimizer)]


@pytest.mark.parametrize("short", list(optax_rows.TRANSFORMS))
def test_every_row_names_a_real_callable(short: str) -> None:
    assert callable(_callable(short)), short


@pytest.mark.parametrize("short, spec", OPTIMIZERS, ids=[name for name, _ in OPTIMIZERS])
def test_decay_and_mask_positions_and_defaults(short: str, spec: schema.Optimizer) -> None:
    parameters = _parameters(short)
    by_name = {p.name: p for p in parameters}
    for arg in [spec.decay] + ([spec.mask] if spec.mask else []):
        assert arg.keyword in by_name, f"optax.{short} has no parameter {arg.keyword}"
        if arg.position is not None:
            assert parameters[arg.position].name == arg.keyword, f"optax.{short}: {arg.keyword} is not at {arg.position}"
        default = by_name[arg.keyword].default
        assert arg.default == (schema.REQUIRED if default is inspect.Parameter.empty else default), short
    assert spec.params is None  # a transform meets the parameters later, in init and update


@pytest.mark.parametrize("short", ["inject_hyperparams", "inject_stateful_hyperparams"])
def test_forwarders_take_the_factory_first(short: str) -> None:
    spec = optax_rows.TRANSFORMS[short]
    assert isinstance(spec, schema.Forwarder)
    assert _parameters(short)[spec.factory.position].name == spec.factory.keyword


PARAMS = {"kernel": jnp.ones((3, 3)), "bias": jnp.ones((3,)), "scale": jnp.ones((3,))}
ZERO_GRADS = {name: jnp.zeros_like(value) for name, value in PARAMS.items()}


def _moved(transform) -> set[str]:  # type: ignore[no-untyped-def]
    """The leaves one update at zero gradient changes: only the decay can move them."""
    updates, _ = transform.update(ZERO_GRADS, transform.init(PARAMS), PARAMS)
    return {name for name, update in updates.items() if float(jnp.abs(update).max()) > 0}


def _build(short: str, decay: float, mask: object = None):  # type: ignore[no-untyped-def]
    spec = optax_rows.TRANSFORMS[short]
    assert isinstance(spec, schema.Optimizer)
    kwargs: dict[str, object] = {spec.decay.keyword: decay}
    if "learning_rate" in {p.name for p in _parameters(short)}:
        kwargs["learning_rate"] = 0.1
    if mask is not None:
        assert spec.mask is not None
        kwargs[spec.mask.keyword] = mask
    return _callable(short)(**kwargs)


# adafactor scales its updates by the parameters' own size, and sophia's update needs a loss
# function: both were read from their source, not measured here.
MASKABLE = [name for name, spec in OPTIMIZERS if spec.mask is not None and name not in ("adafactor", "contrib.sophia")]


@pytest.mark.parametrize("short", MASKABLE)
def test_without_a_mask_every_leaf_is_decayed_and_a_mask_exempts(short: str) -> None:
    assert _moved(_build(short, 0.1)) == set(PARAMS), short
    kernels = {"kernel": True, "bias": False, "scale": False}
    assert _moved(_build(short, 0.1, mask=kernels)) == {"kernel"}, short


def test_a_decay_of_zero_moves_nothing() -> None:
    assert _moved(_build("add_decayed_weights", 0.0)) == set()


def test_masked_and_multi_transform_apply_the_decay_to_a_part() -> None:
    kernels = {"kernel": True, "bias": False, "scale": False}
    assert _moved(optax.masked(optax.add_decayed_weights(0.1), kernels)) == {"kernel"}
    labels = {"kernel": "decay", "bias": "plain", "scale": "plain"}
    split = optax.multi_transform({"decay": optax.add_decayed_weights(0.1), "plain": optax.identity()}, labels)
    assert _moved(split) == {"kernel"}


def test_injected_hyperparameters_decay_the_same() -> None:
    assert _moved(optax.inject_hyperparams(optax.adamw)(learning_rate=0.1, weight_decay=0.1)) == set(PARAMS)
