"""How well episodes run side by side on one machine: the same episodes in a row and all at once.

The model answers after a delay (`SlowReference`: the task's reference policy behind an `asyncio.sleep`, as a
remote model would; fixed, or varying around its mean with `jitter`), so an episode spends most of its time
waiting, and N episodes at once should take little longer than one. What stops them is what they share: CPU (each
episode's Chromium renders and runs the page scan), memory, and the processes each episode starts. Both arms go
through the sweep's own runner (`bench.sweep.run_jobs`) on one running environment of read-only tasks of one
reference length (started before the clock starts: the environment is the same in both arms, the browser is what
is measured). A sampler thread reads /proc for the Chromium and Playwright driver processes below this one and
their summed resident memory; each arm's CPU time (this process, the driver and Chromium) says how busy the cores
were, so a missed speed-up can be told apart as waiting or as CPU."""

from __future__ import annotations

import asyncio
import json
import os
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatResult
from pydantic import PrivateAttr

from bench.processes import Process, below, live_processes
from bench.serve import ServedSites
from bench.sweep import Job, run_jobs
from graph.context import Context
from harness.episode import EpisodeResult, EpisodeSetup, PolicyChoice, run_task
from policies.providers import register_scripted
from policies.reference import ReferencePolicy
from webenv.server import Environment, start_environment
from webenv.tasks.suite import EmbeddedTask, load_suite

TARGET_SPEEDUP = 6.0
EPISODE_ACTIONS = 5  # about the mean of the mixed-length episodes measured before (41 actions for 8)


class SlowReference(ReferencePolicy):
    """The reference policy answering after `latency_s`, like a model behind a network: the wait is the model's,
    the rest of the episode is real. With `jitter`, each answer takes `latency_s` times a factor drawn from
    [1 - jitter, 1 + jitter] (seeded by `seed` and the call's number, so both arms wait the same for the same
    episode): an API's answer times vary, and with a fixed delay N episodes started together act in lock-step,
    all asking the browser for work at the same moment."""

    latency_s: float = 1.0
    jitter: float = 0.0
    seed: str = ""
    _calls: int = PrivateAttr(default=0)

    async def _agenerate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                         run_manager: AsyncCallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        self._calls += 1
        await asyncio.sleep(self.delay(self._calls))
        return self._generate(messages, stop=stop, **kwargs)

    def delay(self, call: int) -> float:
        """Seconds the `call`-th answer (from 1) takes."""
        return self.latency_s * (1 + self.jitter * (2 * random.Random(f"{self.seed}/{call}").random() - 1))


def read_only_tasks(count: int, actions: int | None = EPISODE_ACTIONS) -> list[EmbeddedTask]:
    """`count` single-site tasks that only read (answer checks), taken round-robin over the sites, so episodes can
    share one environment without changing what another one sees. With `actions`, only tasks whose reference
    takes that many: N episodes at once can only be N times faster than N in a row when none is longer than the
    others (with mixed lengths the longest bounds the speed-up whatever the framework does; the report's
    "ideal" column says by how much). `None` takes the first tasks whatever their length."""
    candidates = [task for task in load_suite()
                  if len(task.sites) == 1 and list(task.config.eval.eval_types) == ["string_match"]
                  and (actions is None or len(task.solution.actions) == actions)]
    by_site: dict[str, list[EmbeddedTask]] = {}
    for task in candidates:
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


def sample_processes(root: int | None = None, baseline: frozenset[int] = frozenset(),
                     table: dict[int, Process] | None = None) -> ProcessSample:
    """Chromium and Playwright driver (node) processes below `root` (default: this process), with their RSS.
    Processes in `baseline` and everything below them are someone else's (a browser the caller had already
    started, e.g. a test session's own) and are not counted."""
    table = live_processes() if table is None else table
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
    """The largest counts and summed RSS seen while a block runs, and the CPU time this process and everything
    below it used meanwhile (sampled every `every_s` from a thread; a process's last reading before it exits
    counts, so at most `every_s` of each ended process's time is missed). CPU time is read from /proc because
    `getrusage(RUSAGE_CHILDREN)` misses Chromium's renderers: they are not all reaped up the chain when the
    browser closes."""

    def __init__(self, baseline: frozenset[int], every_s: float = 0.25) -> None:
        self.baseline, self.every_s, self.peak = baseline, every_s, ProcessSample()
        self._started: dict[int, int] = {}
        self._ticks: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _ours(self, table: dict[int, Process]) -> dict[int, int]:
        pids = [os.getpid(), *below(table, None, self.baseline)]
        return {pid: table[pid].cpu_ticks for pid in pids if pid in table}

    def _sample(self) -> None:
        table = live_processes()
        now = sample_processes(baseline=self.baseline, table=table)
        self.peak = ProcessSample(max(self.peak.browsers, now.browsers), max(self.peak.drivers, now.drivers),
                                  max(self.peak.rss_bytes, now.rss_bytes))
        self._ticks.update(self._ours(table))

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            self._sample()

    @property
    def cpu_s(self) -> float:
        used = sum(ticks - self._started.get(pid, 0) for pid, ticks in self._ticks.items())
        return used / os.sysconf("SC_CLK_TCK")

    def __enter__(self) -> _Sampler:
        self._started = self._ours(live_processes())
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()


@dataclass
class Arm:
    workers: int
    seconds: float
    results: list[EpisodeResult]
    peak: ProcessSample
    left: ProcessSample  # Chromium and drivers still running after the sweep returned
    cpu_s: float = 0.0  # CPU time of this process (agent and, in-process, the sites), the driver and Chromium



@dataclass
class ParallelReport:
    episodes: int
    latency_s: float
    jitter: float = 0.0
    sites: str = "in this process"  # where the sites ran: here (threads) or in a child `serve` process
    arms: list[Arm] = field(default_factory=list)

    @property
    def speedup(self) -> float:
        return self.arms[0].seconds / self.arms[-1].seconds

    @property
    def ideal(self) -> float:
        """The best speed-up these episodes allow: all of them in a row against the longest alone (as measured
        one at a time)."""
        seconds = [result.seconds for result in self.arms[0].results]
        return sum(seconds) / max(seconds)


class _Sites(Protocol):
    """What an episode needs from the running sites."""

    @property
    def placeholders(self) -> dict[str, str]: ...

    def login_state(self, task: EmbeddedTask) -> str: ...


class _InProcess:
    """Sites served by threads of this process (`webenv.server.Environment`)."""

    def __init__(self, env: Environment) -> None:
        self.env = env
        self.placeholders = env.placeholders

    def login_state(self, task: EmbeddedTask) -> str:
        """A storage-state file logged in to the task's site, if the task starts logged in (as the sweep gives
        it)."""
        site = task.sites[0]
        if not task.config.require_login or not any(spec.name == site and spec.login for spec in self.env.specs):
            return ""
        path = self.env.workdir / f"parallel-login-{site}.json"
        if not path.exists():
            path.write_text(json.dumps(self.env.storage_state([site])))
        return str(path)


class _Served:
    """Sites served by a child process (`bench.serve.ServedSites`)."""

    def __init__(self, served: ServedSites) -> None:
        self.placeholders = served.placeholders
        self.state = served.storage_state_path

    def login_state(self, task: EmbeddedTask) -> str:
        return self.state if task.config.require_login else ""


def _job(sites: _Sites, task: EmbeddedTask, latency_s: float, jitter: float, key: str, settings: Context) -> Job:
    model = register_scripted(key, SlowReference(solution=task.solution, placeholders=dict(sites.placeholders),
                                                 latency_s=latency_s, jitter=jitter, seed=str(task.config.task_id)))
    setup = EpisodeSetup(config=task.config, placeholders=sites.placeholders, storage_state=sites.login_state(task),
                         model_settings={"planner_model": model, "executor_model": model}, policy_label="slow-oracle")
    return Job(task.config, lambda: run_task(setup, settings))


async def _arm(sites: _Sites, tasks: list[EmbeddedTask], workers: int, latency_s: float, jitter: float,
               settings: Context) -> Arm:
    jobs = [_job(sites, task, latency_s, jitter, f"parallel-{workers}-{i}", settings)
            for i, task in enumerate(tasks)]
    baseline = processes_below()  # browsers this process already ran are not the arm's
    with _Sampler(baseline) as sampler:
        started = time.perf_counter()
        results = await run_jobs(jobs, label=f"{workers} at a time", policy=PolicyChoice("oracle"),
                                 mode=settings.mode, workers=workers, show_progress=False)
        seconds = time.perf_counter() - started
    return Arm(workers, seconds, results, sampler.peak, sample_processes(baseline=baseline), sampler.cpu_s)


async def measure(episodes: int = 8, latency_s: float = 1.0, mode: str = "plan_and_act",
                  actions: int | None = EPISODE_ACTIONS, sites_process: bool = False,
                  jitter: float = 0.0) -> ParallelReport:
    """`episodes` episodes one at a time, then all at once, on one environment: served by this process's
    threads, or with `sites_process` by a child process (as real WebArena's sites are separate servers, whose
    work is not the agent's)."""
    tasks = read_only_tasks(episodes, actions)
    names = sorted({t.sites[0] for t in tasks})
    settings = Context(mode=mode)  # type: ignore[arg-type]
    if sites_process:
        with ServedSites(names) as served:
            report = ParallelReport(len(tasks), latency_s, jitter, "in a child serve process")
            for workers in (1, len(tasks)):
                report.arms.append(await _arm(_Served(served), tasks, workers, latency_s, jitter, settings))
        return report
    env = await asyncio.to_thread(start_environment, names)
    report = ParallelReport(len(tasks), latency_s, jitter)
    try:
        for workers in (1, len(tasks)):
            report.arms.append(await _arm(_InProcess(env), tasks, workers, latency_s, jitter, settings))
    finally:
        await asyncio.to_thread(env.stop)
    return report


def parallel_report(report: ParallelReport, load: tuple[float, float, float]) -> str:
    lengths = [r.steps for r in report.arms[0].results]
    span = f"{min(lengths)}" if min(lengths) == max(lengths) else f"{min(lengths)}-{max(lengths)}"
    lines = [f"{report.episodes} read-only episodes (plan_and_act, a model that answers after "
             f"{report.latency_s:g} s{f' ± {report.jitter:.0%}' if report.jitter else ''}; {span} actions each), "
             f"one environment with the sites {report.sites}; load average "
             f"{' '.join(f'{x:.2f}' for x in load)} on {os.cpu_count()} cores.", "",
             "| at a time | wall s | passed | steps | CPU s | CPU busy | peak Chromium processes | peak drivers "
             "| peak RSS summed (MB) | processes left after |", "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for arm in report.arms:
        passed = sum(r.passed for r in arm.results)
        steps = sum(r.steps for r in arm.results)
        busy = arm.cpu_s / (arm.seconds * (os.cpu_count() or 1))
        lines.append(f"| {arm.workers} | {arm.seconds:.1f} | {passed}/{len(arm.results)} | {steps} | "
                     f"{arm.cpu_s:.1f} | {busy:.0%} | {arm.peak.browsers} | {arm.peak.drivers} | "
                     f"{arm.peak.rss_bytes / 2**20:.0f} | {arm.left.browsers + arm.left.drivers} |")
    for arm in report.arms:
        for result in arm.results:
            if not result.passed:
                why = result.error or result.stop_reason or "; ".join(result.checks)
                lines.append(f"- {arm.workers} at a time, task {result.task_id} did not pass: {why[:200]}")
    verdict = "meets" if report.speedup >= TARGET_SPEEDUP else "misses"
    lines += ["", f"Speed-up of {report.episodes} at once over one at a time: **{report.speedup:.1f}x**; it "
                  f"{verdict} the {TARGET_SPEEDUP:g}x target. The most these episodes allow (all their one-at-a-time "
                  f"durations against the longest): {report.ideal:.1f}x."]
    return "\n".join(lines)
