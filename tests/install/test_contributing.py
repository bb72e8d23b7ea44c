"""CONTRIBUTING.md stays true: its commands run, the files it names exist, and the pre-commit
hooks it promises are configured (as tests/install/test_readme_ci.py does for the README)."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CONTRIBUTING = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "scripts"))
import commit_subject  # noqa: E402  (a script, not a package)


def section(title: str) -> str:
    return CONTRIBUTING.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def commands(title: str) -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", section(title), flags=re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


def tool(name: str) -> str | None:
    """The tool as the activated .venv finds it."""
    return shutil.which(name, path=str(BIN)) or shutil.which(name)


def run(command: list[str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )


def test_before_you_push_lists_the_checks_ci_runs() -> None:
    before = commands("Before you push")
    assert before[:3] == ["ruff check .", "ruff format --check .", "mypy"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for command in [*before[:3], "python -m pytest"]:
        assert command in ci, f"CI does not run {command!r}"
    for command in before:
        assert tool(shlex.split(command)[0]), f"{command}: not installed by scripts/setup.py"


@pytest.mark.parametrize("command", ["ruff check .", "ruff format --check ."])
def test_the_cheap_checks_pass_as_written(command: str) -> None:
    assert command in commands("Before you push")
    done = run([str(tool("ruff")), *shlex.split(command)[1:]])
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_mypy_passes_as_written() -> None:
    assert "mypy" in commands("Before you push")
    done = run([str(tool("mypy"))], timeout=600)
    assert done.returncode == 0, done.stdout[-3000:]


@pytest.mark.slow
@pytest.mark.parametrize("command", ['python -m pytest -m "not slow"', "python -m pytest"])
def test_the_pytest_commands_select_tests(command: str) -> None:
    """Collected, not run: running the suite from inside itself would run it twice."""
    assert command in commands("Before you push")
    words = shlex.split(command)
    done = run([sys.executable, *words[1:], "--collect-only", "-q", "-n0"], timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert re.search(r"\d+ tests? collected", done.stdout), done.stdout[-500:]


def test_set_up_once_names_the_setup_script_and_pre_commit() -> None:
    assert commands("Set up once") == [
        "python3 scripts/setup.py && . .venv/bin/activate",
        "pre-commit install",
    ]
    assert tool("pre-commit"), "pre-commit is a dev dependency: scripts/setup.py installs it"


def test_the_pre_commit_hooks_are_the_ones_promised() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert shlex.split(hooks["ruff"]["entry"])[:2] == ["ruff", "check"]
    assert shlex.split(hooks["ruff-format"]["entry"])[:2] == ["ruff", "format"]
    assert shlex.split(hooks["mypy"]["entry"].split("#")[0])[0] == "mypy"
    assert hooks["commit-subject"]["stages"] == ["commit-msg"]
    assert "commit-msg" in config["default_install_hook_types"]
    done = run([str(tool("pre-commit")), "validate-config", ".pre-commit-config.yaml"])
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("message", "refused"),
    [
        ("x" * 72 + "\n\nA body line may be as long as it likes " + "y" * 100, False),
        ("x" * 73 + "\n", True),
        ("# a git comment " + "z" * 80 + "\nShort subject\n", False),
        ("\n\n# only comments\n", True),
    ],
)
def test_the_commit_msg_hook_limits_the_subject(tmp_path, message: str, refused: bool) -> None:
    path = tmp_path / "COMMIT_EDITMSG"
    path.write_text(message, encoding="utf-8")
    hooks = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    entry = next(h for r in hooks["repos"] for h in r["hooks"] if h["id"] == "commit-subject")
    done = run([*shlex.split(entry["entry"]), str(path)])
    assert done.returncode == (1 if refused else 0), done.stderr
    assert commit_subject.LIMIT == 72


def test_every_file_contributing_names_exists() -> None:
    named = set(
        re.findall(
            r"`((?:conformance|ordermesh_mock|tests|scripts|docs|spec)/[^`*<>]+)`", CONTRIBUTING
        )
    )
    named |= set(re.findall(r"\]\(([A-Z]+\.md)\)", CONTRIBUTING))
    assert len(named) > 20
    missing = sorted(name for name in named if not (ROOT / name.split(" ")[0]).exists())
    assert missing == []


def test_the_changelog_has_an_unreleased_section_for_users() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.startswith("# Changelog\n")
    assert "\n## Unreleased\n" in changelog
