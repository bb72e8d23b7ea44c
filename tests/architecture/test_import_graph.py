"""Data flows one way: spec → strategies → conformance, with the mock on its own, and no two
modules import each other, directly or round a longer circle (module-level imports)."""

from __future__ import annotations

import graphlib
from pathlib import Path

from tests.support.import_graph import import_graph

ROOT = Path(__file__).resolve().parents[2]
# package -> the packages it may import
ALLOWED = {
    "spec": set(),
    "strategies": {"spec"},
    "ordermesh_mock": {"spec"},
    "conformance": {"spec", "strategies", "ordermesh_mock"},
}
ENTRY_POINTS = {"ordermesh_mock.__main__"}  # `python -m ordermesh_mock` enters the command tree


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
