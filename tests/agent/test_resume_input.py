"""A run killed before its first checkpoint (after its settings were saved) resumes by starting the task again;
one with checkpoints goes on from them. (Found by the random-kill benchmark: the resume crashed with LangGraph's
EmptyInputError.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from langgraph.graph import END, START, StateGraph
from typing_extensions import TypedDict

from graph.checkpoint import open_durable
from graph.runs import resume_input, task_input

pytestmark = pytest.mark.unit


class _State(TypedDict, total=False):
    intent: str


async def test_resume_before_the_first_checkpoint_starts_the_task_again(tmp_path: Path) -> None:
    task = task_input("find the boots", "http://127.0.0.1:1/", "7")
    async with open_durable(tmp_path / "runs.sqlite") as durable:
        assert await resume_input(durable.checkpointer, "never-checkpointed", task) == task
        builder = StateGraph(_State)
        builder.add_node("step", lambda state: {})
        builder.add_edge(START, "step")
        builder.add_edge("step", END)
        graph = builder.compile(checkpointer=durable.checkpointer)
        await graph.ainvoke({"intent": "x"}, {"configurable": {"thread_id": "checkpointed"}})
        assert await resume_input(durable.checkpointer, "checkpointed", task) is None
