"""Independent reads go out at once and come back in the order asked
(conformance/transport/together.py)."""

from __future__ import annotations

import threading

import pytest

from conformance.transport.together import together


def test_the_calls_overlap_and_the_results_keep_their_order():
    meeting = threading.Barrier(3, timeout=5)  # breaks unless all three are in flight at once

    def read(value: int):
        return lambda: (meeting.wait(), value)[1]

    assert together([read(1), read(2), read(3)]) == [1, 2, 3]


def test_the_first_failure_in_order_is_raised_after_every_call_finished():
    finished: list[str] = []

    def fails(name: str):
        def call():
            finished.append(name)
            raise ValueError(name)

        return call

    with pytest.raises(ValueError, match="second"):
        together([lambda: finished.append("first"), fails("second"), fails("third")])
    assert sorted(finished) == ["first", "second", "third"]


def test_one_call_or_none_runs_in_the_caller_s_thread():
    assert together([threading.current_thread]) == [threading.current_thread()]
    assert together([]) == []
