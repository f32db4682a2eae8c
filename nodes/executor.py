"""The executor node: the current step and page -> exactly one browser action (a tool call).

It does not touch the browser; `observe` carries the action out. Unusable output (no tool call, an unknown tool,
bad arguments) is fed back to the model up to `max_invalid_outputs` times before the episode ends with a reason.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any

from langchain_core.messages import AIMessage
from langgraph.runtime import Runtime

from graph.context import Context, settings
from graph.state import AgentState, ToolCall
from nodes import prompts
from nodes.action_text import parse_action_text
from nodes.model_calls import ask_role
from nodes.toolset import executor_tools, tools_by_name
from tools.actions import validate_call
from tools.vocabulary import ACTIONS_BY_NAME, ActionSpec, format_action

NO_ARGS = ActionSpec("", "")


def parse_tool_call(message: AIMessage, tools: dict[str, Any], page_ids: Collection[int] | None = None
                    ) -> tuple[ToolCall | None, str]:
    """The model's action, or why there is none. An element id must be one the current page shows; of several
    tool calls in one reply only the first is taken, and the call says so (the executor reads it next turn)."""
    note = ""
    if message.tool_calls:
        call = message.tool_calls[0]
        name, args = call["name"], call.get("args") or {}
        if len(message.tool_calls) > 1:
            dropped = ", ".join(format_action(c["name"], c.get("args") or {}) for c in message.tool_calls[1:])
            note = (f"only the first of the {len(message.tool_calls)} tool calls in that reply was done; not done: "
                    f"{dropped}. Call one tool per turn")
    elif message.invalid_tool_calls:
        bad = message.invalid_tool_calls[0]
        return None, (f"the tool call {str(bad.get('name'))[:100]!r} had arguments that are not valid JSON: "
                      f"{str(bad.get('args'))[:300]!r}")
    else:
        parsed = parse_action_text(message.text)
        if parsed is None:
            return None, "there was no tool call; call exactly one of the tools"
        name, args = parsed["name"], parsed["args"]
    problem = validate_call(name, args, tools)
    if problem:
        return None, problem
    if page_ids is not None and "id" in ACTIONS_BY_NAME.get(name, NO_ARGS).arg_names and args["id"] not in page_ids:
        return None, (f"there is no element [{args['id']}] on the current page; use an id shown in brackets in the "
                      "current page")
    call_id = (message.tool_calls[0].get("id") if message.tool_calls else None) or f"call_{uuid.uuid4().hex[:12]}"
    accepted: ToolCall = {"id": str(call_id), "name": name, "args": dict(args)}
    if note:
        accepted["note"] = note
    return accepted, ""


async def executor(state: AgentState, runtime: Runtime[Context]) -> dict[str, Any]:
    ctx = settings(runtime)
    tools = tools_by_name(ctx)
    messages = prompts.build_messages("executor", state, ctx)
    observation = state.get("observation")
    page_ids = frozenset(observation["ids"]) if observation and "ids" in observation else None
    answer, update = await ask_role(state, ctx, "executor", messages, lambda m: parse_tool_call(m, tools, page_ids),
                                    tools=executor_tools(ctx))
    if answer is None or answer.error:
        return update
    if answer.value is None:
        return {**update, "status": "failed",
                "stop_reason": f"executor output unusable {answer.invalid} times in a row; last problem: "
                               f"{answer.problem}"}
    reasoning = str(answer.message.content or "").strip() if answer.message else ""
    return {**update, "pending_action": answer.value, "executor_reasoning": reasoning[:2000]}
