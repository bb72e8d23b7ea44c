"""A loopback HTTP/1.1 proxy that hangs up on chosen requests, before a byte of the answer.

It relays every request to an upstream (the mock) and its answer back, keep-alive included,
except the first `times` requests whose method and path match: those it either forwards and then
drops the answer (the target did the work, the client never hears of it), or drops without
forwarding (the target never saw it). Both look the same to the client: a connection closed
with no answer, as when a load balancer drops an upstream connection.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import h11
import httpx

HOP_HEADERS = {b"connection", b"keep-alive", b"transfer-encoding", b"content-length", b"host"}


@dataclass
class HangUp:
    upstream: str
    method: str
    path: str
    forward: bool  # whether the target gets the request it is never allowed to answer
    times: int = 1
    hung_up: list[str] = field(default_factory=list)
    seen: list[str] = field(default_factory=list)  # "METHOD path" of every request, in order
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _drops(self, method: str, path: str) -> bool:
        with self._lock:
            self.seen.append(f"{method} {path}")
            chosen = method == self.method and path == self.path
            if chosen and len(self.hung_up) < self.times:
                self.hung_up.append(f"{method} {path}")
                return True
            return False

    def handle(self, conn: socket.socket, upstream: httpx.Client) -> None:
        """Serve one client connection until it closes or is hung up on."""
        with conn, contextlib.suppress(OSError, h11.ProtocolError):
            parser = h11.Connection(h11.SERVER)
            while True:
                request, body = _read_request(conn, parser)
                if request is None:
                    return
                method, target = request.method.decode(), request.target.decode()
                drop = self._drops(method, target.split("?", 1)[0])
                if drop and not self.forward:
                    return
                headers = [(k, v) for k, v in request.headers if k.lower() not in HOP_HEADERS]
                answer = upstream.request(method, target, content=body, headers=headers)
                if drop:
                    return
                _send_answer(conn, parser, answer)
                if parser.our_state is h11.MUST_CLOSE:
                    return
                parser.start_next_cycle()


def _read_request(conn: socket.socket, parser: h11.Connection) -> tuple[h11.Request | None, bytes]:
    request, body = None, b""
    while True:
        event = parser.next_event()
        if event is h11.NEED_DATA:
            data = conn.recv(65536)
            parser.receive_data(data)
            if not data and request is None:
                return None, b""
            continue
        if isinstance(event, h11.Request):
            request = event
        elif isinstance(event, h11.Data):
            body += event.data
        elif isinstance(event, h11.EndOfMessage):
            return request, body
        elif isinstance(event, h11.ConnectionClosed):
            return None, b""


def _send_answer(conn: socket.socket, parser: h11.Connection, answer: httpx.Response) -> None:
    headers = [(k, v) for k, v in answer.headers.raw if k.lower() not in HOP_HEADERS]
    headers.append((b"content-length", str(len(answer.content)).encode()))
    headers = [(k, v) for k, v in headers if k.lower() != b"content-encoding"]
    conn.sendall(parser.send(h11.Response(status_code=answer.status_code, headers=headers)))
    conn.sendall(parser.send(h11.Data(data=answer.content)))
    conn.sendall(parser.send(h11.EndOfMessage()))


@contextmanager
def hanging_up(proxy: HangUp) -> Iterator[str]:
    """Serve `proxy` on an ephemeral loopback port until the block ends; yields its base URL."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()
    upstream = httpx.Client(base_url=proxy.upstream, timeout=30)

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            conn.settimeout(30)
            threading.Thread(target=proxy.handle, args=(conn, upstream), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()
        upstream.close()
