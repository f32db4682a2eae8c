"""Loopback ports for tests."""

from __future__ import annotations

import socket


def unused_port() -> int:
    """A loopback port nobody listens on right now (bound, then released): for a server a test is about to
    start, or for a URL that must refuse connections."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
