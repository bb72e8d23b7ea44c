"""A whole smoke run through the staging-like dialect fails only where the dialect differs.

The dialect proxy is a consistent target that differs from the spec's inferred elements: every
failure of a run through it must be at an operation one of its rules rewrites, and the run must
see the dialect (these are what a first run against a staging names as "spec inference
contradicted"); none of them may be our crash.
"""

from __future__ import annotations

import pytest

from conformance.exit_codes import Exit
from conformance.selftest.dialect import DIALECTS, SuccessCode
from conformance.selftest.matrix import SUITE_ERROR, execute_run, run_command
from conformance.selftest.proxied import MOCK_ENV, proxied_mock
from spec import load_spec

SEED = 7
RUN_TIMEOUT = 900  # seconds: a bound on a whole smoke run, loaded machines included


@pytest.mark.long
def test_a_smoke_run_through_the_dialect_fails_only_at_rewritten_operations(tmp_path):
    spec = load_spec()
    dialect = DIALECTS["staging-like"]
    reach = dialect.operations(spec)
    rewritten = frozenset().union(*reach.values())
    with proxied_mock([], dialect=dialect.name) as url:
        command = run_command("smoke", SEED, tmp_path, [], [], url)
        outcome = execute_run(command, tmp_path, RUN_TIMEOUT, MOCK_ENV)
    assert outcome.summary is not None, outcome.log
    failures = outcome.summary["failures"]
    assert outcome.exit_code == Exit.FAILURES, outcome.log
    assert not [f for f in failures if f["check"] == SUITE_ERROR]
    where = {f["operation"] for f in failures}
    assert where and where <= rewritten, sorted(where - rewritten)
    unseen = [rule for rule, operations in reach.items() if not where & operations]
    assert not unseen, unseen  # each rule shows at an operation it rewrites
    (status_rule,) = [r for r in dialect.rules if isinstance(r, SuccessCode)]
    assert any(
        f["operation"] == status_rule.operation and f["check"] == "status_code_conformance"
        for f in failures
    )
