"""Running the graph from Python: the config every run should carry, and a one-call helper.

    import asyncio
    from graph.context import Context
    from graph.runs import run_episode

    state = asyncio.run(run_episode("What is the price of ...", "http://127.0.0.1:8000/",
                                    Context(mode="plan_and_act", planner_model="openai:gpt-4o-mini",
                                            executor_model="openai:gpt-4o-mini")))
    print(state["answer"], state["status"], state["stop_reason"])

The nodes are async (Playwright's async API), so use `ainvoke`/`astream`, not `invoke`.
"""

from __future__ import annotations

import uuid
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver

from graph.builder import build_graph
from graph.context import Context
from graph.state import AgentState, TaskInput


def run_config(thread_id: str, context: Context, task_id: str = "") -> RunnableConfig:
    """Thread id for the checkpointer, and the metadata that makes runs findable in LangSmith (the node runs
    named planner/executor/observe/replan inherit it)."""
    return {
        "configurable": {"thread_id": thread_id},
        "metadata": {"task_id": task_id, "mode": context.mode, "planner_model": context.model_for("planner")[0],
                     "executor_model": context.model_for("executor")[0],
                     "replanner_model": context.model_for("replanner")[0]},
        "run_name": "plan_and_act",
    }


def task_input(intent: str, start_url: str, task_id: str = "", allowed_domains: list[str] | None = None) -> TaskInput:
    task: TaskInput = {"intent": intent, "start_url": start_url}
    if task_id:
        task["task_id"] = task_id
    if allowed_domains:
        task["allowed_domains"] = list(allowed_domains)
    return task


async def run_episode(intent: str, start_url: str, context: Context, *, task_id: str = "",
                      thread_id: str | None = None, checkpointer: BaseCheckpointSaver | None = None,
                      allowed_domains: list[str] | None = None) -> AgentState:
    """Run one task to the end and return the final state."""
    graph = build_graph(checkpointer=checkpointer)
    config = run_config(thread_id or uuid.uuid4().hex, context, task_id)
    # "sync" durability writes each checkpoint before the next node runs (what a resume needs); LangGraph
    # 1.2 fails on it when there is no checkpointer at all, so it is only asked for when there is one.
    durability = "sync" if checkpointer is not None else None
    result: dict[str, Any] = await graph.ainvoke(task_input(intent, start_url, task_id, allowed_domains), config,
                                                 context=context, durability=durability)
    return result  # type: ignore[return-value]

