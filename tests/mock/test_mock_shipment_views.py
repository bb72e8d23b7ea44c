"""A shipment answers what its order's items hold: their images, each package's items."""

from __future__ import annotations

from mock_helpers import add_package, create_order, create_shipment, get_order, get_shipment

IMAGE = {"url": "https://example.com/front.png", "area": "Front"}


def test_a_shipment_item_shows_the_order_item_images(api):
    oid = create_order(api, items=1)["id"]
    item = get_order(api, oid)["items"][0]
    assert api.patch(f"/v1/orders/{oid}/items/{item['id']}", json={"images": [IMAGE]}).is_success
    sid = create_shipment(api, oid, [item["id"]])["id"]
    [shown] = get_shipment(api, sid)["orderItems"]
    assert [{k: shown["images"][0][k] for k in IMAGE}] == [IMAGE]


def test_a_package_lists_each_of_its_items_with_the_quantity_shipped(api):
    oid = create_order(api, items=2, quantity=3)["id"]
    items = [i["id"] for i in get_order(api, oid)["items"]]
    sid = create_shipment(api, oid, items)["id"]
    pid = add_package(api, sid)
    [package] = [p for p in get_shipment(api, sid)["packages"] if p["id"] == pid]
    assert package["packageOrderItems"] == [{"orderItemId": i, "quantity": 3} for i in items]
