"""Episodes of one process share one Chromium, a browser context each: isolated from each other, relaunched
together when the browser crashes, and gone (browser and driver) once the last of them closes or a sweep ends."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Playwright

import tools.chromium
from bench.parallel import ProcessSample, measure, processes_below, sample_processes
from tests.support.processes import browsers, in_session, settle_count
from tools.chromium import CHROMIUM_ARGS, UNUSED_FEATURES, chromium_executable, launch_args
from tools.session import BrowserSettings, DomainPolicy, sessions

LOOPBACK = DomainPolicy(("127.0.0.1", "localhost"))


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


async def test_episodes_share_one_chromium_with_a_context_each(made) -> None:
    url = made.add("shared", "<title>Shared</title><p>one page</p>")
    async with sessions.hold():
        first = await sessions.open("shared-a", BrowserSettings(), LOOPBACK)
        second = await sessions.open("shared-b", BrowserSettings(), LOOPBACK)
        assert first.browser._impl_obj is second.browser._impl_obj  # one Chromium
        assert first.context is not second.context
        # LangChain's community tools act on contexts[0]: each episode's view lists its own context only
        assert first.browser.contexts == [first.context] and second.browser.contexts == [second.context]
        for session in (first, second):
            await session.load(session.page, url)
        await first.context.add_cookies([{"name": "who", "value": "a", "url": url}])
        assert [c["value"] for c in await first.context.cookies(url)] == ["a"]
        assert await second.context.cookies(url) == []  # nothing leaks between episodes
        browsers = sample_processes().browsers
        third = await sessions.open("shared-c", BrowserSettings(), LOOPBACK)
        await third.load(third.page, url)
        # a third episode adds a renderer or so, not a browser with its GPU, network and zygote processes
        assert sample_processes().browsers - browsers < 4
        await sessions.close("shared-a")
        assert second.alive and await second.page.title() == "Shared"  # closing one leaves the others alone
        await sessions.close("shared-b")
        await sessions.close("shared-c")


def _chromium_pids() -> set[int]:
    return {pid for pid, _name in browsers()}


def _chromium_command_lines(before: set[int]) -> list[list[str]]:
    """The command lines of the Chromium processes below this process that are not in `before`."""
    lines = []
    for pid in _chromium_pids() - before:
        try:
            raw = Path(f"/proc/{pid}/cmdline").read_text()
        except OSError:
            continue  # exited meanwhile
        # Chromium's child processes rewrite their command line as one space-separated string
        lines.append(raw.split("\0") if raw.count("\0") > 1 else raw.split())
    return lines


def _disabled_features(command_line: list[str]) -> set[str]:
    """What Chromium disables: it keeps only the last --disable-features it is given."""
    given = [arg.split("=", 1)[1] for arg in command_line if arg.startswith("--disable-features=")]
    return set(given[-1].split(",")) if given else set()


def _browser_process(lines: list[list[str]]) -> list[str]:
    (browser,) = [line for line in lines if not any(arg.startswith("--type=") for arg in line)]
    return browser


async def test_an_episode_costs_one_renderer_and_playwrights_own_feature_switches_stay(
        made, playwright: Playwright) -> None:
    """Chromium preloads the omnibox popup's WebUI in renderers of its own for every context and keeps a spare
    renderer no other context can use: switched off, each episode's context runs in one renderer. Chromium keeps
    only the last --disable-features, so ours must still carry every feature Playwright itself switches off."""
    url = made.add("renderers", "<title>One renderer</title><p>a page</p>")
    await sessions.close_all()
    before = _chromium_pids()  # the test session's own browser fixture, if an earlier test started it
    plain = await playwright.chromium.launch(executable_path=chromium_executable())  # Playwright's defaults only
    playwrights = _disabled_features(_browser_process(_chromium_command_lines(before)))
    await plain.close()
    before = _chromium_pids()
    assert playwrights, "Playwright no longer passes --disable-features: the merge in tools.chromium is moot"
    async with sessions.hold():
        opened = [await sessions.open(f"renderers-{n}", BrowserSettings(), LOOPBACK) for n in range(3)]
        for session in opened:
            await session.load(session.page, url)
            assert await session.page.title() == "One renderer"
        lines = _chromium_command_lines(before)
        assert playwrights | set(UNUSED_FEATURES) <= _disabled_features(_browser_process(lines))
        renderers = [line for line in lines if "--type=renderer" in line]
        assert len(renderers) == len(opened), [" ".join(line[:3]) for line in renderers]
        await sessions.close_all(stop_driver=False)


def test_when_playwrights_own_list_cannot_be_read_no_feature_switch_overrides_it(monkeypatch, caplog) -> None:
    monkeypatch.setattr(tools.chromium, "playwright_disabled_features", lambda: None)
    assert launch_args() == list(CHROMIUM_ARGS)
    assert not any(arg.startswith("--disable-features") for arg in launch_args())
    assert "could not read the features Playwright disables" in caplog.text


async def test_a_crashed_chromium_is_relaunched_for_each_of_its_episodes(made) -> None:
    url = made.add("crash", "<title>Again</title><p>after the crash</p>")
    async with sessions.hold():
        first = await sessions.open("crash-a", BrowserSettings(), LOOPBACK)
        await sessions.open("crash-b", BrowserSettings(), LOOPBACK)
        cdp = await first.browser.new_browser_cdp_session()
        try:
            await cdp.send("Browser.crash")
        except PlaywrightError:  # it died before answering: that is the point
            pass
        await asyncio.wait_for(_until_disconnected(first), 30)
        assert sessions.get("crash-a") is None and sessions.get("crash-b") is None  # both episodes see it
        again = await asyncio.gather(*(sessions.open(f"crash-{n}", BrowserSettings(), LOOPBACK) for n in "ab"))
        assert again[0].browser._impl_obj is again[1].browser._impl_obj  # one new Chromium for both
        assert again[0].browser.is_connected()
        for session in again:
            await session.load(session.page, url)
            assert await session.page.title() == "Again"
        await sessions.close_all(stop_driver=False)


async def _until_disconnected(session) -> None:
    while session.browser.is_connected():
        await asyncio.sleep(0.05)  # polling the browser's state, which the assertion after it checks


async def test_the_last_session_to_close_takes_chromium_and_the_driver_with_it(made) -> None:
    url = made.add("last", "<title>Last</title>")
    await sessions.close_all()
    baseline = processes_below()  # the test session's own browser fixture, if an earlier test started it
    session = await sessions.open("last-one", BrowserSettings(), LOOPBACK)
    await session.load(session.page, url)
    running = sample_processes(baseline=baseline)
    assert running.browsers >= 1 and running.drivers == 1
    await sessions.close("last-one")
    assert sessions.driver_pid() is None
    left = await asyncio.to_thread(_settled_sample, baseline)
    assert (left.browsers, left.drivers) == (0, 0)


def _settled_sample(baseline: frozenset[int]) -> ProcessSample:
    def count() -> int:
        sample = sample_processes(baseline=baseline)
        return sample.browsers + sample.drivers

    settle_count(count, 0)
    return sample_processes(baseline=baseline)


async def test_a_parallel_sweep_leaves_no_browser_or_driver_behind() -> None:
    def ours() -> set[int]:
        return {pid for pid in in_session(os.getsid(0)) if "chrom" in _comm(pid).lower() or
                _comm(pid).startswith("node")}

    await sessions.close_all()
    before = ours()
    report = await measure(episodes=3, latency_s=0.0)
    assert [a.workers for a in report.arms] == [1, 3]
    assert all(r.passed for arm in report.arms for r in arm.results), [r.error for a in report.arms for r in a.results]
    parallel = report.arms[1]
    assert parallel.peak.drivers == 1  # one driver for all three episodes
    assert (parallel.left.browsers, parallel.left.drivers) == (0, 0)
    new = await asyncio.to_thread(settle_count, lambda: len(ours() - before), 0)
    assert new == 0, ours() - before
