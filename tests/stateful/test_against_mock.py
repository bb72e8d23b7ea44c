"""The scenarios and walks against the embedded mock: clean, and with each seeded fault.

A fault test expects a walk to fail, shrunk to a handful of steps, and the reproduction to show
the same failure against the same faulty mock, and none against a clean one.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator

import pytest

from conformance.config.settings import MOCK_MERCHANT_A, RunSettings, new_run_id
from conformance.failures.hierarchy import ProjectFailure
from conformance.machinery.harness import Harness
from conformance.stateful.driver import Driver, Step
from conformance.stateful.machine import Recorder, run_walks
from conformance.stateful.reproduce import curl_script, replay
from conformance.stateful.scenarios import SCENARIOS, run_steps
from conformance.stateful.target import Target
from ordermesh_mock.config import MockConfig
from ordermesh_mock.server import run_in_thread

STATE_AUDIT_RULE_FAULTS = (
    "cancel-not-persisted",
    "audit-missing-on-update",
    "audit-wrong-values",
    "audit-wrong-actor",
    "audit-missing-bulk",
    "refund-over-balance",
    "refund-wrong-item",
    "cancelled-item-shippable",
    "partial-cancel-cancels-order",
    "hold-does-not-block-shipping",
    "put-not-idempotent",
    "partial-put",
    "delete-does-not-delete",
)
HANDFUL = 6
FAULT_BUDGET = (40, 15)  # walks x steps per seed
FAULT_SEEDS = (1, 2, 3)


def start(faults: tuple[str, ...] = ()) -> tuple[Target, str, callable]:
    url, stop = run_in_thread(MockConfig(faults=faults))
    settings = RunSettings(base_url=url, credentials=MOCK_MERCHANT_A, run_id=new_run_id())
    return Target.from_harness(Harness.build(settings)), url, stop


@pytest.fixture
def clean() -> Iterator[Target]:
    target, _, stop = start()
    yield target
    stop()


def test_clean_mock_passes_everything_and_covers_the_whole_table(clean, lifecycle):
    states, transitions = set(), set()
    for steps in SCENARIOS.values():
        driver = Driver(clean, narrate=False)
        run_steps(driver, steps)
        states |= driver.model.states_seen
        transitions |= driver.model.transitions_seen
    recorder = Recorder()
    run_walks(clean, recorder, walks=6, steps=12, walk_seed=7)  # raises on any failure
    assert recorder.walks >= 6
    assert states | recorder.states == {f"{e}.{s}" for e, s in lifecycle.all_states()}
    assert transitions | recorder.transitions == {t.id for t in lifecycle.transitions}


def _shrunk_failure(target: Target) -> tuple[ProjectFailure, Recorder, int]:
    for seed in FAULT_SEEDS:
        recorder = Recorder()
        try:
            run_walks(target, recorder, *FAULT_BUDGET, walk_seed=seed)
        except ProjectFailure as failure:
            return failure, recorder, seed
    pytest.fail(f"no walk found the fault with seeds {FAULT_SEEDS} at {FAULT_BUDGET}")


@pytest.mark.slow
@pytest.mark.long
@pytest.mark.parametrize("fault", STATE_AUDIT_RULE_FAULTS)
def test_a_fault_fails_a_shrunk_walk_that_replays(fault):
    target, url, stop = start((fault,))
    _, clean_url, stop_clean = start()
    try:
        failure, recorder, seed = _shrunk_failure(target)
        driver = recorder.last
        assert driver is not None and driver.failure is failure
        assert len(driver.journal) <= HANDFUL, [s.title() for s in driver.journal]
        with pytest.raises(ProjectFailure) as replayed:
            replay(driver.journal, base_url=url)
        assert (replayed.value.check, replayed.value.title) == (failure.check, failure.title)
        replay(driver.journal, base_url=clean_url)  # the steps are fine on a correct target
        script = curl_script(
            driver.journal,
            driver.failed_reads,
            failure.title,
            seed,
            f"{target.run_id}-{driver.nonce}",
            url,
        )
        env = {
            **os.environ,
            "ORDERMESH_BASE_URL": url,
            "ORDERMESH_CLIENT_ID": "om-client-a",
            "ORDERMESH_CLIENT_SECRET": "om-secret-a",
        }
        ran = subprocess.run(
            ["bash", "-c", script], capture_output=True, text=True, env=env, timeout=60
        )
        assert ran.returncode == 0, ran.stderr
        statuses = [line.rsplit(" ", 1)[-1] for line in ran.stdout.splitlines() if " -> " in line]
        recorded = [str(e.status) for s in driver.journal for e in s.exchanges]
        recorded += [str(e.status) for e in driver.failed_reads]
        assert statuses == recorded
    finally:
        stop()
        stop_clean()


def test_every_walk_tags_its_orders_uniquely(clean):
    # Shrinking replays a walk thousands of times against one target; a repeated safeId is a 409
    # that Hypothesis reports as a flaky strategy.
    nonces = [Driver(clean, narrate=False).nonce for _ in range(5000)]
    assert len(set(nonces)) == len(nonces)


def test_more_notes_than_a_default_page_read_back_whole(clean):
    """A walk can give one order more notes than the listing's default page (the full profile's
    40-step walks did): the verifier reads the largest page the spec allows, not the default."""
    listing = clean.spec.operation("listNotes")
    (size,) = [p.schema for p in listing.parameters if p.name == "pageSize"]
    steps = [Step("create_order", {"lines": [[1, 19.99, 0.0]]})]
    steps += [Step("create_note", {"order": "order1", "text": "call first"})] * (
        size["default"] + 1
    )
    run_steps(Driver(clean, narrate=False), steps)  # raises if a note is missing
