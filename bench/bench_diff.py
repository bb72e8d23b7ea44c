"""Wall time of one spec diff on two generated ~5,000-line OpenAPI documents (goal: at most 1 s).

The base spec has `--resources` resources, each with a schema (allOf a shared base, enums,
bounds, nested arrays), a list/create path and an item path with get/put/delete, shared
parameters and responses. The revision changes every fifth resource (a bound, an enum value, a
removed property, a new required parameter), so the rules have work to do. Each repetition times
loading both files, comparing them and rendering JSON, the way `ordermesh-conformance diff` does.

    python bench/bench_diff.py --repetitions 7
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from conformance.commands.diff import DiffSpec, load_bundle
from conformance.diff.compare import compare_specs
from conformance.diff.render import render

REF = "#/components/schemas/"


def _schema(i: int) -> dict[str, Any]:
    return {
        "allOf": [
            {"$ref": REF + "Base"},
            {
                "type": "object",
                "required": ["name", "status"],
                "properties": {
                    "name": {"type": "string", "maxLength": 80, "minLength": 1},
                    "status": {"type": "string", "enum": ["new", "active", "closed"]},
                    "amount": {"type": "number", "minimum": 0, "maximum": 100000},
                    "tags": {"type": "array", "maxItems": 10, "items": {"type": "string"}},
                    "lines": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "sku": {"type": "string", "pattern": "^[A-Z0-9-]+$"},
                                "qty": {"type": "integer", "minimum": 1},
                            },
                        },
                    },
                    "note": {"type": "string", "nullable": True},
                    "ref": {"type": "string", "format": "uuid", "description": f"resource {i}"},
                },
            },
        ]
    }


def _ok(i: int) -> dict[str, Any]:
    content = {"application/json": {"schema": {"$ref": f"{REF}R{i}"}}}
    return {"description": "ok", "content": content}


def _paths(i: int) -> dict[str, Any]:
    body = {"required": True, "content": {"application/json": {"schema": {"$ref": f"{REF}R{i}"}}}}
    item_param = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
    errors = {"404": {"$ref": "#/components/responses/NotFound"}}
    return {
        f"/r{i}": {
            "get": {
                "operationId": f"list{i}",
                "tags": [f"T{i % 7}"],
                "parameters": [{"$ref": "#/components/parameters/Page"}],
                "responses": {"200": _ok(i)},
            },
            "post": {
                "operationId": f"create{i}",
                "requestBody": body,
                "responses": {"201": _ok(i)},
            },
        },
        f"/r{i}/{{id}}": {
            "parameters": [item_param],
            "get": {"operationId": f"get{i}", "responses": {"200": _ok(i), **errors}},
            "put": {"operationId": f"put{i}", "requestBody": body, "responses": {"200": _ok(i)}},
            "delete": {"operationId": f"del{i}", "responses": {"204": {"description": "gone"}}},
        },
    }


def base_spec(resources: int) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for i in range(resources):
        paths.update(_paths(i))
    schemas = {f"R{i}": _schema(i) for i in range(resources)}
    schemas["Base"] = {"type": "object", "properties": {"id": {"type": "string", "readOnly": True}}}
    page = {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "bench", "version": "1"},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "parameters": {"Page": page},
            "responses": {"NotFound": {"description": "not found"}},
        },
    }


def revision(spec: dict[str, Any]) -> dict[str, Any]:
    new = copy.deepcopy(spec)
    schemas = new["components"]["schemas"]
    for i in range(0, len(schemas) - 1, 5):
        props = schemas[f"R{i}"]["allOf"][1]["properties"]
        props["name"]["maxLength"] = 40
        props["status"]["enum"].append("archived")
        del props["note"]
        extra = {"name": "q", "in": "query", "required": True, "schema": {"type": "string"}}
        new["paths"][f"/r{i}"]["get"]["parameters"].append(extra)
    return new


def write(spec: dict[str, Any], path: Path) -> int:
    text = yaml.safe_dump(spec, sort_keys=False, default_flow_style=False)
    path.write_text(text, encoding="utf-8")
    return text.count("\n")


def one_diff(old: Path, new: Path) -> tuple[float, float, int]:
    """Seconds to load both files, seconds to compare and render, and the number of changes."""
    start = time.perf_counter()
    old_bundle, new_bundle = load_bundle(old), load_bundle(new)
    loaded = time.perf_counter()
    changes = compare_specs(DiffSpec(old_bundle.document), DiffSpec(new_bundle.document))
    render(changes, "json")
    return loaded - start, time.perf_counter() - loaded, len(changes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--resources", type=int, default=47, help="resources per spec (47 gives about 5,000 lines)"
    )
    parser.add_argument("--repetitions", type=int, default=7)
    parser.add_argument("--max-seconds", type=float, default=60.0, help="stop starting new runs")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        old, new = Path(tmp) / "old.yaml", Path(tmp) / "new.yaml"
        spec = base_spec(args.resources)
        sizes = (write(spec, old), write(revision(spec), new))
        loads: list[float] = []
        compares: list[float] = []
        deadline = time.monotonic() + args.max_seconds
        for _ in range(max(1, args.repetitions)):
            if loads and time.monotonic() > deadline:
                break
            load, compare, count = one_diff(old, new)
            loads.append(load)
            compares.append(compare)
    totals = [a + b for a, b in zip(loads, compares, strict=True)]
    print(
        f"spec lines: {sizes[0]} (base), {sizes[1]} (revision); "
        f"changes: {count}; runs: {len(totals)}"
    )
    print(f"{'stage':<26}{'median s':>10}{'min s':>10}{'max s':>10}")
    for name, runs in (
        ("load both (YAML, $refs)", loads),
        ("compare + render json", compares),
        ("total", totals),
    ):
        print(f"{name:<26}{statistics.median(runs):>10.3f}{min(runs):>10.3f}{max(runs):>10.3f}")
    verdict = "met" if statistics.median(totals) <= 1.0 else "NOT met"
    print(f"goal: median total at most 1 s: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
