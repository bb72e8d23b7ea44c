"""The one suite session of a pytest process: settings, target, harness and stats.

Schemathesis registers auth and hooks when a test module is imported, before any pytest fixture
exists, so the session they use has to be reachable without fixtures. `current()` builds it once
per process (one per xdist worker) and the fixtures in conftest.py hand out the same object.
"""

from __future__ import annotations

import atexit
import functools
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import requests
from schemathesis.auths import ReauthState

from conformance.checks.context import CheckContext, StCheck
from conformance.config.settings import RunSettings, new_run_id
from conformance.machinery.embedded import embedded_mock
from conformance.machinery.harness import Harness
from conformance.reporting.evidence import Evidence
from conformance.reporting.stats import PARTS_DIR, Stats
from conformance.transport.auth import new_reauth_state

if TYPE_CHECKING:
    from hypothesis.vendor.pretty import RepresentationPrinter


MARKS_DIR = "once"  # under the run's parts: what one process did for the whole run (once.py)


@dataclass
class SuiteSession:
    """(Printed by Hypothesis with every failing case: keep it to one short line.)"""

    def _repr_pretty_(self, printer: RepresentationPrinter, cycle: bool) -> None:
        printer.text(f"<SuiteSession run {self.settings.run_id} on {self.settings.base_url}>")

    settings: RunSettings
    harness: Harness
    stats: Stats
    stop_mock: Callable[[], None] | None
    # Operations whose Allure test already has its labels (labels add up per generated case).
    labelled: set[str] = field(default_factory=set)
    check_context: CheckContext | None = None  # what the project's checks share, built once
    ignored_auth: StCheck | None = None  # Schemathesis' check, once per operation (it keeps state)
    reauth: ReauthState = field(default_factory=new_reauth_state)
    evidence: Evidence | None = None  # answers that broke the spec's shapes (the overlay's)
    rerun: str | None = None  # the run that replays the test running now (suites/accounting.py)

    @property
    def http(self) -> requests.Session:
        """One keep-alive pool for the generated calls, as `st run` has, behind the run's
        throttle; without it Schemathesis opens a new session and connection for every case."""
        return self.harness.http


@functools.cache
def current() -> SuiteSession:
    settings = RunSettings.from_env()
    if not settings.run_id:
        settings = replace(settings, run_id=new_run_id())
    stop = None
    if not settings.base_url:
        settings, stop = embedded_mock(settings)
        atexit.register(stop)
    harness = Harness.build(settings)
    harness.share_marks(Path(settings.reports_dir) / PARTS_DIR / MARKS_DIR)
    session = SuiteSession(
        settings, harness, Stats(), stop, evidence=Evidence(settings.reports_dir)
    )
    # Every finding of the contract gate is one failure at the operation that answered; the
    # test that met it goes on (contract.py: fail forward).
    from conformance.suites.blocking import record_finding

    harness.gate.listener = functools.partial(record_finding, session)
    harness.seed_other_merchant()
    return session
