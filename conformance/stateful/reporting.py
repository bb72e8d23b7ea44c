"""Lifecycle results into the run: Allure labels and steps, stats, coverage and reproductions."""

from __future__ import annotations

from typing import Protocol

import allure

from conformance.config.selection import replay_scenario
from conformance.config.settings import RunSettings
from conformance.failures.categories import category_of, violation_key
from conformance.failures.hierarchy import ProjectFailure
from conformance.machinery.harness import Harness
from conformance.reporting import allure_steps, budget
from conformance.reporting.stats import Stats
from conformance.stateful.driver import Driver
from conformance.stateful.reproduce import curl_script, pytest_snippet
from conformance.stateful.scenarios import RANDOM_WALKS, is_walk_part
from conformance.stateful.target import Target
from spec import Operation, load_lifecycle

FEATURES = {RANDOM_WALKS: "Random walks"}  # anything else is a named scenario


class RunSession(Protocol):
    """What a scenario reports into: the suites' session (suites/session.py)."""

    @property
    def settings(self) -> RunSettings: ...
    @property
    def harness(self) -> Harness: ...
    @property
    def stats(self) -> Stats: ...


def label(story: str, title: str) -> None:
    """Lifecycle scenarios have an epic of their own; the state table says what they cover."""
    allure.dynamic.epic(allure_steps.LIFECYCLE_EPIC)
    allure.dynamic.feature(FEATURES.get(story, "Named scenarios"))
    allure.dynamic.story(story)
    allure.dynamic.label(allure_steps.PROVENANCE_LABEL, "inferred")  # lifecycle.yaml is inferred
    allure.dynamic.severity(allure.severity_level.CRITICAL)
    allure.dynamic.title(title)


def target_for(session: RunSession) -> Target:
    """A target on the run's harness that counts every call in the run's per-operation stats
    and stops between steps once the run is over budget (--max-duration, --max-failures)."""

    def on_call(operation_id: str, status: int, positive: bool) -> None:
        session.stats.call(operation_id, status, positive)
        budget.check(session.settings)

    return Target.from_harness(session.harness, on_call=on_call)


def reproduction(driver: Driver, failure: ProjectFailure, session: RunSession) -> tuple[str, str]:
    """(pytest snippet, curl script) for the steps the driver ran, secrets redacted."""
    settings = session.settings
    headline = f"{failure.title} ({failure.check})"
    target = None if settings.embedded else settings.base_url
    snippet = pytest_snippet(driver.journal, headline, settings.seed, settings.mock_faults, target)
    tag = f"{driver.target.run_id}-{driver.nonce}"
    curl = curl_script(
        driver.journal,
        driver.failed_reads,
        headline,
        settings.seed,
        tag,
        settings.base_url or "",
        settings.credentials.kind,
    )
    redact = session.harness.redactor.text
    return redact(snippet), redact(curl)


def record_failure(
    session: RunSession, driver: Driver, failure: ProjectFailure, scenario: str
) -> None:
    """The failing steps as Allure steps, both reproductions attached, one stats record. The
    snippet ends with the run that replays the scenario (the walks: shrunk from the same seed)."""
    snippet, curl = reproduction(driver, failure, session)
    rerun = replay_scenario(session.settings, scenario)
    snippet += f"\n# replay the scenario: {rerun}\n"
    name = "shrunk steps" if is_walk_part(scenario) else "steps"
    with allure.step(f"{name} that expose it ({len(driver.journal)}): {failure.title}"):
        for planned in driver.journal:
            with allure.step(planned.title()):
                for exchange in planned.exchanges:
                    allure_steps.attach_exchange(f"{exchange.method} {exchange.url}", exchange)
        for exchange in driver.failed_reads:
            allure_steps.attach_exchange("the read that disagrees", exchange)
    seed = session.settings.seed
    allure_steps.attach_text("reproduce: pytest snippet", f"# seed {seed}\n{snippet}")
    allure_steps.attach_text("reproduce: curl script", curl)
    operation = _operation(session, failure.operation)
    category = category_of(failure, operation)
    session.stats.failure(
        {
            "check": failure.check,
            "operation": failure.operation,
            "category": category,
            "title": failure.title,
            "message": session.harness.redactor.text(failure.message)[:2000],
            "reproduction": snippet,
            "replay": rerun,
            "seed": seed,
            "key": violation_key(failure.check, failure, failure.operation),
        }
    )
    allure_steps.label_failure(failure.operation, [failure.check], [category], failure.title)
    session.stats.lifecycle_failed(failed_moves(driver, failure))


def failed_moves(driver: Driver, failure: ProjectFailure) -> set[str]:
    """The transitions and refusal rules of the call the failure is about (the picture's red)."""
    expected = driver.expected
    if expected is None or expected.operation != failure.operation:
        return set()
    return set(expected.transitions) | {r.rule for r in expected.refusals}


def record_coverage(
    session: RunSession,
    states: set[str],
    transitions: set[str],
    gaps: set[str],
    refusals: set[str],
) -> None:
    session.stats.covered(states, transitions, refusals)
    lifecycle = load_lifecycle()
    missing = sorted({t.id for t in lifecycle.transitions} - transitions)
    lines = [
        f"states {len(states)}/{len(lifecycle.all_states())}",
        f"transitions {len(transitions)}/{len(lifecycle.transitions)}",
        f"not reached here: {', '.join(missing) or 'none'}",
    ]
    if gaps:
        lines.append("moves the state table does not list: " + "; ".join(sorted(gaps)))
    allure_steps.attach_text("lifecycle coverage", "\n".join(lines))


def _operation(session: RunSession, operation_id: str) -> Operation | None:
    try:
        return session.harness.spec.operation(operation_id)
    except KeyError:
        return None  # "(end of scenario)" and other non-operations
