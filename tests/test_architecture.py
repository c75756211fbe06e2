"""The package's shape: arrows point down (adapters -> engine -> rules -> model + knowledge), no import cycle,
no class over 300 lines, and no framework named outside ``knowledge/``.

Every import counts, also one inside a function or under ``if TYPE_CHECKING:``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "flake8_redundant_bias"
NAME = PACKAGE.name

# The layers, lowest first; a module may import its own layer's and the ones below.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("base", ("text", "containment", "knowledge", "config")),
    ("model", ("model",)),
    ("rules", ("rules", "diagnostics")),
    ("engine", ("engine", "options")),
    ("adapters", ("adapters", "pages", "docs", "__main__")),
]
FRAMEWORK_RECORDS = ("torch", "torch_thirdparty", "keras", "flax", "optax", "openmmlab", "python", "lightning")


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = modules()


def imports(module: str) -> set[str]:
    """The package's modules a module imports, anywhere in it."""
    path = MODULES[module]
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - (node.level - 1)] + ([base] if base else []))
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        for name in names:
            while name and name not in MODULES:
                name = name.rpartition(".")[0]
            if name and name != module and not (MODULES[name].name == "__init__.py" and module.startswith(name + ".")):
                found.add(name)
    return found


def layer(module: str) -> int:
    inner = module[len(NAME) + 1:]
    if not inner:
        return 0  # the package itself: its version
    head = inner.split(".")[0]
    return next(rank for rank, (_, heads) in enumerate(LAYERS) if head in heads)


def test_every_module_is_in_a_layer() -> None:
    for module in MODULES:
        layer(module)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down(module: str) -> None:
    upward = [target for target in imports(module) if layer(target) > layer(module)]
    assert not upward, f"{module} ({LAYERS[layer(module)][0]}) imports from a layer above: {upward}"


def test_no_import_cycle() -> None:
    graph = {module: imports(module) for module in MODULES}
    state: dict[str, int] = {}  # 1: on the path, 2: done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                raise AssertionError("import cycle: " + " -> ".join(path[path.index(target):] + [module, target]))
            if target not in state:
                visit(target, path + [module])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [])


def test_no_class_over_300_lines() -> None:
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                assert node.end_lineno - node.lineno + 1 <= 300, f"{module}.{node.name}"  # type: ignore[operator]


def test_only_the_knowledge_gatherer_imports_a_framework_record() -> None:
    """The model and the rules read rows through ``knowledge.KNOWLEDGE`` (or a configuration), never a record."""
    records = {f"{NAME}.knowledge.{record}" for record in FRAMEWORK_RECORDS}
    for module in MODULES:
        if module == f"{NAME}.knowledge" or module in records:
            continue
        assert not imports(module) & records, f"{module} imports {sorted(imports(module) & records)}"


def test_the_model_imports_no_rule_and_the_rules_no_engine() -> None:
    """The check the layers make, said for the two seams a change is likeliest to cross."""
    assert not any(target.startswith(f"{NAME}.rules") for m in MODULES if ".model" in m for target in imports(m))
    assert not any(target == f"{NAME}.engine" for m in MODULES if ".rules" in m for target in imports(m))
