"""Before a run: is the target there, is it an OrderMesh API, and does it take our credentials?

Each answer that is "no" ends the run with exit 3 and one line that says what answered, before
any case is generated: a wrong token is not 42 conformance failures, and an HTML page is not a
traceback.
"""

from __future__ import annotations

import httpx

from conformance.auth import AuthError, UnexpectedAnswer, bearer_header, provider_for
from conformance.harness import limited_transport
from conformance.limiter import run_throttle
from conformance.redaction import Redactor
from conformance.settings import RunSettings
from conformance.transient import GATEWAY_RETRIES, policy_for

PROBE_OPERATION = "listOrders"  # an authenticated read with no required parameter
PROBE_TIMEOUT = 10.0


class TargetError(RuntimeError):
    """The target is unreachable, refuses our credentials, is not OrderMesh, or went away."""


def preflight(settings: RunSettings, redactor: Redactor) -> None:
    # The run's rate limit covers the probes too.
    transport = limited_transport(run_throttle(settings))
    try:
        with httpx.Client(transport=transport, timeout=PROBE_TIMEOUT) as http:
            http.get(settings.target_url)
    except httpx.HTTPError as exc:
        raise TargetError(unreachable(settings, exc)) from exc
    provider = provider_for(settings.credentials, settings.target_url, redactor, transport)
    try:
        token = provider.token()
    except UnexpectedAnswer as exc:
        raise TargetError(f"not an OrderMesh target: {exc}") from exc
    except AuthError as exc:
        raise TargetError(f"authentication failed: {exc}") from exc
    authenticated_read(settings, token, transport)


def unreachable(settings: RunSettings, exc: httpx.HTTPError) -> str:
    """Why the target could not be reached; a TLS refusal says so, with what to pass."""
    reason = type(exc).__name__
    if "CERTIFICATE_VERIFY_FAILED" in str(exc):
        reason += ": its TLS certificate is not trusted (a private CA: --ca-bundle FILE)"
    elif "SSL" in str(exc) or "TLS" in str(exc):
        reason += f": TLS handshake failed ({exc}; mutual TLS: --request-cert FILE)"
    return f"target {settings.base_url} is unreachable: {reason}"


def authenticated_read(settings: RunSettings, token: str, transport: httpx.BaseTransport) -> None:
    """One read with the token: a static token is checked here, and so is what answers."""
    path = settings.load_spec().operation(PROBE_OPERATION).path
    try:
        with httpx.Client(transport=transport, timeout=PROBE_TIMEOUT) as http:
            response = http.get(
                settings.target_url.rstrip("/") + path, headers=bearer_header(token)
            )
    except httpx.HTTPError as exc:
        raise TargetError(unreachable(settings, exc)) from exc
    kind = response.headers.get("content-type", "no content type").split(";")[0].strip()
    if policy_for(settings.spec_path).gateway_retry(response.status_code, repeatable=True):
        raise TargetError(
            f"target {settings.base_url} is down behind its gateway: GET {path} still answered"
            f" {response.status_code} after {GATEWAY_RETRIES} retries"
        )
    if response.status_code in (401, 403):
        raise TargetError(
            f"authentication failed: GET {path} with the token answered {response.status_code}"
        )
    if not kind.endswith("json"):
        raise TargetError(
            f"not an OrderMesh target: GET {path} answered {response.status_code} {kind}"
        )
