"""Drift against the mock: the seeded schema/status faults and nothing else; the overlay makes
them vanish; the clean mock shows no drift at all."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
import yaml
from drift_helpers import FAULTS

from conformance.commands.drift import write_reports
from conformance.drift.analyse import operation_pointer
from ordermesh_mock.faults import BY_NAME
from spec import SPEC_PATH, load_spec
from spec.overlay import apply_overlay_file

pytestmark = pytest.mark.slow


def expected_findings() -> set[tuple[str, str, str, str]]:
    """(kind, spec node, name, provenance group) per fault, from the faults' own descriptions."""
    spec = load_spec()
    responses = "{}/responses".format
    return {
        # "GET order (by id and safeId) omits `status`": GetOrderModel is documented
        ("missing-field", "#/components/schemas/GetOrderModel", "status", "documented"),
        # "shipments serialize shipmentStatus as a string": the integer enum is inferred
        ("type-mismatch", "#/components/schemas/ShipmentStatus", "string", "inferred"),
        # "createOrder answers 200 instead of 201": a documented operation
        (
            "undocumented-status",
            responses(operation_pointer(spec, "createOrder")),
            "200",
            "documented",
        ),
        # "a refused holdOrder answers 422 (undocumented) instead of 409": an inferred operation
        (
            "undocumented-status",
            responses(operation_pointer(spec, "holdOrder")),
            "422",
            "inferred",
        ),
    }


def summary(report) -> set[tuple[str, str, str, str]]:
    return {
        (f.kind, f.location, f.name, "inferred" if f.provenance == "inferred" else "documented")
        for f in report.findings
    }


def test_the_faults_under_test_are_the_schema_and_status_ones():
    assert {BY_NAME[name].category for name in FAULTS} == {"response-schema", "status-code"}


def test_faulty_mock_shows_exactly_the_seeded_faults(faulty_report):
    assert summary(faulty_report) == expected_findings()
    assert not faulty_report.unprepared
    by_kind = {f.kind: f for f in faulty_report.findings}
    assert set(by_kind["missing-field"].operations) == {"getOrderById", "getOrderBySafeId"}
    assert {"getShipmentById", "createShipment"} <= set(by_kind["type-mismatch"].operations)


def test_groups_follow_provenance(faulty_report):
    assert {f.location for f in faulty_report.contradicted()} == {
        "#/components/schemas/ShipmentStatus",
        "{}/responses".format(operation_pointer(load_spec(), "holdOrder")),
    }
    assert all(f.provenance in ("docs", "seed") for f in faulty_report.violated())
    # an inferred schema the target contradicted is never also "confirmed"
    assert "#/components/schemas/ShipmentStatus" not in faulty_report.confirmed
    assert "#/components/schemas/OrderStatus" in faulty_report.confirmed


def test_reports_and_overlay_files(faulty_report, tmp_path):
    overlay_path = write_reports(faulty_report, tmp_path, load_spec())
    data = json.loads((tmp_path / "drift.json").read_text())
    assert len(data["findings"]) == 4
    assert len(data["groups"]["inferred_contradicted"]) == 2
    assert "## Inferred elements contradicted" in (tmp_path / "drift.md").read_text()
    overlay = yaml.safe_load(overlay_path.read_text())
    assert overlay["overlay"] == "1.0.0"
    assert all(a["target"].startswith("$") for a in overlay["actions"])


def test_overlay_targets_are_standard_jsonpath(faulty_report, tmp_path):
    """A real JSONPath engine (jsonpath-plus) selects exactly one node per target."""
    # Node and jsonpath-plus come with `npm ci` (.ci/run does it); missing is a setup error.
    assert shutil.which("node"), "node is not installed: run `npm ci` with Node >= 18 available"
    overlay = yaml.safe_load(write_reports(faulty_report, tmp_path, load_spec()).read_text())
    spec_json = tmp_path / "spec.json"
    spec_json.write_text(json.dumps(load_spec().document, default=str))
    script = (
        "const {JSONPath}=require('jsonpath-plus');const fs=require('fs');"
        "const doc=JSON.parse(fs.readFileSync(process.argv[1]));"
        "const paths=JSON.parse(process.argv[2]);"
        "console.log(JSON.stringify(paths.map(p=>JSONPath({path:p,json:doc,wrap:true}).length)))"
    )
    targets = [a["target"] for a in overlay["actions"]]
    out = subprocess.run(
        ["node", "-e", script, str(spec_json), json.dumps(targets)],
        capture_output=True,
        text=True,
        check=True,
        cwd=SPEC_PATH.parent.parent,
    )
    assert json.loads(out.stdout) == [1] * len(targets)


def test_the_proposed_overlay_corrects_only_the_inferences(faulty_report, drift, tmp_path):
    overlay_path = write_reports(faulty_report, tmp_path, load_spec())
    patched = tmp_path / "ordermesh.patched.yaml"
    assert apply_overlay_file(SPEC_PATH, overlay_path, patched) == []
    again = drift(FAULTS, spec=patched)
    # The overlay corrects the inferences; what breaks a documented element stays the API's.
    assert again.contradicted() == []
    assert summary(again) == {t for t in summary(faulty_report) if t[3] == "documented"}
    assert not again.unprepared


def test_clean_mock_shows_no_drift(drift):
    report = drift()
    assert report.findings == []
    assert not report.unprepared
    assert report.confirmed  # the inferred spec parts the mock exercised
