"""The reference policy ("oracle"): plans, replans and acts from a task's reference solution.

It is a chat model that reads only its prompt, like any model: the role from the system message, how many
actions have succeeded from the history header, the page from the observation. It plans with the solution's
grounded plan, replans by dropping the steps already done and writing the solution's notes found so far, and
acts by finding each action's semantic target in the current observation. So a sweep with it exercises the
real graph, prompts, browser and observation end to end, and any task it fails is a bug in one of them (or
in the task).
"""

from __future__ import annotations

import uuid
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import ConfigDict, Field

from nodes import prompts
from nodes.plan_text import render_plan
from policies.targets import TargetNotFound, resolve
from webenv.tasks.solution import RefAction, ReferenceSolution, substitute


class ReferencePolicy(BaseChatModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    solution: ReferenceSolution
    placeholders: dict[str, str] = Field(default_factory=dict)

    @property
    def _llm_type(self) -> str:
        return "reference-policy"

    def bind_tools(self, tools: Any, **kwargs: Any) -> "ReferencePolicy":
        return self

    def _plan(self, done: int) -> str:
        """The steps not yet finished once `done` actions have succeeded, plus the notes known by then."""
        last = len(self.solution.actions) - 1
        current = self.solution.step_of(min(done, last))
        steps = [{"reasoning": s.reasoning, "instruction": s.instruction} for s in self.solution.steps[current:]]
        return render_plan(steps, self.solution.notes_until(done))  # type: ignore[arg-type]

    def _arguments(self, action: RefAction, page: str) -> dict[str, Any]:
        args: dict[str, Any] = {}
        if action.target is not None:
            args["id"] = resolve(action.target, page)
        if action.action == "type":
            args.update(text=substitute(action.text, self.placeholders) or "", press_enter=action.press_enter)
        elif action.action == "select_option":
            args["option"] = action.option or ""
        elif action.action == "press":
            args["keys"] = action.keys or "Enter"
        elif action.action == "scroll":
            args["direction"] = action.direction or "down"
        elif action.action == "goto":
            args["url"] = substitute(action.url, self.placeholders) or ""
        elif action.action == "tab_focus":
            args["index"] = action.index or 0
        elif action.action == "stop":
            args["answer"] = substitute(action.answer, self.placeholders) or ""
        return args

    def _act(self, done: int, page: str) -> AIMessage:
        if done >= len(self.solution.actions):
            return AIMessage(content="The reference solution has no actions left.")
        action = self.solution.actions[done]
        try:
            args = self._arguments(action, page)
        except TargetNotFound as exc:
            # Not a tool call: the executor feeds this back, and the episode ends with it as the reason.
            return AIMessage(content=f"reference action {done} ({action.action}): target not found: {exc}")
        name = "type" if action.action == "type" else action.action
        step = self.solution.steps[self.solution.step_of(done)].instruction
        return AIMessage(content=f"Reference step: {step}", tool_calls=[
            {"name": name, "args": args, "id": f"call_{uuid.uuid4().hex[:12]}", "type": "tool_call"}])

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        role = prompts.read_role(messages)
        _taken, succeeded = prompts.read_progress(messages)
        if role == "planner":
            message = AIMessage(content=self._plan(0))
        elif role == "replanner":
            message = AIMessage(content=self._plan(succeeded))
        else:
            message = self._act(succeeded, prompts.read_page(messages))
        return ChatResult(generations=[ChatGeneration(message=message)])
