"""The store keeps records and audit events encoded: reads are exact, private copies."""

from __future__ import annotations

from mock_helpers import order_body

from ordermesh_mock.records import RecordTable, decode, decode_event, encode, encode_event

HUGE = 2**80  # beyond orjson's 64-bit integers: must round-trip exactly, not as a float


def test_records_round_trip_exactly():
    record = {"id": "o1", "n": HUGE, "nested": {"x": [1, -HUGE, 2.5, None, "é"]}}
    assert decode(encode(record)) == record
    assert decode(encode({"a": 1})) == {"a": 1}


def test_events_round_trip_and_shrink():
    event = {"resource": "x" * 2000, "changes": [{"field": "f", "oldValue": None, "newValue": 1}]}
    data = encode_event(event)
    assert decode_event(data) == event
    assert len(data) < len(encode(event)) / 4


def test_table_reads_are_private_copies():
    table = RecordTable()
    table["o1"] = {"status": "Open", "items": [1]}
    read = table["o1"]
    read["status"] = "Cancelled"
    read["items"].append(2)
    assert table["o1"] == {"status": "Open", "items": [1]}
    assert table.get("missing") is None and "o1" in table and len(table) == 1
    del table["o1"]
    assert list(table) == []


def test_huge_integer_echoed_in_a_validation_error(api):
    body = order_body()
    body["items"][0]["quantity"] = HUGE
    r = api.post("/v1/orders", json=body)
    assert r.status_code == 400
    errors = {e["propertyName"]: e for e in r.json()["errors"]}
    assert errors["items[0].quantity"]["attemptedValue"] == HUGE
