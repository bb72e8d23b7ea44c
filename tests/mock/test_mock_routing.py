"""Routing: every documented path reaches its resource; literal paths win; 404 and 405 + Allow."""

from __future__ import annotations

import re

import pytest
from mock_helpers import create_order

from ordermesh_mock.app import create_app
from ordermesh_mock.config import MockConfig
from ordermesh_mock.routing import SpecRoutes
from spec import load_spec


@pytest.fixture(scope="module")
def spec():
    return load_spec()


@pytest.fixture(scope="module")
def routes():
    """The mock app's own route table, as create_app builds it."""
    app = create_app(MockConfig(token="t"))
    return next(route for route in app.router.routes if isinstance(route, SpecRoutes))


def test_every_operation_path_finds_its_resource_and_values(spec, routes):
    for op in spec:
        names = re.findall(r"\{([^}]+)\}", op.path)
        url = op.path
        for n, name in enumerate(names):
            url = url.replace(f"{{{name}}}", f"v{n}")
        found = routes.lookup(url)
        assert found is not None, op.path
        resource, values = found
        assert spec.resource_path(resource.template) == spec.resource_path(op.path)
        assert resource.allows(op.method), (op.operation_id, resource.methods)
        assert list(values.values()) == [f"v{n}" for n in range(len(names))]


@pytest.mark.parametrize(
    "path", ["/", "/v1", "/v1/orders/", "/v1/orders//auditLogs", "/v1/nothing", "/v2/orders"]
)
def test_paths_the_spec_does_not_have_match_nothing(routes, path):
    assert routes.lookup(path) is None


def test_a_literal_segment_wins_over_a_placeholder(routes):
    resource, values = routes.lookup("/v1/orders/search")
    assert resource.template == "/v1/orders/search" and values == {}
    resource, values = routes.lookup("/v1/orders/0123456789abcdef01234567")
    assert resource.template == "/v1/orders/{orderId}"
    assert values == {"orderId": "0123456789abcdef01234567"}


def test_unknown_path_is_a_json_404(api):
    r = api.get("/v1/nothing/here")
    assert r.status_code == 404 and r.json()["message"] == "Record Not Found"


def test_method_a_literal_path_lacks_is_405_from_that_path(api):
    r = api.post("/v1/orders/search", json={})
    assert r.status_code == 405
    assert r.headers["allow"] == "GET"


def test_405_lists_exactly_the_documented_methods(api, spec):
    oid = create_order(api)["id"]
    r = api.delete(f"/v1/orders/{oid}")
    assert r.status_code == 405
    documented = [op.method for op in spec if op.path == "/v1/orders/{orderId}"]
    assert r.headers["allow"].split(", ") == documented


def test_one_notes_resource_serves_get_put_and_delete(api, spec):
    methods = [op.method for op in spec if op.path == "/v1/notes/{noteId}"]
    assert methods == ["GET", "PUT", "DELETE"]
    r = api.post("/v1/notes/0123456789abcdef01234567", json={})
    assert r.status_code == 405
    assert r.headers["allow"].split(", ") == methods


def test_head_is_answered_where_get_is(api):
    oid = create_order(api)["id"]
    assert api.request("HEAD", f"/v1/orders/{oid}").status_code == 200
