"""The token providers post where the spec's token operations are, not to paths of their own:
a spec (or overlay) that moves them moves the providers too."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import yaml

from conformance.redaction import Redactor
from conformance.transport.auth import ClientCredentials, UserLogin
from spec import SPEC_PATH, Spec, load_spec

MOVED = {
    "/user/v1/clients/token": "/auth/v2/client-token",
    "/user/v1/login": "/auth/v2/login",
    "/user/v1/login/refreshToken": "/auth/v2/refresh",
}


@pytest.fixture
def moved_spec(tmp_path: Path) -> Spec:
    """The spec with its three token operations at other paths."""
    document = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    document["paths"] = {MOVED.get(path, path): item for path, item in document["paths"].items()}
    moved = tmp_path / "moved.yaml"
    moved.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return load_spec(moved)


def token_server(posted: list[str]) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        posted.append(request.url.path)
        body = {"access_token": f"t{len(posted)}", "refresh_token": "r", "expires_in": 0}
        return httpx.Response(200, content=json.dumps(body).encode())

    return httpx.MockTransport(answer)


def test_client_credentials_post_to_the_spec_s_token_operation(moved_spec: Spec) -> None:
    posted: list[str] = []
    provider = ClientCredentials(
        "http://api.test", "id", "secret", Redactor(), moved_spec, token_server(posted)
    )
    provider.token()
    assert posted == [MOVED["/user/v1/clients/token"]]


def test_a_user_login_and_its_refresh_use_the_spec_s_operations(moved_spec: Spec) -> None:
    posted: list[str] = []
    provider = UserLogin(
        "http://api.test", "qa", "pw", Redactor(), moved_spec, token_server(posted)
    )
    provider.token()
    provider.token()  # expired at once (expires_in 0): renewed with the refresh token
    assert posted == [MOVED["/user/v1/login"], MOVED["/user/v1/login/refreshToken"]]
