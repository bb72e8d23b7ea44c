"""Single-constraint violations: a valid body with exactly one rule broken must be refused.

Schemathesis' negative cases break several rules at once, so an API that ignores one `maxLength`
or one `required` still answers 400 for the others. This check takes a body the API just accepted
and breaks one declared constraint at a time (maxLength + 1, minimum - 1, a value outside the
enum, a missing required field). Once per operation per run: it is a probe, not a fuzzer.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

from conformance.checks import snapshots
from conformance.failures.hierarchy import ConstraintFailure
from conformance.machinery.contract import is_client_error, is_success
from conformance.machinery.harness import Harness
from conformance.transport.operations import operation_of

Mutation = tuple[str, Callable[[Any], bool]]  # (what is broken, apply it; False if not applicable)


def violations(schema: dict[str, Any], path: tuple = ()) -> Iterator[Mutation]:
    """One mutation per declared constraint on the fields of an object schema (and the first
    element of its object arrays), in schema order."""
    properties = schema.get("properties", {})
    for name in schema.get("required", []):
        yield f"{_label((*path, name))} missing (required)", _remove(path, name)
    for name, prop in properties.items():
        where = (*path, name)
        if prop.get("type") == "string" and "maxLength" in prop:
            too_long = "x" * (prop["maxLength"] + 1)
            yield (
                f"{_label(where)} longer than maxLength {prop['maxLength']}",
                _set(where, too_long),
            )
        if prop.get("type") == "integer" and "minimum" in prop:
            yield (
                f"{_label(where)} below minimum {prop['minimum']}",
                _set(where, prop["minimum"] - 1),
            )
        if prop.get("type") == "string" and "enum" in prop:
            yield f"{_label(where)} outside its enum", _set(where, "NotInTheEnum")
        if prop.get("type") == "object":
            yield from violations(prop, where)
        items = prop.get("items") or {}
        if prop.get("type") == "array" and items.get("type") == "object":
            yield from violations(items, (*where, 0))


def _label(path: tuple) -> str:
    return ".".join(f"[{p}]" if isinstance(p, int) else p for p in path).replace(".[", "[")


def _parent(body: Any, path: tuple) -> Any:
    node = body
    for part in path:
        if isinstance(part, int):
            if not isinstance(node, list) or len(node) <= part:
                return None
        elif not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _set(path: tuple, value: Any) -> Callable[[Any], bool]:
    def apply(body: Any) -> bool:
        parent = _parent(body, path[:-1])
        if not isinstance(parent, dict) or path[-1] not in parent:
            return False  # only break what the accepted body actually sent
        parent[path[-1]] = value
        return True

    return apply


def _remove(path: tuple, name: str) -> Callable[[Any], bool]:
    def apply(body: Any) -> bool:
        parent = _parent(body, path)
        if not isinstance(parent, dict) or name not in parent:
            return False
        del parent[name]
        return True

    return apply


def _clone(case) -> SimpleNamespace:
    """What the preparers touch of a case, copied so it can be re-prepared independently."""
    return SimpleNamespace(
        operation=case.operation,
        meta=case.meta,
        body=copy.deepcopy(case.body),
        path_parameters=dict(case.path_parameters or {}),
        query=dict(case.query or {}),
    )


def make_single_violation_check(harness: Harness):
    probed: set[str] = set()
    lock = threading.Lock()

    def single_constraint_violation(ctx, response, case) -> None:
        operation_id = operation_of(case)
        operation = harness.spec.operation(operation_id)
        schema = operation.request_schema
        if not is_success(response.status_code) or not isinstance(case.body, dict) or not schema:
            return
        if case.meta is not None and case.meta.generation.mode.name != "POSITIVE":
            return
        with lock:
            if operation_id in probed:
                return
            probed.add(operation_id)
        creates = (snapshots.audit_spec(case) or {}).get("id", "").startswith("$response")
        for what, mutate in violations(schema):
            probe = case
            if creates:  # a fresh safeId etc., so a refusal is about the broken rule only
                probe = _clone(case)
                harness.preparation.prepare(probe)
            body = copy.deepcopy(probe.body)
            if not mutate(body):
                continue
            path = operation.url(probe.path_parameters or {})
            answer = harness.client.request(case.method, path, json=body, params=probe.query)
            if not is_client_error(answer.status_code):
                raise ConstraintFailure(
                    operation=case.operation.label,
                    title="Constraint not enforced",
                    message=f"{operation_id} answered {answer.status_code} to a body whose only "
                    f"problem is: {what}",
                    check="single_constraint_violation",
                )

    return single_constraint_violation
