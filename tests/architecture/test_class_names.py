"""Each class name means one thing: two classes that share a name get imported for each other."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("conformance", "ordermesh_mock", "strategies", "spec", "scripts")


def class_places(root: Path) -> dict[str, list[str]]:
    """Class name -> every `path:line` that defines a class of that name, nested ones too."""
    places: dict[str, list[str]] = defaultdict(list)
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef):
                    places[node.name].append(f"{path.relative_to(root)}:{node.lineno}")
    return places


def test_no_two_classes_share_a_name() -> None:
    shared = {name: where for name, where in class_places(ROOT).items() if len(where) > 1}
    assert shared == {}


def test_a_shared_name_is_found(tmp_path: Path) -> None:
    sources = {"spec": "class Rule:\n    pass\n", "scripts": "def f():\n    class Rule: ...\n"}
    for package, source in sources.items():
        (tmp_path / package).mkdir()
        (tmp_path / package / "m.py").write_text(source, encoding="utf-8")
    assert class_places(tmp_path)["Rule"] == ["spec/m.py:1", "scripts/m.py:2"]
