"""The package layout is a stack of layers: a module imports only its own package or a lower layer.

Every import counts, including those inside functions and under ``TYPE_CHECKING``: a cycle or an
upward import hidden there is still one. docs/architecture.md explains each layer.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE_ROOT = Path(__file__).resolve().parents[2] / "archsel"

# Bottom to top. Packages on one line share a layer and must not import each other.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("archsel", "archsel.errors", "archsel.resources"),
    ("archsel.profile",),
    ("archsel.billing", "archsel.pricing"),
    ("archsel.sim", "archsel.cost"),
    ("archsel.evaluate",),
    ("archsel.recommend",),
    ("archsel.study", "archsel.scaffold", "archsel.telemetry"),
    ("archsel.deploy",),
    ("archsel.api",),
    ("archsel.views",),
    ("archsel.cli",),
    ("archsel.__main__",),
)
RANK = {unit: rank for rank, units in enumerate(LAYERS) for unit in units}
# Said in so many words because the ranks alone would allow them: the simulators never price.
FORBIDDEN = (("archsel.sim", "archsel.pricing"), ("archsel.billing", "archsel.pricing"))


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE_ROOT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def all_modules() -> dict[str, Path]:
    return {module_name(path): path for path in PACKAGE_ROOT.rglob("*.py")}


def imported_names(path: Path, module: str) -> Iterator[tuple[str, int]]:
    """Every archsel module this file imports, with the line (absolute and relative imports)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            yield base, node.lineno
            for alias in node.names:
                yield f"{base}.{alias.name}", node.lineno


def import_graph() -> dict[str, dict[str, int]]:
    """module -> {imported archsel module: first line}."""
    modules = all_modules()
    graph: dict[str, dict[str, int]] = {}
    for module, path in modules.items():
        edges: dict[str, int] = {}
        for name, line in imported_names(path, module):
            if name in modules and name != module:
                edges.setdefault(name, line)
        graph[module] = edges
    return graph


def unit_of(module: str) -> str:
    """The layer unit a module belongs to: the longest registered prefix."""
    parts = module.split(".")
    for size in range(len(parts), 0, -1):
        candidate = ".".join(parts[:size])
        if candidate in RANK:
            return candidate
    raise AssertionError(f"{module} is in no layer: add its package to LAYERS in {__file__}")


def strongly_connected(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; components of more than one module are cycles."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(graph[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    cycles.append(sorted(component))
    return cycles


def test_every_module_belongs_to_a_layer() -> None:
    for module in all_modules():
        unit_of(module)


def test_no_module_imports_a_layer_above_or_beside_it() -> None:
    problems = []
    for module, edges in import_graph().items():
        source = unit_of(module)
        for target_module, line in edges.items():
            target = unit_of(target_module)
            if target == source:
                continue
            upward = RANK[target] >= RANK[source]
            if upward or (source, target) in FORBIDDEN:
                problems.append(f"{module}:{line} imports {target_module} ({source} -> {target})")
    assert not problems, "imports against the layers:\n" + "\n".join(problems)


def test_no_import_cycles_between_modules() -> None:
    cycles = strongly_connected(import_graph())
    assert not cycles, f"import cycles: {cycles}"


def test_the_checks_can_fail() -> None:
    """The cycle finder and the layer rule catch what they are meant to (guards the guard)."""
    assert strongly_connected({"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}, "d": {}}) == [["a", "b", "c"]]
    assert RANK[unit_of("archsel.sim.fargate.model")] < RANK[unit_of("archsel.evaluate.runner")]
    with pytest.raises(AssertionError, match="in no layer"):
        unit_of("elsewhere.module")
