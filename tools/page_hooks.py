"""The script every document of an episode gets before its own scripts run (see `page_hooks.js`).

It records click listeners (so script-made clickables are printed with an id) and page activity (so actions
wait for a settled page). Installed once per browser context; `ensure` adds it to a document that was opened
before (it then misses listeners added earlier, but still tracks activity from that moment).
"""

from __future__ import annotations

from importlib import resources

from playwright.async_api import BrowserContext, Frame, Page

SCRIPT = resources.files("tools").joinpath("page_hooks.js").read_text(encoding="utf-8")


async def install(context: BrowserContext) -> None:
    await context.add_init_script(SCRIPT)


async def ensure(target: Page | Frame) -> None:
    await target.evaluate(SCRIPT)
