"""One violation is one failure: met again at the same operation it counts, elsewhere it adds a
place to `seen_at`; across workers the same holds when their parts are merged."""

from __future__ import annotations

import json

from conformance.failures.categories import kind_of
from conformance.reporting.stats import PARTS_DIR, Stats, merge_parts
from conformance.suites.junit import headline
from tests.support.summary_schema import failure_problems


def record(operation: str, key: list[str] | None = None, title: str = "t") -> dict:
    return {"check": "c", "operation": operation, "title": title, "category": "x", "key": key}


def test_the_same_violation_at_other_operations_is_one_failure_with_its_places():
    stats = Stats()
    for operation in ("getShipmentById", "getShipmentById", "searchShipments"):
        stats.failure(record(operation, key=["c", "ShipmentStatus", "shipmentStatus"]))
    stats.failure(record("getOrderById"))  # no key of its own: its operation is part of it
    assert len(stats.failures) == 2
    first = stats.failures[0]
    assert first["operation"] == "getShipmentById"
    assert (first["occurrences"], first["seen_at"]) == (3, {"searchShipments": 1})


def test_workers_merge_the_same_violation(tmp_path, monkeypatch):
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)  # parts named as the CLI's own
    parts = tmp_path / PARTS_DIR
    parts.mkdir()
    key = ["c", "ShipmentStatus", "shipmentStatus"]
    for worker, operation in (("gw0", "createShipment"), ("gw1", "getShipmentById")):
        stats = Stats()
        stats.failure(record(operation, key=key))
        stats.write(str(tmp_path))
        (parts / f"stats-{worker}.json").write_text(
            next(parts.glob("stats-main-*.json")).read_text()
        )
        next(parts.glob("stats-main-*.json")).unlink()
    merged = merge_parts(str(tmp_path))
    assert len(merged["failures"]) == 1
    assert merged["failures"][0]["occurrences"] == 2
    assert sum(1 for _ in parts.glob("stats-*.json")) == 2
    assert json.dumps(merged["failures"][0]["seen_at"]) in (
        '{"getShipmentById": 1}',
        '{"createShipment": 1}',
    )


def test_each_record_is_a_failure_record_summary_json_accepts(monkeypatch):
    """What a check records is the FailureRecord summary.json, the JUnit message and Allure read:
    complete, with its kind and its test, before any summary is built."""
    monkeypatch.setenv("PYTEST_CURRENT_TEST", "tests/x.py::test_operation[GET /v1/orders] (call)")
    stats = Stats()
    details = {"message": "m", "reproduction": "curl ...", "seed": 7}
    for operation in ("getShipmentById", "searchShipments", "searchShipments"):
        stats.failure({**record(operation, key=["c", "k"]), **details})
    [folded] = stats.failures
    assert folded["kind"] == kind_of("x")
    assert folded["tests"] == ["test_operation[GET /v1/orders]"]
    assert (folded["occurrences"], folded["seen_at"]) == (3, {"searchShipments": 2})
    assert failure_problems(folded) == []
    assert failure_problems({k: v for k, v in folded.items() if k != "kind"}) != []
    assert headline(stats.failures) == "c [x]: t"


def test_a_failure_a_test_failed_on_stays_the_test_s_whatever_the_gate_saw_last():
    """The gate's later sighting of a test's failure must not make it a finding of its own."""
    stats = Stats()
    stats.failure(record("createOrder"))
    stats.failure({**record("createOrder"), "source": "contract gate"})
    stats.failure({**record("getOrderById"), "source": "contract gate"})
    stats.failure({**record("getOrderById"), "source": "contract gate"})
    by_operation = {f["operation"]: f for f in stats.failures}
    assert "source" not in by_operation["createOrder"]
    assert by_operation["getOrderById"]["source"] == "contract gate"
