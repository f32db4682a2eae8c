"""A loopback server for pages the observation tests write themselves, plus a slow page and a slow data feed.

The same server answers as `http://127.0.0.1:PORT` and `http://localhost:PORT`: two origins (two sites, so
Chromium puts a frame of one inside a page of the other in another process), which is how the tests build
cross-origin iframes without a second server.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route

from webenv.serving import ServerGroup, serve_apps


@dataclass
class MadePages:
    pages: dict[str, str] = field(default_factory=dict)
    group: ServerGroup | None = None

    @property
    def base(self) -> str:
        assert self.group is not None
        return self.group.urls["pages"]

    @property
    def other_origin(self) -> str:
        """The same server under another origin (localhost instead of 127.0.0.1)."""
        return self.base.replace("127.0.0.1", "localhost")

    def add(self, name: str, html: str) -> str:
        self.pages[name] = html
        return f"{self.base}/page/{name}"


def start() -> MadePages:
    made = MadePages()

    async def page(request: Request) -> HTMLResponse:
        name = request.path_params["name"]
        if name not in made.pages:
            return HTMLResponse("<title>Missing</title>no such page", status_code=404)
        return HTMLResponse(made.pages[name])

    async def slow(request: Request) -> HTMLResponse:
        # The server is slow on purpose: it models a page whose navigation outlasts the client's timeout.
        await asyncio.sleep(int(request.query_params.get("ms", "3000")) / 1000)
        return HTMLResponse("<title>Slow page</title><h1>Arrived slowly</h1><button>After the wait</button>")

    async def data(request: Request) -> JSONResponse:
        await asyncio.sleep(int(request.query_params.get("ms", "500")) / 1000)
        return JSONResponse({"items": ["Alpha result", "Beta result", "Gamma result"]})

    app = Starlette(routes=[Route("/page/{name}", page), Route("/slow", slow), Route("/data", data)])
    made.group = serve_apps({"pages": app}, name="made-pages")
    return made
