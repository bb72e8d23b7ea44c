"""The paging check reads only a well-formed envelope; a malformed one is the schema check's."""

from __future__ import annotations

import json
import types

import pytest

from conformance.checks.listing import make_listing_check
from conformance.failures.hierarchy import ListingFailure
from spec import load_spec


class Response:
    status_code = 200

    def __init__(self, body: dict) -> None:
        self.body = body
        self.content = json.dumps(body).encode()

    def json(self) -> dict:
        return self.body


def case(query: dict | None = None):
    definition = types.SimpleNamespace(raw={"operationId": "listOrders"})
    operation = types.SimpleNamespace(method="get", label="GET /v1/orders", definition=definition)
    return types.SimpleNamespace(operation=operation, query=query, formatted_path="/v1/orders")


class NoCalls:
    def get(self, *args, **kwargs):
        raise AssertionError("no next page may be asked for")


def test_an_envelope_without_its_counts_is_left_to_the_schema_check():
    check = make_listing_check(types.SimpleNamespace(client=NoCalls(), spec=load_spec()))
    body = {"page": 1, "pageSize": 1, "orders": [{"id": "a"}]}  # no totalCount
    assert check(None, Response(body), case()) is None


def test_a_filter_is_still_judged_when_the_envelope_is_malformed():
    check = make_listing_check(types.SimpleNamespace(client=NoCalls(), spec=load_spec()))
    body = {"page": 1, "orders": [{"id": "a", "status": "Open"}]}
    with pytest.raises(ListingFailure):
        check(None, Response(body), case({"status": "Cancelled"}))
