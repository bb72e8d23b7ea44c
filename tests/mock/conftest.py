"""Fixtures: the mock app in process (httpx.ASGITransport behind a blocking portal)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal

from ordermesh_mock.app import create_app
from ordermesh_mock.auth import MERCHANT_A, MERCHANT_B
from ordermesh_mock.config import MockConfig

TOKEN_A = "test-token-a"
VENDOR = "8d0f3c6a-2b1e-4f5a-9c8d-7e6f5a4b3c2d"
FACILITY = "5c4b3a29-1807-4f6e-8d5c-4b3a29180706"


class Clock:
    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Api:
    """A synchronous facade over an httpx.AsyncClient bound to the ASGI app."""

    def __init__(self, portal: BlockingPortal, app, token: str | None) -> None:
        self.portal = portal
        self.app = app
        self.token = token
        self.client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://mock"
        )

    def request(self, method: str, url: str, *, token: str | None = "", **kw) -> httpx.Response:
        headers = dict(kw.pop("headers", {}) or {})
        bearer = self.token if token == "" else token
        if bearer:
            headers.setdefault("Authorization", f"Bearer {bearer}")
        return self.portal.call(lambda: self.client.request(method, url, headers=headers, **kw))

    def get(self, url: str, **kw) -> httpx.Response:
        return self.request("GET", url, **kw)

    def post(self, url: str, **kw) -> httpx.Response:
        return self.request("POST", url, **kw)

    def patch(self, url: str, **kw) -> httpx.Response:
        return self.request("PATCH", url, **kw)

    def put(self, url: str, **kw) -> httpx.Response:
        return self.request("PUT", url, **kw)

    def delete(self, url: str, **kw) -> httpx.Response:
        return self.request("DELETE", url, **kw)

    def as_token(self, token: str | None) -> Api:
        other = Api.__new__(Api)
        other.portal, other.app, other.client, other.token = (
            self.portal,
            self.app,
            self.client,
            token,
        )
        return other

    def login_b(self) -> Api:
        r = self.post(
            "/user/v1/clients/token",
            token=None,
            json={"client_id": "om-client-b", "client_secret": "om-secret-b"},
        )
        assert r.status_code == 200, r.text
        return self.as_token(r.json()["access_token"])


@pytest.fixture(scope="session")
def portal() -> Iterator[BlockingPortal]:
    with start_blocking_portal() as p:
        yield p


@pytest.fixture
def make_api(portal: BlockingPortal) -> Callable[..., Api]:
    def make(config: MockConfig | None = None, **kw) -> Api:
        config = config or MockConfig(token=TOKEN_A, **kw)
        if config.token is None:
            config.token = TOKEN_A
        return Api(portal, create_app(config), config.token)

    return make


@pytest.fixture
def api(make_api) -> Api:
    return make_api()


@pytest.fixture
def clock() -> Clock:
    return Clock()


__all__ = ["FACILITY", "MERCHANT_A", "MERCHANT_B", "VENDOR", "Api", "Clock"]
