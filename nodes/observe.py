"""The observe node: carry out the pending action in the browser, record it, and look at the page again.

It is also where an episode starts (open the start URLs), where a resumed episode gets its browser back, where
an action the episode did not see finish is settled rather than replayed (`nodes.action_journal`), where a browser
that died during an action is replaced, and where the budgets, the loop rule and the end of the episode are
enforced.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path
from typing import Any

from langgraph.config import get_config
from langgraph.runtime import Runtime
from langgraph.store.base import BaseStore
from playwright.async_api import Error as PlaywrightError

from graph.context import Context, recursion_limit_for, settings
from graph.state import AgentState, Observation, StepRecord, ToolCall
from nodes.action_journal import ActionJournal, outcome
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
from nodes.lifecycle import ENDED
from nodes.page_elements import carry_over
from nodes.toolset import tools_by_name
from tools import secrets
from tools.actions import ERROR_PREFIX, STOP, run_action
from tools.session import BrowserSession, sessions
from tools.vocabulary import format_action


class BrowserGone(RuntimeError):
    """Chromium or its driver died while the node was using it."""


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


async def observe(state: AgentState, runtime: Runtime[Context]) -> dict[str, Any]:
    return await _observe(state, settings(runtime), getattr(runtime, "store", None))


async def _open(state: AgentState, ctx: Context, episode_id: str) -> BrowserSession:
    try:
        return await sessions.open(episode_id, browser_settings(ctx, state), domain_policy(state))
    except Exception as exc:
        raise BrowserGone(f"could not start the browser: {str(exc).splitlines()[0] if str(exc) else exc!r}") from exc


def _failed(update: dict[str, Any], reason: str, kind: str) -> dict[str, Any]:
    return {**update, "status": "failed", "stop_reason": reason, "failure_kind": kind}


async def _observe(state: AgentState, ctx: Context, store: BaseStore | None) -> dict[str, Any]:
    episode_id = state.get("episode_id") or uuid.uuid4().hex
    update: dict[str, Any] = {} if state.get("episode_id") else {
        "episode_id": episode_id, "status": "running", "secret_names": secrets.secret_names()}
    journal = ActionJournal(store, episode_id)
    call = state.get("pending_action")

    if call is not None and call["name"] == STOP:  # finishing needs no browser
        answer = str(call["args"].get("answer", ""))
        observation: dict[str, Any] = dict(state.get("observation") or {})
        record = _step_record(state, call, f"stopped with answer: {answer}", observation.get("url", ""),
                              observation.get("fingerprint", ""), time.time())
        record["page_changed"] = False
        await journal.forget()
        return {**update, "history": [record], "pending_action": None, "answer": answer, "feedback": [],
                "status": "done", "stop_reason": "the executor called stop"}

    first = state.get("observation") is None
    if first and (problem := _budget_problem(ctx)):
        return _failed(update, problem, "settings")
    session = sessions.get(episode_id)
    resumed = session is None and not first
    try:
        if session is None:
            session = await _open(state, ctx, episode_id)
            if first:
                await open_start_pages(session, start_urls(state))
    except StartPageError as exc:
        await sessions.close(episode_id)
        return _failed(update, str(exc), "start_page")
    except BrowserGone as exc:
        return _failed(update, str(exc), "browser")
    except BaseException:
        if first:  # nobody else knows this episode's id yet
            await sessions.close(episode_id)
        raise
    if resumed:
        update["resumes"] = state.get("resumes", 0) + 1

    try:
        if call is None:  # the first look at the start page, or a resume between two actions
            image = observation_image_path(ctx, episode_id, len(state.get("history", [])))
            if resumed:
                update["observation"], update["feedback"] = await restore(session, state, ctx, image_path=image)
            else:
                update["observation"] = await observe_page(session, ctx, image)
            return update
        update.update(await _take_action(session, state, ctx, episode_id, call, journal, resumed))
    except StartPageError as exc:  # the page to resume on no longer loads
        await sessions.close(episode_id)
        return _failed(update, str(exc), "start_page")
    except BrowserGone as exc:
        await sessions.close(episode_id)
        return _failed(update, str(exc), "browser")
    if update.get("status") in ENDED:
        await journal.forget()
    return update


def _budget_problem(ctx: Context) -> str:
    """Why this run would hit LangGraph's recursion limit before its own max_steps ("" when it would not)."""
    try:
        limit = int(get_config().get("recursion_limit") or 25)
    except RuntimeError:  # called outside a running graph
        return ""
    needed = recursion_limit_for(ctx.max_steps)
    if limit >= needed:
        return ""
    return (f"max_steps={ctx.max_steps} needs LangGraph's recursion_limit to be at least {needed}, and this run's "
            f"is {limit}: pass recursion_limit in the run's config (graph.runs sets it for you)")


async def _take_action(session: BrowserSession, state: AgentState, ctx: Context, episode_id: str, call: ToolCall,
                       journal: ActionJournal, resumed: bool) -> dict[str, Any]:
    started = time.time()
    image = observation_image_path(ctx, episode_id, len(state.get("history", [])) + 1)
    notes: list[str] = []
    result = ""
    seen: Observation | None = None
    if resumed:  # the pending action may have run before the process stopped: settle it, never replay blindly
        verdict = outcome(await journal.read(call["id"]), call, "the episode was stopped")
        seen, notes = await restore(session, state, ctx, url=verdict.landing_url, image_path=image)
        if not verdict.rerun:
            result = verdict.explanation
        else:
            call, result = _carried_over(call, state, seen)
            notes = [*notes, result] if result else notes
    if not result:
        result = await _act(session, ctx, call, journal)
        seen = None
        if not session.alive:  # Chromium or its driver died during the action
            session, seen, result, lost = await _replace_browser(state, ctx, episode_id, call, journal, result,
                                                                 image=image)
            notes += [result, *lost]
    if seen is None:
        try:
            seen = await observe_page(session, ctx, image)
        except (PlaywrightError, RuntimeError) as exc:  # died between the action and the look
            session, seen, crash, lost = await _replace_browser(state, ctx, episode_id, call, journal, result,
                                                                after=True, error=exc, image=image)
            notes += [crash, *lost]
    late = session.drain_events()  # what happened after the action's own result was written (a meta refresh)
    if late:
        result = "; ".join([result, *late])
    if call.get("note"):
        result = f"{result} ({call['note']})"
    record = _step_record(state, call, result, seen["url"], seen["fingerprint"], started)
    record["screenshot"] = await save_screenshot(session, ctx, episode_id, record["index"])
    update: dict[str, Any] = {"observation": seen, "history": [record], "pending_action": None,
                              "executor_reasoning": "", "feedback": notes}
    update.update(judge_step(state, record, ctx))
    return update


def _carried_over(call: ToolCall, state: AgentState, seen: Observation) -> tuple[ToolCall, str]:
    """The pending call with its element id moved to the same element on the reloaded page, or ("", why not)
    as an error result when that element cannot be found again."""
    if "id" not in call["args"]:
        return call, ""
    observation = state.get("observation")
    old_text = observation["text"] if observation else ""
    element_id, problem = carry_over(int(call["args"]["id"]), old_text, seen["text"])
    if element_id is None:
        return call, (f"{ERROR_PREFIX} the page was reloaded after a restart and {problem}, so "
                      f"{format_action(call['name'], call['args'])} was not done; choose again from the page")
    return {**call, "args": {**call["args"], "id": element_id}}, ""


async def _act(session: BrowserSession, ctx: Context, call: ToolCall, journal: ActionJournal) -> str:
    """Run the call with the journal listening, within a time limit: a page stuck in a script is stopped."""
    await journal.start(call, session.page.url)
    session.guard.journal = journal
    budget = (ctx.action_timeout_ms + ctx.navigation_timeout_ms + ctx.page_timeout_ms) / 1000
    try:
        return await asyncio.wait_for(run_action(session, call["name"], call["args"], tools_by_name(ctx, session)),
                                      budget)
    except TimeoutError:
        done = await session.unfreeze(session.page)
        return (f"{ERROR_PREFIX} {call['name']} did not finish within {budget:g} s: the page kept the browser busy; "
                f"{done}")
    except RuntimeError as exc:  # the browser lost its last tab (it died)
        return f"{ERROR_PREFIX} {call['name']} failed: {exc}"
    finally:
        session.guard.journal = None


async def _replace_browser(state: AgentState, ctx: Context, episode_id: str, call: ToolCall, journal: ActionJournal,
                           result: str, *, after: bool = False, error: BaseException | None = None,
                           image: Path | None = None) -> tuple[BrowserSession, Observation, str, list[str]]:
    """A new browser where the interrupted action left the episode; returns it, the page, the step's result and
    what could not be restored."""
    await sessions.close(episode_id)
    session = await _open(state, ctx, episode_id)
    verdict = outcome(journal.entry, call, "the browser crashed")
    seen, lost = await restore(session, state, ctx, url=verdict.landing_url, image_path=image)
    if after and (verdict.rerun or verdict.ok):
        # The action had returned and every request it sent was answered (a click returns before the navigation
        # it starts has finished: a request still unanswered makes its outcome unknown, handled below).
        return session, seen, (f"{result} (then the browser stopped: {str(error).splitlines()[0] if error else ''}; "
                               f"it was restarted at {seen['url']})"), lost
    if verdict.rerun:
        return session, seen, (f"{ERROR_PREFIX} the browser crashed during {format_action(call['name'], call['args'])}"
                               f" before it reached the server; a new browser was started at {seen['url']}. Do it "
                               "again if it is still needed."), lost
    return session, seen, verdict.explanation + f"; a new browser was started at {seen['url']}", lost
