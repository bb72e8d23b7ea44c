"""How the run reaches its target: request timeout, TLS and proxies, the same for every client.

Generated cases (requests, through Schemathesis), oracle reads and token requests (httpx) take
one `ConnectionOptions`: `--request-timeout`, `--ca-bundle`, `--tls-verify/--no-tls-verify` and a
client certificate for mutual TLS (`--request-cert`, `--request-cert-key`). The transports of
conformance/transport/transports.py apply them, so no client can forget one.

The standard `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` variables: requests reads
them for every request. httpx reads them only for a client that brings no transport of its own,
and the run's clients all bring one (the throttle's), so `ProxyRouting` picks the proxy for each
request with requests' own function: both kinds of client agree on which host goes where.
"""

from __future__ import annotations

import functools
import ssl
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import requests.utils

from conformance.config.settings import ConfigError
from conformance.transport.tls import tls_context

if TYPE_CHECKING:
    from conformance.config.settings import RunSettings


@dataclass(frozen=True)
class ConnectionOptions:
    """None or the defaults: each client keeps its own timeout, the system's CAs, no cert."""

    timeout: float | None = None  # seconds, for every request of the run
    tls_verify: bool = True
    ca_bundle: str | None = None  # PEM file of the CAs to trust instead of the system's
    cert: str | None = None  # client certificate (PEM; may hold the key too)
    key: str | None = None  # its private key, when in a file of its own

    @classmethod
    def of(cls, settings: RunSettings) -> ConnectionOptions:
        return cls(
            timeout=settings.request_timeout,
            tls_verify=settings.tls_verify,
            ca_bundle=settings.ca_bundle,
            cert=settings.request_cert,
            key=settings.request_cert_key,
        )

    def ssl_context(self) -> ssl.SSLContext:
        """The httpx side's TLS context (built once per distinct options)."""
        return _context(self.tls_verify, self.ca_bundle, self.cert, self.key)

    def requests_kwargs(self) -> dict[str, object]:
        """What the options change of requests' `send` arguments (none by default, so that
        schemathesis.toml's TLS settings still apply to generated cases)."""
        kwargs: dict[str, object] = {}
        if self.ca_bundle or not self.tls_verify:
            kwargs["verify"] = self.ca_bundle or False
        if self.cert:
            kwargs["cert"] = (self.cert, self.key) if self.key else self.cert
        if self.timeout is not None:
            kwargs["timeout"] = self.timeout
        return kwargs

    def check(self) -> ConnectionOptions:
        """Refuse what cannot work before the run starts, naming the flag."""
        if self.timeout is not None and self.timeout <= 0:
            raise ConfigError(f"--request-timeout must be positive, got {self.timeout:g}")
        if self.ca_bundle and not self.tls_verify:
            raise ConfigError("--ca-bundle and --no-tls-verify contradict each other: drop one")
        if self.key and not self.cert:
            raise ConfigError("--request-cert-key needs --request-cert (the certificate)")
        for flag, path in (
            ("--ca-bundle", self.ca_bundle),
            ("--request-cert", self.cert),
            ("--request-cert-key", self.key),
        ):
            if path and not Path(path).is_file():
                raise ConfigError(f"{flag} {path}: no such file")
        try:
            if self.ca_bundle:
                ssl.create_default_context(cafile=self.ca_bundle)
        except (ssl.SSLError, ValueError) as exc:
            bundle = self.ca_bundle
            raise ConfigError(f"--ca-bundle {bundle}: no CA certificate in it ({exc})") from None
        try:
            self.ssl_context()
        except (ssl.SSLError, OSError) as exc:
            problem = f"--request-cert {self.cert}: no usable certificate and key ({exc})"
            raise ConfigError(problem) from None
        return self


@functools.cache
def _context(
    verify: bool, ca_bundle: str | None, cert: str | None, key: str | None
) -> ssl.SSLContext:
    if verify and not (ca_bundle or cert):
        return tls_context()  # the shared default: loading CAs costs each new context
    if ca_bundle:
        context = ssl.create_default_context(cafile=ca_bundle)
    elif verify:
        context = httpx.create_ssl_context()
    else:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    if cert:
        context.load_cert_chain(cert, key)
    return context


class ProxyRouting(httpx.BaseTransport):
    """Direct, or through the proxy the environment names for the request's URL."""

    def __init__(self, context: ssl.SSLContext) -> None:
        self._context = context
        self._direct = httpx.HTTPTransport(verify=context)
        self._via: dict[str, httpx.HTTPTransport] = {}
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._transport_for(str(request.url)).handle_request(request)

    def _transport_for(self, url: str) -> httpx.HTTPTransport:
        proxy = proxy_for(url)
        if not proxy:
            return self._direct
        with self._lock:
            if proxy not in self._via:
                self._via[proxy] = httpx.HTTPTransport(verify=self._context, proxy=proxy)
            return self._via[proxy]

    def close(self) -> None:
        for transport in (self._direct, *self._via.values()):
            transport.close()


def proxy_for(url: str) -> str | None:
    """The proxy the environment names for `url` (NO_PROXY honoured), as requests decides."""
    return requests.utils.select_proxy(url, requests.utils.get_environ_proxies(url))
