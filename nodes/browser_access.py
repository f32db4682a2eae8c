"""Getting an episode's browser into the right place: first start, resume in a new process, and snapshots.

On resume only the URL survives (browser state is not checkpointed), so the page is reloaded there and the
form entries typed on it since it was loaded are typed again: a half-filled form is where the agent left it.
Clicks are not replayed: they may have had effects on the server that must not happen twice.
"""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from graph.context import Context
from graph.state import AgentState, Observation, StepRecord
from tools import secrets, tokens
from tools.actions import run_action
from tools.marks import marked_screenshot
from tools.observation import ObservationOptions, Snapshot, legend, snapshot
from tools.session import BrowserSession, BrowserSettings, DomainPolicy
from tools.settle import settle

log = logging.getLogger(__name__)
AND = " |AND| "
_REPLAYABLE = frozenset({"type", "select_option"})


class StartPageError(RuntimeError):
    """The start URL is malformed or does not load; the message says which and why."""


def start_urls(state: AgentState) -> list[str]:
    return [url.strip() for url in (state.get("start_url") or "").split(AND) if url.strip()]


def check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https", "file", "about", "data") or (
            parts.scheme in ("http", "https") and not parts.hostname):
        raise StartPageError(f"{url!r} is not a URL the browser can open (expected http://host/...)")


def domain_policy(state: AgentState) -> DomainPolicy:
    if state.get("allowed_domains"):
        return DomainPolicy(tuple(state["allowed_domains"]))
    return DomainPolicy.for_start_urls(start_urls(state))


def browser_settings(ctx: Context) -> BrowserSettings:
    return BrowserSettings(
        headless=ctx.headless, navigation_timeout_ms=ctx.navigation_timeout_ms,
        action_timeout_ms=ctx.action_timeout_ms, storage_state=ctx.storage_state or None, settle_ms=ctx.settle_ms)


def observation_options(ctx: Context) -> ObservationOptions:
    return ObservationOptions(viewport_only=ctx.viewport_only, token_budget=ctx.observation_tokens,
                              link_urls=ctx.link_urls)


async def open_start_pages(session: BrowserSession, urls: list[str]) -> None:
    """One tab per start URL (WebArena's ` |AND| `); the first tab is active."""
    if not urls:
        raise StartPageError("the task has no start_url")
    for url in urls:
        check_url(url)
        if not session.policy.allows(url):
            raise StartPageError(session.policy.refusal(url))
    for index, url in enumerate(urls):
        page = session.pages[0] if index == 0 else await session.context.new_page()
        try:
            await page.goto(url, wait_until="load")
        except PlaywrightError as exc:
            raise StartPageError(f"could not load the start page {url}: {str(exc).splitlines()[0]}") from exc
    session.active_index = 0
    session.drain_events()


async def restore(session: BrowserSession, state: AgentState, ctx: Context) -> None:
    """Bring a fresh browser back to the episode's last page and re-type what was typed on it."""
    observation = state.get("observation")
    url = observation["url"] if observation else (start_urls(state) or ["about:blank"])[0]
    try:
        await session.page.goto(url, wait_until="load")
    except PlaywrightError as exc:
        raise StartPageError(f"could not reload {url} to resume: {str(exc).splitlines()[0]}") from exc
    await snapshot(session.page, observation_options(ctx))  # ids first: the replayed actions use them
    for step in _typed_on_current_page(state.get("history", []), url):
        await run_action(session, step["action"], step["args"])
    session.drain_events()


def _typed_on_current_page(history: list[StepRecord], url: str) -> list[StepRecord]:
    trailing: list[StepRecord] = []
    for step in reversed(history):
        if step["url_after"] != url or step["url_before"] != url:
            break
        trailing.append(step)
    return [s for s in reversed(trailing) if s["action"] in _REPLAYABLE and s["ok"]]


IMAGES_DIR = Path(".plan_and_act") / "images"  # observation screenshots when no screenshots_dir is set


def observation_image_path(ctx: Context, episode_id: str, actions_taken: int) -> Path | None:
    """Where the set-of-marks screenshot of this observation goes: a file, referenced from state by its path, so no
    checkpoint or trace ever holds image bytes. None in text mode, unless `screenshots_dir` asks for pictures
    for reports (then the model still sees only text)."""
    if ctx.observation_mode == "text" and not ctx.screenshots_dir:
        return None
    return (Path(ctx.screenshots_dir or IMAGES_DIR) / episode_id / f"page-{actions_taken:03d}.png").absolute()


def page_picture_record(image_path: Path) -> Path:
    """The JSON beside an observation's picture: which file it is and where each element id was on it (CSS
    pixels), so the trajectory viewer can outline the element an action used."""
    return image_path.with_suffix(".json")


async def _picture(page: Page, ctx: Context, snap: Snapshot, image_path: Path) -> str:
    """Take the observation's picture and write its record; returns the picture the model sees ("" in text
    mode, where the picture is only for reports)."""
    for_model = ctx.observation_mode != "text"
    picture = await marked_screenshot(page, snap, image_path if for_model else image_path.with_suffix(".jpg"),
                                      marks=for_model)
    record = {"image": picture.name, "viewport": list(snap.viewport),
              "boxes": {str(element_id): list(box) for element_id, box in snap.boxes.items()}}
    await asyncio.to_thread(page_picture_record(image_path).write_text, json.dumps(record))
    return str(picture) if for_model else ""


async def observe_page(session: BrowserSession, ctx: Context, image_path: Path | None = None) -> Observation:
    """Snapshot the active tab (and, with `image_path`, a set-of-marks screenshot); a page caught mid-navigation
    is waited for and read again."""
    last_error = ""
    for _attempt in range(3):
        page = session.page
        # A navigation an action left in progress is waited for here, with the full page-load timeout.
        settled = await settle(page, navigation_timeout_ms=ctx.navigation_timeout_ms, settle_ms=ctx.settle_ms,
                               after_action=False)
        try:
            snap = await snapshot(page, observation_options(ctx))
            text, ids, count, screenshot = snap.text, snap.ids, snap.tokens, ""
            if image_path is not None:
                screenshot = await _picture(page, ctx, snap, image_path)
                if ctx.observation_mode == "screenshot":  # the image, and a legend of what its marks are
                    text, ids = legend(snap)
                    count = tokens.count(text)
            if settled.navigating:
                text = f"({settled.note()}; this is the page before it)\n{text}"
            # Redacted before it enters state (checkpointed, traced, reported), URL and tabs included.
            observation: Observation = {
                "url": snap.url, "title": snap.title, "text": text, "ids": ids, "tabs": await session.tabs(),
                "truncated": snap.truncated, "fingerprint": snap.fingerprint, "tokens": count,
                "screenshot": screenshot}
            return secrets.redact_value(observation)
        except PlaywrightError as exc:
            last_error = str(exc).splitlines()[0]
            log.debug("reading the page failed (%s); waiting for it to load and reading again", last_error)
            try:
                await page.wait_for_load_state("load", timeout=ctx.navigation_timeout_ms)
            except PlaywrightError as load_error:
                log.debug("the page did not finish loading: %s", str(load_error).splitlines()[0])
    url = session.page.url
    log.warning("the page at %s could not be read after 3 tries: %s", url, last_error)
    return {"url": url, "title": "", "text": f"(the page could not be read: {last_error})", "ids": [],
            "tabs": await session.tabs(), "truncated": False, "fingerprint": f"unreadable:{url}", "tokens": 0,
            "screenshot": ""}


async def save_screenshot(session: BrowserSession, ctx: Context, episode_id: str, index: int) -> str:
    """The picture of the page after action `index` (for reports): the one the observation after it took, so
    the page is photographed once per step."""
    image_path = observation_image_path(ctx, episode_id, index + 1) if ctx.screenshots_dir else None
    if image_path is None or not page_picture_record(image_path).exists():
        return ""  # no pictures asked for, or the page could not be read
    record = json.loads(page_picture_record(image_path).read_text())
    return str(image_path.with_name(record["image"]))
