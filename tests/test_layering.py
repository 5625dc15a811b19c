"""The package's imports run one way (docs/architecture.md): no module imports a module of a higher layer,
and no two modules import each other through any chain. Imports under ``if TYPE_CHECKING:`` do not count
(types only); imports inside functions do (they run)."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "isacopt"

# lowest first; a module may import from its own layer or a lower one. Top-level modules and subpackages
# are named by their first component below isacopt.
LAYERS = [
    {"errors", "units", "_version", "_model", "yaml_files", "signals", "shared_arrays"},
    {"network"},
    {"channels", "association", "loads", "admission"},
    {"design", "results"},
    {"metrics", "baselines", "closed_form", "evaluate", "studies"},
    {"formulation", "terms", "objectives", "load_options"},
    {"solve"},
    {"coordinated", "cooperative"},
    {"selection"},
    {"problems"},
    {"sweep", "allocation", "tracking", "io", "plots", "summary", "catalogue", "problem_files"},
    {"cli"},
    {"console", "__main__", "__init__"},
]
RANK = {name: i for i, layer in enumerate(LAYERS) for name in layer}


def _modules() -> dict[str, Path]:
    out = {}
    for f in PACKAGE.rglob("*.py"):
        parts = f.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = f
    return out


def _type_checking_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines |= set(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def _imports(modules: dict[str, Path]) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _type_checking_lines(tree)
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        found: set[str] = set()
        for node in ast.walk(tree):
            if getattr(node, "lineno", None) in skip:
                continue
            targets = []
            if isinstance(node, ast.ImportFrom):
                base = package.split(".")
                if node.level:
                    base = base[: len(base) - node.level + 1]
                    stem = ".".join(base + ([node.module] if node.module else []))
                else:
                    stem = node.module or ""
                # 'from . import catalogue' imports the module isacopt.catalogue; 'from .x import y' the module x
                targets = [f"{stem}.{a.name}" if f"{stem}.{a.name}" in modules else stem for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            for t in targets:
                if t.startswith("isacopt"):
                    while t not in modules and "." in t:
                        t = t.rsplit(".", 1)[0]
                    if t in modules and t != name:
                        found.add(t)
        edges[name] = found
    return edges


def _top(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


EDGES = _imports(_modules())


def test_every_module_has_a_layer():
    assert not sorted({_top(m) for m in EDGES} - set(RANK)), "add the new module to LAYERS and docs/architecture.md"


def test_no_import_runs_up_the_layers():
    upward = sorted(f"{a} -> {b}" for a, bs in EDGES.items() for b in bs
                    if _top(b) != "__init__" and RANK[_top(b)] > RANK[_top(a)])
    up_to_root = sorted(f"{a} -> {b}" for a, bs in EDGES.items() for b in bs
                        if b == "isacopt" and _top(a) not in ("__init__", "console", "__main__"))
    assert not upward and not up_to_root, "\n".join(upward + up_to_root)


def test_no_import_circles():
    index, low, stack, on, circles = {}, {}, [], set(), []
    counter = [0]

    def visit(v):  # Tarjan's strongly connected components
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in EDGES.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = []
            while True:
                w = stack.pop()
                on.discard(w)
                part.append(w)
                if w == v:
                    break
            if len(part) > 1:
                circles.append(sorted(part))

    for v in sorted(EDGES):
        if v not in index:
            visit(v)
    assert not circles, "\n".join(" <-> ".join(c) for c in circles)


@pytest.mark.parametrize("name", ["isacopt.network.model", "isacopt.solve.planner"])
def test_the_walker_sees_imports(name):
    assert EDGES[name], f"{name} imports nothing? the ast walk is broken"
