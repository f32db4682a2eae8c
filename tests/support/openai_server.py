"""A small OpenAI-compatible chat-completions server on 127.0.0.1, answering from a policy function.

It lets tests drive the real `langchain-openai` client over real HTTP (request shape, tool calls, `usage`,
streaming) with deterministic answers. The policy sees LangChain messages and returns an AIMessage, so any
chat model — the reference policy, a scripted model — can sit behind it. A policy may also answer with a
`Fault` (an HTTP error such as 429 or 500, with headers like Retry-After) or a `Delay` (an answer that comes
late, to exercise client timeouts): what a real provider does to a data pipeline on a bad day.
"""

from __future__ import annotations

import asyncio
import json
import math
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route

from nodes import prompts


@dataclass(frozen=True)
class Fault:
    """An HTTP error instead of a completion, in OpenAI's error shape."""

    status: int
    message: str = "scripted fault"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Delay:
    """Answer `then` only after `seconds` (a client with a shorter timeout gives up first)."""

    seconds: float
    then: AIMessage | Fault


Policy = Callable[[list[BaseMessage]], "AIMessage | Fault | Delay"]


@dataclass
class Served:
    """One answered request: which role asked (from the system prompt) and the usage reported for it."""

    role: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    tool_names: list[str]


@dataclass
class CompletionLog:
    served: list[Served] = field(default_factory=list)
    images: list[str] = field(default_factory=list)  # every image URL a request carried (data: URLs)
    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: int = 0  # every request, answered or faulted
    faults: int = 0

    def usage_by_role(self) -> dict[str, dict[str, int]]:
        totals: dict[str, dict[str, int]] = {}
        with self.lock:
            for item in self.served:
                entry = totals.setdefault(item.role, {"input_tokens": 0, "output_tokens": 0, "calls": 0})
                entry["input_tokens"] += item.prompt_tokens
                entry["output_tokens"] += item.completion_tokens
                entry["calls"] += 1
        return totals


def _text(content: Any) -> str:
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content or "")


def to_langchain(messages: list[dict[str, Any]]) -> list[BaseMessage]:
    converted: list[BaseMessage] = []
    for message in messages:
        role, content = message.get("role"), _text(message.get("content"))
        if role == "system":
            converted.append(SystemMessage(content))
        elif role == "assistant":
            converted.append(AIMessage(content))
        else:
            converted.append(HumanMessage(content))
    return converted


def _tool_calls(message: AIMessage) -> list[dict[str, Any]]:
    return [{"id": call.get("id") or f"call_{uuid.uuid4().hex[:8]}", "type": "function",
             "function": {"name": call["name"], "arguments": json.dumps(call["args"])}}
            for call in message.tool_calls]


def create_app(policy: Policy, log: CompletionLog) -> Starlette:
    async def completions(request: Request) -> Any:
        body = await request.json()
        messages = to_langchain(body.get("messages", []))
        with log.lock:
            log.images.extend(part["image_url"]["url"] for message in body.get("messages", [])
                              if isinstance(message.get("content"), list) for part in message["content"]
                              if isinstance(part, dict) and part.get("type") == "image_url")
        answer = policy(messages)
        with log.lock:
            log.requests += 1
        if isinstance(answer, Delay):
            await asyncio.sleep(answer.seconds)
            answer = answer.then
        if isinstance(answer, Fault):
            with log.lock:
                log.faults += 1
            return JSONResponse({"error": {"message": answer.message, "type": "scripted", "code": answer.status}},
                                status_code=answer.status, headers=answer.headers)
        prompt_tokens = math.ceil(sum(len(str(m.content)) for m in messages) / 4)
        completion_tokens = math.ceil(len(str(answer.content)) / 4) + 12 * len(answer.tool_calls)
        with log.lock:
            log.served.append(Served(role=prompts.read_role(messages), model=body.get("model", ""),
                                     prompt_tokens=prompt_tokens, completion_tokens=completion_tokens,
                                     tool_names=[t["function"]["name"] for t in body.get("tools", [])]))
        usage = {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                 "total_tokens": prompt_tokens + completion_tokens}
        message: dict[str, Any] = {"role": "assistant", "content": str(answer.content or "")}
        if answer.tool_calls:
            message["tool_calls"] = _tool_calls(answer)
        finish = "tool_calls" if answer.tool_calls else "stop"
        base = {"id": f"chatcmpl-{uuid.uuid4().hex[:10]}", "created": int(time.time()), "model": body.get("model", "")}
        if not body.get("stream"):
            return JSONResponse({**base, "object": "chat.completion", "usage": usage,
                                 "choices": [{"index": 0, "message": message, "finish_reason": finish}]})

        async def events() -> AsyncIterator[str]:
            delta = dict(message)
            if "tool_calls" in delta:
                delta["tool_calls"] = [{**call, "index": i} for i, call in enumerate(delta["tool_calls"])]
            chunk = {**base, "object": "chat.completion.chunk",
                     "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
            yield f"data: {json.dumps(chunk)}\n\n"
            if (body.get("stream_options") or {}).get("include_usage"):
                yield f"data: {json.dumps({**base, 'object': 'chat.completion.chunk', 'choices': [], 'usage': usage})}\n\n"
            yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    async def models(request: Request) -> JSONResponse:
        return JSONResponse({"object": "list", "data": [{"id": "loopback", "object": "model"}]})

    return Starlette(routes=[Route("/v1/chat/completions", completions, methods=["POST"]),
                             Route("/v1/models", models)])
