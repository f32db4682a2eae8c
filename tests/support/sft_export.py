"""The SFT export the trainer's tests train on: the data pipeline's own, made small.

A few embedded training tasks are collected with the reference ("oracle") policy through the real graph
(`synth collect`) and written out by `synth export` in the contract's format (manifest, `<role>.<format>.<split>`
files, stats). This is the one place the tests' data comes from: point it at a bigger slice, another policy or
annotated plans, and every training test follows.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from graph.context import Context
from harness.episode import PolicyChoice
from synth.runner import RunOptions, run_stage
from synth.stages.collect import Collect
from synth.stages.export import ExportInputs, export

# Tasks no row comes from, for tests and demos that run the tuned models on unseen work (test-split ids).
HELD_OUT_TASKS = (14, 25, 161)
# A smaller page budget than the runtime's default keeps rows short, so the tiny model trains in seconds.
SETTINGS = Context(mode="plan_and_act", max_steps=10, observation_tokens=1500)


def short_training_tasks(count: int = 11) -> list[str]:
    """The shortest tasks of the training split (at most 6 actions), round-robin across site groups: one
    trajectory each, and export splits them train/validation. Chosen from the split itself, so the slice follows
    the suite as it grows (the export refuses test-split tasks)."""
    from collections import defaultdict

    from webenv.tasks.suite import load_suite

    by_group: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for task in load_suite("train"):
        if len(task.solution.actions) <= 6:
            by_group[task.group].append((len(task.solution.actions), task.task_id))
    queues = [sorted(tasks) for _group, tasks in sorted(by_group.items())]
    chosen: list[str] = []
    while len(chosen) < count and any(queues):
        for queue in queues:
            if queue and len(chosen) < count:
                chosen.append(str(queue.pop(0)[1]))
    return chosen


def sft_export(directory: Path) -> Path:
    """Collect, then export to `directory` (manifest.json, <role>.<format>.<split>.jsonl, stats.md); returns it."""
    import policies.providers  # noqa: F401  (the oracle's model strings)

    directory.mkdir(parents=True, exist_ok=True)
    trajectories = directory / "work" / "traj.jsonl"
    stage = Collect(None, policy=PolicyChoice("oracle"), settings=SETTINGS, task_ids=short_training_tasks())
    asyncio.run(run_stage(stage, RunOptions(out=trajectories, workers=2, progress=False)))
    export(ExportInputs(trajectories=[trajectories]), directory / "sft", validation=0.2, progress=False)
    return directory / "sft"
