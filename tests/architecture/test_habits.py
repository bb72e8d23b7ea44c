"""Habits from the tools users know: --max-examples over the profile, --workers auto, -q, the
profiles' budgets shown from the one table, and the README's config table in step with the keys."""

from __future__ import annotations

import argparse
import os
import re

import pytest

from conformance.cli import build_parser
from conformance.commands.options import settings_from
from conformance.config.file import RUN_KEYS, env_name
from conformance.config.selection import replay_operation
from conformance.config.settings import PROFILES, profile_cells, profiles_table
from conformance.suites.schema import build_schema


def parse(*argv: str, env: dict[str, str] | None = None):
    return settings_from(build_parser().parse_args(["run", *argv]), environ=env or {})


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no config file of the repository's own


def squeezed(text: str) -> str:
    return " ".join(text.split())


def test_max_examples_overrides_the_profile_and_is_replayed():
    settings = parse("--profile", "smoke", "--max-examples", "7")
    assert settings.profile_budget.max_examples == 7
    assert settings.profile_budget.lifecycle_scenarios == PROFILES["smoke"].lifecycle_scenarios
    assert build_schema(settings).config.generation.max_examples == 7
    assert "--max-examples 7" in replay_operation(settings, "createOrder")
    assert parse("--profile", "smoke").profile_budget == PROFILES["smoke"]


@pytest.mark.parametrize("source", ["flag", "variable", "file"])
def test_workers_auto_is_one_per_core(source, tmp_path):
    if source == "flag":
        settings = parse("--workers", "auto")
    elif source == "variable":
        settings = parse(env={"ORDERMESH_WORKERS": "auto"})
    else:
        (tmp_path / "ordermesh-conformance.toml").write_text('[run]\nworkers = "auto"\n')
        settings = parse()
    assert settings.workers == (os.cpu_count() or 1)


def test_workers_refuses_other_words():
    with pytest.raises(SystemExit):
        build_parser().parse_args(["run", "--workers", "many"])


def test_q_is_quiet():
    assert parse("-q").quiet is True


def test_run_help_lists_every_profile_budget_from_the_table():
    action = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    text = squeezed(action.choices["run"].format_help())
    for profile in PROFILES.values():
        name, examples, _, links, walks = profile_cells(profile)
        assert f"{name}" in text and f"{examples} examples per operation" in text
        assert squeezed(f"link-following {links}, lifecycle {walks}") in text


def test_the_readme_shows_the_profiles_table_as_generated(repo_root):
    assert profiles_table() in (repo_root / "README.md").read_text(encoding="utf-8")


def test_the_readme_config_table_names_every_key_and_variable(repo_root):
    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    rows = [line for line in readme.splitlines() if line.startswith("| `")]
    keys = {key for row in rows for key in re.findall(r"`([a-z_]+)`", row.split("|")[1])}
    assert set(RUN_KEYS) <= keys, set(RUN_KEYS) - keys
    table = "\n".join(rows)
    assert all(env_name(key) in table for key in RUN_KEYS)
