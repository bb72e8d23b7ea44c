"""A 2xx answer shows null for every documented optional, nullable property it has no value for."""

from __future__ import annotations

from mock_helpers import create_order, get_order

from conformance.coverage import walk
from ordermesh_mock.nulls import accepts_null


def lacking(schema: dict, answer: object) -> list[str]:
    """Optional nullable properties an object of the answer does not carry, by place."""
    missing: list[str] = []

    def visitor(pointer: str, node: dict, value: object) -> None:
        if not isinstance(value, dict):
            return
        required = node.get("required") or ()
        for name, sub in (node.get("properties") or {}).items():
            if name not in required and accepts_null(sub) and name not in value:
                missing.append(f"{pointer}/{name}")

    walk.visit(schema, answer, visitor)
    return missing


def test_an_order_read_answers_null_for_what_it_has_no_value_for(api, spec):
    read = spec.operation("getOrderById")
    schema = read.responses["200"]["application/json"]
    images = [{"url": "https://example.com/a.png"}]
    oid = create_order(api, items=1)["id"]
    item = get_order(api, oid)["items"][0]
    assert api.patch(f"/v1/orders/{oid}/items/{item['id']}", json={"images": images}).is_success
    answer = api.get(f"/v1/orders/{oid}").json()
    assert lacking(schema, answer) == []
    order = answer["order"]
    assert order["reprint"] is None and order["billingAddress"] is None
    assert order["items"][0]["images"][0]["ourUrl"] is None


def test_a_refusal_is_not_completed(api):
    answer = api.get(f"/v1/orders/{'0' * 24}")
    assert answer.status_code == 404
    assert None not in answer.json().values()
