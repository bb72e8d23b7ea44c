"""behaviour-diff.md and behaviour-diff.json."""

from __future__ import annotations

import json
from typing import Any

from conformance.behaviour.compare import Difference


def as_json(a: str, b: str, differences: list[Difference], notes: dict[str, object]) -> str:
    body = {"a": a, "b": b, **notes, "differences": [d.as_dict() for d in differences]}
    return json.dumps(body, indent=2, ensure_ascii=False, default=str)


def _cell(values: list[str]) -> str:
    return "<br>".join(f"`{v}`" for v in values) or "-"


def markdown(a: str, b: str, differences: list[Difference], notes: dict[str, Any]) -> str:
    lines = [
        "# Behavioural diff",
        "",
        f"- A: {a}",
        f"- B: {b}",
        f"- seed {notes['seed']}, {notes['max_examples']} positive case(s) per operation, "
        f"flows: {', '.join(notes['flows'])}",
        f"- pairs compared: {notes['pairs']}; differences: {len(differences)} in "
        f"{len({d.operation for d in differences})} operation(s)",
        "",
    ]
    for stopped in notes.get("stopped_flows", []):
        lines.append(f"- flow stopped early: {stopped}")
    if not differences:
        return "\n".join([*lines, "No differences: B behaves like A on every case and flow.", ""])
    lines += [
        "| operation | aspect | only in A | only in B | seen in |",
        "|---|---|---|---|---|",
    ]
    for d in differences:
        seen = ", ".join(d.keys[:3]) + (f" (+{len(d.keys) - 3})" if len(d.keys) > 3 else "")
        lines.append(f"| {d.operation} | {d.aspect} | {_cell(d.a)} | {_cell(d.b)} | {seen} |")
    return "\n".join([*lines, ""])
