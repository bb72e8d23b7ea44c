"""The reference: a trivial Starlette handler on uvicorn, with the mock's uvicorn settings."""

from __future__ import annotations

import argparse

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

BODY = {"id": "0123456789abcdef01234567", "status": "Open"}


async def constant(request: Request) -> JSONResponse:
    return JSONResponse(BODY)


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve a constant JSON answer at every path.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = Starlette(routes=[Route("/{path:path}", constant)])
    # Same call as ordermesh_mock.server.serve, so only the handler differs.
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
