"""Find and launch Debian's Chromium for Playwright (never a downloaded browser: none can be fetched here)."""

from __future__ import annotations

import asyncio
import os
import shutil

from playwright.async_api import Browser, Playwright

# Without the background-networking flags Chromium tries to reach Google services at start-up, which on a
# closed network means a burst of refused connections and slower launches. WebRTC may only use a proxy (there is
# none), so a page cannot send data to another host over UDP, which no request route sees; no DNS is prefetched;
# and no crash handler process outlives a browser that was killed.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--mute-audio",
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
    "--dns-prefetch-disable",
    "--disable-crash-reporter",
    "--disable-breakpad",
)


class ChromiumNotFound(RuntimeError):
    """No Chromium binary: tells the user how to get one."""


def chromium_executable() -> str:
    """PLAN_AND_ACT_CHROMIUM if set, else the first Chromium/Chrome on PATH."""
    configured = os.environ.get("PLAN_AND_ACT_CHROMIUM")
    if configured:
        if not (os.path.isfile(configured) or shutil.which(configured)):
            raise ChromiumNotFound(f"PLAN_AND_ACT_CHROMIUM={configured!r} does not exist")
        return shutil.which(configured) or configured
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    raise ChromiumNotFound(
        "no Chromium found: install Debian's 'chromium' package (scripts/setup.sh does it) "
        "or set PLAN_AND_ACT_CHROMIUM to a Chrome/Chromium binary"
    )


async def launch_chromium(playwright: Playwright, *, headless: bool = True) -> Browser:
    # Looking the binary up touches the file system: off the event loop (`langgraph dev` rejects blocking calls).
    executable = await asyncio.to_thread(chromium_executable)
    return await playwright.chromium.launch(executable_path=executable, headless=headless, args=list(CHROMIUM_ARGS))
