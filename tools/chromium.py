"""Find and launch Debian's Chromium for Playwright (never a downloaded browser: none can be fetched here)."""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import re
import shutil
from pathlib import Path

import playwright as playwright_package
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

# Every browser context is a window to Chromium, and each window preloads the omnibox popup's WebUI pages in
# renderers of their own; after a navigation Chromium also starts a spare renderer, which a context other than the
# one it was made for cannot use. An agent never sees or uses either, and they tripled what an episode's context
# costs to open: about 1.1 CPU-s with its first page, 0.35 CPU-s without them (Chromium 156). With eight episodes
# at once on two cores that was the largest share of the CPU. Chromium ignores feature names it does not know.
UNUSED_FEATURES = ("WebUIOmniboxPopup", "WebUIOmniboxAimPopup", "WebUIOmniboxFullPopup",
                   "SpareRendererForSitePerProcess")

# Chromium keeps only the last --disable-features it is given, and Playwright passes its own list (features that
# break interception or reach Google at start-up), so ours must repeat Playwright's or it would switch those back
# on. Playwright does not expose the list; its driver's source states it as `disabledFeatures = [ ... ]`.
_PLAYWRIGHT_FEATURES = re.compile(r"disabledFeatures\s*=\s*\[(.*?)\]", re.DOTALL)
_FEATURE_NAME = re.compile(r"\"([A-Za-z0-9_]+)\"")

log = logging.getLogger(__name__)


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


@functools.cache
def playwright_disabled_features() -> tuple[str, ...] | None:
    """The features Playwright's driver disables when it launches Chromium, or None if its source does not say."""
    library = Path(playwright_package.__file__).parent / "driver" / "package" / "lib"
    for source in sorted(library.rglob("*.js"), key=lambda path: path.name != "coreBundle.js"):
        try:
            text = source.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        found = _PLAYWRIGHT_FEATURES.search(text)
        if found:
            code = "\n".join(line.split("//")[0] for line in found.group(1).splitlines())
            return tuple(_FEATURE_NAME.findall(code))
    return None


def launch_args() -> list[str]:
    """CHROMIUM_ARGS, plus Playwright's disabled features and ours in the one --disable-features Chromium keeps.
    When Playwright's list cannot be read, ours are left out: the browser then costs more CPU but behaves as
    Playwright expects."""
    theirs = playwright_disabled_features()
    if theirs is None:
        log.warning("could not read the features Playwright disables in Chromium; leaving %s enabled (each browser "
                    "context then costs about three times the CPU to open)", ", ".join(UNUSED_FEATURES))
        return list(CHROMIUM_ARGS)
    features = dict.fromkeys((*theirs, *UNUSED_FEATURES))
    return [*CHROMIUM_ARGS, f"--disable-features={','.join(features)}"]


async def launch_chromium(playwright: Playwright, *, headless: bool = True) -> Browser:
    # Looking the binary up and reading Playwright's source touch the file system: off the event loop (`langgraph
    # dev` rejects blocking calls).
    executable, args = await asyncio.to_thread(lambda: (chromium_executable(), launch_args()))
    return await playwright.chromium.launch(executable_path=executable, headless=headless, args=args)
