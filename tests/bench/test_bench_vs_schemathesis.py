"""The suite-against-plain benchmark runs end to end on one operation and prints its verdict.

Not a timing test: it checks both sides ran and the ratio line agrees with the medians it prints.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.slow
def test_one_repetition_on_one_operation_prints_both_sides_and_a_verdict(
    repo_root: Path, tmp_path: Path
) -> None:
    command = [
        sys.executable,
        str(repo_root / "bench" / "bench_vs_schemathesis.py"),
        "--repetitions",
        "1",
        "--include",
        "getClientToken",
        "--timeout",
        "120",
        "--log",
        str(tmp_path / "bench.log"),
    ]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    medians = {
        side: float(wall)
        for side, wall in re.findall(
            r"^(ordermesh-conformance run|plain st run)\s+([\d.]+)\s", proc.stdout, re.M
        )
    }
    assert set(medians) == {"ordermesh-conformance run", "plain st run"}, proc.stdout
    ratio = re.search(
        r"^ratio ([\d.]+)x wall, [\d.]+x CPU \(goal <= 1.3x wall\): (met|NOT met)$",
        proc.stdout,
        re.M,
    )
    assert ratio, proc.stdout
    # The printed medians are rounded to 0.1 s; the ratio is computed from the exact ones.
    expected = medians["ordermesh-conformance run"] / medians["plain st run"]
    assert float(ratio[1]) == pytest.approx(expected, rel=0.06)
    printed = float(ratio[1])
    if abs(printed - 1.3) > 0.001:  # nearer than that, the rounding decides the printed side
        assert (ratio[2] == "met") == (printed <= 1.3)
    log = (tmp_path / "bench.log").read_text()
    assert "-m conformance.cli run" in log and "st run" in log  # both commands, with output
