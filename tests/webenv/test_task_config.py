"""The task-config loader: typed parsing, extras kept, placeholders substituted, invalid configs named."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from webenv.tasks.config import MatchRule, TaskConfigError, load_tasks, parse_task

pytestmark = pytest.mark.unit  # no browser, no server


def config(**overrides: Any) -> dict[str, Any]:
    """A valid config in WebArena's shape (modelled on WebArena-Lite task 133)."""
    raw: dict[str, Any] = {
        "sites": ["reddit"],
        "task_id": 7,
        "require_login": True,
        "storage_state": "./.auth/reddit_state.json",
        "start_url": "__REDDIT__",
        "geolocation": None,
        "intent_template": "Post in {{forum}} asking {{question}}",
        "instantiation_dict": {"forum": "nyc", "question": "is car necessary"},
        "intent": "Post in nyc asking is car necessary",
        "require_reset": False,
        "eval": {
            "eval_types": ["url_match", "program_html"],
            "reference_answers": None,
            "reference_url": "__REDDIT__/f/nyc",
            "program_html": [
                {
                    "url": "func:reddit_get_post_url('__last_url__')",
                    "locator": "document.querySelector('.submission__inner').outerText",
                    "required_contents": {"must_include": ["is car necessary |OR| car needed", "__REDDIT__/f/nyc"]},
                }
            ],
            "url_note": "GOLD in PRED",
        },
        "intent_template_id": 6100,
        "old_task_id": 600,
    }
    raw.update(overrides)
    return raw


def test_parse_types_every_field() -> None:
    task = parse_task(config())
    assert task.task_id == 7 and task.sites == ("reddit",) and task.require_login is True
    assert task.storage_state == "./.auth/reddit_state.json" and task.intent_template_id == 6100
    assert task.old_task_id == 600 and task.instantiation_dict == {"forum": "nyc", "question": "is car necessary"}
    assert task.eval.eval_types == ("url_match", "program_html")
    assert task.eval.reference_answers == ()
    assert task.eval.url_note == "GOLD in PRED"
    (target,) = task.eval.program_html
    assert target.url == "func:reddit_get_post_url('__last_url__')"
    assert target.required_contents == (MatchRule("must_include", ("is car necessary |OR| car needed",
                                                                   "__REDDIT__/f/nyc")),)


def test_unknown_keys_and_reference_solution_are_kept_verbatim() -> None:
    raw = config(reference_solution={"steps": [], "actions": [{"action": "stop", "answer": ""}]},
                 annotator="someone")
    raw["eval"]["page_image_query"] = []
    task = parse_task(raw)
    assert task.reference_solution == raw["reference_solution"]
    assert task.extra == {"annotator": "someone"}
    assert task.eval.extra == {"page_image_query": []}
    assert task.to_dict() == raw


def test_bare_string_list_rules_become_tuples() -> None:
    # WebArena-Lite writes task 81's must_include and task 114's fuzzy_match as bare strings.
    raw = config(eval={"eval_types": ["string_match"],
                       "reference_answers": {"must_include": "yjlou", "fuzzy_match": "N/A"}})
    assert parse_task(raw).eval.reference_answers == (MatchRule("must_include", ("yjlou",)),
                                                      MatchRule("fuzzy_match", ("N/A",)))


def test_load_tasks_from_a_file_a_single_object_and_a_list(tmp_path: Path) -> None:
    many = tmp_path / "tasks.json"
    many.write_text(json.dumps([config(task_id=1), config(task_id=2)]))
    single = tmp_path / "3.json"
    single.write_text(json.dumps(config(task_id=3)))
    assert [t.task_id for t in load_tasks(many)] == [1, 2]
    assert [t.task_id for t in load_tasks(str(single))] == [3]
    assert [t.task_id for t in load_tasks([config(task_id=4)])] == [4]


def test_resolve_substitutes_placeholders_but_not_evaluation_tokens() -> None:
    raw = config()
    task = parse_task(raw)
    resolved = task.resolve({"__REDDIT__": "http://127.0.0.1:9999/", "__GITLAB__": "http://127.0.0.1:1"})
    assert resolved.start_url == "http://127.0.0.1:9999"
    assert resolved.eval.reference_url == "http://127.0.0.1:9999/f/nyc"
    (target,) = resolved.eval.program_html
    assert target.url == "func:reddit_get_post_url('__last_url__')"
    assert target.required_contents[0].values[1] == "http://127.0.0.1:9999/f/nyc"
    assert task.eval.reference_url == "__REDDIT__/f/nyc" and raw == config()  # the original is untouched


def test_resolve_reports_a_placeholder_without_url() -> None:
    task = parse_task(config())
    with pytest.raises(TaskConfigError, match=r"task 7: field 'start_url': placeholder __REDDIT__ has no URL"):
        task.resolve({"__GITLAB__": "http://127.0.0.1:1"})


def test_start_urls_split_tabs() -> None:
    task = parse_task(config(start_url="__SHOPPING__/a.html |AND| __SHOPPING__/b.html", sites=["shopping"]))
    assert task.resolve({"__SHOPPING__": "http://h", "__REDDIT__": "http://r"}).start_urls == (
        "http://h/a.html", "http://h/b.html")


def test_bad_json_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('[\n  {"sites": ["reddit"],\n   "intent": oops}\n]')
    with pytest.raises(TaskConfigError, match=r"broken\.json:3:14: invalid JSON"):
        load_tasks(path)


def _without(path: str) -> dict[str, Any]:
    raw = config()
    *parents, last = path.split(".")
    node: Any = raw
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    del node[last]
    return raw


@pytest.mark.parametrize(
    "field",
    ["intent", "start_url", "sites", "eval", "eval.eval_types", "eval.program_html.0.url",
     "eval.program_html.0.locator", "eval.program_html.0.required_contents"],
)
def test_missing_field_is_named(field: str) -> None:
    shown = re.escape(field.replace(".0.", "[0]."))
    with pytest.raises(TaskConfigError, match=rf"^task 7: field '{shown}' is missing"):
        parse_task(_without(field))


def _edited(edit: dict[str, Any]) -> dict[str, Any]:
    raw = copy.deepcopy(config())
    for path, value in edit.items():
        *parents, last = path.split(".")
        node: Any = raw
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        node[last] = value
    return raw


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ({"require_login": "yes"}, r"field 'require_login' must be a boolean, got a string"),
        ({"sites": ["reddit", 3]}, r"field 'sites\[1\]' must be a string, got an integer"),
        ({"sites": ["redit"]}, r"field 'sites' names unknown site 'redit'"),
        ({"eval.eval_types": ["string_match", "html_match"]},
         r"field 'eval.eval_types' has unknown eval type 'html_match'"),
        ({"eval.eval_types": ["string_match"], "eval.reference_answers": {"must_includes": ["x"]}},
         r"field 'eval.reference_answers.must_includes' is not a known rule"),
        ({"eval.program_html.0.required_contents": {"contains": ["x"]}},
         r"field 'eval.program_html\[0\].required_contents.contains' is not a known rule"),
        ({"eval.program_html.0.locator": "$('.x').text()"}, r"field 'eval.program_html\[0\].locator' must be empty or"),
        ({"eval.program_html": ["last"]}, r"field 'eval.program_html\[0\]' must be an object"),
        ({"eval.reference_url": ""}, r"field 'eval.reference_url' is required for url_match"),
        ({"eval.url_note": "PRED in GOLD"}, r"field 'eval.url_note' must be one of"),
        ({"start_url": "__SHOPING__/home"}, r"field 'start_url': unknown placeholder __SHOPING__"),
        ({"eval.program_html.0.url": "__WIKI__/x"},
         r"field 'eval.program_html\[0\].url': unknown placeholder __WIKI__"),
    ],
)
def test_invalid_config_is_rejected_naming_task_and_field(edit: dict[str, Any], message: str) -> None:
    with pytest.raises(TaskConfigError, match=rf"^task 7: {message}"):
        parse_task(_edited(edit))


def test_a_boolean_task_id_is_a_type_error() -> None:
    with pytest.raises(TaskConfigError, match=r"^task at index 0: field 'task_id' must be an integer, got a boolean"):
        load_tasks([config(task_id=True)])


def test_a_config_without_task_id_is_named_by_its_index() -> None:
    good = config()
    del good["task_id"]
    bad = copy.deepcopy(good)
    del bad["intent"]
    assert load_tasks([good])[0].task_id is None
    with pytest.raises(TaskConfigError, match=r"^task at index 1: field 'intent' is missing"):
        load_tasks([good, bad])


def test_repeated_task_ids_are_rejected() -> None:
    with pytest.raises(TaskConfigError, match=r"^task 7: field 'task_id' repeats the task at index 0"):
        load_tasks([config(), config()])
