"""Serving: `langgraph dev` loads langgraph.json's graph, and langgraph_sdk runs a task through it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from langgraph_sdk import get_client

from tests.support.paths import REPO
from tests.support.ports import unused_port

INTENT = "Add Summit Hiking Boots to the cart and tell me the price"
SERVER_MAX_STEPS = 3  # set in the server's environment; runs that need more say so explicitly


def wait_for_ok(url: str, process: subprocess.Popen, log: Path, deadline_s: float = 180) -> None:
    """Poll /ok until the server answers; fail with its log if it exits or never comes up."""
    give_up = time.monotonic() + deadline_s
    while time.monotonic() < give_up:
        if process.poll() is not None:
            raise AssertionError(f"langgraph dev exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/ok", timeout=5).json().get("ok") is True:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)  # readiness polling, as the LangGraph docs advise; not a race being hidden
    raise AssertionError(f"langgraph dev did not answer /ok in {deadline_s}s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def dev_server(tmp_path_factory) -> Iterator[str]:
    """`langgraph dev` on a port checked to be free, with the offline settings; ready when /ok answers."""
    port = unused_port()
    env = {**os.environ, "LANGGRAPH_CLI_NO_ANALYTICS": "1", "LANGGRAPH_NO_VERSION_CHECK": "true",
           "PYTHONUNBUFFERED": "1", "PLAN_AND_ACT_MAX_STEPS": str(SERVER_MAX_STEPS)}
    for key in ("LANGSMITH_TRACING", "LANGCHAIN_TRACING_V2", "OPENAI_API_KEY"):
        env.pop(key, None)
    command = [str(Path(sys.executable).parent / "langgraph"), "dev", "--no-browser", "--no-reload",
               "--host", "127.0.0.1", "--port", str(port), "--config", str(REPO / "langgraph.json")]
    log = tmp_path_factory.mktemp("langgraph-dev") / "server.log"
    with log.open("w") as sink:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=sink, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_ok(url, process, log)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


async def test_run_a_task_through_the_langgraph_api(dev_server, outfitters, loopback_openai) -> None:
    url, shop = outfitters
    base_url, log = loopback_openai
    client = get_client(url=dev_server)
    assistants = await client.assistants.search(graph_id="plan_and_act")
    assert assistants, "langgraph.json's graph is not served"
    thread = await client.threads.create()
    settings = {"mode": "plan_and_act", "planner_model": "openai:loopback", "executor_model": "openai:loopback",
                "base_url": base_url, "max_steps": 30}
    final = await client.runs.wait(thread["thread_id"], "plan_and_act", input={"intent": INTENT, "start_url": url},
                                   config={"configurable": settings}, metadata={"task_id": "outfitters-1"})
    assert final["status"] == "done" and final["answer"] == "$129.00", final.get("stop_reason")
    assert shop.cart == ["summit-boots"]
    state = await client.threads.get_state(thread["thread_id"])
    assert state["next"] == [] and len(state["values"]["history"]) == 7
    assert state["values"]["usage"] == log.usage_by_role()  # the server's own checkpointer kept everything
    history = await client.threads.get_history(thread["thread_id"], limit=100)
    nodes = {node for h in history for node in h["next"]}
    assert {"observe", "planner", "executor", "replan"} <= nodes
    assert len(history) >= 1 + 1 + 7 * 2 + 6  # input + planner + (executor, observe) x 7 + 6 replans


async def test_settings_can_also_arrive_as_context(dev_server, outfitters, loopback_openai) -> None:
    url, _shop = outfitters
    base_url, log = loopback_openai
    client = get_client(url=dev_server)
    thread = await client.threads.create()
    final = await client.runs.wait(thread["thread_id"], "plan_and_act", input={"intent": INTENT, "start_url": url},
                                   context={"mode": "react", "executor_model": "openai:loopback",
                                            "base_url": base_url, "max_steps": 30})
    assert final["status"] == "done" and final["answer"] == "$129.00"
    assert {s.role for s in log.served} == {"executor"}  # react mode: no planner was asked


async def test_the_servers_environment_sets_defaults(dev_server, outfitters, loopback_openai) -> None:
    """PLAN_AND_ACT_MAX_STEPS in the server's environment reaches a run that does not set max_steps."""
    url, _shop = outfitters
    base_url, _log = loopback_openai
    client = get_client(url=dev_server)
    thread = await client.threads.create()
    final = await client.runs.wait(thread["thread_id"], "plan_and_act", input={"intent": INTENT, "start_url": url},
                                   context={"mode": "react", "executor_model": "openai:loopback",
                                            "base_url": base_url})
    assert final["stop_reason"] == f"reached max_steps={SERVER_MAX_STEPS} without the task being finished"
    assert len(final["history"]) == SERVER_MAX_STEPS


async def test_an_unknown_setting_is_rejected_with_its_name(dev_server, outfitters) -> None:
    url, _shop = outfitters
    client = get_client(url=dev_server)
    thread = await client.threads.create()
    run = await client.runs.create(thread["thread_id"], "plan_and_act", input={"intent": INTENT, "start_url": url},
                                   context={"mode": "react", "max_stpes": 4})
    await client.runs.join(thread["thread_id"], run["run_id"])
    finished = await client.runs.get(thread["thread_id"], run["run_id"])
    assert finished["status"] == "error"
    state = await client.threads.get(thread["thread_id"])
    assert "unknown setting 'max_stpes'" in str(state.get("error") or state)


async def test_a_plan_review_is_answered_with_command_resume(dev_server, outfitters, loopback_openai) -> None:
    """approve_plan through the LangGraph API: the run pauses with the plan as the interrupt value; a client
    approves, edits or rejects it with `command={"resume": ...}` (the run settings are given again: they are not
    checkpointed)."""
    url, shop = outfitters
    base_url, _log = loopback_openai
    client = get_client(url=dev_server)
    settings = {"mode": "plan_and_act", "planner_model": "openai:loopback", "executor_model": "openai:loopback",
                "base_url": base_url, "max_steps": 30, "approve_plan": "first"}

    async def paused_thread() -> tuple[str, dict]:
        thread = await client.threads.create()
        await client.runs.wait(thread["thread_id"], "plan_and_act", input={"intent": INTENT, "start_url": url},
                               context=settings)
        state = await client.threads.get_state(thread["thread_id"])
        assert state["next"] == ["approve"], state["next"]
        [pending] = state["interrupts"]
        return thread["thread_id"], pending["value"]

    approved, review = await paused_thread()
    assert review["type"] == "plan_review" and review["written_by"] == "planner" and review["version"] == 0
    assert review["plan"]["steps"][0]["instruction"] == "Open the catalog" and "## Step 1" in review["plan_text"]
    assert shop.cart == []  # nothing was done before the answer
    final = await client.runs.wait(approved, "plan_and_act", command={"resume": "approve"}, context=settings)
    assert final["status"] == "done" and final["answer"] == "$129.00" and shop.cart == ["summit-boots"]

    edited, _review = await paused_thread()
    plan = "## Step 1\nReasoning: a client wrote this\nStep: Find the boots and add them to the cart"
    final = await client.runs.wait(edited, "plan_and_act", command={"resume": {"decision": "edit", "plan": plan}},
                                   context=settings)
    assert [v.get("by") for v in final["plans"][:2]] == ["planner", "person"]
    assert final["history"][0]["plan_step"] == "Find the boots and add them to the cart"

    rejected, _review = await paused_thread()
    final = await client.runs.wait(rejected, "plan_and_act",
                                   command={"resume": {"decision": "reject", "reason": "not today"}}, context=settings)
    assert (final["status"], final["stop_reason"]) == ("stopped", "a person rejected the plan: not today")
    assert "history" not in final or final["history"] == []
