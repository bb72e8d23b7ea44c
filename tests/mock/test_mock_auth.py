"""Tokens, expiry, refresh rotation and merchant isolation."""

from __future__ import annotations

from mock_helpers import create_order, order_body
from mock_scenarios import new_order, with_shipment

from ordermesh_mock.auth import MERCHANT_B, RESTRICTED_CLIENT, Auth
from ordermesh_mock.config import MockConfig

CLIENT_A = {"client_id": "om-client-a", "client_secret": "om-secret-a"}
USER_A = {"username": "qa-a@ordermesh.test", "password": "password-a"}


def test_client_token_shape_and_bad_secret(api):
    r = api.post("/user/v1/clients/token", token=None, json=CLIENT_A)
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 86400
    assert api.get("/v1/orders", token=body["access_token"]).status_code == 200
    bad = {**CLIENT_A, "client_secret": "nope"}
    assert api.post("/user/v1/clients/token", token=None, json=bad).status_code == 401


def test_client_token_expires(make_api, clock):
    api = make_api(MockConfig(token="t", client_token_ttl=1, clock=clock))
    token = api.post("/user/v1/clients/token", token=None, json=CLIENT_A).json()["access_token"]
    assert api.get("/v1/orders", token=token).status_code == 200
    clock.advance(1.5)
    assert api.get("/v1/orders", token=token).status_code == 401
    assert api.get("/v1/orders").status_code == 200  # the fixed --token never expires


def test_login_expiry_and_refresh_rotation(make_api, clock):
    api = make_api(MockConfig(token="t", login_token_ttl=60, clock=clock))
    login = api.post("/user/v1/login", token=None, json=USER_A).json()
    assert login["tokenType"] == "Bearer" and login["expires_in"] == 60
    clock.advance(61)
    assert api.get("/v1/orders", token=login["access_token"]).status_code == 401
    url = "/user/v1/login/refreshToken"
    fresh = api.post(url, token=None, json={"refresh_token": login["refresh_token"]})
    assert fresh.status_code == 200
    assert api.get("/v1/orders", token=fresh.json()["access_token"]).status_code == 200
    again = api.post(url, token=None, json={"refresh_token": login["refresh_token"]})
    assert again.status_code == 401  # rotated: the old refresh token is spent
    assert fresh.json()["refresh_token"] != login["refresh_token"]


def test_client_credentials_override(make_api):
    api = make_api(MockConfig(token="t", client_id="mine", client_secret="s3cr3t-value"))
    body = {"client_id": "mine", "client_secret": "s3cr3t-value"}
    assert api.post("/user/v1/clients/token", token=None, json=body).status_code == 200
    assert api.post("/user/v1/clients/token", token=None, json=CLIENT_A).status_code == 401
    banner = Auth(MockConfig(client_id="mine", client_secret="s3cr3t-value", token="tok-123456"))
    text = banner.credentials_banner()
    assert "s3cr3t-value" not in text and "tok-123456" not in text


def test_cross_merchant_isolation(api):
    ctx = with_shipment(api, new_order(api))
    b = api.login_b()
    oid, iid, sid = ctx["oid"], ctx["items"][0], ctx["sid"]
    for path in (
        f"/v1/orders/{oid}",
        f"/v1/orders/items/{iid}",
        f"/v1/shipments/{sid}",
        f"/v1/orders/{oid}/auditLogs",
        f"/v1/shipments/{sid}/packages/{ctx['pid']}/auditLogs",
    ):
        assert b.get(path).status_code == 404, path
    assert b.post(f"/v1/orders/{oid}/customerCareHold").status_code == 404
    assert b.post("/v1/orders", json=order_body()).status_code == 403  # names merchant A
    assert b.get("/v1/orders").json()["totalCount"] == 0
    assert b.get("/v1/orders/search").json()["totalCount"] == 0
    bulk = b.get("/v1/orders/bulk", params={"ids": oid}).json()
    assert bulk == {"orders": [], "notFound": [oid]}
    own = create_order(b, merchant=MERCHANT_B)["id"]
    assert api.get(f"/v1/orders/{own}").status_code == 404
    note = {"resourceType": "Order", "resourceId": oid, "text": "x"}
    assert b.post("/v1/notes", json=note).status_code == 404


def test_a_client_granted_no_permission_gets_a_token_and_403_on_every_call(api):
    client_id, secret = RESTRICTED_CLIENT
    body = {"client_id": client_id, "client_secret": secret}
    token = api.post("/user/v1/clients/token", token=None, json=body).json()["access_token"]
    refused = api.get("/v1/orders", token=token)
    assert refused.status_code == 403
    assert client_id in refused.json()["message"]
    assert api.post("/v1/orders", token=token, json=order_body()).status_code == 403
    assert api.get("/v1/orders").status_code == 200  # merchant A's own client is still let in
