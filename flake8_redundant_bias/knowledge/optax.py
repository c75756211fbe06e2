"""Optax: RB203's rows.

A transform's decay applies to every leaf of the parameters it meets later
(``tx.init(params)``), unless a mask is given or the transform is applied to a
chosen part (``optax.masked``, ``optax.multi_transform``).  Positions and
defaults are those of optax 0.2.8 (``optax/_src/alias.py``,
``optax/transforms/_adding.py``), checked against the real signatures by the
tests when optax is importable.
"""

from __future__ import annotations

from .schema import Arg, Exempting, Forwarder, Framework, Optimizer, Spec


def _transform(position: int, default: float | None, mask: str = "mask", keyword: str = "weight_decay") -> Optimizer:
    return Optimizer(
        Arg(keyword, position, default), params=None, mask=Arg(mask, position + 1, None),
    )


TRANSFORMS: dict[str, Spec] = {
    "adamw": _transform(6, 1e-4),
    "nadamw": _transform(6, 1e-4),
    "adamaxw": _transform(4, 1e-4),
    "lion": _transform(4, 1e-3),
    "lamb": _transform(5, 0.0),
    "adan": _transform(6, 0.0),
    "adadelta": _transform(3, 0.0, mask="weight_decay_mask"),
    "add_decayed_weights": _transform(0, 0.0),
    "transforms.add_decayed_weights": _transform(0, 0.0),
    "contrib.sophia": _transform(4, 1e-4, mask="weight_decay_mask"),
    # lars masks with True (every leaf) by default: only another mask exempts.
    "lars": Optimizer(
        Arg("weight_decay", 1, 0.0), params=None, mask=Arg("weight_decay_mask", 2, True),
        not_masks=frozenset({None, True}),
    ),
    "adafactor": Optimizer(
        Arg("weight_decay_rate", 8, None), params=None, mask=Arg("weight_decay_mask", 11, None),
    ),
    # Decays every leaf, with no way to mask.
    "contrib.mechanize": Optimizer(Arg("weight_decay", 1, 0.01), params=None),
    "inject_hyperparams": Forwarder(Arg("inner_factory", 0)),
    "inject_stateful_hyperparams": Forwarder(Arg("inner_factory", 0)),
    "masked": Exempting(),
    "transforms.masked": Exempting(),
    "multi_transform": Exempting(),
    "partition": Exempting(),
    "transforms.partition": Exempting(),
}

ROWS: dict[str, Spec] = {f"optax.{name}": spec for name, spec in TRANSFORMS.items()}
FRAMEWORK = Framework("optax", ROWS)
