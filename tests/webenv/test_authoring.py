"""The shared task-writing blocks keep WebArena's key order, and every site spec's lazy seed builder still names
a module of its own site package (the seed cache fingerprints that package's files)."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

import pytest

from webenv.sites import SITE_PACKAGES, all_specs
from webenv.tasks.authoring import (
    WEBARENA_EVAL_KEYS,
    Plan,
    TaskSite,
    click,
    html_check,
    html_eval,
    string_eval,
    url_eval,
    with_string_fields,
)

pytestmark = pytest.mark.unit  # no browser, no server


def test_string_fields_are_filled_in_webarena_key_order() -> None:
    padded = with_string_fields(html_eval(html_check("last", ""), reference_url="__MAP__/"))
    assert list(padded) == list(WEBARENA_EVAL_KEYS)
    assert padded["string_note"] == padded["reference_answer_raw_annotation"] == ""
    answer = string_eval(fuzzy="N/A", raw="N/A", note="no such page", reference_url="__MAP__/")
    assert with_string_fields(answer) == answer and list(answer) == list(WEBARENA_EVAL_KEYS)


def test_a_task_site_fills_in_what_its_tasks_share() -> None:
    solution = Plan().step("The link is on the home page.", "Open it.", click("link", "Directions")).finish(
        "The page is open.", "Stop.")
    task = TaskSite("map", home="__MAP__", storage_state=None).task(
        5999, "Open it {{n}} times", {"n": 2}, url_eval("__MAP__/directions"), solution, require_reset=True)
    assert task["sites"] == ["map"] and task["start_url"] == "__MAP__" and task["storage_state"] is None
    assert task["intent"] == "Open it 2 times" and task["instantiation_dict"] == {"n": 2} and task["require_reset"]


def test_every_spec_builds_its_seed_from_its_own_package() -> None:
    for spec in all_specs():
        package = Path(inspect.getfile(importlib.import_module(spec.build_database.__module__))).parent.name
        assert package in SITE_PACKAGES and package == spec.database, spec.name  # each seed is named after its site
