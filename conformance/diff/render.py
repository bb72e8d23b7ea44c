"""Render a list of changes as text, a Markdown changelog, JSON, JUnit XML or GitHub Actions
annotations: the shapes a CI pipeline reads."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable
from pathlib import Path

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
    return "\n".join(lines)


def render_json(changes: list[Change]) -> str:
    return json.dumps({"changes": [change.as_dict() for change in changes]}, indent=2) + "\n"


def render_junit(changes: list[Change]) -> str:
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


def render_githubactions(changes: list[Change], locate: Locator | None = None) -> str:
    """Workflow commands (`::error file=...,line=...::message`) that GitHub shows on the diff."""
    lines = []
    for change in changes:
        props = []
        where = locate(change) if locate else None
        if where is not None:
            props += [f"file={_escape_property(str(where[0]))}", f"line={where[1]}"]
        props.append(f"title={_escape_property(change.id)}")
        body = f"{change.message} ({change.operation or 'spec'}, at {change.location})"
        lines.append(f"::{GITHUB_COMMANDS[change.level]} {','.join(props)}::{_escape_data(body)}")
    return "".join(line + "\n" for line in lines)


RENDERERS: dict[str, Callable[[list[Change]], str]] = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
    "junit": render_junit,
    "githubactions": render_githubactions,
}


def render(changes: list[Change], fmt: str, locate: Locator | None = None) -> str:
    if fmt == "githubactions":
        return render_githubactions(changes, locate)
    return RENDERERS[fmt](changes)
