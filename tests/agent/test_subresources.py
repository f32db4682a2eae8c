"""What page scripts and markup may fetch from other origins: nothing by default, everything with
`block_offsite_requests=False`, only the listed hosts with `subresource_domains` — while the agent's own navigation
stays inside the allowed domains in every case. Three loopback origins (the site, a "CDN" and another host), the
real graph, and the servers' own logs as the witness of what got through."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from graph.runs import stream_run, task_input
from policies.scripted import ScriptedChatModel, tool_call
from tests.agent.graph_helpers import scripted_context
from tests.support import made_pages
from tests.support.hostile import Seen, create_attacker
from tools.network_guard import loopback_origin
from webenv.serving import serve_apps

GALLERY = """<!doctype html><title>Gallery</title><h1>Gallery</h1>
<img src="{cdn}/pic.png" alt="from the CDN"> <img src="{other}/pic.png" alt="from elsewhere">
<p id=cdn-fetch>pending</p><p id=cdn-events>pending</p><p id=other-fetch>pending</p><p id=other-events>pending</p>
<script>
  const say = (id, text) => {{ document.getElementById(id).textContent = id + ' ' + text; }};
  for (const [name, base] of [['cdn', '{cdn}'], ['other', '{other}']]) {{
    fetch(base + '/data').then(() => say(name + '-fetch', 'answered'), () => say(name + '-fetch', 'refused'));
    // An event stream is one request the guard cannot fetch whole: the browser sends it itself.
    const events = new EventSource(base + '/events');
    events.onmessage = () => {{ say(name + '-events', 'answered'); events.close(); }};
    events.onerror = () => {{ say(name + '-events', 'refused'); events.close(); }};
  }}
</script>"""


@dataclass
class Origins:
    made: made_pages.MadePages  # the site the episode is allowed on
    cdn: str
    other: str
    cdn_seen: Seen
    other_seen: Seen

    @property
    def site(self) -> str:
        return self.made.base.removeprefix("http://")


@pytest.fixture(scope="module")
def origins() -> Iterator[Origins]:
    made = made_pages.start()
    cdn_seen, other_seen = Seen(), Seen()
    group = serve_apps({"cdn": create_attacker(cdn_seen), "other": create_attacker(other_seen)}, name="offsite")
    yield Origins(made, group.urls["cdn"], group.urls["other"], cdn_seen, other_seen)
    group.stop()
    assert made.group is not None
    made.group.stop()


def _paths(seen: Seen) -> list[str]:
    """The request paths a server saw, then forgets them (the next episode starts with an empty log)."""
    with seen.lock:
        requests, seen.attacker[:] = list(seen.attacker), []
    return sorted({request.split(" ", 1)[1].split("/", 3)[3] for request in requests})


async def _visit(origins: Origins, **settings: Any) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """One episode: open the gallery, then try to navigate to each other origin; the final state, and which
    paths reached each other origin."""
    home = origins.made.add("home", "<title>Home</title><p>Start here.</p>")
    gallery = origins.made.add("gallery", GALLERY.format(cdn=origins.cdn, other=origins.other))
    executor = ScriptedChatModel(script=[tool_call("goto", url=gallery), tool_call("goto", url=f"{origins.cdn}/"),
                                         tool_call("goto", url=f"{origins.other}/"), tool_call("stop", answer="done")])
    context = scripted_context("react", executor=executor, **settings)
    run = await stream_run(task_input("Look at the gallery", home, allowed_domains=[origins.site]), context)
    return dict(run.state), {"cdn": _paths(origins.cdn_seen), "other": _paths(origins.other_seen)}


SUBRESOURCES = ["data", "events", "pic.png"]


@pytest.mark.parametrize("case", ["blocked-by-default", "opt-out", "allow-list"])
async def test_offsite_subresources_follow_the_settings_and_navigation_never_leaves(origins, case: str) -> None:
    settings: dict[str, Any] = {"blocked-by-default": {}, "opt-out": {"block_offsite_requests": False},
                                "allow-list": {"subresource_domains": [origins.cdn.removeprefix("http://")]}}[case]
    reached = {"cdn": [] if case == "blocked-by-default" else SUBRESOURCES,
               "other": SUBRESOURCES if case == "opt-out" else []}
    state, paths = await _visit(origins, **settings)
    assert state["status"] == "done", state.get("stop_reason")
    # Only subresources got through, never a navigation ("/" would be the page the agent tried to open).
    assert paths == reached
    gallery, to_cdn, to_other = state["history"][:3]
    page = state["observation"]["text"]
    for name in ("cdn", "other"):
        for kind in ("fetch", "events"):
            assert f"{name}-{kind} {'answered' if reached[name] else 'refused'}" in page, page
    refused = [name for name in ("cdn", "other") if not reached[name]]
    assert ("blocked" in gallery["result"]) == bool(refused), gallery["result"]
    for name in refused:  # the executor is told which requests were refused, by URL
        assert getattr(origins, name) + "/data" in gallery["result"], gallery["result"]
    for step in (to_cdn, to_other):
        assert "outside the allowed domains" in step["result"], step["result"]
        assert step["url_after"] == gallery["url_after"]  # the tab stayed on the site
    assert all(tab["url"].startswith(origins.made.base) for tab in state["observation"]["tabs"])


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
