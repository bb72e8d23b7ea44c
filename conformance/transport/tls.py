"""One TLS context per process, shared by every HTTP client the toolkit opens.

httpx loads the CA bundle again for each new `Client` (50-80 ms each), and a run opens several
(preflight, token providers for two tenants, API clients): sharing one context saves about half
a second of every run's start.
"""

from __future__ import annotations

import functools
import ssl

import httpx


@functools.cache
def tls_context() -> ssl.SSLContext:
    return httpx.create_ssl_context()
