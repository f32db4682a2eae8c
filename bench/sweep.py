"""Run many episodes, a few at a time, with a progress bar; a crash in one episode never stops the rest."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.language_models import BaseChatModel
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from graph.context import Context
from harness.episode import EpisodeResult, EpisodeSetup, PolicyChoice, failed_result, run_embedded_task, run_task
from tools.session import sessions
from webenv.tasks.config import TaskConfig
from webenv.tasks.suite import EmbeddedTask


@dataclass(frozen=True)
class Job:
    """One episode to run: how to run it, and what to record if it crashes (an infrastructure failure)."""

    config: TaskConfig
    run: Callable[[], Awaitable[EpisodeResult]]


async def run_jobs(jobs: Sequence[Job], *, label: str, policy: PolicyChoice, mode: str, workers: int = 2,
                   show_progress: bool = True) -> list[EpisodeResult]:
    """Results in job order. Every episode has its own browser (and, embedded, its own sites), so `workers`
    episodes run side by side."""
    limit = asyncio.Semaphore(max(1, workers))
    results: dict[int, EpisodeResult] = {}
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("passed {task.fields[passed]}"), TimeElapsedColumn(), TimeRemainingColumn())
    with Progress(*columns, disable=not show_progress, transient=False) as progress:
        bar = progress.add_task(label, total=len(jobs), passed=0)

        async def one(index: int, job: Job) -> None:
            async with limit:
                try:
                    result = await job.run()
                except Exception as exc:  # recorded as an error, the sweep goes on
                    result = failed_result(job.config, policy, mode, exc)
                results[index] = result
                progress.update(bar, advance=1, passed=sum(r.passed for r in results.values()))

        try:
            await asyncio.gather(*(one(i, job) for i, job in enumerate(jobs)))
        finally:
            await sessions.close_all()
    return [results[i] for i in range(len(jobs))]


async def sweep(tasks: Sequence[EmbeddedTask], policy: PolicyChoice, settings: Context, *, workers: int = 2,
                judge: BaseChatModel | None = None, callbacks: Sequence[BaseCallbackHandler] = (),
                show_progress: bool = True) -> list[EpisodeResult]:
    """Embedded tasks, each in a fresh environment."""
    def job(task: EmbeddedTask) -> Job:
        return Job(task.config, lambda: run_embedded_task(task, policy, settings, judge=judge, callbacks=callbacks))

    return await run_jobs([job(t) for t in tasks], label=f"{policy.label} / {settings.mode}", policy=policy,
                          mode=settings.mode, workers=workers, show_progress=show_progress)


async def sweep_setups(setups: Sequence[EpisodeSetup], policy: PolicyChoice, settings: Context, *, workers: int = 1,
                       judge: BaseChatModel | None = None, callbacks: Sequence[BaseCallbackHandler] = (),
                       show_progress: bool = True) -> list[EpisodeResult]:
    """Tasks on sites that are already running (real WebArena). One worker by default: those sites are shared."""
    def job(setup: EpisodeSetup) -> Job:
        return Job(setup.config, lambda: run_task(setup, settings, judge=judge, callbacks=callbacks))

    return await run_jobs([job(s) for s in setups], label=f"{policy.label} / {settings.mode}", policy=policy,
                          mode=settings.mode, workers=workers, show_progress=show_progress)
