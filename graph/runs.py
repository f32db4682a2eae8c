"""The one way an episode is run from Python: stream the graph, hand each node's update to a hook, look at the final
page, and close the browser — whatever called it (the CLI, the benchmark harness, the data pipeline, tests).

    import asyncio
    from graph.context import Context
    from graph.runs import run_episode

    state = asyncio.run(run_episode("What is the price of ...", "http://127.0.0.1:8000/",
                                    Context(mode="plan_and_act", planner_model="openai:gpt-4o-mini",
                                            executor_model="openai:gpt-4o-mini")))
    print(state["answer"], state["status"], state["stop_reason"])

`stream_run` is the loop itself, for callers that need more: a checkpointer (durable runs and resumes),
LangChain callbacks (the `graph.recorder.ModelCallRecorder`, LangSmith, your own), an `on_update` hook per node
update, and an `inspect` hook that sees the final state and the live browser before it is closed (evaluators
read the agent's own last page). The browser is closed here and nowhere else, also when the run fails or is
cancelled. (Under `langgraph dev` / the LangGraph API no Python caller exists: the observe node closes it.)
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph.state import CompiledStateGraph
from langgraph.store.base import BaseStore
from langgraph.types import Command

from graph.builder import build_graph
from graph.context import Context, recursion_limit_for
from graph.state import AgentState, TaskInput
from nodes.browser_access import reopen_last_page
from nodes.lifecycle import KEEP_BROWSER
from tools.session import BrowserSession, sessions

log = logging.getLogger(__name__)

T = TypeVar("T")
UpdateHook = Callable[[str, dict[str, Any]], None]
InspectHook = Callable[[AgentState, BrowserSession | None], Awaitable[T]]


def run_config(thread_id: str, context: Context, task_id: str = "",
               callbacks: Sequence[BaseCallbackHandler] = ()) -> RunnableConfig:
    """Thread id for the checkpointer, the callbacks, and the metadata that makes runs findable in LangSmith (the
    node runs named planner/executor/observe/replan and every model call inherit it)."""
    config: RunnableConfig = {
        "configurable": {"thread_id": thread_id, KEEP_BROWSER: True},
        "metadata": {"task_id": task_id, "mode": context.mode, "planner_model": context.model_for("planner")[0],
                     "executor_model": context.model_for("executor")[0],
                     "replanner_model": context.model_for("replanner")[0],
                     "plan_and_act_settings": context.as_dict()},
        "run_name": "plan_and_act",
        "recursion_limit": recursion_limit_for(context.max_steps),
    }
    if callbacks:
        config["callbacks"] = list(callbacks)
    return config


def task_input(intent: str, start_url: str, task_id: str = "", allowed_domains: list[str] | None = None) -> TaskInput:
    task: TaskInput = {"intent": intent, "start_url": start_url}
    if task_id:
        task["task_id"] = task_id
    if allowed_domains:
        task["allowed_domains"] = list(allowed_domains)
    return task


@dataclass
class RunResult(Generic[T]):
    state: AgentState  # the final state (for a resume: the whole checkpointed state)
    thread_id: str
    inspected: T | None = None  # what the `inspect` hook returned
    # The value of the interrupt the run paused on (a plan review: `nodes.approve`), or None when the episode
    # ended. A paused run keeps its browser for the answer, `stream_run(Command(resume=...), ...)` on the same
    # thread; `close_browser()` if nobody will answer.
    interrupt: Any = None

    async def close_browser(self) -> None:
        episode_id = self.state.get("episode_id")
        if episode_id:
            await sessions.close(episode_id)


async def stream_run(graph_input: TaskInput | Command | None, context: Context, *, thread_id: str | None = None,
                     task_id: str = "", checkpointer: BaseCheckpointSaver | None = None,
                     store: BaseStore | None = None,
                     callbacks: Sequence[BaseCallbackHandler] = (), on_update: UpdateHook | None = None,
                     inspect: InspectHook[T] | None = None,
                     graph: CompiledStateGraph[AgentState, Context, TaskInput, AgentState] | None = None
                     ) -> RunResult[T]:
    """Run (`graph_input` a task), resume (`None`, same `thread_id`, a checkpointer) or answer an interrupt
    (`Command(resume=...)`) until the episode ends or pauses on an interrupt, and return its state.

    With a checkpointer every checkpoint is written before the next node runs ("sync" durability: what a resume
    after `kill -9` needs); with a store beside it (`graph.checkpoint.open_durable`) each action is journaled
    there too, so a resume never repeats an action that already reached the server. The episode's browser is
    closed when this returns or raises, and the Playwright driver with it when no other run in the process
    still needs it — except when the run paused on an interrupt (`RunResult.interrupt`): then the browser waits
    for the answer, and `inspect` is not called (the episode is not over)."""
    compiled = graph if graph is not None else build_graph(checkpointer, store)
    if context.approve_plan != "off" and compiled.checkpointer is None:
        raise ValueError("approve_plan pauses the run until a person answers, which needs a checkpointer: pass "
                         "checkpointer= (e.g. graph.checkpoint.open_checkpointer) or set approve_plan to off")
    async with sessions.hold():
        return await _stream(graph_input, context, thread_id=thread_id or uuid.uuid4().hex, task_id=task_id,
                             compiled=compiled, callbacks=callbacks, on_update=on_update, inspect=inspect)


async def _stream(graph_input: TaskInput | Command | None, context: Context, *, thread_id: str, task_id: str,
                  compiled: CompiledStateGraph[AgentState, Context, TaskInput, AgentState],
                  callbacks: Sequence[BaseCallbackHandler], on_update: UpdateHook | None,
                  inspect: InspectHook[T] | None) -> RunResult[T]:
    config = run_config(thread_id, context, task_id or str((graph_input or {}).get("task_id", "")
                                                          if isinstance(graph_input, dict) else ""), callbacks)
    # LangGraph refuses "sync" durability without a checkpointer, so it is only asked for when there is one.
    durability: Literal["sync"] | None = "sync" if compiled.checkpointer is not None else None
    state: dict[str, Any] = {}
    episode_id = ""
    paused: list[Any] = []
    waiting = False  # paused on an interrupt: the browser stays for the answer
    try:
        stream: Any = compiled.astream(graph_input, config, context=context, stream_mode=["updates", "values"],
                                       durability=durability)
        async for kind, chunk in stream:
            if kind == "values":
                state = dict(chunk)
                episode_id = state.get("episode_id") or episode_id
                continue
            paused.extend(chunk.get("__interrupt__", ()))
            if on_update is not None:
                for node, values in chunk.items():
                    if not node.startswith("__"):
                        on_update(node, dict(values or {}))
        if compiled.checkpointer is not None:
            snapshot = await compiled.aget_state(config)
            state = dict(snapshot.values)
            paused = list(snapshot.interrupts)
            episode_id = state.get("episode_id") or episode_id
        if paused:
            waiting = True
            return RunResult(state=state, thread_id=thread_id, interrupt=paused[0].value)  # type: ignore[arg-type]
        inspected = None
        if inspect is not None:
            inspected = await inspect(state, await _final_page(state, context, episode_id))  # type: ignore[arg-type]
        return RunResult(state=state, thread_id=thread_id, inspected=inspected)  # type: ignore[arg-type]
    finally:
        if episode_id and not waiting:
            await sessions.close(episode_id)


async def _final_page(state: dict[str, Any], context: Context, episode_id: str) -> BrowserSession | None:
    """The live browser of a finished episode; one put back on its last page when the run that finished it never
    needed a browser (a resume whose only work left was `stop`). None when the episode never saw a page, or the
    page cannot be brought back (the inspector then says there is no live page)."""
    session = sessions.get(episode_id) if episode_id else None
    if session is not None or not episode_id or not (state.get("observation") or {}).get("url"):
        return session
    try:
        return await reopen_last_page(state, context, episode_id)  # type: ignore[arg-type]
    except Exception as exc:  # a site that is gone: the verdict says so, the state stands
        log.warning("could not bring back the last page of episode %s to inspect it: %s", episode_id, exc)
        return None


async def resume_input(checkpointer: BaseCheckpointSaver, thread_id: str, task: TaskInput) -> TaskInput | None:
    """What a resume feeds the graph: None (go on from the last checkpoint), or — for a run killed before its
    first checkpoint was written, when no node had run yet — the task itself, started again."""
    if await checkpointer.aget_tuple({"configurable": {"thread_id": thread_id}}) is None:
        return task
    return None


async def run_episode(intent: str, start_url: str, context: Context | None = None, *, task_id: str = "",
                      thread_id: str | None = None, checkpointer: BaseCheckpointSaver | None = None,
                      store: BaseStore | None = None, allowed_domains: list[str] | None = None,
                      callbacks: Sequence[BaseCallbackHandler] = (), on_update: UpdateHook | None = None) -> AgentState:
    """Run one task to the end and return the final state (settings default to the environment's). Safe to call
    from a fresh `asyncio.run` each time: the browser and the Playwright driver are gone when it returns."""
    result: RunResult[None] = await stream_run(
        task_input(intent, start_url, task_id, allowed_domains), context or Context(), thread_id=thread_id,
        task_id=task_id, checkpointer=checkpointer, store=store, callbacks=callbacks, on_update=on_update)
    return result.state
