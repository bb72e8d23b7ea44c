"""One violation is one failure: met again at the same operation it counts, elsewhere it adds a
place to `seen_at`; across workers the same holds when their parts are merged."""

from __future__ import annotations

import json

from conformance.reporting.stats import PARTS_DIR, Stats, merge_parts


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
