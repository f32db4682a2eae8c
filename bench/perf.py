"""Speed and size measurements: environment start-up, observation latency and size per site, and the graph's
own overhead per step (the oracle spends no time thinking, so its episodes time the machinery alone)."""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass

from playwright.async_api import async_playwright

from harness.episode import PolicyChoice, run_embedded_task
from tools.chromium import launch_chromium
from tools.observation import ObservationOptions, snapshot
from tools.session import sessions
from webenv.server import start_environment
from webenv.sites import all_specs
from webenv.tasks.suite import load_suite

# (site, path) pages an agent meets often (listings, detail pages, forms), as each site's spec names them.
PAGES = tuple((spec.name, path) for spec in all_specs() for path in spec.perf_pages)


@dataclass(frozen=True)
class PageStats:
    site: str
    path: str
    median_ms: float
    p95_ms: float
    tokens_full: int
    tokens_viewport: int
    elements: int


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def observation_stats(repeats: int = 15) -> tuple[float, list[PageStats]]:
    """(seconds to start all five sites, per-page observation timings and sizes)."""
    started = time.perf_counter()
    env = await asyncio.to_thread(start_environment)
    start_seconds = time.perf_counter() - started
    stats: list[PageStats] = []
    try:
        async with async_playwright() as pw:
            browser = await launch_chromium(pw)
            sites = sorted({site for site, _ in PAGES} & {s.name for s in env.specs if s.login})
            context = await browser.new_context(viewport={"width": 1280, "height": 720},
                                                storage_state=await asyncio.to_thread(env.storage_state, sites))
            page = await context.new_page()
            for site, path in PAGES:
                await page.goto(env.urls[site] + path)
                timings = []
                for _ in range(repeats):
                    begin = time.perf_counter()
                    full = await snapshot(page)
                    timings.append((time.perf_counter() - begin) * 1000)
                viewport = await snapshot(page, ObservationOptions(viewport_only=True))
                stats.append(PageStats(site, path, statistics.median(timings), _pct(timings, 0.95), full.tokens,
                                       viewport.tokens, len(full.ids)))
            await browser.close()
    finally:
        await asyncio.to_thread(env.stop)
    return start_seconds, stats


async def step_overhead(count: int = 12) -> tuple[float, float, int]:
    """(median seconds per step, median seconds per episode, steps measured) of oracle episodes."""
    tasks = [t for t in load_suite() if t.group != "multi"][:: max(1, len(load_suite()) // count)][:count]
    per_step, per_episode, steps = [], [], 0
    try:
        for task in tasks:
            result = await run_embedded_task(task, PolicyChoice("oracle"))
            per_step.append(result.seconds / max(1, result.steps))
            per_episode.append(result.seconds)
            steps += result.steps
    finally:
        await sessions.close_all()
    return statistics.median(per_step), statistics.median(per_episode), steps


def perf_report(start_seconds: float, pages: list[PageStats], step: tuple[float, float, int]) -> str:
    lines = [f"Starting all five sites (fresh database copies, 5 servers): {start_seconds:.2f} s.", "",
             "| page | observation median ms | p95 ms | tokens (full page) | tokens (viewport) | ids |",
             "|---|---:|---:|---:|---:|---:|"]
    lines += [f"| {p.site} `{p.path[:60]}` | {p.median_ms:.0f} | {p.p95_ms:.0f} | {p.tokens_full} | "
              f"{p.tokens_viewport} | {p.elements} |" for p in pages]
    per_step, per_episode, steps = step
    lines += ["", f"Oracle episodes (no model time; environment start, browser launch, every node, evaluation): "
                  f"median {per_step:.2f} s per step, {per_episode:.1f} s per episode ({steps} steps measured)."]
    return "\n".join(lines)
