"""The target of a proxy row: the mock with the fault proxy in front of it.

The `run` subprocess sees an ordinary live target (`--base-url`), signs in with the mock's
merchants through ORDERMESH_* variables, and never learns that a proxy rewrites its traffic.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from conformance.config.settings import (
    ENV_CREDENTIALS,
    MOCK_MERCHANT_A,
    MOCK_MERCHANT_B,
    Credentials,
)
from conformance.selftest.proxy import serve_in_thread
from ordermesh_mock.config import MockConfig
from ordermesh_mock.server import run_in_thread


def credentials_env(credentials: Credentials, prefix: str) -> dict[str, str]:
    """`credentials` as the ORDERMESH_* variables `run` reads them from."""
    return {
        prefix + suffix: value
        for key, suffix in ENV_CREDENTIALS.items()
        if (value := getattr(credentials, key))
    }


MOCK_ENV = {
    **credentials_env(MOCK_MERCHANT_A, "ORDERMESH_"),
    **credentials_env(MOCK_MERCHANT_B, "ORDERMESH_TENANT_B_"),
}


@contextmanager
def proxied_mock(
    fault_names: Sequence[str],
    mock_faults: Sequence[str] = (),
    dialect: str | None = None,
    preload_orders: int = 0,
) -> Iterator[str]:
    """A mock (clean, or with `mock_faults` seeded; holding `preload_orders` orders of each
    merchant) and a proxy with `fault_names` (and the `dialect`, when named) in front of it;
    yields the proxy's URL. Both kinds of fault are active in the one target."""
    config = MockConfig(faults=tuple(mock_faults))
    mock_url, stop_mock = run_in_thread(config, preload_orders=preload_orders)
    try:
        proxy_url, stop_proxy = serve_in_thread(mock_url, fault_names, dialect=dialect)
        try:
            yield proxy_url
        finally:
            stop_proxy()
    finally:
        stop_mock()
