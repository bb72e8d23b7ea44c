"""Live progress of a run: one line per operation or scenario as it finishes.

pytest's dots say nothing about a long run (a rate-limited run printed nine in 218 s). This
plugin replaces them with lines naming what finished, with a running count, the elapsed time and
the failures so far. On a terminal every test gets its line; in a CI log (no TTY) a line comes at
most every few seconds, and always for the last test. `run --quiet` turns the lines off.
Loaded into the suite's pytest with `-p conformance.reporting.progress`.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Generator
from dataclasses import dataclass, field

import pytest

from conformance.config.settings import RunSettings

PLAIN_EVERY = 5.0  # seconds between lines in a CI log
BAD = ("failed", "error")


@dataclass
class Progress:
    total: int = 0
    done: int = 0
    failures: int = 0
    started: float = field(default_factory=time.monotonic)
    last_line: float = 0.0
    outcomes: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # "POST /v1/orders" -> "createOrder"

    def line(self, test: str, outcome: str) -> str:
        elapsed = time.monotonic() - self.started
        width = len(str(self.total or self.done))
        count = f"{self.done:>{width}}/{self.total}" if self.total else str(self.done)
        return (
            f"[{count}] {elapsed:6.1f}s  {self.failures} failed so far  "
            f"{outcome.upper():<7} {self.title(test)}"
        )

    def title(self, test: str) -> str:
        """What QA knows the test by: an operationId or a scenario, not a Python test id.
        `test` is pytest's test name with its parameter, e.g. `test_operation[POST /v1/orders]`
        (Schemathesis' tests share one node id; only this name tells them apart)."""
        function, _, param = test.partition("[")
        param = param.removesuffix("]")
        if function == "test_operation":
            return self.names.get(param, param)
        if function == "test_named_scenario":
            return f"scenario: {param}"
        kind = re.sub(r"^test_", "", function).replace("_", " ")
        return f"{kind}: {param}" if param else kind  # a provocation's or a spec link's id


def operation_names(settings: RunSettings) -> dict[str, str]:
    """'METHOD /path' (Schemathesis' test parameter) -> operationId."""
    try:
        spec = settings.load_spec()
    except Exception:  # the suite itself reports a bad spec; progress just shows ids
        return {}
    return {f"{op.method} {op.path}": op.operation_id for op in spec.operations}


class ProgressReporter:
    def __init__(self, config: pytest.Config, settings: RunSettings) -> None:
        self.config, self.quiet = config, settings.quiet
        self.state = Progress(names=operation_names(settings))
        self.tty = sys.stdout.isatty()

    @pytest.hookimpl(trylast=True)
    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.state.total = self.state.total or len(session.items)

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: object, ids: list[str]) -> None:
        self.state.total = max(self.state.total, len(ids))

    @pytest.hookimpl(wrapper=True)
    def pytest_report_teststatus(
        self, report: pytest.TestReport, config: pytest.Config
    ) -> Generator[None, tuple[str, str, object], tuple[str, str, object]]:
        category, _, word = yield
        return category, "", word  # no dots: the lines below say more

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        test = report.location[2]
        outcome = "error" if report.failed and report.when != "call" else report.outcome
        if self.state.outcomes.get(test, "passed") not in BAD:
            self.state.outcomes[test] = outcome
        if report.when == "teardown":
            self.finished(test)

    def finished(self, test: str) -> None:
        state = self.state
        state.done += 1
        outcome = state.outcomes.pop(test, "passed")
        state.failures += outcome in BAD
        now = time.monotonic()
        last = bool(state.total) and state.done >= state.total
        if self.quiet:
            return
        if not self.tty and now - state.last_line < PLAIN_EVERY and not last:
            return
        state.last_line = now
        writer = self.config.get_terminal_writer()
        colour = {"red": True} if outcome in BAD else {"green": outcome == "passed"}
        writer.line(state.line(test, outcome), **(colour if self.tty else {}))


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):  # xdist workers report to the controller
        config.pluginmanager.register(
            ProgressReporter(config, RunSettings.from_env()), "ordermesh-progress"
        )
