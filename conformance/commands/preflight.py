"""Before a run: is the target there, is it an OrderMesh API, does it take our credentials, and
is the merchant we create test data for the one they sign in to?

Each answer that is "no" ends the run with exit 3 and one line that says what answered, before
any case is generated: a wrong token is not 42 conformance failures, and an HTML page is not a
traceback.
"""

from __future__ import annotations

import httpx

from conformance.config.settings import RunSettings
from conformance.machinery.harness import limited_transport
from conformance.redaction import Redactor
from conformance.transport.auth import AuthError, UnexpectedAnswer, bearer_header, provider_for
from conformance.transport.limiter import run_throttle
from conformance.transport.transient import GATEWAY_RETRIES, policy_for
from spec.vocabulary import vocabulary

PROBE_OPERATION = "listOrders"  # an authenticated read with no required parameter
MERCHANT_OPERATION = "getOrderById"  # a read of one listed order, which names its merchant
MERCHANT_FIELD = "merchantId"
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
    spec = settings.load_spec()
    provider = provider_for(settings.credentials, settings.target_url, redactor, spec, transport)
    try:
        token = provider.token()
    except UnexpectedAnswer as exc:
        raise TargetError(f"not an OrderMesh target: {exc}") from exc
    except AuthError as exc:
        raise TargetError(f"authentication failed: {exc}") from exc
    listing = authenticated_read(settings, token, transport)
    check_merchant(settings, token, transport, listing)


def unreachable(settings: RunSettings, exc: httpx.HTTPError) -> str:
    """Why the target could not be reached; a TLS refusal says so, with what to pass."""
    reason = type(exc).__name__
    if "CERTIFICATE_VERIFY_FAILED" in str(exc):
        reason += ": its TLS certificate is not trusted (a private CA: --ca-bundle FILE)"
    elif "SSL" in str(exc) or "TLS" in str(exc):
        reason += f": TLS handshake failed ({exc}; mutual TLS: --request-cert FILE)"
    return f"target {settings.base_url} is unreachable: {reason}"


def get(
    settings: RunSettings, path: str, token: str, transport: httpx.BaseTransport
) -> httpx.Response:
    try:
        with httpx.Client(transport=transport, timeout=PROBE_TIMEOUT) as http:
            return http.get(settings.target_url.rstrip("/") + path, headers=bearer_header(token))
    except httpx.HTTPError as exc:
        raise TargetError(unreachable(settings, exc)) from exc


def authenticated_read(
    settings: RunSettings, token: str, transport: httpx.BaseTransport
) -> httpx.Response:
    """One read with the token: a static token is checked here, and so is what answers."""
    path = settings.load_spec().operation(PROBE_OPERATION).path
    response = get(settings, path, token, transport)
    kind = response.headers.get("content-type", "no content type").split(";")[0].strip()
    if policy_for(settings.load_spec()).gateway_retry(response.status_code, repeatable=True):
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
    return response


def check_merchant(
    settings: RunSettings, token: str, transport: httpx.BaseTransport, listing: httpx.Response
) -> None:
    """One read of an order the token can see, which names the token's merchant: if that is
    not the merchant given, every order the run creates would be refused as another
    merchant's, and read as an API defect. A merchant with no orders yet cannot be checked."""
    merchant = settings.credentials.merchant_id
    spec = settings.load_spec()
    words = vocabulary(spec)
    try:
        body = listing.json() if merchant and listing.is_success else None
    except ValueError:
        return  # not JSON: the run's own checks judge that answer
    records = words.records(PROBE_OPERATION, body) or ()
    ids = [r.get("id") for r in records if isinstance(r, dict) and r.get("id")]
    if not ids:
        return
    operation = spec.operation(MERCHANT_OPERATION)
    path = operation.url(dict.fromkeys(operation.placeholders, str(ids[0])))
    try:
        order = words.resource(MERCHANT_OPERATION, get(settings, path, token, transport).json())
    except ValueError:
        return
    owner = order.get(MERCHANT_FIELD) if isinstance(order, dict) else None
    if owner and owner != merchant:
        raise TargetError(
            f"merchant not accepted by the target: the credentials sign in to another "
            f"merchant than ORDERMESH_MERCHANT_ID (or --merchant-id) {merchant}"
        )


def preflight_other(settings: RunSettings, url: str) -> None:
    """`--compare-with URL`: the second target, with the same credentials, before the first
    request to the first one, so a refusal there does not wait for a whole run to show."""
    try:
        preflight(settings.with_target(url), Redactor(settings.secrets()))
    except TargetError as exc:
        raise TargetError(f"--compare-with {url}: {exc}") from exc
