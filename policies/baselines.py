"""Baseline policies that bound a benchmark from below: what a policy that does not solve the task can score.

- `StopAtOnce` gives up immediately with an empty answer: a suite on which it scores anything above 0 has tasks
  that are satisfied before the agent acts (a broken check or a leaky reset).
- `ConstantAnswer` stops at once with the same answer for every task, by default one that names yes, no and
  every number up to 100: it measures how far guessing without browsing gets (issue: 16/192 under substring
  scoring).
- `PageDump` follows the reference navigation of a task it is judged on by its answer, then answers with the
  text of every page it saw: it measures whether stating everything on screen passes for knowing the answer
  (issue: 80 of 87 answerable string tasks under substring scoring). Tasks judged on the pages alone it gives
  up at once — replaying their reference would simply solve them, which measures nothing.

All three are chat models, registered as model strings (`stop-at-once:`, `constant-answer:[TEXT]`, and per
episode `oracle:NAME` for the page dump), so a sweep runs them through the real graph like any model.
"""

from __future__ import annotations

import uuid
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import Field

from nodes import prompts
from nodes.plan_text import render_plan
from policies.reference import ReferencePolicy

DEFAULT_CONSTANT = "yes no " + " ".join(str(n) for n in range(101))


def _stop(answer: str) -> AIMessage:
    return AIMessage(content="", tool_calls=[{"name": "stop", "args": {"answer": answer},
                                              "id": f"call_{uuid.uuid4().hex[:8]}", "type": "tool_call"}])


def _give_up_plan() -> AIMessage:
    return AIMessage(content=render_plan([{"reasoning": "Nothing to do.", "instruction": "Stop."}]))


class StopAtOnce(BaseChatModel):
    @property
    def _llm_type(self) -> str:
        return "stop-at-once"

    def bind_tools(self, tools: Any, **kwargs: Any) -> StopAtOnce:
        return self

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        executor = prompts.read_facts(messages, run_manager.metadata if run_manager else None)["role"] == "executor"
        return ChatResult(generations=[ChatGeneration(message=_stop("") if executor else _give_up_plan())])


class ConstantAnswer(BaseChatModel):
    answer: str = DEFAULT_CONSTANT

    @property
    def _llm_type(self) -> str:
        return "constant-answer"

    def bind_tools(self, tools: Any, **kwargs: Any) -> ConstantAnswer:
        return self

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        executor = prompts.read_facts(messages, run_manager.metadata if run_manager else None)["role"] == "executor"
        return ChatResult(generations=[ChatGeneration(message=_stop(self.answer) if executor else _give_up_plan())])


class PageDump(ReferencePolicy):
    """The reference policy, except that its final answer is the text of every page it was shown."""

    pages: list[str] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "page-dump"

    def _act(self, done: int, page: str) -> AIMessage:
        if page and page not in self.pages:
            self.pages.append(page)
        message = super()._act(done, page)
        if message.tool_calls and message.tool_calls[0]["name"] == "stop":
            message.tool_calls[0]["args"]["answer"] = "\n\n".join(self.pages)
        return message
