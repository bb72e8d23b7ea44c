"""--include/--exclude/--scenario/--suite: which tests a run keeps, and the replay lines."""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
from dataclasses import replace

import pytest

from conformance.commands.options import add_run_arguments, settings_from
from conformance.commands.run import SUITES
from conformance.config import selection
from conformance.config.settings import ConfigError, RunSettings
from conformance.stateful.machine import walk_parts
from conformance.stateful.scenarios import RANDOM_WALKS, SCENARIOS, scenario_operations
from spec import load_spec

BASE = RunSettings(seed=42, profile="smoke")


def chosen(spec, settings: RunSettings) -> set[str]:
    return {
        name
        for name, calls in scenario_operations().items()
        if selection.runs_scenario(settings, spec, name, calls)
    }


# The scenarios that put an order on hold (scenarios.py), written out: the test holds them to it.
HOLDING = {"Customer Care Hold", "hold blocks reroute and resubmit", "hold released once shipped"}


def test_include_selects_the_scenarios_that_call_the_operation(spec):
    holds = chosen(spec, replace(BASE, include=("holdOrder",)))
    assert holds == {*HOLDING, RANDOM_WALKS}
    assert chosen(spec, replace(BASE, include=("getOrderById",))) == set()  # a read-back only
    assert chosen(spec, replace(BASE, include=("Notes",))) == {"notes", RANDOM_WALKS}  # a tag
    assert chosen(spec, BASE) == set(scenario_operations())


def test_exclude_drops_every_scenario_that_calls_the_operation(spec):
    left = chosen(spec, replace(BASE, exclude=("holdOrder",)))
    assert left == set(SCENARIOS) - HOLDING
    assert chosen(spec, replace(BASE, include=("holdOrder",), exclude=("createNote",))) == HOLDING


def test_scenario_and_suite_narrow_further(spec):
    named = replace(BASE, scenarios=("reroute",))
    assert chosen(spec, named) == {"reroute"}
    assert not selection.runs_operation_tests(named, selection.PROPERTIES)
    both = replace(named, include=("createNote",))
    assert chosen(spec, both) == {"reroute", "notes", RANDOM_WALKS}
    assert selection.runs_operation_tests(both, selection.PROPERTIES)
    properties = replace(BASE, suites=(selection.PROPERTIES,))
    assert chosen(spec, properties) == set()
    assert not selection.runs_operation_tests(properties, selection.LINKS)


def parse(argv: list[str]) -> RunSettings:
    parser = argparse.ArgumentParser()
    add_run_arguments(parser)
    return settings_from(parser.parse_args(argv), environ={})


def test_replay_lines_parse_back_to_the_one_test(spec):
    run = replace(BASE, mock_faults=("partial-put",), include=("Notes",))
    line = selection.replay_scenario(run, "create, ship, cancel, refund")
    again = parse(shlex.split(line)[2:])
    assert (again.seed, again.profile, again.mock_faults) == (42, "smoke", ("partial-put",))
    assert chosen(spec, again) == {"create, ship, cancel, refund"}
    assert not selection.runs_operation_tests(again, selection.PROPERTIES)
    again = parse(shlex.split(selection.replay_operation(run, "updateNote"))[2:])
    assert again.include == ("updateNote",) and chosen(spec, again) == set()
    assert not selection.runs_operation_tests(again, selection.LINKS)
    again = parse(shlex.split(selection.replay_links(run))[2:])
    assert again.suites == (selection.LINKS,) and again.include == ("Notes",)
    again = parse(shlex.split(selection.replay_spec_link(run, "createNote", "getNoteById"))[2:])
    assert again.suites == (selection.LINKS,)
    assert again.include == ("createNote", "getNoteById")


def test_an_unknown_scenario_is_a_usage_error():
    with pytest.raises(ConfigError, match="no such lifecycle scenario"):
        parse(["--scenario", "create ship cancel refund"])


def collected(settings: RunSettings) -> list[str]:
    """The suite's tests pytest keeps for `settings` (collection starts an embedded mock)."""
    command = [
        sys.executable,
        "-m",
        "pytest",
        str(SUITES),
        "--collect-only",
        "-q",
        "-p",
        "no:cacheprovider",
        "-o",
        "addopts=",
    ]
    env = {**os.environ, **settings.to_env()}
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    return [line.split("::", 1)[1] for line in done.stdout.splitlines() if "::" in line]


@pytest.mark.slow
def test_the_suite_collects_only_what_is_selected():
    tests = collected(replace(BASE, include=("holdOrder",)))
    parts = walk_parts(BASE.profile_budget.lifecycle_scenarios)
    walks = [f"test_random_walks[{n}]" for n in range(1, len(parts) + 1)]
    assert sorted(tests) == [
        "test_link_following",
        "test_named_scenario[Customer Care Hold]",
        "test_named_scenario[hold blocks reroute and resubmit]",
        "test_named_scenario[hold released once shipped]",
        "test_operation",  # Schemathesis runs the included operations within it
        # the documented answers the spec says how to provoke (x-provoked-by), holdOrder's only
        "test_provocation[holdOrder-403-no-permission]",
        "test_provocation[holdOrder-404-unknown-id]",
        *walks,
    ]
    assert collected(replace(BASE, scenarios=(RANDOM_WALKS,))) == walks
    # one part alone, as a walk failure's replay line selects it
    assert collected(replace(BASE, scenarios=(f"{RANDOM_WALKS} 2",))) == ["test_random_walks[2]"]
    read_only = collected(replace(BASE, include=("Orders",), read_only=True))
    provoked = [t for t in read_only if t.startswith("test_provocation")]
    methods = {load_spec().operation(t[17:].split("-")[0]).method for t in provoked}
    assert provoked and methods == {"GET"}  # a read-only run provokes no write
