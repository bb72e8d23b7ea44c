"""The model's shipment and package rules (a mixin of `Model`, split off for size)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from conformance.stateful.entities import ITEM, ORDER, SHIPMENT, Expected, Package, Rule, Shipment

if TYPE_CHECKING:
    from conformance.stateful.model import Model

    _Base = Model
else:
    _Base = object


class ShipmentRules(_Base):
    def create_shipment(self, order_handle: str, item_handles: list[str]) -> Expected:
        order = self.orders[order_handle]
        expected = Expected("createShipment")
        refusals = self._refusals(ORDER, order.status, "createShipment")
        for item_handle in item_handles:
            refusals += self._refusals(ITEM, self.items[item_handle].status, "createShipment")
        if refusals:
            expected.refusals = tuple(refusals)
            return expected
        shipment = Shipment(self._new_handle("shipment"), order_handle, list(item_handles))
        shipment.status = self._move(expected, SHIPMENT, None, "createShipment")
        self.shipments[shipment.handle] = shipment
        order.shipments.append(shipment.handle)
        self._shipment_event(expected, shipment)
        for item_handle in item_handles:
            item = self.items[item_handle]
            item.status = self._move(expected, ITEM, item.status, "createShipment")
            item.shipment = shipment.handle
            expected.audit["OrderItem", item_handle] += 1
        self._rederive(expected, order, "createShipment")
        return expected

    def _shipment_refusals(self, shipment: Shipment, operation: str, when=None) -> list[Rule]:
        """The shipment's own refusal and, for the moves a hold blocks, its order's."""
        order = self.orders[shipment.order]
        return self._refusals(SHIPMENT, shipment.status, operation, when) + self._refusals(
            ORDER, order.status, operation, when
        )

    def _simple_shipment_move(self, handle: str, operation: str, facility=None) -> Expected:
        """assign, reroute, reject, resubmit: one shipment moves, nothing else changes."""
        shipment = self.shipments[handle]
        expected = Expected(operation, tuple(self._shipment_refusals(shipment, operation)))
        if not expected.refused and operation == "resubmitShipment" and not shipment.facility:
            expected.refusals = (self.lifecycle.rule("shipment-resubmit-never-assigned"),)
        if expected.refused:
            return expected
        shipment.status = self._move(expected, SHIPMENT, shipment.status, operation)
        if facility is not None:
            shipment.facility = facility
        self._shipment_event(expected, shipment)
        return expected

    def assign(self, handle: str, facility: str) -> Expected:
        return self._simple_shipment_move(handle, "assignShipment", facility)

    def reroute(self, handle: str, facility: str) -> Expected:
        return self._simple_shipment_move(handle, "rerouteShipment", facility)

    def reroute_bulk(self, entries: list[tuple[str, str]]) -> tuple[Expected, list[Expected]]:
        """Bulk = the sum of single reroutes; each entry succeeds or fails on its own."""
        total = Expected("rerouteShipmentsBulk")
        singles = [self.reroute(handle, facility) for handle, facility in entries]
        for single in singles:
            total.transitions += single.transitions
            total.audit.update(single.audit)
        return total, singles

    def reject(self, handle: str) -> Expected:
        return self._simple_shipment_move(handle, "rejectShipment")

    def resubmit(self, handle: str) -> Expected:
        return self._simple_shipment_move(handle, "resubmitShipment")

    def touch_shipment(self, handle: str, operation: str) -> Expected:
        """updateShipment and retryShipmentPolling: one event, no status move."""
        shipment = self.shipments[handle]
        expected = Expected(operation, tuple(self._refusals(SHIPMENT, shipment.status, operation)))
        if not expected.refused:
            self._shipment_event(expected, shipment)
        return expected

    def _release_items(self, expected: Expected, shipment: Shipment, items: list[str]) -> None:
        for item_handle in items:
            item = self.items[item_handle]
            if item.shipment != shipment.handle:
                continue
            item.shipment = None
            if item.status == "Processing":
                item.status = self._move(expected, ITEM, item.status, expected.operation)
                expected.audit["OrderItem", item_handle] += 1
        self._rederive(expected, self.orders[shipment.order], expected.operation)

    def cancel_shipment(self, handle: str) -> Expected:
        shipment = self.shipments[handle]
        operation = "cancelShipment"
        expected = Expected(operation, tuple(self._refusals(SHIPMENT, shipment.status, operation)))
        if expected.refused:
            return expected
        shipment.status = self._move(expected, SHIPMENT, shipment.status, operation)
        self._shipment_event(expected, shipment)
        self._release_items(expected, shipment, shipment.items)
        return expected

    def unassign(self, handle: str, item_handles: list[str]) -> Expected:
        shipment = self.shipments[handle]
        operation = "unassignShipmentItems"
        expected = Expected(operation, tuple(self._refusals(SHIPMENT, shipment.status, operation)))
        if expected.refused:
            return expected
        self._shipment_event(expected, shipment)
        self._release_items(expected, shipment, item_handles)
        shipment.items = [i for i in shipment.items if i not in item_handles]
        for package_handle in shipment.packages:
            package = self.packages[package_handle]
            if any(i in item_handles for i in package.items):
                package.items = [i for i in package.items if i not in item_handles]
                expected.audit["Package", package_handle] += 1
        if not shipment.items:
            shipment.status = self._move(
                expected, SHIPMENT, shipment.status, operation, "Cancelled"
            )
        return expected

    def delete_shipment(self, handle: str) -> Expected:
        shipment = self.shipments[handle]
        operation = "deleteShipment"
        expected = Expected(operation, tuple(self._refusals(SHIPMENT, shipment.status, operation)))
        if expected.refused:
            return expected
        self._release_items(expected, shipment, shipment.items)
        for package_handle in shipment.packages:
            self.packages[package_handle].deleted = True
            expected.audit["Package", package_handle] += 1
        shipment.deleted = True
        self.orders[shipment.order].shipments.remove(handle)
        self._shipment_event(expected, shipment)
        return expected

    # ------------------------------------------------------------------ packages
    def create_package(self, shipment_handle: str, tracking: str) -> Expected:
        shipment = self.shipments[shipment_handle]
        operation = "createPackages"
        expected = Expected(operation, tuple(self._refusals(SHIPMENT, shipment.status, operation)))
        if expected.refused:
            return expected
        package = Package(
            self._new_handle("package"), shipment_handle, list(shipment.items), tracking=tracking
        )
        self.packages[package.handle] = package
        shipment.packages.append(package.handle)
        self._shipment_event(expected, shipment)
        expected.audit["Package", package.handle] += 1
        return expected

    def update_package(self, handle: str, tracking: str, ship: bool) -> Expected:
        """updatePackage; with `ship` it sets shippedDate, which ships the whole shipment."""
        package = self.packages[handle]
        shipment = self.shipments[package.shipment]
        operation = "updatePackage"
        when = "shippedDate" if ship else None
        expected = Expected(operation, tuple(self._shipment_refusals(shipment, operation, when)))
        if expected.refused:
            return expected
        package.tracking = tracking
        expected.audit["Package", handle] += 1
        if not ship:
            return expected
        package.shipped = True
        before = shipment.status
        shipment.status = self._move(expected, SHIPMENT, shipment.status, operation)
        if shipment.status != before:
            self._shipment_event(expected, shipment)
        for item_handle in shipment.items:
            item = self.items[item_handle]
            if item.status == "Processing":
                item.status = self._move(expected, ITEM, item.status, operation)
                expected.audit["OrderItem", item_handle] += 1
        self._rederive(expected, self.orders[shipment.order], operation)
        return expected

    def packing_slip(self, shipment_handle: str) -> Expected:
        shipment = self.shipments[shipment_handle]
        operation = "generatePackingSlip"
        expected = Expected(operation, tuple(self._refusals(SHIPMENT, shipment.status, operation)))
        if not expected.refused and not shipment.packages:
            expected.refusals = (self.lifecycle.rule("packing-slip-needs-package"),)
        if expected.refused:
            return expected
        self._shipment_event(expected, shipment)
        for package_handle in shipment.packages:  # each gets the new slip id
            expected.audit["Package", package_handle] += 1
        return expected
