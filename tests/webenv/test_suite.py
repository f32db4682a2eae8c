"""The embedded suite as a whole: size, spread, eval mix, data sizes, determinism, and validation on the way in."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter

import pytest

from tests.support.paths import WEBARENA_LITE_CONFIGS
from webenv.sites import TaskGroup, lazy, task_groups
from webenv.tasks.config import KNOWN_PLACEHOLDERS, TaskConfigError, load_tasks
from webenv.tasks.ids import Ledger
from webenv.tasks.suite import _built, _databases, build_suite, generate, load_suite

pytestmark = pytest.mark.unit  # no browser, no server

SUITE = load_suite()
LITE = json.loads(WEBARENA_LITE_CONFIGS.read_text())


def lite_group(config: dict) -> str:
    return config["sites"][0] if len(config["sites"]) == 1 else "multi"


def test_size_templates_and_numbering() -> None:
    assert len(SUITE) >= 160
    ids = [task.task_id for task in SUITE]
    # Ids come from the ledger: unique and ascending, below the training range; gaps are retired ids (a task whose
    # instance the data no longer yields keeps its number out of use, so no other task takes it).
    assert ids == sorted(set(ids)) and ids[-1] < 100_000
    assert len(ids) - len(range(ids[-1] + 1)) >= -len(SUITE) // 20  # at most 5 % retired
    assert len({task.config.intent_template_id for task in SUITE}) >= 40
    assert len({task.config.intent for task in SUITE}) == len(SUITE)  # no task asked twice


def test_spread_over_sites_like_webarena_lite() -> None:
    ours = Counter(task.group for task in SUITE)
    lite = Counter(lite_group(config) for config in LITE)
    assert set(ours) == set(lite) - {"wikipedia"}
    for group, count in lite.items():
        assert ours[group] >= 0.6 * count, (group, ours[group], count)
    assert ours["multi"] >= 10
    assert all(len(task.sites) >= 2 for task in SUITE if task.group == "multi")


def test_unachievable_tasks() -> None:
    na = [task for task in SUITE if task.solution.answer.strip().upper().startswith("N/A")]
    assert len(na) >= 5 and len({task.group for task in na}) >= 4
    for task in na:
        rules = {rule.kind: rule.values for rule in task.config.eval.reference_answers}
        assert "N/A" in rules.get("exact_match", ()) + rules.get("fuzzy_match", ()) + rules.get("must_include", ())
        assert task.config.eval.string_note, task.task_id  # the reason an unachievable judge compares with


def test_eval_type_mix_like_webarena_lite() -> None:
    ours = Counter("+".join(task.config.eval.eval_types) for task in SUITE)
    lite = Counter("+".join(config["eval"]["eval_types"]) for config in LITE)
    assert set(lite) <= set(ours)
    for kind in ("string_match", "program_html", "url_match", "url_match+program_html"):
        share, lite_share = ours[kind] / len(SUITE), lite[kind] / len(LITE)
        assert abs(share - lite_share) <= 0.12, (kind, share, lite_share)
    locators = [target.locator for task in SUITE for target in task.config.eval.program_html]
    assert any(loc.startswith("document.") for loc in locators)
    assert any(loc.startswith("func:") for loc in locators)
    urls = [target.url for task in SUITE for target in task.config.eval.program_html]
    assert {"last"} <= set(urls) and any(u.startswith("func:") for u in urls) and any(u.startswith("__") for u in urls)


def test_every_config_loads_with_the_webarena_loader_and_uses_known_placeholders() -> None:
    raws = [task.raw for task in SUITE]
    loaded = load_tasks(json.loads(json.dumps(raws)))
    assert len(loaded) == len(SUITE)
    for task in loaded:
        resolved = task.resolve({name: "http://127.0.0.1:1" for name in KNOWN_PLACEHOLDERS})
        assert "__" not in resolved.start_url.replace("__last_url__", "")


def test_reference_solutions_are_grounded_plans() -> None:
    for task in SUITE:
        covered = [index for step in task.solution.steps for index in step.actions]
        assert covered == list(range(len(task.solution.actions))), task.task_id
        assert task.solution.actions[-1].action == "stop"
        assert all(a.target is None or a.target.css is None for a in task.solution.actions), task.task_id


def test_the_suite_is_built_the_same_way_every_time() -> None:
    """Generation from scratch equals what the per-machine cache holds (written by whichever process built it
    first), and the suite assembled from those configs is the one loaded."""
    databases = _databases()
    for group in task_groups():
        paths = tuple((stem, databases[stem]) for stem in group.databases)
        assert generate(group, paths) == _built(group, paths), group.name
    assert build_suite() == [task.raw for task in SUITE]


def test_a_torn_cache_file_is_rebuilt(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PLAN_AND_ACT_CACHE", str(tmp_path))
    group = next(group for group in task_groups() if group.name == "reddit")
    paths = tuple((stem, _databases()[stem]) for stem in group.databases)
    first = _built.__wrapped__(group, paths)
    (cached,) = (tmp_path / "webenv").glob("tasks-reddit-*.json")
    cached.write_text(cached.read_text()[:1000])  # a writer killed mid-file (os.replace makes this rare)
    assert _built.__wrapped__(group, paths) == first
    assert json.loads(cached.read_text()) == first


def test_seed_data_is_big_enough_for_search_filters_and_pagination() -> None:
    databases = _databases()

    def count(stem: str, sql: str) -> int:
        with sqlite3.connect(databases[stem]) as conn:
            return conn.execute(sql).fetchone()[0]

    assert count("shop", "SELECT COUNT(*) FROM products") >= 200
    assert count("shop", "SELECT COUNT(*) FROM customers") >= 100
    assert count("shop", "SELECT COUNT(*) FROM orders") >= 300
    assert count("shop", "SELECT COUNT(DISTINCT substr(created_at, 1, 7)) FROM orders") >= 12
    assert count("forum", "SELECT COUNT(*) FROM submissions") + count("forum", "SELECT COUNT(*) FROM comments") >= 300
    assert count("codehost", "SELECT COUNT(*) FROM issues") + count("codehost", "SELECT COUNT(*) FROM merge_requests") >= 150
    assert count("map", "SELECT COUNT(*) FROM places") >= 50


def test_an_invalid_config_stops_the_build_and_names_the_task_and_field() -> None:
    with pytest.raises(TaskConfigError, match=r"task 1: field 'eval\.eval_types' has unknown eval type 'vibes_match'"):
        build_suite([TaskGroup("map", lazy("tests.webenv.fixtures.broken_tasks", "build_tasks"), ("map",))],
                    ledger=Ledger())
