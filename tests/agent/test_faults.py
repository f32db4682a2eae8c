"""Faults end an action with a stated reason and the episode goes on: Chromium or its driver killed mid-action (a
new browser at the last page), a page whose script never stops (stopped, within a bound), a download (reported,
kept when asked). Runs leave no process behind, also across repeated event loops."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from playwright.async_api import Error as PlaywrightError

from graph.runs import stream_run, task_input
from policies.scripted import ScriptedChatModel, tool_call
from tests.agent.graph_helpers import scripted_context
from tests.support.paths import REPO
from tests.support.scripting import on
from tools.session import sessions

INTENT = "Add Summit Hiking Boots to the cart and tell me the price"


async def _kill_when_held(shop, kill) -> None:
    """Once the episode's browser is waiting for the held results page, kill what `kill` kills."""
    await asyncio.to_thread(shop.results_gate.reached.wait, 120)
    await kill()  # the results page stays held: its answer must not race the recovery (the fixture opens it)


async def _episode_with_a_kill(url: str, shop, kill) -> dict:
    shop.results_gate.close()
    executor = ScriptedChatModel(script=[on("link", "Catalog"), on("button", "Search"), on("link", "Home"),
                                         tool_call("stop", answer="done")])
    context = scripted_context("react", executor=executor)
    killer = asyncio.ensure_future(_kill_when_held(shop, kill))
    run = await stream_run(task_input("Search", url), context)
    await killer
    return run.state


async def test_chromium_killed_mid_action_is_replaced_and_the_episode_goes_on(outfitters) -> None:
    url, shop = outfitters

    async def crash_chromium() -> None:
        session = next(iter(sessions._sessions.values()))
        cdp = await session.browser.new_browser_cdp_session()
        try:
            await cdp.send("Browser.crash")
        except PlaywrightError:  # the browser died before it could answer: that is the point
            pass

    state = await _episode_with_a_kill(url, shop, crash_chromium)
    search = state["history"][1]
    assert not search["ok"] and search["result"].startswith("error: the browser crashed while click("), search
    assert "may or may not have taken effect" in search["result"]  # the search request was sent, never answered
    assert search["url_after"] == f"{url}/catalog"  # a new browser, where the episode was
    assert state["status"] == "done" and state["history"][2]["ok"]  # and the episode went on


async def test_the_driver_killed_mid_action_is_replaced_and_the_episode_goes_on(outfitters) -> None:
    url, shop = outfitters
    before = sessions.driver_pid()

    async def kill_driver() -> None:
        pid = sessions.driver_pid()
        assert pid is not None
        os.kill(pid, signal.SIGKILL)

    state = await _episode_with_a_kill(url, shop, kill_driver)
    search = state["history"][1]
    assert not search["ok"] and "crashed" in search["result"] and search["url_after"] == f"{url}/catalog"
    assert state["status"] == "done" and state["history"][2]["ok"]
    assert sessions.driver_pid() in (None,) or sessions.driver_pid() != before


async def test_a_page_stuck_in_a_script_is_stopped_within_bounds(outfitters) -> None:
    url, _shop = outfitters
    executor = ScriptedChatModel(script=[on("button", "Spin forever"), tool_call("stop", answer="done")])
    context = scripted_context("react", executor=executor, action_timeout_ms=2000, page_timeout_ms=3000)
    started = time.monotonic()
    run = await stream_run(task_input("Spin", f"{url}/busy"), context)
    assert time.monotonic() - started < 90  # it used to hang for minutes
    spin = run.state["history"][0]
    assert not spin["ok"] and "timed out" in spin["result"]
    assert "a script kept it busy; its scripts were stopped" in spin["page"]["text"] or \
        "a script kept it busy" in run.state["observation"]["text"] or "busy" in spin["result"]
    assert run.state["status"] == "done"


async def test_downloads_are_reported_and_kept_when_asked(outfitters, tmp_path: Path) -> None:
    url, _shop = outfitters
    executor = ScriptedChatModel(script=[on("link", "Download the price list"), tool_call("stop", answer="done")])
    context = scripted_context("react", executor=executor, downloads_dir=str(tmp_path))
    run = await stream_run(task_input("Download", f"{url}/files"), context)
    result = run.state["history"][0]["result"]
    assert "downloaded 'prices.csv' (" in result and f"saved as {tmp_path / 'prices.csv'}" in result
    assert (tmp_path / "prices.csv").read_text().startswith("name,price\nSummit Hiking Boots,129.00")


async def test_a_huge_page_keeps_only_the_ids_it_shows(outfitters) -> None:
    url, _shop = outfitters
    executor = ScriptedChatModel(script=[tool_call("stop", answer="done")])
    context = scripted_context("react", executor=executor, navigation_timeout_ms=120_000, page_timeout_ms=120_000)
    run = await stream_run(task_input("Look", f"{url}/huge"), context)
    assert "observation" in run.state, run.state.get("stop_reason")
    observation = run.state["observation"]
    shown = [int(i) for i in re.findall(r"\[(\d+)\]", observation["text"])]
    assert observation["truncated"] and 0 < len(observation["ids"]) < 2_000  # 20,000 elements on the page
    assert observation["ids"] == shown  # state keeps exactly the ids the model was shown


def test_repeated_event_loops_and_no_process_left(outfitters, loopback_openai) -> None:
    """`asyncio.run(run_episode(...))` twice in one process with the real langchain-openai client (its cached
    clients must not stay bound to the first, closed loop: "Event loop is closed"), and after each run no
    Playwright driver or browser is left running."""
    url, _shop = outfitters
    base_url, log = loopback_openai
    script = f"""
import asyncio, json
from graph.context import Context
from graph.runs import run_episode
from tests.support.processes import browsers, drivers
context = Context(mode="react", executor_model="openai:loopback", base_url={base_url!r}, max_steps=30)
counts = []
for _ in range(2):
    state = asyncio.run(run_episode({INTENT!r}, {url!r}, context))
    counts.append([state["status"], state["answer"], len(drivers()), len(browsers())])
print(json.dumps(counts))
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, text=True, capture_output=True, timeout=600)
    assert done.returncode == 0, done.stderr
    first, second = json.loads(done.stdout.strip().splitlines()[-1])
    assert first == second and first[0] == "done" and "129" in first[1]
    assert first[2:] == [0, 0]  # no driver, no browser left after either run
    assert len(log.served) >= 2 * 3  # both episodes really asked the model
