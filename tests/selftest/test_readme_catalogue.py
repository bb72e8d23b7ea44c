"""The README's fault catalogue agrees with the code that owns each fact.

The table groups faults caught the same way. Names and categories belong to
`ordermesh_mock.faults.CATALOGUE`; the smallest profile and the checks allowed to catch a fault
belong to `conformance/selftest/expectations.py`. The README repeats them for readers, so this
test keeps the copy from drifting: every fault once, with its category and profile, and every
check the README says caught it one the expectation accepts.
"""

from __future__ import annotations

from pathlib import Path

from conformance.selftest.expectations import BY_FAULT
from ordermesh_mock.faults import BY_NAME

README = Path(__file__).resolve().parents[2] / "README.md"
SECTION = "## Fault catalogue and what catches what"


def catalogue_rows() -> list[list[str]]:
    text = README.read_text(encoding="utf-8")
    section = text[text.index(SECTION) :].split("\n## ", 1)[0].split("\n### ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    cells = [[cell.strip() for cell in row.strip("|").split("|")] for row in rows]
    assert cells[0] == ["faults", "category", "profile", "detected by", "plain st"], cells[0]
    return cells[1:]


def test_the_readme_catalogue_names_every_mock_fault_once_as_the_code_does() -> None:
    named: list[str] = []
    for faults, category, profile, detected_by, _plain in catalogue_rows():
        for fault in (name.strip() for name in faults.split(",")):
            named.append(fault)
            assert BY_NAME[fault].category == category, fault
            assert BY_FAULT[fault].profile == profile, fault
            checks = {check.strip() for check in detected_by.split(",")}
            assert checks <= set(BY_FAULT[fault].checks), (fault, checks)
    assert sorted(named) == sorted(BY_NAME)
