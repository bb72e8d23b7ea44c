"""Pre-provisioned merchants, service clients, users and opaque bearer tokens."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from ordermesh_mock.config import MockConfig

MERCHANT_A = "0b6f2f9e-43a4-4a3e-9d7e-1f2a3b4c5d6e"
MERCHANT_B = "7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
_NOBODY = secrets.token_urlsafe(16)  # compared against when the client or user is unknown
# A service client of merchant A that was granted no permission: the docs' user service has roles
# and permissions, and every authenticated call of such a client is refused with 403.
RESTRICTED_CLIENT = ("om-client-none", "om-secret-none")


@dataclass(frozen=True)
class Merchant:
    id: str
    name: str
    client_id: str
    client_secret: str
    username: str
    password: str


@dataclass(frozen=True)
class Principal:
    merchant_id: str
    client_id: str | None
    user_id: str | None
    expires_at: float | None  # None: never
    permitted: bool = True  # False: a client granted no permission (403 on every call)


def default_merchants(config: MockConfig) -> tuple[Merchant, Merchant]:
    a = Merchant(
        MERCHANT_A,
        "Merchant A",
        config.client_id or "om-client-a",
        config.client_secret or "om-secret-a",
        "qa-a@ordermesh.test",
        "password-a",
    )
    b = Merchant(
        MERCHANT_B,
        "Merchant B",
        "om-client-b",
        "om-secret-b",
        "qa-b@ordermesh.test",
        "password-b",
    )
    return a, b


def same_secret(expected: str, given: str) -> bool:
    """Constant-time comparison of any text: `compare_digest` refuses non-ASCII `str`, so bytes.

    Lone surrogates are refused by the request validator before they reach here."""
    return secrets.compare_digest(expected.encode(), given.encode())


def mask(secret: str | None) -> str:
    if not secret:
        return "(none)"
    return secret[:2] + "*" * max(3, len(secret) - 2) if len(secret) > 6 else "******"


class Auth:
    """Issues and checks tokens. `persist(kind, key, value_or_None)` mirrors them to storage."""

    def __init__(
        self,
        config: MockConfig,
        persist: Callable[[str, str, dict[str, Any] | None], None] | None = None,
    ) -> None:
        self.config = config
        self.clock = config.clock
        self.merchants = default_merchants(config)
        self._by_client = {m.client_id: m for m in self.merchants}
        self._restricted = Merchant(
            self.merchants[0].id, "Merchant A, no permission", *RESTRICTED_CLIENT, "", ""
        )
        self._by_client[self._restricted.client_id] = self._restricted
        self._by_user = {m.username: m for m in self.merchants}
        self._tokens: dict[str, Principal] = {}
        self._refresh: dict[str, tuple[str, float]] = {}  # refresh token -> (username, expiry)
        self._lock = threading.Lock()
        self._persist = persist
        if config.token:
            a = self.merchants[0]
            self._tokens[config.token] = Principal(a.id, a.client_id, None, None)

    def merchant(self, merchant_id: str) -> Merchant | None:
        for m in self.merchants:
            if m.id == merchant_id:
                return m
        return None

    # ------------------------------------------------------------------ restore
    def restore(self, kind: str, key: str, value: dict[str, Any]) -> None:
        if kind == "token":
            self._tokens[key] = Principal(**value)
        elif kind == "refresh":
            self._refresh[key] = (value["username"], value["expires_at"])

    def _save(self, kind: str, key: str, value: dict[str, Any] | None) -> None:
        if self._persist is not None:
            self._persist(kind, key, value)

    # ------------------------------------------------------------------ issue
    def client_token(self, client_id: str, client_secret: str) -> dict[str, Any] | None:
        m = self._by_client.get(client_id)
        # An unknown client is compared too, so the two refusals take the same time.
        expected = m.client_secret if m is not None else _NOBODY
        if not same_secret(expected, client_secret) or m is None:
            return None
        ttl = self.config.client_token_ttl
        token = secrets.token_urlsafe(32)
        permitted = m is not self._restricted
        principal = Principal(m.id, m.client_id, None, self.clock() + ttl, permitted)
        with self._lock:
            self._tokens[token] = principal
            self._save("token", token, asdict(principal))
        return {"access_token": token, "token_type": "Bearer", "expires_in": int(ttl)}

    def login(self, username: str, password: str) -> dict[str, Any] | None:
        m = self._by_user.get(username)
        # Unknown user and wrong password: same answer and same work, so no user is revealed.
        expected = m.password if m is not None else _NOBODY
        if not same_secret(expected, password) or m is None:
            return None
        return self._issue_login(m)

    def refresh(self, refresh_token: str) -> dict[str, Any] | None:
        with self._lock:
            entry = self._refresh.pop(refresh_token, None)
            if entry is not None:
                self._save("refresh", refresh_token, None)
        if entry is None or entry[1] <= self.clock():
            return None
        return self._issue_login(self._by_user[entry[0]])

    def _issue_login(self, m: Merchant) -> dict[str, Any]:
        ttl = self.config.login_token_ttl
        token = secrets.token_urlsafe(32)
        refresh = secrets.token_urlsafe(32)
        principal = Principal(m.id, None, m.username, self.clock() + ttl)
        expiry = self.clock() + self.config.refresh_token_ttl
        with self._lock:
            self._tokens[token] = principal
            self._refresh[refresh] = (m.username, expiry)
            self._save("token", token, asdict(principal))
            self._save("refresh", refresh, {"username": m.username, "expires_at": expiry})
        return {
            "access_token": token,
            "tokenType": "Bearer",
            "refresh_token": refresh,
            "expires_in": int(ttl),
            "scope": "orders shipments notes",
        }

    # ------------------------------------------------------------------ check
    def principal(self, authorization: str | None) -> Principal | None:
        if not authorization:
            return None
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token:
            return None
        p = self._tokens.get(token.strip())
        if p is None:
            return None
        if p.expires_at is not None and p.expires_at <= self.clock():
            return None
        return p

    def credentials_banner(self) -> str:
        lines = ["OrderMesh mock credentials:"]
        for m in self.merchants:
            overridden = m.client_id == self.config.client_id or (
                self.config.client_secret is not None
                and m.client_secret == self.config.client_secret
            )
            secret = mask(m.client_secret) if overridden else m.client_secret
            lines.append(
                f"  {m.name} ({m.id}): client_id={m.client_id} client_secret={secret}"
                f" user={m.username} password={m.password}"
            )
        lines.append(
            f"  {self._restricted.name}: client_id={self._restricted.client_id}"
            f" client_secret={self._restricted.client_secret}"
        )
        if self.config.token:
            lines.append(f"  fixed bearer token for Merchant A: {mask(self.config.token)}")
        return "\n".join(lines)
