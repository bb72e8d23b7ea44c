"""The Test Coverage Level a run reached (Martin-Lopez, Segura, Ruiz-Cortes, A-TEST 2019).

Ten criteria in eight levels, each level holding its criteria and every lower level's:
TCL1 paths; TCL2 operations; TCL3 content types (input and output); TCL4 parameters and status
code classes (2XX and 4XX per operation); TCL5 parameter values (every enum and boolean value
of a parameter) and status codes; TCL6 response body properties; TCL7 operation flows (here:
the spec's links followed). A level is reached when all its criteria are at 100 %; elements the
map excuses (a documented 5xx, with its reason) are left out of the count.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from conformance.coverage.model import BODY

Entry = dict[str, Any]


@dataclass(frozen=True)
class Criterion:
    name: str
    level: int
    selects: Callable[[Entry], bool]
    covers: Callable[[Entry], bool]


def _dimension(*names: str) -> Callable[[Entry], bool]:
    return lambda e: e["dimension"] in names


def _seen(e: Entry) -> bool:
    return e["status"] in ("covered", "partial")


def _parameter_value(e: Entry) -> bool:
    return e["dimension"] in ("enum-values", "boolean-values") and e.get("location") not in (
        None,
        BODY,
    )


CRITERIA = (
    Criterion("paths", 1, _dimension("paths"), _seen),
    Criterion("operations", 2, _dimension("operations"), _seen),
    Criterion("content types", 3, _dimension("content-types"), _seen),
    Criterion("parameters", 4, _dimension("parameters"), lambda e: e["sides"]["present"] > 0),
    Criterion("status code classes", 4, _dimension("status-classes"), _seen),
    Criterion("parameter values", 5, _parameter_value, _seen),
    Criterion("status codes", 5, _dimension("status-codes"), _seen),
    Criterion("response body properties", 6, _dimension("response-properties"), _seen),
    Criterion("operation flows", 7, _dimension("links"), _seen),
)
NAMES = {
    0: "TCL0",
    1: "TCL1: paths",
    2: "TCL2: operations",
    3: "TCL3: content types",
    4: "TCL4: parameters, status code classes",
    5: "TCL5: parameter values, status codes",
    6: "TCL6: response body properties (all outputs)",
    7: "TCL7: operation flows",
}


def level_of(elements: list[Entry]) -> dict[str, Any]:
    """The level reached and the figure of each criterion."""
    criteria: list[dict[str, Any]] = []
    for criterion in CRITERIA:
        chosen = [e for e in elements if criterion.selects(e) and e["status"] != "excused"]
        covered = sum(1 for e in chosen if criterion.covers(e))
        criteria.append(
            {
                "criterion": criterion.name,
                "level": criterion.level,
                "covered": covered,
                "total": len(chosen),
                "percent": percent(covered, len(chosen)),
            }
        )
    reached = 0
    for level in range(1, 8):
        if all(c["covered"] == c["total"] for c in criteria if c["level"] <= level):
            reached = level
        else:
            break
    return {"tcl": reached, "name": NAMES[reached], "criteria": criteria}


def percent(covered: int, total: int) -> float:
    return round(100.0 * covered / total, 1) if total else 100.0
