"""The preparers' registry and what they share: `Preparation`, the shared resources.

A preparer (preparers.py, shipment_preparers.py) swaps real ids into a generated positive case.
Reads share resources made once; the rotations over a set of values count turns here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar, cast

from conformance.config.settings import Credentials
from conformance.machinery.contract import ContractBreach
from conformance.machinery.factory import Factory
from conformance.transport.operations import Preparable, operation_of
from spec.implied import sort_parameters

T = TypeVar("T")

Preparer = Callable[["Preparation", Preparable], None]
PREPARERS: dict[str, Preparer] = {}


def prepares(*operation_ids: str) -> Callable[[Preparer], Preparer]:
    def register(fn: Preparer) -> Preparer:
        for operation_id in operation_ids:
            PREPARERS[operation_id] = fn
        return fn

    return register


class Preparation:
    """Shared read-only resources (made once) plus access to the factory for fresh ones."""

    def __init__(self, factory: Factory, credentials: Credentials) -> None:
        self.factory = factory
        self.credentials = credentials
        self._shared: dict[str, object] = {}
        # Re-entrant: a shared note is made from the shared order.
        self._lock = threading.RLock()
        self._sort_turns: dict[str, int] = {}  # operationId -> cases given a declared sort
        self._turns: dict[str, int] = {}  # rotation key -> cases prepared with it

    def shared(self, key: str, make: Callable[[], T]) -> T:
        """Made once. A contract breach while making it is kept too: every case that needs the
        resource is blocked by the same answer, without asking the target again."""
        with self._lock:
            if key not in self._shared:
                try:
                    self._shared[key] = make()
                except ContractBreach as breach:
                    self._shared[key] = breach
            made = self._shared[key]
            if isinstance(made, ContractBreach):
                raise made
            return cast(T, made)

    @property
    def order(self) -> dict[str, Any]:
        # Full-bodied: the reads it serves answer every documented field, optional ones too.
        return self.shared("order", lambda: self.factory.order(items=2, full=True))

    @property
    def shipment(self) -> dict[str, Any]:
        def make() -> dict[str, object]:
            # On the shared order: its reads list a shipment, with the order's full items.
            shipment = self.factory.shipment(self.order)
            self.factory.package(shipment["id"])
            return self.factory.read_shipment(shipment["id"], packages=1)

        return self.shared("shipment", make)

    @property
    def note(self) -> dict[str, object]:
        return self.shared("note", lambda: self.factory.note(self.order))

    def turn(self, key: str) -> int:
        """How many times `key` asked before: rotations over a set of values start here."""
        with self._lock:
            turn = self._turns.get(key, 0)
            self._turns[key] = turn + 1
            return turn

    def prepare(self, case: Preparable) -> None:
        preparer = PREPARERS.get(operation_of(case))
        if preparer is not None:
            preparer(self, case)
        self._next_sort(case)

    def _next_sort(self, case: Preparable) -> None:
        """Each declared sort key and direction in turn (spec/implied.py): generated cases
        rarely pick them all, and the sort check judges what a case asks for."""
        operation_id = operation_of(case)
        sort = sort_parameters(self.factory.spec, operation_id)
        if sort is None:
            return
        with self._lock:
            turn = self._sort_turns.get(operation_id, 0)
            self._sort_turns[operation_id] = turn + 1
        combinations = sort.combinations()
        key, direction = combinations[turn % len(combinations)]
        query = dict(case.query or {})
        if sort.key_parameter is not None and key is not None:
            query[sort.key_parameter] = key
        query[sort.direction_parameter] = direction
        case.query = query


def body_of(case: Preparable) -> dict[str, Any]:
    if not isinstance(case.body, dict):
        case.body = {}
    return case.body


def tagged(value: object, run_id: str, limit: int) -> str:
    """Prefix the run id (live-target safety) without breaking the length limit."""
    return f"{run_id}-{value if isinstance(value, str) else ''}"[:limit]
