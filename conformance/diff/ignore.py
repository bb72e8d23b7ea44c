"""`diff --ignore FILE`: the changes a team has agreed to ship, each with its reason.

    accepted:
      - id: response-property-removed                         # the rule id, as in the output
        location: /components/schemas/Item/properties/legacy  # the change's JSON pointer
        reason: "clients moved to `items` in 2026-03 (ticket API-412)"
        operation: GET /items                                  # optional: only this operation

An accepted change is listed as accepted, with its reason, and never counts for `--fail-on`;
the gate stays on for everything else. An entry that matches no change is reported as a
warning, so that entries for changes long shipped do not pile up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from conformance.diff.inputs import InputError
from conformance.diff.model import Change
from conformance.diff.registry import RULES
from spec.loader import load_yaml
from spec.pointer import PointerError, split

REQUIRED_KEYS = ("id", "location", "reason")
KEYS = (*REQUIRED_KEYS, "operation")


class IgnoreError(InputError):
    """One line naming the ignore file and what is wrong with it (a usage error, exit 2)."""


@dataclass(frozen=True)
class Acceptance:
    """One entry of the ignore file."""

    number: int  # 1-based position in the file, for messages
    id: str
    location: str
    reason: str
    operation: str | None = None

    def matches(self, change: Change) -> bool:
        return (
            change.id == self.id
            and change.location == self.location
            and self.operation in (None, change.operation)
        )

    def describe(self) -> str:
        where = f" on {self.operation}" if self.operation else ""
        return f"entry {self.number} ({self.id} at {self.location}{where})"


@dataclass
class Ignored:
    """What an ignore file did to a diff: the changes it accepted and its stale entries."""

    source: Path
    accepted: list[tuple[Change, Acceptance]] = field(default_factory=list)
    stale: list[Acceptance] = field(default_factory=list)

    def warnings(self) -> list[str]:
        return [
            f"{self.source}: {entry.describe()} matches no change; remove it"
            for entry in self.stale
        ]


def load_ignore(path: Path) -> list[Acceptance]:
    """The entries of an ignore file; `IgnoreError` names the first problem."""
    try:
        document = load_yaml(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IgnoreError(f"--ignore {path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise IgnoreError(f"--ignore {path}: cannot read ({exc})") from None
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0]
        raise IgnoreError(f"--ignore {path}: invalid YAML ({first})") from None
    entries = document.get("accepted") if isinstance(document, dict) else None
    if not isinstance(entries, list) or set(document) != {"accepted"}:
        raise IgnoreError(f"--ignore {path}: want a mapping with one key, `accepted`, a list")
    return [_entry(path, number, raw) for number, raw in enumerate(entries, start=1)]


def _entry(path: Path, number: int, raw: Any) -> Acceptance:
    def fail(problem: str) -> IgnoreError:
        return IgnoreError(f"--ignore {path}: entry {number}: {problem}")

    if not isinstance(raw, dict):
        raise fail("want a mapping with id, location and reason")
    unknown = sorted(str(key) for key in raw if key not in KEYS)
    if unknown:
        raise fail(f"unknown key(s) {', '.join(unknown)} (known: {', '.join(KEYS)})")
    for key in REQUIRED_KEYS:
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise fail(f"`{key}` is missing or empty (every accepted change needs one)")
    if raw["id"] not in RULES:
        raise fail(f"unknown rule id {raw['id']!r}")
    try:
        split(raw["location"])
    except PointerError as exc:
        raise fail(f"`location` is not a JSON pointer ({exc})") from None
    operation = raw.get("operation")
    if operation is not None and not isinstance(operation, str):
        raise fail("`operation` must be a string such as 'GET /items'")
    return Acceptance(number, raw["id"], raw["location"], raw["reason"].strip(), operation)


def apply_ignore(
    changes: list[Change], entries: list[Acceptance], source: Path
) -> tuple[list[Change], Ignored]:
    """Split `changes` into those still reported and those the entries accept."""
    ignored = Ignored(source)
    used: set[int] = set()
    kept: list[Change] = []
    for change in changes:
        entry = next((e for e in entries if e.matches(change)), None)
        if entry is None:
            kept.append(change)
        else:
            ignored.accepted.append((change, entry))
            used.add(entry.number)
    ignored.stale = [entry for entry in entries if entry.number not in used]
    return kept, ignored
