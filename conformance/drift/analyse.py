"""Judge observations against the spec: findings, grouped by the provenance of what they touch.

Each finding names a spec element (a JSON pointer to the node that carries `x-provenance`) and
the node a patch must change. An inferred element the target exercised without a finding is
*confirmed*; one with a finding is *contradicted*; a documented (docs/seed) one is *violated*.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from conformance.drift.judge import ResponseJudge, SchemaError
from conformance.drift.observe import Observation
from conformance.drift.walk import Mismatch, SchemaWalker, escape
from spec import Spec

MISSING_OPERATION_STATUSES = (404, 405)


@dataclass
class DriftFinding:
    kind: str  # undocumented-field | undocumented-status | missing-operation, or one per
    #           failed JSON Schema keyword: missing-field (required) | type-mismatch | nullable
    #           | enum-value | pattern | format | minimum | maxLength | ...
    location: str  # JSON pointer of the spec node a patch changes
    name: str  # field, value, observed type or status code
    element: str  # JSON pointer of the element whose provenance applies
    provenance: str
    operations: list[str] = field(default_factory=list)
    instance_paths: list[str] = field(default_factory=list)
    examples: list[object] = field(default_factory=list)  # observed values (a few)
    count: int = 0

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.kind, self.location, self.name)

    def add(self, operation: str, instance_path: str | None, example: object) -> None:
        self.count += 1
        if operation not in self.operations:
            self.operations.append(operation)
        if instance_path and instance_path not in self.instance_paths:
            self.instance_paths.append(instance_path)
        if len(self.examples) < 3 and example not in self.examples:
            self.examples.append(example)

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "location": self.location,
            "name": self.name,
            "element": self.element,
            "provenance": self.provenance,
            "operations": self.operations,
            "instance_paths": self.instance_paths,
            "examples": self.examples,
            "count": self.count,
        }


@dataclass
class DriftReport:
    target: str
    spec_path: str
    spec_version: str
    findings: list[DriftFinding]
    confirmed: dict[str, str]  # inferred element pointer -> "exercised, no finding"
    exercised: dict[str, str]  # every element pointer reached -> provenance
    observations: int
    unprepared: list[dict[str, str]]  # cases whose setup the target refused
    statuses: dict[str, list[int]]  # operation -> statuses seen

    def contradicted(self) -> list[DriftFinding]:
        return [f for f in self.findings if f.provenance == "inferred"]

    def violated(self) -> list[DriftFinding]:
        return [f for f in self.findings if f.provenance != "inferred"]


def operation_pointer(spec: Spec, operation_id: str) -> str:
    operation = spec.operation(operation_id)
    return f"#/paths/{escape(operation.path)}/{operation.method.lower()}"


class Analyser:
    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.judge = ResponseJudge(spec.document)
        self.walker = SchemaWalker(spec.document, self.judge)
        self.findings: dict[tuple[str, str, str], DriftFinding] = {}
        self.exercised: dict[str, str] = {}
        self.broken: set[str] = set()  # elements some observed value broke, at any depth

    def _finding(
        self, kind: str, location: str, name: str, element: str, provenance: str
    ) -> DriftFinding:
        key = (kind, location, name)
        if key not in self.findings:
            self.findings[key] = DriftFinding(kind, location, name, element, provenance)
        return self.findings[key]

    def response_schema(self, operation_id: str, status: int, media: str | None) -> str | None:
        """Pointer of the documented response schema for this status and media type, if any."""
        op_pointer = operation_pointer(self.spec, operation_id)
        responses = self.spec.operation(operation_id).raw.get("responses", {})
        code = str(status) if str(status) in responses else None
        if code is None:
            return None
        response, pointer = self.walker.resolve(responses[code], f"{op_pointer}/responses/{code}")
        content = response.get("content") or {}
        wanted = (media or "").split(";")[0].strip()
        for name in (wanted, "application/json"):
            if name in content and "schema" in content[name]:
                return f"{pointer}/content/{escape(name)}/schema"
        return None

    def observe(self, observation: Observation) -> None:
        if observation.status is None:
            return
        operation = self.spec.operation(observation.operation_id)
        op_pointer = operation_pointer(self.spec, operation.operation_id)
        self.exercised[op_pointer] = operation.provenance
        if str(observation.status) not in operation.raw.get("responses", {}):
            finding = self._finding(
                "undocumented-status",
                f"{op_pointer}/responses",
                str(observation.status),
                op_pointer,
                operation.provenance,
            )
            finding.add(operation.operation_id, None, observation.body)
            return
        schema = self.response_schema(
            operation.operation_id, observation.status, observation.media_type
        )
        if schema is None or observation.body is None:
            return
        walked = self.walker.walk(observation.body, schema, op_pointer, operation.provenance)
        self.exercised.update(walked.visited)
        errors = self.judge.errors(observation.body, schema, op_pointer, operation.provenance)
        self.broken.update(element for error in errors for element in error.elements)
        found: list[Mismatch | SchemaError] = [*walked.mismatches, *errors]
        for m in found:  # undocumented fields, then validator errors
            finding = self._finding(m.kind, m.location, m.name, m.element, m.provenance)
            finding.add(operation.operation_id, m.instance_path, m.observed)

    def missing_operations(self, observations: list[Observation]) -> None:
        """An operation whose every prepared case met 404/405 is not served at that path."""
        by_operation: dict[str, list[int]] = {}
        for o in observations:
            if o.source == "case" and o.status is not None:
                by_operation.setdefault(o.operation_id, []).append(o.status)
        for operation_id, statuses in by_operation.items():
            if all(s in MISSING_OPERATION_STATUSES for s in statuses):
                op_pointer = operation_pointer(self.spec, operation_id)
                provenance = self.spec.operation(operation_id).provenance
                finding = self._finding(
                    "missing-operation", op_pointer, operation_id, op_pointer, provenance
                )
                for status in statuses:
                    finding.add(operation_id, None, status)
                # its 404/405 are the symptom, not undocumented statuses of their own
                for code in {str(s) for s in statuses}:
                    self.findings.pop(
                        ("undocumented-status", f"{op_pointer}/responses", code), None
                    )


def analyse(spec: Spec, target: str, observations: list[Observation]) -> DriftReport:
    analyser = Analyser(spec)
    for observation in observations:
        analyser.observe(observation)
    analyser.missing_operations(observations)
    findings = sorted(analyser.findings.values(), key=lambda f: (f.kind, f.location, f.name))
    contradicted = {f.element for f in findings} | analyser.broken
    confirmed = {
        pointer: provenance
        for pointer, provenance in sorted(analyser.exercised.items())
        if provenance == "inferred" and pointer not in contradicted
    }
    statuses: dict[str, list[int]] = {}
    for o in observations:
        if o.status is not None and o.status not in statuses.setdefault(o.operation_id, []):
            statuses[o.operation_id].append(o.status)
    unprepared = [
        {"key": o.key, "reason": o.note, "blocked_by": o.blocked_by or "setup"}
        for o in observations
        if o.status is None
    ]
    return DriftReport(
        target=target,
        spec_path=str(spec.path),
        spec_version=spec.version,
        findings=findings,
        confirmed=confirmed,
        exercised=dict(sorted(analyser.exercised.items())),
        observations=len(observations),
        unprepared=unprepared,
        statuses=statuses,
    )
