"""Each failure's replay line reruns the one test that failed, and the failure comes back.

A run on a mock with seeded faults finds failures in property tests and in lifecycle scenarios;
the replay line recorded with each (summary.json) is run as printed, and must show the same
failure and nothing else, from one test.
"""

from __future__ import annotations

import shlex
import xml.etree.ElementTree as ET

import pytest

from conformance.reporting.markdown import reproduction_line

# holdOrder: a refused hold answers 422 (scenarios and walks); deleteNote: the note stays
# readable (the property test's read-after-write and the notes scenario).
FAULTS = ("--fault", "hold-conflict-422", "--fault", "delete-does-not-delete")
SELECTION = ("--include", "holdOrder", "--include", "deleteNote")
REPLAYED = 3


def key(failure: dict) -> tuple[str, str, str]:
    return failure["check"], failure["operation"], failure["title"]


def junit_tests(result) -> list[str]:
    root = ET.parse(result.reports / "junit.xml").getroot()
    return [case.get("name") for case in root.iter("testcase")]


def replay_argv(failure: dict) -> list[str]:
    line = reproduction_line(failure)
    assert line.startswith("ordermesh-conformance run "), line
    return shlex.split(line)[1:]


@pytest.mark.slow
@pytest.mark.long
def test_three_failures_each_replay_alone(run_cli):
    first = run_cli("run", "--profile", "smoke", "--seed", "11", *FAULTS, *SELECTION)
    assert first.code == 1, first.stdout + first.stderr
    failures = first.summary["failures"]
    assert len(failures) >= REPLAYED, [key(f) for f in failures]
    kinds: set[str] = set()
    for replayed, failure in enumerate(failures):
        if replayed >= REPLAYED and kinds == {"scenario", "property test"}:
            break
        argv = replay_argv(failure)
        assert argv[argv.index("--seed") + 1] == "11"
        again = run_cli(*argv)
        assert again.code == 1, again.stdout + again.stderr
        # The one test that met it, alone: it fails the same way (and may say more of the
        # same answer, e.g. a scenario whose refused step also broke the contract).
        assert key(failure) in [key(f) for f in again.summary["failures"]]
        ran = junit_tests(again)
        assert len(ran) == 1, ran
        if "--scenario" in argv:
            kinds.add("scenario")
            scenario = argv[argv.index("--scenario") + 1]
            assert ran[0] == scenario  # junit.xml names a scenario by its name
        else:
            kinds.add("property test")
            assert argv[argv.index("--include") + 1] == failure["operation"] == ran[0]
            tested = [op for op, e in again.summary["operations"].items() if e["tested"]]
            assert tested == [failure["operation"]]
    assert kinds == {"scenario", "property test"}
