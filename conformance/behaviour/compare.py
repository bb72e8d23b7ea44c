"""Replay the same seeded cases and flows on two targets; report how they behave differently.

Pairs are matched by key (same operation, same generated case or flow step). For each pair we
compare the status code, the response shape (JSON paths and their types), the values of fields
the spec types as enums, and, for flow writes, the audit events (action and changed fields).
Ids, timestamps and other free values differ between any two runs, so they are not compared.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from conformance.drift.analyse import Analyser, operation_pointer
from conformance.drift.observe import Observation
from conformance.drift.walk import SchemaWalker, json_type
from spec import Spec

ASPECTS = ("status", "shape", "enum", "audit")


def shape(body: object, path: str = "$") -> set[str]:
    """Every JSON path of the body with its type; array items collapse to `[*]`."""
    out = {f"{path}: {json_type(body)}"}
    if isinstance(body, dict):
        for key, value in body.items():
            out |= shape(value, f"{path}.{key}")
    elif isinstance(body, list):
        for item in body:
            out |= shape(item, f"{path}[*]")
    return out


@dataclass
class Difference:
    operation: str
    aspect: str  # status | shape | enum | audit
    a: list[str]  # what only A showed
    b: list[str]  # what only B showed
    keys: list[str] = field(default_factory=list)  # the cases and flow steps that showed it

    def as_dict(self) -> dict[str, object]:
        return {
            "operation": self.operation,
            "aspect": self.aspect,
            "a": self.a,
            "b": self.b,
            "keys": self.keys,
        }


class Signature:
    """What one observation looks like per aspect, as sets of comparable strings."""

    def __init__(self, spec: Spec) -> None:
        self.analyser = Analyser(spec)
        self.walker = SchemaWalker(spec.document)
        self.spec = spec

    def of(self, o: Observation) -> dict[str, set[str]]:
        status = {"unprepared" if o.status is None else str(o.status)}
        signature = {"status": status, "shape": set(), "enum": set(), "audit": set()}
        if o.body is not None:
            signature["shape"] = shape(o.body)
            schema = self.analyser.response_schema(o.operation_id, o.status or 0, o.media_type)
            if schema is not None:
                walked = self.walker.walk(
                    o.body, schema, operation_pointer(self.spec, o.operation_id), ""
                )
                signature["enum"] = {f"{path} = {value!r}" for path, value in walked.enum_values}
        if o.audit is not None:
            signature["audit"] = {
                f"#{index} {action} changes [{', '.join(fields)}]"
                for index, (action, fields) in enumerate(o.audit)
            }
        return signature


def compare(spec: Spec, a: list[Observation], b: list[Observation]) -> list[Difference]:
    signature = Signature(spec)
    by_key_a = {o.key: o for o in a}
    by_key_b = {o.key: o for o in b}
    merged: dict[tuple[str, str], Difference] = {}
    for key in sorted(set(by_key_a) | set(by_key_b)):
        left, right = by_key_a.get(key), by_key_b.get(key)
        if left is None or right is None:
            only = left or right
            assert only is not None
            diff = merged.setdefault(
                (only.operation_id, "status"), Difference(only.operation_id, "status", [], [])
            )
            (diff.a if left else diff.b).append(f"{key} ran only here")
            diff.keys.append(key)
            continue
        sig_a, sig_b = signature.of(left), signature.of(right)
        for aspect in ASPECTS:
            only_a, only_b = sig_a[aspect] - sig_b[aspect], sig_b[aspect] - sig_a[aspect]
            if not (only_a or only_b):
                continue
            diff = merged.setdefault(
                (left.operation_id, aspect), Difference(left.operation_id, aspect, [], [])
            )
            diff.a = sorted(set(diff.a) | only_a)
            diff.b = sorted(set(diff.b) | only_b)
            diff.keys.append(key)
            if aspect == "status":
                break  # a different status explains any different body: do not list it twice
    return sorted(merged.values(), key=lambda d: (d.operation, ASPECTS.index(d.aspect)))
