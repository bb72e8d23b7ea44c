"""The outputs CI publishes, on the exits that test nothing: a target that could not be judged
(3) and a usage error (2). CI's steps read summary.md and junit.xml whatever the run's exit, so
both are written with what happened: the JUnit file as one error test case (added to what pytest
wrote, when a target went away mid-run)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from conformance.exit_codes import MEANINGS, Exit
from conformance.reporting.outcome import NotStarted
from conformance.reporting.stats import clear_run_outputs

SUITE = "OrderMesh conformance"
CASE = {Exit.TARGET: "target", Exit.USAGE: "usage"}  # the error test case's name, by exit
VERDICT = {Exit.TARGET: "⚠️ TARGET NOT JUDGED", Exit.USAGE: "⚠️ USAGE ERROR"}


def write_error_junit(path: Path, status: Exit, message: str) -> None:
    """One error test case named for `status`, in the file pytest wrote or a new one."""
    if path.is_file():
        root = ET.parse(path).getroot()
        suite = root if root.tag == "testsuite" else root.find("testsuite")
    else:
        root, suite = ET.Element("testsuites"), None
    if suite is None:
        suite = ET.SubElement(root, "testsuite", name=SUITE)
    case = ET.SubElement(suite, "testcase", classname=SUITE, name=CASE[status], time="0")
    error = ET.SubElement(case, "error", message=f"exit {int(status)}: {message}")
    error.text = f"{MEANINGS[status]}\n{message}"
    for key in ("tests", "errors"):
        suite.set(key, str(int(suite.get(key, "0")) + 1))
    for key in ("failures", "skipped"):
        suite.set(key, suite.get(key, "0"))
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def verdict(summary: NotStarted) -> str:
    status = summary.get("exit_code")
    if status in VERDICT:
        return VERDICT[Exit(status)]
    return "✅ PASSED" if summary.get("passed") else "❌ FAILED"


def explanation(summary: NotStarted) -> list[str]:
    """What an exit that judged nothing means, for the top of summary.md."""
    status = summary.get("exit_code")
    if status not in VERDICT:
        return []
    return [f"Exit {status}: {MEANINGS[Exit(status)]}. No finding below is about the API.", ""]


def write_usage_outputs(reports: Path, message: str, status: Exit = Exit.USAGE) -> None:
    """summary.json, summary.md and a one-error junit.xml for a run that did not start: a usage
    error, or (`status` 3) a target refused before the first test."""
    clear_run_outputs(reports)
    reports.mkdir(parents=True, exist_ok=True)
    summary: NotStarted = {
        "exit_code": int(status),
        "error": message,
        "complete": False,
        "incomplete_reason": message,
        "passed": False,
    }
    (reports / "summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    lines = [f"## OrderMesh conformance: {verdict(summary)}", "", *explanation(summary)]
    lines += [f"**Error:** {message}", "", "The run did not start: nothing was tested."]
    (reports / "summary.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    write_error_junit(reports / "junit.xml", status, message)
