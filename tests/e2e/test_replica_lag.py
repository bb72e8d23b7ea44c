"""Replica lag is not a bug: every read the suite judges by waits for our writes to show.

A proxy in front of the clean mock answers reads of a resource with the version before the last
write, for 0.4 s after it, and searches and lists with their answer from before the latest
write. The smoke run (seed 4242, whose search step once failed on it) must still pass with no
failure at all.
"""

from __future__ import annotations

import httpx
import pytest
from e2e_targets import STATIC_TOKEN as TOKEN
from e2e_targets import ReplicaLag, proxy, serve, smoke_run_through_proxy, summary_of

from ordermesh_mock.config import MockConfig
from ordermesh_mock.server import run_in_thread


@pytest.mark.slow
@pytest.mark.long
def test_a_lagging_replica_in_front_of_the_clean_mock_passes(tmp_path):
    lag = ReplicaLag(0.4)
    result = smoke_run_through_proxy(lag, "--seed", "4242", reports=tmp_path, timeout=600)
    assert lag.stale_reads > 0  # the lag was there to be waited out
    assert lag.stale_searches > 0  # on searches too
    summary = summary_of(tmp_path)
    assert result.returncode == 0, [
        (f["operation"], f["message"][:300]) for f in summary["failures"]
    ]
    assert summary["totals"]["failures"] == 0
    assert summary["totals"]["tests"]["failed"] == 0


def test_the_test_proxy_forwards_any_path_as_sent():
    """Negative cases put percent-encoded control characters in paths; the proxy must hand them
    to the target rather than answer them itself (it once answered a text/plain 404)."""
    mock_url, stop_mock = run_in_thread(MockConfig(token=TOKEN))
    base_url, stop_proxy = serve(proxy(mock_url))
    try:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        for path in ("/v1/orders/%0Aab%0D", "/v1/shipments/%C3%A3%0Ahol/auditLogs"):
            through = httpx.get(base_url + path, headers=headers)
            direct = httpx.get(mock_url + path, headers=headers)
            assert (through.status_code, through.text) == (direct.status_code, direct.text)
            assert through.headers["content-type"].startswith("application/json")
    finally:
        stop_proxy()
        stop_mock()
