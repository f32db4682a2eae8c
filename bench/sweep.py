"""Run many embedded tasks, a few at a time, with a progress bar; a crash in one episode never stops the rest."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from langchain_core.language_models import BaseChatModel
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from harness.episode import EpisodeResult, PolicyChoice, failed_result, run_embedded_task
from tools.session import sessions
from webenv.tasks.suite import EmbeddedTask


async def sweep(tasks: Sequence[EmbeddedTask], policy: PolicyChoice, *, mode: str = "plan_and_act",
                workers: int = 2, judge: BaseChatModel | None = None, max_steps: int = 30,
                screenshots_dir: str = "", show_progress: bool = True) -> list[EpisodeResult]:
    """Results in task order. Each episode has its own environment and browser, so `workers` run side by side."""
    limit = asyncio.Semaphore(max(1, workers))
    results: dict[int, EpisodeResult] = {}
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("passed {task.fields[passed]}"), TimeElapsedColumn(), TimeRemainingColumn())
    with Progress(*columns, disable=not show_progress, transient=False) as progress:
        bar = progress.add_task(f"{policy.label} / {mode}", total=len(tasks), passed=0)

        async def one(task: EmbeddedTask) -> None:
            async with limit:
                try:
                    result = await run_embedded_task(task, policy, mode=mode, judge=judge, max_steps=max_steps,
                                                     screenshots_dir=screenshots_dir)
                except Exception as exc:  # an infrastructure failure: recorded as such, the sweep goes on
                    result = failed_result(task, policy, mode, exc)
                results[task.task_id] = result
                progress.update(bar, advance=1, passed=sum(r.passed for r in results.values()))

        try:
            await asyncio.gather(*(one(task) for task in tasks))
        finally:
            await sessions.close_all()
    return [results[task.task_id] for task in tasks]
