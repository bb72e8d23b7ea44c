"""Preparers of the shipment operations: a shipment, package or item of the right state."""

from __future__ import annotations

from conformance.machinery.factory import VENDOR
from conformance.machinery.preparation import Preparation, body_of, prepares
from conformance.transport.operations import Preparable, operation_of


# ---------------------------------------------------------------------- shipments
@prepares("createShipment")
def _create_shipment(p: Preparation, case: Preparable) -> None:
    order = p.factory.order(items=2)
    body = body_of(case)
    body.update(orderId=order["id"], orderItemIds=[order["items"][0]["id"]])
    body.setdefault("vendorId", VENDOR)


@prepares("getShipmentById", "getShipmentAuditLogs", "getShipmentMessageAuditLogs")
def _shared_shipment(p: Preparation, case: Preparable) -> None:
    case.path_parameters["shipmentId"] = p.shipment["id"]


@prepares("getShipmentForOrderAndVendor")
def _shipment_for_vendor(p: Preparation, case: Preparable) -> None:
    case.path_parameters.update(orderId=p.shipment["orderId"], vendorId=p.shipment["vendorId"])


@prepares("getShipmentByOrderItemId")
def _shipment_for_item(p: Preparation, case: Preparable) -> None:
    case.path_parameters["orderItemId"] = p.shipment["orderItemIDs"][0]


@prepares("getPackageAuditLogs")
def _shared_package(p: Preparation, case: Preparable) -> None:
    case.path_parameters.update(
        shipmentId=p.shipment["id"], packageId=p.shipment["packages"][0]["id"]
    )


FRESH_SHIPMENT_STATE = {
    "updateShipment": "Created",
    "deleteShipment": "Created",
    "createPackages": "Created",
    "cancelShipment": "Created",
    "unassignShipmentItems": "Created",
    "resubmitShipment": "Assigned",
    "retryShipmentPolling": "Assigned",
    "assignShipment": "Created",
    "generatePackingSlip": "Created",
    "updatePackage": "Assigned",
}


@prepares(*FRESH_SHIPMENT_STATE)
def _fresh_shipment(p: Preparation, case: Preparable) -> None:
    operation_id = operation_of(case)
    order = p.factory.order(full=True)  # its items' images show in the shipment's answers
    # Two items where one is taken out, so the answer still shows one.
    items = 2 if operation_id == "unassignShipmentItems" else 1
    shipment = p.factory.shipment(order, FRESH_SHIPMENT_STATE[operation_id], items)
    case.path_parameters["shipmentId"] = shipment["id"]
    if operation_id in ("generatePackingSlip", "updatePackage"):
        package = p.factory.package(shipment["id"])
        case.path_parameters["packageId"] = package["id"]
    body = case.body if isinstance(case.body, dict) else None
    if operation_id == "unassignShipmentItems":
        body_of(case)["orderItemIds"] = shipment["orderItemIDs"][:1]
    if operation_id == "createPackages" and isinstance(case.body, list):
        for entry in case.body:
            if isinstance(entry, dict) and "orderItemIDs" in entry:
                entry["orderItemIDs"] = shipment["orderItemIDs"]
    if body is not None and operation_id == "updatePackage":
        body.pop("fulfilledDate", None)
        if not body:  # the schema wants at least one field
            body["carrierTrackingNumber"] = f"{p.factory.run_id}-TRACK"


@prepares("rerouteShipment", "rejectShipment")
def _shipment_inbody_of(p: Preparation, case: Preparable) -> None:
    shipment = p.factory.shipment()
    body = body_of(case)
    body["shipmentId"] = shipment["id"]
    if "orderItems" in body:
        body["orderItems"] = [{"id": i} for i in shipment["orderItemIDs"]]


@prepares("rerouteShipmentsBulk")
def _reroute_bulk(p: Preparation, case: Preparable) -> None:
    for entry in body_of(case).get("bulk", []):
        if isinstance(entry, dict):
            shipment = p.factory.shipment()
            entry["shipmentId"] = shipment["id"]
            if "orderItems" in entry:
                entry["orderItems"] = [{"id": i} for i in shipment["orderItemIDs"]]
