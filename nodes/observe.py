"""The observe node: carry out the pending action in the browser, record it, and look at the page again.

It is also where an episode starts (open the start URLs) and where a resumed episode gets its browser back,
and where the budgets, the loop rule and the end of the episode are enforced.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from langgraph.config import get_config
from langgraph.runtime import Runtime

from graph.context import Context, settings
from graph.state import AgentState, StepRecord, ToolCall
from nodes.browser_access import (
    StartPageError,
    browser_settings,
    domain_policy,
    observation_image_path,
    observe_page,
    open_start_pages,
    restore,
    save_screenshot,
    start_urls,
)
from nodes.guards import judge_step
from nodes.toolset import tools_by_name
from tools import secrets
from tools.actions import ERROR_PREFIX, STOP, run_action
from tools.session import BrowserSession, sessions

# Set in a run's `configurable` by `graph.runs` (not a user setting): the run loop owns the browser's end.
KEEP_BROWSER = "plan_and_act_keep_browser"


def _step_record(state: AgentState, call: ToolCall, result: str, url_after: str, fingerprint_after: str,
                 started: float) -> StepRecord:
    observation: dict[str, Any] = dict(state.get("observation") or {})
    plan = state.get("plan")
    return {
        "index": len(state.get("history", [])),
        "action": call["name"],
        "args": call["args"],
        "result": result,
        "ok": not result.startswith(ERROR_PREFIX),
        "url_before": observation.get("url", ""),
        "url_after": url_after,
        "page_changed": fingerprint_after != observation.get("fingerprint"),
        "plan_step": plan["steps"][0]["instruction"] if plan and plan["steps"] else "",
        "plan_version": len(state.get("plans", [])) - 1 if plan else -1,
        "page": {"url": observation.get("url", ""), "title": observation.get("title", ""),
                 "text": observation.get("text", ""), "tabs": list(observation.get("tabs", []))},
        "feedback": list(state.get("feedback", [])),
        "reasoning": state.get("executor_reasoning", ""),
        "started_at": started,
        "duration_ms": int((time.time() - started) * 1000),
        "screenshot": "",
    }


async def _end(episode_id: str, keep_browser: bool, update: dict[str, Any]) -> dict[str, Any]:
    """The episode is over: close its browser, unless the caller runs the graph through `graph.runs`, which
    closes it itself after its `inspect` hook has looked at the final page (evaluators read it)."""
    if not keep_browser:
        await sessions.close(episode_id)
    return update


async def _session_for(state: AgentState, ctx: Context, episode_id: str) -> tuple[BrowserSession, dict[str, Any]]:
    """The episode's live session, starting one (first observe) or restoring one (resume) as needed."""
    session = sessions.get(episode_id)
    if session is not None:
        return session, {}
    session = await sessions.open(episode_id, browser_settings(ctx), domain_policy(state))
    if state.get("observation") is None:
        await open_start_pages(session, start_urls(state))
        return session, {}
    await restore(session, state, ctx)
    return session, {"resumes": state.get("resumes", 0) + 1}


async def observe(state: AgentState, runtime: Runtime[Context]) -> dict[str, Any]:
    # Page data enters state here; state is checkpointed, traced and reported, so secrets are redacted at this
    # boundary rather than in each writer.
    keep_browser = bool((get_config().get("configurable") or {}).get(KEEP_BROWSER))
    return secrets.redact_value(await _observe(state, settings(runtime), keep_browser))


async def _observe(state: AgentState, ctx: Context, keep_browser: bool) -> dict[str, Any]:
    episode_id = state.get("episode_id") or uuid.uuid4().hex
    update: dict[str, Any] = {} if state.get("episode_id") else {
        "episode_id": episode_id, "status": "running", "secret_names": secrets.secret_names()}
    call = state.get("pending_action")

    if call is not None and call["name"] == STOP:  # finishing needs no browser
        answer = str(call["args"].get("answer", ""))
        observation: dict[str, Any] = dict(state.get("observation") or {})
        record = _step_record(state, call, f"stopped with answer: {answer}", observation.get("url", ""),
                              observation.get("fingerprint", ""), time.time())
        record["page_changed"] = False
        return await _end(episode_id, keep_browser, {
            **update, "history": [record], "pending_action": None, "answer": answer, "feedback": [],
            "status": "done", "stop_reason": "the executor called stop"})
    try:
        session, opened = await _session_for(state, ctx, episode_id)
    except StartPageError as exc:
        return await _end(episode_id, keep_browser, {**update, "status": "failed", "stop_reason": str(exc)})
    except Exception as exc:  # the browser itself would not start
        return await _end(episode_id, keep_browser, {**update, "status": "failed",
                                            "stop_reason": f"could not start the browser: {exc}"})
    update.update(opened)

    if call is None:  # the first look at the start page
        update["observation"] = await observe_page(session, ctx, observation_image_path(ctx, episode_id, 0))
        return update

    started = time.time()
    result = await run_action(session, call["name"], call["args"], tools_by_name(ctx, session))
    taken = len(state.get("history", [])) + 1
    seen = await observe_page(session, ctx, observation_image_path(ctx, episode_id, taken))
    record = _step_record(state, call, result, seen["url"], seen["fingerprint"], started)
    record["screenshot"] = await save_screenshot(session, ctx, episode_id, record["index"])
    update.update(observation=seen, history=[record], pending_action=None, executor_reasoning="", feedback=[])
    update.update(judge_step(state, record, ctx))
    if update.get("status") in ("stopped", "failed"):
        return await _end(episode_id, keep_browser, update)
    return update
