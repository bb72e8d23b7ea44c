"""Known failures, on Schemathesis' model (`st run --baseline FILE`).

`--baseline FILE` names the failures a team has accepted: a run fails only on failures that are
not in it, and lists the known ones apart. A missing FILE is created from the run, as a lockfile
is; `--baseline-update` adds the run's new failures to it; an entry whose operation ran and no
longer fails is reported as fixed (delete it from the file once the fix is confirmed).

A failure is recognised by a fingerprint: its operation, its check, and its title and message
normalised of what changes from run to run (uuids, hex ids, numbers, quoted values). Only the
message's first paragraph counts: what follows is the schema and the value it quotes for the
reader, which differ with every generated case. A quoted plain word stays, since it names what
is wrong (`"status" is a required property`), not the data. The file is Schemathesis' own
baseline format (`schemathesis.baseline`), so an entry may carry `expires: YYYY-MM-DD`.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from schemathesis.baseline import Baseline, BaselineEntry

from conformance.config.settings import ConfigError, RunSettings
from conformance.exit_codes import Exit

UUID = re.compile(r"\b[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}\b")
HEX_ID = re.compile(r"\b(?=[0-9a-fA-F]*\d)[0-9a-fA-F]{8,}\b")  # object ids, run ids' tails
QUOTED = re.compile(r"(['\"])(.*?)\1")
NAME = re.compile(r"[A-Za-z_]+")  # a field, operation or enum name: what is wrong, not data
NUMBER = re.compile(r"(?<![A-Za-z_])-?\d+(?:\.\d+)?")


def normalised(text: str) -> str:
    """`text`'s first paragraph with ids and values replaced by placeholders, spaces collapsed."""
    first = text.strip().split("\n\n", 1)[0]
    first = HEX_ID.sub("{id}", UUID.sub("{uuid}", first))
    first = QUOTED.sub(lambda m: m[0] if NAME.fullmatch(m[2]) else "'…'", first)
    return " ".join(NUMBER.sub("{n}", first).split())


def entry_of(failure: dict[str, Any]) -> BaselineEntry:
    """A summary.json failure as a baseline entry (its id is the fingerprint)."""
    stamp = date.today().isoformat()
    return BaselineEntry(
        operation=failure["operation"],
        check=failure["check"],
        failure=normalised(failure.get("title") or ""),
        signature=normalised(failure.get("message") or ""),
        first_seen=stamp,
        last_seen=stamp,
    )


def load_baseline(settings: RunSettings) -> Baseline | None:
    """The run's baseline (empty when the file does not exist yet), None without --baseline."""
    if not settings.baseline:
        return None
    try:
        return Baseline.load(Path(settings.baseline))
    except (OSError, ValueError) as exc:  # JSONDecodeError is a ValueError
        raise ConfigError(f"--baseline {settings.baseline}: {exc}") from None


def listed(entry: BaselineEntry) -> dict[str, str]:
    return {
        "id": entry.id,
        "operation": entry.operation,
        "check": entry.check,
        "title": entry.failure,
    }


def judge(settings: RunSettings, summary: dict[str, Any], status: int) -> int:
    """Fingerprint every failure; with a baseline, add summary["baseline"] {known, new, fixed},
    pass a run whose only failures are known, and record the file when asked to."""
    entries: dict[tuple[str, str, str, str], BaselineEntry] = {}
    for failure in summary["failures"]:
        entry = entry_of(failure)
        failure["fingerprint"] = entry.id
        entries.setdefault(entry.identity, entry)
    baseline = load_baseline(settings)
    if baseline is None:
        return status
    today = date.today()
    accepted = {e.identity: e for e in baseline.entries if not e.is_expired(today)}
    known = [e for key, e in entries.items() if key in accepted]
    new = [e for key, e in entries.items() if key not in accepted]
    tested = {op for op, entry in summary["operations"].items() if entry["tested"]}
    fixed = [e for key, e in accepted.items() if key not in entries and e.operation in tested]
    section: dict[str, Any] = {
        "file": settings.baseline,
        "known": [listed(e) for e in known],
        "new": [listed(e) for e in new],
        "fixed": [listed(e) for e in fixed],
        "recorded": 0,
    }
    summary["baseline"] = section
    # Pytest may have passed already: a test blocked by another's failure is skipped.
    if status in (Exit.OK, Exit.FAILURES) and not new and only_failures_held_back(summary):
        summary["passed"], status = True, Exit.OK
    if summary.get("complete", True) and status in (Exit.OK, Exit.FAILURES):
        section["recorded"] = record(settings, baseline, known, new)
    return status


def only_failures_held_back(summary: dict[str, Any]) -> bool:
    """Nothing but known failures made the run red: no error, complete, no pytest errors."""
    errors = summary["totals"]["tests"].get("errors", 0)
    return summary.get("error") is None and summary.get("complete", True) and not errors


def record(
    settings: RunSettings, baseline: Baseline, known: list[BaselineEntry], new: list[BaselineEntry]
) -> int:
    """Write the file when it does not exist yet or --baseline-update asks; returns how many
    entries were added. Known entries get today's `last_seen`."""
    path = Path(str(settings.baseline))
    if path.exists() and not settings.baseline_update:
        return 0
    today = date.today().isoformat()
    seen = {e.identity for e in known}
    for entry in baseline.entries:
        if entry.identity in seen:
            entry.last_seen = today
    Baseline(entries=[*baseline.entries, *new]).save(path)
    return len(new)


def baseline_lines(summary: dict[str, Any]) -> list[str]:
    """The console's account of the baseline: counts, then the known and fixed failures."""
    section = summary.get("baseline")
    if not section:
        return []
    lines = [
        f"baseline {section['file']}: {len(section['known'])} known (not failing the run), "
        f"{len(section['new'])} new, {len(section['fixed'])} fixed"
    ]
    for word, key in (("known", "known"), ("fixed", "fixed")):
        lines += [
            f"  [{word} {e['id']}] {e['operation']}: {e['check']}: {e['title']}"
            for e in section[key]
        ]
    if section["recorded"]:
        lines.append(f"  recorded {section['recorded']} new failure(s) in {section['file']}")
    return lines


def known_fingerprints(summary: dict[str, Any]) -> set[str]:
    section = summary.get("baseline") or {}
    return {e["id"] for e in section.get("known", ())}
