"""The house: the package's import graph has no circle, and the model's core stands alone.

Built from the source with `ast` (every `import`, at module level, inside a function or under
`if TYPE_CHECKING:`), so a circle hidden behind an in-function or a type-only import is caught as
well: the agents, for instance, see their model through a structural type (`City`), not by
importing it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "sim"
MAX_LINES = 500


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(name: str) -> str | None:
    """The project module an imported name lives in (`sim.runs.presets.build` -> the module)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def imports(module: str) -> set[str]:
    """Project modules that `module` imports (relative imports resolved)."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))

    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for name in names:
            target = _resolve(name)
            if target and target != module and target != "sim":
                found.add(target)
    # `from sim.x import y` names both sim.x and sim.x.y: keep the most specific module only
    return {t for t in found if not any(o.startswith(t + ".") for o in found)}


GRAPH = {m: imports(m) for m in MODULES}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_the_graph_is_read() -> None:
    assert "sim.core.batch" in GRAPH["sim.runs.runner"]
    assert "sim.core.config" in GRAPH["sim.core.model"]


def test_no_import_circle() -> None:
    assert circles(GRAPH) == []


def test_circle_detection_finds_a_circle() -> None:
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_core_imports_nothing_outside_core() -> None:
    outside = {
        (m, t)
        for m, targets in GRAPH.items()
        if m.startswith("sim.core")
        for t in targets
        if not t.startswith("sim.core")
    }
    assert outside == set()


LAYERS = ("sim.core", "sim.analysis", "sim.runs", "sim.viz", "sim.studies", "sim.report")


@pytest.mark.parametrize("lower", range(len(LAYERS)))
def test_lower_layers_never_import_higher_ones(lower: int) -> None:
    higher = (*LAYERS[lower + 1 :], "sim.cli", "sim.app")
    offending = {
        (m, t)
        for m, targets in GRAPH.items()
        if m.startswith(LAYERS[lower] + ".") or m == LAYERS[lower]
        for t in targets
        if t.startswith(higher)
    }
    assert offending == set()


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_size(module: str) -> None:
    lines = len(MODULES[module].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module}: {lines} lines (split it by concept)"
