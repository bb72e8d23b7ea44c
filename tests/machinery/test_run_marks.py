"""RunMarks: a key is claimed by exactly one of the run's processes."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from conformance.machinery.once import RunMarks


def _claims(directory: str, keys: int) -> list[bool]:
    marks = RunMarks(Path(directory))
    return [marks.claim("probe", str(n)) for n in range(keys)]


def test_each_key_is_claimed_by_one_process_only(tmp_path):
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        results = pool.starmap(_claims, [(str(tmp_path), 50)] * 4)
    assert [sum(column) for column in zip(*results, strict=True)] == [1] * 50


def test_without_a_directory_the_marks_are_this_process_s_own(tmp_path):
    mine, other = RunMarks(), RunMarks()
    assert mine.claim("a") and not mine.claim("a") and other.claim("a")
    shared = RunMarks(tmp_path)
    assert not shared.marked("b")
    shared.mark("b")
    assert RunMarks(tmp_path).marked("b") and not RunMarks(tmp_path).claim("b")
