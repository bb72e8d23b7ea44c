"""The ASGI app: routes generated from the spec; auth -> validation -> handler -> JSON."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import QueryParams
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ordermesh_mock import next_version
from ordermesh_mock.audit import Actor
from ordermesh_mock.auth import Auth, Principal
from ordermesh_mock.config import MockConfig
from ordermesh_mock.errors import ApiError, forbidden, unauthorized
from ordermesh_mock.faults import Faults
from ordermesh_mock.handlers import HANDLERS
from ordermesh_mock.handlers.common import Ctx, Mock, Result
from ordermesh_mock.intake import read_body
from ordermesh_mock.nulls import Compiled, fill_nulls
from ordermesh_mock.records import dumps
from ordermesh_mock.routing import SpecRoutes
from ordermesh_mock.sqlite import SqliteBackend
from ordermesh_mock.store import Store, UnitOfWork
from ordermesh_mock.validation import build_validators
from spec import load_lifecycle, load_spec
from spec.audit import audit_ids
from spec.loader import Operation
from spec.vocabulary import vocabulary

NO_QUERY = QueryParams()
log = logging.getLogger("ordermesh_mock")
JSON = "application/json"


def json_response(
    status: int, body: Any, headers: dict[str, str] | None = None, media: str = JSON
) -> Response:
    if body is None or status == 204:
        return Response(status_code=status, headers=headers)
    return Response(dumps(body), status_code=status, headers=headers, media_type=media)


def negotiated(op: Operation, status: int, accept: str | None) -> str:
    """The media type to label an answer with: one the client's Accept names and the response
    documents (cancel's 200 is labelled text/plain in the docs, with the same JSON text), else
    JSON."""
    documented = op.responses.get(str(status)) or {}
    for part in (accept or "").split(","):
        media = part.split(";")[0].strip().lower()
        if media in documented:
            return media
    return JSON


class Relaxer:
    """Validation faults: drop the one error class the fault claims to ignore."""

    def __init__(self, faults: Faults) -> None:
        self.faults = faults

    def __call__(self, op_id: str, prop: str, kind: str) -> bool:
        f = self.faults.active
        if op_id == "createOrder":
            if kind == "minimum" and f("accepts-invalid-quantity"):
                return prop.startswith("items[") and prop.endswith("].quantity")
            if kind == "maxLength" and f("ignores-max-length"):
                return prop == "externalId"
        if op_id == "searchOrders" and kind == "enum" and f("ignores-enum"):
            return prop == "status"
        if op_id == "createNote" and kind == "required" and f("ignores-required"):
            return prop == "text"
        return False


class MockApp:
    def __init__(self, config: MockConfig) -> None:
        self.config = config
        self.spec = load_spec()
        self.lifecycle = load_lifecycle()
        self.faults = Faults(config.faults)
        self.store = Store(config.clock)
        self.backend: SqliteBackend | None = None
        persist = None
        if config.db:
            self.backend = SqliteBackend(config.db)
            self.backend.load(self.store)
            self.store.backend = self.backend
            persist = self.backend.save_token
        self.auth = Auth(config, persist)
        if self.backend is not None:
            for kind, token, data in self.backend.tokens():
                self.auth.restore(kind, token, data)
        words = vocabulary(self.spec)
        self.mock = Mock(config, self.store, self.auth, self.faults, self.lifecycle, words)
        self.validators = build_validators(self.spec.operations)
        self.max_body = self.spec.max_body_bytes
        self.relax = Relaxer(self.faults) if self.faults.names else None
        self.nulls: Compiled = {}
        missing = [op.operation_id for op in self.spec if op.operation_id not in HANDLERS]
        if missing:
            raise RuntimeError(f"no handler for {missing}")

    # ------------------------------------------------------------------ routes
    def routes(self) -> list[BaseRoute]:
        by_path: dict[str, dict[str, Operation]] = {}
        for op in self.spec:
            by_path.setdefault(op.path, {})[op.method] = op
        spec_routes = SpecRoutes()
        for path, ops in by_path.items():
            spec_routes.add(path, list(ops), self._endpoint(ops))
        return [
            spec_routes,
            Route("/__mock__/health", self.health, methods=["GET"]),
            Route("/__mock__/reset", self.reset, methods=["POST"]),
            Route("/__mock__/faults", self.list_faults, methods=["GET"]),
        ]

    def _endpoint(self, ops: dict[str, Operation]) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            op = ops.get(request.method) or ops["GET"]  # HEAD is answered as GET
            return await self.handle(op, request)

        return endpoint

    async def health(self, request: Request) -> Response:
        body = {
            "status": "ok",
            "faults": list(self.faults.names),
            "next_version": self.config.next_version,
        }
        return json_response(200, body)

    async def reset(self, request: Request) -> Response:
        with self.store.lock:
            self.store.reset()
            if self.backend is not None:
                self.backend.wipe()
        return json_response(200, {"status": "reset"})

    async def list_faults(self, request: Request) -> Response:
        return json_response(200, {"faults": self.faults.describe()})

    # ------------------------------------------------------------------ pipeline
    def _principal(self, op: Operation, request: Request) -> Principal | None:
        if not op.needs_auth:
            return None
        principal = self.auth.principal(request.headers.get("authorization"))
        if principal is None:
            if op.operation_id == "searchOrders" and self.faults.active("search-ignores-auth"):
                a = self.auth.merchants[0]
                return Principal(a.id, a.client_id, None, None)
            raise unauthorized("missing, invalid or expired bearer token")
        if not principal.permitted:
            raise forbidden(f"the client {principal.client_id} has no permission for this call")
        return principal

    async def handle(self, op: Operation, request: Request) -> Response:
        request_id = request.headers.get("x-request-id") or str(uuid.uuid4())
        headers = {"X-Request-Id": request_id}
        try:
            principal = self._principal(op, request)
            validator = self.validators[op.operation_id]
            # Most calls carry no query string; parsing an empty one costs ~5 % of a create.
            query_params = request.query_params if request.scope["query_string"] else NO_QUERY
            try:
                raw = b""
                if validator.body is not None:
                    raw = await read_body(request, self.max_body, self.config.body_timeout, headers)
                path, query = validator.parameters(request.path_params, query_params, self.relax)
                body = validator.parse_body(raw, request.headers.get("content-type"), self.relax)
            except ApiError as exc:
                raise as_documented(op, exc) from None
            result = self.run(op, path, query, body, principal, request_id)
        except ApiError as exc:
            return json_response(exc.status, exc.body, headers)
        except Exception:  # a bug in the mock: never leak a traceback, log it
            trace = uuid.uuid4().hex
            log.exception("unhandled error in %s (trace %s)", op.operation_id, trace)
            body = {"statusCode": 500, "message": "Internal Server Error", "traceId": trace}
            return json_response(500, body, headers)
        headers.update(result.headers)
        if 200 <= result.status < 300:
            fill_nulls(self.nulls, op, result.status, result.body)
        media = negotiated(op, result.status, request.headers.get("accept"))
        return json_response(result.status, result.body, headers, media)

    def run(
        self,
        op: Operation,
        path: dict[str, Any],
        query: dict[str, Any],
        body: Any,
        principal: Principal | None,
        request_id: str,
    ) -> Result:
        handler = HANDLERS[op.operation_id]
        audit = op.raw.get("x-audit")
        ctx = Ctx(op.operation_id, self.mock, path, query, body, principal)
        if audit is None:
            if not op.needs_auth:
                return handler(ctx)
            with self.store.lock:
                return handler(ctx)
        actor = self._actor(principal)
        with self.store.lock:
            action = next_version.audit_action(self.config.next_version, op.operation_id)
            uow = UnitOfWork(self.store, action, actor, request_id)
            if self.faults.active("local-time-as-utc"):
                uow.local_offset = LOCAL_TIME_OFFSET
            ctx.uow = uow
            result = handler(ctx)
            if result.status < 300:
                ids = audit_ids(audit["id"], path, body, result.body)
                uow.primary = [
                    (audit["resource"], rid)
                    for rid in dict.fromkeys(ids)
                    if (audit["resource"], rid) not in uow.skip_primary
                ]
                uow.commit()
                stamp_answer(result.body, uow.stamped)
        return result

    def _actor(self, principal: Principal | None) -> Actor:
        if self.faults.active("audit-wrong-actor"):
            return Actor("system", None)
        if principal is None:
            return Actor(None, None)
        return Actor(principal.client_id, principal.user_id)


# The server's zone written as if it were UTC: the local-time-as-utc fault.
LOCAL_TIME_OFFSET = -5 * 3600.0


def stamp_answer(body: Any, stamped: dict[tuple[str, str], tuple[str, Any, str]]) -> None:
    """The answer to a write carries the last-change time its commit set (the handler built the
    answer before the commit stamped the records)."""
    if not stamped:
        return
    by_id = {rid: change for (_, rid), change in stamped.items()}
    nodes = [body]
    while nodes:
        node = nodes.pop()
        if isinstance(node, list):
            nodes.extend(node)
        elif isinstance(node, dict):
            change = by_id.get(node.get("id"))  # type: ignore[arg-type]
            if change is not None and change[0] in node and node[change[0]] == change[1]:
                node[change[0]] = change[2]
            nodes.extend(node.values())


def as_documented(op: Operation, exc: ApiError) -> ApiError:
    """A refused request, in a status the operation documents. An operation that documents no
    413 (or 408) answers 400; one that documents no 400 answers 403 (the refund seed page: every
    refusal is 403)."""
    if str(exc.status) in op.responses:
        return exc
    errors = exc.body.get("errors", [])
    if "400" in op.responses:
        return ApiError(400, {**exc.body, "statusCode": 400, "errors": errors})
    if "403" in op.responses:
        return forbidden("invalid request", errors)
    return exc


def _error_handler(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    message = "Record Not Found" if status == 404 else getattr(exc, "detail", "error")
    # Starlette puts `Allow` on its 405s; RFC 9110 requires it, so pass it on.
    headers = getattr(exc, "headers", None)
    return json_response(status, {"statusCode": status, "message": str(message)}, headers)


def create_app(config: MockConfig | None = None) -> Starlette:
    mock = MockApp(config or MockConfig())
    app = Starlette(
        routes=mock.routes(),
        exception_handlers={404: _error_handler, 405: _error_handler},
    )
    app.router.redirect_slashes = False
    app.state.mock = mock
    return app
