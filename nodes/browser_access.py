"""Getting an episode's browser into the right place: first start, resume in a new process, and snapshots.

On resume only the URL survives (browser state is not checkpointed), so the page is reloaded there and the
form entries typed on it since it was loaded are typed again: a half-filled form is where the agent left it.
Clicks are not replayed: they may have had effects on the server that must not happen twice (an action the
episode did not see finish is settled by `nodes.action_journal`).
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
from nodes.page_elements import carry_over
from tools import secrets, tokens
from tools.actions import run_action
from tools.domains import DomainPolicy
from tools.marks import marked_screenshot
from tools.observation import ObservationOptions, Snapshot, legend, snapshot
from tools.session import BrowserSession, BrowserSettings, sessions
from tools.settle import settle
from tools.vocabulary import format_action

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


def secret_domains(ctx: Context, state: AgentState) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Where each configured secret may be typed: the user's `secret_domains`, else the start URLs' own origins
    (a password for the shop is typed on the shop, not on whatever site a page links to)."""
    given = ctx.secret_domain_entries()
    default = DomainPolicy.for_origins(start_urls(state)).allowed
    return tuple((name, given.get(name, default)) for name in secrets.secret_names())


def browser_settings(ctx: Context, state: AgentState | None = None) -> BrowserSettings:
    return BrowserSettings(
        headless=ctx.headless, navigation_timeout_ms=ctx.navigation_timeout_ms,
        action_timeout_ms=ctx.action_timeout_ms, storage_state=ctx.storage_state or None, settle_ms=ctx.settle_ms,
        block_offsite_requests=ctx.block_offsite_requests, subresource_domains=tuple(ctx.subresource_domains),
        downloads_dir=ctx.downloads_dir, secret_domains=secret_domains(ctx, state or {}))


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
        refused = session.guard.refused
        try:
            await session.load(page, url)  # a start page may redirect (e.g. "/" to a dashboard)
        except PlaywrightError as exc:
            raise StartPageError(f"could not load the start page {url}: {str(exc).splitlines()[0]}") from exc
        if session.guard.refused > refused:
            raise StartPageError(f"could not load the start page {url}: {'; '.join(session.drain_events())}")
    session.active_index = 0
    session.drain_events()


async def restore(session: BrowserSession, state: AgentState, ctx: Context, url: str = "",
                  image_path: Path | None = None) -> tuple[Observation, list[str]]:
    """Bring a fresh browser back to the episode's last page (or `url`) and re-type what was typed on it.

    Returns the page as it now is and what could not be restored. A field typed into is found again by its role
    and name, not its old id: the reloaded page is numbered afresh."""
    observation = state.get("observation")
    last = observation["url"] if observation else (start_urls(state) or ["about:blank"])[0]
    target = url or last
    try:
        await session.load(session.page, target)
    except PlaywrightError as exc:
        raise StartPageError(f"could not reload {target} to resume: {str(exc).splitlines()[0]}") from exc
    seen = await observe_page(session, ctx, image_path)
    lost: list[str] = []
    if target == last:
        for step in _typed_on_current_page(state.get("history", []), last):
            element_id, problem = carry_over(int(step["args"]["id"]), step["page"]["text"], seen["text"])
            if element_id is None:
                lost.append(f"{format_action(step['action'], step['args'])} could not be redone after the restart: "
                            f"{problem}")
                continue
            await run_action(session, step["action"], {**step["args"], "id": element_id})
        session.drain_events()
        if state.get("history"):
            seen = await observe_page(session, ctx, image_path)
    return seen, lost


async def reopen_last_page(state: AgentState, ctx: Context, episode_id: str) -> BrowserSession:
    """A browser on the page a finished episode ended on, for whoever judges it. An episode resumed in a new
    process after its last browser action (killed once `stop` was chosen, or after the last checkpoint) ends
    without opening a browser, yet evaluators read the agent's own last page: bring it back exactly as a resume
    would — same settings, domain policy and re-typed fields."""
    session = await sessions.open(episode_id, browser_settings(ctx, state), domain_policy(state))
    await restore(session, state, ctx)
    return session


def _typed_on_current_page(history: list[StepRecord], url: str) -> list[StepRecord]:
    """Form entries made on the current page since it was loaded (Enter was not pressed: that submitted)."""
    trailing: list[StepRecord] = []
    for step in reversed(history):
        if step["url_after"] != url or step["url_before"] != url:
            break
        trailing.append(step)
    return [s for s in reversed(trailing) if s["action"] in _REPLAYABLE and s["ok"]
            and not s["args"].get("press_enter") and "id" in s["args"]]


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


async def _look(page: Page, ctx: Context, image_path: Path | None) -> tuple[Snapshot, str]:
    """The page's snapshot and, with `image_path`, its picture (see `_picture`)."""
    snap = await snapshot(page, observation_options(ctx))
    if image_path is None:
        return snap, ""
    return snap, await _picture(page, ctx, snap, image_path)


async def observe_page(session: BrowserSession, ctx: Context, image_path: Path | None = None) -> Observation:
    """Snapshot the active tab (and, with `image_path`, a set-of-marks screenshot); a page caught mid-navigation
    is waited for and read again, and a page whose scripts keep the browser busy is stopped instead of waited on
    forever."""
    last_error = ""
    notes: list[str] = []
    for _attempt in range(3):
        page = session.page
        # A navigation an action left in progress is waited for here, with the full page-load timeout.
        settled = await settle(page, navigation_timeout_ms=ctx.navigation_timeout_ms, settle_ms=ctx.settle_ms,
                               after_action=False)
        try:
            snap, screenshot = await asyncio.wait_for(_look(page, ctx, image_path), ctx.page_timeout_ms / 1000)
            text, ids, count = snap.text, snap.ids, snap.tokens
            if image_path is not None and ctx.observation_mode == "screenshot":  # the image, and a legend of its marks
                text, ids = legend(snap)
                count = tokens.count(text)
            if settled.navigating:
                text = f"({settled.note()}; this is the page before it)\n{text}"
            text = "\n".join([*(f"({note})" for note in notes), text])
            # Redacted before it enters state (checkpointed, traced, reported), URL and tabs included.
            observation: Observation = {
                "url": snap.url, "title": snap.title, "text": text, "ids": ids, "tabs": await session.tabs(),
                "truncated": snap.truncated, "fingerprint": snap.fingerprint, "tokens": count,
                "screenshot": screenshot}
            return secrets.redact_value(observation)
        except TimeoutError:
            done = await session.unfreeze(page)
            last_error = f"the page did not answer within {ctx.page_timeout_ms} ms"
            notes.append(f"{last_error}: a script kept it busy; {done}")
        except PlaywrightError as exc:
            last_error = str(exc).splitlines()[0]
            log.debug("reading the page failed (%s); waiting for it to load and reading again", last_error)
            try:
                await page.wait_for_load_state("load", timeout=ctx.navigation_timeout_ms)
            except PlaywrightError as load_error:
                log.debug("the page did not finish loading: %s", str(load_error).splitlines()[0])
    url = session.page.url
    log.warning("the page at %s could not be read after 3 tries: %s", url, last_error)
    unread: Observation = {
        "url": url, "title": "", "text": f"(the page could not be read: {last_error})", "ids": [],
        "tabs": await session.tabs(), "truncated": False, "fingerprint": f"unreadable:{url}", "tokens": 0,
        "screenshot": ""}
    return secrets.redact_value(unread)


async def save_screenshot(session: BrowserSession, ctx: Context, episode_id: str, index: int) -> str:
    """The picture of the page after action `index` (for reports): the one the observation after it took, so the
    page is photographed once per step; when that observation took none (the page could not be read), one taken
    now. Either way every field or text that shows a secret — and every password field — is painted over."""
    if not ctx.screenshots_dir:
        return ""
    image_path = observation_image_path(ctx, episode_id, index + 1)
    if image_path is not None and page_picture_record(image_path).exists():
        record = json.loads(page_picture_record(image_path).read_text())
        return str(image_path.with_name(record["image"]))
    path = Path(ctx.screenshots_dir) / episode_id / f"step-{index:03d}.jpg"
    page = session.page
    try:
        mask = await secrets.mask_locators(page)
        image = await page.screenshot(type="jpeg", quality=70, mask=mask, mask_color="#202020")
        await secrets.unmask(page)
    except PlaywrightError:
        return ""

    def write() -> None:  # file I/O off the event loop
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(image)

    await asyncio.to_thread(write)
    return str(path)
