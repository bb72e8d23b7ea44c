"""Render a list of changes as text, Markdown or JSON."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable

from conformance.diff.model import LEVELS, Change

FORMATS = ("text", "markdown", "json")


def summary(changes: list[Change]) -> str:
    counts = Counter(change.level for change in changes)
    inferred = sum(1 for change in changes if change.inferred)
    parts = ", ".join(f"{counts.get(level, 0)} {level}" for level in LEVELS)
    tail = f" ({inferred} on inferred elements, reported as info)" if inferred else ""
    return f"{len(changes)} change{'s' if len(changes) != 1 else ''}: {parts}{tail}"


def render_text(changes: list[Change]) -> str:
    if not changes:
        return "No changes.\n"
    lines = [summary(changes), ""]
    for change in changes:
        where = change.operation or "(spec)"
        lines.append(f"{change.level.upper():8} {change.id:36} {where}")
        lines.append(f"         {change.message}")
        lines.append(f"         at {change.location}")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(changes: list[Change]) -> str:
    lines = ["# Spec diff", "", summary(changes) if changes else "No changes.", ""]
    for level in LEVELS:
        group = [change for change in changes if change.level == level]
        if not group:
            continue
        lines += [
            f"## {level.capitalize()} ({len(group)})",
            "",
            "| Rule | Operation | Change | Location |",
            "|---|---|---|---|",
        ]
        for change in group:
            lines.append(
                f"| `{change.id}` | {_cell(change.operation or '(spec)')} | "
                f"{_cell(change.message)} | `{_cell(change.location)}` |"
            )
        lines.append("")
    return "\n".join(lines)


def render_json(changes: list[Change]) -> str:
    return json.dumps({"changes": [change.as_dict() for change in changes]}, indent=2) + "\n"


RENDERERS: dict[str, Callable[[list[Change]], str]] = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
}


def render(changes: list[Change], fmt: str) -> str:
    return RENDERERS[fmt](changes)
