"""The replan node: after an action, rewrite the remaining steps and carry found facts in the notes.

A replanner that writes nothing usable does not end the episode: the previous plan stays in force (it is still
a plan), and the executor goes on. Only an unreachable model ends it.
"""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from graph.context import Context, settings
from graph.state import AgentState
from nodes import prompts
from nodes.model_calls import ask_role
from nodes.planner import plan_from


async def replan(state: AgentState, runtime: Runtime[Context]) -> dict[str, Any]:
    ctx = settings(runtime)
    history = state.get("history", [])
    messages = prompts.build_messages("replanner", state, ctx)
    answer, update = await ask_role(state, ctx, "replanner", messages, plan_from)
    update["force_replan"] = False
    if answer is None or answer.error or answer.value is None:
        return update  # an unusable replan keeps the previous plan; a failed model has ended the episode
    return {**update, "plan": answer.value, "plans": [{"after_action": len(history), "plan": answer.value,
                                                       "by": "replanner"}]}
