"""Fixtures: the mock app in process (httpx.ASGITransport behind a blocking portal)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from mock_helpers import TOKEN_A, Api, Clock

from ordermesh_mock.app import create_app
from ordermesh_mock.config import MockConfig


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
