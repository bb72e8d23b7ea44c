"""Which operation of the spec a request was: method + URL path -> operationId.

The fault proxy routes real traffic to its faults with it, and drift names the operation that
refused a case's setup. Literal path segments win over placeholders, so `/v1/orders/search`
is searchOrders, not getOrderById with the id "search".
"""

from __future__ import annotations

import re

from spec import Operation, Spec


class OperationRouter:
    """method + path -> (operation, path parameters), from the spec's path templates."""

    def __init__(self, spec: Spec) -> None:
        routes = []
        for op in spec:
            pattern = re.sub(r"\\\{([^}]+)\\\}", r"(?P<\1>[^/]+)", re.escape(op.path))
            routes.append((op.path.count("{"), op, re.compile(f"^{pattern}$")))
        self._routes = [(op, rx) for _, op, rx in sorted(routes, key=lambda r: r[0])]

    def match(self, method: str, path: str) -> tuple[Operation | None, dict[str, str]]:
        for op, rx in self._routes:
            if op.method == method.upper() and (found := rx.match(path)):
                return op, found.groupdict()
        return None, {}

    def operation_id(self, method: str, path: str) -> str | None:
        operation, _ = self.match(method, path)
        return operation.operation_id if operation else None


def operation_of(case) -> str:
    """The operationId of a generated case: the one name the suite, checks and reports use."""
    return operation_id_of(case.operation)


def operation_id_of(api_operation) -> str:
    """The operationId of a Schemathesis API operation (the spec loader insists on one)."""
    return api_operation.definition.raw["operationId"]
