"""`diff --ignore FILE` end to end: a breaking change fails the gate, the same change accepted
passes it and is listed as accepted in every format, and an entry that matches nothing is a
warning. A bad ignore file is a usage error (exit 2) naming the problem."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from diff_helpers import run_diff

from conformance.exit_codes import Exit

# The five breaking changes of v2.yaml (see its header), by rule id and location.
CREATED_AT = "/components/schemas/Item/allOf/1/properties/createdAt"
SORT_ENUM = "/paths/~1items/get/parameters/1/schema/enum"
ACCEPT_BOTH = f"""
accepted:
  - id: response-property-removed
    location: {CREATED_AT}
    reason: createdAt moved to the audit log API (agreed in API-412)
  - id: request-enum-value-removed
    location: '{SORT_ENUM}'
    reason: nobody sorts descending
"""
STALE = """
  - id: path-removed
    location: /paths/~1gone
    reason: shipped last year
"""


def _run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = run_diff([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def sides(fixtures: Path) -> tuple[Path, Path]:
    return fixtures / "v1.yaml", fixtures / "v2.yaml"


def _ignore(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "accepted.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_breaking_then_accepted_then_stale(capsys, sides, tmp_path: Path) -> None:
    # 1. the gate stops the breaking changes
    code, out, _ = _run(capsys, *sides, "--fail-on", "breaking")
    assert code == Exit.FAILURES and "BREAKING response-property-removed" in out
    # 2. accepted: the gate passes, and the text lists each one with its reason
    accepted = _ignore(tmp_path, ACCEPT_BOTH)
    code, out, err = _run(capsys, *sides, "--fail-on", "breaking", "--ignore", accepted)
    assert code == Exit.OK and err == ""
    assert "BREAKING" not in out
    assert f"5 accepted by {accepted}:" in out
    assert out.count("ACCEPTED response-property-removed") == 4
    assert "reason: nobody sorts descending" in out
    assert out.startswith("4 changes: 0 breaking, 1 warning, 3 info")
    # the gate stays on for what is not accepted
    assert _run(capsys, *sides, "--fail-on", "warning", "--ignore", accepted)[0] == Exit.FAILURES
    # 3. stale: an entry that matches nothing is a warning, not a failure
    stale = _ignore(tmp_path, ACCEPT_BOTH + STALE)
    code, out, err = _run(capsys, *sides, "--ignore", stale)
    assert code == Exit.OK
    warning = f"{stale}: entry 3 (path-removed at /paths/~1gone) matches no change; remove it"
    assert err == f"ordermesh-conformance diff: warning: {warning}\n"
    assert f"WARNING  {warning}" in out


def test_accepted_changes_in_markdown_json_junit_and_annotations(capsys, sides, tmp_path) -> None:
    ignore = _ignore(tmp_path, ACCEPT_BOTH + STALE)
    _, md, _ = _run(capsys, *sides, "--format", "markdown", "--ignore", ignore)
    assert f"## Accepted ({ignore})" in md and "| breaking |" not in md
    assert "| `request-enum-value-removed` | GET /items |" in md and "nobody sorts" in md
    assert "## Warnings" in md and "entry 3 (path-removed" in md

    _, raw, _ = _run(capsys, *sides, "--format", "json", "--ignore", ignore)
    report = json.loads(raw)
    assert {c["level"] for c in report["changes"]} == {"warning", "info"}
    assert {(c["id"], c["location"]) for c in report["accepted"]} == {
        ("response-property-removed", CREATED_AT),
        ("request-enum-value-removed", SORT_ENUM),
    }
    assert all(c["reason"] and c["level"] == "breaking" for c in report["accepted"])
    assert len(report["warnings"]) == 1 and "entry 3" in report["warnings"][0]

    _, xml, _ = _run(capsys, *sides, "--format", "junit", "--ignore", ignore)
    suite = ET.fromstring(xml).find("testsuite")
    assert suite is not None and suite.get("failures") == "0" and suite.get("skipped") == "5"
    assert len(suite.findall("testcase/skipped")) == 5

    _, gha, _ = _run(capsys, *sides, "--format", "githubactions", "--ignore", ignore)
    assert not gha.count("::error ")
    assert gha.count("[accepted: ") == 5 and "::warning title=diff --ignore::" in gha


def test_without_ignore_the_json_has_only_changes(capsys, sides) -> None:
    assert set(json.loads(_run(capsys, *sides, "--format", "json")[1])) == {"changes"}


def test_an_entry_can_be_narrowed_to_one_operation(capsys, sides, tmp_path: Path) -> None:
    one = ACCEPT_BOTH.replace(
        "reason: createdAt", "operation: GET /items\n    reason: createdAt", 1
    )
    code, out, _ = _run(capsys, *sides, "--ignore", _ignore(tmp_path, one))
    assert code == Exit.FAILURES
    assert out.count("ACCEPTED response-property-removed") == 1
    assert out.count("BREAKING response-property-removed") == 3


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (None, "no such file"),
        ("accepted: [unclosed", "invalid YAML"),
        ("- id: x", "want a mapping with one key, `accepted`"),
        ("accepted: []\nrules: []", "want a mapping with one key, `accepted`"),
        ("accepted: [path-removed]", "entry 1: want a mapping"),
        (
            "accepted: [{id: path-removed, location: /paths/~1a}]",
            "entry 1: `reason` is missing or empty",
        ),
        (
            "accepted: [{id: path-removed, location: /paths/~1a, reason: '  '}]",
            "entry 1: `reason` is missing or empty",
        ),
        (
            "accepted: [{id: no-such-rule, location: /paths, reason: r}]",
            "entry 1: unknown rule id 'no-such-rule'",
        ),
        (
            "accepted: [{id: path-removed, location: paths/a, reason: r}]",
            "entry 1: `location` is not a JSON pointer",
        ),
        (
            "accepted: [{id: path-removed, location: /paths, reason: r, until: 2027}]",
            "entry 1: unknown key(s) until",
        ),
    ],
)
def test_a_bad_ignore_file_is_a_usage_error(capsys, sides, tmp_path, text, problem) -> None:
    path = tmp_path / "missing.yaml" if text is None else _ignore(tmp_path, text)
    code, out, err = _run(capsys, *sides, "--ignore", path)
    assert code == Exit.USAGE and out == ""
    assert err.startswith(f"ordermesh-conformance diff: error: --ignore {path}: ")
    assert problem in err and len(err.strip().splitlines()) == 1
