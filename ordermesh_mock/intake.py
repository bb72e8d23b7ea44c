"""Read a request body within a size limit and a time limit, before anything parses it.

Without a limit the mock read and parsed any body (10 MB ones included), and a client that
announced more bytes than it sent held the request open forever. The size limit is the spec's
(`x-max-body-bytes` on the `PayloadTooLarge` response), so clients and the mock agree on it.
"""

from __future__ import annotations

import asyncio

from starlette.requests import ClientDisconnect, Request

from ordermesh_mock.errors import ApiError, field_error

# A Content-Length with more digits than this is over any limit; int() of it is never needed.
_MAX_LENGTH_DIGITS = 15
# A body over the limit but under this many limits is read to its end and dropped before the
# refusal, as a web server's lingering close does: the client, or a proxy still uploading it,
# then gets the 413 on a connection that stays usable. A bigger one is refused unread.
DRAINED_LIMITS = 4


def too_large(limit: int) -> ApiError:
    message = f"request body larger than {limit} bytes"
    errors = [field_error("body", message, None)]
    return ApiError(413, {"statusCode": 413, "message": message, "errors": errors})


def too_slow(timeout: float) -> ApiError:
    message = f"request body not received within {timeout:g} s"
    errors = [field_error("body", message, None)]
    return ApiError(408, {"statusCode": 408, "message": message, "errors": errors})


def declared_too_large(declared: str | None, limit: int) -> bool:
    """A Content-Length over the limit is refused without reading a byte."""
    if declared is None or not declared.isdigit():
        return False
    return len(declared) > _MAX_LENGTH_DIGITS or int(declared) > limit


async def read_body(
    request: Request, limit: int, timeout: float, answer_headers: dict[str, str]
) -> bytes:
    """The whole body, or ApiError 413 (over `limit` bytes) or 408 (not complete in time).

    A refused body was not read to its end, so the connection is mid-request: the bytes still
    owed would be parsed as the next request on it (a proxy that keeps a client's
    Content-Length but drops the body, as Prism does for a JSON `null`, then gets a text/plain
    "Invalid HTTP request" for an innocent next call). The refusal closes the connection."""
    try:
        body, size = await _read(request, limit, timeout)
    except ApiError:
        answer_headers["Connection"] = "close"
        raise
    if size > limit:
        raise too_large(limit)  # read to its end: the connection is ready for the next request
    return body


async def _read(request: Request, limit: int, timeout: float) -> tuple[bytes, int]:
    """The body (empty once over `limit`) and its size; what is over `limit` times
    DRAINED_LIMITS is refused before it is read."""
    drained = limit * DRAINED_LIMITS
    if declared_too_large(request.headers.get("content-length"), drained):
        raise too_large(limit)
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(timeout):
            async for chunk in request.stream():
                size += len(chunk)
                if size > drained:
                    raise too_large(limit)
                if size <= limit:
                    chunks.append(chunk)
    except (TimeoutError, ClientDisconnect):  # nobody may be listening; never a 500
        raise too_slow(timeout) from None
    return (b"".join(chunks) if size <= limit else b""), size
