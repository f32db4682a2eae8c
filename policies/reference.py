"""The reference policy ("oracle"): plans, replans and acts from a task's reference solution.

It is a chat model that reads what any model gets: the role and how many actions have succeeded come from the
structured facts the graph attaches to each call (or, behind an OpenAI-compatible server where only the text
arrives, from the prompt's documented read-back contract), and the page from the prompt's page section. It plans
with the solution's
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
from tools.vocabulary import ACTIONS_BY_NAME
from webenv.tasks.config import substitute
from webenv.tasks.solution import RefAction, ReferenceSolution

# What a reference solution leaves unsaid means this (the solution format's defaults, as webenv's replayer reads
# them); the vocabulary's own defaults apply to the rest.
_SOLUTION_DEFAULTS: dict[str, Any] = {"keys": "Enter", "direction": "down", "index": 0}


class ReferencePolicy(BaseChatModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    solution: ReferenceSolution
    placeholders: dict[str, str] = Field(default_factory=dict)

    @property
    def _llm_type(self) -> str:
        return "reference-policy"

    def bind_tools(self, tools: Any, **kwargs: Any) -> ReferencePolicy:
        return self

    def _plan(self, done: int) -> str:
        """The steps not yet finished once `done` actions have succeeded, plus the notes known by then."""
        last = len(self.solution.actions) - 1
        current = self.solution.step_of(min(done, last))
        steps = [{"reasoning": s.reasoning, "instruction": s.instruction} for s in self.solution.steps[current:]]
        return render_plan(steps, self.solution.notes_until(done))  # type: ignore[arg-type]

    def _arguments(self, action: RefAction, page: str) -> dict[str, Any]:
        """The tool arguments for a reference action: the vocabulary's arguments, read from the action's fields
        of the same names (the target becomes the id of the element it names on this page)."""
        args: dict[str, Any] = {}
        for arg in ACTIONS_BY_NAME[action.action].args:
            if arg.name == "id":
                assert action.target is not None
                args["id"] = resolve(action.target, page)
                continue
            value = getattr(action, arg.name)
            if value is None:
                value = _SOLUTION_DEFAULTS.get(arg.name, "" if arg.required else arg.default)
            args[arg.name] = substitute(value, self.placeholders) if isinstance(value, str) else value
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
        step = self.solution.steps[self.solution.step_of(done)].instruction
        return AIMessage(content=f"Reference step: {step}", tool_calls=[
            {"name": action.action, "args": args, "id": f"call_{uuid.uuid4().hex[:12]}", "type": "tool_call"}])

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        facts = prompts.read_facts(messages, run_manager.metadata if run_manager else None)
        role, succeeded = facts["role"], facts["actions_succeeded"]
        if role == "planner":
            message = AIMessage(content=self._plan(0))
        elif role == "replanner":
            message = AIMessage(content=self._plan(succeeded))
        else:
            message = self._act(succeeded, prompts.read_page(messages))
        return ChatResult(generations=[ChatGeneration(message=message)])
