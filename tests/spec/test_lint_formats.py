"""`lint --format text|json|junit|github`: every finding names its file and line, in each format,
for the validator's error as for Spectral's findings."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from conformance.cli import main
from conformance.commands import lint as lint_command
from conformance.exit_codes import Exit
from spec import SPEC_PATH

UNUSED = "    UnusedThing:\n      type: object\n"  # Spectral: oas3-unused-component, a warning


@pytest.fixture
def specs(tmp_path, monkeypatch):
    """A spec Spectral warns about, and one the validator refuses, with their lines."""
    monkeypatch.chdir(tmp_path)
    text = SPEC_PATH.read_text(encoding="utf-8")
    warned = text.replace("\n  schemas:\n", "\n  schemas:\n" + UNUSED, 1)
    (tmp_path / "warn.yaml").write_text(warned, encoding="utf-8")
    broken = text.replace("description: Order created.", "description: 5", 1)
    (tmp_path / "bad.yaml").write_text(broken, encoding="utf-8")
    return {
        "warn": warned[: warned.index(UNUSED)].count("\n") + 1,
        "bad": broken[: broken.index("description: 5")].count("\n") + 1,
    }


@pytest.fixture(scope="module")
def spectral_warning(tmp_path_factory):
    """Spectral's own answer on the warned spec, once (a Node start costs seconds)."""
    folder = tmp_path_factory.mktemp("spectral")
    text = SPEC_PATH.read_text(encoding="utf-8").replace(
        "\n  schemas:\n", "\n  schemas:\n" + UNUSED, 1
    )
    (folder / "warn.yaml").write_text(text, encoding="utf-8")
    findings = lint_command.spectral_findings(folder / "warn.yaml")
    assert [f["code"] for f in findings] == ["oas3-unused-component"]
    return findings[0]


@pytest.fixture
def spectral(monkeypatch, spectral_warning, specs, tmp_path):
    found = {**spectral_warning, "source": str(tmp_path / "warn.yaml")}
    monkeypatch.setattr(lint_command, "spectral_findings", lambda path: [found])


def lint(capsys, *argv: str) -> tuple[int, str]:
    code = main(["lint", *argv])
    return code, capsys.readouterr().out


def test_text_names_file_and_line(capsys, specs, spectral):
    code, out = lint(capsys, "warn.yaml")
    assert code == Exit.OK
    assert f"spectral: warn.yaml:{specs['warn']}: warning oas3-unused-component:" in out
    code, out = lint(capsys, "bad.yaml")
    assert code == Exit.FAILURES
    assert out.startswith(f"openapi-spec-validator: bad.yaml:{specs['bad']}: error ")


def test_json(capsys, specs, spectral):
    code, out = lint(capsys, "warn.yaml", "--format", "json")
    found = json.loads(out)["findings"]
    assert [(f["file"], f["line"], f["severity"]) for f in found] == [
        ("warn.yaml", specs["warn"], "warning")
    ]
    code, out = lint(capsys, "bad.yaml", "--format", "json")
    assert code == Exit.FAILURES
    assert [(f["file"], f["line"]) for f in json.loads(out)["findings"]] == [
        ("bad.yaml", specs["bad"])
    ]


def test_junit(capsys, specs, spectral):
    for name, failures in (("warn.yaml", 0), ("bad.yaml", 1)):
        _, out = lint(capsys, name, "--format", "junit")
        suite = ET.fromstring(out.encode()).find("testsuite")
        assert suite is not None
        cases = suite.findall("testcase")
        assert int(suite.get("tests", -1)) == len(cases)
        assert int(suite.get("failures", -1)) == len(suite.findall("testcase/failure")) == failures
        names = [c.get("name") for c in cases]
        assert len(set(names)) == len(names)
        line = specs[name.split(".")[0]]
        assert any(f"{name}:{line}" in str(n) for n in names), names


def test_github_annotations(capsys, specs, spectral):
    _, out = lint(capsys, "warn.yaml", "--format", "github")
    assert out.splitlines()[0].startswith(
        f"::warning file=warn.yaml,line={specs['warn']},title=spectral oas3-unused-component::"
    )
    code, out = lint(capsys, "bad.yaml", "--format", "github")
    assert code == Exit.FAILURES
    assert out.startswith(f"::error file=bad.yaml,line={specs['bad']},title=openapi-spec-validator")
