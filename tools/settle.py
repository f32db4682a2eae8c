"""Wait until a page has settled after an action: its navigation finished and its DOM stopped changing.

An observation taken the moment `load` fires misses what scripts add a moment later (search results, a
suggestion menu 300 ms after typing, a list filled by a fetch) and shows "Loading…" instead. So after an action
we wait, bounded, until (1) a navigation the action started has committed and loaded, and (2) the DOM has been
quiet for a short interval with no fetch/XHR in flight (`page_hooks.js` keeps that clock inside the page).

A navigation that outlasts its timeout is not a failed action: the click happened and the page is on its way.
It is reported as "still in progress", and the next wait (the observation's, with the longer navigation timeout)
waits for it, because `watch` remembers main-frame document requests that have not finished.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from dataclasses import dataclass, field

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page, Request
from playwright.async_api import TimeoutError as PlaywrightTimeout

from tools import page_hooks

QUIET_MS = 300
SETTLE_MS = 2000

# Resolves when the DOM has been quiet for `quiet` ms with no request in flight, or after `limit` ms. After an
# action (`fresh`) the quiet interval counts from the wait's start at the earliest: what the action triggers (a
# menu 300 ms after typing) comes after it, however long the page had been quiet before.
_WAIT_QUIET = """([quiet, limit, fresh]) => new Promise((resolve) => {
  const hooks = window[Symbol.for('plan-and-act.hooks')];
  if (!hooks) { resolve(null); return; }
  const start = performance.now();
  const tick = () => {
    const now = performance.now();
    const still = now - (fresh ? Math.max(hooks.lastChange, start) : hooks.lastChange);
    if (still >= quiet && hooks.inflight <= 0 && document.readyState !== 'loading') {
      resolve({settled: true, waited: now - start});
    } else if (now - start >= limit) {
      resolve({settled: false, waited: now - start, inflight: hooks.inflight});
    } else {
      setTimeout(tick, Math.max(10, Math.min(quiet - still, limit - (now - start), 100)));
    }
  };
  tick();
})"""


@dataclass
class _Navigations:
    """Main-frame document requests of one page that have not finished yet."""

    pending: dict[Request, str] = field(default_factory=dict)
    idle: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self.idle.set()


_watched: weakref.WeakKeyDictionary[Page, _Navigations] = weakref.WeakKeyDictionary()


def watch(page: Page) -> None:
    """Track the page's navigations from now on (sessions call this for every tab they own)."""
    if page in _watched:
        return
    navigations = _watched[page] = _Navigations()

    def started(request: Request) -> None:
        try:
            if request.is_navigation_request() and request.frame == page.main_frame:
                navigations.pending[request] = request.url
                navigations.idle.clear()
        except PlaywrightError:
            pass

    def ended(request: Request) -> None:
        if navigations.pending.pop(request, None) is not None and not navigations.pending:
            navigations.idle.set()

    page.on("request", started)
    page.on("requestfinished", ended)
    page.on("requestfailed", ended)
    page.on("close", lambda _page: navigations.idle.set())


def navigation_in_progress(page: Page) -> str:
    """The URL of an unfinished main-frame navigation, or ""."""
    navigations = _watched.get(page)
    if navigations is None or not navigations.pending:
        return ""
    return next(reversed(navigations.pending.values()))


@dataclass(frozen=True)
class Settled:
    settled: bool  # navigation done and DOM quiet within the bounds
    waited_ms: int
    navigating: str = ""  # URL of a navigation still in progress
    loading: bool = False  # the document had not fired `load`
    changing: bool = False  # the DOM was still changing (or requests in flight) when the wait ended

    def note(self) -> str:
        """What the executor should know about the page's state, or ""."""
        if self.navigating:
            return (f"navigation to {self.navigating} still in progress after {self.waited_ms} ms "
                    "(the next observation waits for it)")
        if self.loading:
            return f"the page was still loading after {self.waited_ms} ms"
        if self.changing:
            return f"the page was still changing after {self.waited_ms} ms (use wait if content is missing)"
        return ""


async def _wait_navigation(page: Page, timeout_s: float) -> bool:
    navigations = _watched.get(page)
    if navigations is None or navigations.idle.is_set():
        return True
    try:
        await asyncio.wait_for(navigations.idle.wait(), max(0.0, timeout_s))
        return True
    except TimeoutError:
        return False


async def settle(page: Page, *, navigation_timeout_ms: int, quiet_ms: int = QUIET_MS,
                 settle_ms: int = SETTLE_MS, after_action: bool = True) -> Settled:
    """Wait for a pending navigation (up to `navigation_timeout_ms`) and then for a quiet DOM (up to
    `settle_ms`); `after_action=False` accepts quiet that began before the call (an observation right after an
    action that already settled costs one round trip). Never raises for a page that navigates or closes."""
    started = time.monotonic()

    def elapsed_ms() -> int:
        return int((time.monotonic() - started) * 1000)

    nav_deadline = started + navigation_timeout_ms / 1000
    quiet_deadline: float | None = None
    for _attempt in range(4):
        if not await _wait_navigation(page, nav_deadline - time.monotonic()):
            return Settled(False, elapsed_ms(), navigating=navigation_in_progress(page))
        try:
            remaining_ms = max(1, int((nav_deadline - time.monotonic()) * 1000))
            await page.wait_for_load_state("load", timeout=remaining_ms)
        except PlaywrightTimeout:
            return Settled(False, elapsed_ms(), loading=True)
        except PlaywrightError:
            return Settled(False, elapsed_ms())  # the page closed
        if quiet_deadline is None:
            quiet_deadline = time.monotonic() + settle_ms / 1000
        limit_ms = max(0, int((quiet_deadline - time.monotonic()) * 1000))
        try:
            result = await asyncio.wait_for(page.evaluate(_WAIT_QUIET, [quiet_ms, limit_ms, after_action]),
                                            limit_ms / 1000 + 2)
            if result is None:  # a document opened before the hooks were installed
                await page_hooks.ensure(page)
                continue
            return Settled(bool(result["settled"]), elapsed_ms(), changing=not result["settled"])
        except TimeoutError:
            return Settled(False, elapsed_ms(), changing=True)  # the page's own script is not yielding
        except PlaywrightError:
            continue  # the document was replaced while we waited (a navigation began): wait for it
    return Settled(False, elapsed_ms(), navigating=navigation_in_progress(page))
