"""`ordermesh-conformance lint` exit codes: a spec error is 1, a linter that cannot run is 2."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conformance import cli
from conformance.commands import lint as lint_command
from conformance.exit_codes import Exit
from spec import SPEC_PATH


def test_a_clean_spec_passes(repo_root, monkeypatch, capsys):
    monkeypatch.chdir(repo_root)
    assert lint_command.lint(None) == 0
    assert "spectral: 0 errors" in capsys.readouterr().out


@pytest.mark.parametrize("version", ["9", "'9.9.9'", "3.1.0\ninfo: 5"])
def test_a_spec_with_an_error_fails_with_one_line(tmp_path, monkeypatch, capsys, version):
    broken = tmp_path / "broken.yaml"
    text = SPEC_PATH.read_text(encoding="utf-8").replace(
        "openapi: 3.1.0\ninfo:", "openapi: X\nx-info:"
    )
    broken.write_text(text.replace("openapi: X", f"openapi: {version}", 1))
    monkeypatch.chdir(tmp_path)
    assert lint_command.lint(str(broken)) == 1
    assert capsys.readouterr().out.startswith("openapi-spec-validator: ")


def test_without_spectral_the_spec_is_not_blamed(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent))  # no node
    assert cli.main(["lint"]) == Exit.USAGE
    out, err = capsys.readouterr()
    assert "is valid" in out  # the validator's verdict stands
    assert "lint: error: " in err and "only the validator ran" in err
