"""Run many episodes, a few at a time, with a progress bar; a crash in one episode never stops the rest."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.language_models import BaseChatModel
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from graph.context import Context
from harness.episode import EpisodeResult, EpisodeSetup, PolicyChoice, failed_result, run_embedded_task, run_task
from tools.session import sessions
from webenv.tasks.config import TaskConfig
from webenv.tasks.suite import EmbeddedTask

MODEL_FAILURES_TO_ABORT = 3


@dataclass(frozen=True)
class Job:
    """One episode to run: how to run it, and what to record if it crashes (an infrastructure failure)."""

    config: TaskConfig
    run: Callable[[], Awaitable[EpisodeResult]]


class SweepAborted(RuntimeError):
    """The sweep stopped early: its model kept failing, so the remaining episodes would only record that."""


ResultHook = Callable[[EpisodeResult], None]


async def run_jobs(jobs: Sequence[Job], *, label: str, policy: PolicyChoice, mode: str, workers: int = 2,
                   show_progress: bool = True, on_result: ResultHook | None = None) -> list[EpisodeResult]:
    """Results in job order. Every episode has its own browser (and, embedded, its own sites), so `workers`
    episodes run side by side. `on_result` sees each result the moment its episode ends (the sweep command
    writes it to disk there). When `MODEL_FAILURES_TO_ABORT` episodes in a row end because the model could not
    be reached, the rest are not started and `SweepAborted` says why (the results so far were handed over)."""
    limit = asyncio.Semaphore(max(1, workers))
    results: dict[int, EpisodeResult] = {}
    model_failures: list[str] = []
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("passed {task.fields[passed]}"), TimeElapsedColumn(), TimeRemainingColumn())
    # stderr, like the Ray backend's progress lines: stdout carries only the command's result (its table), the
    # same with or without --ray, so `plan-and-act-bench ablation > table.md` holds the table and nothing else
    with Progress(*columns, disable=not show_progress, transient=False, console=Console(stderr=True)) as progress:
        bar = progress.add_task(label, total=len(jobs), passed=0)

        async def one(index: int, job: Job) -> None:
            async with limit:
                if len(model_failures) >= MODEL_FAILURES_TO_ABORT:
                    return
                try:
                    result = await job.run()
                except Exception as exc:  # recorded as an error, the sweep goes on
                    result = failed_result(job.config, policy, mode, exc)
                results[index] = result
                if result.error_kind == "model":
                    model_failures.append(result.error)
                elif result.scored:
                    model_failures.clear()
                if on_result is not None:
                    on_result(result)
                progress.update(bar, advance=1, passed=sum(r.passed for r in results.values()))

        async with sessions.hold():
            try:
                await asyncio.gather(*(one(i, job) for i, job in enumerate(jobs)))
            finally:
                await sessions.close_all()
    if len(model_failures) >= MODEL_FAILURES_TO_ABORT and len(results) < len(jobs):
        raise SweepAborted(f"stopped after {len(results)} of {len(jobs)} episodes: the model failed "
                           f"{len(model_failures)} episodes in a row; last error: {model_failures[-1]}")
    return [results[i] for i in range(len(jobs))]


async def sweep(tasks: Sequence[EmbeddedTask], policy: PolicyChoice, settings: Context, *, workers: int = 2,
                judge: BaseChatModel | None = None, callbacks: Sequence[BaseCallbackHandler] = (),
                show_progress: bool = True, on_result: ResultHook | None = None) -> list[EpisodeResult]:
    """Embedded tasks, each in a fresh environment."""
    def job(task: EmbeddedTask) -> Job:
        return Job(task.config, lambda: run_embedded_task(task, policy, settings, judge=judge, callbacks=callbacks))

    return await run_jobs([job(t) for t in tasks], label=f"{policy.label} / {settings.mode}", policy=policy,
                          mode=settings.mode, workers=workers, show_progress=show_progress, on_result=on_result)


async def sweep_setups(setups: Sequence[EpisodeSetup], policy: PolicyChoice, settings: Context, *, workers: int = 1,
                       judge: BaseChatModel | None = None, callbacks: Sequence[BaseCallbackHandler] = (),
                       show_progress: bool = True, on_result: ResultHook | None = None) -> list[EpisodeResult]:
    """Tasks on sites that are already running (real WebArena). One worker by default: those sites are shared."""
    def job(setup: EpisodeSetup) -> Job:
        return Job(setup.config, lambda: run_task(setup, settings, judge=judge, callbacks=callbacks))

    return await run_jobs([job(s) for s in setups], label=f"{policy.label} / {settings.mode}", policy=policy,
                          mode=settings.mode, workers=workers, show_progress=show_progress, on_result=on_result)
