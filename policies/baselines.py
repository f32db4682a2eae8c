"""Baseline policies that bound a benchmark from below.

`StopAtOnce` answers every role by giving up immediately with an empty answer: a suite on which it scores
anything above 0 has tasks that are satisfied before the agent acts (a broken check or a leaky reset).
"""

from __future__ import annotations

import uuid
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from nodes import prompts
from nodes.plan_text import render_plan


class StopAtOnce(BaseChatModel):
    @property
    def _llm_type(self) -> str:
        return "stop-at-once"

    def bind_tools(self, tools: Any, **kwargs: Any) -> "StopAtOnce":
        return self

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        if prompts.read_facts(messages, run_manager.metadata if run_manager else None)["role"] == "executor":
            message = AIMessage(content="", tool_calls=[{"name": "stop", "args": {"answer": ""},
                                                         "id": f"call_{uuid.uuid4().hex[:8]}", "type": "tool_call"}])
        else:
            message = AIMessage(content=render_plan([{"reasoning": "Nothing to do.", "instruction": "Stop."}]))
        return ChatResult(generations=[ChatGeneration(message=message)])
