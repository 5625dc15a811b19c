"""Objectives are classes (docs/architecture.md): outside ``isacopt/objectives/`` no code compares a value
with an objective's name; it asks the objective class (its attributes, its methods) instead. The CLI
parses names, so it is exempt; assigning a name (``objective="min_power"``) is not a comparison."""

import ast
from pathlib import Path

from isacopt.objectives import REGISTRY
from isacopt.objectives.min_utilisation import MinUtilisation
from isacopt.objectives.rate_surrogate import RateSurrogate

PACKAGE = Path(__file__).resolve().parents[1] / "isacopt"
NAMES = {name for family in REGISTRY.values() for name in family} | {MinUtilisation.name, RateSurrogate.name}
EXEMPT = {"objectives", "cli.py"}


def _named(node: ast.AST) -> set[str]:
    """Objective names among a comparison operand's string constants (a literal or a tuple/list/set of them)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value} & NAMES
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return set().union(*(_named(e) for e in node.elts)) if node.elts else set()
    return set()


def comparisons(source: str) -> list[tuple[int, set[str]]]:
    """(line, names) of every comparison in ``source`` with an objective name as an operand."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            found = set().union(*(_named(n) for n in [node.left, *node.comparators]))
            if found:
                out.append((node.lineno, found))
    return out


def test_no_objective_name_comparisons_outside_the_objectives():
    hits = []
    for f in sorted(PACKAGE.rglob("*.py")):
        rel = f.relative_to(PACKAGE)
        if rel.parts[0] in EXEMPT:
            continue
        hits += [f"{rel}:{line}: compares with {sorted(names)}" for line, names in comparisons(f.read_text())]
    assert not hits, "ask the objective class instead:\n" + "\n".join(hits)


def test_the_walker_finds_comparisons():
    src = 'if opts.objective == "min_power": pass\nx = o in ("weighted", "other")\ny = o == "max_t"\n'
    assert comparisons(src) == [(1, {"min_power"}), (2, {"weighted"})]
