"""Bearer-token providers: client credentials, user login with refresh, and a static token.

Each provider hands out a token, renews it before it expires, and renews it again on demand
after a 401 (`invalidate`). Tokens live only in memory. The `Redactor` is told every token, so
none reaches a log or a report. The token operations are the spec's: the unauthenticated ones
whose bodies take the credentials' fields.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol, TypeVar

import httpx
from schemathesis import Case, Response
from schemathesis.auths import ReauthState, reauth_and_replay

from conformance.config.settings import Credentials
from conformance.errors import OrderMeshError
from conformance.redaction import Redactor
from conformance.transport.tls import tls_context
from spec import Operation, Spec

EXPIRY_MARGIN = 30.0  # seconds: renew a little early so no request carries a dying token
MARGIN_SHARE = 0.2  # of a short-lived token's lifetime, when that is less than EXPIRY_MARGIN
# The credential fields each kind sends; the spec's token operations take them by these names.
KIND_FIELDS = {"client": ("client_id", "client_secret"), "user": ("username", "password")}
REFRESH_TOKEN = "refresh_token"  # the refresh operation's one field, as OAuth 2.0 names it
ACCESS_TOKEN = "access_token"  # OAuth 2.0's name for the token in a token answer (RFC 6749, 5.1)


class AuthError(OrderMeshError, RuntimeError):
    """The target refused our credentials or could not be reached to get a token."""


class UnexpectedAnswer(AuthError):
    """The token endpoint answered, but not as an OrderMesh API would (HTML, no token)."""


class TokenProvider(Protocol):
    identity: str | None  # what the audit log should name as the actor

    renewals: int  # tokens fetched after the first one (expiry or a 401)

    def token(self) -> str: ...

    def invalidate(self) -> None: ...


class StaticToken:
    def __init__(self, token: str, redactor: Redactor) -> None:
        redactor.add(token)
        self._token = token
        self.identity: str | None = None
        self.renewals = 0

    def token(self) -> str:
        return self._token

    def invalidate(self) -> None:
        """A static token cannot be renewed; the next 401 stands."""


class _RenewingProvider:
    """Caches one token until shortly before it expires; thread-safe."""

    def __init__(self, base_url: str, redactor: Redactor, transport: httpx.BaseTransport | None):
        self._http = httpx.Client(
            base_url=base_url, timeout=15.0, transport=transport, verify=tls_context()
        )
        self._redactor = redactor
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_at = 0.0
        self._fetched = 0
        self.renewals = 0

    def token(self) -> str:
        with self._lock:
            if self._token is None or time.monotonic() >= self._expires_at:
                self._token, lifetime = self._fetch()
                self._redactor.add(self._token)
                margin = min(EXPIRY_MARGIN, lifetime * MARGIN_SHARE)
                self._expires_at = time.monotonic() + lifetime - margin
                self.renewals = self._fetched
                self._fetched += 1
            return self._token

    def invalidate(self) -> None:
        with self._lock:
            self._token = None

    def _fetch(self) -> tuple[str, float]:
        raise NotImplementedError

    def _post(self, path: str, body: dict[str, str]) -> dict:
        try:
            response = self._http.post(path, json=body)
        except httpx.HTTPError as exc:
            raise AuthError(f"cannot reach {self._http.base_url} for a token: {exc}") from exc
        if response.status_code != 200:
            raise AuthError(f"POST {path} refused the credentials (HTTP {response.status_code})")
        return _token_answer(response, f"POST {path}")


class ClientCredentials(_RenewingProvider):
    """The client-credentials token operation. Valid 24 h, no refresh: ask again on expiry."""

    def __init__(self, base_url, client_id, client_secret, redactor, spec: Spec, transport=None):
        super().__init__(base_url, redactor, transport)
        redactor.add(client_secret)
        self._body = {"client_id": client_id, "client_secret": client_secret}
        self._path = token_operation(spec, "client").path
        self.identity = client_id

    def _fetch(self) -> tuple[str, float]:
        data = self._post(self._path, self._body)
        return data[ACCESS_TOKEN], float(data.get("expires_in", 86400))


class UserLogin(_RenewingProvider):
    """The login operation, then the refresh operation while the refresh token works."""

    def __init__(self, base_url, username, password, redactor, spec: Spec, transport=None):
        super().__init__(base_url, redactor, transport)
        redactor.add(password)
        self._body = {"username": username, "password": password}
        self._refresh: str | None = None
        self._login_path = token_operation(spec, "user").path
        self._refresh_path = operation_taking(spec, (REFRESH_TOKEN,)).path
        self.identity = username

    def _fetch(self) -> tuple[str, float]:
        data = None
        if self._refresh:
            try:
                data = self._post(self._refresh_path, {REFRESH_TOKEN: self._refresh})
            except AuthError:
                data = None  # the refresh token expired or was rotated: log in again
        if data is None:
            data = self._post(self._login_path, self._body)
        self._refresh = data.get(REFRESH_TOKEN)
        self._redactor.add(self._refresh)
        return data[ACCESS_TOKEN], float(data.get("expires_in", 900))


def token_operation(spec: Spec, kind: str) -> Operation:
    """The operation that gives a token for `kind`'s credentials."""
    return operation_taking(spec, KIND_FIELDS[kind])


def operation_taking(spec: Spec, fields: tuple[str, ...]) -> Operation:
    """The unauthenticated operation whose request body requires exactly `fields`."""
    for operation in spec.operations:
        schema = operation.request_schema or {}
        if not operation.needs_auth and set(schema.get("required", ())) == set(fields):
            return operation
    raise LookupError(f"the spec has no operation that takes {sorted(fields)} for a token")


def _token_answer(response: httpx.Response, request: str) -> dict:
    """The token endpoint's JSON object, or why it is not one."""
    kind = response.headers.get("content-type", "no content type").split(";")[0]
    try:
        data = response.json()
    except ValueError:
        data = None
    if not isinstance(data, dict) or not isinstance(data.get(ACCESS_TOKEN), str):
        raise UnexpectedAnswer(
            f"{request} answered {response.status_code} {kind} without an access_token"
        )
    return data


def provider_for(
    credentials: Credentials,
    base_url: str,
    redactor: Redactor,
    spec: Spec,
    transport: httpx.BaseTransport | None = None,
) -> TokenProvider:
    """The token provider for `credentials`; the token operations are the spec's."""
    if credentials.token:  # kind "token": a token wins over the other credentials
        return StaticToken(credentials.token, redactor)
    if credentials.kind == "client":
        return ClientCredentials(
            base_url, credentials.client_id, credentials.client_secret, redactor, spec, transport
        )
    if credentials.kind == "user":
        user, password = credentials.username, credentials.password
        return UserLogin(base_url, user, password, redactor, spec, transport)
    raise AuthError("no credentials configured")


class _Answer(Protocol):
    status_code: int


Answer = TypeVar("Answer", bound=_Answer)


def bearer_header(token: str) -> dict[str, str]:
    """The Authorization header for `token`: the one place the toolkit writes it."""
    return {"Authorization": f"Bearer {token}"}


def send_renewing(provider: TokenProvider, send: Callable[[dict[str, str]], Answer]) -> Answer:
    """`send(headers)` with the provider's token; after a 401 (expired or revoked), once more
    with a renewed one. Generated cases renew through `replay_after_401` instead."""
    answer = send(bearer_header(provider.token()))
    if answer.status_code == 401:
        provider.invalidate()
        answer = send(bearer_header(provider.token()))
    return answer


def replay_after_401(
    case: Case,
    response: Response,
    provider: TokenProvider,
    state: ReauthState,
    recall: Callable[[], Response],
) -> Response:
    """Schemathesis' reactive re-auth for a generated case we send ourselves.

    `case.call` alone never re-authenticates. On a 401 that Schemathesis would retry (the case
    carries our token, its security is not the thing under test, the operation has not already
    shown a 401 that survives a fresh token), our provider drops its token and Schemathesis
    re-applies auth to the case and replays it once.
    """
    if (
        state.should_retry(response.status_code, case.operation.label)
        and case._has_explicit_auth
        and not case.operation.schema.is_security_param_negated(case)
    ):
        provider.invalidate()
    return reauth_and_replay(case, response, state, recall)


def new_reauth_state() -> ReauthState:
    """Shared by a process's generated cases, so a 401 that a new token does not cure is learnt."""
    return ReauthState(retry_on_statuses=frozenset({401}))
