"""What every site's task tests share: the shape every config must have, and replaying a reference solution in a
fresh environment to score it with the task's own eval block.

Each site's test module keeps its own assertions (what must not pass before the solution runs, what the database
must hold afterwards, what the visited pages must show); this module only does the part that is the same
everywhere, so a change to how tasks are replayed or scored is made once.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from langchain_core.language_models import BaseChatModel
from playwright.async_api import Browser, Page, Response

from webenv.evaluators import EvalContext, EvalResult, EvaluatorComb, Outcome, build_evaluator
from webenv.server import Environment, start_environment
from webenv.tasks.authoring import stable_fraction
from webenv.tasks.config import TaskConfig, parse_task, substitute
from webenv.tasks.replay import ReplayResult, replay
from webenv.tasks.solution import parse_solution

Task = dict[str, Any]


def only_test_split(tasks: Sequence[Task]) -> list[Task]:
    """The test-split configs of a builder's output (builders return the training pool too)."""
    return [task for task in tasks if task.get("split") != "train"]


def one_per_template(tasks: Sequence[Task], salt: str) -> list[Task]:
    """One instance of every template, picked by a stable hash of its intent. The test suite replays these so
    that every template's generator, reference path and evaluator run within CI's budget; every instance of
    every template, in both splits, is replayed by the oracle sweeps recorded in BENCHMARKS.md
    (`plan-and-act-bench sweep --policy oracle --split test|train`)."""
    chosen: dict[int, Task] = {}
    for task in sorted(tasks, key=lambda t: stable_fraction(salt, t["intent"])):
        chosen.setdefault(task["intent_template_id"], task)
    return [chosen[template] for template in sorted(chosen)]


def task_label(task: Task) -> str:
    """A task's template id and the start of its intent, as a test id or at the head of a failure report."""
    return f"{task['intent_template_id']}-{re.sub(r'[^a-z0-9]+', '-', task['intent'].lower())[:48]}"


def check_configs(tasks: Sequence[Task], *, site: str, storage_state: str | None, start: str) -> None:
    """Every config is valid WebArena format for one site, logged in as the site's default account, starting on
    the site, with an intent that is fully instantiated and asked by no other task, and a reference solution
    whose every step says why."""
    for task in tasks:
        config = parse_task(task)
        assert config.sites == (site,) and config.require_login, task_label(task)
        assert task["storage_state"] == storage_state and task["start_url"].startswith(start), task_label(task)
        assert "{{" not in task["intent"], task_label(task)
        solution = parse_solution(task["reference_solution"], task_label(task))
        assert all(step.reasoning for step in solution.steps), task_label(task)
    assert len({task["intent"] for task in tasks}) == len(tasks), "two tasks ask the same thing"


@dataclass
class TaskRun:
    """One task in its own fresh environment, with a browser page open on its start URL."""

    task: Task
    config: TaskConfig
    env: Environment
    page: Page
    evaluator: EvaluatorComb
    scoring: EvalContext
    http_errors: list[str] = field(default_factory=list)  # every response >= 400 the page received, in order

    async def untouched(self) -> EvalResult:
        """The score of the start page with an empty answer: what the seed data alone would earn."""
        return await self.evaluator.evaluate(Outcome(answer="", last_url=self.page.url), self.page, self.scoring)

    async def replay(self) -> ReplayResult:
        """Carry out the reference solution from the start page."""
        solution = parse_solution(self.task["reference_solution"], task_label(self.task))
        return await replay(self.page, solution, self.env.placeholders)

    async def assert_solved(self, result: ReplayResult) -> None:
        """The task's own evaluator passes the replay's answer and last page."""
        verdict = await self.evaluator.evaluate(Outcome(answer=result.answer, last_url=result.final_url),
                                                result.page, self.scoring)
        assert verdict.passed, verdict.report()

    async def solve(self) -> ReplayResult:
        result = await self.replay()
        await self.assert_solved(result)
        return result


@asynccontextmanager
async def fresh_run(browser: Browser, task: Task, *, judge: BaseChatModel | None = None,
                    unachievable_judge: BaseChatModel | None = None) -> AsyncIterator[TaskRun]:
    """A fresh environment for the task's sites (its own database copies), logged in if the task requires it.

    Starting an environment and logging in block, so they run in a thread: runs side by side (`solve_all`) then
    overlap them instead of stalling each other's browser traffic."""
    config = parse_task(task)
    sites = list(config.sites)
    env = await asyncio.to_thread(start_environment, sites)
    try:
        state = await asyncio.to_thread(env.storage_state, sites) if config.require_login else None
        context = await browser.new_context(storage_state=state)  # type: ignore[arg-type]
        try:
            page = await context.new_page()
            run = TaskRun(task=task, config=config, env=env, page=page,
                          evaluator=build_evaluator(config.resolve(env.placeholders)),
                          scoring=EvalContext(placeholders=env.placeholders, judge=judge,
                                              unachievable_judge=unachievable_judge))

            def record(response: Response) -> None:
                if response.status >= 400:
                    run.http_errors.append(f"{response.status} {response.request.method} {response.url}")

            page.on("response", record)
            await page.goto(substitute(config.start_url, env.placeholders) or "")
            yield run
        finally:
            await context.close()
    finally:
        await asyncio.to_thread(env.stop)


async def solve_all(tasks: Sequence[Task], solve: Callable[[Task], Awaitable[None]], *, at_once: int = 4) -> None:
    """Run `solve` on every task, a few at a time (each in its own environment and browser context): a replay
    mostly waits on page loads, so running them side by side keeps the suite fast. Every failure is reported,
    not just the first."""
    gate = asyncio.Semaphore(at_once)

    async def attempt(task: Task) -> str | None:
        async with gate:
            try:
                await solve(task)
            except Exception as error:  # collect every failure
                return f"{task_label(task)}: {type(error).__name__}: {error}"
        return None

    failures = [failure for failure in await asyncio.gather(*(attempt(task) for task in tasks)) if failure]
    assert not failures, f"{len(failures)} of {len(tasks)} tasks failed:\n\n" + "\n\n".join(failures)
