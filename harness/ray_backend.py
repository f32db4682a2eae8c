"""Episodes on a Ray cluster: `plan-and-act-bench sweep|ablation --ray` and `plan-and-act synth collect --ray`.

The driver connects to the cluster at `RAY_ADDRESS` (a user's existing cluster; `ray start --head` on one machine
is a cluster too) and keeps a pool of `EpisodeWorker` actors, one CPU each. A worker starts one embedded
environment with every site on its first episode and resets its databases before each later one
(`harness.environments.ReusedEnvironment`), so a worker on any machine of the cluster serves its own sites on its
own loopback and nothing but results crosses the network.

Robustness comes from keys, not from Ray's retries: each episode is a job keyed by (run, task, policy, settings
hash) (`harness.jobs`); the driver writes each result atomically the moment it comes back. A worker that dies (its
process killed, its machine gone) costs only the episode it was running: the driver replaces the worker and runs
that episode again, up to `attempts` times. A driver that dies costs nothing finished: run the same command with
the same `--out` and only the missing episodes run.

Every code path the workers run is this package, so every machine needs the same `plan-and-act` installed (and
Chromium): Ray ships the calls, not the code.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.context import Context
from harness.episode import EpisodeResult, PolicyChoice, failed_result
from harness.jobs import JobKey, JobStore
from webenv.tasks.suite import EmbeddedTask

log = logging.getLogger(__name__)
ADDRESS_VARIABLE = "RAY_ADDRESS"
MISSING_RAY = ("--ray needs Ray: pip install 'plan-and-act[ray]' (and the same on every machine of the cluster)")
SHUTDOWN_TIMEOUT_S = 60  # for every idle worker to stop its sites when a sweep ends


class RayUnavailable(RuntimeError):
    """Ray is not installed or no cluster answers at the address; the message says which and what to do."""


class WorkerLost(RuntimeError):
    """A job's worker died `attempts` times in a row; the job is left unfinished, so a rerun tries it again."""


def _ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise RayUnavailable(MISSING_RAY) from exc
    return ray


def connect() -> Any:
    """Join the cluster at RAY_ADDRESS (or, without it, the one `ray start` left on this machine). The workers
    import this package, so the driver's working directory is not shipped."""
    ray = _ray()
    if ray.is_initialized():
        return ray
    address = os.environ.get(ADDRESS_VARIABLE) or "auto"
    _probe(address)
    try:
        ray.init(address=address, logging_level=logging.WARNING, log_to_driver=False)
    except (ConnectionError, RuntimeError) as exc:
        raise RayUnavailable(f"no Ray cluster at {address!r} ({exc}); start one (`ray start --head ...`) and set "
                             f"{ADDRESS_VARIABLE}=host:port") from exc
    return ray


def _probe(address: str, timeout: float = 10.0) -> None:
    """Fail fast on an address nobody answers at: `ray.init` itself keeps retrying for minutes."""
    host, sep, port = address.removeprefix("ray://").rpartition(":")
    if address == "auto" or not sep or not port.isdigit():
        return
    try:
        socket.create_connection((host, int(port)), timeout=timeout).close()
    except OSError as exc:
        raise RayUnavailable(f"no Ray cluster at {address!r} ({exc}); start one (`ray start --head ...`) and set "
                             f"{ADDRESS_VARIABLE}=host:port") from exc


def _say(text: str) -> None:
    """One line per job event on stderr (the progress a person or a test can follow line by line)."""
    print(text, file=sys.stderr, flush=True)


class EpisodeWorker:
    """A Ray actor (one CPU, one episode at a time) with its own embedded environment, reused across episodes."""

    def __init__(self) -> None:
        import policies.providers  # noqa: F401  (model strings of the built-in policies)
        from harness import environments

        self.environments = environments.ReusedEnvironment()
        environments.use(self.environments)
        self._collect_stages: dict[str, Any] = {}

    def pid(self) -> int:
        return os.getpid()

    def shutdown(self) -> None:
        """Stop this worker's sites and remove their database copies. `ray.kill` ends the process without running
        any clean-up, and every worker left a few MB of databases in its temporary directory."""
        self.environments.stop()

    async def episode(self, task: EmbeddedTask, policy: PolicyChoice, settings: Context, judge_model: str,
                      judge_base_url: str) -> EpisodeResult:
        """One task, evaluated: the same `run_embedded_task` the in-process sweep runs."""
        from harness.episode import run_embedded_task
        from tools.session import sessions
        from webenv.judges import OfflineJudge

        judge: Any = OfflineJudge()
        if judge_model:
            from graph.models import load_chat_model

            judge = load_chat_model(judge_model, base_url=judge_base_url, role="planner")
        try:
            return await run_embedded_task(task, policy, settings, judge=judge)
        except Exception as exc:  # an episode's own failure is its result, as in the in-process sweep
            return failed_result(task.config, policy, settings.mode, exc)
        finally:
            await sessions.close_all()

    async def collect(self, stage_key: str, make_stage: Callable[[], Any], work: Any) -> Any:
        """One unit of `synth collect`, run by a stage built here once (from the driver's recipe) and kept."""
        stage = self._collect_stages.get(stage_key)
        if stage is None:
            stage = self._collect_stages[stage_key] = make_stage()
        try:
            return await stage.run(work)
        finally:
            await stage.close()


class ActorPool:
    """Up to `size` workers; a call borrows an idle one. A worker that dies is replaced and the call retried."""

    def __init__(self, size: int, *, attempts: int = 3) -> None:
        self.ray = connect()
        self.size, self.attempts = max(1, size), attempts
        self._actor_class = self.ray.remote(num_cpus=1, max_concurrency=1, max_restarts=0)(EpisodeWorker)
        self._idle: asyncio.Queue[tuple[Any, int]] = asyncio.Queue()
        self._started = 0
        self.lost = 0

    async def _borrow(self) -> tuple[Any, int]:
        if self._idle.empty() and self._started < self.size:
            self._started += 1
            return await self._new()
        return await self._idle.get()

    async def _new(self) -> tuple[Any, int]:
        actor = self._actor_class.remote()
        return actor, await actor.pid.remote()

    async def run(self, label: str, call: Callable[[Any], Awaitable[Any]]) -> Any:
        """`call(actor)` on a borrowed worker. A lost worker is replaced at once (so the pool never shrinks and no
        caller waits for a worker that will not come back) and the call runs again on the replacement."""
        errors = self.ray.exceptions
        lost = (errors.RayActorError, errors.WorkerCrashedError, errors.NodeDiedError, errors.ObjectLostError)
        actor, pid = await self._borrow()
        try:
            for attempt in range(1, self.attempts + 1):
                _say(f"ray: started {label} on worker pid {pid} (attempt {attempt})")
                try:
                    return await call(actor)
                except lost as exc:
                    self.lost += 1
                    _say(f"ray: worker pid {pid} lost while running {label}: {type(exc).__name__}; "
                         + ("running it again" if attempt < self.attempts else "giving up on it"))
                    self.ray.kill(actor, no_restart=True)
                    actor, pid = await self._new()
            raise WorkerLost(f"{label}: its worker died {self.attempts} times")
        finally:
            self._idle.put_nowait((actor, pid))

    def close(self) -> None:
        """Stop the workers: each stops its own sites first (their browsers are closed after every episode), then
        its process ends. A worker that does not answer in time is ended all the same."""
        actors = []
        while not self._idle.empty():
            actors.append(self._idle.get_nowait()[0])
        try:
            self.ray.get([actor.shutdown.remote() for actor in actors], timeout=SHUTDOWN_TIMEOUT_S)
        except Exception as exc:  # a dead or stuck worker: its files stay, the sweep's results do not depend on them
            log.warning("ray: not every worker stopped its sites before it was ended: %s", exc)
        for actor in actors:
            self.ray.kill(actor, no_restart=True)


@dataclass(frozen=True)
class RaySweep:
    """What `sweep --ray` needs besides the tasks: the run directory and how wide to go."""

    out: Path
    workers: int
    judge_model: str = ""
    judge_base_url: str = ""


async def sweep_on_ray(tasks: Sequence[EmbeddedTask], policy: PolicyChoice, settings: Context,
                       options: RaySweep) -> list[EpisodeResult]:
    """Results in task order, from the job store: finished jobs are read, missing ones run on the cluster."""
    store = JobStore(options.out / "jobs")
    keys = [JobKey.of(options.out.resolve().name, task.task_id, policy, settings) for task in tasks]
    missing = [(task, key) for task, key in zip(tasks, keys) if not store.has(key)]
    _say(f"ray: {len(tasks) - len(missing)} of {len(tasks)} episodes already done ({settings.mode}); "
         f"running {len(missing)}")
    if missing:
        pool = ActorPool(min(options.workers, len(missing)))
        done = 0

        async def one(task: EmbeddedTask, key: JobKey) -> None:
            nonlocal done
            label = f"task {task.task_id}"
            try:
                result = await pool.run(label, lambda actor: actor.episode.remote(
                    task, policy, settings, options.judge_model, options.judge_base_url))
            except WorkerLost as exc:
                _say(f"ray: {exc}; left for the next run")
                return
            store.put(key, result)
            done += 1
            _say(f"ray: finished {label}: {'passed' if result.passed else result.status} [{done}/{len(missing)}]")

        try:
            await asyncio.gather(*(one(task, key) for task, key in missing))
        finally:
            pool.close()
    return [store.get(key) if store.has(key) else failed_result(task.config, policy, settings.mode,
                                                                  WorkerLost("no result: its workers kept dying"))
            for task, key in zip(tasks, keys)]


class RayStage:
    """A `synth` stage whose units (`run`) go to the cluster; everything else (its units, keys, journal, output)
    stays with the driver's stage, so synth's own resume applies unchanged: a unit whose workers kept dying is an
    unfinished unit, tried again by the next run."""

    def __init__(self, stage: Any, make_stage: Callable[[], Any], workers: int) -> None:
        self._stage, self._make_stage = stage, make_stage
        self._pool = ActorPool(workers)  # connects now: a missing cluster is one clear error, not a reject per unit
        self._key = f"{type(stage).__name__}-{os.getpid()}-{id(stage)}"

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stage, name)

    async def run(self, work: Any) -> Any:
        return await self._pool.run(str(work.source or f"unit {work.order}"),
                                    lambda actor: actor.collect.remote(self._key, self._make_stage, work))

    async def close(self) -> None:
        self._pool.close()
        await self._stage.close()
