"""Every store-admin task is solvable and judged right: its reference solution replays in real Chromium against
a fresh copy of the shop, and WebArena's evaluators (webenv.evaluators) score the result 1 — and score 0 before
the solution ran, so no eval block passes vacuously."""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from typing import Any

import pytest
from playwright.async_api import Browser, Page

from webenv.evaluators import EvalContext, Outcome, build_evaluator
from webenv.judges import OfflineJudge
from webenv.server import start_environment, template_database
from webenv.sites.shop import ADMIN
from webenv.sites.shop import admin_tasks as tasks
from webenv.tasks.config import parse_task
from webenv.tasks.replay import replay
from webenv.tasks.solution import parse_solution, substitute

TASKS = tasks.build_tasks(template_database(ADMIN))
SITES = ["shopping_admin"]
PARALLEL_REPLAYS = 4


def _id(task: dict[str, Any]) -> str:
    return f"{task['intent_template_id']}-{re.sub(r'[^a-z0-9]+', '-', task['intent'].lower())[:48]}"


def _evaluation_context(env: Any) -> EvalContext:
    judge = OfflineJudge()
    return EvalContext(placeholders=env.placeholders, judge=judge, unachievable_judge=judge)


def test_suite_meets_the_brief() -> None:
    assert len(TASKS) >= 35
    templates = {t["intent_template_id"] for t in TASKS}
    assert len(templates) >= 9 and all(2000 <= tid < 3000 for tid in templates)
    mix = Counter(tuple(t["eval"]["eval_types"]) for t in TASKS)
    assert mix[("string_match",)] >= 15 and mix[("program_html",)] >= 10
    assert mix[("url_match", "program_html")] >= 3 and mix[("url_match",)] >= 2
    unachievable = [t for t in TASKS if "N/A" in str(t["eval"]["reference_answers"])]
    assert unachievable and all(t["eval"]["string_note"] for t in unachievable)
    assert len({t["intent"] for t in TASKS}) == len(TASKS), "every intent is distinct"
    wordings = {(t["intent_template_id"], t["intent_template"]) for t in TASKS}
    assert len(wordings) == len(templates), "one wording per intent template id"


@pytest.mark.parametrize("task", TASKS, ids=_id)
def test_task_config_is_valid_webarena_format(task: dict[str, Any]) -> None:
    config = parse_task(task)
    assert list(config.sites) == SITES
    assert task["require_login"] and task["storage_state"] == "./.auth/shopping_admin_state.json"
    assert task["start_url"].startswith("__SHOPPING_ADMIN__")
    for key, value in task["instantiation_dict"].items():
        assert str(value) in task["intent"], f"{key} is not in the intent"
    solution = parse_solution(task["reference_solution"], _id(task))
    assert all(step.reasoning for step in solution.steps)
    build_evaluator(config)


# Answers no page shows verbatim: what the final page must show instead, so the answer is checked against the
# site and not only against admin_queries.
def _grand_totals_add_up(page_text: str, answer: str) -> bool:
    totals = [float(m.replace(",", "")) for m in re.findall(r"\t\$([\d,]+\.\d\d)\t", page_text)]
    return f"${sum(totals):,.2f}" == answer


async def _answer_is_on_page(page: Page, task: dict[str, Any], answer: str) -> None:
    text = await page.locator("main").inner_text()
    if task["intent_template_id"] == tasks.CUSTOMER_SPEND:
        assert _grand_totals_add_up(text, answer), f"grid totals on {page.url} do not add up to {answer}"
        return
    if answer == "N/A":
        return  # the reason is in the notes; the evaluator checks the answer itself
    for phrase in task["eval"]["reference_answers"].get("must_include", []):
        first = phrase.split(" |OR| ")[0]
        assert first.lower() in text.lower(), f"{first!r} is not shown on {page.url}"


async def _replay_and_judge(browser: Browser, task: dict[str, Any]) -> str | None:
    """Run one task in its own fresh environment; None when it passes, else what went wrong."""
    config = parse_task(task)
    solution = parse_solution(task["reference_solution"], _id(task))
    env = await asyncio.to_thread(start_environment, SITES)
    state = await asyncio.to_thread(env.storage_state, SITES)
    context = await browser.new_context(storage_state=state)  # type: ignore[arg-type]
    try:
        page = await context.new_page()
        await page.goto(substitute(task["start_url"], env.placeholders) or "")
        evaluator = build_evaluator(config.resolve(env.placeholders))
        ctx = _evaluation_context(env)
        if task["eval"]["program_html"]:  # string and URL checks cannot pass on an empty answer at the start
            before = await evaluator.evaluate(Outcome(answer="", last_url=page.url), page, ctx)
            if before.score != 0:
                return f"the eval passes before any action:\n{before.report()}"
        result = await replay(page, solution, env.placeholders)
        after = await evaluator.evaluate(Outcome(answer=result.answer, last_url=result.final_url), result.page, ctx)
        if not after.passed:
            return after.report()
        if "string_match" in task["eval"]["eval_types"]:
            await _answer_is_on_page(result.page, task, result.answer)
        return None
    except Exception as exc:  # a replay error or a failed page check: report it with the others
        return f"{type(exc).__name__}: {exc}"
    finally:
        await context.close()
        await asyncio.to_thread(env.stop)


async def test_every_reference_solution_replays_and_scores_one(browser: Browser) -> None:
    """All tasks, a few at a time (each in its own environment and browser context): Chromium's per-context
    start-up dominates a replay, and overlapping it keeps the suite fast."""
    limit = asyncio.Semaphore(PARALLEL_REPLAYS)

    async def run(task: dict[str, Any]) -> tuple[str, str | None]:
        async with limit:
            return _id(task), await _replay_and_judge(browser, task)

    outcomes = await asyncio.gather(*(run(task) for task in TASKS))
    failures = [f"{name}: {problem}" for name, problem in outcomes if problem]
    assert not failures, f"{len(failures)} of {len(TASKS)} tasks failed:\n\n" + "\n\n".join(failures)
