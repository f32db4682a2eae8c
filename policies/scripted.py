"""A chat model that answers from a script: the test double for every role.

It is a real `BaseChatModel` (LangChain callbacks, tracing and `bind_tools` all work), so the graph runs exactly
as with a remote model. Each entry of the script is a message, a string, or a function of the prompt; every
prompt received is kept in `calls` for assertions.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import Field

from nodes.plan_text import render_plan

ScriptEntry = AIMessage | str | Callable[[list[BaseMessage]], "AIMessage | str"]


class ScriptExhausted(RuntimeError):
    """The model was called more often than its script has entries."""


def tool_call(name: str, **args: Any) -> AIMessage:
    """An assistant message that calls one tool."""
    return AIMessage(content="", tool_calls=[{"name": name, "args": args, "id": f"call_{uuid.uuid4().hex[:8]}",
                                              "type": "tool_call"}])


def plan_text(*instructions: str, notes: Sequence[str] = ()) -> str:
    """A plan in the paper's format from bare instructions (reasoning left short)."""
    steps = [{"reasoning": f"Needed for the task (step {n}).", "instruction": text}
             for n, text in enumerate(instructions, start=1)]
    return render_plan(steps, list(notes))  # type: ignore[arg-type]


def _estimate_tokens(messages: Sequence[BaseMessage]) -> int:
    return math.ceil(sum(len(m.text) for m in messages) / 4)  # text blocks only: images are file references


class ScriptedChatModel(BaseChatModel):
    script: list[Any] = Field(default_factory=list)
    repeat_last: bool = False  # keep answering with the last entry instead of failing when exhausted
    calls: list[list[BaseMessage]] = Field(default_factory=list)
    bound_tools: list[str] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> ScriptedChatModel:
        self.bound_tools = [getattr(t, "name", str(t)) for t in tools]
        return self

    def _next(self, messages: list[BaseMessage]) -> AIMessage:
        index = len(self.calls) - 1
        if index >= len(self.script):
            if not (self.repeat_last and self.script):
                raise ScriptExhausted(f"scripted model called {index + 1} times; its script has {len(self.script)}")
            index = len(self.script) - 1
        entry = self.script[index]
        if callable(entry):
            entry = entry(messages)
        message = AIMessage(content=entry) if isinstance(entry, str) else entry.model_copy()
        if message.usage_metadata is None:
            prompt = _estimate_tokens(messages)
            output = math.ceil(len(str(message.content)) / 4) + 10 * len(message.tool_calls)
            message.usage_metadata = {"input_tokens": prompt, "output_tokens": output,
                                      "total_tokens": prompt + output}
        return message

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        self.calls.append(list(messages))
        return ChatResult(generations=[ChatGeneration(message=self._next(list(messages)))])
