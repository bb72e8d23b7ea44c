"""The dialect proxy: each rule reads its facts from the spec and translates both ways."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from conformance.config.settings import MOCK_MERCHANT_A, MOCK_MERCHANT_B, RunSettings, new_run_id
from conformance.machinery.harness import Harness
from conformance.selftest import schema_walk
from conformance.selftest.dialect import (
    DIALECTS,
    INFERRED,
    DialectError,
    EnumNames,
    EnumSpelling,
    ErrorBody,
    RenameProperty,
    SuccessCode,
    Translator,
    upper_snake,
)
from conformance.selftest.proxy import serve_in_thread
from conformance.selftest.proxy_faults import ProxiedRequest, ProxiedResponse
from ordermesh_mock.config import MockConfig
from ordermesh_mock.server import run_in_thread
from spec import load_spec

SPEC = load_spec()
STAGING = DIALECTS["staging-like"]


def translator() -> Translator:
    return Translator(SPEC, STAGING)


def answer(operation_id: str, status: str) -> object:
    responses = SPEC.operation(operation_id).raw["responses"]
    return schema_walk.media_schema(SPEC, responses[status])


def test_the_staging_like_dialect_differs_in_six_kinds_of_inferred_element():
    kinds = {type(rule) for rule in STAGING.rules}
    assert kinds == {SuccessCode, EnumNames, EnumSpelling, RenameProperty, ErrorBody}
    assert len(STAGING.rules) >= 6
    schemas = SPEC.document["components"]["schemas"]
    for rule in STAGING.rules:
        rule.describe(SPEC)  # reads its facts from the spec, or raises
        if isinstance(rule, SuccessCode):
            assert SPEC.operation(rule.operation).provenance == INFERRED
        else:
            assert schemas[rule.schema]["x-provenance"] == INFERRED
    assert all(STAGING.operations(SPEC).values())  # each rule reaches some answer


def test_a_rule_naming_a_documented_or_missing_element_is_refused():
    documented = next(
        n
        for n, s in SPEC.document["components"]["schemas"].items()
        if s.get("x-provenance") != INFERRED
    )
    with pytest.raises(DialectError, match="not x-provenance"):
        EnumNames(documented).mapping(SPEC)
    with pytest.raises(DialectError, match="no schema"):
        EnumNames("NoSuchSchema").mapping(SPEC)
    seed = next(op.operation_id for op in SPEC if op.provenance == "seed")
    with pytest.raises(DialectError):
        SuccessCode(seed, 299).replaced(SPEC)


def test_shipment_status_travels_as_its_names_and_comes_back_as_integers():
    schema = answer("getShipmentById", "200")
    names = SPEC.component_schema("ShipmentStatus")
    values = names["enum"]
    varnames = SPEC.document["components"]["schemas"]["ShipmentStatus"]["x-enum-varnames"]
    body = {"id": "x", "shipmentStatus": values[-1]}
    sent = translator().forward(schema, body)
    assert sent == {"id": "x", "shipmentStatus": varnames[-1]}
    assert translator().backward(schema, sent) == body


def test_note_resource_type_is_upper_snake_both_ways():
    values = SPEC.component_schema("NoteResourceType")["enum"]
    request_schema = schema_walk.media_schema(SPEC, SPEC.operation("createNote").raw["requestBody"])
    dialect = {"resourceType": upper_snake(values[1]), "text": "x"}
    assert translator().backward(request_schema, dialect)["resourceType"] == values[1]
    schema = answer("getNoteById", "200")
    body = {"note": {"resourceType": values[1], "text": "x"}}
    sent = translator().forward(schema, body)
    assert sent["note"]["resourceType"] == upper_snake(values[1]) != values[1]
    assert translator().backward(schema, sent) == body


def test_the_list_envelope_and_a_record_field_are_renamed_both_ways():
    schema = answer("listOrders", "200")
    body = {"page": 1, "pageSize": 1, "totalCount": 1, "orders": [{"id": "a", "itemCount": 2}]}
    sent = translator().forward(schema, body)
    assert sent == {
        "page": 1,
        "pageSize": 1,
        "totalCount": 1,
        "data": [{"id": "a", "itemsCount": 2}],
    }
    assert translator().backward(schema, sent) == body
    # searchOrders shares the record schema, not the envelope
    search = translator().forward(answer("searchOrders", "200"), {"orders": [{"itemCount": 1}]})
    assert search == {"orders": [{"itemsCount": 1}]}


def test_the_not_found_body_is_nested_and_comes_back():
    schema = answer("getNoteById", "404")
    body = {"statusCode": 404, "message": "Record Not Found"}
    sent = translator().forward(schema, body)
    assert sent == {"error": {"code": 404, "message": "Record Not Found"}}
    assert translator().backward(schema, sent) == body
    # another error schema keeps the spec's shape
    other = {"statusCode": 400, "message": "bad", "errors": []}
    assert translator().forward(answer("getNoteById", "400"), other) == other


def test_an_audited_change_of_an_enum_field_travels_as_the_field_does():
    varnames = SPEC.document["components"]["schemas"]["ShipmentStatus"]["x-enum-varnames"]
    values = SPEC.component_schema("ShipmentStatus")["enum"]
    schema = answer("getShipmentAuditLogs", "200")
    change = {"field": "shipmentStatus", "oldValue": values[0], "newValue": values[3]}
    other = {"field": "facilityId", "oldValue": 1, "newValue": 2}
    body = {"auditLogs": [{"changes": [change, other]}]}
    sent = translator().forward(schema, body)
    assert sent["auditLogs"][0]["changes"] == [
        {"field": "shipmentStatus", "oldValue": varnames[0], "newValue": varnames[3]},
        other,
    ]
    assert translator().backward(schema, sent) == body


def _request(operation_id: str, query: str = "", body: bytes = b"") -> ProxiedRequest:
    op = SPEC.operation(operation_id)
    return ProxiedRequest(op.method, op.path, op.path, query, (), body, operation_id)


def test_query_values_are_translated_back_and_the_success_code_forward():
    varnames = SPEC.document["components"]["schemas"]["ShipmentStatus"]["x-enum-varnames"]
    values = SPEC.component_schema("ShipmentStatus")["enum"]
    request = translator().request(_request("searchShipments", f"shipmentStatus={varnames[3]}"))
    assert request.params() == [("shipmentStatus", str(values[3]))]
    unchanged = _request("searchShipments", f"shipmentStatus={values[3]}")
    assert translator().request(unchanged) == unchanged  # the spec's own form passes as is
    (created,) = SPEC.operation("createShipment").success_statuses
    upstream = ProxiedResponse(created, (), b'{"id": "x", "shortId": "S1", "shipmentStatus": 1}')
    sent = translator().response(_request("createShipment"), upstream)
    assert sent.status == 200 != created
    assert sent.json()["shipmentStatus"] == varnames[0]


@pytest.fixture(scope="module")
def dialect_url() -> Iterator[str]:
    mock, stop_mock = run_in_thread(MockConfig())
    url, stop_proxy = serve_in_thread(mock, dialect="staging-like")
    yield url
    stop_proxy()
    stop_mock()


def test_through_a_live_mock_the_dialect_is_consistent(dialect_url):
    settings = RunSettings(
        base_url=dialect_url,
        credentials=MOCK_MERCHANT_A,
        tenant_b=MOCK_MERCHANT_B,
        run_id=new_run_id(),
    )
    built = Harness.build(settings)
    try:
        headers = built.auth_headers()
        made = built.factory.shipment()  # through the dialect: a shipment to search for
    finally:
        built.close()
    varnames = SPEC.document["components"]["schemas"]["ShipmentStatus"]["x-enum-varnames"]
    with httpx.Client(base_url=dialect_url, headers=headers) as raw:
        listed = raw.get(SPEC.operation("listOrders").path).json()
        assert "data" in listed and "orders" not in listed
        missing = raw.get(SPEC.operation("getNoteById").path.replace("{noteId}", "0" * 24))
        assert missing.status_code == 404 and set(missing.json()) == {"error"}
        found = raw.get(
            SPEC.operation("searchShipments").path, params={"shipmentStatus": varnames[0]}
        )
        assert found.status_code == 200, found.text
        shipments = found.json()["shipments"]
        assert made["id"] in {s["id"] for s in shipments}  # the name went back as its code
        assert {s["shipmentStatus"] for s in shipments} == {varnames[0]}
