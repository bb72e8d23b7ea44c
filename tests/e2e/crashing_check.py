"""A pytest plugin for tests/e2e/test_counts_add_up.py: the lifecycle read-back check crashes
with a bug of our own (loaded into the suites' pytest with `-p crashing_check`)."""

from __future__ import annotations

from conformance.stateful.checks import Verifier

MESSAGE = "a bug of our own in the read-back check"


def _crash(self, *args, **kwargs):
    raise RuntimeError(MESSAGE)


def pytest_configure(config) -> None:
    """Only in the suites' pytest that loads this plugin: importing MESSAGE patches nothing."""
    Verifier.verify_order = _crash  # type: ignore[method-assign]
