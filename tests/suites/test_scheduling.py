"""The suite's tests start longest first across processes: each process's first test is one of
the longest chains, and a single process keeps the collection order."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from conformance.config.settings import RunSettings
from conformance.stateful.machine import MAX_WALK_PARTS, part_seed, walk_parts
from conformance.stateful.scenarios import SCENARIOS
from conformance.suites.scheduling import expected_steps, longest_first


def item(test: str, **params: object) -> SimpleNamespace:
    name = f"{test}[{','.join(map(str, params.values()))}]" if params else test
    return SimpleNamespace(originalname=test, name=name, callspec=SimpleNamespace(params=params))


@pytest.fixture
def collection() -> list[SimpleNamespace]:
    """As collected: property tests first, the lifecycle scenarios and the walks last."""
    properties = [item("test_operation", op=f"op{i}") for i in range(20)]
    scenarios = [item("test_named_scenario", name=name) for name in SCENARIOS]
    parts = walk_parts(RunSettings(seed=1, profile="smoke").profile_budget.lifecycle_scenarios)
    walks = [item("test_random_walks", part=n) for n in range(1, len(parts) + 1)]
    return [*properties, *scenarios, *walks]


def test_one_process_keeps_the_collection_order(collection):
    settings = RunSettings(seed=1, profile="smoke", concurrency=1)
    assert longest_first(collection, settings) == collection


def test_each_process_starts_with_one_of_the_longest(collection):
    settings = RunSettings(seed=1, profile="smoke", concurrency=4)
    ordered = longest_first(collection, settings)
    assert sorted(ordered, key=id) == sorted(collection, key=id)  # the same tests, once each
    steps = [expected_steps(i, settings) for i in ordered]
    longest = sorted((expected_steps(i, settings) for i in collection), reverse=True)
    # xdist deals two tests to each process: positions 0, 2, 4, 6 are the four first slots.
    assert sorted(steps[0:8:2], reverse=True) == longest[:4]
    assert steps[0] == longest[0]
    # The second slots hold the next longest, the shortest of them beside the longest chain.
    assert sorted(steps[1:8:2]) == sorted(longest[4:8])
    assert steps[1] == min(longest[4:8])
    # Then the rest, longest first, and the property tests in their collection order.
    assert steps[8:] == sorted(steps[8:], reverse=True)
    rest = [i for i in ordered if i.originalname == "test_operation"]
    assert rest == [i for i in collection if i.originalname == "test_operation"]


def test_a_named_scenario_is_as_long_as_its_steps():
    settings = RunSettings(seed=1, profile="smoke")
    name, steps = next(iter(SCENARIOS.items()))
    assert expected_steps(item("test_named_scenario", name=name), settings) == len(steps)
    walks = settings.profile_budget
    parts = walk_parts(walks.lifecycle_scenarios)
    assert [expected_steps(item("test_random_walks", part=n), settings) for n in (1, 2)] == [
        parts[0] * walks.lifecycle_steps,
        parts[1] * walks.lifecycle_steps,
    ]


def test_the_walks_split_by_their_budget_alone():
    """Parts add up to the budget, at most MAX_WALK_PARTS of them, and never depend on the
    processes: the same seed gives the same walks at any --concurrency."""
    for walks in (1, 4, 25, 200):
        parts = walk_parts(walks)
        assert sum(parts) == walks and len(parts) == min(walks, MAX_WALK_PARTS)
        assert max(parts) - min(parts) <= 1
    assert part_seed(7, 1) == 7 and len({part_seed(7, n) for n in range(1, 9)}) == 8
