"""summary.md's coverage: the level reached, then one row per docs section."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from conformance.coverage.levels import percent

PAGE = "coverage.html"
# The columns: a heading and the dimensions it adds up.
COLUMNS = (
    ("operations", ("operations",)),
    ("parameters", ("parameters", "body-properties")),
    ("enum/boolean values", ("enum-values", "boolean-values")),
    ("keywords", ("keywords",)),
    ("status codes", ("status-codes",)),
    ("response properties", ("response-properties", "response-enum-values")),
)


def coverage_markdown(coverage: dict[str, Any] | None) -> list[str]:
    """The coverage lines of summary.md."""
    if not coverage:
        return []
    level = coverage["level"]
    figures = ", ".join(f"{c['criterion']} {c['covered']}/{c['total']}" for c in level["criteria"])
    lines = [
        f"### Coverage: {level['name']}",
        "",
        f"What this run exercised, element by element: [{PAGE}]({PAGE}) (not covered first). "
        f"Criteria: {figures}.",
        "",
        "| docs section | " + " | ".join(name for name, _ in COLUMNS) + " | all elements |",
        "|---" * (len(COLUMNS) + 2) + "|",
    ]
    counted = [e for e in coverage["elements"] if e["status"] != "excused"]
    for section, rows in by_section(counted).items():
        cells = [cell(rows, dims) for _, dims in COLUMNS]
        lines.append(f"| {section} | " + " | ".join(cells) + f" | {cell(rows, None)} |")
    lines += changes_markdown(coverage.get("changes"))
    undocumented = coverage.get("undocumented") or []
    if undocumented:
        seen = ", ".join(f"{u['operation']} {u['status']}" for u in undocumented)
        lines += ["", f"Undocumented statuses answered: {seen}."]
    return [*lines, ""]


def by_section(elements: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for element in elements:
        grouped[element["section"]].append(element)
    return dict(grouped)


def cell(rows: list[dict[str, object]], dimensions: tuple[str, ...] | None) -> str:
    """`covered/total (pct)`, partly covered ones counted apart; `-` when there are none."""
    chosen = [r for r in rows if dimensions is None or r["dimension"] in dimensions]
    if not chosen:
        return "-"
    covered = sum(1 for r in chosen if r["status"] == "covered")
    partial = sum(1 for r in chosen if r["status"] == "partial")
    text = f"{covered}/{len(chosen)} ({percent(covered, len(chosen)):g} %)"
    return f"{text}, {partial} partly" if partial else text


def changes_markdown(changes: dict[str, Any] | None) -> list[str]:
    """`run --changes`: every change of the diff, tested or not touched."""
    if not changes:
        return []
    lines = [
        "",
        f"**The new version changed {changes['total']} things, and this run tested "
        f"{changes['tested']} of them** (`{changes['source']}`):",
        "",
    ]
    for change in sorted(changes["changes"], key=lambda c: c["tested"]):
        mark = "✅ tested" if change["tested"] else "❌ not touched"
        lines.append(
            f"- {mark}: {change['operation']} · `{change['id']}` · {change['message']} "
            f"(`{change['location']}`, {change['requests']} requests)"
        )
    return lines
