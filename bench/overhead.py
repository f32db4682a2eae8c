"""What the framework costs per step, layer by layer, against a bare Playwright loop doing the same actions.

Every arm replays the same recorded actions (the oracle's, recorded from a graph episode of each task) on a fresh
copy of the same site, and every arm observes the page the same way after an action: wait for it to settle
(`tools.settle`, the page's own activity clock) and read it (`tools.observation.snapshot`). The arms add one layer
each, so the differences between consecutive arms are the costs of the layers:

  bare       plain Playwright: a context with the same viewport and login, `locator.click()`/`fill()`, settle,
             snapshot
  guard      the same on an episode's context: the network guard routing every request, the page hooks
  tools      the agent's action tools and observation (`run_action` + `observe_page`): element checks, the
             tool's own settling and reporting, tabs, fingerprint, redaction
  graph      the LangGraph graph (executor -> observe -> replan with the instant oracle model), no checkpointer
  graph+sqlite  the same with a SQLite checkpointer, every checkpoint written before the next node ("sync")

A graph step is timed between consecutive `observe` updates (the executor, the action with its observation and
the replan of one step); the first observation (browser start, start page) and the final `stop` are not steps.
The ratio that matters is graph+sqlite / bare.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import BrowserContext, Page, Playwright, async_playwright

from graph.checkpoint import open_checkpointer
from graph.context import Context
from harness.episode import EpisodeSetup, PolicyChoice, run_task
from nodes.browser_access import observation_options, observe_page, open_start_pages
from tools import page_hooks, settle
from tools.actions import _OPENS_NEW_TAB, _look_up, run_action
from tools.chromium import launch_chromium
from tools.domains import DomainPolicy
from tools.network_guard import NetworkGuard
from tools.observation import snapshot
from tools.page_scan import ID_ATTRIBUTE
from tools.session import BrowserSettings, sessions
from webenv.server import Environment, start_environment
from webenv.tasks.config import substitute
from webenv.tasks.suite import EmbeddedTask, load_suite

ARMS = ("bare", "guard", "tools", "graph", "graph+sqlite")
REPLAYED = frozenset({"click", "type"})  # what the bare loop can do with plain Playwright calls
TARGET_RATIO = 1.15


@dataclass
class OverheadReport:
    ms_per_step: dict[str, list[float]] = field(default_factory=lambda: {arm: [] for arm in ARMS})
    # ms to check a clicked element on a freshly loaded page: Playwright's calls, and the tools' one evaluate
    element_checks: dict[str, list[float]] = field(default_factory=lambda: {"playwright": [], "one evaluate": []})
    tasks: list[int] = field(default_factory=list)
    steps_per_run: int = 0  # actions replayed in one pass of every arm

    def median(self, arm: str) -> float:
        return statistics.median(self.ms_per_step[arm]) if self.ms_per_step[arm] else float("nan")

    @property
    def ratio(self) -> float:
        return self.median("graph+sqlite") / self.median("bare")


def replayable_tasks(limit: int) -> list[EmbeddedTask]:
    """Single-site tasks whose reference actions are clicks and typing only (then `stop`), at least two of them."""
    chosen = []
    for task in load_suite():
        actions = [a.action for a in task.solution.actions]
        if len(task.sites) == 1 and len(actions) >= 3 and actions[-1] == "stop" and set(actions[:-1]) <= REPLAYED:
            chosen.append(task)
        if len(chosen) >= limit:
            break
    return chosen


Recorded = list[tuple[str, dict[str, Any]]]


async def _graph_run(env: Environment, task: EmbeddedTask, checkpointer: Any = None) -> tuple[Recorded, list[float]]:
    """One oracle episode through the graph: its actions and the ms of each step."""
    policy = PolicyChoice("oracle")
    models = policy.model_settings(task, env.placeholders, f"overhead-{task.task_id}")
    setup = EpisodeSetup(config=task.config, placeholders=env.placeholders, storage_state=_storage_file(env, task),
                         model_settings=models, policy_label=policy.label)
    seen: list[float] = []

    def on_update(node: str, _values: dict[str, Any]) -> None:
        if node == "observe":
            seen.append(time.perf_counter())

    result = await run_task(setup, Context(mode="plan_and_act"), on_update=on_update, checkpointer=checkpointer)
    actions = [(a["action"], dict(a["args"])) for a in result.actions if a["action"] != "stop"]
    # observe updates: the first look, one per action, and the stop's: the steps are the gaps between the first
    # look and the last action's observation.
    marks = seen[:len(actions) + 1]
    return actions, [(b - a) * 1000 for a, b in zip(marks, marks[1:], strict=False)]


def _storage_file(env: Environment, task: EmbeddedTask) -> str:
    storage = _storage(env, task)
    if storage is None:
        return ""
    path = env.workdir / "overhead-storage-state.json"
    path.write_text(json.dumps(storage))
    return str(path)


def _storage(env: Environment, task: EmbeddedTask) -> dict[str, Any] | None:
    """The task's login (as `harness.episode` gives the graph), for the arms that open their own browser."""
    sites = [s for s in task.sites if any(spec.name == s and spec.login for spec in env.specs)]
    return env.storage_state(sites) if task.config.require_login and sites else None


async def _bare_action(page: Page, name: str, args: dict[str, Any]) -> None:
    element = page.locator(f'[{ID_ATTRIBUTE}="{int(args["id"])}"]').first
    if name == "click":
        await element.click(no_wait_after=True)
    else:
        await element.fill(str(args["text"]))
        if args.get("press_enter"):
            await element.press("Enter", no_wait_after=True)


async def _loop(page: Page, actions: Recorded, act: Callable[[str, dict[str, Any]], Awaitable[Any]],
                look: Callable[[], Awaitable[Any]]) -> list[float]:
    """ms per step of a loop that acts and then looks, after a first look (which sets the page's ids)."""
    await look()
    timings = []
    for name, args in actions:
        started = time.perf_counter()
        await act(name, args)
        await look()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


async def _playwright_run(pw: Playwright, env: Environment, task: EmbeddedTask, actions: Recorded, *,
                          guarded: bool) -> list[float]:
    browser = await launch_chromium(pw)
    settings = BrowserSettings()
    try:
        context: BrowserContext = await browser.new_context(
            viewport={"width": settings.viewport_width, "height": settings.viewport_height},
            storage_state=_storage(env, task))  # type: ignore[arg-type]
        await page_hooks.install(context)  # the settling clock lives in the page: the same wait in every arm
        if guarded:
            await NetworkGuard(_policy(env, task), report=lambda _event: None).attach(context)
        page = await context.new_page()
        settle.watch(page)
        await page.goto(_start_url(env, task), wait_until="load")
        options = observation_options(Context())

        async def look() -> None:
            await settle.settle(page, navigation_timeout_ms=settings.navigation_timeout_ms)
            await snapshot(page, options)

        return await _loop(page, actions, lambda name, args: _bare_action(page, name, args), look)
    finally:
        await browser.close()


def _start_url(env: Environment, task: EmbeddedTask) -> str:
    return substitute(task.config.start_url, env.placeholders)


def _policy(env: Environment, task: EmbeddedTask) -> DomainPolicy:
    return DomainPolicy((urlsplit(_start_url(env, task)).hostname or "127.0.0.1",))


async def _element_checks(pw: Playwright, env: Environment, task: EmbeddedTask, actions: Recorded,
                          report: OverheadReport) -> None:
    """The click's element checks (exists, visible, opens a new tab?) on the freshly loaded start page, done with
    Playwright's `count()`, `is_visible()` and `locator.evaluate` (as the tools did before) and with the tools' one
    plain `evaluate` (`tools.actions._look_up`)."""
    clicked = next((int(args["id"]) for name, args in actions if name == "click"), None)
    if clicked is None:
        return
    browser = await launch_chromium(pw)
    try:
        context = await browser.new_context(storage_state=_storage(env, task))  # type: ignore[arg-type]
        page = await context.new_page()
        for way in report.element_checks:
            await page.goto(_start_url(env, task), wait_until="load")
            await snapshot(page)  # numbers the elements, as an observation does
            selector = f'[{ID_ATTRIBUTE}="{clicked}"]'
            started = time.perf_counter()
            if way == "playwright":
                locator = page.main_frame.locator(selector)
                if await locator.count() and await locator.first.is_visible():
                    await locator.first.evaluate(_OPENS_NEW_TAB)
            else:
                await _look_up(page.main_frame, selector, _OPENS_NEW_TAB)
            report.element_checks[way].append((time.perf_counter() - started) * 1000)
    finally:
        await browser.close()


async def _tools_run(env: Environment, task: EmbeddedTask, actions: Recorded) -> list[float]:
    ctx = Context()
    session = await sessions.open(f"overhead-tools-{task.task_id}",
                                  BrowserSettings(storage_state=_storage(env, task)), _policy(env, task))
    try:
        await open_start_pages(session, [_start_url(env, task)])

        async def act(name: str, args: dict[str, Any]) -> None:
            await run_action(session, name, args)

        return await _loop(session.page, actions, act, lambda: observe_page(session, ctx))
    finally:
        await sessions.close(f"overhead-tools-{task.task_id}")


async def measure(steps: int = 30, *, on_pass: Callable[[], None] | None = None) -> OverheadReport:
    """Replay tasks until every arm has timed at least `steps` steps (arms interleaved, a fresh site each run)."""
    report = OverheadReport()
    tasks = replayable_tasks(limit=8)
    if not tasks:
        raise RuntimeError("no task with click/type-only reference actions in the suite")
    sites = sorted({s for t in tasks for s in t.sites})
    env = await asyncio.to_thread(start_environment, sites)
    recorded: dict[int, Recorded] = {}
    try:
        async with sessions.hold(), async_playwright() as pw:
            with tempfile.TemporaryDirectory(prefix="overhead-") as scratch:
                index = 0
                while min(len(v) for v in report.ms_per_step.values()) < steps:
                    task = tasks[index % len(tasks)]
                    index += 1
                    await asyncio.to_thread(env.reset)
                    if task.task_id not in recorded:  # the recording run warms the site's caches; not timed
                        recorded[task.task_id], _ = await _graph_run(env, task)
                        report.tasks.append(int(task.task_id))
                        await asyncio.to_thread(env.reset)
                    actions = recorded[task.task_id]
                    order = list(ARMS[index % len(ARMS):] + ARMS[:index % len(ARMS)])  # no arm always first
                    for arm in order:
                        database = Path(scratch) / f"{index}.sqlite"
                        report.ms_per_step[arm].extend(await _run_arm(arm, pw, env, task, actions, database))
                        await asyncio.to_thread(env.reset)
                    report.steps_per_run = len(actions)
                    await _element_checks(pw, env, task, actions, report)
                    if on_pass is not None:
                        on_pass()
    finally:
        await sessions.close_all()
        await asyncio.to_thread(env.stop)
    return report


async def _run_arm(arm: str, pw: Playwright, env: Environment, task: EmbeddedTask, actions: Recorded,
                   database: Path) -> list[float]:
    if arm in ("bare", "guard"):
        return await _playwright_run(pw, env, task, actions, guarded=arm == "guard")
    if arm == "tools":
        return await _tools_run(env, task, actions)
    return await _graph_steps(env, task, actions, database if arm == "graph+sqlite" else None)


async def _graph_steps(env: Environment, task: EmbeddedTask, actions: Recorded, database: Path | None = None
                       ) -> list[float]:
    if database is None:
        replayed, timings = await _graph_run(env, task)
    else:
        async with open_checkpointer(database) as checkpointer:
            replayed, timings = await _graph_run(env, task, checkpointer)
    if replayed != actions:
        raise RuntimeError(f"task {task.task_id}: the oracle took other actions than when recorded "
                           f"({replayed} vs {actions}); the arms would not compare like with like")
    return timings


def overhead_report(report: OverheadReport, load: Sequence[float]) -> str:
    bare = report.median("bare")
    lines = [f"Per step: one action and the observation after it ({sum(len(v) for v in report.ms_per_step.values())}"
             f" steps timed over tasks {', '.join(map(str, report.tasks))}; load average "
             f"{' '.join(f'{x:.2f}' for x in load)} on 2 cores).", "",
             "| arm | median ms / step | p90 ms | vs bare | this layer adds (ms) |", "|---|---:|---:|---:|---:|"]
    previous = None
    for arm in ARMS:
        values = sorted(report.ms_per_step[arm])
        median = report.median(arm)
        p90 = values[min(len(values) - 1, int(0.9 * (len(values) - 1)))] if values else float("nan")
        added = "" if previous is None else f"{median - previous:+.0f}"
        lines.append(f"| {arm} | {median:.0f} | {p90:.0f} | {median / bare:.2f}x | {added} |")
        previous = median
    checks = report.element_checks
    if all(checks.values()):
        lines += ["", "A click's element checks on a freshly loaded page (median ms): Playwright's `count()` + "
                      f"`is_visible()` + `locator.evaluate` {statistics.median(checks['playwright']):.0f}, "
                      f"the tools' one `evaluate` {statistics.median(checks['one evaluate']):.0f} "
                      f"({len(checks['playwright'])} pages each)."]
    verdict = "meets" if report.ratio <= TARGET_RATIO else "misses"
    lines += ["", f"Framework overhead: graph+sqlite / bare = **{report.ratio:.2f}x** "
                  f"({report.median('graph+sqlite') - bare:.0f} ms per step); it {verdict} the {TARGET_RATIO:.2f}x "
                  "target."]
    return "\n".join(lines)
