"""`lint`'s findings, each at a file and line, in the formats CI tools read: text, JSON, JUnit
XML, and GitHub workflow commands (which annotate the spec in a pull request)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

VALIDATOR, SPECTRAL = "openapi-spec-validator", "spectral"
FORMATS = ("text", "json", "junit", "github")
SEVERITIES = {0: "error", 1: "warning", 2: "info", 3: "hint"}  # Spectral's numbers
GITHUB_LEVELS = {"error": "error", "warning": "warning"}  # the rest are notices


@dataclass(frozen=True)
class LintFinding:
    source: str  # the linter
    severity: str
    code: str
    file: str
    line: int | None  # 1-based; None when the linter names no place
    message: str

    @property
    def place(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


def display_path(path: Path) -> str:
    """The spec as the user would name it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def spectral_finding(raw: dict[str, Any], shown: str) -> LintFinding:
    source = raw.get("source")
    return LintFinding(
        SPECTRAL,
        SEVERITIES.get(raw.get("severity", 0), "error"),
        str(raw.get("code", "")),
        display_path(Path(source)) if source else shown,
        raw["range"]["start"]["line"] + 1,
        raw.get("message", ""),
    )


def line_of(spec_path: Path, exc: Exception, keys: Sequence[object] = ()) -> int | None:
    """The 1-based line of the element at `keys` in the YAML file, else of the YAML error that
    `exc` carries (a parse error), else None."""
    mark = getattr(exc.__cause__, "problem_mark", None)
    if mark is not None:
        return int(mark.line) + 1
    try:
        node = yaml.compose(spec_path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None
    line = None
    for key in keys:
        node = child(node, key)
        if node is None:
            break
        line = node.start_mark.line + 1
    return line if keys else None


def child(node: object, key: object) -> Any:
    if isinstance(node, yaml.MappingNode):
        return next((v for k, v in node.value if str(k.value) == str(key)), None)
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        return node.value[key]
    return None


def render(form: str, findings: list[LintFinding], linters: list[str]) -> str:
    return {"text": text, "json": as_json, "junit": junit, "github": github}[form](
        findings, linters
    )


def text(findings: list[LintFinding], linters: list[str]) -> str:
    lines = [f"{f.source}: {f.place}: {f.severity} {f.code}: {f.message}" for f in findings]
    return "\n".join(lines + summary_line(findings, linters))


def summary_line(findings: list[LintFinding], linters: list[str]) -> list[str]:
    if SPECTRAL not in linters:
        return []
    spectral = [f for f in findings if f.source == SPECTRAL]
    errors = sum(1 for f in spectral if f.severity == "error")
    return [f"spectral: {errors} errors, {len(spectral) - errors} other findings"]


def as_json(findings: list[LintFinding], linters: list[str]) -> str:
    return json.dumps({"linters": linters, "findings": [asdict(f) for f in findings]}, indent=2)


def junit(findings: list[LintFinding], linters: list[str]) -> str:
    """A test case per finding (an error fails), and one per linter that found nothing."""
    errors = [f for f in findings if f.severity == "error"]
    suites = ET.Element("testsuites")
    suite = ET.SubElement(suites, "testsuite", name="ordermesh-conformance lint")
    names: set[str] = set()
    for linter in linters:
        if not any(f.source == linter for f in findings):
            ET.SubElement(suite, "testcase", classname=linter, name=f"{linter}: no findings")
    for f in findings:
        name = unique(f"{f.code} at {f.place}", names)
        case = ET.SubElement(suite, "testcase", classname=f.source, name=name)
        if f.severity == "error":
            failure = ET.SubElement(case, "failure", message=f"{f.place}: {f.message}")
            failure.text = f"{f.source} {f.code} at {f.place}: {f.message}"
        else:
            ET.SubElement(case, "system-out").text = f"{f.severity}: {f.message}"
    suite.set("tests", str(len(suite)))
    suite.set("failures", str(len(errors)))
    suite.set("errors", "0")
    return ET.tostring(suites, encoding="unicode", xml_declaration=True)


def unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name} ({n})"
    taken.add(candidate)
    return candidate


def github(findings: list[LintFinding], linters: list[str]) -> str:
    """`::error file=…,line=…,title=…::message`, escaped as the runner expects."""
    lines = []
    for f in findings:
        level = GITHUB_LEVELS.get(f.severity, "notice")
        where = f"file={escape(f.file, True)}" + (f",line={f.line}" if f.line else "")
        title = escape(f"{f.source} {f.code}", True)
        lines.append(f"::{level} {where},title={title}::{escape(f.message)}")
    return "\n".join(lines + summary_line(findings, linters))


def escape(value: str, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if prop else value
