"""One embedded task run by the oracle through the real graph, durably (SQLite checkpoints and action journal), in
a process that can be made to SIGKILL itself at an exact point — and the resume that finishes it.

    python -m tests.support.kill_episode SPEC.json          # SPEC: see `Spec`; prints one JSON line at the end

Kill points, counted from 1 over the whole run:
    checkpoint-before:N / checkpoint-after:N   around the N-th checkpoint write
    journal-before:N / journal-after:N         around the N-th action-journal write
    tool-before:N / tool-after:N               around the N-th browser action
    never                                      run to the end (the reference run, or a resume)
The hooks wrap the checkpointer, the store and the action runner from outside; nothing in the project knows.
`--list` style counting: with "count": true the run goes to the end and reports how many of each point it passed.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections import Counter
from dataclasses import dataclass
from typing import Any

import nodes.observe
from graph.checkpoint import open_durable
from graph.context import Context
from graph.runs import resume_input, stream_run, task_input
from policies.providers import register_oracle
from tools.session import BrowserSession
from webenv.evaluators import EvalContext, Outcome, build_evaluator
from webenv.judges import OfflineJudge
from webenv.tasks.config import substitute
from webenv.tasks.suite import task_by_id


@dataclass
class Spec:
    task_id: int
    placeholders: dict[str, str]
    storage_state: str
    db: str
    thread_id: str
    kill: str = "never"  # e.g. "tool-after:3"
    resume: bool = False


passed: Counter[str] = Counter()
order: list[str] = []  # every point passed, in order ("tool-before:3", ...)


def _point(name: str, kill: str) -> None:
    passed[name] += 1
    order.append(f"{name}:{passed[name]}")
    if kill == order[-1]:
        sys.stdout.flush()
        os.kill(os.getpid(), signal.SIGKILL)


def _instrument(checkpointer: Any, store: Any, kill: str) -> None:
    """Wrap the write methods the run uses (and the action runner) so the process can die right around them."""
    original_put = checkpointer.aput

    async def aput(*args: Any, **kwargs: Any) -> Any:
        _point("checkpoint-before", kill)
        result = await original_put(*args, **kwargs)
        _point("checkpoint-after", kill)
        return result

    checkpointer.aput = aput
    original_store_put = store.aput

    async def store_put(namespace: tuple[str, ...], *args: Any, **kwargs: Any) -> Any:
        journal = namespace[:2] == ("plan_and_act", "actions")
        if journal:
            _point("journal-before", kill)
        result = await original_store_put(namespace, *args, **kwargs)
        if journal:
            _point("journal-after", kill)
        return result

    store.aput = store_put
    original_run = nodes.observe.run_action

    async def run_action(*args: Any, **kwargs: Any) -> str:
        _point("tool-before", kill)
        result = await original_run(*args, **kwargs)
        _point("tool-after", kill)
        return result

    nodes.observe.run_action = run_action  # type: ignore[assignment]


async def main(spec: Spec) -> dict[str, Any]:
    task = task_by_id(str(spec.task_id))
    model = register_oracle("killed", task.solution, spec.placeholders)
    context = Context(planner_model=model, executor_model=model, storage_state=spec.storage_state,
                      navigation_timeout_ms=10_000)

    async def evaluate(state: Any, session: BrowserSession | None) -> float:
        last_url = session.page.url if session is not None else (state.get("observation") or {}).get("url", "")
        result = await build_evaluator(task.config).evaluate(
            Outcome(answer=state.get("answer") or "", last_url=last_url),
            session.page if session is not None else None,
            EvalContext(placeholders=spec.placeholders, judge=OfflineJudge()))
        return result.score

    async with open_durable(spec.db) as durable:
        _instrument(durable.checkpointer, durable.store, spec.kill)
        graph_input: Any = task_input(substitute(task.config.intent, spec.placeholders),
                                      substitute(task.config.start_url, spec.placeholders), str(task.task_id))
        if spec.resume:
            graph_input = await resume_input(durable.checkpointer, spec.thread_id, graph_input)
        run = await stream_run(graph_input, context, thread_id=spec.thread_id, checkpointer=durable.checkpointer,
                               store=durable.store, inspect=evaluate)
    state = run.state
    return {"status": state.get("status"), "stop_reason": state.get("stop_reason"), "answer": state.get("answer"),
            "score": run.inspected, "steps": len(state.get("history", [])), "resumes": state.get("resumes", 0),
            "results": [step["result"] for step in state.get("history", [])], "passed": dict(passed), "order": order}


if __name__ == "__main__":
    with open(sys.argv[1]) as source:
        outcome = asyncio.run(main(Spec(**json.load(source))))
    print(json.dumps(outcome))
