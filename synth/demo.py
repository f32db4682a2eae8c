"""`plan-and-act synth demo`: verified training data, end to end, offline.

On a slice of the embedded suite's training split (tasks taken round-robin across site groups) it runs
collect (the reference policy through the real graph and browser, each episode scored by the task's
evaluator) -> annotate and replans (the reference teacher, checked by the same validators as a model's
plans) -> export (OpenAI and TRL files). Every kept plan comes from an episode that was executed and scored 1.
It also checks that the annotated examples' messages equal the ones the runtime sent (the reference teacher's
plans are the plans the reference policy used), and prints where every file is.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

from rich.console import Console
from rich.table import Table

from synth import sources


def demo_slice(limit: int, groups: list[str] | None = None) -> list[str]:
    """Task ids of the training split, round-robin across site groups (so a small slice still covers them)."""
    by_group: dict[str, list[str]] = defaultdict(list)
    for task in sources.tasks(sources.TRAIN):
        if not groups or task.group in groups:
            by_group[task.group].append(str(task.task_id))
    chosen: list[str] = []
    queues = [list(ids) for _group, ids in sorted(by_group.items())]
    while len(chosen) < limit and any(queues):
        for queue in queues:
            if queue and len(chosen) < limit:
                chosen.append(queue.pop(0))
    return chosen


async def run_demo(args: argparse.Namespace, console: Console) -> int:
    import policies.providers  # noqa: F401
    from cli.errors import CliError
    from graph.context import Context
    from harness.episode import PolicyChoice
    from synth.jsonl import read_jsonl
    from synth.runner import RunOptions, run_stage
    from synth.stages.annotate import Annotate
    from synth.stages.collect import Collect
    from synth.stages.export import Exporter, ExportInputs, export
    from synth.stages.replans import Replans
    from synth.teacher import ReferenceTeacher

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    task_ids = demo_slice(args.limit, args.group)
    if not task_ids:
        raise CliError("synth demo: no training tasks match " + ", ".join(args.group or []))
    files = {"trajectories": out / "trajectories.jsonl", "plans": out / "plans.jsonl",
             "replans": out / "replans.jsonl", "sft": out / "sft"}

    def options(path: Path, workers: int = 4) -> RunOptions:
        return RunOptions(out=path, workers=workers, progress=not args.quiet, console=console)

    collected = await run_stage(Collect(None, policy=PolicyChoice("oracle"), settings=Context(mode="plan_and_act"),
                                        task_ids=task_ids), options(files["trajectories"], args.workers))
    annotated = await run_stage(Annotate(ReferenceTeacher(), [files["trajectories"]]), options(files["plans"]))
    replanned = await run_stage(Replans(ReferenceTeacher(), [files["trajectories"]], [files["plans"]]),
                                options(files["replans"]))
    inputs = ExportInputs(trajectories=[files["trajectories"]], plans=[files["plans"]], replans=[files["replans"]])
    exported = export(inputs, files["sft"], validation=0.34, progress=not args.quiet, console=console)

    trajectories = {t["id"]: t for t in read_jsonl(files["trajectories"])}
    plans = list(read_jsonl(files["plans"]))
    unverified = [p["id"] for p in plans if (trajectories[p["trajectory"]].get("outcome") or {}).get("score") != 1.0
                  or trajectories[p["trajectory"]]["outcome"].get("source") != "evaluator"]
    annotated_rows = Exporter(inputs).examples()
    recorded_rows = Exporter(ExportInputs(trajectories=[files["trajectories"]])).examples()
    same = [(a.role, a.group, [m.content for m in a.messages], a.text, a.tool_call) for a in annotated_rows] == \
           [(r.role, r.group, [m.content for m in r.messages], r.text, r.tool_call) for r in recorded_rows]

    table = Table(title="synth demo (reference policy and teacher, offline)")
    table.add_column("stage")
    table.add_column("kept", justify="right")
    table.add_column("rejected", justify="right")
    table.add_column("file")
    for label, summary in (("collect", collected), ("annotate", annotated), ("replans", replanned)):
        table.add_row(label, str(summary.kept), str(summary.rejected), str(summary.out))
    stats = exported.manifest["stats"]
    table.add_row("export", str(stats["examples"]), str(sum(stats["drops"].values())), str(files["sft"]))
    console.print(table)
    console.print(f"every kept plan executed and scored 1 by its evaluator: "
                  f"{'yes' if not unverified else 'NO: ' + ', '.join(unverified[:5])} ({len(plans)} plans)")
    console.print(f"annotated examples identical to the runtime's own prompts and plans: {'yes' if same else 'NO'}")
    console.print(f"SFT files: {files['sft']} (manifest.json, stats.md, "
                  f"{len(exported.manifest['files'])} JSONL files)")
    return 0 if not unverified and same and plans else 1
