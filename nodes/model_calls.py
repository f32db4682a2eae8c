"""Ask a model, check its answer, and feed problems back — the retry loop every model-calling node shares.

A model's bad output is not an exception: it is shown back to the model with what was wrong, at most
`retries` times, and then the node ends the episode with a stated reason. A model that cannot be reached
(network, auth, rate limit after the client's own retries) ends it too, with the error in `stop_reason`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool

from graph.context import Context
from graph.models import ModelConfigError, model_for_role, usage_of
from graph.state import AgentState, Role, RoleUsage, merge_usage
from nodes.inline_images import InlineImages
from nodes.prompts import FACTS_KEY, PromptFacts, correction_messages, probe_messages, prompt_facts
from tools import secrets

T = TypeVar("T")
log = logging.getLogger(__name__)
KEPT_CORRECTIONS = 3  # earlier failed answers shown with each retry: the prompt stays bounded however many fail
_PARSE_INLINE = 16_000  # characters of model output parsed on the event loop itself
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
              retries: int, facts: PromptFacts | None = None) -> Answer[T]:
    """Call the model until `parse` accepts its output, at most `retries` extra times. `facts` ride along as run
    metadata (recorders and policies read them; tracing shows them)."""
    answer: Answer[T] = Answer()
    corrections: list[BaseMessage] = []
    metadata = {FACTS_KEY: dict(facts or {"role": role}), "plan_and_act_role": role}
    for attempt in range(retries + 1):
        try:
            message = _as_ai_message(await model.ainvoke(
                [*messages, *corrections[-2 * KEPT_CORRECTIONS:]],
                config={"metadata": {**metadata, "plan_and_act_attempt": attempt}, "tags": [f"role:{role}"]}))
        except Exception as exc:  # provider errors come in many types; the episode must end cleanly
            answer.error = secrets.redact(f"{type(exc).__name__}: {exc}".strip())[:500]
            log.warning("%s model call failed (try %d): %s", role, attempt + 1, answer.error,
                        exc_info=log.isEnabledFor(logging.DEBUG))
            return answer
        answer.usage = merge_usage(answer.usage, usage_of(message, role))
        answer.message = message
        log.debug("%s raw output (try %d): %s%s", role, attempt + 1, message.content,
                  "".join(f"\n  tool call {c['name']}({c['args']})" for c in message.tool_calls))
        # Parsers are linear, but a long answer still takes them a while: parse it off the event loop, where it
        # cannot stall the other episodes of the process.
        value, problem = (await asyncio.to_thread(parse, message) if len(message.text) > _PARSE_INLINE
                          else parse(message))
        if value is not None:
            answer.value = value
            answer.problem = ""
            return answer
        answer.invalid += 1
        answer.problem = problem
        log.info("%s output unusable (try %d of %d): %s%s", role, attempt + 1, retries + 1, problem,
                 "; correcting and asking again" if attempt < retries else "; no tries left")
        corrections += correction_messages(message, problem)
    return answer


async def ask_role(state: AgentState, ctx: Context, role: Role, messages: list[BaseMessage], parse: Parser[T],
                   tools: Sequence[BaseTool] = ()) -> tuple[Answer[T] | None, dict[str, Any]]:
    """Ask the role's model; returns the answer (None when no model could be built) and the state update every
    such call makes: token usage, the count of unusable outputs, and — if the model failed — the episode's end.
    The caller adds what a usable answer means for its role."""
    try:
        chat_model = model_for_role(ctx, role)
        if ctx.observation_mode != "text":
            chat_model = InlineImages(inner=chat_model)  # screenshots stay file references until the provider call
        model: BaseChatModel | Runnable = chat_model
        if tools:
            model = model.bind_tools(list(tools))  # type: ignore[union-attr]
    except (ModelConfigError, NotImplementedError) as exc:
        return None, {"status": "failed", "stop_reason": f"{role} model: {exc}", "failure_kind": "model"}
    answer = await ask(model, messages, role, parse, ctx.max_invalid_outputs, prompt_facts(role, state))
    update: dict[str, Any] = {"usage": answer.usage,
                              "invalid_outputs": state.get("invalid_outputs", 0) + answer.invalid}
    if answer.error:
        update.update(status="failed", stop_reason=f"{role} model error: {answer.error}", failure_kind="model")
    return answer, update


async def probe_role(ctx: Context, role: Role, timeout_s: float = 60.0) -> None:
    """Ask the role's model one trivial question, so a sweep finds out that its model is unreachable, refuses
    the key or does not exist before it starts a single episode. Raises ModelConfigError saying why."""
    spec, base_url = ctx.model_for(role)
    where = f" at {base_url}" if base_url else ""
    model = model_for_role(ctx, role)  # ModelConfigError for a missing key or package
    try:
        await asyncio.wait_for(model.ainvoke(probe_messages()), timeout_s)
    except TimeoutError as exc:
        raise ModelConfigError(f"the {role} model {spec!r}{where} did not answer a test request within "
                               f"{timeout_s:g} s") from exc
    except Exception as exc:  # provider errors come in many types
        reason = secrets.redact(f"{type(exc).__name__}: {exc}".strip().splitlines()[0])[:300]
        raise ModelConfigError(f"the {role} model {spec!r}{where} failed a test request: {reason}") from exc
