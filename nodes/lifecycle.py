"""What every node does around its own work: redact what it writes, and close the browser when the episode is over.

- Secrets: a node's update is what gets checkpointed, traced, streamed and reported, so known secret values are
  redacted from every node's update here, once, whichever node produced it (a page that echoes a typed password
  in its URL, a model error message, a plan that quotes the page).
- The browser: a Python caller runs the graph through `graph.runs.stream_run`, which closes the episode's browser
  itself after looking at the final page. Under `langgraph dev` or the LangGraph API nobody does, so here the
  browser is closed when an update ends the episode (any node: a model failure ends it in the planner), when a
  node fails, and when the run is cancelled, interrupted or its thread deleted (the server cancels the task,
  which raises `CancelledError` inside the node that is running).
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


def episode_node(node: N) -> N:
    @functools.wraps(node)
    async def run(state: AgentState, runtime: Runtime[Context]) -> dict[str, Any]:
        try:
            update = secrets.redact_value(await node(state, runtime))
        except BaseException:
            if not run_loop_owns_browser():
                await close_browser(state.get("episode_id"))
            raise
        if update.get("status") in ENDED and not run_loop_owns_browser():
            await close_browser(state.get("episode_id") or update.get("episode_id"))
        return update

    return cast(N, run)
