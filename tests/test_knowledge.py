"""The torch.nn rows against the real signatures (when torch is importable)."""

from __future__ import annotations

import inspect

import pytest

from flake8_redundant_bias import knowledge

torch = pytest.importorskip("torch")


def _arg_specs(spec: knowledge.Spec) -> list[knowledge.Arg]:
    found: list[knowledge.Arg] = []
    if isinstance(spec, knowledge.Producer):
        found += [spec.bias] + ([spec.size] if spec.size else [])
    if isinstance(spec, knowledge.Norm) and spec.features:
        found.append(spec.features)
    pending = [getattr(spec, "when", None)]
    while pending:
        condition = pending.pop()
        if isinstance(condition, knowledge.ArgIn):
            found.append(condition.arg)
        elif isinstance(condition, knowledge.SameArgs):
            found += [condition.first, condition.second]
        elif isinstance(condition, (knowledge.AnyOf, knowledge.AllOf)):
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
ROWS = [(name, spec) for name, spec in knowledge.SPECS.items() if _arg_specs(spec) and _signature(name) is not None]


@pytest.mark.parametrize("qualified, spec", ROWS, ids=[name for name, _ in ROWS])
def test_argument_positions_and_defaults_match_torch(qualified: str, spec: knowledge.Spec) -> None:
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
        expected = knowledge.REQUIRED if default is inspect.Parameter.empty else default
        assert arg.default == expected, f"{qualified}: default of {arg.keyword}"


def test_every_table_name_exists_in_torch() -> None:
    for qualified in knowledge.SPECS:
        if qualified.startswith("torch"):
            module_name, _, name = qualified.rpartition(".")
            assert hasattr(__import__(module_name, fromlist=[name]), name), qualified
