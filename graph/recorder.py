"""A LangChain callback that records every model call of a run: which role asked, the exact messages sent, the
raw output, the token usage and the timing.

This is what the data pipeline reads to check that exported training examples are byte-for-byte what the runtime
sent, and what the trajectory viewer shows as "what the model saw". It works with any chat model (remote, the
reference policy, scripted doubles) because it listens to LangChain's callbacks rather than wrapping models.
Pass it to `graph.runs.stream_run(..., callbacks=[recorder])`; with `path` set each call is also appended to a
JSONL file the moment it finishes, so a crash loses at most the call in flight.

Messages are stored in OpenAI's chat format (`role`, `content`, `tool_calls` with JSON-string arguments), the
form a model API receives; `tools` holds the tool schemas when the model was bound to tools. Known secret
values are redacted before anything is kept (defence in depth: prompts are built from redacted state).
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

from langchain_core.callbacks import AsyncCallbackHandler
from langchain_core.messages import BaseMessage, convert_to_openai_messages
from langchain_core.outputs import LLMResult

from nodes.prompts import FACTS_KEY
from tools import secrets

ROLE_OF_NODE = {"planner": "planner", "executor": "executor", "replan": "replanner"}


@dataclass
class ModelCall:
    role: str  # planner | executor | replanner (or "" for calls outside the agent's nodes, e.g. a judge)
    node: str  # the graph node that made the call
    thread_id: str
    task_id: str
    attempt: int  # 0 for the first try, n for the n-th retry after unusable output
    step: int  # actions taken before this call
    messages: list[dict[str, Any]]
    tools: list[dict[str, Any]] = field(default_factory=list)
    output: dict[str, Any] = field(default_factory=dict)  # the assistant message, OpenAI format
    usage: dict[str, int] = field(default_factory=dict)
    error: str = ""
    started_at: float = 0.0
    duration_ms: int = 0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def openai_messages(messages: list[BaseMessage]) -> list[dict[str, Any]]:
    """LangChain messages in OpenAI's chat format: the one converter the recorder and the data export share."""
    converted = convert_to_openai_messages(messages)
    return converted if isinstance(converted, list) else [converted]


class ModelCallRecorder(AsyncCallbackHandler):
    """Collects `ModelCall`s in `calls` (in the order they finished) and optionally appends them to `path`."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.calls: list[ModelCall] = []
        self.path = Path(path) if path else None
        self._open: dict[UUID, ModelCall] = {}

    async def on_chat_model_start(self, serialized: dict[str, Any], messages: list[list[BaseMessage]], *,
                                  run_id: UUID, parent_run_id: UUID | None = None, tags: list[str] | None = None,
                                  metadata: dict[str, Any] | None = None, **kwargs: Any) -> None:
        metadata = metadata or {}
        node = str(metadata.get("langgraph_node", ""))
        facts = metadata.get(FACTS_KEY) or {}
        params = kwargs.get("invocation_params") or {}
        self._open[run_id] = ModelCall(
            role=str(metadata.get("plan_and_act_role") or ROLE_OF_NODE.get(node, "")), node=node,
            thread_id=str(metadata.get("thread_id", "")), task_id=str(metadata.get("task_id", "")),
            attempt=int(metadata.get("plan_and_act_attempt", 0)), step=int(facts.get("actions_taken", 0)),
            messages=secrets.redact_value(openai_messages(messages[0] if messages else [])),
            tools=list(params.get("tools") or []), started_at=time.time())

    async def on_llm_end(self, response: LLMResult, *, run_id: UUID, **kwargs: Any) -> None:
        call = self._open.pop(run_id, None)
        if call is None:
            return
        generation = response.generations[0][0] if response.generations and response.generations[0] else None
        message = getattr(generation, "message", None)
        if message is not None:
            call.output = secrets.redact_value(openai_messages([message])[0])
            usage = getattr(message, "usage_metadata", None) or {}
            call.usage = {"input_tokens": int(usage.get("input_tokens", 0)),
                          "output_tokens": int(usage.get("output_tokens", 0))}
        self._finish(call)

    async def on_llm_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        call = self._open.pop(run_id, None)
        if call is not None:
            call.error = secrets.redact(f"{type(error).__name__}: {error}")[:1000]
            self._finish(call)

    def _finish(self, call: ModelCall) -> None:
        call.duration_ms = int((time.time() - call.started_at) * 1000)
        self.calls.append(call)
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as sink:
                sink.write(json.dumps(call.to_json(), ensure_ascii=False) + "\n")

    def for_thread(self, thread_id: str) -> list[ModelCall]:
        return [call for call in self.calls if call.thread_id == thread_id]


def read_calls(path: str | Path) -> list[ModelCall]:
    """The calls a recorder appended to `path`."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [ModelCall(**json.loads(line)) for line in lines if line.strip()]
