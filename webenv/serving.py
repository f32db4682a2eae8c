"""Serve ASGI apps on loopback ports from a background thread.

Sockets are bound and listening *before* the server thread starts, so a caller may connect the moment
`serve_apps` returns: the kernel queues the connection until uvicorn accepts it. That removes any need to poll
or sleep for start-up, and port 0 means two environments never race for the same port.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field

import uvicorn
from starlette.types import ASGIApp

LOOPBACK = "127.0.0.1"


def bind_loopback_socket(port: int = 0) -> socket.socket:
    """A listening TCP socket on 127.0.0.1 (port 0 = any free port)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit this: without it, Nagle plus delayed ACKs add ~40 ms to every response
    # on a kept-alive connection, which is most of a page load here.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((LOOPBACK, port))
    sock.listen(128)
    sock.setblocking(False)
    return sock


@dataclass
class ServerGroup:
    """Several apps served from one thread and one event loop; `urls` maps each app's name to its base URL."""

    urls: dict[str, str]
    _servers: list[uvicorn.Server] = field(repr=False)
    _sockets: list[socket.socket] = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    def stop(self, timeout: float = 10.0) -> None:
        for server in self._servers:
            server.should_exit = True
        self._thread.join(timeout)
        for sock in self._sockets:
            sock.close()

    def __enter__(self) -> ServerGroup:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


# How long a site keeps an idle keep-alive connection (uvicorn's default is 5 s). An agent step under load can
# take longer than 5 s between two requests; Chromium then reused the connection just as the server closed it,
# and a training-split oracle sweep with 6 workers got ERR_CONNECTION_RESET on a plain search (task 100615).
# 75 s is nginx's default, and longer than any step.
KEEP_ALIVE_S = 75


def serve_apps(
    apps: Mapping[str, ASGIApp], *, sockets: Mapping[str, socket.socket] | None = None, name: str = "webenv"
) -> ServerGroup:
    """Serve each app on its own loopback socket (given, or a fresh free port); returns once all sockets
    accept connections. Pass `sockets` when apps must know each other's URLs before they are built."""
    bound = dict(sockets) if sockets is not None else {key: bind_loopback_socket() for key in apps}
    sockets_in_order = [bound[key] for key in apps]
    servers = [
        uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False,
                                      timeout_keep_alive=KEEP_ALIVE_S))
        for app in apps.values()
    ]

    async def run_all() -> None:
        await asyncio.gather(*(s.serve(sockets=[sock]) for s, sock in zip(servers, sockets_in_order)))

    thread = threading.Thread(target=lambda: asyncio.run(run_all()), name=f"{name}-servers", daemon=True)
    thread.start()
    urls = {key: f"http://{LOOPBACK}:{sock.getsockname()[1]}" for key, sock in zip(apps, sockets_in_order)}
    return ServerGroup(urls=urls, _servers=servers, _sockets=sockets_in_order, _thread=thread)
