"""TEMPORARY stand-in for the data pipeline's export (`plan-and-act synth export`, issue 8), in its contract's format.

Until that export exists, the trainer's tests train on this: a few embedded tasks run through the real graph with
the reference ("oracle") policy; every model call of each episode is rebuilt from its final state
(`graph.moments`) and turned into messages by the runtime's own prompt builder (`nodes.prompts.build_messages`),
the answer being the plan the oracle wrote or the action it took. Replace the body of `sft_export` with a call to
the pipeline's export when it lands; nothing else should change.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
from pathlib import Path
from typing import Any

from langchain_core.utils.function_calling import convert_to_openai_tool
from langgraph.checkpoint.memory import InMemorySaver

from graph.context import Context
from graph.moments import Moment, all_moments
from graph.recorder import openai_messages
from harness.episode import PolicyChoice, run_embedded_task
from nodes import prompts
from nodes.plan_text import render_plan
from nodes.toolset import executor_tools
from webenv.tasks.suite import task_by_id

# Short tasks over four sites; the last two are the validation split (split by task, never one task on both sides).
TRAIN_TASKS = (5, 8, 13, 16, 23, 65, 113, 157, 160)
VALIDATION_TASKS = (9, 24)
# Tasks no row comes from, for tests and demos that run the tuned models on unseen work.
HELD_OUT_TASKS = (14, 25, 161)
# A smaller page budget than the runtime's default keeps rows short, so the tiny model trains in seconds.
SETTINGS = Context(mode="plan_and_act", max_steps=10, observation_tokens=1500)


def _tools() -> list[dict[str, Any]]:
    return [convert_to_openai_tool(tool) for tool in executor_tools(SETTINGS)]


def prompt_version() -> str:
    digest = hashlib.sha256()
    for text in (prompts.PLANNER_SYSTEM, prompts.REPLANNER_SYSTEM, prompts.EXECUTOR_SYSTEM):
        digest.update(text.encode())
    digest.update(json.dumps(_tools(), sort_keys=True).encode())
    return digest.hexdigest()


def _rows(task_id: int, number: int, moment: Moment) -> tuple[dict[str, Any], dict[str, Any]]:
    """(openai row, trl row) of one model call."""
    prompt = openai_messages(prompts.build_messages(moment.role, moment.state, SETTINGS))  # type: ignore[arg-type]
    if moment.action is not None:
        name, args = moment.action["action"], dict(moment.action["args"])
        tools = _tools()
        openai_row = {"messages": [*prompt, {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_0", "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}]}],
            "tools": tools, "parallel_tool_calls": False}
        completion = {"role": "assistant", "content": "",
                      "tool_calls": [{"type": "function", "function": {"name": name, "arguments": args}}]}
        trl_tools = json.dumps(tools)
    else:
        assert moment.plan_written is not None
        completion = {"role": "assistant",
                      "content": render_plan(moment.plan_written["steps"], moment.plan_written["notes"])}
        openai_row = {"messages": [*prompt, completion]}
        trl_tools = "[]"
    trl_row = {"id": f"task-{task_id}-{number}", "group": f"task-{task_id}", "prompt": prompt,
               "completion": [completion], "tools": trl_tools}
    return openai_row, trl_row


async def _episode_states(task_ids: tuple[int, ...]) -> dict[int, dict[str, Any]]:
    """The final state of an oracle episode per task, read back from its checkpoint."""
    saver = InMemorySaver()
    two_at_a_time = asyncio.Semaphore(2)
    states: dict[int, dict[str, Any]] = {}

    async def one(task_id: int) -> None:
        thread_id = uuid.uuid4().hex
        async with two_at_a_time:
            result = await run_embedded_task(task_by_id(task_id), PolicyChoice(kind="oracle"), SETTINGS,
                                             checkpointer=saver, thread_id=thread_id)
        assert result.passed, f"the oracle failed task {task_id}: {result.stop_reason}"
        checkpoint = await saver.aget_tuple({"configurable": {"thread_id": thread_id}})
        assert checkpoint is not None
        states[task_id] = dict(checkpoint.checkpoint["channel_values"])

    await asyncio.gather(*(one(task_id) for task_id in task_ids))
    return states


def sft_export(directory: Path) -> Path:
    """Write an export directory (manifest.json, <role>.<format>.<split>.jsonl, stats.md); returns the directory."""
    directory.mkdir(parents=True, exist_ok=True)
    states = asyncio.run(_episode_states(TRAIN_TASKS + VALIDATION_TASKS))
    files: list[dict[str, Any]] = []
    for split, task_ids in (("train", TRAIN_TASKS), ("validation", VALIDATION_TASKS)):
        rows: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for task_id in task_ids:
            for number, moment in enumerate(all_moments(states[task_id])):  # type: ignore[arg-type]
                openai_row, trl_row = _rows(task_id, number, moment)
                rows.setdefault((moment.role, "openai"), []).append(openai_row)
                rows.setdefault((moment.role, "trl"), []).append(trl_row)
        for (role, fmt), items in sorted(rows.items()):
            path = directory / f"{role}.{fmt}.{split}.jsonl"
            path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in items))
            files.append({"path": path.name, "role": role, "format": fmt, "split": split, "rows": len(items),
                          "sha256": hashlib.sha256(path.read_bytes()).hexdigest()})
    manifest = {"kind": "plan-and-act-sft-export", "version": 1, "prompt_version": prompt_version(),
                "files": files, "stats": {"source": "tests.support.sft_export (temporary: oracle episodes)",
                                          "tasks": {"train": list(TRAIN_TASKS), "validation": list(VALIDATION_TASKS)}}}
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    (directory / "stats.md").write_text("# Export stats\n\n" + "".join(
        f"- {f['path']}: {f['rows']} rows\n" for f in files))
    return directory
