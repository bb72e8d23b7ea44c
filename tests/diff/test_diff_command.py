"""`diff OLD NEW` end to end: formats, exit codes, bad input, the real spec against itself."""

from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path

import pytest
from diff_helpers import run_diff as run

from conformance.diff.render import render
from conformance.exit_codes import Exit

REAL_SPEC = Path(__file__).resolve().parents[2] / "spec" / "ordermesh.yaml"

# The changes v2.yaml carries (see its header): (id, level, operation, inferred)
V2_CHANGES = {
    ("response-property-removed", "breaking", "GET /items", False),
    ("response-property-removed", "breaking", "GET /items/{itemId}", False),
    ("response-property-removed", "breaking", "POST /items", False),
    ("request-enum-value-removed", "breaking", "GET /items", False),
    ("link-removed", "warning", "POST /items", False),
    ("optional-parameter-added", "info", "GET /items", False),
    ("path-removed", "info", None, True),
    ("request-parameter-required-added", "info", "DELETE /items/{itemId}", True),
}


def _run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = run([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_real_spec_against_itself_has_no_changes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, REAL_SPEC, REAL_SPEC, "--format", "json", "--fail-on", "warning")
    assert code == 0
    assert json.loads(out) == {"changes": []}
    assert render([], "text") == "No changes.\n"


def test_json_output_lists_the_known_changes(capsys, fixtures: Path) -> None:
    code, out, err = _run(capsys, fixtures / "v1.yaml", fixtures / "v2.yaml", "--format", "json")
    assert code == 1 and err == ""
    changes = json.loads(out)["changes"]
    for change in changes:
        assert set(change) == {
            "id",
            "level",
            "operation",
            "location",
            "message",
            "inferred",
            "direction",
            "section",
            "lowered",
        }
        assert change["location"].startswith("/")
    found = {(c["id"], c["level"], c["operation"], c["inferred"]) for c in changes}
    assert found == V2_CHANGES | {("response-property-removed", "breaking", "POST /items", False)}
    # most severe first
    order = [c["level"] for c in changes]
    assert order == sorted(order, key=["breaking", "warning", "info"].index)


@pytest.mark.parametrize(
    ("new", "fail_on", "expected"),
    [
        ("v2.yaml", "breaking", 1),
        ("v2.yaml", "warning", 1),
        ("v2.yaml", "never", 0),
        ("v2-additive.yaml", "breaking", 0),
        ("v2-additive.yaml", "warning", 0),
        ("v1.yaml", "warning", 0),
    ],
)
def test_fail_on_sets_the_exit_code(capsys, fixtures: Path, new: str, fail_on: str, expected: int):
    code, _, _ = _run(capsys, fixtures / "v1.yaml", fixtures / new, "--fail-on", fail_on)
    assert code == expected


def test_warning_only_diff_fails_on_warning_not_on_breaking(capsys, fixtures: Path, tmp_path):
    v1 = (fixtures / "v1.yaml").read_text()
    changed = tmp_path / "v2.yaml"
    assert "'409'" in v1
    changed.write_text(v1.replace("        '409':\n          description: Conflict.\n", ""))
    assert _run(capsys, fixtures / "v1.yaml", changed)[0] == 0
    code, out, _ = _run(capsys, fixtures / "v1.yaml", changed, "--fail-on", "warning")
    assert code == 1 and "error-status-removed" in out


def test_text_and_markdown_renderings(capsys, fixtures: Path) -> None:
    _, text, _ = _run(capsys, fixtures / "v1.yaml", fixtures / "v2.yaml")
    assert text.startswith("9 changes: 5 breaking, 1 warning, 3 info (2 on inferred elements")
    assert "BREAKING request-enum-value-removed" in text
    _, md, _ = _run(capsys, fixtures / "v1.yaml", fixtures / "v2.yaml", "--format", "markdown")
    assert md.count("| breaking |") == 5 and md.count("| warning |") == 1
    assert "| warning | `link-removed` | POST /items |" in md


def test_python_m_conformance_diff_is_the_same_command(capsys, monkeypatch, fixtures: Path) -> None:
    monkeypatch.setattr(
        sys, "argv", ["conformance.diff", str(fixtures / "v1.yaml"), "--format", "json"]
    )
    with pytest.raises(SystemExit) as exited:
        runpy.run_module("conformance.diff", run_name="__main__")
    assert exited.value.code == Exit.USAGE  # NEW is missing: the one parser's usage error
    assert "ordermesh-conformance diff" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("name", "needle"),
    [
        ("missing.yaml", "no such file"),
        ("invalid.yaml", "not valid YAML"),
        ("swagger2.yaml", "not an OpenAPI 3 document (swagger: 2.0)"),
        ("list.yaml", "not an OpenAPI document"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, fixtures: Path, name: str, needle: str) -> None:
    for argv in ((fixtures / "v1.yaml", fixtures / name), (fixtures / name, fixtures / "v1.yaml")):
        code, out, err = _run(capsys, *argv)
        assert code == 2 and out == ""
        assert needle in err and name in err
        assert len(err.strip().splitlines()) == 1
        assert "Traceback" not in err


def test_document_without_paths_exits_2(capsys, tmp_path: Path, fixtures: Path) -> None:
    bare = tmp_path / "bare.yaml"
    bare.write_text("openapi: 3.0.3\ninfo: {title: t, version: '1'}\n")
    code, _, err = _run(capsys, fixtures / "v1.yaml", bare)
    assert code == 2 and "no 'paths'" in err


@pytest.mark.parametrize(
    "argv", [["--format", "xml"], ["--fail-on", "sometimes"], []], ids=["format", "fail-on", "none"]
)
def test_bad_arguments_exit_2(capsys, fixtures: Path, argv: list[str]) -> None:
    files = [fixtures / "v1.yaml", fixtures / "v1.yaml"] if argv else []
    code, _, err = _run(capsys, *files, *argv)
    assert code == 2 and "usage:" in err
