"""Node tools come from ORDERMESH_NODE_MODULES, the working directory or PATH, in that order."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from conformance import node_tools
from conformance.node_tools import NODE_MODULES_ENV, not_found, package_dir, tool_command


def fake_node_modules(root: Path, tool: str) -> Path:
    folder = root / "node_modules"
    (folder / ".bin").mkdir(parents=True)
    (folder / ".bin" / tool).write_text("#!/bin/sh\n")
    (folder / "@allurereport" / "core").mkdir(parents=True)
    (folder / "@allurereport" / "core" / "package.json").write_text("{}")
    return folder


@pytest.fixture
def elsewhere(tmp_path, monkeypatch) -> Path:
    """A working directory with no node_modules, and a checkout without one either."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(node_tools, "CHECKOUT", tmp_path / "no-checkout")
    monkeypatch.delenv(NODE_MODULES_ENV, raising=False)
    return tmp_path


def test_the_variable_wins_over_the_working_directory(elsewhere, monkeypatch):
    fake_node_modules(elsewhere, "spectral")
    named = fake_node_modules(elsewhere / "named", "spectral")
    monkeypatch.setenv(NODE_MODULES_ENV, str(named))
    assert tool_command("spectral") == [str(named / ".bin" / "spectral")]
    assert package_dir("@allurereport/core") == named


def test_the_working_directory_is_searched(elsewhere):
    local = fake_node_modules(elsewhere, "spectral")
    assert tool_command("spectral") == [str(local / ".bin" / "spectral")]
    assert package_dir("@allurereport/core") == local


def test_path_is_the_last_resort(elsewhere, monkeypatch):
    bin_dir = elsewhere / "global-bin"
    bin_dir.mkdir()
    tool = bin_dir / "spectral"
    tool.write_text("#!/bin/sh\n")
    tool.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    assert tool_command("spectral") == [str(tool)]
    assert package_dir("@allurereport/core") is None


def test_nothing_found_names_all_three_places(elsewhere, monkeypatch):
    only_node = elsewhere / "only-node"
    only_node.mkdir()
    (only_node / "node").symlink_to(shutil.which("node"))
    monkeypatch.setenv("PATH", str(only_node))
    assert tool_command("spectral") is None
    message = not_found("spectral")
    assert NODE_MODULES_ENV in message and "./node_modules" in message and "PATH" in message


def test_without_node_the_message_says_so(elsewhere, monkeypatch):
    fake_node_modules(elsewhere, "spectral")
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent))
    assert tool_command("spectral") is None
    assert "Node.js is not installed" in not_found("spectral")
