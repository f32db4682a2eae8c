"""The browser behind one episode, the domain policy it enforces, and the registry that outlives graph steps.

Playwright objects never enter graph state (they cannot be checkpointed), so sessions live here, keyed by the
episode id that *is* in state. After a crash or a resume in a new process the registry has no session for the
episode and the observe node re-creates one at the last URL.

Each episode gets its own Chromium process: a crash or a runaway page takes down one episode, not a whole
benchmark, and LangChain's community Playwright tools (which read `browser.contexts[0]`) see the right tab.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import Browser, BrowserContext, Dialog, Page, Playwright, Request, Route, async_playwright
from playwright.async_api import Error as PlaywrightError

from tools import page_hooks, settle
from tools.chromium import launch_chromium

_ALWAYS_ALLOWED_SCHEMES = frozenset({"about", "data", "blob"})


@dataclass(frozen=True)
class DomainPolicy:
    """Which hosts the agent may navigate to.

    An entry `example.com` allows that host and its subdomains on any port; `127.0.0.1:8080` allows exactly that
    host and port; `*` allows everything. `about:`/`data:`/`blob:` pages are always allowed; `file:` never is
    unless the literal entry `file` is listed (a model must not read the machine's files by navigating).
    """

    allowed: tuple[str, ...]

    @classmethod
    def for_start_urls(cls, urls: list[str], extra: tuple[str, ...] | list[str] = ()) -> DomainPolicy:
        hosts = [urlsplit(u).hostname or "" for u in urls]
        return cls(tuple(dict.fromkeys([h for h in hosts if h] + list(extra))))

    def allows(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme in _ALWAYS_ALLOWED_SCHEMES:
            return True
        if parts.scheme == "file":
            return "file" in self.allowed
        if parts.scheme not in ("http", "https"):
            return False
        host = (parts.hostname or "").lower()
        for entry in self.allowed:
            entry = entry.lower().strip()
            if entry == "*":
                return True
            if ":" in entry and not entry.startswith("["):
                entry_host, _, entry_port = entry.rpartition(":")
                port = parts.port or (443 if parts.scheme == "https" else 80)
                if host == entry_host and str(port) == entry_port:
                    return True
            elif host == entry or host.endswith("." + entry):
                return True
        return False

    def refusal(self, url: str) -> str:
        return (f"navigation to {url} blocked: it is outside the allowed domains "
                f"({', '.join(self.allowed) or 'none'})")


@dataclass(frozen=True)
class BrowserSettings:
    headless: bool = True
    viewport_width: int = 1280
    viewport_height: int = 720
    navigation_timeout_ms: int = 15_000
    action_timeout_ms: int = 5_000
    storage_state: str | dict[str, Any] | None = None  # a Playwright storage state (e.g. a logged-in site)
    settle_ms: int = settle.SETTLE_MS  # after an action, wait up to this long for the page to stop changing
    quiet_ms: int = settle.QUIET_MS  # ... where "stopped" means no DOM change for this long


@dataclass
class BrowserSession:
    """One episode's Chromium: its context, its tabs (the active one is where actions happen), and the events
    (blocked navigations, dialogs, new tabs) that the next tool result should mention."""

    browser: Browser
    context: BrowserContext
    policy: DomainPolicy
    settings: BrowserSettings
    active_index: int = 0
    events: list[str] = field(default_factory=list)

    @classmethod
    async def start(cls, playwright: Playwright, settings: BrowserSettings, policy: DomainPolicy) -> BrowserSession:
        browser = await launch_chromium(playwright, headless=settings.headless)
        try:
            context = await browser.new_context(
                viewport={"width": settings.viewport_width, "height": settings.viewport_height},
                storage_state=settings.storage_state,  # type: ignore[arg-type]
            )
        except Exception:
            await browser.close()
            raise
        context.set_default_timeout(settings.action_timeout_ms)
        context.set_default_navigation_timeout(settings.navigation_timeout_ms)
        session = cls(browser=browser, context=context, policy=policy, settings=settings)
        await page_hooks.install(context)
        await context.route("**/*", session._guard_navigation)
        page = await context.new_page()
        session._watch(page)
        context.on("page", session._on_new_page)  # after the first tab: only later tabs are news
        return session

    @property
    def pages(self) -> list[Page]:
        return [p for p in self.context.pages if not p.is_closed()]

    @property
    def page(self) -> Page:
        pages = self.pages
        if not pages:
            raise RuntimeError("the browser has no open tab")
        self.active_index = min(self.active_index, len(pages) - 1)
        return pages[self.active_index]

    async def _guard_navigation(self, route: Route, request: Request) -> None:
        """Every document request passes through here, so a click, a redirect or a form post can no more
        leave the allowed domains than `goto` can."""
        if request.is_navigation_request() and not self.policy.allows(request.url):
            self.events.append(self.policy.refusal(request.url))
            # 204 No Content makes the browser stay where it was (an abort would show Chrome's error page).
            await route.fulfill(status=204, body="")
            return
        await route.continue_()

    def _watch(self, page: Page) -> None:
        page.on("dialog", self._on_dialog)
        settle.watch(page)

    def _on_new_page(self, page: Page) -> None:
        """A link with target=_blank or window.open: the new tab becomes the active one, as for a person."""
        self._watch(page)
        pages = self.pages
        if page in pages:
            self.active_index = pages.index(page)
            self.events.append(f"a new tab opened (tab {self.active_index}) and is now active")

    def _on_dialog(self, dialog: Dialog) -> None:
        """Dialogs would block the page forever; accept them (the click that raised a confirm meant it) and
        tell the model what they said."""
        self.events.append(f"{dialog.type} dialog said {dialog.message!r} (accepted)")
        asyncio.ensure_future(dialog.accept())

    def drain_events(self) -> list[str]:
        events, self.events = self.events, []
        return events

    async def tabs(self) -> list[Any]:  # graph.state.Tab dicts (tools import nothing above them)
        tabs = []
        for index, page in enumerate(self.pages):
            try:
                title = await page.title()
            except PlaywrightError:
                title = ""
            tabs.append({"index": index, "url": page.url, "title": title, "active": index == self.active_index})
        return tabs

    async def close(self) -> None:
        try:
            await self.context.close()
        except PlaywrightError:
            pass
        try:
            await self.browser.close()
        except PlaywrightError:
            pass


class SessionRegistry:
    """Browser sessions by episode id, plus the one Playwright driver they share (per event loop)."""

    def __init__(self) -> None:
        self._sessions: dict[str, BrowserSession] = {}
        self._playwright: Playwright | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock: asyncio.Lock | None = None

    def get(self, episode_id: str) -> BrowserSession | None:
        session = self._sessions.get(episode_id)
        if session is not None and not session.browser.is_connected():
            self._sessions.pop(episode_id, None)
            return None
        return session

    def __contains__(self, episode_id: str) -> bool:
        return self.get(episode_id) is not None

    async def _driver(self) -> Playwright:
        loop = asyncio.get_running_loop()
        if self._playwright is None or self._loop is not loop:
            # A new event loop (a new asyncio.run in the same process) cannot use the old driver.
            self._sessions.clear()
            self._playwright = await async_playwright().start()
            self._loop = loop
            self._lock = asyncio.Lock()
        return self._playwright

    async def open(self, episode_id: str, settings: BrowserSettings, policy: DomainPolicy) -> BrowserSession:
        """The episode's session, started if it does not exist (or its browser died)."""
        driver = await self._driver()
        assert self._lock is not None
        async with self._lock:
            session = self.get(episode_id)
            if session is None:
                session = await BrowserSession.start(driver, settings, policy)
                self._sessions[episode_id] = session
            return session

    async def close(self, episode_id: str) -> None:
        session = self._sessions.pop(episode_id, None)
        if session is not None:
            await session.close()

    async def close_all(self, *, stop_driver: bool = True) -> None:
        """Close every session; with `stop_driver`, the Playwright driver too (at the end of a process)."""
        for episode_id in list(self._sessions):
            await self.close(episode_id)
        if not stop_driver:
            return
        if self._playwright is not None and self._loop is asyncio.get_running_loop():
            await self._playwright.stop()
        self._playwright = None
        self._loop = None


# The process-wide registry the graph's nodes use. Tests and runners may close it between runs.
sessions = SessionRegistry()
