"""What the network between a run and its target does that is not the API's doing.

Behind a load balancer the far side closes idle keep-alive connections on its own schedule; a
request sent on one just as it closes gets no answer at all. A request safe to repeat (an
idempotent HTTP method, or an operation the spec marks `x-idempotent: true`) is then sent once
more, on a fresh connection, and counted. One that is not (a POST) is never resent blindly: it
ends as a transport failure at its operation (`UnansweredRequest`, category "transport"). So
that this stays rare, such a request is sent on a fresh connection whenever its pool has sat
idle longer than `REUSE_AFTER_IDLE`.

A gateway answers 502, 503 or 504 by itself while an upstream is briefly away. Unless the spec
documents that status for some operation (then it is the API's answer), it is retried with
backoff, at most `GATEWAY_RETRIES` times, and counted; one that persists is judged as it is. A
503 is retried whatever the method (the gateway took the request to no upstream); a 502 or 504
only when the request is safe to repeat (an upstream may have acted on it).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import httpx
import requests
from schemathesis.transport.requests import _is_dropped_before_response

from conformance.failures.categories import TRANSPORT
from conformance.transport.operations import OperationRouter
from spec import Spec

# RFC 9110, 9.2.2: the methods whose repetition has the effect of one request.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
GATEWAY_STATUSES = frozenset({502, 503, 504})
ALWAYS_UNFORWARDED = frozenset({503})  # retried for any method (see the module docstring)
GATEWAY_RETRIES = 3
GATEWAY_BACKOFF = 0.5  # seconds before the first resend; doubles each time
IDEMPOTENT_MARK = "x-idempotent"
# Seconds a pool may have been idle and still carry a request not safe to repeat. Servers and
# load balancers close idle keep-alive connections on their own schedule, a second or more; a
# connection that closes just as the request goes out leaves no way to know whether the request
# was acted on, so a POST after a pause takes a fresh connection instead.
REUSE_AFTER_IDLE = 0.5


class UnansweredRequest(requests.exceptions.RequestException):
    """A generated case's connection closed before any answer. Not a ConnectionError on
    purpose: Schemathesis resends those, whatever the method."""

    category = TRANSPORT


def dropped_before_answer(exc: BaseException) -> bool:
    """The connection closed or was reset before the answer's status line arrived (a stale
    keep-alive connection), rather than refused, timed out or cut mid-answer."""
    if isinstance(exc, httpx.RemoteProtocolError):
        return "without sending a response" in str(exc)  # httpcore's words for exactly that
    if isinstance(exc, httpx.ReadError | httpx.WriteError):
        return _caused_by_reset(exc)
    if isinstance(exc, requests.exceptions.ConnectionError):
        return _is_dropped_before_response(exc)
    return False


def _caused_by_reset(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ConnectionResetError | BrokenPipeError | ConnectionAbortedError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


@dataclass(frozen=True)
class RetryPolicy:
    """Which requests may be sent again, and which gateway statuses are the API's own."""

    documented_gateway: frozenset[int] = frozenset()
    idempotent: frozenset[str] = frozenset()  # operations the spec marks x-idempotent
    router: OperationRouter | None = None  # names the operation of a request

    def repeatable(self, method: str, url: str) -> bool:
        method = method.upper()
        if method in IDEMPOTENT_METHODS:
            return True
        if self.router is None:
            return False
        return self.router.operation_id(method, httpx.URL(url).path) in self.idempotent

    def gateway_retry(self, status: int, repeatable: bool) -> bool:
        """Whether a bare gateway answer of `status` is worth sending the request again."""
        if status not in GATEWAY_STATUSES or status in self.documented_gateway:
            return False
        return repeatable or status in ALWAYS_UNFORWARDED


@functools.lru_cache(maxsize=8)
def policy_for(spec: Spec) -> RetryPolicy:
    """The policy of the spec a run holds the target to, overlays applied (settings.load_spec):
    a gateway status it documents is the API's answer; an operation it marks is repeatable."""
    documented = {s for op in spec for s in op.documented_statuses if s in GATEWAY_STATUSES}
    marked = {op.operation_id for op in spec if op.raw.get(IDEMPOTENT_MARK) is True}
    return RetryPolicy(frozenset(documented), frozenset(marked), OperationRouter(spec))
