"""Provenance is on every operation and explained on every inferred element."""

from __future__ import annotations

import re

from spec.table import render_all


def _walk(node, pointer=""):
    if isinstance(node, dict):
        yield pointer, node
        for key, value in node.items():
            yield from _walk(value, f"{pointer}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{pointer}/{index}")


def test_every_operation_has_provenance(spec):
    for op in spec.operations:
        assert op.raw.get("x-provenance") in ("docs", "seed", "inferred"), op.operation_id


def test_every_inferred_element_says_why(spec):
    unexplained = [
        pointer
        for pointer, node in _walk(spec.document)
        if node.get("x-provenance") == "inferred" and not node.get("x-provenance-note")
    ]
    assert unexplained == []


def test_every_component_schema_and_parameter_is_marked(spec):
    components = spec.document["components"]
    for kind in ("schemas", "parameters"):
        unmarked = [name for name, node in components[kind].items() if "x-provenance" not in node]
        assert unmarked == [], kind


def test_status_enums_keep_the_observed_values_and_are_inferred(spec):
    schemas = spec.document["components"]["schemas"]
    assert "Open" in schemas["OrderItemStatus"]["enum"]
    assert "Fulfilled" in schemas["OrderItemStatus"]["enum"]
    assert {1, 4} <= set(schemas["ShipmentStatus"]["enum"])
    for name in ("OrderStatus", "OrderItemStatus", "ShipmentStatus"):
        assert schemas[name]["x-provenance"] == "inferred"


def test_readme_shows_the_current_table_and_counts(repo_root, spec, lifecycle):
    readme = (repo_root / "spec" / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- BEGIN GENERATED -->\n(.*)\n<!-- END GENERATED -->", readme, re.S)
    assert block, "spec/README.md lost its generated section"
    assert block.group(1).strip() == render_all(spec, lifecycle).strip(), (
        "spec/README.md is stale: paste the output of `python -m spec.table`"
    )


def test_lifecycle_names_only_real_operations(spec, lifecycle):
    ids = {op.operation_id for op in spec.operations}
    for t in lifecycle.transitions:
        assert set(t.operations) <= ids, t.id
    for r in lifecycle.refusals:
        assert r.operation in ids, r.rule


def test_every_mutating_operation_declares_its_audit_resource(spec):
    for op in spec.operations:
        if op.is_safe or op.tag in ("Client", "User"):
            assert "x-audit" not in op.raw, op.operation_id
        else:
            assert op.raw["x-audit"]["resource"] in {
                "Order",
                "OrderItem",
                "Shipment",
                "Package",
                "Note",
            }
