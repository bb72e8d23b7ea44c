"""What the fulfilment side adds to a read: merchant prices, geocoded addresses, facility names,
the carrier mapping, and an echo of what a refusal refused."""

from __future__ import annotations

import jsonschema_rs
from mock_helpers import (
    ADDRESS,
    FACILITY,
    assign,
    create_order,
    create_shipment,
    get_item,
    get_order,
    get_shipment,
    order_body,
)

from ordermesh_mock.auth import MERCHANT_B
from ordermesh_mock.handlers.fulfilment import GEOCODED, MONEY_MAXIMUM


def valid(spec, operation: str, body: object) -> bool:
    schema = spec.operation(operation).responses["200"]["application/json"]
    return jsonschema_rs.validator_for(schema).is_valid(body)


def test_an_item_is_priced_from_its_customer_prices_and_live_quantity(api, spec):
    order = get_order(api, create_order(api, items=2, quantity=3)["id"])
    item = order["items"][0]
    price, shipping = item["customerPrice"]["amount"], item["customerShippingPrice"]["amount"]
    assert item["customerSubtotal"] == {"currency": "USD", "amount": price * 3}
    assert item["merchantItemTotal"]["amount"] == price * 3 + shipping
    assert order["merchantTotal"]["amount"] == sum(
        i["merchantItemTotal"]["amount"] for i in order["items"]
    )
    assert item["skipImgManip"] is False and item["clientAttributes"] == {}
    assert get_item(api, item["id"])["merchantPrice"] == item["merchantPrice"]
    assert valid(spec, "getOrderById", {"order": order})


def test_a_price_past_the_spec_money_bound_is_null_not_invalid(api, spec):
    big = order_body(items=1, quantity=5)
    big["items"][0]["customerPrice"]["amount"] = MONEY_MAXIMUM
    r = api.post("/v1/orders", json=big)
    assert r.status_code == 201, r.text
    order = get_order(api, r.json()["id"])
    item = order["items"][0]
    assert item["merchantPrice"]["amount"] == MONEY_MAXIMUM
    assert item["customerSubtotal"] is None and order["merchantTotal"] is None
    assert valid(spec, "getOrderById", {"order": order})


def test_addresses_are_geocoded_the_same_way_each_read(api):
    oid = create_order(api, billingAddress={**ADDRESS, "line1": "2 Oak Avenue"})["id"]
    first, again = get_order(api, oid), get_order(api, oid)
    assert first["shippingAddress"][GEOCODED] == again["shippingAddress"][GEOCODED]
    assert first["shippingAddress"][GEOCODED] != first["billingAddress"][GEOCODED]


def test_an_assigned_shipment_names_its_facility_on_the_order(api, spec):
    order = get_order(api, create_order(api, items=1)["id"])
    sid = create_shipment(api, order["id"], [order["items"][0]["id"]])["id"]
    before = get_shipment(api, sid)
    assert before["facilityName"] is None and get_order(api, order["id"])["facilityNames"] == []
    assert assign(api, sid).status_code == 200
    after = get_shipment(api, sid)
    assert FACILITY in after["facilityName"]
    assert get_order(api, order["id"])["facilityNames"] == [after["facilityName"]]
    mapping = after["selectedShippingMapping"]
    assert mapping["shippingMethods"][0]["carriers"][0]["countryCodesToApply"] == [
        ADDRESS["countryCode"]
    ]
    assert valid(spec, "getShipmentById", after)


def test_a_bulk_refusal_echoes_the_entry_it_refused(api):
    create_order(api, safeId="SAFE-B1")
    body = order_body(safeId="SAFE-B1")
    r = api.post("/v1/orders/bulk", json={"bulk": [body]})
    failure = r.json()["results"][0]
    assert failure["statusCode"] == 409
    assert failure["errors"][0]["attemptedValue"] == body["externalId"]


def test_a_repeated_safe_id_names_the_status_of_the_callers_order(api):
    create_order(api, safeId="SAFE-C1")
    r = api.post("/v1/orders", json=order_body(safeId="SAFE-C1"))
    assert r.status_code == 409 and r.json()["currentStatus"] == get_order_status(api, "SAFE-C1")


def get_order_status(api, safe_id: str) -> str:
    r = api.get(f"/v1/orders/safeId/{safe_id}")
    assert r.status_code == 200, r.text
    return r.json()["order"]["status"]


def test_a_safe_id_another_merchant_holds_leaves_its_status_unsaid(api):
    b = api.login_b()
    assert create_order(b, merchant=MERCHANT_B, safeId="SAFE-D1")
    r = api.post("/v1/orders", json=order_body(safeId="SAFE-D1"))
    assert r.status_code == 409 and "currentStatus" not in r.json()
