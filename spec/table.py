"""Render the state table and the provenance counts as Markdown for spec/README.md.

`python -m spec.table` prints them; a test checks that spec/README.md contains exactly this
output, so the human-readable table can never drift from lifecycle.yaml.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from spec.lifecycle import Lifecycle, load_lifecycle
from spec.loader import Spec, load_spec
from spec.vocabulary import vocabulary


def provenance_counts(spec: Spec) -> dict[str, Counter[str]]:
    """Count `x-provenance` values on operations, parameters, schemas and properties."""
    counts: dict[str, Counter[str]] = {
        "operations": Counter(op.provenance for op in spec.operations),
        "parameters": Counter(),
        "schemas": Counter(),
        "properties": Counter(),
    }
    components = spec.document.get("components", {})
    for param in components.get("parameters", {}).values():
        counts["parameters"][param.get("x-provenance", "unmarked")] += 1
    for schema in components.get("schemas", {}).values():
        counts["schemas"][schema.get("x-provenance", "unmarked")] += 1
        for prop in _properties(schema):
            if "x-provenance" in prop:
                counts["properties"][prop["x-provenance"]] += 1
    return counts


def _properties(schema: dict[str, Any]) -> Iterator[Any]:
    yield from schema.get("properties", {}).values()
    for part in schema.get("allOf", []):
        yield from part.get("properties", {}).values()


def render_provenance(spec: Spec) -> str:
    lines = [
        "| element | docs | seed | inferred | total |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for kind, counter in provenance_counts(spec).items():
        total = sum(counter.values())
        lines.append(
            f"| {kind} | {counter['docs']} | {counter['seed']} | {counter['inferred']} | {total} |"
        )
    return "\n".join(lines)


def render_states(lifecycle: Lifecycle, spec: Spec) -> str:
    words = vocabulary(spec)
    lines = ["| entity | field | states |", "| --- | --- | --- |"]
    for name, entity in lifecycle.entities.items():
        states = entity["states"]
        wire = [lifecycle.wire(words, name, s) for s in states]
        if wire != list(states):
            states = [f"{s} ({value})" for s, value in zip(states, wire, strict=True)]
        lines.append(f"| {name} | `{entity['field']}` | {', '.join(states)} |")
    return "\n".join(lines)


def render_transitions(lifecycle: Lifecycle) -> str:
    lines = [
        "| id | entity | from | to | caused by | when |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for t in lifecycle.transitions:
        ops = ", ".join(f"`{op}`" for op in t.operations)
        lines.append(
            f"| {t.id} | {t.entity} | {t.source or '(new)'} | {t.target} | {ops} | {t.when or ''} |"
        )
    return "\n".join(lines)


def render_refusals(lifecycle: Lifecycle) -> str:
    lines = [
        "| rule | entity | in states | operation | answer | why |",
        "| --- | --- | --- | --- | ---: | --- |",
    ]
    for r in lifecycle.refusals:
        op = f"`{r.operation}`" + (f" ({r.when})" if r.when else "")
        lines.append(
            f"| {r.rule} | {r.entity} | {', '.join(r.states)} | {op} | {r.status} | {r.reason} |"
        )
    for rule in lifecycle.rules.values():
        lines.append(
            f"| {rule.rule} | - | - | `{rule.operation}` | {rule.status} | {rule.reason} |"
        )
    return "\n".join(lines)


def render_all(spec: Spec | None = None, lifecycle: Lifecycle | None = None) -> str:
    spec = spec or load_spec()
    lifecycle = lifecycle or load_lifecycle()
    return "\n\n".join(
        [
            "### Provenance counts",
            render_provenance(spec),
            "### States",
            render_states(lifecycle, spec),
            "### Allowed transitions",
            render_transitions(lifecycle),
            "### Forbidden transitions and business rules",
            "Each refusal changes nothing: no state, no audit event.",
            render_refusals(lifecycle),
        ]
    )


if __name__ == "__main__":
    print(render_all())
