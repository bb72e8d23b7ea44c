"""Server-free doubles for the check unit tests.

A check reads the target through the harness's `ApiClient`; here that client's transport is an
`httpx.MockTransport` over `StubApi`, which answers each (method, path) with a canned body and
records what was asked. The response a check judges is built as Schemathesis builds it, so the
checks see the same types they see in a run, and no test needs a server.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import requests
from schemathesis import Case, Response

from conformance.checks.context import CheckContext, CheckFn, Snapshot

BASE_URL = "http://ordermesh.test"
IDENTITY = "om-client-a"  # the caller every audit event must name
MERCHANT, OTHER_MERCHANT = "m-1", "m-2"  # the run's merchant, and the second one
Route = tuple[int, Any, dict[str, str]]  # status, JSON body (None: no body), headers


class StubApi:
    """Answers by (method, path), and by query when `on` names one; anything else is a 404."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], list[tuple[dict[str, str], Route]]] = {}
        self.requests: list[httpx.Request] = []

    def on(
        self,
        method: str,
        path: str,
        status: int = 200,
        body: Any = None,
        *,
        when: dict[str, Any] | None = None,
        **headers: str,
    ) -> StubApi:
        """Answer `method path`; with `when`, only requests whose query has those values."""
        query = {k: str(v) for k, v in (when or {}).items()}
        routes = self.routes.setdefault((method.upper(), path), [])
        routes[:] = [r for r in routes if r[0] != query] + [(query, (status, body, headers))]
        routes.sort(key=lambda route: -len(route[0]))  # the most specific match first
        return self

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        status, body, headers = next(
            (
                route
                for query, route in self.routes.get((request.method, request.url.path), [])
                if all(request.url.params.get(k) == v for k, v in query.items())
            ),
            (404, {"message": "not stubbed"}, {}),
        )
        if body is None:
            return httpx.Response(status, headers=headers)
        return httpx.Response(status, json=body, headers=headers)

    def sent(self) -> list[str]:
        """What was asked, as "METHOD path?query"."""
        return [
            f"{r.method} {r.url.path}" + (f"?{r.url.query.decode()}" if r.url.query else "")
            for r in self.requests
        ]


def answer(case: Any, status: int, body: Any = None, **headers: str) -> Response:
    """The response a check is handed for `case`, as Schemathesis wraps a real one."""
    request = requests.Request(
        case.method,
        BASE_URL + case.formatted_path,
        json=case.body if isinstance(case.body, dict | list) else None,
    ).prepare()
    content = b"" if body is None else json.dumps(body).encode()
    all_headers = {k.replace("_", "-"): [v] for k, v in headers.items()}
    if body is not None:
        all_headers["content-type"] = ["application/json"]
    return Response(
        status_code=status,
        headers=all_headers,
        content=content,
        request=request,
        elapsed=0.0,
        verify=True,
    )


def event(action: str, version: int, **fields: Any) -> dict[str, Any]:
    """One audit event as the spec describes it, by the caller, with one real change."""
    changes = [{"field": "text", "oldValue": "before", "newValue": "after"}]
    return {
        "action": action,
        "version": version,
        "clientId": IDENTITY,
        "requestId": "req-1",
        "changes": changes,
        **fields,
    }


class Judge:
    """A project check called as a run calls it: Schemathesis' arguments, with the check bound
    to the call's context; `before` is the snapshot the next call starts from."""

    def __init__(self, ctx: CheckContext, check: CheckFn) -> None:
        self.ctx, self.check = ctx, check
        self.before: list[Snapshot] = []

    def __call__(self, _st_ctx: Any, response: Response, case: Case) -> None:
        self.check(self.ctx.for_call(self.before), response, case)
