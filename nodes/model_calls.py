"""Ask a model, check its answer, and feed problems back — the retry loop every model-calling node shares.

A model's bad output is not an exception: it is shown back to the model with what was wrong, at most
`retries` times, and then the node ends the episode with a stated reason. A model that cannot be reached
(network, auth, rate limit after the client's own retries) ends it too, with the error in `stop_reason`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.runnables import Runnable

from graph.models import usage_of
from graph.state import Role, RoleUsage, merge_usage
from nodes.prompts import correction_messages
from tools import secrets

T = TypeVar("T")
Parser = Callable[[AIMessage], tuple[T | None, str]]  # (value, problem): exactly one of them is set


@dataclass
class Answer(Generic[T]):
    value: T | None = None
    message: AIMessage | None = None
    usage: dict[str, RoleUsage] = field(default_factory=dict)
    invalid: int = 0  # unusable outputs along the way
    problem: str = ""  # why the last output was unusable (when value is None)
    error: str = ""  # why the model could not be called (when value is None)


def _as_ai_message(output: object) -> AIMessage:
    if isinstance(output, AIMessage):
        return output
    return AIMessage(content=str(getattr(output, "content", output)))


async def ask(model: BaseChatModel | Runnable, messages: list[BaseMessage], role: Role, parse: Parser[T],
              retries: int) -> Answer[T]:
    """Call the model until `parse` accepts its output, at most `retries` extra times."""
    answer: Answer[T] = Answer()
    conversation = list(messages)
    for _attempt in range(retries + 1):
        try:
            message = _as_ai_message(await model.ainvoke(conversation))
        except Exception as exc:  # provider errors come in many types; the episode must end cleanly
            answer.error = secrets.redact(f"{type(exc).__name__}: {exc}".strip())[:500]
            return answer
        answer.usage = merge_usage(answer.usage, usage_of(message, role))
        answer.message = message
        value, problem = parse(message)
        if value is not None:
            answer.value = value
            answer.problem = ""
            return answer
        answer.invalid += 1
        answer.problem = problem
        conversation += correction_messages(message, problem)
    return answer
