"""The mock on a real uvicorn server: in the foreground (`ordermesh-conformance mock`, whose
flags are in conformance/commands/mock.py) or from a background thread (tests, the embedded
mock of a run)."""

from __future__ import annotations

import gc
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import uvicorn

from ordermesh_mock.app import create_app
from ordermesh_mock.auth import Auth
from ordermesh_mock.config import MockConfig
from ordermesh_mock.preload import preload


def serve(app: Any, host: str, port: int, log_level: str) -> None:
    """Serve `app` on uvicorn in this thread until interrupted (`ordermesh-conformance mock`)."""
    # The spec, validators and a loaded --db file are long-lived: move them out of the
    # collector's sight so its full passes stay short (they showed up as p99 latency).
    gc.collect()
    gc.freeze()
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=False)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        port: int = s.getsockname()[1]
        return port


def run_in_thread(
    config: MockConfig,
    host: str = "127.0.0.1",
    port: int | None = None,
    timeout: float = 10,
    preload_orders: int = 0,
) -> tuple[str, Callable[[], None]]:
    """Serve the mock from a background thread; returns (base_url, stop). With
    `preload_orders`, each merchant already holds that many orders when it starts."""
    app = create_app(config)
    if preload_orders:
        preload(app, Auth(config).merchants, preload_orders)
    return serve_app_in_thread(app, "ordermesh-mock", host, port, timeout)


def serve_app_in_thread(
    app: Any, name: str, host: str = "127.0.0.1", port: int | None = None, timeout: float = 10
) -> tuple[str, Callable[[], None]]:
    """Serve any ASGI app (the mock, a proxy, a test target) on uvicorn from a background
    thread; returns (base_url, stop). The socket is bound before the thread starts, so a free
    port cannot be taken by someone else in between."""
    sock = socket.socket()
    sock.bind((host, port or 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name=f"{name}-{port}", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise RuntimeError(f"{name} did not start on {host}:{port}")
        time.sleep(0.02)

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout)
        sock.close()

    return f"http://{host}:{port}", stop
