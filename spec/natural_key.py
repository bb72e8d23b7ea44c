"""`x-natural-key`: the request-body field by which a create's resource can be found again.

A POST whose connection closed before any answer is never resent: the target may or may not have
made the resource. Where the create operation names a natural key (a field of its request body
that the API keeps unique), the caller looks the resource up by it instead of assuming either
way. The lookup is the spec's own: a GET operation under the create's path that takes the key as
its one required input, by path (one resource) before by query (a filtered listing).
"""

from __future__ import annotations

from dataclasses import dataclass

from spec.loader import Operation, Spec

EXTENSION = "x-natural-key"


@dataclass(frozen=True)
class NaturalKey:
    field: str  # in the create's request body, and in the resource the lookup answers
    lookup: Operation

    @property
    def by_path(self) -> bool:
        return self.field in self.lookup.placeholders

    def request(self, value: str) -> tuple[str, dict[str, str]]:
        """The lookup's path and query for one key value."""
        if self.by_path:
            return self.lookup.url({self.field: value}), {}
        return self.lookup.url({}), {self.field: value}


def natural_key(spec: Spec, operation_id: str) -> NaturalKey | None:
    """The natural key `operation_id` declares and the operation that finds by it; None when it
    declares none, or the spec has no operation to look it up with."""
    create = spec.operation(operation_id)
    name = create.raw.get(EXTENSION)
    if not isinstance(name, str):
        return None
    lookups = sorted(
        (op for op in spec if _finds_by(op, create.path, name)),
        key=lambda op: name not in op.placeholders,
    )
    return NaturalKey(name, lookups[0]) if lookups else None


def _finds_by(operation: Operation, under: str, name: str) -> bool:
    """A GET under `under` that takes `name` and needs nothing else; by path, the resource
    itself (the path ends at the key), not something of it (its audit log)."""
    if operation.method != "GET" or not operation.path.startswith(under):
        return False
    if name in operation.placeholders and not operation.path.endswith("{" + name + "}"):
        return False
    names = {p.name for p in operation.parameters if p.location in ("path", "query")}
    others = [p for p in operation.parameters if p.required and p.name != name]
    return name in names and not others
