"""The settings each CLI thread was started with, so `resume THREAD_ID` needs nothing but the id.

LangGraph checkpoints state, not run settings (models, mode, budgets). They are kept in the same database as
the checkpoints (the LangGraph store beside the checkpointer, `graph.checkpoint.open_durable`), so a run started
in one directory or on one machine resumes from any other that reaches the database — a Postgres server, or the
same SQLite file. Settings never hold secrets.
"""

from __future__ import annotations

import time
from dataclasses import asdict
from typing import Any

from langgraph.store.base import BaseStore

from graph.context import Context

NAMESPACE = ("plan_and_act", "runs")


class UnknownThread(LookupError):
    """No run was recorded under this thread id."""


async def save_run(store: BaseStore, thread_id: str, context: Context, task: dict[str, Any]) -> None:
    await store.aput(NAMESPACE, thread_id, {"thread_id": thread_id, "context": asdict(context), "task": task,
                                            "started_at": time.time()})


async def load_run(store: BaseStore, thread_id: str, where: str) -> tuple[Context, dict[str, Any]]:
    item = await store.aget(NAMESPACE, thread_id)
    if item is None:
        raise UnknownThread(f"no run with thread id {thread_id!r} in {where}")
    return Context.from_mapping(item.value["context"], strict=False), item.value["task"]


async def list_runs(store: BaseStore) -> list[dict[str, Any]]:
    items = await store.asearch(NAMESPACE, limit=100_000)
    return sorted((dict(item.value) for item in items), key=lambda record: record.get("started_at", 0))
