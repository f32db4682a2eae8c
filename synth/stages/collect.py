"""`synth collect`: run a policy over a task set through the real graph, one trajectory per episode.

Tasks are the embedded suite's training split (`synth.sources`) or generated queries (`synth queries`). Every
episode runs through the one run loop with the model-call recorder and an in-memory checkpointer (whose last
checkpoint is the episode's final state). Its outcome is the task's evaluator score; generated queries have no
evaluator, so a pluggable judge model says YES or NO from the intent, the actions and the last page.

Before a trajectory is written, the prompts are checked: for every model call of the episode, the messages the
runtime's prompt builder rebuilds from the recorded state (`graph.moments`) must equal, byte for byte, the
messages the recorder captured. So the training data exported from it is what the runtime sent.

Two episodes with the same intent are two trajectories: keys and ids hash the task, the settings, the repeat
number and (for ids) the episode itself, never the intent alone.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from langgraph.checkpoint.memory import InMemorySaver

from graph.builder import build_graph
from graph.context import Context
from graph.moments import all_moments
from graph.recorder import ModelCall, ModelCallRecorder, openai_messages
from graph.runs import stream_run, task_input
from graph.state import AgentState
from harness.episode import PolicyChoice, run_embedded_task
from nodes.prompts import build_messages, render_history
from synth import prompts, sources
from synth.jsonl import write_jsonl
from synth.records import record_id
from synth.runner import Reject, Result, Stage, StageError, Work
from synth.teacher import Invalid, Teacher, TeacherTask, ask_valid
from tools.session import BrowserSession, sessions
from webenv.judges import OfflineJudge
from webenv.server import start_environment
from webenv.tasks.config import substitute
from webenv.tasks.suite import EmbeddedTask

# Settings that change what an episode does (and so go into its key); model strings come from the policy.
EPISODE_SETTINGS = ("mode", "max_steps", "cot", "history_window", "viewport_only", "observation_tokens", "link_urls",
                    "temperature", "max_invalid_outputs", "loop_limit")
_VERDICT = re.compile(r"\b(YES|NO)\b")


def prompt_mismatches(state: AgentState, calls: Sequence[ModelCall], context: Context) -> list[str]:
    """Model calls whose messages the prompt builder does not rebuild byte for byte from the final state."""
    first_try = {(call.role, call.step): call for call in calls if call.attempt == 0 and not call.error}
    problems = []
    for moment in all_moments(state):
        step = moment.index + (1 if moment.role == "replanner" else 0)
        call = first_try.get((moment.role, step))
        if call is None:
            problems.append(f"{moment.role} at action {moment.index}: no recorded call")
        elif openai_messages(build_messages(moment.role, moment.state, context)) != call.messages:  # type: ignore[arg-type]
            problems.append(f"{moment.role} at action {moment.index}: rebuilt messages differ from the recorded ones")
    return problems


async def final_state(saver: InMemorySaver, thread_id: str) -> dict[str, Any]:
    """The episode's final state, from the last checkpoint, as plain JSON data."""
    snapshot = await build_graph(checkpointer=saver).aget_state({"configurable": {"thread_id": thread_id}})
    return json.loads(json.dumps(dict(snapshot.values), default=str))


def trajectory_record(state: dict[str, Any], calls: Sequence[ModelCall], *, task: dict[str, Any],
                      outcome: dict[str, Any], site: str, policy: str, context: Context, thread_id: str,
                      repeat: int = 0, seconds: float = 0.0) -> dict[str, Any]:
    """One trajectory: the task, the final state (every step with the page it was chosen on), the outcome."""
    body = {"kind": "trajectory", "site": site, "sites": task["sites"], "split": task["split"], "task": task,
            "policy": policy, "repeat": repeat, "thread_id": thread_id,
            "context": {name: getattr(context, name) for name in EPISODE_SETTINGS},
            "state": state, "outcome": outcome, "seconds": round(seconds, 2),
            "model_calls": {role: sum(1 for c in calls if c.role == role) for role in sorted({c.role for c in calls})}}
    return {"id": record_id("trajectory", body), **body}


def check_verdict(text: str) -> bool:
    found = _VERDICT.search(text.upper())
    if found is None:
        raise Invalid("bad_verdict", "answer YES or NO")
    return found.group(1) == "YES"


class Collect(Stage):
    name = "collect"
    templates = ("judge",)

    def __init__(self, judge: Teacher | None, queries: Sequence[Path] = (), *, policy: PolicyChoice,
                 settings: Context, split: str = sources.TRAIN, task_ids: Sequence[str] = (),
                 groups: Sequence[str] = (), repeats: int = 1, limit: int | None = None,
                 calls_dir: Path | None = None) -> None:
        episode = {name: getattr(settings, name) for name in EPISODE_SETTINGS}
        super().__init__(judge, queries, limit=limit,
                         settings={"policy": policy.label, "split": split, "repeats": repeats, "episode": episode,
                                   "judge": judge.id if judge is not None else None,
                                   "suite_has_splits": sources.has_splits()})
        if queries and policy.kind == "oracle":
            raise StageError("collect: generated queries have no reference solution; run them with a model "
                             "policy (--policy-model) and a --judge-model")
        self.policy, self.context, self.repeats = policy, settings, repeats
        self.split, self.task_ids, self.groups = split, {str(t) for t in task_ids}, set(groups)
        self.judge = judge
        self.calls_dir = calls_dir

    def works(self, round_number: int, kept: list[dict[str, Any]]) -> list[Work]:
        if round_number:
            return []
        items: list[tuple[str, Any, str]] = []  # (kind, task or query, site)
        if self.inputs:
            items = [("query", record, str(record.get("site", ""))) for record in self.read_inputs()
                     if record.get("kind") == "query"]
        else:
            for task in sources.tasks(self.split):
                if (self.task_ids and str(task.task_id) not in self.task_ids) or (self.groups and task.group not in
                                                                                  self.groups):
                    continue
                items.append(("task", task, task.group))
            items = items[: self.limit] if self.limit is not None else items
        units = []
        for kind, item, site in items:
            content = item.raw if kind == "task" else item
            for repeat in range(self.repeats):
                units.append(Work(self.key(kind, content, self.policy.label, repeat), len(units), (kind, item, repeat),
                                  f"task {item.task_id}" if kind == "task" else item["id"], site))
        return units

    async def run(self, work: Work) -> Result:
        kind, item, repeat = work.payload
        recorder = ModelCallRecorder()
        saver = InMemorySaver()
        thread_id = uuid.uuid4().hex
        started = time.monotonic()
        try:
            if kind == "task":
                outcome, task = await self._run_task(item, recorder, saver, thread_id)
            else:
                outcome, task = await self._run_query(item, recorder, saver, thread_id)
        except (Invalid, StageError):
            raise
        except Exception as exc:  # an infrastructure failure (a site that would not start, a crash): try again later
            return Result(rejects=[Reject("episode_error", f"{type(exc).__name__}: {exc}"[:500], work.source,
                                          final=False)])
        state = await final_state(saver, thread_id)
        calls = recorder.for_thread(thread_id)
        if self.calls_dir is not None:
            self.calls_dir.mkdir(parents=True, exist_ok=True)
            write_jsonl(self.calls_dir / f"{thread_id}.jsonl", (call.to_json() for call in calls))
        record = trajectory_record(state, calls, task=task, outcome=outcome, site=work.site, policy=self.policy.label,
                                   context=self.context, thread_id=thread_id, repeat=repeat,
                                   seconds=time.monotonic() - started)
        mismatches = prompt_mismatches(state, calls, self.context)  # type: ignore[arg-type]
        if mismatches:
            return Result(rejects=[Reject("prompt_mismatch", "; ".join(mismatches[:3]), work.source, record)])
        return Result(records=[record])

    async def _run_task(self, task: EmbeddedTask, recorder: ModelCallRecorder, saver: InMemorySaver,
                        thread_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
        judge = self.judge_model() or OfflineJudge()
        result = await run_embedded_task(task, self.policy, self.context, judge=judge, callbacks=[recorder],
                                         checkpointer=saver, thread_id=thread_id)
        if result.error:
            raise RuntimeError(result.error)
        outcome = {"score": result.score, "source": "evaluator", "checks": result.checks}
        return outcome, {"task_id": task.task_id, "intent": task.config.intent, "start_url": task.config.start_url,
                         "sites": list(task.sites), "group": task.group, "split": sources.split_of(task),
                         "eval_types": list(task.config.eval.eval_types),
                         "require_login": bool(task.config.require_login),
                         "template_id": task.config.intent_template_id,
                         "reference_solution": task.raw.get("reference_solution")}

    def judge_model(self) -> Any:
        return self.judge.model() if self.judge is not None and hasattr(self.judge, "model") else None

    async def _run_query(self, query: dict[str, Any], recorder: ModelCallRecorder, saver: InMemorySaver,
                         thread_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
        if self.judge is None:
            raise StageError("collect: generated queries need an outcome judge: pass --judge-model")
        sites = list(query.get("sites") or [query["site"]])
        env = await asyncio.to_thread(start_environment, sites)
        try:
            storage = ""
            if query.get("require_login"):
                storage = str(env.workdir / "storage_state.json")
                Path(storage).write_text(json.dumps(env.storage_state(sites)))
            context = self.context.replace(storage_state=storage, **self.policy.model_settings())

            async def last_page(state: AgentState, session: BrowserSession | None) -> str:
                return prompts.page(state.get("observation"))  # type: ignore[arg-type]

            intent = substitute(query["intent"], env.placeholders) or ""
            run = await stream_run(task_input(intent, substitute(query["start_url"], env.placeholders) or ""), context,
                                   thread_id=thread_id, checkpointer=saver, callbacks=[recorder], inspect=last_page)
        finally:
            await asyncio.to_thread(env.stop)
        history = run.state.get("history", [])
        messages = prompts.judge(intent, render_history(history), run.inspected or "", run.state.get("answer") or "")
        asked = await ask_valid(self.judge, messages, check_verdict, TeacherTask("judge", unit=thread_id), 2)
        outcome = {"score": 1.0 if asked.value else 0.0, "source": "judge", "checks": [f"judge: {asked.value}"]}
        return outcome, {"task_id": None, "intent": query["intent"], "start_url": query["start_url"], "sites": sites,
                         "group": query.get("site", ""), "split": sources.TRAIN, "eval_types": [],
                         "require_login": bool(query.get("require_login")), "query": query["id"],
                         "reference_solution": None}

    async def close(self) -> None:
        await sessions.close_all()

    def extra_manifest(self) -> dict[str, Any]:
        return {"suite_has_splits": sources.has_splits()}
