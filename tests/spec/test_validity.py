"""The spec is valid OpenAPI, lints clean, its examples fit and every schema is satisfiable."""

from __future__ import annotations

import jsonschema_rs
import pytest
from openapi_spec_validator import validate

from conformance.commands.lint import SPECTRAL_RULESET, spectral_findings
from spec import SPEC_PATH
from spec.loader import load_yaml


def test_openapi_spec_validator_accepts_it(spec):
    validate(spec.document)


def _media_examples(spec):
    """(where, schema, example) for every example attached to a media type."""
    for path, item in spec.document["paths"].items():
        for method, op in item.items():
            media_sets = []
            if "requestBody" in op:
                media_sets.append(("request", spec.resolve(op["requestBody"])["content"]))
            for code, response in op["responses"].items():
                media_sets.append((code, spec.resolve(response).get("content", {})))
            for where, content in media_sets:
                for media_type, media in content.items():
                    found = []
                    if "example" in media:
                        found.append(media["example"])
                    for example in media.get("examples", {}).values():
                        found.append(spec.resolve(example)["value"])
                    for value in found:
                        yield (
                            f"{method.upper()} {path} {where} {media_type}",
                            media["schema"],
                            value,
                        )


def test_every_example_fits_its_schema(spec):
    examples = list(_media_examples(spec))
    assert len(examples) >= 8, "the seed examples and the recovered ones must all be attached"
    for where, schema, value in examples:
        validator = jsonschema_rs.validator_for(spec.json_schema(schema), validate_formats=True)
        errors = [e.message for e in validator.iter_errors(value)]
        assert errors == [], where


def test_seed_examples_are_verbatim(spec):
    cancel = spec.operation("cancelOrder").raw
    body = cancel["requestBody"]["content"]["application/json"]["example"]
    assert body == {
        "cancelReason": "Cancel reason string",
        "orderItems": [{"id": "123456789", "quantity": 3}],
        "triggerFlow": True,
    }
    refund = spec.operation("addRefund").raw
    assert refund["responses"]["401"]["content"]["application/json"]["example"] == {"statusCode": 0}


def test_spectral_reports_nothing_and_downgrades_no_rule(repo_root, monkeypatch):
    monkeypatch.chdir(repo_root)
    findings = spectral_findings(SPEC_PATH)
    assert findings == [], [(f["code"], f["path"]) for f in findings]
    ruleset = load_yaml(SPECTRAL_RULESET.read_text(encoding="utf-8"))
    assert ruleset == {"extends": ["spectral:oas"]}, "the plain ruleset, nothing overridden"


@pytest.fixture(scope="module")
def st_schema():
    import schemathesis

    schema = schemathesis.openapi.from_path(SPEC_PATH)
    schema.config.update(base_url="http://127.0.0.1:9")
    return schema


def test_schemathesis_generates_a_positive_case_for_every_operation(st_schema):
    from hypothesis import HealthCheck, given, settings

    operations = [result.ok() for result in st_schema.get_all_operations()]
    assert len(operations) == 49
    generated = set()
    for operation in operations:

        @given(operation.as_strategy())
        @settings(max_examples=1, database=None, suppress_health_check=[HealthCheck.too_slow])
        def generate(case):
            generated.add(case.operation.label)

        generate()
    assert len(generated) == 49


def _nodes(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _nodes(value)


def test_no_construct_that_validators_read_differently(spec):
    """OpenAPI 3.1: null is a JSON Schema type. 3.0's `nullable` beside `allOf` admitted null for
    Schemathesis and not for Prism; boolean exclusive bounds and `$ref` siblings are 3.0-isms."""
    assert str(spec.document["openapi"]).startswith("3.1.")
    nodes = list(_nodes(spec.document))
    assert [n for n in nodes if "nullable" in n] == []
    bounds = ("exclusiveMinimum", "exclusiveMaximum")
    assert [n for n in nodes if any(isinstance(n.get(b), bool) for b in bounds)] == []
    assert [n for n in nodes if "$ref" in n and len(n) > 1] == []


def test_null_reads_the_same_in_the_mock_validator(spec):
    order = spec.component_schema("GetOrderModel")
    validator = jsonschema_rs.validator_for(order["properties"]["billingAddress"])
    assert validator.is_valid(None)
    assert not validator.is_valid("nowhere")
