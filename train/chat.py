"""How chat messages become model input: the model's own chat template, the same way in training and serving.

A model learns the exact text its template renders around our prompts (tool schemas in the system turn, the
assistant header); serving must render requests identically or the tuned model meets a prompt it never saw.
So both `train.sft` and `train.serve` call `render_prompt`, and training encodes a row as
`render_prompt(prompt) + rest of the rendered conversation`, so the prompt's tokens are exactly the ones the
server will feed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Example:
    """One training row: the prompt messages, the one assistant message to learn, the tools the prompt offers."""

    id: str
    prompt: list[dict[str, Any]]
    completion: dict[str, Any]
    tools: list[dict[str, Any]]


class ChatTemplateError(ValueError):
    """The model's tokenizer cannot render our conversations (no template, or one that drops tool calls)."""


def _json_arguments(arguments: Any) -> Any:
    """Tool-call arguments as an object: chat templates serialise them themselves (`tojson`), so a JSON string
    would be encoded twice."""
    if isinstance(arguments, str):
        try:
            return json.loads(arguments)
        except json.JSONDecodeError:
            return arguments
    return arguments


def normalise_message(message: dict[str, Any]) -> dict[str, Any]:
    """A chat message as chat templates expect it: text content, tool calls with object arguments, no null
    fields (templates test `message.content is string`, `tool_calls is defined`)."""
    out: dict[str, Any] = {"role": message["role"]}
    content = message.get("content")
    if isinstance(content, list):
        content = "".join(part.get("text", "") for part in content if isinstance(part, dict))
    out["content"] = content or ""
    calls = message.get("tool_calls") or []
    if calls:
        out["tool_calls"] = [{"type": "function", **({"id": call["id"]} if call.get("id") else {}),
                              "function": {"name": call["function"]["name"],
                                           "arguments": _json_arguments(call["function"].get("arguments", {}))}}
                             for call in calls]
    for key in ("name", "tool_call_id"):
        if message.get(key):
            out[key] = message[key]
    return out


def check_chat_template(tokenizer: Any, source: str, needs_tools: bool) -> None:
    """Fail before training, not after hours of it, when the template cannot carry the role's data."""
    if not getattr(tokenizer, "chat_template", None):
        raise ChatTemplateError(
            f"{source} has no chat template, so its prompts cannot be rendered the way a served model receives "
            "them; use an instruct/chat variant of the model, or pass --chat-template FILE.jinja")
    if needs_tools:
        from trl.chat_template_utils import supports_tool_calling

        if not supports_tool_calling(tokenizer):
            raise ChatTemplateError(
                f"the chat template of {source} does not render tool calls (executor rows are tool calls); use a "
                "model whose template supports tools, or pass --chat-template FILE.jinja")


def render_prompt(tokenizer: Any, messages: list[dict[str, Any]], tools: list[dict[str, Any]] | None) -> str:
    """The text the model continues: the conversation so far, then the assistant header."""
    return tokenizer.apply_chat_template([normalise_message(m) for m in messages], tools=tools or None,
                                         add_generation_prompt=True, tokenize=False)


def encode_example(tokenizer: Any, example: Example) -> tuple[list[int], list[int]]:
    """(input_ids, completion_mask) of one row: 1 marks the assistant's tokens, the only ones the loss sees."""
    prompt = render_prompt(tokenizer, example.prompt, example.tools)
    full = tokenizer.apply_chat_template([*example.prompt, example.completion], tools=example.tools or None,
                                         tokenize=False)
    if not full.startswith(prompt):
        raise ChatTemplateError(
            f"row {example.id}: the chat template renders the prompt differently when the answer follows it, so "
            "the model would be trained on a prompt the server never sends; use a prefix-preserving template "
            "(--chat-template FILE.jinja)")
    prompt_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
    completion_ids = tokenizer(full[len(prompt):], add_special_tokens=False)["input_ids"]
    return prompt_ids + completion_ids, [0] * len(prompt_ids) + [1] * len(completion_ids)
