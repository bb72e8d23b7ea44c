"""A loopback HTTP/1.1 proxy that hangs up on chosen requests, before a byte of the answer."""

from __future__ import annotations

import re
import socket
import socketserver
import threading

import httpx


class HangingUpProxy:
    """A plain HTTP/1.1 proxy in front of `upstream`, one request per connection. Each request
    whose request line matches `hang_up` (until `times` of them) has its connection closed
    without a byte of answer, as a load balancer does with a keep-alive connection it has just
    closed on its side. With `forward`, the target gets each such request first and does the
    work; only its answer is lost, as when a gateway drops an upstream connection.
    A request line with an absolute URL (`HTTP_PROXY` in front of an http:// target) goes to
    that URL: it then is a forward proxy."""

    def __init__(self, upstream: str, hang_up: str, times: int = 1, forward: bool = False) -> None:
        self.upstream = upstream
        self.hang_up = re.compile(hang_up)
        self.times = times
        self.forward = forward
        self.hung_up: list[str] = []  # the request lines it hung up on
        self.seen: list[tuple[str, str]] = []  # (request line, user agent) of every request
        self._lock = threading.Lock()
        self._client = httpx.Client(base_url=upstream, timeout=30)
        proxy = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                proxy.handle(self.request)

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._client.close()

    def handle(self, conn: socket.socket) -> None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        line, *header_lines = head.decode("latin-1").split("\r\n")
        headers = [tuple(part.strip() for part in h.split(":", 1)) for h in header_lines]
        length = int(next((v for k, v in headers if k.lower() == "content-length"), "0"))
        while len(body) < length:
            body += conn.recv(65536)
        with self._lock:
            agent = next((v for k, v in headers if k.lower() == "user-agent"), "")
            self.seen.append((line, agent))
            drop = bool(self.hang_up.search(line)) and len(self.hung_up) < self.times
            if drop:
                self.hung_up.append(line)
        if drop and not self.forward:
            conn.shutdown(socket.SHUT_RDWR)
            return
        method, target, _ = line.split(" ", 2)
        hop = ("host", "connection", "content-length", "transfer-encoding", "keep-alive")
        sent = [(k, v) for k, v in headers if k.lower() not in hop]
        answer = self._client.request(method, target, headers=sent, content=body)
        if drop:
            conn.shutdown(socket.SHUT_RDWR)
            return
        dropped = ("content-length", "transfer-encoding", "connection", "content-encoding")
        lines = [f"HTTP/1.1 {answer.status_code} {answer.reason_phrase}"]
        lines += [f"{k}: {v}" for k, v in answer.headers.items() if k.lower() not in dropped]
        lines += [f"Content-Length: {len(answer.content)}", "Connection: close"]
        conn.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + answer.content)
