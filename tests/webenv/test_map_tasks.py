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

from tests.webenv.task_checks import check_configs, fresh_run, only_test_split, task_label
from webenv.server import template_database
from webenv.sites.map import MAP
from webenv.sites.map.tasks import build_tasks

TASKS = only_test_split(build_tasks(template_database(MAP)))


def test_the_task_set_matches_the_brief() -> None:
    assert len(TASKS) >= 25
    templates = Counter(task["intent_template_id"] for task in TASKS)
    assert len(templates) >= 6 and all(5000 <= template < 6000 for template in templates)
    mix = Counter("+".join(task["eval"]["eval_types"]) for task in TASKS)
    assert mix["string_match"] > len(TASKS) / 2 and mix["url_match"] >= 1 and mix["program_html"] >= 1
    unachievable = [task for task in TASKS if task["eval"]["reference_answers"] == {"fuzzy_match": ["N/A"]}]
    assert unachievable and all(task["eval"]["string_note"] for task in unachievable)
    check_configs(TASKS, site="map", storage_state=None, start="__MAP__")
    assert all(task["start_url"] == "__MAP__" for task in TASKS)


def test_build_tasks_is_deterministic() -> None:
    assert only_test_split(build_tasks(template_database(MAP))) == TASKS


def _visible_text(urls: list[str]) -> str:
    """What the pages a solution passed through show (all map pages are plain GETs, so refetching is safe)."""
    with httpx.Client(timeout=10) as client:
        pages = [client.get(url).text for url in dict.fromkeys(urls)]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", " ".join(pages))).lower()


@pytest.mark.parametrize("raw", TASKS, ids=[task_label(task) for task in TASKS])
async def test_reference_solution_solves_the_task(raw: dict[str, Any], browser: Browser) -> None:
    async with fresh_run(browser, raw) as run:
        untouched = await run.untouched()
        assert not untouched.passed, "the evaluator already passes before the task is done"
        result = await run.solve()

        # The answer was read off the site, not only computed: every required phrase was on a visited page.
        required = (raw["eval"].get("reference_answers") or {}).get("must_include", [])
        if required:
            seen = _visible_text(result.urls)
            for phrase in required:
                assert any(option.lower() in seen for option in phrase.split(" |OR| ")), phrase
