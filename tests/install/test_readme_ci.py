"""CI proves what the README promises: `.ci/run` runs the README's commands as written there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest


def shell_blocks(section: str) -> list[list[str]]:
    """The commands of each ```sh block in a README section: its non-comment lines."""
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    return [
        [line.strip() for line in block.splitlines() if line.strip() and not line.startswith("#")]
        for block in blocks
    ]


def strip_comment(command: str) -> str:
    return re.sub(r"\s+#.*$", "", command)


def runs(ci_lines: list[str], command: str) -> bool:
    """A line of .ci/run is the command, or ends with it (run through a stage wrapper)."""
    return any(line == command or line.endswith(f" {command}") for line in ci_lines)


@pytest.fixture(scope="module")
def fresh_machine_section(repo_root: Path) -> str:
    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    return readme.split("## On a fresh machine", 1)[1].split("\n## ", 1)[0]


@pytest.fixture(scope="module")
def ci_lines(repo_root: Path) -> list[str]:
    return [line.strip() for line in (repo_root / ".ci" / "run").read_text().splitlines()]


def test_ci_runs_the_two_commands_as_the_readme_writes_them(fresh_machine_section, ci_lines):
    commands = shell_blocks(fresh_machine_section)[0]
    assert len(commands) == 2, commands
    assert commands[0].startswith("python3 scripts/setup.py")
    for command in commands:
        assert runs(ci_lines, command), f"README command not run by .ci/run: {command}"


def test_ci_runs_every_stage_the_readme_documents(fresh_machine_section, ci_lines):
    stages = [strip_comment(c) for c in shell_blocks(fresh_machine_section)[1]]
    assert any("-m long" in stage for stage in stages)
    for stage in stages:
        assert runs(ci_lines, stage), f"stage not in .ci/run: {stage}"
