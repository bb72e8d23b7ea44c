"""v1 -> v2 cases for the first 72 rules: the change is found with the right id and level.
(The corpus in tests/diff/pairs/ covers every rule in every direction; see test_diff_pairs.py.)

Each case mutates a copy of tests/diff/fixtures/v1.yaml. Schema rules on `ItemInput` run in both
directions, because POST /items takes ItemInput and GET /items/{itemId} returns Item, which is
`allOf: [ItemInput, ...]`, so one mutation checks both the request and the response level.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import pytest
from diff_helpers import Mutator, diff

from conformance.diff import RULES

POST = "POST /items"  # request body ItemInput; 201 returns Item
GET = "GET /items/{itemId}"  # returns Item
LIST = "GET /items"  # query parameters page, sort, fields


def p(d: dict[str, Any]) -> dict[str, Any]:
    return d["paths"]


def inp(d: dict[str, Any]) -> dict[str, Any]:
    return d["components"]["schemas"]["ItemInput"]["properties"]


def inp_schema(d: dict[str, Any]) -> dict[str, Any]:
    return d["components"]["schemas"]["ItemInput"]


def item(d: dict[str, Any]) -> dict[str, Any]:
    return d["components"]["schemas"]["Item"]["allOf"][1]


def param(d: dict[str, Any], name: str) -> dict[str, Any]:
    return next(x for x in p(d)["/items"]["get"]["parameters"] if x["name"] == name)


def created(d: dict[str, Any]) -> dict[str, Any]:
    return p(d)["/items"]["post"]["responses"]["201"]


def put(obj: dict[str, Any], key: str, value: Any) -> None:
    obj[key] = value


def drop(obj: dict[str, Any], key: str) -> None:
    del obj[key]


def both(*steps: Any) -> None:
    """Lambdas evaluate every argument; this just gives them a name."""


class Case(NamedTuple):
    rule: str
    level: str
    operation: str | None
    mutate: Mutator


OPTIONAL_Q = {"name": "q", "in": "query", "schema": {"type": "string"}}
REQUIRED_Q = {**OPTIONAL_Q, "required": True}
OK = {"description": "ok"}

CASES: list[Case] = [
    # ------------------------------------------------------- document, paths, operations
    Case(
        "security-scheme-changed",
        "breaking",
        None,
        lambda o, n: put(n["components"]["securitySchemes"]["bearerAuth"], "scheme", "basic"),
    ),
    Case("path-removed", "breaking", None, lambda o, n: drop(p(n), "/items/{itemId}")),
    Case(
        "path-added",
        "info",
        None,
        lambda o, n: put(p(n), "/new", {"get": {"operationId": "x", "responses": {"200": OK}}}),
    ),
    Case("operation-removed", "breaking", POST, lambda o, n: drop(p(n)["/items"], "post")),
    Case(
        "operation-added",
        "info",
        "POST /health",
        lambda o, n: put(
            p(n)["/health"], "post", {"operationId": "ping", "responses": {"200": OK}}
        ),
    ),
    Case(
        "operation-deprecated",
        "warning",
        LIST,
        lambda o, n: put(p(n)["/items"]["get"], "deprecated", True),
    ),
    Case(
        "operation-id-changed",
        "warning",
        GET,
        lambda o, n: put(p(n)["/items/{itemId}"]["get"], "operationId", "fetchItem"),
    ),
    Case(
        "security-added",
        "breaking",
        "GET /health",
        lambda o, n: drop(p(n)["/health"]["get"], "security"),
    ),
    Case("security-removed", "info", LIST, lambda o, n: put(p(n)["/items"]["get"], "security", [])),
    Case(
        "security-changed",
        "breaking",
        LIST,
        lambda o, n: put(p(n)["/items"]["get"], "security", [{"bearerAuth": ["admin"]}]),
    ),
    Case("security-changed", "breaking", LIST, lambda o, n: put(n, "security", [{"apiKey": []}])),
    # ------------------------------------------------------- parameters
    Case(
        "parameter-removed",
        "breaking",
        LIST,
        lambda o, n: p(n)["/items"]["get"]["parameters"].remove(param(n, "sort")),
    ),
    Case("parameter-removed", "breaking", POST, lambda o, n: drop(p(n)["/items"], "parameters")),
    Case(
        "parameter-location-changed",
        "breaking",
        LIST,
        lambda o, n: put(param(n, "sort"), "in", "header"),
    ),
    Case(
        "request-parameter-required-added",
        "breaking",
        LIST,
        lambda o, n: p(n)["/items"]["get"]["parameters"].append(REQUIRED_Q),
    ),
    Case(
        "optional-parameter-added",
        "info",
        LIST,
        lambda o, n: p(n)["/items"]["get"]["parameters"].append(OPTIONAL_Q),
    ),
    Case(
        "parameter-became-required",
        "breaking",
        LIST,
        lambda o, n: put(param(n, "page"), "required", True),
    ),
    Case(
        "parameter-became-required",
        "breaking",
        POST,
        lambda o, n: put(n["components"]["parameters"]["Tenant"], "required", True),
    ),
    Case(
        "parameter-became-optional",
        "info",
        LIST,
        lambda o, n: put(param(o, "page"), "required", True),
    ),
    Case(
        "parameter-style-changed",
        "breaking",
        LIST,
        lambda o, n: put(param(n, "fields"), "explode", False),
    ),
    # ------------------------------------------------------- request bodies
    Case(
        "request-body-became-required",
        "breaking",
        GET,
        lambda o, n: put(
            p(n)["/items/{itemId}"]["get"], "requestBody", p(n)["/items"]["post"]["requestBody"]
        ),
    ),
    Case(
        "request-body-became-required",
        "breaking",
        POST,
        lambda o, n: put(p(o)["/items"]["post"]["requestBody"], "required", False),
    ),
    Case(
        "request-body-removed",
        "breaking",
        POST,
        lambda o, n: drop(p(n)["/items"]["post"], "requestBody"),
    ),
    Case(
        "request-content-type-removed",
        "breaking",
        POST,
        lambda o, n: drop(
            p(n)["/items"]["post"]["requestBody"]["content"], "application/x-www-form-urlencoded"
        ),
    ),
    Case(
        "request-content-type-added",
        "info",
        POST,
        lambda o, n: put(p(n)["/items"]["post"]["requestBody"]["content"], "text/plain", {}),
    ),
    # ------------------------------------------------------- responses
    Case(
        "success-status-changed",
        "breaking",
        POST,
        lambda o, n: put(
            p(n)["/items"]["post"],
            "responses",
            {
                ("200" if k == "201" else k): v
                for k, v in p(n)["/items"]["post"]["responses"].items()
            },
        ),
    ),
    Case(
        "response-status-removed",
        "breaking",
        GET,
        lambda o, n: drop(p(n)["/items/{itemId}"]["get"]["responses"], "200"),
    ),
    Case(
        "error-status-removed",
        "warning",
        POST,
        lambda o, n: drop(p(n)["/items"]["post"]["responses"], "409"),
    ),
    Case(
        "error-status-removed",
        "warning",
        LIST,
        lambda o, n: drop(p(n)["/items"]["get"]["responses"], "400"),
    ),
    Case(
        "response-status-added",
        "info",
        POST,
        lambda o, n: put(p(n)["/items"]["post"]["responses"], "422", OK),
    ),
    Case(
        "response-content-type-removed",
        "breaking",
        POST,
        lambda o, n: drop(created(n)["content"], "application/xml"),
    ),
    Case(
        "response-content-type-removed",
        "breaking",
        LIST,
        lambda o, n: put(
            n["components"]["responses"]["BadRequest"],
            "content",
            {"text/plain": {"schema": {"type": "string"}}},
        ),
    ),
    Case(
        "response-content-type-added",
        "info",
        POST,
        lambda o, n: put(created(n)["content"], "text/csv", {}),
    ),
    Case("response-header-removed", "warning", POST, lambda o, n: drop(created(n), "headers")),
    Case("link-removed", "warning", POST, lambda o, n: drop(created(n)["links"], "GetItem")),
    Case(
        "link-target-changed",
        "warning",
        POST,
        lambda o, n: put(created(n)["links"]["GetItem"], "operationId", "listItems"),
    ),
    Case(
        "link-added",
        "info",
        POST,
        lambda o, n: put(created(n)["links"], "ListItems", {"operationId": "listItems"}),
    ),
    # ------------------------------------------------------- type, format, enum, nullable
    Case("type-changed", "breaking", POST, lambda o, n: put(inp(n)["size"], "type", "string")),
    Case("type-changed", "breaking", GET, lambda o, n: put(inp(n)["size"], "type", "string")),
    Case(
        "type-changed",
        "breaking",
        LIST,
        lambda o, n: put(param(n, "page")["schema"], "type", "string"),
    ),
    Case(
        "format-changed", "breaking", POST, lambda o, n: put(inp(n)["due"], "format", "date-time")
    ),
    Case("format-changed", "breaking", GET, lambda o, n: put(inp(n)["due"], "format", "date-time")),
    Case("format-added", "breaking", POST, lambda o, n: put(inp(n)["code"], "format", "uuid")),
    Case("format-added", "info", GET, lambda o, n: put(inp(n)["code"], "format", "uuid")),
    Case("format-removed", "info", POST, lambda o, n: drop(inp(n)["due"], "format")),
    Case("format-removed", "breaking", GET, lambda o, n: drop(inp(n)["due"], "format")),
    Case(
        "request-enum-value-removed",
        "breaking",
        POST,
        lambda o, n: put(inp(n)["status"], "enum", ["new"]),
    ),
    Case(
        "request-enum-value-removed",
        "breaking",
        LIST,
        lambda o, n: put(param(n, "sort")["schema"], "enum", ["asc"]),
    ),
    Case(
        "enum-added-to-request",
        "info",
        POST,
        lambda o, n: put(inp(n)["status"], "enum", ["new", "done", "archived"]),
    ),
    Case(
        "response-enum-value-added",
        "warning",
        GET,
        lambda o, n: put(inp(n)["status"], "enum", ["new", "done", "archived"]),
    ),
    Case(
        "response-enum-value-added",
        "warning",
        GET,
        lambda o, n: put(item(n)["properties"]["kind"], "enum", ["a", "b", "c"]),
    ),
    Case(
        "response-enum-value-removed",
        "info",
        GET,
        lambda o, n: put(item(n)["properties"]["kind"], "enum", ["a"]),
    ),
    Case(
        "enum-restriction-added",
        "breaking",
        POST,
        lambda o, n: put(inp(n)["color"], "enum", ["red"]),
    ),
    Case("enum-restriction-added", "info", GET, lambda o, n: put(inp(n)["color"], "enum", ["red"])),
    Case("enum-restriction-removed", "info", POST, lambda o, n: drop(inp(n)["status"], "enum")),
    Case("enum-restriction-removed", "breaking", GET, lambda o, n: drop(inp(n)["status"], "enum")),
    Case("nullable-removed", "breaking", POST, lambda o, n: drop(inp(n)["note"], "nullable")),
    Case("nullable-removed", "info", GET, lambda o, n: drop(inp(n)["note"], "nullable")),
    Case("nullable-added", "info", POST, lambda o, n: put(inp(n)["color"], "nullable", True)),
    Case("nullable-added", "breaking", GET, lambda o, n: put(inp(n)["color"], "nullable", True)),
    Case(
        "nullable-added",
        "breaking",
        LIST,
        lambda o, n: put(
            n["components"]["schemas"]["ItemPage"]["properties"]["items"], "nullable", True
        ),
    ),
    # ------------------------------------------------------- bounds
    Case(
        "max-length-decreased", "breaking", POST, lambda o, n: put(inp(n)["name"], "maxLength", 40)
    ),
    Case("max-length-decreased", "info", GET, lambda o, n: put(inp(n)["name"], "maxLength", 40)),
    Case(
        "max-length-decreased", "breaking", POST, lambda o, n: put(inp(n)["code"], "maxLength", 9)
    ),
    Case("max-length-increased", "info", POST, lambda o, n: put(inp(n)["name"], "maxLength", 60)),
    Case(
        "max-length-increased", "breaking", GET, lambda o, n: put(inp(n)["name"], "maxLength", 60)
    ),
    Case(
        "max-length-increased",
        "breaking",
        GET,
        lambda o, n: drop(item(n)["properties"]["label"], "maxLength"),
    ),
    Case(
        "min-length-increased", "breaking", POST, lambda o, n: put(inp(n)["name"], "minLength", 2)
    ),
    Case(
        "min-length-decreased",
        "breaking",
        GET,
        lambda o, n: put(item(n)["properties"]["label"], "minLength", 1),
    ),
    Case("maximum-decreased", "breaking", POST, lambda o, n: put(inp(n)["size"], "maximum", 5)),
    Case(
        "maximum-decreased",
        "breaking",
        LIST,
        lambda o, n: put(param(n, "page")["schema"], "maximum", 50),
    ),
    Case(
        "maximum-increased",
        "breaking",
        GET,
        lambda o, n: put(item(n)["properties"]["score"], "maximum", 10),
    ),
    Case("minimum-increased", "breaking", POST, lambda o, n: put(inp(n)["size"], "minimum", 1)),
    Case(
        "minimum-decreased",
        "breaking",
        GET,
        lambda o, n: put(item(n)["properties"]["score"], "minimum", -1),
    ),
    Case("max-items-decreased", "breaking", POST, lambda o, n: put(inp(n)["tags"], "maxItems", 5)),
    Case(
        "max-items-increased",
        "breaking",
        GET,
        lambda o, n: put(item(n)["properties"]["parts"], "maxItems", 10),
    ),
    Case("min-items-increased", "breaking", POST, lambda o, n: put(inp(n)["tags"], "minItems", 1)),
    Case(
        "min-items-decreased",
        "breaking",
        GET,
        lambda o, n: put(item(n)["properties"]["parts"], "minItems", 0),
    ),
    Case(
        "exclusive-bound-added",
        "breaking",
        POST,
        lambda o, n: put(inp(n)["size"], "exclusiveMaximum", True),
    ),
    # ------------------------------------------------------- pattern, default, additionalProperties
    Case(
        "pattern-added", "breaking", POST, lambda o, n: put(inp(n)["code"], "pattern", "^[A-Z]+$")
    ),
    Case(
        "pattern-changed", "breaking", POST, lambda o, n: put(inp(n)["name"], "pattern", "^[a-z]+$")
    ),
    Case(
        "pattern-changed",
        "breaking",
        GET,
        lambda o, n: put(item(n)["properties"]["seenAt"], "pattern", "^20"),
    ),
    Case("pattern-removed", "info", POST, lambda o, n: drop(inp(n)["name"], "pattern")),
    Case(
        "pattern-removed",
        "breaking",
        GET,
        lambda o, n: drop(item(n)["properties"]["seenAt"], "pattern"),
    ),
    Case(
        "default-changed", "warning", POST, lambda o, n: put(inp(n)["priority"], "default", "low")
    ),
    Case("default-changed", "info", GET, lambda o, n: put(inp(n)["priority"], "default", "low")),
    Case(
        "parameter-default-changed",
        "breaking",
        LIST,
        lambda o, n: put(param(n, "page")["schema"], "default", 2),
    ),
    Case(
        "additional-properties-restricted",
        "breaking",
        POST,
        lambda o, n: put(inp(n)["meta"], "additionalProperties", False),
    ),
    Case(
        "additional-properties-restricted",
        "breaking",
        POST,
        lambda o, n: put(inp_schema(n), "additionalProperties", False),
    ),
    Case(
        "additional-properties-relaxed",
        "warning",
        GET,
        lambda o, n: drop(item(n)["properties"]["flags"], "additionalProperties"),
    ),
    # ------------------------------------------------------- properties
    Case(
        "request-property-required-added",
        "breaking",
        POST,
        lambda o, n: both(
            put(inp(n), "owner", {"type": "string"}), inp_schema(n)["required"].append("owner")
        ),
    ),
    Case(
        "request-property-became-required",
        "breaking",
        POST,
        lambda o, n: inp_schema(n)["required"].append("code"),
    ),
    Case(
        "request-property-added",
        "info",
        POST,
        lambda o, n: put(inp(n), "weight", {"type": "number"}),
    ),
    Case(
        "request-property-became-optional",
        "info",
        POST,
        lambda o, n: put(inp_schema(n), "required", []),
    ),
    Case("request-property-removed", "warning", POST, lambda o, n: drop(inp(n), "color")),
    Case(
        "response-property-removed",
        "breaking",
        GET,
        lambda o, n: drop(item(n)["properties"], "createdAt"),
    ),
    Case(
        "response-property-removed",
        "breaking",
        LIST,
        lambda o, n: drop(item(n)["properties"], "createdAt"),
    ),
    Case(
        "response-optional-property-removed",
        "warning",
        GET,
        lambda o, n: drop(item(n)["properties"], "extra"),
    ),
    Case(
        "response-property-became-optional",
        "breaking",
        GET,
        lambda o, n: put(item(n), "required", ["id", "status"]),
    ),
    Case(
        "response-property-became-optional",
        "breaking",
        GET,
        lambda o, n: put(inp_schema(n), "required", []),
    ),
    Case(
        "response-property-became-required",
        "info",
        GET,
        lambda o, n: item(n)["required"].append("extra"),
    ),
    Case(
        "response-property-added",
        "info",
        GET,
        lambda o, n: put(item(n)["properties"], "rating", {"type": "integer"}),
    ),
    # the recursive Node schema (Item.parent.children[] -> Node) terminates and is compared
    Case(
        "max-length-decreased",
        "info",
        GET,
        lambda o, n: put(n["components"]["schemas"]["Node"]["properties"]["name"], "maxLength", 5),
    ),
]


def _case_id(case: Case) -> str:
    return f"{case.rule}[{case.level}]@{case.operation or '-'}"


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_rule_detects_its_change(case: Case) -> None:
    changes = diff(case.mutate)
    hits = [c for c in changes if c.id == case.rule]
    assert hits, f"{case.rule} not reported; got {[(c.id, c.level) for c in changes]}"
    wanted = [
        c
        for c in hits
        if c.level == case.level and (case.operation is None or c.operation == case.operation)
    ]
    if RULES[case.rule].scope == "schema" and case.operation == POST:
        # POST /items also returns Item (201): insist the hit is on the request side.
        wanted = [c for c in wanted if "request body" in c.message]
    assert wanted, f"{case.rule}: want {case.level} on {case.operation}, got " + str(
        [(c.level, c.operation, c.message) for c in hits]
    )
    assert all(not c.inferred for c in wanted)
    assert all(c.location.startswith("/") for c in changes)


def test_the_cases_name_registered_rules() -> None:
    # Every rule in each of its directions is covered by the corpus (test_diff_pairs.py).
    assert {case.rule for case in CASES} <= set(RULES)


def test_identical_fixture_has_no_changes() -> None:
    assert diff(lambda o, n: None) == []


def test_a_breaking_change_in_a_shared_component_is_reported_per_operation() -> None:
    changes = diff(lambda o, n: put(inp(n)["name"], "maxLength", 40))
    breaking = {c.operation for c in changes if c.level == "breaking"}
    assert breaking == {POST}
    assert {c.operation for c in changes if c.level == "info"} >= {GET, LIST}


def test_read_only_property_becoming_required_does_not_break_requests() -> None:
    changes = diff(lambda o, n: inp_schema(n)["required"].append("id"))
    assert not [c for c in changes if c.operation == POST and c.level == "breaking"]


def test_widening_a_request_type_is_not_a_type_change() -> None:
    changes = diff(lambda o, n: put(inp(n)["size"], "type", ["integer", "string"]))
    typed = [c for c in changes if c.id == "type-changed"]
    assert not [c for c in typed if c.message.startswith("request body")]
    # ... but the 201 and 200 responses (Item includes ItemInput) may now carry a string
    assert {c.operation for c in typed} == {POST, GET, LIST}


def test_locations_point_into_the_right_document() -> None:
    removed = diff(lambda o, n: drop(inp(n), "color"))
    assert {c.location for c in removed if c.id == "request-property-removed"} == {
        "/components/schemas/ItemInput/properties/color"
    }
    changed = diff(lambda o, n: put(inp(n)["name"], "maxLength", 40))
    assert {c.location for c in changed} == {
        "/components/schemas/ItemInput/properties/name/maxLength"
    }
    gone = diff(lambda o, n: drop(p(n)["/items"], "post"))
    assert [c.location for c in gone] == ["/paths/~1items/post"]
