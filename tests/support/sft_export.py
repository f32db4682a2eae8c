"""TEMPORARY stand-in for the data pipeline's export (`plan-and-act synth export`, issue 8), in its contract's format.

Until that export exists, the trainer's tests train on this: a few embedded tasks run through the real graph with
the reference ("oracle") policy, every model call recorded. So each row's prompt is exactly what the runtime's
prompt builders (`nodes.prompts`) produced for that role and state, and each completion is the oracle's answer.
Replace the body of `sft_export` with a call to the pipeline's export when it lands; nothing else should change.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, convert_to_openai_messages
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.utils.function_calling import convert_to_openai_tool

from graph.context import Context
from harness.episode import PolicyChoice, run_embedded_task
from nodes import prompts
from nodes.toolset import executor_tools
from policies.providers import register_scripted
from policies.reference import ReferencePolicy
from webenv.tasks.suite import EmbeddedTask, task_by_id

# Short tasks over four sites; the last two are the validation split (split by task, never one task on both sides).
TRAIN_TASKS = (5, 8, 13, 16, 23, 65, 113, 157, 160)
VALIDATION_TASKS = (9, 24)
# Tasks no row comes from, for tests and demos that run the tuned models on unseen work.
HELD_OUT_TASKS = (14, 25, 161)
# A smaller page budget than the runtime's default (6000) keeps rows short, so the tiny model trains in seconds.
OBSERVATION_TOKENS = 1500


class _Recorder(BaseChatModel):
    """The oracle, plus a log of every (prompt, answer) pair it was asked for."""

    inner: BaseChatModel
    calls: list[tuple[list[BaseMessage], AIMessage]] = []

    @property
    def _llm_type(self) -> str:
        return "recording-oracle"

    def bind_tools(self, tools: Any, **kwargs: Any) -> "_Recorder":
        return self

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        answer = self.inner.invoke(messages)
        self.calls.append((list(messages), answer))
        return ChatResult(generations=[ChatGeneration(message=answer)])


@dataclass(frozen=True)
class _RecordingOracle(PolicyChoice):
    kind: str = "recording-oracle"
    recorders: dict[str, _Recorder] = field(default_factory=dict)

    def model_settings(self, task: EmbeddedTask | None = None, placeholders: dict[str, str] | None = None,
                       key: str = "") -> dict[str, str]:
        assert task is not None
        recorder = _Recorder(inner=ReferencePolicy(solution=task.solution, placeholders=dict(placeholders or {})),
                             calls=[])
        self.recorders[str(task.task_id)] = recorder
        name = register_scripted(f"record-{key}", recorder)
        return {"planner_model": name, "executor_model": name}


def _tools() -> list[dict[str, Any]]:
    return [convert_to_openai_tool(tool) for tool in executor_tools(Context())]


def prompt_version() -> str:
    digest = hashlib.sha256()
    for text in (prompts.PLANNER_SYSTEM, prompts.REPLANNER_SYSTEM, prompts.EXECUTOR_SYSTEM):
        digest.update(text.encode())
    digest.update(json.dumps(_tools(), sort_keys=True).encode())
    return digest.hexdigest()


def _rows(task_id: int, calls: list[tuple[list[BaseMessage], AIMessage]]) -> dict[str, list[dict[str, Any]]]:
    """Rows per role in both contract formats; calls after a correction (not the runtime's first prompt) skipped."""
    rows: dict[str, list[dict[str, Any]]] = {}
    tools = _tools()
    for index, (messages, answer) in enumerate(calls):
        if len(messages) != 2:
            continue
        role = prompts.read_role(messages)
        prompt = convert_to_openai_messages(messages)
        if role == "executor":
            if not answer.tool_calls:
                continue
            calls_ = answer.tool_calls[:1]
            openai_completion = {"role": "assistant", "content": None, "tool_calls": [
                {"id": f"call_{n}", "type": "function",
                 "function": {"name": c["name"], "arguments": json.dumps(c["args"])}} for n, c in enumerate(calls_)]}
            trl_completion = {"role": "assistant", "content": "", "tool_calls": [
                {"type": "function", "function": {"name": c["name"], "arguments": c["args"]}} for c in calls_]}
            openai_row = {"messages": [*prompt, openai_completion], "tools": tools, "parallel_tool_calls": False}
            trl_tools = json.dumps(tools)
        else:
            text = str(answer.content)
            openai_completion = trl_completion = {"role": "assistant", "content": text}
            openai_row = {"messages": [*prompt, openai_completion]}
            trl_tools = "[]"
        trl_row = {"id": f"task-{task_id}-call-{index}", "group": f"task-{task_id}", "prompt": prompt,
                   "completion": [trl_completion], "tools": trl_tools}
        rows.setdefault(f"{role}.openai", []).append(openai_row)
        rows.setdefault(f"{role}.trl", []).append(trl_row)
    return rows


async def _record(task_ids: tuple[int, ...]) -> dict[int, list[tuple[list[BaseMessage], AIMessage]]]:
    policy = _RecordingOracle()
    two_at_a_time = asyncio.Semaphore(2)

    async def one(task_id: int) -> None:
        async with two_at_a_time:
            result = await run_embedded_task(task_by_id(task_id), policy, mode="plan_and_act", max_steps=10,
                                             extra_settings={"observation_tokens": OBSERVATION_TOKENS})
        assert result.passed, f"the oracle failed task {task_id}: {result.stop_reason}"

    await asyncio.gather(*(one(task_id) for task_id in task_ids))
    return {int(task_id): recorder.calls for task_id, recorder in policy.recorders.items()}


def sft_export(directory: Path) -> Path:
    """Write an export directory (manifest.json, <role>.<format>.<split>.jsonl, stats.md); returns the directory."""
    directory.mkdir(parents=True, exist_ok=True)
    recorded = asyncio.run(_record(TRAIN_TASKS + VALIDATION_TASKS))
    files: list[dict[str, Any]] = []
    for split, task_ids in (("train", TRAIN_TASKS), ("validation", VALIDATION_TASKS)):
        merged: dict[str, list[dict[str, Any]]] = {}
        for task_id in task_ids:
            for key, rows in _rows(task_id, recorded[task_id]).items():
                merged.setdefault(key, []).extend(rows)
        for key, rows in sorted(merged.items()):
            role, fmt = key.split(".")
            path = directory / f"{role}.{fmt}.{split}.jsonl"
            path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))
            files.append({"path": path.name, "role": role, "format": fmt, "split": split, "rows": len(rows),
                          "sha256": hashlib.sha256(path.read_bytes()).hexdigest()})
    stats = {"source": "tests.support.sft_export (temporary oracle recording)", "tasks": {
        "train": list(TRAIN_TASKS), "validation": list(VALIDATION_TASKS)}}
    manifest = {"kind": "plan-and-act-sft-export", "version": 1, "prompt_version": prompt_version(),
                "files": files, "stats": stats}
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    (directory / "stats.md").write_text("# Export stats\n\n" + "\n".join(
        f"- {f['path']}: {f['rows']} rows" for f in files) + "\n")
    return directory
