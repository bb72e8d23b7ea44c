"""Render a list of changes as text, a Markdown changelog, JSON, JUnit XML or GitHub Actions
annotations: the shapes a CI pipeline reads."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conformance.diff.ignore import Ignored
from conformance.diff.model import LEVELS, Change

FORMATS = ("text", "markdown", "json", "junit", "githubactions")
# Where a change sits in the spec files: change -> (file, line), or None when unknown.
Locator = Callable[[Change], tuple[Path, int] | None]
GITHUB_COMMANDS = {"breaking": "error", "warning": "warning", "info": "notice"}


def summary(changes: list[Change]) -> str:
    counts = Counter(change.level for change in changes)
    inferred = sum(1 for change in changes if change.inferred)
    parts = ", ".join(f"{counts.get(level, 0)} {level}" for level in LEVELS)
    tail = f" ({inferred} on inferred elements, reported as info)" if inferred else ""
    return f"{len(changes)} change{'s' if len(changes) != 1 else ''}: {parts}{tail}"


def render_text(changes: list[Change], ignored: Ignored | None = None) -> str:
    lines = [summary(changes), ""] if changes else ["No changes."]
    for change in changes:
        lines += _text_entry(change.level.upper(), change)
    if ignored is not None and ignored.accepted:
        lines += ["", f"{len(ignored.accepted)} accepted by {ignored.source}:", ""]
        for change, entry in ignored.accepted:
            lines += [*_text_entry("ACCEPTED", change), f"         reason: {entry.reason}"]
    if ignored is not None and ignored.stale:
        lines += [""] + [f"WARNING  {warning}" for warning in ignored.warnings()]
    return "\n".join(lines) + "\n"


def _text_entry(label: str, change: Change) -> list[str]:
    return [
        f"{label:8} {change.id:36} {change.operation or '(spec)'}",
        f"         {change.message}",
        f"         at {change.location}",
    ]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(changes: list[Change], ignored: Ignored | None = None) -> str:
    """A changelog: one section per docs section (the operation's tag), most severe first."""
    lines = ["# Spec diff", "", summary(changes) if changes else "No changes.", ""]
    sections: dict[str, list[Change]] = {}
    for change in changes:
        sections.setdefault(change.section or "General", []).append(change)
    for section in sorted(sections):
        group = sections[section]
        lines += [f"## {section}", "", "| Level | Rule | Operation | Change | Location |"]
        lines.append("|---|---|---|---|---|")
        for change in group:
            lines.append(
                f"| {change.level} | `{change.id}` | {_cell(change.operation or '(spec)')} | "
                f"{_cell(change.message)} | `{_cell(change.location)}` |"
            )
        lines.append("")
    return "\n".join(lines + _markdown_ignored(ignored))


def _markdown_ignored(ignored: Ignored | None) -> list[str]:
    if ignored is None or not (ignored.accepted or ignored.stale):
        return []
    lines = []
    if ignored.accepted:
        lines += [f"## Accepted ({ignored.source})", "", "| Rule | Operation | Change | Reason |"]
        lines.append("|---|---|---|---|")
        for change, entry in ignored.accepted:
            lines.append(
                f"| `{change.id}` | {_cell(change.operation or '(spec)')} | "
                f"{_cell(change.message)} at `{_cell(change.location)}` | {_cell(entry.reason)} |"
            )
        lines.append("")
    if ignored.stale:
        lines += ["## Warnings", ""] + [f"* {_cell(w)}" for w in ignored.warnings()] + [""]
    return lines


def render_json(changes: list[Change], ignored: Ignored | None = None) -> str:
    report: dict[str, Any] = {"changes": [change.as_dict() for change in changes]}
    if ignored is not None:
        report["accepted"] = [
            {**change.as_dict(), "reason": entry.reason} for change, entry in ignored.accepted
        ]
        report["warnings"] = ignored.warnings()
    return json.dumps(report, indent=2) + "\n"


def render_junit(changes: list[Change], ignored: Ignored | None = None) -> str:
    """One test case per change; a breaking change is a failure, the rest pass with their text."""
    failures = sum(1 for change in changes if change.level == "breaking")
    suite = ET.Element(
        "testsuite", name="spec-diff", tests=str(len(changes)), failures=str(failures), errors="0"
    )
    for change in changes:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"spec-diff.{change.section or 'General'}",
            name=f"{change.id} {change.operation or '(spec)'} {change.location}",
        )
        text = f"{change.message}\nat {change.location}"
        if change.level == "breaking":
            ET.SubElement(case, "failure", type=change.id, message=change.message).text = text
        else:
            ET.SubElement(case, "system-out").text = f"{change.level}: {text}"
    for change, entry in ignored.accepted if ignored else ():
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"spec-diff.{change.section or 'General'}",
            name=f"{change.id} {change.operation or '(spec)'} {change.location}",
        )
        ET.SubElement(case, "skipped", message=f"accepted: {entry.reason}").text = change.message
    if ignored and ignored.accepted:
        suite.set("tests", str(len(changes) + len(ignored.accepted)))
        suite.set("skipped", str(len(ignored.accepted)))
    suites = ET.Element("testsuites", name="ordermesh-conformance diff")
    suites.append(suite)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suites, "unicode") + "\n"


def _escape_property(text: str) -> str:
    return (
        text.replace("%", "%25")
        .replace("\r", "%0D")
        .replace("\n", "%0A")
        .replace(":", "%3A")
        .replace(",", "%2C")
    )


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def render_githubactions(
    changes: list[Change], locate: Locator | None = None, ignored: Ignored | None = None
) -> str:
    """Workflow commands (`::error file=...,line=...::message`) that GitHub shows on the diff;
    an accepted change is a notice that gives its reason, a stale ignore entry a warning."""
    lines = [_annotation(GITHUB_COMMANDS[c.level], c, locate, "") for c in changes]
    for change, entry in ignored.accepted if ignored else ():
        lines.append(_annotation("notice", change, locate, f" [accepted: {entry.reason}]"))
    for warning in ignored.warnings() if ignored else ():
        lines.append(f"::warning title=diff --ignore::{_escape_data(warning)}")
    return "".join(line + "\n" for line in lines)


def _annotation(command: str, change: Change, locate: Locator | None, note: str) -> str:
    props = []
    where = locate(change) if locate else None
    if where is not None:
        props += [f"file={_escape_property(str(where[0]))}", f"line={where[1]}"]
    props.append(f"title={_escape_property(change.id)}")
    body = f"{change.message} ({change.operation or 'spec'}, at {change.location}){note}"
    return f"::{command} {','.join(props)}::{_escape_data(body)}"


RENDERERS: dict[str, Callable[[list[Change], Ignored | None], str]] = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
    "junit": render_junit,
    "githubactions": lambda changes, ignored: render_githubactions(changes, None, ignored),
}


def render(
    changes: list[Change],
    fmt: str,
    locate: Locator | None = None,
    ignored: Ignored | None = None,
) -> str:
    """`changes` in `fmt`; with `ignored` (from `--ignore`), its accepted changes and warnings."""
    if fmt == "githubactions":
        return render_githubactions(changes, locate, ignored)
    return RENDERERS[fmt](changes, ignored)
