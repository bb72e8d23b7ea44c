"""The project's import graph, read from the source with `ast`, for the architecture tests."""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

PACKAGES = ("conformance", "ordermesh_mock", "strategies", "spec")


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


def statements(tree: ast.Module, deep: bool) -> Iterator[ast.stmt]:
    """The module-level statements, or with `deep` every statement, function bodies included,
    except an `if __name__ == "__main__":` block: a script's entry into the command tree."""
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "__name__ == '__main__'":
            continue
        yield from (n for n in ast.walk(node) if isinstance(n, ast.stmt)) if deep else [node]


def import_graph(root: Path, deep: bool = False) -> dict[str, set[str]]:
    """Module -> the project modules it imports: at module level, or with `deep` anywhere."""
    known = modules(root)
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in known.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in statements(ast.parse(path.read_text(encoding="utf-8")), deep):
            for target in imported(node, package):
                while target and target not in known:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph
