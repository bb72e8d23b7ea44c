"""The order the suite's tests start in when several processes share them: the longest first.

Behind a network a run's wall time is its longest chain of round trips, and a lifecycle scenario
is one sequential chain: a step, its read-backs, its audit reads, the next step. Started last,
the chains are the run's tail while the other processes sit idle; started first, the short tests
fill the other processes around them (the "longest processing time first" rule).

xdist's load scheduler gives each process the next two tests of the collection to start with
and then, with `--maxschedchunk 1` (conformance/commands/run.py), one more each time it is
down to one. So the longest tests are dealt to the first slot of each process, the next ones to
the second slots (the longest of them beside the shortest chain), and the rest follow longest
first. The expected length is a test's number of steps, known before it runs; which test runs
is unchanged, only when.
"""

from __future__ import annotations

from typing import Any

import pytest

from conformance.config.settings import RunSettings
from conformance.stateful.machine import walk_parts
from conformance.stateful.scenarios import SCENARIOS

ONE_STEP = 1  # a property test, a provocation, a link: a short run of independent requests


def expected_steps(item: pytest.Item, settings: RunSettings) -> int:
    """How many sequential steps the test takes, as far as it is known before it runs."""
    test = getattr(item, "originalname", item.name)
    if test == "test_random_walks":
        walks = settings.profile_budget
        parts = walk_parts(walks.lifecycle_scenarios)
        part = _param(item, "part") or 1
        return parts[min(part, len(parts)) - 1] * walks.lifecycle_steps
    if test == "test_named_scenario":
        return len(SCENARIOS[_param(item, "name")])
    return ONE_STEP


def _param(item: pytest.Item, name: str) -> Any:
    callspec = getattr(item, "callspec", None)
    return None if callspec is None else callspec.params.get(name)


def longest_first(items: list[pytest.Item], settings: RunSettings) -> list[pytest.Item]:
    """`items` in the order that starts the longest first across `settings.processes`
    processes; the collection order among tests of the same length. One process: unchanged."""
    processes = settings.processes
    if processes < 2:
        return items
    ranked = sorted(items, key=lambda item: -expected_steps(item, settings))  # stable
    first, second, rest = (
        ranked[:processes],
        ranked[processes : 2 * processes],
        ranked[2 * processes :],
    )
    dealt: list[pytest.Item] = []
    for index, chain in enumerate(first):
        dealt.append(chain)
        partner = len(second) - 1 - index  # the longest chain beside the shortest second
        if partner >= 0:
            dealt.append(second[partner])
    return dealt + second[: max(0, len(second) - len(first))] + rest
