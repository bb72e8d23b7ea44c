"""bench/_origin.py names each request's sender by the file and function of a frame on its stack:
every rule must still name a function that exists, or its requests fall to another kind
unnoticed (a renamed function once left the latency bench counting no generated case)."""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path

import schemathesis


def origin_rules(repo_root: Path) -> tuple[tuple[str, str | None, str], ...]:
    sys.path.insert(0, str(repo_root / "bench"))
    try:
        spec = importlib.util.spec_from_file_location("_origin", repo_root / "bench" / "_origin.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.RULES
    finally:
        sys.path.remove(str(repo_root / "bench"))


def source_of(repo_root: Path, ending: str) -> Path:
    for root in (repo_root, Path(schemathesis.__file__).parent.parent):
        if (root / ending).is_file():
            return root / ending
    raise AssertionError(f"bench/_origin.py names {ending}, which no longer exists")


def test_every_rule_names_a_function_that_exists(repo_root: Path) -> None:
    for ending, function, _ in origin_rules(repo_root):
        path = source_of(repo_root, ending)
        if function is None:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        defined = {
            node.name
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        assert function in defined, f"bench/_origin.py names {function}() in {ending}"
