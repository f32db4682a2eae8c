"""What every node does around its own work: redact what it writes, and close the browser when the episode is over.

- Secrets: a node's update is what gets checkpointed, traced, streamed and reported, so known secret values are
  redacted from every node's update here, once, whichever node produced it (a page that echoes a typed password
  in its URL, a model error message, a plan that quotes the page).
- The browser: a Python caller runs the graph through `graph.runs.stream_run`, which closes the episode's browser
  itself after looking at the final page. Under `langgraph dev` or the LangGraph API nobody does, so here the
  browser is closed when an update ends the episode (any node: a model failure ends it in the planner), when a
  node fails, and when the run is cancelled or interrupted (the server cancels the task, which raises
  `CancelledError` inside the node that is running) or its thread is deleted (noticed here, see
  `_cancel_when_thread_is_deleted`).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, cast

from langgraph.config import get_config
from langgraph.runtime import Runtime

from graph.context import Context
from graph.state import AgentState
from tools import secrets
from tools.session import sessions

# Set in a run's `configurable` by `graph.runs` (not a user setting): the run loop owns the browser's end.
KEEP_BROWSER = "plan_and_act_keep_browser"
ENDED = frozenset({"done", "stopped", "failed"})
CHECKPOINTER_KEY = "__pregel_checkpointer"  # where LangGraph puts the run's checkpointer in a node's config
THREAD_CHECK_S = 2.0

N = TypeVar("N", bound=Callable[..., Awaitable[dict[str, Any]]])


def run_loop_owns_browser() -> bool:
    try:
        return bool((get_config().get("configurable") or {}).get(KEEP_BROWSER))
    except RuntimeError:  # called outside a running graph
        return False


async def close_browser(episode_id: str | None) -> None:
    """Close the episode's browser even while the calling task is being cancelled."""
    if episode_id:
        await asyncio.shield(sessions.close(episode_id))


async def _cancel_when_thread_is_deleted(task: asyncio.Task[Any]) -> None:
    """The LangGraph API deletes a thread without cancelling the run on it (the in-memory runtime of `langgraph dev`
    does exactly that): the node would go on driving a browser nobody can see. While a served node runs, its
    thread's checkpoints are looked up every few seconds; once they are gone, the node is cancelled, which closes
    the browser like any other cancellation."""
    try:
        config = get_config()
    except RuntimeError:
        return
    configurable = config.get("configurable") or {}
    checkpointer, thread_id = configurable.get(CHECKPOINTER_KEY), configurable.get("thread_id")
    if checkpointer is None or not thread_id:
        return
    while True:
        await asyncio.sleep(THREAD_CHECK_S)
        try:
            exists = await checkpointer.aget_tuple({"configurable": {"thread_id": thread_id, "checkpoint_ns": ""}})
        except Exception:  # a checkpointer hiccup is not a deletion
            continue
        if exists is None:
            task.cancel()
            return


def episode_node(node: N) -> N:
    @functools.wraps(node)
    async def run(state: AgentState, runtime: Runtime[Context]) -> dict[str, Any]:
        served = not run_loop_owns_browser()
        watcher = (asyncio.ensure_future(_cancel_when_thread_is_deleted(asyncio.current_task()))  # type: ignore[arg-type]
                   if served and state.get("episode_id") else None)
        try:
            update = secrets.redact_value(await node(state, runtime))
        except BaseException:
            if served:
                await close_browser(state.get("episode_id"))
            raise
        finally:
            if watcher is not None:
                watcher.cancel()
        if update.get("status") in ENDED and not run_loop_owns_browser():
            await close_browser(state.get("episode_id") or update.get("episode_id"))
        return update

    return cast(N, run)
