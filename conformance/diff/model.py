"""What a spec diff reports: one `Change` per rule hit, with a level and a JSON location."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Level = Literal["breaking", "warning", "info"]

LEVELS: tuple[Level, ...] = ("breaking", "warning", "info")
# Higher is more severe; used for --fail-on and for sorting.
SEVERITY: dict[str, int] = {"info": 0, "warning": 1, "breaking": 2}

INFERRED_SUFFIX = (
    " [inferred: the OLD spec marks this element x-provenance: inferred, so this is a change to"
    " our reconstruction, not an API break]"
)


@dataclass(frozen=True)
class Finding:
    """What a rule function yields; the comparer turns it into a `Change`."""

    message: str
    location: str
    # The changed element itself is inferred (e.g. a removed property marked inferred).
    inferred: bool = False
    # Set by path-scope rules, which are called before there is an operation.
    operation: str | None = None
    # Why this one finding is reported as info although its rule's level is higher.
    lowered: str | None = None


@dataclass(frozen=True)
class Change:
    id: str
    level: Level
    operation: str | None
    location: str  # RFC 6901 pointer: into NEW, or into OLD when the element was removed
    message: str
    inferred: bool = False
    direction: str | None = None  # request | response for schema rules
    section: str | None = None  # the operation's docs section (its first tag)
    lowered: str | None = None  # why the level was lowered to info (the operation's stability)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "level": self.level,
            "operation": self.operation,
            "location": self.location,
            "message": self.message,
            "inferred": self.inferred,
            "direction": self.direction,
            "section": self.section,
            "lowered": self.lowered,
        }

    def sort_key(self) -> tuple[int, str, str, str, str]:
        return (-SEVERITY[self.level], self.operation or "", self.location, self.id, self.message)


def at_or_above(changes: list[Change], level: str) -> list[Change]:
    """The changes whose level is `level` or more severe."""
    floor = SEVERITY[level]
    return [change for change in changes if SEVERITY[change.level] >= floor]
