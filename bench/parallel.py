"""How well episodes run side by side on one machine: the same episodes in a row and all at once.

The model answers after a fixed delay (`SlowReference`: the task's reference policy behind an `asyncio.sleep`, as a
remote model would), so an episode spends most of its time waiting, and N episodes at once should take little
longer than one. What stops them is what they share: CPU (each episode's Chromium renders and runs the page
scan), memory, and the processes each episode starts. Both arms go through the sweep's own runner
(`bench.sweep.run_jobs`) on one running environment of read-only tasks (started before the clock starts: the
environment is the same in both arms, the browser is what is measured). A sampler thread reads /proc for the
Chromium and Playwright driver processes below this one and their summed resident memory.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatResult

from bench.processes import below, live_processes
from bench.sweep import Job, run_jobs
from graph.context import Context
from harness.episode import EpisodeResult, EpisodeSetup, PolicyChoice, run_task
from policies.providers import register_scripted
from policies.reference import ReferencePolicy
from webenv.server import Environment, start_environment
from webenv.tasks.suite import EmbeddedTask, load_suite

TARGET_SPEEDUP = 6.0


class SlowReference(ReferencePolicy):
    """The reference policy answering after `latency_s`, like a model behind a network: the wait is the model's,
    the rest of the episode is real."""

    latency_s: float = 1.0

    async def _agenerate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                         run_manager: AsyncCallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        await asyncio.sleep(self.latency_s)
        return self._generate(messages, stop=stop, **kwargs)


def read_only_tasks(count: int) -> list[EmbeddedTask]:
    """`count` single-site tasks that only read (answer checks), taken round-robin over the sites, so episodes can
    share one environment without changing what another one sees."""
    by_site: dict[str, list[EmbeddedTask]] = {}
    for task in load_suite():
        if len(task.sites) == 1 and list(task.config.eval.eval_types) == ["string_match"]:
            by_site.setdefault(task.sites[0], []).append(task)
    chosen: list[EmbeddedTask] = []
    while len(chosen) < count and any(by_site.values()):
        for tasks in by_site.values():
            if tasks and len(chosen) < count:
                chosen.append(tasks.pop(0))
    return chosen


@dataclass
class ProcessSample:
    browsers: int = 0
    drivers: int = 0
    rss_bytes: int = 0


def processes_below(root: int | None = None) -> frozenset[int]:
    """Every live process below `root` (default: this process): a baseline for `sample_processes`."""
    return frozenset(below(live_processes(), root))


def sample_processes(root: int | None = None, baseline: frozenset[int] = frozenset()) -> ProcessSample:
    """Chromium and Playwright driver (node) processes below `root` (default: this process), with their RSS.
    Processes in `baseline` and everything below them are someone else's (a browser the caller had already
    started, e.g. a test session's own) and are not counted."""
    table = live_processes()
    sample = ProcessSample()
    for pid in below(table, root, baseline):
        process = table[pid]
        if "chrom" in process.name.lower():
            sample.browsers += 1
            sample.rss_bytes += process.rss_bytes
        elif process.name.startswith("node"):
            sample.drivers += 1
            sample.rss_bytes += process.rss_bytes
    return sample


class _Sampler:
    """The largest counts and summed RSS seen while a block runs (sampled every `every_s` from a thread)."""

    def __init__(self, baseline: frozenset[int], every_s: float = 0.5) -> None:
        self.baseline, self.every_s, self.peak = baseline, every_s, ProcessSample()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            now = sample_processes(baseline=self.baseline)
            self.peak = ProcessSample(max(self.peak.browsers, now.browsers), max(self.peak.drivers, now.drivers),
                                      max(self.peak.rss_bytes, now.rss_bytes))

    def __enter__(self) -> _Sampler:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()


@dataclass
class Arm:
    workers: int
    seconds: float
    results: list[EpisodeResult]
    peak: ProcessSample
    left: ProcessSample  # Chromium and drivers still running after the sweep returned


@dataclass
class ParallelReport:
    episodes: int
    latency_s: float
    arms: list[Arm] = field(default_factory=list)

    @property
    def speedup(self) -> float:
        return self.arms[0].seconds / self.arms[-1].seconds


def _login(env: Environment, task: EmbeddedTask) -> str:
    """A storage-state file logged in to the task's site, if the task starts logged in (as the sweep gives it)."""
    site = task.sites[0]
    if not task.config.require_login or not any(spec.name == site and spec.login for spec in env.specs):
        return ""
    path = env.workdir / f"parallel-login-{site}.json"
    if not path.exists():
        path.write_text(json.dumps(env.storage_state([site])))
    return str(path)


def _job(env: Environment, task: EmbeddedTask, latency_s: float, key: str, settings: Context) -> Job:
    model = register_scripted(key, SlowReference(solution=task.solution, placeholders=dict(env.placeholders),
                                                 latency_s=latency_s))
    setup = EpisodeSetup(config=task.config, placeholders=env.placeholders, storage_state=_login(env, task),
                         model_settings={"planner_model": model, "executor_model": model}, policy_label="slow-oracle")
    return Job(task.config, lambda: run_task(setup, settings))


async def _arm(env: Environment, tasks: list[EmbeddedTask], workers: int, latency_s: float,
               settings: Context) -> Arm:
    jobs = [_job(env, task, latency_s, f"parallel-{workers}-{i}", settings) for i, task in enumerate(tasks)]
    baseline = processes_below()  # browsers this process already ran are not the arm's
    with _Sampler(baseline) as sampler:
        started = time.perf_counter()
        results = await run_jobs(jobs, label=f"{workers} at a time", policy=PolicyChoice("oracle"),
                                 mode=settings.mode, workers=workers, show_progress=False)
        seconds = time.perf_counter() - started
    return Arm(workers, seconds, results, sampler.peak, sample_processes(baseline=baseline))


async def measure(episodes: int = 8, latency_s: float = 1.0, mode: str = "plan_and_act") -> ParallelReport:
    """`episodes` episodes one at a time, then all at once, on one environment."""
    tasks = read_only_tasks(episodes)
    env = await asyncio.to_thread(start_environment, sorted({t.sites[0] for t in tasks}))
    report = ParallelReport(len(tasks), latency_s)
    settings = Context(mode=mode)  # type: ignore[arg-type]
    try:
        for workers in (1, len(tasks)):
            report.arms.append(await _arm(env, tasks, workers, latency_s, settings))
    finally:
        await asyncio.to_thread(env.stop)
    return report


def parallel_report(report: ParallelReport, load: tuple[float, float, float]) -> str:
    lines = [f"{report.episodes} read-only episodes (plan_and_act, a model that answers after "
             f"{report.latency_s:g} s), one environment; load average {' '.join(f'{x:.2f}' for x in load)} "
             "on 2 cores.", "",
             "| at a time | wall s | passed | steps | peak Chromium processes | peak drivers | peak RSS summed (MB) "
             "| processes left after |", "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for arm in report.arms:
        passed = sum(r.passed for r in arm.results)
        steps = sum(r.steps for r in arm.results)
        lines.append(f"| {arm.workers} | {arm.seconds:.1f} | {passed}/{len(arm.results)} | {steps} | "
                     f"{arm.peak.browsers} | {arm.peak.drivers} | {arm.peak.rss_bytes / 2**20:.0f} | "
                     f"{arm.left.browsers + arm.left.drivers} |")
    for arm in report.arms:
        for result in arm.results:
            if not result.passed:
                why = result.error or result.stop_reason or "; ".join(result.checks)
                lines.append(f"- {arm.workers} at a time, task {result.task_id} did not pass: {why[:200]}")
    verdict = "meets" if report.speedup >= TARGET_SPEEDUP else "misses"
    lines += ["", f"Speed-up of {report.episodes} at once over one at a time: **{report.speedup:.1f}x**; it "
                  f"{verdict} the {TARGET_SPEEDUP:g}x target."]
    return "\n".join(lines)
