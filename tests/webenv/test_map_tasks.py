"""Every map task is solvable as written: its reference solution replays in Chromium on a fresh environment, the
task's own evaluator (WebArena semantics) fails before and passes after, and the facts of each answer are
visible on the pages the solution visited."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser

from webenv.evaluators import EvalContext, Outcome, build_evaluator
from webenv.server import start_environment, template_database
from webenv.sites.map import MAP
from webenv.sites.map.tasks import build_tasks
from webenv.tasks.config import parse_task
from webenv.tasks.replay import replay
from webenv.tasks.solution import parse_solution, substitute

TASKS = build_tasks(template_database(MAP))


def test_the_task_set_matches_the_brief() -> None:
    assert len(TASKS) >= 25
    templates = Counter(task["intent_template_id"] for task in TASKS)
    assert len(templates) >= 6 and all(5000 <= template < 6000 for template in templates)
    mix = Counter("+".join(task["eval"]["eval_types"]) for task in TASKS)
    assert mix["string_match"] > len(TASKS) / 2 and mix["url_match"] >= 1 and mix["program_html"] >= 1
    unachievable = [task for task in TASKS if task["eval"]["reference_answers"] == {"fuzzy_match": ["N/A"]}]
    assert unachievable and all(task["eval"]["string_note"] for task in unachievable)
    assert len({task["intent"] for task in TASKS}) == len(TASKS)
    for task in TASKS:
        parsed = parse_task(task)
        assert parsed.sites == ("map",) and task["start_url"] == "__MAP__"
        assert "{{" not in task["intent"]
        solution = parse_solution(task["reference_solution"], task["intent"])
        assert all(step.reasoning for step in solution.steps)


def test_build_tasks_is_deterministic() -> None:
    assert build_tasks(template_database(MAP)) == TASKS


def _id(task: dict[str, Any]) -> str:
    return f"{task['intent_template_id']}-{re.sub(r'[^a-z0-9]+', '-', task['intent'].lower())[:48]}"


def _visible_text(urls: list[str]) -> str:
    """What the pages a solution passed through show (all map pages are plain GETs, so refetching is safe)."""
    with httpx.Client(timeout=10) as client:
        pages = [client.get(url).text for url in dict.fromkeys(urls)]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", " ".join(pages))).lower()


@pytest.mark.parametrize("raw", TASKS, ids=[_id(task) for task in TASKS])
async def test_reference_solution_solves_the_task(raw: dict[str, Any], browser: Browser) -> None:
    task = parse_task(raw)
    solution = parse_solution(raw["reference_solution"], raw["intent"])
    env = start_environment(sites=task.sites)
    context = await browser.new_context(storage_state=env.storage_state(task.sites) if task.require_login else None)
    try:
        page = await context.new_page()
        await page.goto(substitute(task.start_url, env.placeholders) or "")
        evaluator = build_evaluator(task)
        ctx = EvalContext(placeholders=env.placeholders)
        untouched = await evaluator.evaluate(Outcome(answer="", last_url=page.url), page, ctx)
        assert not untouched.passed, "the evaluator already passes before the task is done"

        result = await replay(page, solution, env.placeholders)
        verdict = await evaluator.evaluate(Outcome(answer=result.answer, last_url=result.final_url), result.page, ctx)
        assert verdict.passed, verdict.report()

        # The answer was read off the site, not only computed: every required phrase was on a visited page.
        required = (raw["eval"].get("reference_answers") or {}).get("must_include", [])
        if required:
            seen = _visible_text(result.urls)
            for phrase in required:
                assert any(option.lower() in seen for option in phrase.split(" |OR| ")), phrase
    finally:
        await context.close()
        env.stop()
