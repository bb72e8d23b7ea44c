"""HTTP_PROXY and NO_PROXY, as a corporate network sets them, reach every client of the run.

httpx honours the variables only for a client without a transport of its own, and every client
of the run has one (the throttle's); conformance/transport/connection.py routes them itself. A
forward
proxy on loopback must then see the token request, the suite's own reads and the generated
cases alike, and NO_PROXY must keep them all away from it.
"""

from __future__ import annotations

import pytest
from e2e_targets import run_conformance

from conformance.config.settings import MOCK_MERCHANT_A
from conformance.exit_codes import Exit
from ordermesh_mock.config import MockConfig
from ordermesh_mock.server import run_in_thread
from tests.support.hangup import HangingUpProxy

NARROW = ("--profile", "smoke", "--seed", "1", "--suite", "properties", "--include", "getOrderById")
CREDENTIALS = {
    "ORDERMESH_CLIENT_ID": MOCK_MERCHANT_A.client_id or "",
    "ORDERMESH_CLIENT_SECRET": MOCK_MERCHANT_A.client_secret or "",
    "ORDERMESH_MERCHANT_ID": MOCK_MERCHANT_A.merchant_id or "",
}
NEVER = "^$"  # the proxy hangs up on nothing


@pytest.mark.parametrize("bypassed", [False, True], ids=["through-proxy", "no-proxy"])
def test_every_client_goes_through_http_proxy_unless_no_proxy_names_the_host(tmp_path, bypassed):
    mock_url, stop_mock = run_in_thread(MockConfig())
    proxy = HangingUpProxy(mock_url, NEVER)
    variables = {"HTTP_PROXY": proxy.base_url, "http_proxy": proxy.base_url}
    no_proxy = "127.0.0.1" if bypassed else ""
    variables |= {"NO_PROXY": no_proxy, "no_proxy": no_proxy}
    try:
        result = run_conformance(
            "--base-url", mock_url, *NARROW, reports=tmp_path, env={**CREDENTIALS, **variables}
        )
    finally:
        proxy.stop()
        stop_mock()
    assert result.returncode == Exit.OK, (result.stdout + result.stderr)[-3000:]
    agents = {agent.split("/")[0] for _, agent in proxy.seen}
    if bypassed:
        assert proxy.seen == []
        return
    # absolute-form request lines: the clients spoke to a proxy, not to the target
    assert all(line.split(" ")[1].startswith(mock_url) for line, _ in proxy.seen)
    assert {"python-httpx", "python-requests"} <= agents, agents  # reads; generated cases
    assert any("/token" in line for line, _ in proxy.seen)
