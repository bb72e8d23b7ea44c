"""Two runs to converge on a staging that differs from the spec's inferred elements.

The target is the staging-like dialect proxy in front of the mock: a success code, two enums, a
field, an error body and a list envelope differ from our inferences, consistently.
- Run 1 names every difference as "spec inference contradicted", tests nearly every operation,
  and proposes an overlay.
- Run 2, with that overlay, passes.
- Run 3 is run 2 against a target with one real defect as well: it is caught, as the API's.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from e2e_targets import run_conformance, summary_of

from conformance.failures.categories import API_DEFECT, CONTRADICTED
from conformance.selftest.dialect import DIALECTS
from conformance.selftest.proxied import MOCK_ENV, proxied_mock
from spec import load_spec

pytestmark = pytest.mark.long

SEED = "7"
MOST_OPERATIONS = 47
DIALECT = DIALECTS["staging-like"]


def smoke(url: str, reports: Path, *args: str):
    return run_conformance(
        "--base-url",
        url,
        "--profile",
        "smoke",
        "--seed",
        SEED,
        *args,
        reports=reports,
        env=MOCK_ENV,
    )


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    reports = tmp_path_factory.mktemp("run1")
    with proxied_mock([], dialect=DIALECT.name) as url:
        result = smoke(url, reports)
    return result, summary_of(reports), reports


@pytest.fixture(scope="module")
def overlay(first_run, tmp_path_factory) -> Path:
    reports = first_run[2]
    accepted = tmp_path_factory.mktemp("accepted") / "staging.overlay.yaml"
    shutil.copy(reports / "spec.overlay.yaml", accepted)  # the reviewed copy a team commits
    return accepted


def test_run_1_names_every_difference_as_a_contradicted_inference(first_run):
    result, summary, reports = first_run
    assert result.returncode == 1, result.stdout[-3000:]
    failures = summary["failures"]
    assert failures and {f["kind"] for f in failures} == {CONTRADICTED}, failures
    assert summary["totals"]["operations_tested"] >= MOST_OPERATIONS
    assert summary["blocked"] == {}
    places = {p for f in failures for p in [f["operation"], *f.get("seen_at", {})]}
    unseen = [rule for rule, ops in DIALECT.operations(load_spec()).items() if not places & ops]
    assert not unseen, unseen  # each difference is named at an operation it rewrites
    assert (reports / "spec.overlay.yaml").is_file()
    assert summary["spec_overlay"]["contradicted"]


def test_run_2_with_the_overlay_passes(overlay, tmp_path):
    with proxied_mock([], dialect=DIALECT.name) as url:
        result = smoke(url, tmp_path, "--overlay", str(overlay))
    summary = summary_of(tmp_path)
    assert summary["failures"] == [], summary["failures"]
    assert result.returncode == 0, result.stdout[-3000:]
    assert summary["spec_overlay"]["applied"] == [str(overlay)]


def test_run_3_catches_a_real_defect_beside_the_corrected_spec(overlay, tmp_path):
    with proxied_mock([], mock_faults=["refund-over-balance"], dialect=DIALECT.name) as url:
        result = smoke(url, tmp_path, "--overlay", str(overlay))
    failures = summary_of(tmp_path)["failures"]
    assert result.returncode == 1, result.stdout[-3000:]
    caught = [f for f in failures if f["check"] == "lifecycle_status"]
    assert caught and {f["kind"] for f in caught} == {API_DEFECT}, failures
    assert {f["kind"] for f in failures} == {API_DEFECT}, failures
