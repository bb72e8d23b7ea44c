"""scripts/setup.py: a second run changes nothing, and what it cannot install it names."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "setup.py"


@pytest.fixture
def setup(monkeypatch) -> tuple[ModuleType, list[list[str]]]:
    """The script as a module, with every command it would run recorded instead of run."""
    spec = importlib.util.spec_from_file_location("ordermesh_setup", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    commands: list[list[str]] = []
    monkeypatch.setattr(module, "run", lambda command, **kwargs: commands.append(command))
    return module, commands


def project(root: Path) -> Path:
    root.mkdir()
    for name in ("pyproject.toml", "package.json", "package-lock.json"):
        (root / name).write_text(f"{name} content\n")
    return root


def test_a_second_run_installs_nothing(setup, tmp_path, monkeypatch):
    module, commands = setup
    root = project(tmp_path / "project")
    monkeypatch.setattr(module, "ROOT", root)
    venv = root / ".venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").write_text("")
    (root / "node_modules").mkdir()

    module.ensure_venv(venv)
    module.ensure_node_modules()
    first = len(commands)
    assert first > 0  # the first run installs: the stamps did not exist yet
    (venv / module.STAMP).write_text(module.fingerprint(root / "pyproject.toml"))
    stamp = module.fingerprint(root / "package.json", root / "package-lock.json")
    (root / "node_modules" / module.STAMP).write_text(stamp)

    module.ensure_venv(venv)
    module.ensure_node_modules()
    assert len(commands) == first

    (root / "package-lock.json").write_text("a changed lock\n")
    module.ensure_node_modules()
    assert commands[-1][:2] == ["npm", "ci"]  # a changed lock file is installed again


def test_a_missing_tool_without_root_is_named_with_the_command_to_get_it(
    setup, monkeypatch, capsys
):
    module, commands = setup
    real_which = shutil.which
    monkeypatch.setattr(module.shutil, "which", lambda n: None if n == "wrk" else real_which(n))
    monkeypatch.setattr(module, "privilege", lambda: None)
    monkeypatch.setattr(module, "ensure_node", lambda: None)
    assert module.main(["--venv", "/nonexistent/venv"]) == 1
    error = capsys.readouterr().err
    assert "missing system packages: wrk" in error and "apt-get install wrk" in error
    assert commands == []  # it stopped before creating anything
