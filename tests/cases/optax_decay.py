"""Optax (RB203): a transform that decays every leaf, with the masks and partitions that exempt."""
import jax
import optax
from flax import traverse_util


def kernels_only(params):
    return jax.tree_util.tree_map(lambda x: x.ndim > 1, params)


def named(params):
    return traverse_util.path_aware_map(lambda path, _: path[-1] not in ("bias", "scale"), params)


default = optax.adamw(1e-3)  # expect: RB203:11 "adamw applies weight_decay=0.0001 (its default) to every parameter, biases and normalization weights included"
explicit = optax.adamw(learning_rate=1e-3, weight_decay=0.05)  # expect: RB203:12 "adamw applies weight_decay=0.05 to every parameter, biases and normalization weights included"
nadam = optax.nadamw(1e-3)  # expect: RB203:9 "nadamw applies weight_decay=0.0001 (its default) to every parameter, biases and normalization weights included"
lion = optax.lion(1e-4)  # expect: RB203:8 "lion applies weight_decay=0.001 (its default) to every parameter, biases and normalization weights included"
adamax = optax.adamaxw(1e-3)  # expect: RB203:10 "adamaxw applies weight_decay=0.0001 (its default) to every parameter, biases and normalization weights included"
chained = optax.chain(optax.clip_by_global_norm(1.0), optax.add_decayed_weights(1e-4), optax.sgd(0.1))  # expect: RB203:55 "add_decayed_weights applies weight_decay=0.0001 to every parameter, biases and normalization weights included"
injected = optax.inject_hyperparams(optax.adamw)(learning_rate=1e-3, weight_decay=0.1)  # expect: RB203:12 "adamw applies weight_decay=0.1 to every parameter, biases and normalization weights included"
lars = optax.lars(0.1, weight_decay=1e-4)  # expect: RB203:8 "lars applies weight_decay=0.0001 to every parameter, biases and normalization weights included"
lars_all = optax.lars(0.1, weight_decay=1e-4, weight_decay_mask=True)  # expect: RB203:12 "lars applies weight_decay=0.0001 to every parameter, biases and normalization weights included"
factor = optax.adafactor(1e-3, weight_decay_rate=1e-3)  # expect: RB203:10 "adafactor applies weight_decay_rate=0.001 to every parameter, biases and normalization weights included"

masked = optax.adamw(1e-3, mask=kernels_only)
masked_by_path = optax.adamw(1e-3, mask=named)
masked_lambda = optax.lion(1e-4, mask=lambda p: jax.tree_util.tree_map(lambda x: x.ndim != 1, p))
no_decay = optax.adamw(1e-3, weight_decay=0.0)
lamb = optax.lamb(1e-3)
adan = optax.adan(1e-3)
plain = optax.adam(1e-3)
wrapped = optax.masked(optax.add_decayed_weights(1e-4), kernels_only)
decayed = optax.add_decayed_weights(5e-4)
partly = optax.masked(decayed, kernels_only)
parts = optax.multi_transform({"decay": optax.adamw(1e-3), "plain": optax.adam(1e-3)}, kernels_only)
lars_masked = optax.lars(0.1, weight_decay=1e-4, weight_decay_mask=kernels_only)
factor_default = optax.adafactor(1e-3)


def make(decay_rate, mask=None):
    return optax.adamw(1e-3, weight_decay=decay_rate, mask=mask)  # the mask is the caller's: silent
