"""Data flows one way: spec → strategies → conformance, with the mock on its own, and no two
modules import each other, directly or round a longer circle (module-level imports)."""

from __future__ import annotations

import ast
import graphlib
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("conformance", "ordermesh_mock", "strategies", "spec")
# package -> the packages it may import
ALLOWED = {
    "spec": set(),
    "strategies": {"spec"},
    "ordermesh_mock": {"spec"},
    "conformance": {"spec", "strategies", "ordermesh_mock"},
}
ENTRY_POINTS = {"ordermesh_mock.__main__"}  # `python -m ordermesh_mock` enters the command tree


def modules(root: Path) -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            name = ".".join(path.relative_to(root).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def imported(node: ast.stmt, package: str) -> list[str]:
    """The names a module-level import statement brings in, absolute."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:
            parts = package.split(".")[: len(package.split(".")) - node.level + 1]
            base = ".".join([*parts, *([node.module] if node.module else [])])
        # `from pkg import submodule` depends on the submodule, not on the package
        return [f"{base}.{alias.name}" for alias in node.names]
    return []


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the project modules it imports at module level."""
    known = modules(root)
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in known.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            for target in imported(node, package):
                while target and target not in known:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle of the graph, or [] when there is none."""
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as error:
        return list(error.args[1])
    return []


def test_no_import_cycles() -> None:
    assert cycle(import_graph(ROOT)) == []


def test_each_package_imports_only_what_is_upstream_of_it() -> None:
    wrong = [
        (source, target)
        for source, targets in import_graph(ROOT).items()
        for target in targets
        if source not in ENTRY_POINTS
        and (top := target.split(".")[0]) != source.split(".")[0]
        and top not in ALLOWED[source.split(".")[0]]
    ]
    assert wrong == []


def test_a_cycle_is_found(tmp_path: Path) -> None:
    (tmp_path / "spec").mkdir()
    (tmp_path / "spec" / "__init__.py").write_text("from spec.b import x\n", encoding="utf-8")
    (tmp_path / "spec" / "b.py").write_text("import spec.c\nx = 1\n", encoding="utf-8")
    (tmp_path / "spec" / "c.py").write_text("from spec import b\n", encoding="utf-8")
    assert set(cycle(import_graph(tmp_path))) == {"spec.b", "spec.c"}
