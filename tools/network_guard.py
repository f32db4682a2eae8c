"""The domain policy on every request a browser context makes: the navigations of every frame and tab, every hop
of the redirects they follow, and the requests page scripts send (fetch, XHR, beacons, images, WebSockets).

Playwright's routing sees only the first request of a redirect chain — the browser follows the rest by itself —
so checking requests is not enough: a 302 from an allowed page would land anywhere. A guarded context therefore
fetches each allowed request itself without following redirects and decides on every hop:
- a navigation that redirects is answered with 204 (the frame stays where it is) and, when the target is
  allowed, the frame is navigated there afresh, so the next hop passes through here too;
- a page script's request that redirects is followed hop by hop here, each hop checked.
A refused request never reaches the network. What was refused is reported in words the executor reads.

Requests with consequences — navigations and anything but GET/HEAD/OPTIONS — are told to a `RequestJournal`
before they are sent and after they are answered; that is how a resumed episode knows whether an action it
did not see finish had already reached the server (`nodes.action_journal`).

A document the guard fulfils has no address space in Chromium's eyes, so its Local Network Access checks take a
page served from loopback for a public one and refuse every request the guard lets the browser send itself (all
page requests with `block_offsite_requests` off, cross-origin event streams) to loopback or private addresses.
Documents from a loopback host are therefore granted that access, which is what Chromium decides for a page it
knows came from loopback. Nothing else is: a public page still may not reach the local network, nor a page from a
private address the machine's loopback (Chromium would ask the user; list such hosts in `subresource_domains`,
whose requests the guard fetches itself).
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urljoin, urlsplit

from playwright.async_api import APIResponse, BrowserContext, Frame, Request, Route, WebSocketRoute
from playwright.async_api import Error as PlaywrightError

from tools.domains import DomainPolicy

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MAX_REDIRECTS = 20
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_SHOWN_BLOCKED = 5  # blocked page requests listed by URL in one report; the rest are counted

# What a failed fetch becomes for the browser, so a refused connection still reads ERR_CONNECTION_REFUSED.
_ABORT_CODES = (("ECONNREFUSED", "connectionrefused"), ("ENOTFOUND", "namenotresolved"),
                ("EAI_AGAIN", "namenotresolved"), ("ECONNRESET", "connectionreset"), ("Timeout", "timedout"),
                ("timed out", "timedout"))


@dataclass
class SentRequest:
    """A request with consequences, as the journal sees it."""

    method: str
    url: str
    navigation: bool
    main_frame: bool
    status: int = 0  # 0 until answered
    location: str = ""  # where a redirect pointed


class RequestJournal(Protocol):
    async def sending(self, request: SentRequest) -> None: ...

    async def answered(self, request: SentRequest) -> None: ...


log = logging.getLogger(__name__)


def loopback_origin(url: str) -> str:
    """The URL's origin when its host is a loopback address or `localhost`, else ""."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        return ""
    if host != "localhost" and not host.endswith(".localhost"):
        try:
            if not ipaddress.ip_address(host).is_loopback:
                return ""
        except ValueError:
            return ""
    try:
        parts.port  # noqa: B018  (raises for a port that is not one)
    except ValueError:
        return ""
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2].lower()}"


def _frame_of(request: Request) -> Frame | None:
    """The frame a navigation happens in; a new tab's first request comes before its frame exists."""
    try:
        return request.frame
    except PlaywrightError:
        return None


def _abort_code(error: str) -> str:
    return next((code for marker, code in _ABORT_CODES if marker in error), "failed")


# How long the guard lets one request take on the browser's behalf. Not the navigation timeout: that is how long a
# tool *waits* for a page, and a navigation that outlasts the wait goes on in the browser (reported as "still in
# progress"); fetching it with that timeout would abort it and leave an error page. Chromium's own limit is minutes.
REQUEST_TIMEOUT_MS = 180_000


class NetworkGuard:
    """Attach with `await guard.attach(context)`. `report` receives one line per refused navigation; refused page
    requests are collected and summarised by `drain_blocked`."""

    def __init__(self, policy: DomainPolicy, *, report: Callable[[str], None], block_offsite_requests: bool = True,
                 subresource_domains: tuple[str, ...] = (), timeout_ms: int = REQUEST_TIMEOUT_MS) -> None:
        self.policy = policy
        self.subresources = DomainPolicy(policy.allowed + tuple(subresource_domains))
        self.block_offsite_requests = block_offsite_requests
        self.journal: RequestJournal | None = None
        self._report = report
        self._timeout_ms = timeout_ms
        self._renavigations: set[asyncio.Task[None]] = set()
        self._hops: dict[Frame, int] = {}
        self._blocked: list[str] = []
        self.refused = 0  # navigations refused so far (a tool compares counts to tell that its own was refused)
        self._refusal = asyncio.Event()
        self._context: BrowserContext | None = None
        self._loopback_origins: set[str] = set()  # granted local network access (see the module docstring)

    async def attach(self, context: BrowserContext) -> None:
        self._context = context
        await context.route("**/*", self._route)
        await context.route_web_socket(re.compile(r".*"), self._websocket)

    # --- what the executor is told -------------------------------------------------------------------------

    def drain_blocked(self) -> str:
        """One line about the page requests refused since the last call ("" if none)."""
        blocked, self._blocked = self._blocked, []
        if not blocked:
            return ""
        unique = list(dict.fromkeys(blocked))
        shown = ", ".join(unique[:_SHOWN_BLOCKED]) + (f" and {len(unique) - _SHOWN_BLOCKED} more"
                                                       if len(unique) > _SHOWN_BLOCKED else "")
        return (f"blocked {len(blocked)} request{'s' if len(blocked) > 1 else ''} the page made outside the allowed "
                f"domains ({self.subresources.describe()}): {shown}")

    async def settled(self, timeout_s: float) -> None:
        """Wait (at most `timeout_s`) for the navigations that redirects started to be under way or done."""
        deadline = asyncio.get_running_loop().time() + timeout_s
        while self._renavigations:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                return
            await asyncio.wait(list(self._renavigations), timeout=remaining)

    async def refusal_after(self, seen: int) -> None:
        """Returns once more than `seen` navigations have been refused."""
        while self.refused <= seen:
            await self._refusal.wait()

    def _count_refusal(self) -> None:
        self.refused += 1
        event, self._refusal = self._refusal, asyncio.Event()
        event.set()

    # --- the routes ----------------------------------------------------------------------------------------

    async def _route(self, route: Route, request: Request) -> None:
        try:
            await self._decide(route, request)
        except PlaywrightError:
            pass  # the request, its page or the context went away meanwhile

    async def _decide(self, route: Route, request: Request) -> None:
        navigation = request.is_navigation_request()
        if not navigation and not self.block_offsite_requests:
            await route.continue_()
            return
        policy = self.policy if navigation else self.subresources
        if not policy.allows(request.url):
            await self._refuse(route, request, navigation, request.url)
            return
        if not navigation and "text/event-stream" in (request.headers.get("accept") or ""):
            await route.continue_()  # a stream cannot be fetched whole first; its first hop was checked
            return
        frame = _frame_of(request) if navigation else None
        record = None
        if navigation or request.method not in SAFE_METHODS:
            record = SentRequest(method=request.method, url=request.url, navigation=navigation,
                                 main_frame=navigation and (frame is None or frame.parent_frame is None))
            if self.journal is not None:
                await self.journal.sending(record)
        response = await self._fetch(route, request.url, None, None)
        if response is None:
            return
        location = response.headers.get("location", "")
        target = urljoin(request.url, location) if response.status in _REDIRECTS and location else ""
        if record is not None:
            record.status, record.location = response.status, target
            if self.journal is not None:
                await self.journal.answered(record)
        if not target:
            if frame is not None:
                self._hops.pop(frame, None)
            if navigation:
                await self._grant_local_network(request.url)
            await route.fulfill(response=response)
        elif frame is not None and not (response.status in (307, 308) and request.method not in SAFE_METHODS):
            await self._redirect_navigation(route, request, frame, target)
        else:  # a page script's request, a form post that must keep its method, a new tab's first page
            await self._follow(route, request, response, target)

    async def _fetch(self, route: Route, url: str, method: str | None, body: str | None) -> APIResponse | None:
        try:
            return await route.fetch(url=url, method=method, post_data=body, max_redirects=0,
                                     timeout=self._timeout_ms)
        except PlaywrightError as exc:
            await route.abort(_abort_code(str(exc)))
            return None

    async def _refuse(self, route: Route, request: Request, navigation: bool, url: str, source: str = "") -> None:
        if navigation:
            self._count_refusal()
            self._report(f"redirect from {source} to {url} blocked: it is outside the allowed domains "
                         f"({self.policy.describe()})" if source else self.policy.refusal(url))
            # 204 No Content keeps the frame where it was (an abort would show Chrome's error page).
            await route.fulfill(status=204, body="")
        else:
            self._blocked.append(f"{request.resource_type} {url}")
            await route.abort("blockedbyclient")

    async def _grant_local_network(self, url: str) -> None:
        """Before a document from a loopback host arrives, give its origin the local network access Chromium
        would give it if it knew where the document came from (see the module docstring)."""
        origin = loopback_origin(url)
        if not origin or origin in self._loopback_origins or self._context is None:
            return
        self._loopback_origins.add(origin)
        try:
            await self._context.grant_permissions(["local-network-access"], origin=origin)
        except PlaywrightError as exc:  # a Playwright or Chromium without the permission: nothing to grant
            log.debug("could not grant local network access to %s: %s", origin, str(exc).splitlines()[0])

    async def _redirect_navigation(self, route: Route, request: Request, frame: Frame, target: str) -> None:
        if not self.policy.allows(target):
            await self._refuse(route, request, True, target, source=request.url)
            return
        hops = self._hops.get(frame, 0) + 1
        if hops > MAX_REDIRECTS:
            self._hops.pop(frame, None)
            self._count_refusal()
            self._report(f"{request.url} redirected more than {MAX_REDIRECTS} times; the page stayed where it was")
            await route.fulfill(status=204, body="")
            return
        self._hops[frame] = hops
        # Started before the 204 goes out, so `settled` never sees a gap between one hop and the next.
        task = asyncio.ensure_future(self._navigate(frame, target))
        self._renavigations.add(task)
        task.add_done_callback(self._renavigations.discard)
        await route.fulfill(status=204, body="")

    @staticmethod
    async def _navigate(frame: Frame, url: str) -> None:
        try:
            await frame.goto(url, wait_until="commit")
        except PlaywrightError:
            pass  # redirected again (the next hop has its own task), or the frame went away

    async def _follow(self, route: Route, request: Request, response: APIResponse, target: str) -> None:
        method, body, current = request.method, None, request.url
        for _hop in range(MAX_REDIRECTS):
            if not self.subresources.allows(target) or (request.is_navigation_request()
                                                        and not self.policy.allows(target)):
                await self._refuse(route, request, request.is_navigation_request(), target, source=current)
                return
            if response.status == 303 or (response.status in (301, 302) and method == "POST"):
                method, body = "GET", ""
            followed = await self._fetch(route, target, method, body)
            if followed is None:
                return
            current, response = target, followed
            location = response.headers.get("location", "")
            if response.status not in _REDIRECTS or not location:
                if request.is_navigation_request():
                    await self._grant_local_network(request.url)  # the document keeps the first hop's URL
                await route.fulfill(response=response)
                return
            target = urljoin(current, location)
        await route.abort("failed")

    async def _websocket(self, socket: WebSocketRoute) -> None:
        if not self.block_offsite_requests or self.subresources.allows(socket.url):
            socket.connect_to_server()
            return
        self._blocked.append(f"websocket {socket.url}")
        await socket.close(code=1008, reason="outside the allowed domains")
