"""CHANGELOG.md stays true: the flags, commands, environment variables and links its Unreleased
section gives users exist (as tests/install/test_readme_ci.py does for the README)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conformance.cli import COMMANDS, build_parser
from conformance.config.file import check_variables, known_variables
from conformance.config.settings import ConfigError

ROOT = Path(__file__).resolve().parents[2]
CHANGELOG = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
UNRELEASED = CHANGELOG.split("\n## Unreleased\n", 1)[1].split("\n## ", 1)[0]
# `run --compare-with URL`, `--overlay FILE`: an optional command, then the flag
FLAG = re.compile(r"`(?:(?P<command>[a-z]+) )?(?P<flag>--[a-z][a-z-]*)[^`]*`")


def flags_of(command: str) -> set[str]:
    parser = build_parser().command_parser(command)
    assert parser is not None, command
    parser.format_help()  # loads the command's own arguments
    return {option for action in parser._actions for option in action.option_strings}


def named_flags() -> list[tuple[str | None, str]]:
    found = [(m["command"], m["flag"]) for m in FLAG.finditer(UNRELEASED)]
    assert len(found) > 10, "the pattern no longer finds the flags the changelog names"
    return found


def test_every_flag_it_names_is_one_of_its_commands() -> None:
    every = {command: flags_of(command) for command in COMMANDS}
    anywhere = set().union(*every.values())
    wrong = [
        f"{command or ''} {flag}".strip()
        for command, flag in named_flags()
        if flag not in every.get(command or "", anywhere)
    ]
    assert wrong == []


def test_a_flag_named_after_a_word_names_that_command() -> None:
    """The pattern reads `diff --ignore` as diff's flag: a word there that is no command is a
    changelog typo, not prose."""
    words = {command for command, _ in named_flags() if command}
    assert words and words <= set(COMMANDS)


def test_every_environment_variable_it_names_is_read_or_refused_as_a_typo() -> None:
    named = set(re.findall(r"`(ORDERMESH_[A-Z_]+)`", UNRELEASED))
    assert named, "the changelog names no variable: the pattern is stale"
    for name in sorted(named - known_variables()):  # quoted as a typo the toolkit refuses
        with pytest.raises(ConfigError, match="did you mean"):
            check_variables({name: "1"})


def slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


@pytest.mark.parametrize("link", sorted(set(re.findall(r"\]\(([^)#:]+(?:#[^)]+)?)\)", UNRELEASED))))
def test_every_link_leads_somewhere(link: str) -> None:
    path, _, anchor = link.partition("#")
    target = ROOT / path
    assert target.exists(), link
    if anchor:
        headings = re.findall(r"^#+ (.+)$", target.read_text(encoding="utf-8"), flags=re.M)
        assert anchor in {slug(h) for h in headings}, link
