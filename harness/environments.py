"""Where an embedded episode's sites come from: a fresh environment per episode (the default), or one long-lived
environment reset to its seed before each episode (a Ray worker, which runs one episode at a time).

Starting every site costs a second or more; on a cluster worker that runs hundreds of episodes, starting them once
and restoring the databases between episodes (`Environment.reset`) gives each episode the same pristine sites for
the price of a file copy. `run_embedded_task` asks `current()`; a worker process installs its source with `use()`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Iterable
from typing import Protocol

from webenv.server import Environment, start_environment


class EnvironmentSource(Protocol):
    async def acquire(self, sites: Iterable[str]) -> Environment: ...

    async def release(self, env: Environment) -> None: ...


class FreshEnvironments:
    """A new environment with just the task's sites, stopped when the episode ends."""

    async def acquire(self, sites: Iterable[str]) -> Environment:
        return await start_cancellably(list(sites))

    async def release(self, env: Environment) -> None:
        await asyncio.to_thread(env.stop)


class ReusedEnvironment:
    """Every site, started on first use and reset before each later episode; one episode at a time."""

    def __init__(self) -> None:
        self.env: Environment | None = None
        self.episodes = 0
        self._busy = False

    async def acquire(self, sites: Iterable[str]) -> Environment:
        if self._busy:
            raise RuntimeError("a reused environment serves one episode at a time (run its worker with "
                               "max_concurrency=1)")
        self._busy = True
        try:
            if self.env is None:
                self.env = await start_cancellably()
            elif self.episodes:
                await asyncio.to_thread(self.env.reset)
        except BaseException:
            self._busy = False
            raise
        self.episodes += 1
        return self.env

    async def release(self, env: Environment) -> None:
        self._busy = False

    def stop(self) -> None:
        if self.env is not None:
            self.env.stop()
            self.env = None


async def start_cancellably(sites: list[str] | None = None) -> Environment:
    """`start_environment` off the event loop. A thread cannot be cancelled: an episode cancelled while its sites
    start (Ctrl-C or SIGTERM in a sweep) would drop the environment the thread goes on to start, its servers and
    database copies with it. So the start runs in a thread of its own, and an environment nobody is waiting for any
    more is stopped as soon as it exists. `sites`: the names to start (all of them by default)."""
    job: concurrent.futures.Future[Environment] = concurrent.futures.Future()

    def start() -> None:
        try:
            job.set_result(start_environment(sites))
        except BaseException as exc:  # handed to the waiting episode, which raises it
            job.set_exception(exc)

    threading.Thread(target=start, name="start-environment").start()
    try:
        return await asyncio.shield(asyncio.wrap_future(job))
    except asyncio.CancelledError:
        job.add_done_callback(_stop_unclaimed)
        raise


def _stop_unclaimed(job: concurrent.futures.Future[Environment]) -> None:
    if job.exception() is None:
        job.result().stop()


_source: EnvironmentSource = FreshEnvironments()


def current() -> EnvironmentSource:
    return _source


def use(source: EnvironmentSource) -> None:
    """Make `source` the process's environment source (a Ray worker calls this once, at start)."""
    global _source
    _source = source
