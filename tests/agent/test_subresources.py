"""Which documents the network guard grants Chromium's local network access (see `tools.network_guard`)."""

from __future__ import annotations

import pytest

from tools.network_guard import loopback_origin


@pytest.mark.unit
@pytest.mark.parametrize(("url", "origin"), [
    ("http://127.0.0.1:8080/a", "http://127.0.0.1:8080"),
    ("http://127.8.0.1/", "http://127.8.0.1"),
    ("http://LOCALHOST:3000/", "http://localhost:3000"),
    ("http://app.localhost/", "http://app.localhost"),
    ("http://[::1]:9/", "http://[::1]:9"),
    ("http://user:pw@127.0.0.1:3/", "http://127.0.0.1:3"),  # an origin has no user-info
    ("http://192.168.0.7:81/", ""),  # private, not loopback: Chromium would ask before it reached loopback
    ("http://8.8.8.8/", ""),  # public: Chromium's own checks stay in force
    ("http://example.com/", ""),  # a name is not known to be local
    ("http://127.0.0.1:99999/", ""),
    ("data:text/html,x", ""),
])
def test_only_loopback_documents_are_granted_local_network_access(url: str, origin: str) -> None:
    assert loopback_origin(url) == origin
