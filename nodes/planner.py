"""The planner node: the task and the first page -> a high-level plan in the paper's format."""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage
from langgraph.runtime import Runtime

from graph.context import Context, settings
from graph.state import AgentState, Plan
from nodes import prompts
from nodes.model_calls import ask_role
from nodes.plan_text import parse_plan


def plan_from(message: AIMessage) -> tuple[Plan | None, str]:
    """A plan with at least one step, or what was wrong with the text."""
    raw = str(message.content or "")
    parsed = parse_plan(raw)
    if not parsed.steps:
        return None, "; ".join(parsed.problems) or "the plan had no steps"
    return parsed.as_plan(raw), ""


async def planner(state: AgentState, runtime: Runtime[Context]) -> dict[str, Any]:
    ctx = settings(runtime)
    messages = prompts.build_messages("planner", state, ctx)
    answer, update = await ask_role(state, ctx, "planner", messages, plan_from)
    if answer is None or answer.error:
        return update
    if answer.value is None:
        return {**update, "status": "failed", "stop_reason": (
            f"planner wrote no usable plan in {answer.invalid} tries; last problem: {answer.problem}")}
    return {**update, "plan": answer.value, "plans": [{"after_action": len(state.get("history", [])),
                                                       "plan": answer.value, "by": "planner"}]}
