"""The embedded mock: the target a run starts on loopback when it is given no `--base-url`.

The run command starts it once for `--compare-with`, and each pytest process starts its own
otherwise; both start it the same way, with the run's faults and the mock's own merchants.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from conformance.config.settings import (
    MOCK_MERCHANT_A,
    MOCK_MERCHANT_B,
    MOCK_RESTRICTED,
    RunSettings,
)


def embedded_mock(settings: RunSettings) -> tuple[RunSettings, Callable[[], None]]:
    """Start the mock on a free loopback port (the default target) with the run's faults."""
    from ordermesh_mock.config import MockConfig
    from ordermesh_mock.server import run_in_thread

    base_url, stop = run_in_thread(MockConfig(faults=tuple(settings.mock_faults)))
    settings = replace(settings, base_url=base_url, embedded=True)
    if settings.credentials.kind is None:
        settings = replace(settings, credentials=MOCK_MERCHANT_A)
    if settings.tenant_b.kind is None:
        settings = replace(settings, tenant_b=MOCK_MERCHANT_B)
    if settings.restricted.kind is None:
        settings = replace(settings, restricted=MOCK_RESTRICTED)
    return settings, stop
