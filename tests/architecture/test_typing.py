"""The seam with Schemathesis stays typed: every `case` and `response` parameter is annotated,
and `Any` stays rare in conformance/ (uses per 1,000 lines under a ceiling)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEAM_NAMES = ("case", "response")
ANY_PER_1000_LINES = 15


def unannotated(root: Path, names: tuple[str, ...] = SEAM_NAMES) -> list[str]:
    """`path:line name` of every function parameter called one of `names` with no annotation."""
    found = []
    for path in sorted((root / "conformance").rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            arguments = node.args
            every = [
                *arguments.posonlyargs,
                *arguments.args,
                *arguments.kwonlyargs,
                *filter(None, (arguments.vararg, arguments.kwarg)),
            ]
            found += [
                f"{relative}:{argument.lineno} {argument.arg}"
                for argument in every
                if argument.arg in names and argument.annotation is None
            ]
    return found


def any_density(root: Path) -> float:
    """Uses of `Any` per 1,000 lines of conformance/**/*.py."""
    uses = lines = 0
    for path in (root / "conformance").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        uses += len(re.findall(r"\bAny\b", text))
        lines += len(text.splitlines())
    return uses / lines * 1000 if lines else 0.0


def test_case_and_response_parameters_are_annotated() -> None:
    assert unannotated(ROOT) == []


def test_an_unannotated_case_is_found(tmp_path: Path) -> None:
    room = tmp_path / "conformance" / "room"
    room.mkdir(parents=True)
    (room / "m.py").write_text(
        "def f(case, response: int) -> None: ...\n"
        "async def g(*, response) -> None: ...\n"
        "def h(case: object, cases) -> None: ...\n",
        encoding="utf-8",
    )
    assert unannotated(tmp_path) == [
        "conformance/room/m.py:1 case",
        "conformance/room/m.py:2 response",
    ]


def test_any_stays_under_the_ceiling() -> None:
    assert any_density(ROOT) < ANY_PER_1000_LINES


def test_any_density_counts_words_per_line(tmp_path: Path) -> None:
    (tmp_path / "conformance").mkdir()
    (tmp_path / "conformance" / "m.py").write_text(
        "from typing import Any\nx: dict[str, Any] = {}\nAnyway = 1\n" + "y = 2\n" * 7,
        encoding="utf-8",
    )
    assert any_density(tmp_path) == 200.0
