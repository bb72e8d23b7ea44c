"""Changes to elements the OLD spec marks `x-provenance: inferred` are info, flagged, explained."""

from __future__ import annotations

from typing import Any

from diff_helpers import diff

from conformance.diff.model import INFERRED_SUFFIX


def schemas(d: dict[str, Any]) -> dict[str, Any]:
    return d["components"]["schemas"]


def only(changes: list[Any], rule: str, operation: str | None = None) -> list[Any]:
    return [c for c in changes if c.id == rule and (operation is None or c.operation == operation)]


def assert_downgraded(hits: list[Any]) -> None:
    assert hits
    for change in hits:
        assert change.level == "info"
        assert change.inferred is True
        assert change.message.endswith(INFERRED_SUFFIX)
        assert "not an API break" in change.message
        assert change.as_dict()["inferred"] is True


def test_change_below_an_inferred_operation_is_info() -> None:
    def mutate(old: dict[str, Any], new: dict[str, Any]) -> None:
        new["paths"]["/items/{itemId}"]["delete"]["parameters"].append(
            {"name": "force", "in": "query", "required": True, "schema": {"type": "boolean"}}
        )
        del new["paths"]["/items/{itemId}"]["delete"]["responses"]["204"]

    changes = diff(mutate)
    assert_downgraded(only(changes, "request-parameter-required-added", "DELETE /items/{itemId}"))
    assert_downgraded(only(changes, "response-status-removed", "DELETE /items/{itemId}"))


def test_removing_an_inferred_path_or_operation_is_info() -> None:
    changes = diff(lambda o, n: n["paths"].pop("/legacy"))
    assert_downgraded(only(changes, "path-removed"))
    changes = diff(lambda o, n: n["paths"]["/items/{itemId}"].pop("delete"))
    assert_downgraded(only(changes, "operation-removed"))


def test_inferred_property_changes_are_info() -> None:
    changes = diff(lambda o, n: schemas(n)["ItemInput"]["properties"].pop("guess"))
    assert_downgraded(only(changes, "request-property-removed"))

    def retype(old: dict[str, Any], new: dict[str, Any]) -> None:
        schemas(new)["ItemInput"]["properties"]["guess"]["type"] = "integer"

    assert_downgraded(only(diff(retype), "type-changed"))


def test_inferred_component_schema_downgrades_everything_below_it() -> None:
    def mutate(old: dict[str, Any], new: dict[str, Any]) -> None:
        schemas(old)["ItemInput"]["x-provenance"] = "inferred"
        schemas(new)["ItemInput"]["properties"]["name"]["maxLength"] = 10

    hits = only(diff(mutate), "max-length-decreased")
    assert {c.operation for c in hits} == {"POST /items", "GET /items/{itemId}", "GET /items"}
    assert_downgraded(hits)


def test_inferred_parameter_is_info() -> None:
    def mutate(old: dict[str, Any], new: dict[str, Any]) -> None:
        old["components"]["parameters"]["Tenant"]["x-provenance"] = "inferred"
        new["components"]["parameters"]["Tenant"]["required"] = True

    assert_downgraded(only(diff(mutate), "parameter-became-required"))


def test_only_the_old_spec_provenance_counts() -> None:
    """Marking the element inferred in NEW does not excuse a break of a documented element."""

    def mutate(old: dict[str, Any], new: dict[str, Any]) -> None:
        schemas(new)["ItemInput"]["x-provenance"] = "inferred"
        schemas(new)["ItemInput"]["properties"]["name"]["maxLength"] = 10

    hits = [c for c in only(diff(mutate), "max-length-decreased") if "request body" in c.message]
    assert hits and {c.level for c in hits} == {"breaking"}  # JSON and form bodies
    assert not any(c.inferred for c in hits)


def test_documented_siblings_of_an_inferred_element_stay_breaking() -> None:
    def mutate(old: dict[str, Any], new: dict[str, Any]) -> None:
        props = schemas(new)["ItemInput"]["properties"]
        del props["guess"]  # inferred
        props["name"]["maxLength"] = 10  # documented

    changes = diff(mutate)
    assert_downgraded(only(changes, "request-property-removed"))
    request = [c for c in only(changes, "max-length-decreased") if "request body" in c.message]
    assert request and {c.level for c in request} == {"breaking"}
