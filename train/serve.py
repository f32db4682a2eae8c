"""A small OpenAI-compatible server for a model `plan-and-act train` wrote: `/v1/chat/completions`, `/v1/models`.

For small models on a CPU (tests, demos, a laptop); real models belong behind vLLM (see the README). It exists
because the agent must be able to treat a tuned model like any other OpenAI endpoint, and the alternatives fail
the agent in ways that matter: `transformers serve` answers a malformed tool call with HTTP 500 (the agent can
recover from bad output, not from a dead request) and insists the request's model name equal its path.

- Requests are rendered with the model's own chat template, tools included (`train.chat.render_prompt`, the
  same function that encoded the training rows), then generated greedily at temperature 0, sampled otherwise.
- Tool calls are parsed out of the generated text into `tool_calls` with JSON-string arguments; text that does
  not parse is returned as plain content (`train.toolcalls`). `usage` counts real tokens.
- `stream: true` sends Server-Sent Events: content as it is generated (a possible tool call is held back until
  it can be parsed whole), then the tool calls, then a usage chunk when `stream_options.include_usage` is set.
- Any `model` name is accepted (one model is served); generations run one at a time.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route

from train.chat import render_prompt
from train.toolcalls import ParsedOutput, StreamSplitter, openai_tool_calls, parse_generation

ROLES = ("system", "developer", "user", "assistant", "tool")


class BadRequest(ValueError):
    def __init__(self, message: str, param: str = "", code: str = "") -> None:
        super().__init__(message)
        self.param, self.code = param, code


@dataclass
class Completion:
    """One request, validated and rendered."""

    model: str
    prompt: str
    prompt_ids: list[int]
    tools: list[dict[str, Any]] | None
    parse_tools: bool
    max_new_tokens: int
    temperature: float
    top_p: float
    stop: list[str]
    seed: int | None
    stream: bool
    include_usage: bool
    single_call: bool


@dataclass
class Generated:
    text: str
    completion_tokens: int
    hit_length: bool
    parsed: ParsedOutput = field(default_factory=lambda: ParsedOutput(""))


def _error(status: int, message: str, param: str = "", code: str = "") -> JSONResponse:
    kind = "invalid_request_error" if status < 500 else "server_error"
    return JSONResponse({"error": {"message": message, "type": kind, "param": param or None, "code": code or None}},
                        status_code=status)


def _cut_at_stop(text: str, stops: list[str]) -> tuple[str, bool]:
    hits = [text.index(stop) for stop in stops if stop and stop in text]
    return (text[: min(hits)], True) if hits else (text, False)


class _TextStreamer:
    """Receives token ids from `generate` (the prompt first, then each new token) and hands on decoded text as
    soon as it is whole (no half UTF-8 characters), leaving out stop tokens."""

    def __init__(self, tokenizer: Any, stop_ids: set[int], on_text: Callable[[str], None]) -> None:
        self.tokenizer, self.stop_ids, self.on_text = tokenizer, stop_ids, on_text
        self.ids: list[int] = []
        self.sent = 0
        self.prompt_seen = False

    def put(self, value: Any) -> None:
        if not self.prompt_seen:
            self.prompt_seen = True
            return
        self.ids.extend(int(i) for i in value.reshape(-1).tolist() if int(i) not in self.stop_ids)
        text = self.tokenizer.decode(self.ids)
        if not text.endswith("\ufffd") and len(text) > self.sent:
            self.on_text(text[self.sent:])
            self.sent = len(text)

    def end(self) -> None:
        text = self.tokenizer.decode(self.ids)
        if len(text) > self.sent:
            self.on_text(text[self.sent:])
            self.sent = len(text)


class ServedModel:
    def __init__(self, model: Any, tokenizer: Any, name: str, max_new_tokens: int = 1024) -> None:
        self.model, self.tokenizer, self.name = model, tokenizer, name
        self.max_new_tokens = max_new_tokens
        self.lock = asyncio.Lock()
        config_eos = getattr(model.generation_config, "eos_token_id", None)
        eos = config_eos if isinstance(config_eos, list) else [config_eos]
        self.stop_ids = {int(i) for i in [*eos, tokenizer.eos_token_id] if i is not None}
        self.pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else min(self.stop_ids)
        self.context = int(getattr(model.config, "max_position_embeddings", 0) or 0)

    # --- requests ---

    def completion(self, body: Any) -> Completion:
        if not isinstance(body, dict):
            raise BadRequest("the request body must be a JSON object")
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            raise BadRequest("`messages` must be a non-empty list", "messages")
        for index, message in enumerate(messages):
            if not isinstance(message, dict) or message.get("role") not in ROLES:
                raise BadRequest(f"messages[{index}] needs a role, one of {', '.join(ROLES)}", "messages")
        messages = [{**m, "role": "system"} if m["role"] == "developer" else m for m in messages]
        if int(body.get("n") or 1) != 1:
            raise BadRequest("only n=1 is supported", "n")
        tools = body.get("tools") or None
        if tools is not None and (not isinstance(tools, list) or not all(
                isinstance(t, dict) and isinstance(t.get("function"), dict) for t in tools)):
            raise BadRequest("`tools` must be a list of {\"type\": \"function\", \"function\": {...}}", "tools")
        try:
            prompt = render_prompt(self.tokenizer, messages, tools)
        except Exception as exc:  # the template's own checks (role order, missing fields) are request errors
            raise BadRequest(f"the chat template cannot render these messages: {exc}", "messages") from exc
        prompt_ids = self.tokenizer(prompt, add_special_tokens=False)["input_ids"]
        requested = body.get("max_completion_tokens") or body.get("max_tokens") or self.max_new_tokens
        room = self.context - len(prompt_ids) if self.context else int(requested)
        if room <= 0:
            raise BadRequest(f"the prompt has {len(prompt_ids)} tokens; this model's context is {self.context}",
                             "messages", "context_length_exceeded")
        stop = body.get("stop") or []
        stop = [stop] if isinstance(stop, str) else [s for s in stop if isinstance(s, str)]
        temperature = body.get("temperature")
        top_p = body.get("top_p")
        return Completion(
            model=str(body.get("model") or self.name), prompt=prompt, prompt_ids=prompt_ids, tools=tools,
            parse_tools=tools is not None and body.get("tool_choice") != "none",
            max_new_tokens=max(1, min(int(requested), room)),
            temperature=float(0.0 if temperature is None else temperature),
            top_p=float(1.0 if top_p is None else top_p),
            stop=stop, seed=body.get("seed"), stream=bool(body.get("stream")),
            include_usage=bool((body.get("stream_options") or {}).get("include_usage")),
            single_call=body.get("parallel_tool_calls") is False)

    # --- generation (runs in a worker thread) ---

    def generate(self, request: Completion, on_text: Callable[[str], None] | None = None) -> Generated:
        import torch

        input_ids = torch.tensor([request.prompt_ids], device=self.model.device)
        options: dict[str, Any] = {"max_new_tokens": request.max_new_tokens, "eos_token_id": sorted(self.stop_ids),
                                   "pad_token_id": self.pad_id, "attention_mask": torch.ones_like(input_ids)}
        if request.temperature > 0:
            options.update(do_sample=True, temperature=request.temperature, top_p=request.top_p)
            if request.seed is not None:
                torch.manual_seed(int(request.seed))
        else:
            options.update(do_sample=False, temperature=None, top_p=None, top_k=None)
        if request.stop:
            options.update(stop_strings=request.stop, tokenizer=self.tokenizer)
        if on_text is not None:
            options["streamer"] = _TextStreamer(self.tokenizer, self.stop_ids, on_text)
        with torch.no_grad():
            output = self.model.generate(input_ids, **options)
        new_ids = output[0, len(request.prompt_ids):].tolist()
        ended = bool(new_ids) and new_ids[-1] in self.stop_ids
        text = self.tokenizer.decode([i for i in new_ids if i not in self.stop_ids])
        text, stopped = _cut_at_stop(text, request.stop)
        return Generated(text=text, completion_tokens=len(new_ids),
                         hit_length=not ended and not stopped and len(new_ids) >= request.max_new_tokens)

    def parse(self, request: Completion, text: str) -> ParsedOutput:
        if not request.parse_tools:
            return ParsedOutput(text)
        parsed = parse_generation(text, tokenizer=self.tokenizer, prompt=request.prompt, tools=request.tools)
        if request.single_call:
            parsed.tool_calls = parsed.tool_calls[:1]
        return parsed


def _usage(request: Completion, completion_tokens: int) -> dict[str, int]:
    prompt_tokens = len(request.prompt_ids)
    return {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens}


def _finish_reason(parsed: ParsedOutput, generated: Generated) -> str:
    if parsed.tool_calls:
        return "tool_calls"
    return "length" if generated.hit_length else "stop"


def _call_ids(count: int) -> list[str]:
    return [f"call_{uuid.uuid4().hex[:24]}" for _ in range(count)]


def create_app(served: ServedModel) -> Starlette:
    async def completions(http: Request) -> Any:
        try:
            body = await http.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            return _error(400, "the request body is not valid JSON")
        try:
            request = served.completion(body)
        except BadRequest as exc:
            return _error(400, str(exc), exc.param, exc.code)
        except (TypeError, ValueError, AttributeError) as exc:  # a field of the wrong type (e.g. "max_tokens": "x")
            return _error(400, f"malformed request: {exc}")
        base = {"id": f"chatcmpl-{uuid.uuid4().hex}", "created": int(time.time()), "model": request.model,
                "system_fingerprint": None}
        if request.stream:
            return StreamingResponse(_events(served, request, base), media_type="text/event-stream")
        async with served.lock:
            generated = await asyncio.to_thread(served.generate, request)
        parsed = served.parse(request, generated.text)
        message: dict[str, Any] = {"role": "assistant", "content": parsed.content if parsed.tool_calls else
                                   generated.text}
        if parsed.tool_calls:
            message["tool_calls"] = openai_tool_calls(parsed.tool_calls, _call_ids(len(parsed.tool_calls)))
        return JSONResponse({**base, "object": "chat.completion",
                             "choices": [{"index": 0, "message": message, "logprobs": None,
                                          "finish_reason": _finish_reason(parsed, generated)}],
                             "usage": _usage(request, generated.completion_tokens)})

    async def models(http: Request) -> JSONResponse:
        return JSONResponse({"object": "list", "data": [
            {"id": served.name, "object": "model", "created": 0, "owned_by": "plan-and-act"}]})

    async def health(http: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "model": served.name})

    return Starlette(routes=[Route("/v1/chat/completions", completions, methods=["POST"]),
                             Route("/v1/models", models), Route("/health", health)])


async def _events(served: ServedModel, request: Completion, base: dict[str, Any]) -> AsyncIterator[str]:
    def chunk(delta: dict[str, Any] | None, finish: str | None = None, **extra: Any) -> str:
        choices = [] if delta is None else [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]
        return f"data: {json.dumps({**base, 'object': 'chat.completion.chunk', 'choices': choices, **extra})}\n\n"

    loop = asyncio.get_running_loop()
    pieces: asyncio.Queue[str | None] = asyncio.Queue()
    splitter = StreamSplitter(served.tokenizer if request.parse_tools else None, request.prompt, request.tools,
                              markers_wanted=request.parse_tools, stops=request.stop)
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["generated"] = served.generate(request, lambda text: loop.call_soon_threadsafe(
                pieces.put_nowait, text))
        except Exception as exc:  # noqa: BLE001 - reported to the client in the stream
            outcome["error"] = exc
        finally:
            loop.call_soon_threadsafe(pieces.put_nowait, None)

    yield chunk({"role": "assistant", "content": ""})
    async with served.lock:
        threading.Thread(target=work, daemon=True).start()
        while (piece := await pieces.get()) is not None:
            ready = splitter.feed(piece)
            if ready:
                yield chunk({"content": ready})
    if "error" in outcome:
        error = {"message": f"{type(outcome['error']).__name__}: {outcome['error']}", "type": "server_error"}
        yield f"data: {json.dumps({'error': error})}\n\n"
        yield "data: [DONE]\n\n"
        return
    generated: Generated = outcome["generated"]
    rest, parsed = splitter.finish()
    if request.single_call:
        parsed.tool_calls = parsed.tool_calls[:1]
    if rest:
        yield chunk({"content": rest})
    if parsed.tool_calls:
        calls = openai_tool_calls(parsed.tool_calls, _call_ids(len(parsed.tool_calls)))
        yield chunk({"tool_calls": [{"index": i, **call} for i, call in enumerate(calls)]})
    yield chunk({}, _finish_reason(parsed, generated))
    if request.include_usage:
        yield chunk(None, usage=_usage(request, generated.completion_tokens))
    yield "data: [DONE]\n\n"


def load_served_model(path: str | Path, *, base_model: str = "", name: str = "", max_new_tokens: int = 1024,
                      threads: int = 1) -> ServedModel:
    """The model in `path` (a LoRA adapter, merged into its base in memory, or a full model), ready to serve."""
    from train.loading import load_trained, prepare_process

    prepare_process(threads)
    model, tokenizer = load_trained(path, base_model, merge=True)
    if not getattr(tokenizer, "chat_template", None):
        raise ValueError(f"{path} has no chat template; requests cannot be rendered the way the model was trained")
    if getattr(tokenizer, "response_template", None) is None:
        try:  # transformers' own parser for the templates TRL recognises (Qwen, Llama 3, GPT-OSS, ...)
            from trl.chat_template_utils import add_response_schema

            add_response_schema(tokenizer)
        except (ImportError, ValueError):
            pass  # the generic parser in train.toolcalls still applies
    return ServedModel(model, tokenizer, name or Path(path).resolve().name, max_new_tokens)


async def serve(served: ServedModel, host: str, port: int, on_ready: Callable[[str], None] | None = None) -> None:
    """Serve until cancelled. The socket is bound before `on_ready` is called, so a client that reads the ready
    line can connect at once (its connection waits in the backlog while the server starts)."""
    import socket

    import uvicorn

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    server = uvicorn.Server(uvicorn.Config(create_app(served), log_level="warning", access_log=False))
    if on_ready is not None:
        on_ready(f"http://{host}:{sock.getsockname()[1]}/v1")
    await server.serve(sockets=[sock])
