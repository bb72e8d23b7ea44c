"""The fault proxy's catalogue: defects a gateway or cache in front of a target could add.

Each `ProxyFault` rewrites the real traffic of the operations it `touches` (operationIds, matched
through the spec by conformance/selftest/proxy.py): it may change the request, answer without
forwarding, or change the response. Faults register themselves with `@proxy_fault`; the
selftest's expectations (expectations.py) say which check must catch each one.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode

from conformance.errors import UnknownFaultError


@dataclass(frozen=True)
class ProxiedRequest:
    method: str
    path: str  # percent-decoded, as the spec's templates match it
    raw_path: str  # as sent, percent-encoded: what goes upstream
    query: str  # raw query string
    headers: tuple[tuple[str, str], ...]
    body: bytes
    operation_id: str | None  # None: no operation of the spec matches
    path_params: dict[str, str] = field(default_factory=dict)

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def with_header(self, name: str, value: str) -> ProxiedRequest:
        kept = tuple((k, v) for k, v in self.headers if k.lower() != name.lower())
        return replace(self, headers=(*kept, (name, value)))

    def params(self) -> list[tuple[str, str]]:
        return parse_qsl(self.query, keep_blank_values=True)

    def with_params(self, params: list[tuple[str, Any]]) -> ProxiedRequest:
        return replace(self, query=urlencode(params))

    def json(self) -> object:
        return _loads(self.body)


@dataclass(frozen=True)
class ProxiedResponse:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def json(self) -> Any:
        return _loads(self.body)

    def with_json(self, data: object, status: int | None = None) -> ProxiedResponse:
        headers = tuple((k, v) for k, v in self.headers if k.lower() != "content-type")
        return ProxiedResponse(
            self.status if status is None else status,
            (*headers, ("content-type", "application/json")),
            json.dumps(data).encode(),
        )


def _loads(body: bytes) -> object:
    try:
        return json.loads(body) if body else None
    except ValueError:
        return None


Forward = Callable[[ProxiedRequest], Awaitable[ProxiedResponse]]
Memory = dict[str, Any]  # a fault's own state, kept between the requests it rewrites
Rewrite = Callable[[ProxiedRequest, Forward, Memory], Awaitable[ProxiedResponse]]


@dataclass(frozen=True)
class ProxyFault:
    name: str
    category: str
    description: str
    touches: tuple[str, ...]  # operationIds whose traffic it rewrites
    rewrite: Rewrite = field(repr=False, compare=False)


PROXY_FAULTS: dict[str, ProxyFault] = {}


def proxy_fault(
    name: str, category: str, touches: Iterable[str], description: str
) -> Callable[[Rewrite], Rewrite]:
    def register(rewrite: Rewrite) -> Rewrite:
        if name in PROXY_FAULTS:
            raise ValueError(f"proxy fault {name!r} registered twice")
        PROXY_FAULTS[name] = ProxyFault(name, category, description, tuple(touches), rewrite)
        return rewrite

    return register


def select_proxy_faults(names: Iterable[str]) -> tuple[ProxyFault, ...]:
    names = list(names)
    unknown = [n for n in names if n not in PROXY_FAULTS]
    if unknown:
        raise UnknownFaultError(
            f"unknown proxy fault(s): {', '.join(unknown)}; valid: {', '.join(PROXY_FAULTS)}"
        )
    return tuple(PROXY_FAULTS[n] for n in names)


def _ok(response: ProxiedResponse) -> bool:
    return 200 <= response.status < 300


# ------------------------------------------------------------------------ response schema


@proxy_fault(
    "proxy-envelope-field-dropped",
    "response-schema",
    ["listOrders"],
    "listOrders pages lose the required `totalCount` of their envelope",
)
async def _envelope_field_dropped(
    request: ProxiedRequest, forward: Forward, memory: Memory
) -> ProxiedResponse:
    response = await forward(request)
    body = response.json()
    if not _ok(response) or not isinstance(body, dict):
        return response
    return response.with_json({k: v for k, v in body.items() if k != "totalCount"})


@proxy_fault(
    "proxy-note-field-dropped",
    "response-schema",
    ["getNoteById"],
    "a note read by id loses its required `createdBy`",
)
async def _note_field_dropped(
    request: ProxiedRequest, forward: Forward, memory: Memory
) -> ProxiedResponse:
    response = await forward(request)
    body = response.json()
    if not _ok(response) or not isinstance(body, dict) or not isinstance(body.get("note"), dict):
        return response
    note = {k: v for k, v in body["note"].items() if k != "createdBy"}
    return response.with_json({**body, "note": note})


@proxy_fault(
    "proxy-number-as-string",
    "response-schema",
    ["getOrderById"],
    "an order's item quantities are serialised as strings",
)
async def _number_as_string(
    request: ProxiedRequest, forward: Forward, memory: Memory
) -> ProxiedResponse:
    response = await forward(request)
    body = response.json()
    order = body.get("order") if isinstance(body, dict) else None
    if not _ok(response) or not isinstance(order, dict):
        return response
    items = [{**i, "quantity": str(i.get("quantity"))} for i in order.get("items", [])]
    return response.with_json({**body, "order": {**order, "items": items}})


# ---------------------------------------------------------------------------- status code


@proxy_fault(
    "proxy-undocumented-2xx",
    "status-code",
    ["deleteNote"],
    "deleteNote answers 202 (undocumented) instead of 204",
)
async def _undocumented_2xx(
    request: ProxiedRequest, forward: Forward, memory: Memory
) -> ProxiedResponse:
    response = await forward(request)
    if response.status != 204:
        return response
    return response.with_json({"accepted": True}, status=202)


@proxy_fault(
    "proxy-refusal-to-success",
    "status-code",
    ["holdOrder"],
    "a refused hold (409) is rewritten to 200 with the order as it is",
)
async def _refusal_to_success(
    request: ProxiedRequest, forward: Forward, memory: Memory
) -> ProxiedResponse:
    response = await forward(request)
    if response.status != 409:
        return response
    order_id = request.path_params.get("orderId", "")
    read = await forward(_read_of(request, request.raw_path.rsplit("/", 1)[0]))
    status = ((read.json() or {}).get("order") or {}).get("status", "Open")
    return response.with_json({"orderId": order_id, "status": status}, status=200)


def _read_of(request: ProxiedRequest, raw_path: str) -> ProxiedRequest:
    """A GET of `raw_path` (percent-encoded) with the caller's credentials."""
    return replace(
        request, method="GET", path=unquote(raw_path), raw_path=raw_path, query="", body=b""
    )


# ---------------------------------------------------------------------------------- state


@proxy_fault(
    "proxy-write-not-forwarded",
    "state",
    ["updateNote"],
    "updateNote is acknowledged with the new text but never reaches the target",
)
async def _write_not_forwarded(
    request: ProxiedRequest, forward: Forward, memory: Memory
) -> ProxiedResponse:
    read = await forward(_read_of(request, request.raw_path))
    sent, body = request.json(), read.json()
    if read.status != 200 or not isinstance(sent, dict) or not isinstance(body, dict):
        return await forward(request)  # a request the target will refuse: let it
    if not isinstance(sent.get("text"), str):
        return await forward(request)
    return read.with_json({"note": {**body.get("note", {}), "text": sent["text"]}})


@proxy_fault(
    "proxy-stale-read",
    "state",
    ["getOrderById", "updateOrder"],
    "after a write to an order, reads serve the copy cached before the write",
)
async def _stale_read(request: ProxiedRequest, forward: Forward, memory: Memory) -> ProxiedResponse:
    cache: dict[str, ProxiedResponse] = memory.setdefault("cache", {})
    frozen: set[str] = memory.setdefault("frozen", set())
    if request.method != "GET":
        response = await forward(request)
        if _ok(response) and request.path in cache:
            frozen.add(request.path)
        return response
    if request.path in frozen:
        return cache[request.path]
    response = await forward(request)
    if response.status == 200:
        cache[request.path] = response
    return response


# ----------------------------------------------------------------------------------- audit


@proxy_fault(
    "proxy-audit-event-dropped",
    "audit",
    ["getOrderAuditLogs"],
    "the order audit log leaves out updateOrder events",
)
async def _audit_event_dropped(
    request: ProxiedRequest, forward: Forward, memory: Memory
) -> ProxiedResponse:
    return await _rewrite_events(
        request, forward, lambda events: [e for e in events if e.get("action") != "updateOrder"]
    )


@proxy_fault(
    "proxy-audit-actor-changed",
    "audit",
    ["getNoteAuditLogs"],
    'note audit events name the gateway ("edge-gateway") as their actor',
)
async def _audit_actor_changed(
    request: ProxiedRequest, forward: Forward, memory: Memory
) -> ProxiedResponse:
    return await _rewrite_events(
        request,
        forward,
        lambda events: [{**e, "clientId": "edge-gateway", "userId": None} for e in events],
    )


async def _rewrite_events(
    request: ProxiedRequest, forward: Forward, change: Callable[[list[Any]], list[object]]
) -> ProxiedResponse:
    response = await forward(request)
    body = response.json()
    if response.status != 200 or not isinstance(body, dict):
        return response
    if not isinstance(body.get("auditLogs"), list):
        return response
    return response.with_json({**body, "auditLogs": change(body["auditLogs"])})


# ------------------------------------------------------------------------------------ auth


@proxy_fault(
    "proxy-auth-bypass",
    "auth",
    ["searchOrders"],
    "searchOrders reuses the last accepted bearer token when a call brings none",
)
async def _auth_bypass(
    request: ProxiedRequest, forward: Forward, memory: Memory
) -> ProxiedResponse:
    token = request.header("Authorization")
    if memory.get("token") and not token:
        request = request.with_header("Authorization", memory["token"])
    response = await forward(request)
    if _ok(response) and token:
        memory["token"] = token
    return response


@proxy_fault(
    "proxy-shared-cache",
    "auth",
    ["getOrderById"],
    "order reads are cached by URL alone: another merchant gets the cached order",
)
async def _shared_cache(
    request: ProxiedRequest, forward: Forward, memory: Memory
) -> ProxiedResponse:
    cache: dict[str, ProxiedResponse] = memory.setdefault("cache", {})
    response = await forward(request)
    if response.status == 200:
        cache[request.path] = response
    elif response.status in (403, 404) and request.path in cache:
        return cache[request.path]
    return response


# ---------------------------------------------------------------------------------- lists


@proxy_fault(
    "proxy-page-repeats",
    "list",
    ["listOrders"],
    "listOrders page n+1 starts with the last record of page n",
)
async def _page_repeats(
    request: ProxiedRequest, forward: Forward, memory: Memory
) -> ProxiedResponse:
    response = await forward(request)
    params = request.params()
    page = dict(params).get("page", "1")
    body = response.json()
    if response.status != 200 or not page.isdigit() or int(page) < 2 or not isinstance(body, dict):
        return response
    earlier = [(k, v) for k, v in params if k != "page"] + [("page", int(page) - 1)]
    previous = (await forward(request.with_params(earlier))).json()
    before, records = (previous or {}).get("orders") or [], body.get("orders") or []
    if not before or not records:
        return response
    return response.with_json({**body, "orders": [before[-1], *records[:-1]]})


@proxy_fault(
    "proxy-filter-dropped",
    "list",
    ["searchOrders"],
    "searchOrders loses its `status` filter on the way to the target",
)
async def _filter_dropped(
    request: ProxiedRequest, forward: Forward, memory: Memory
) -> ProxiedResponse:
    params = request.params()
    kept = [(k, v) for k, v in params if k != "status"]
    return await forward(request if kept == params else request.with_params(kept))


# ---------------------------------------------------------------------------- server error


@proxy_fault(
    "proxy-unicode-500",
    "server-error",
    ["createNote"],
    "a note whose body holds non-ASCII text answers 500 without reaching the target",
)
async def _unicode_500(
    request: ProxiedRequest, forward: Forward, memory: Memory
) -> ProxiedResponse:
    # JSON clients escape non-ASCII (\\u00e9): look at the decoded text, not the bytes.
    if json.dumps(request.json(), ensure_ascii=False).isascii():
        return await forward(request)
    body = {"message": "Internal Server Error", "statusCode": 500}
    return ProxiedResponse(500, (("content-type", "application/json"),), json.dumps(body).encode())
