"""The browser behind one episode, the domain policy it enforces, and the registry that outlives graph steps.

Playwright objects never enter graph state (they cannot be checkpointed), so sessions live here, keyed by the
episode id that *is* in state. After a crash or a resume in a new process the registry has no session for the
episode and the observe node re-creates one at the last URL.

Episodes of one process (one event loop) share one Chromium, each in its own browser context (its own cookies,
storage, routes and tabs): a Chromium per episode cost 9 processes each and made 8 parallel episodes only 2.9x
faster than 8 in a row (BENCHMARKS.md "Parallel episodes"). A crashed Chromium is noticed by every episode on it
(`alive` turns False), the first to ask relaunches it, and each re-creates its own context at its last URL as
after any crash. LangChain's community Playwright tools read `browser.contexts[0]`, so a session hands them an
`EpisodeBrowser`, a view of the shared browser whose only context is the episode's.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.async_api import (
    Browser,
    BrowserContext,
    CDPSession,
    Dialog,
    Download,
    Page,
    Playwright,
    Response,
    async_playwright,
)
from playwright.async_api import Error as PlaywrightError

from tools import page_hooks, settle
from tools.chromium import launch_chromium
from tools.domains import DomainPolicy
from tools.network_guard import NetworkGuard

__all__ = ["BrowserSession", "BrowserSettings", "DomainPolicy", "SessionRegistry", "sessions"]

@dataclass(frozen=True)
class BrowserSettings:
    headless: bool = True
    viewport_width: int = 1280
    viewport_height: int = 720
    navigation_timeout_ms: int = 15_000
    action_timeout_ms: int = 5_000
    storage_state: str | dict[str, Any] | None = None  # a Playwright storage state (e.g. a logged-in site)
    block_offsite_requests: bool = True  # page scripts' requests outside the allowed domains are refused
    subresource_domains: tuple[str, ...] = ()  # hosts page requests may reach besides the allowed domains
    downloads_dir: str = ""  # keep downloaded files here ("" = report them, then discard them)
    # secret name -> the domains it may be typed on (DomainPolicy entries); a secret missing here is refused
    secret_domains: tuple[tuple[str, tuple[str, ...]], ...] = ()
    settle_ms: int = settle.SETTLE_MS  # after an action, wait up to this long for the page to stop changing
    quiet_ms: int = settle.QUIET_MS  # ... where "stopped" means no DOM change for this long

    def secret_policies(self) -> dict[str, DomainPolicy]:
        return {name: DomainPolicy(entries) for name, entries in self.secret_domains}


class EpisodeBrowser(Browser):
    """The shared Chromium as one episode sees it: every call goes to the real browser, but `contexts` lists only
    the episode's own context (the community tools act on `contexts[0]`)."""

    def __init__(self, shared: Browser, context: BrowserContext) -> None:
        super().__init__(shared._impl_obj)
        self._episode_context = context

    @property
    def contexts(self) -> list[BrowserContext]:
        return [self._episode_context]


@dataclass
class BrowserSession:
    """One episode's browser context on the shared Chromium: its tabs (the active one is where actions happen),
    and the events (blocked navigations, dialogs, new tabs, downloads) that the next tool result should mention."""

    browser: EpisodeBrowser
    context: BrowserContext
    policy: DomainPolicy
    settings: BrowserSettings
    guard: NetworkGuard
    active_index: int = 0
    events: list[str] = field(default_factory=list)
    _pending: set[asyncio.Task[None]] = field(default_factory=set)
    _cdp: dict[Page, CDPSession] = field(default_factory=dict)

    @classmethod
    async def start(cls, shared: Browser, settings: BrowserSettings, policy: DomainPolicy) -> BrowserSession:
        """A new context on `shared` (a Chromium other episodes may use too)."""
        context = await shared.new_context(
            viewport={"width": settings.viewport_width, "height": settings.viewport_height},
            storage_state=settings.storage_state,  # type: ignore[arg-type]
            # Service workers make requests no route can see; no task needs one.
            service_workers="block", accept_downloads=True,
        )
        try:
            context.set_default_timeout(settings.action_timeout_ms)
            context.set_default_navigation_timeout(settings.navigation_timeout_ms)
            events: list[str] = []
            guard = NetworkGuard(policy, report=events.append, block_offsite_requests=settings.block_offsite_requests,
                                 subresource_domains=settings.subresource_domains)
            await guard.attach(context)
            await page_hooks.install(context)
            session = cls(browser=EpisodeBrowser(shared, context), context=context, policy=policy,
                          settings=settings, guard=guard, events=events)
            page = await context.new_page()
            await session._watch(page)
        except Exception:
            await context.close()
            raise
        context.on("page", session._on_new_page)  # after the first tab: only later tabs are news
        return session

    def __repr__(self) -> str:  # a session can end up in a trace's inputs: say what it is, show none of its state
        return f"BrowserSession(allowed={self.policy.describe()!r}, tabs={len(self.context.pages)})"

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

    @property
    def alive(self) -> bool:
        """False once Chromium or the driver behind it has gone (killed, crashed)."""
        return self.browser.is_connected() and sessions.driver_alive()

    async def _watch(self, page: Page) -> None:
        page.on("dialog", self._on_dialog)
        page.on("download", self._on_download)
        settle.watch(page)
        try:  # opened now, while the page still answers: it is how a page stuck in a script is stopped later
            self._cdp[page] = await self.context.new_cdp_session(page)
        except PlaywrightError:
            pass

    def _on_new_page(self, page: Page) -> None:
        """A link with target=_blank or window.open: the new tab becomes the active one, as for a person."""
        self._track(self._watch(page))
        pages = self.pages
        if page in pages:
            self.active_index = pages.index(page)
            self.events.append(f"a new tab opened (tab {self.active_index}) and is now active")

    def _on_dialog(self, dialog: Dialog) -> None:
        """Dialogs would block the page forever; accept them (the click that raised a confirm meant it) and
        tell the model what they said."""
        self.events.append(f"{dialog.type} dialog said {dialog.message!r} (accepted)")
        self._track(dialog.accept())

    def _on_download(self, download: Download) -> None:
        self._track(self._report_download(download))

    async def _report_download(self, download: Download) -> None:
        name = Path(download.suggested_filename).name or "download"
        try:
            path = await download.path()
            size = os.path.getsize(path)
            where = ""
            if self.settings.downloads_dir:
                target = Path(self.settings.downloads_dir) / name
                counter = 1
                while target.exists():
                    target = target.with_name(f"{Path(name).stem}-{counter}{Path(name).suffix}")
                    counter += 1
                await download.save_as(target)
                where = f", saved as {target}"
            self.events.append(f"downloaded {name!r} ({size:,} bytes{where}) from {download.url}")
        except (PlaywrightError, OSError) as exc:
            self.events.append(f"the download of {name!r} failed: {str(exc).splitlines()[0] if str(exc) else exc}")

    def _track(self, work: Any) -> None:
        task = asyncio.ensure_future(work)
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def load(self, page: Page, url: str) -> Response | None:
        """`page.goto` for a page the network guard may redirect: the guard answers a redirect itself (the
        browser sees its request aborted) and navigates hop by hop, so an aborted load waits for those hops.
        Returns the response, or None when the guard took over (then check `guard.refused` for a refusal)."""
        try:
            return await page.goto(url, wait_until="load")
        except PlaywrightError as exc:
            if "ERR_ABORTED" not in str(exc):
                raise
        await self.settled()
        try:
            await page.wait_for_load_state("load", timeout=self.settings.navigation_timeout_ms)
        except PlaywrightError:
            pass  # still loading: the observation waits for it
        return None

    async def settled(self, timeout_s: float | None = None) -> None:
        """Wait for what an action set off besides its own navigation: redirect hops being followed, downloads
        being saved, dialogs being answered."""
        timeout_s = self.settings.navigation_timeout_ms / 1000 if timeout_s is None else timeout_s
        await self.guard.settled(timeout_s)
        if self._pending:
            await asyncio.wait(list(self._pending), timeout=timeout_s)

    async def unfreeze(self, page: Page) -> str:
        """A page whose scripts keep the browser busy (an endless loop in a click handler) answers nothing:
        stop its scripts through the DevTools session opened while it still answered, or, failing that, close
        the tab and open its URL afresh. Returns what was done."""
        cdp = self._cdp.get(page)
        if cdp is not None:
            try:
                await asyncio.wait_for(cdp.send("Runtime.terminateExecution"), 5)
                await asyncio.wait_for(page.evaluate("1"), 5)
                return "its scripts were stopped"
            except (TimeoutError, PlaywrightError):
                pass
        url, index = page.url, self.pages.index(page) if page in self.pages else self.active_index
        try:
            await asyncio.wait_for(page.close(run_before_unload=False), 10)
        except (TimeoutError, PlaywrightError):
            pass
        fresh = await self.context.new_page()
        self.active_index = self.pages.index(fresh) if index >= len(self.pages) else index
        self.drain_events()  # the replacement tab is not news
        try:
            await fresh.goto(url, wait_until="load")
            return f"the tab was closed and {url} opened again"
        except PlaywrightError:
            return f"the tab was closed and could not open {url} again"

    def drain_events(self) -> list[str]:
        events, self.events[:] = list(self.events), []
        blocked = self.guard.drain_blocked()
        return events + ([blocked] if blocked else [])

    async def tabs(self) -> list[Any]:  # graph.state.Tab dicts (tools import nothing above them)
        tabs = []
        for index, page in enumerate(self.pages):
            try:
                title = await asyncio.wait_for(page.title(), self.settings.action_timeout_ms / 1000)
            except (TimeoutError, PlaywrightError):
                title = ""
            tabs.append({"index": index, "url": page.url, "title": title, "active": index == self.active_index})
        return tabs

    async def close(self) -> None:
        """Close the episode's context (its tabs); the shared Chromium is the registry's to close."""
        for task in list(self._pending):
            task.cancel()
        try:
            await asyncio.wait_for(self.context.close(), self.settings.navigation_timeout_ms / 1000)
        except Exception:  # already gone with its browser or driver, or stuck: nothing left to do for it here
            pass


class SessionRegistry:
    """Browser sessions by episode id, plus the one Playwright driver and the Chromium (one per headless mode)
    they share.

    One driver per process: it is started on first use and stopped when the last run holding the registry
    (`hold`) ends with no session left, so `asyncio.run(...)` twice in one process starts and stops it twice
    instead of leaking the first. A driver left behind by an event loop that was closed is told to quit (it
    takes its browsers with it); a driver that died is replaced. The shared Chromium stays open between episodes
    while a run holds the registry (a sweep launches it once) and closes with the driver."""

    def __init__(self) -> None:
        self._sessions: dict[str, BrowserSession] = {}
        self._manager: Any = None  # the async_playwright() manager, which owns the driver process
        self._playwright: Playwright | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._open_lock: asyncio.Lock | None = None
        self._driver_lock: asyncio.Lock | None = None
        self._holds = 0
        self._opening = 0  # open() calls between getting the driver and registering their session
        self._browsers: dict[bool, Browser] = {}  # headless -> the Chromium every episode of that mode shares

    def get(self, episode_id: str) -> BrowserSession | None:
        session = self._sessions.get(episode_id)
        if session is not None and not session.alive:
            self._sessions.pop(episode_id, None)
            return None
        return session

    def __contains__(self, episode_id: str) -> bool:
        return self.get(episode_id) is not None

    def __len__(self) -> int:
        return len(self._sessions)

    def _driver_process(self) -> Any:
        client = getattr(self._manager, "_client", None)
        return getattr(getattr(client, "_transport", None), "_proc", None)

    def driver_alive(self) -> bool:
        process = self._driver_process()
        return process is None or process.returncode is None

    def driver_pid(self) -> int | None:
        process = self._driver_process()
        return process.pid if process is not None and process.returncode is None else None

    def _bind_loop(self) -> None:
        loop = asyncio.get_running_loop()
        if self._loop is loop:
            return
        if self._loop is not None:  # that loop is gone, and its driver cannot be awaited any more
            pid = self.driver_pid()
            if pid is not None:
                try:
                    os.kill(pid, signal.SIGTERM)  # the driver closes its browsers and exits
                except ProcessLookupError:
                    pass
        self._sessions.clear()
        self._browsers.clear()
        self._manager = self._playwright = None
        self._loop, self._open_lock, self._driver_lock = loop, asyncio.Lock(), asyncio.Lock()
        self._holds = 0

    async def _driver(self) -> Playwright:
        self._bind_loop()
        assert self._driver_lock is not None
        async with self._driver_lock:
            if self._playwright is not None and not self.driver_alive():
                self._sessions.clear()  # its browsers died with it
                self._browsers.clear()
                self._playwright = self._manager = None
            if self._playwright is None:
                self._manager = async_playwright()
                self._playwright = await self._manager.start()
            return self._playwright

    async def open(self, episode_id: str, settings: BrowserSettings, policy: DomainPolicy) -> BrowserSession:
        """The episode's session, started if it does not exist (or its browser died)."""
        self._bind_loop()
        self._opening += 1
        try:
            driver = await self._driver()
            assert self._open_lock is not None
            async with self._open_lock:
                session = self.get(episode_id)
                if session is None:
                    shared = await self._browser(driver, settings.headless)
                    session = await BrowserSession.start(shared, settings, policy)
                    self._sessions[episode_id] = session
                return session
        finally:
            self._opening -= 1

    async def _browser(self, driver: Playwright, headless: bool) -> Browser:
        """The shared Chromium for this mode, launched if there is none or it crashed (its episodes' sessions
        are then dead too: `get` drops them, and each episode opens a new context here)."""
        browser = self._browsers.get(headless)
        if browser is None or not browser.is_connected():
            browser = self._browsers[headless] = await launch_chromium(driver, headless=headless)
        return browser

    async def close(self, episode_id: str) -> None:
        """Close the episode's context; the last session to close (outside any `hold`) takes the shared Chromium
        and the driver with it, so nothing is left running."""
        session = self._sessions.pop(episode_id, None)
        if session is not None:
            await session.close()
        if not self._sessions and self._holds == 0 and self._opening == 0:
            await self._stop_driver()

    async def close_all(self, *, stop_driver: bool = True) -> None:
        """Close every session and the shared Chromium; with `stop_driver`, the Playwright driver too (at the end
        of a process)."""
        for episode_id in list(self._sessions):
            session = self._sessions.pop(episode_id)
            await session.close()
        await self._close_browsers()
        if stop_driver:
            await self._stop_driver()

    async def _close_browsers(self) -> None:
        browsers, self._browsers = list(self._browsers.values()), {}
        if self._loop is not asyncio.get_running_loop():
            return
        for browser in browsers:
            try:
                await asyncio.wait_for(browser.close(), 30)
            except Exception:  # crashed, or gone with its driver: nothing left to close
                pass

    async def _stop_driver(self) -> None:
        await self._close_browsers()
        if self._playwright is not None and self._loop is asyncio.get_running_loop():
            try:
                await self._playwright.stop()
            except Exception:  # a driver that already died has nothing left to stop
                pass
        self._playwright = self._manager = None

    @asynccontextmanager
    async def hold(self) -> AsyncIterator[None]:
        """Keep the driver while a run (or a sweep of runs) is going; the last holder to leave stops it if no
        session is left open."""
        self._bind_loop()
        self._holds += 1
        try:
            yield
        finally:
            self._holds -= 1
            if self._holds == 0 and not self._sessions:
                await self._stop_driver()


# The process-wide registry the graph's nodes use. Tests and runners may close it between runs.
sessions = SessionRegistry()
