"""The executor node: the current step and page -> exactly one browser action (a tool call).

It does not touch the browser; `observe` carries the action out. Unusable output (no tool call, an unknown tool,
bad arguments) is fed back to the model up to `max_invalid_outputs` times before the episode ends with a reason.
"""

from __future__ import annotations

import uuid
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


def parse_tool_call(message: AIMessage, tools: dict[str, Any]) -> tuple[ToolCall | None, str]:
    """The model's action, or why there is none."""
    if message.tool_calls:
        call = message.tool_calls[0]
        name, args = call["name"], call.get("args") or {}
    elif message.invalid_tool_calls:
        bad = message.invalid_tool_calls[0]
        return None, f"the tool call {bad.get('name')!r} had arguments that are not valid JSON: {bad.get('args')!r}"
    else:
        parsed = parse_action_text(str(message.content or ""))
        if parsed is None:
            return None, "there was no tool call; call exactly one of the tools"
        name, args = parsed["name"], parsed["args"]
    problem = validate_call(name, args, tools)
    if problem:
        return None, problem
    call_id = (message.tool_calls[0].get("id") if message.tool_calls else None) or f"call_{uuid.uuid4().hex[:12]}"
    return {"id": str(call_id), "name": name, "args": dict(args)}, ""


async def executor(state: AgentState, runtime: Runtime[Context]) -> dict[str, Any]:
    ctx = settings(runtime)
    tools = tools_by_name(ctx)
    messages = prompts.build_messages("executor", state, ctx)
    answer, update = await ask_role(state, ctx, "executor", messages, lambda m: parse_tool_call(m, tools),
                                    tools=executor_tools(ctx))
    if answer is None or answer.error:
        return update
    if answer.value is None:
        return {**update, "status": "failed",
                "stop_reason": f"executor output unusable {answer.invalid} times in a row; last problem: "
                               f"{answer.problem}"}
    reasoning = str(answer.message.content or "").strip() if answer.message else ""
    return {**update, "pending_action": answer.value, "executor_reasoning": reasoning[:2000]}
