"""Reading tool calls out of generated text, for the OpenAI-compatible server.

Models write tool calls as text in their chat template's own syntax: Qwen/Hermes `<tool_call>{json}</tool_call>`,
Mistral `[TOOL_CALLS][...]`, Llama 3.x `<|python_tag|>` or a bare `{"name": ..., "parameters": ...}`. When the
tokenizer knows its template's response format (`tokenizer.response_template`, which transformers and TRL set
for the templates they recognise), that parser is tried first; the generic rules here cover the rest.

A generation that looks like a tool call but does not parse (cut JSON, a missing name, arguments that are not
an object) is returned as plain text content: the agent then tells the model what was wrong and asks again,
which it cannot do after an HTTP error. Nothing here raises on any input.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

MARKERS = ("<tool_call>", "[TOOL_CALLS]", "<|python_tag|>")
_TAGGED = re.compile(r"<tool_call>\s*(.*?)\s*(?:</tool_call>|\Z)", re.S)
_FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.S)


@dataclass
class ParsedOutput:
    content: str
    tool_calls: list[dict[str, Any]] = field(default_factory=list)  # [{"name": str, "arguments": dict}]
    malformed: str = ""  # why text that looked like a tool call was kept as text


def _call(item: Any) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise ValueError("a tool call is not a JSON object")
    if isinstance(item.get("function"), dict):  # OpenAI shape {"type": "function", "function": {...}}
        item = item["function"]
    name = item.get("name")
    arguments = item.get("arguments", item.get("parameters", {}))
    if isinstance(arguments, str):
        arguments = json.loads(arguments) if arguments.strip() else {}
    if not isinstance(name, str) or not name:
        raise ValueError("a tool call has no name")
    if not isinstance(arguments, dict):
        raise ValueError(f"the arguments of {name!r} are not a JSON object")
    return {"name": name, "arguments": arguments}


def _calls(value: Any) -> list[dict[str, Any]]:
    items = value if isinstance(value, list) else [value]
    if not items:
        raise ValueError("an empty list of tool calls")
    return [_call(item) for item in items]


def _json_values(text: str) -> list[Any]:
    """One JSON value, or several separated by `;` or newlines (Llama's python_tag style)."""
    decoder, values, position = json.JSONDecoder(), [], 0
    while position < len(text):
        while position < len(text) and text[position] in " \t\r\n;":
            position += 1
        if position >= len(text):
            break
        value, position = decoder.raw_decode(text, position)
        values.append(value)
    if not values:
        raise ValueError("a tool-call marker with no call after it")
    return values


def parse_generic(text: str) -> ParsedOutput:
    if "<tool_call>" in text:
        content = text[: text.index("<tool_call>")].strip()
        calls = [call for block in _TAGGED.findall(text) for value in _json_values(block) for call in _calls(value)]
        return ParsedOutput(content, calls)
    for marker in ("[TOOL_CALLS]", "<|python_tag|>"):
        if marker in text:
            content, _, rest = text.partition(marker)
            rest = rest.removesuffix("</s>").strip()
            return ParsedOutput(content.strip(), [c for v in _json_values(rest) for c in _calls(v)])
    stripped = text.strip()
    fenced = _FENCE.match(stripped)
    candidate = fenced.group(1) if fenced else stripped
    if candidate.startswith(("{", "[")):
        try:
            value = json.loads(candidate)
        except json.JSONDecodeError:
            return ParsedOutput(text)
        items = value if isinstance(value, list) else [value]
        if items and all(isinstance(v, dict) and ("name" in v or isinstance(v.get("function"), dict))
                         for v in items):
            return ParsedOutput("", _calls(value))
    return ParsedOutput(text)


def _parse_with_template(tokenizer: Any, text: str, prompt: str, tools: list[dict[str, Any]] | None
                         ) -> ParsedOutput | None:
    if tokenizer is None or getattr(tokenizer, "response_template", None) is None:
        return None
    try:
        message = tokenizer.parse_response(text, prefix=prompt, tools=tools or None)
    except Exception:  # a template parser fails in its own ways on odd text; the generic rules still apply
        return None
    if not isinstance(message, dict) or not message.get("tool_calls"):
        return None
    return ParsedOutput(str(message.get("content") or "").strip(), _calls(message["tool_calls"]))


def parse_generation(text: str, *, tokenizer: Any = None, prompt: str = "",
                     tools: list[dict[str, Any]] | None = None) -> ParsedOutput:
    """Content and tool calls of one generation; malformed calls come back as the whole text."""
    try:
        parsed = _parse_with_template(tokenizer, text, prompt, tools) or parse_generic(text)
    except Exception as exc:  # noqa: BLE001 - malformed JSON, bad shapes, absurd nesting: all become text
        return ParsedOutput(text, [], f"{type(exc).__name__}: {exc}")
    return parsed


def openai_tool_calls(calls: list[dict[str, Any]], ids: list[str]) -> list[dict[str, Any]]:
    """OpenAI's wire shape: arguments as a JSON string."""
    return [{"id": call_id, "type": "function",
             "function": {"name": call["name"], "arguments": json.dumps(call["arguments"], ensure_ascii=False)}}
            for call, call_id in zip(calls, ids)]


class StreamSplitter:
    """Streams plain text as it is generated but holds back anything that may be a tool call, so a client never
    receives half a tool call as content. Text before a marker streams; from the marker on, the rest waits for
    the end of the generation and is then parsed whole. Stop strings end the text (and are never sent)."""

    def __init__(self, tokenizer: Any = None, prompt: str = "", tools: list[dict[str, Any]] | None = None, *,
                 markers_wanted: bool = True, stops: list[str] | None = None) -> None:
        self.text = ""
        self.sent = 0
        self.holding = False
        self.stopped = False
        self.markers_wanted = markers_wanted
        self.stops = [stop for stop in stops or [] if stop]
        self._watch = (*(MARKERS if markers_wanted else ()), *self.stops)
        self._parse_args = {"tokenizer": tokenizer, "prompt": prompt, "tools": tools}

    def _partial(self) -> int:
        """Length of the longest end of the unsent text that could still grow into a marker or a stop string."""
        longest = max(map(len, self._watch), default=1) - 1
        for size in range(min(len(self.text) - self.sent, longest), 0, -1):
            if any(watched.startswith(self.text[-size:]) for watched in self._watch):
                return size
        return 0

    def feed(self, piece: str) -> str:
        """Text that can be sent as content now."""
        if self.stopped:
            return ""
        self.text += piece
        hits = [self.text.index(stop) for stop in self.stops if stop in self.text]
        if hits:
            self.text, self.stopped = self.text[: min(hits)], True
        if self.holding:
            return ""
        pending = self.text[self.sent:]
        if self.markers_wanted and self.sent == 0:
            if not pending.strip() and not self.stopped:
                return ""
            if pending.lstrip()[:1] in ("{", "[", "`"):
                self.holding = True  # a bare JSON call may be starting
                return ""
        marks = [pending.index(m) for m in MARKERS if m in pending] if self.markers_wanted else []
        if marks:
            self.holding = True
            ready = pending[: min(marks)].rstrip()
        else:
            ready = pending if self.stopped else pending[: len(pending) - self._partial()]
            if self.markers_wanted and not self.stopped:
                ready = ready[: len(ready.rstrip())]  # whitespace waits: a tool call may follow it
        self.sent += len(ready)
        return ready

    def finish(self) -> tuple[str, ParsedOutput]:
        """(content not yet sent, the parse of the whole generation)."""
        parsed = parse_generation(self.text, **self._parse_args) if self.markers_wanted else ParsedOutput(self.text)
        if parsed.tool_calls:  # what came before the call was streamed already
            return ("" if self.sent else parsed.content), parsed
        return self.text[self.sent:], parsed
