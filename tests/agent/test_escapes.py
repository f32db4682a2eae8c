"""The domain policy on every navigation of every frame and tab, redirects included, and on what page scripts
send: more than fifty ways out of one loopback origin towards another, each tried by the real graph, none of
which may reach the attacker or leave a tab outside the policy, and each of which the executor is told about."""

from __future__ import annotations

import pytest

from tests.support.escapes import run_matrix, table
from tests.support.hostile import start_hostile
from tools.domains import DomainPolicy, browser_url


@pytest.fixture
def hostile():
    server = start_hostile()
    yield server
    server.stop()


async def test_every_escape_vector_is_blocked_and_explained(hostile) -> None:
    results = await run_matrix(hostile)
    assert len(results) >= 30
    assert [r.vector.name for r in results if not r.blocked] == [], table(results)
    assert [r.vector.name for r in results if not r.explained] == [], table(results)
    assert hostile.seen.escapes() == []


@pytest.mark.unit
@pytest.mark.parametrize(("url", "allowed"), [
    ("http://127.0.0.1:8080/a", True),
    ("http://127.0.0.1:8081/a", False),  # another port of the same host
    ("http://localhost:8080/a", False),  # the same server under another name
    ("http://127.0.0.1:8080@127.0.0.1:9/", False),  # user-info: the host is what follows the @
    ("http://127.0.0.1:9\\@127.0.0.1:8080/", False),  # browsers read the backslash as a slash
    ("http://127.0.0.1:8080\t/a", True),  # tabs and newlines are dropped by browsers
    ("HTTP://127.0.0.1:8080/", True),
    ("data:text/html,<h1>x", False),
    ("blob:http://127.0.0.1:8080/0b7e", True),  # made by the allowed origin
    ("blob:http://127.0.0.1:9/0b7e", False),
    ("javascript:alert(1)", False),
    ("file:///etc/passwd", False),
    ("view-source:http://127.0.0.1:8080/", False),
    ("about:blank", True),
    ("ws://127.0.0.1:8080/socket", True),
    ("http://127.0.0.1:99999/", False),  # an impossible port is no URL
])
def test_the_policy_reads_urls_the_way_a_browser_does(url: str, allowed: bool) -> None:
    assert DomainPolicy(("127.0.0.1:8080",)).allows(url) is allowed


@pytest.mark.unit
def test_host_entries_allow_subdomains_and_any_port() -> None:
    policy = DomainPolicy(("example.com",))
    assert policy.allows("https://shop.example.com:8443/") and policy.allows("http://example.com/")
    assert not policy.allows("http://example.com.evil.test/") and not policy.allows("http://notexample.com/")
    assert browser_url(" http://a\\b ") == "http://a/b"
