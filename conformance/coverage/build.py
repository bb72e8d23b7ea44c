"""summary.json's `coverage`: the merged hits read back against the model.

An element is `covered` (every side it has was met), `partial` (some), `uncovered` (none) or
`excused` (the model says why it cannot be: a documented 5xx). The lifecycle dimensions come
from the scenarios' own record (stats.py `lifecycle`), the rest from the transport's hits.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from conformance.coverage import levels, model
from conformance.coverage.record import TRIED, UNDOCUMENTED
from spec import Lifecycle, Spec

VERSION = 1
# The sides that count requests: valid/invalid qualify a request already counted once.
QUALIFIERS = ("valid", "invalid")
LIFECYCLE = (("states", "state"), ("transitions", "transition"), ("refusals", "refusal"))


def hits_of(merged: Mapping[str, Any]) -> Counter[str]:
    """The transport's hits and the lifecycle scenarios' states, transitions and refusals."""
    hits: Counter[str] = Counter(merged.get("coverage") or {})
    lifecycle = merged.get("lifecycle") or {}
    for field, kind in LIFECYCLE:
        for name in lifecycle.get(field, ()):
            hits[f"{model.key(kind, name)}|seen"] += 1
    return hits


def coverage_of(
    spec: Spec, lifecycle: Lifecycle, merged: Mapping[str, object]
) -> dict[str, object]:
    hits = hits_of(merged)
    sides: dict[str, dict[str, int]] = {}
    for hit, count in hits.items():
        element, _, side = hit.rpartition("|")
        sides.setdefault(element, {})[side] = count
    elements = [entry(e, sides.get(e.id, {})) for e in model.universe(spec, lifecycle).values()]
    return {
        "version": VERSION,
        "requests": sum(v.get("seen", 0) for k, v in sides.items() if k.startswith("operation:")),
        "level": levels.level_of(elements),
        "dimensions": dimensions(elements),
        "elements": elements,
        "undocumented": undocumented(sides),
    }


def entry(element: model.Element, sides: dict[str, int]) -> dict[str, object]:
    met = [side for side in element.sides if sides.get(side)]
    missing = [side for side in element.sides if not sides.get(side)]
    if element.reason and not met:
        status = "excused"
    elif not missing:
        status = "covered"
    else:
        status = "partial" if met else "uncovered"
    out: dict[str, object] = {
        "id": element.id,
        "dimension": element.dimension,
        "section": element.section,
        "operation": element.operation,
        "pointer": element.pointer,
        "label": element.label,
        "status": status,
        "requests": sum(
            n for side, n in sides.items() if side not in QUALIFIERS and not side.startswith(TRIED)
        ),
    }
    attempts = {side.removeprefix(TRIED): n for side, n in sides.items() if side.startswith(TRIED)}
    if attempts:
        out["tried"] = dict(sorted(attempts.items()))
    if len(element.sides) > 1:  # one side is the request count itself
        out["sides"] = {side: sides.get(side, 0) for side in element.sides}
    if element.location:
        out["location"] = element.location
    if missing and met:
        out["missing"] = missing
    if status == "excused":
        out["reason"] = element.reason
    return out


def dimensions(elements: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per dimension: how many elements are covered, partial, uncovered, excused; `percent` is
    the share fully covered of those not excused."""
    out: dict[str, dict[str, Any]] = {}
    for e in elements:
        counts = out.setdefault(
            e["dimension"], {"covered": 0, "partial": 0, "uncovered": 0, "excused": 0}
        )
        counts[e["status"]] += 1
    for counts in out.values():
        counts["total"] = counts["covered"] + counts["partial"] + counts["uncovered"]
        counts["percent"] = levels.percent(counts["covered"], counts["total"])
    return dict(sorted(out.items()))


def undocumented(sides: dict[str, dict[str, int]]) -> list[dict[str, object]]:
    """Statuses an operation answered that its spec entry does not list."""
    out = []
    for element, counted in sorted(sides.items()):
        kind, _, rest = element.partition(":")
        if kind == UNDOCUMENTED:
            operation, _, status = rest.rpartition(":")
            out.append({"operation": operation, "status": status, "requests": counted["seen"]})
    return out
