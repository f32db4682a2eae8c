"""The replan node: after an action, rewrite the remaining steps and carry found facts in the notes.

A replanner that writes nothing usable does not end the episode: the previous plan stays in force (it is still
a plan), and the executor goes on. Only an unreachable model ends it.
"""

from __future__ import annotations

from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.runtime import Runtime

from graph.context import Context, settings
from graph.models import ModelConfigError, model_for_role
from graph.state import AgentState
from nodes import prompts
from nodes.model_calls import ask
from nodes.planner import plan_from


async def replan(state: AgentState, runtime: Runtime[Context], config: RunnableConfig) -> dict[str, Any]:
    ctx = settings(runtime, config)
    try:
        model = model_for_role(ctx, "replanner")
    except ModelConfigError as exc:
        return {"status": "failed", "stop_reason": f"replanner model: {exc}"}
    history = state.get("history", [])
    messages = prompts.replanner_messages(state["intent"], state.get("plan"), history, state.get("observation"),
                                          cot=ctx.cot)
    answer = await ask(model, messages, "replanner", plan_from, ctx.max_invalid_outputs)
    update: dict[str, Any] = {"usage": answer.usage, "force_replan": False,
                              "invalid_outputs": state.get("invalid_outputs", 0) + answer.invalid}
    if answer.error:
        return {**update, "status": "failed", "stop_reason": f"replanner model error: {answer.error}"}
    if answer.value is None:
        return update  # keep the previous plan
    return {**update, "plan": answer.value, "plans": [{"after_action": len(history), "plan": answer.value}]}
