"""Operation handlers, registered by operationId (importing the modules registers them)."""

from ordermesh_mock.handlers import (
    auth,
    notes,
    order_actions,
    orders,
    refunds,
    shipment_actions,
    shipments,
)
from ordermesh_mock.handlers.common import HANDLERS

MODULES = (auth, notes, order_actions, orders, refunds, shipment_actions, shipments)

__all__ = ["HANDLERS", "MODULES"]
