"""Script entries for ScriptedChatModel that pick elements by role and name from the prompt's page, the way
a model would, instead of hard-coding ids."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage

from nodes import prompts
from policies.scripted import tool_call
from policies.targets import resolve
from webenv.tasks.solution import Target


def on(role: str, name: str, action: str = "click", **args: Any) -> Callable[[list[BaseMessage]], AIMessage]:
    """An entry that calls `action` on the element with this role and name in the current observation."""

    def entry(messages: list[BaseMessage]) -> AIMessage:
        element_id = resolve(Target(role=role, name=name), prompts.read_page(messages))
        return tool_call(action, id=element_id, **args)

    return entry
