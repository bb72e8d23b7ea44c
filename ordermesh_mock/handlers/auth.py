"""Token operations (no bearer needed)."""

from __future__ import annotations

from ordermesh_mock.errors import unauthorized
from ordermesh_mock.handlers.common import Ctx, Result, handler


@handler("getClientToken")
def client_token(ctx: Ctx) -> Result:
    issued = ctx.mock.auth.client_token(ctx.body["client_id"], ctx.body["client_secret"])
    if issued is None:
        raise unauthorized("invalid client credentials")
    return Result(200, issued)


@handler("loginUser")
def login(ctx: Ctx) -> Result:
    issued = ctx.mock.auth.login(ctx.body["username"], ctx.body["password"])
    if issued is None:
        raise unauthorized("invalid username or password")
    return Result(200, issued)


@handler("loginUserWithRefreshToken")
def refresh(ctx: Ctx) -> Result:
    issued = ctx.mock.auth.refresh(ctx.body["refresh_token"])
    if issued is None:
        raise unauthorized("invalid or expired refresh token")
    return Result(200, issued)
