"""reports/coverage.html: the coverage map as a page, opening on what was not covered.

TraceCov's colours: green every side of the element was exercised, yellow some (say, valid
values only), red none; grey an element the map excuses, with why. Rows are grouped per docs
section and operation and carry the count of requests that exercised them. One file, no
scripts, so it opens from an Allure attachment, a CI artifact or a disk alike.
"""

from __future__ import annotations

from collections import defaultdict
from html import escape
from pathlib import Path
from typing import Any

from conformance.coverage.table import PAGE, by_section

STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}
td,th{border:1px solid #ccc;padding:2px 8px;text-align:left;vertical-align:top}
tr.element td:first-child,tr.change td:first-child{border-left:10px solid}
tr.covered td:first-child{border-left-color:#2e7d32}
tr.partial td:first-child{border-left-color:#f9a825}
tr.uncovered td:first-child{border-left-color:#c62828}
tr.excused td:first-child{border-left-color:#9e9e9e}
code{font-size:12px;color:#555}h3{margin-bottom:.2em}
"""
ORDER = ("uncovered", "partial", "covered", "excused")
TITLES = {
    "uncovered": "Not covered",
    "partial": "Partly covered",
    "covered": "Covered",
    "excused": "Not coverable, with why",
}


def write_page(path: Path, coverage: dict[str, object]) -> Path:
    """Write the page for summary.json's `coverage`."""
    path.write_text(render_page(coverage), encoding="utf-8")
    return path


def render_page(coverage: dict[str, Any]) -> str:
    level = coverage["level"]
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>OrderMesh coverage: {escape(level['name'])}</title><style>{STYLE}</style>",
        "</head><body>",
        f"<h1>Coverage: {escape(level['name'])}</h1>",
        criteria_table(level["criteria"]),
    ]
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for element in coverage["elements"]:
        groups[element["status"]].append(element)
    for status in ORDER:
        chosen = groups.get(status, [])
        parts.append(f"<section id='{status}'><h2>{TITLES[status]}: {len(chosen)}</h2>")
        parts.append(grouped(chosen, open_=status != "covered"))
        parts.append("</section>")
        if status == "uncovered":  # what a new version changed, right after the gaps
            parts.append(changes_section(coverage.get("changes")))
    parts.append(dimension_table(coverage["dimensions"]))
    parts.append(undocumented_table(coverage.get("undocumented") or []))
    parts.append("</body></html>")
    return "\n".join(parts)


def changes_section(changes: dict[str, Any] | None) -> str:
    if not changes:
        return ""
    rows = "".join(
        f"<tr class='change {'covered' if c['tested'] else 'uncovered'}'>"
        f"<td>{'tested' if c['tested'] else 'not touched'}<td>{escape(str(c['operation']))}"
        f"<td>{escape(str(c['id']))}<td>{escape(c['message'])}<td>{c['requests']}"
        f"<td><code>{escape(c['location'])}</code>"
        for c in sorted(changes["changes"], key=lambda c: c["tested"])
    )
    return (
        f"<section id='changes'><h2>The new version changed {changes['total']} things, and "
        f"this run tested {changes['tested']} of them</h2><table><tr><th></th><th>operation</th>"
        f"<th>change</th><th>message</th><th>requests</th><th>location</th></tr>{rows}</table>"
        "</section>"
    )


def criteria_table(criteria: list[dict[str, Any]]) -> str:
    rows = "".join(
        f"<tr><td>TCL{c['level']}</td><td>{escape(c['criterion'])}</td>"
        f"<td>{c['covered']}/{c['total']}</td><td>{c['percent']:g} %</td></tr>"
        for c in criteria
    )
    return (
        "<table id='criteria'><tr><th>level</th><th>criterion (A-TEST 2019)</th>"
        f"<th>covered</th><th></th></tr>{rows}</table>"
    )


def grouped(elements: list[dict[str, Any]], open_: bool) -> str:
    """Per docs section, per operation: a table of rows."""
    out = []
    for section, rows in by_section(elements).items():
        per_op: dict[str, list[dict[str, object]]] = defaultdict(list)
        for row in rows:
            per_op[row["operation"] or ""].append(row)
        out.append(f"<details{' open' if open_ else ''}><summary><b>{escape(section)}</b>")
        out.append(f" ({len(rows)})</summary>")
        for operation, op_rows in per_op.items():
            if operation:
                out.append(f"<h3>{escape(operation)}</h3>")
            out.append(element_table(op_rows))
        out.append("</details>")
    return "".join(out)


def element_table(rows: list[dict[str, object]]) -> str:
    body = "".join(element_row(row) for row in rows)
    return (
        "<table><tr><th>element</th><th>dimension</th><th>requests</th>"
        f"<th>sides</th><th>spec pointer</th></tr>{body}</table>"
    )


def element_row(row: dict[str, Any]) -> str:
    sides = row.get("sides") or {}
    text = ", ".join(f"{side} {n}" for side, n in sides.items())
    if row.get("reason"):
        text = row["reason"]
    if row["status"] != "covered" and row.get("tried"):
        text = "; ".join(f"tried {what} ({n} times)" for what, n in row["tried"].items())
    # Closing tags left out (HTML allows it): the page has a row per element of the spec.
    return (
        f"<tr class='element {row['status']}'><td>{escape(row['label'])}"
        f"<td>{escape(row['dimension'])}<td>{row['requests']}"
        f"<td>{escape(text)}<td><code>{escape(row['pointer'])}</code>"
    )


def dimension_table(dimensions: dict[str, dict[str, Any]]) -> str:
    rows = "".join(
        f"<tr><td>{escape(name)}</td><td>{d['covered']}</td><td>{d['partial']}</td>"
        f"<td>{d['uncovered']}</td><td>{d['excused']}</td><td>{d['percent']:g} %</td></tr>"
        for name, d in dimensions.items()
    )
    return (
        "<h2>By dimension</h2><table id='dimensions'><tr><th>dimension</th><th>covered</th>"
        f"<th>partly</th><th>not covered</th><th>excused</th><th>covered</th></tr>{rows}</table>"
    )


def undocumented_table(found: list[dict[str, Any]]) -> str:
    if not found:
        return "<h2>Undocumented statuses answered: none</h2>"
    rows = "".join(
        f"<tr><td>{escape(u['operation'])}</td><td>{u['status']}</td><td>{u['requests']}</td></tr>"
        for u in found
    )
    return (
        "<h2>Undocumented statuses answered</h2><table id='undocumented'><tr><th>operation</th>"
        f"<th>status</th><th>requests</th></tr>{rows}</table>"
    )


__all__ = ["PAGE", "render_page", "write_page"]
