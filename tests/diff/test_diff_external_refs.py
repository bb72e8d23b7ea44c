"""Multi-file specs: external `$ref`s (relative to the file holding them, the same target
referenced twice, a local `$ref` inside a referenced file) diff exactly like the same spec bundled
by hand into one file (tests/diff/fixtures/multifile)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from diff_helpers import run_diff as run

from conformance.diff import diff_files
from conformance.diff.bundle import load_bundled

MULTI = Path(__file__).resolve().parent / "fixtures" / "multifile"


def _facts(old: Path, new: Path) -> list[tuple[str, str, str | None, str, str]]:
    return [(c.id, c.level, c.operation, c.location, c.message) for c in diff_files(old, new)]


def test_multi_file_diff_equals_bundled_diff() -> None:
    split = _facts(MULTI / "v1" / "openapi.yaml", MULTI / "v2" / "openapi.yaml")
    bundled = _facts(MULTI / "bundled-v1.yaml", MULTI / "bundled-v2.yaml")
    assert split == bundled
    found = {(rule_id, level) for rule_id, level, *_ in split}
    assert found >= {
        ("max-length-decreased", "breaking"),  # Order.id, request side
        ("response-property-became-optional", "breaking"),  # Order.total no longer required
        ("exclusive-bound-added", "breaking"),  # Money, two files away
        ("pattern-added", "breaking"),  # Line, a local $ref inside order.yaml
        ("parameter-default-changed", "breaking"),  # the shared parameter file
    }


def test_a_file_referenced_twice_becomes_one_component() -> None:
    bundle = load_bundled(MULTI / "v1" / "openapi.yaml")
    schemas = bundle.document["components"]["schemas"]
    assert sorted(schemas) == ["Line", "Money", "Order"]
    post = bundle.document["paths"]["/orders"]["post"]
    request = post["requestBody"]["content"]["application/json"]["schema"]
    response = post["responses"]["201"]["content"]["application/json"]["schema"]
    assert request == response == {"$ref": "#/components/schemas/Order"}


def test_multi_file_spec_against_itself_has_no_changes() -> None:
    assert diff_files(MULTI / "v1" / "openapi.yaml", MULTI / "v1" / "openapi.yaml") == []
    assert diff_files(MULTI / "v1" / "openapi.yaml", MULTI / "bundled-v1.yaml") == []


def test_a_missing_referenced_file_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n"
        "      responses: {'200': {description: ok, content: {application/json: "
        "{schema: {$ref: './nowhere.yaml#/X'}}}}}\n"
    )
    assert run([str(spec), str(spec)]) == 2
    err = capsys.readouterr().err
    assert "nowhere.yaml" in err and len(err.strip().splitlines()) == 1


def test_json_locations_name_the_bundled_component(capsys: pytest.CaptureFixture[str]) -> None:
    code = run(
        [str(MULTI / "v1" / "openapi.yaml"), str(MULTI / "v2" / "openapi.yaml"), "--format", "json"]
    )
    changes = json.loads(capsys.readouterr().out)["changes"]
    assert code == 1
    assert "/components/schemas/Order/properties/id/maxLength" in {c["location"] for c in changes}
