"""The torch rows (layers and optimizers) against the real signatures (when torch is importable)."""

from __future__ import annotations

import importlib
import inspect

import pytest

from flake8_redundant_bias import knowledge
from flake8_redundant_bias.knowledge import schema

torch = pytest.importorskip("torch")


def _arg_specs(spec: schema.Spec) -> list[schema.Arg]:
    found: list[schema.Arg] = []
    if isinstance(spec, schema.Producer):
        found += [spec.bias] + ([spec.size] if spec.size else [])
    if isinstance(spec, schema.Optimizer):
        found += [spec.params, spec.decay]
    if isinstance(spec, schema.Norm) and spec.features:
        found.append(spec.features)
    pending = [getattr(spec, "when", None)]
    while pending:
        condition = pending.pop()
        if isinstance(condition, schema.ArgIn):
            found.append(condition.arg)
        elif isinstance(condition, schema.SameArgs):
            found += [condition.first, condition.second]
        elif isinstance(condition, (schema.AnyOf, schema.AllOf)):
            pending += list(condition.conditions)
    return found


def _signature(qualified: str) -> inspect.Signature | None:
    module_name, _, name = qualified.rpartition(".")
    obj = getattr(__import__(module_name, fromlist=[name]), name)
    try:
        return inspect.signature(obj)
    except (TypeError, ValueError):  # C builtins such as F.conv2d carry no signature
        return None


# Rows whose callable has a Python signature; C builtins such as F.conv2d have none.
# Other packages' rows were read from their source (see frameworks/).
ROWS = [
    (name, spec) for name, spec in knowledge.KNOWLEDGE.rows.items()
    if name.startswith("torch.") and _arg_specs(spec) and _signature(name) is not None
]


@pytest.mark.parametrize("qualified, spec", ROWS, ids=[name for name, _ in ROWS])
def test_argument_positions_and_defaults_match_torch(qualified: str, spec: schema.Spec) -> None:
    signature = _signature(qualified)
    assert signature is not None
    parameters = list(signature.parameters.values())
    if not getattr(spec, "functional", False) and parameters and parameters[0].name == "self":
        parameters = parameters[1:]
    by_name = {p.name: p for p in parameters}
    for arg in _arg_specs(spec):
        assert arg.keyword in by_name, f"{qualified} has no parameter {arg.keyword}"
        if arg.position is not None:
            assert parameters[arg.position].name == arg.keyword, f"{qualified}: {arg.keyword} is not at {arg.position}"
        default = by_name[arg.keyword].default
        expected = schema.REQUIRED if default is inspect.Parameter.empty else default
        assert arg.default == expected, f"{qualified}: default of {arg.keyword}"


def test_every_table_name_exists_in_torch() -> None:
    for qualified in knowledge.KNOWLEDGE.rows:
        if qualified.startswith("torch"):
            assert _resolves(qualified), qualified


def _resolves(qualified: str) -> bool:
    """The name is a module's attribute, or an attribute of one (``torch.nn.SyncBatchNorm.convert_sync_batchnorm``)."""
    parts = qualified.split(".")
    for split in range(len(parts) - 1, 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for name in parts[split:]:
            if not hasattr(found, name):
                return False
            found = getattr(found, name)
        return True
    return False


def test_every_torch_optimizer_with_weight_decay_has_a_row() -> None:
    optim = torch.optim
    for name in dir(optim):
        cls = getattr(optim, name)
        if inspect.isclass(cls) and issubclass(cls, optim.Optimizer) and cls is not optim.Optimizer:
            has_decay = "weight_decay" in inspect.signature(cls).parameters
            row = knowledge.KNOWLEDGE.rows.get(f"torch.optim.{name}")
            assert isinstance(row, schema.Optimizer) is has_decay, f"torch.optim.{name}"


def test_muon_refuses_anything_but_matrices() -> None:
    """Why its row is never reported: it cannot be handed a bias."""
    bias = torch.nn.Parameter(torch.zeros(3))
    bias.grad = torch.ones(3)
    with pytest.raises(ValueError):
        torch.optim.Muon([bias]).step()


@pytest.mark.parametrize("prefix, expected", [
    ("0", False), ("0.", False), ("0.4", False), ("0.4.1", False),
    ("1", None), ("1.", None), ("10", None), ("2.1", None), ("", None), ("v0", None), ("0a", None),
])
def test_torch_version_row_rules_out_only_releases_that_no_longer_install(prefix: str, expected: bool | None) -> None:
    row = knowledge.torch.FACTS["torch.__version__"]
    assert isinstance(row, schema.Version)
    assert row.starts_with(prefix) is expected
    assert not torch.__version__.startswith(prefix) or expected is None  # the row never contradicts the installed one
