"""One site registry (issue 6, point 4): the suite, the result tables, the perf pages and the README read it; task
ids are stable when sites and tasks are added; the training pool is disjoint from the test suite."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from webenv.answers import count
from webenv.sites import SITE_PACKAGES, TaskGroup, all_specs, group_order, task_groups
from webenv.tasks.authoring import Plan, Template, click, string_eval, task_config
from webenv.tasks.catalog import README_PATH, readme_block, site_table
from webenv.tasks.ids import TRAIN_ID_BASE, Ledger, task_key
from webenv.tasks.suite import build_splits, export_suite, load_suite

pytestmark = pytest.mark.unit


def _dummy_tasks(_databases: dict[str, Path]) -> list[dict[str, Any]]:
    """A new site's tasks (WebArena's wikipedia, which the embedded suite has no tasks for)."""
    solution = Plan().step("The count is on the home page.", "Open the statistics.",
                           click("link", "Statistics")).finish("Read it.", "Answer.", "7")
    return [task_config(sites=["wikipedia"], template_id=9000, template="How many {{what}} are there?",
                        values={"what": what}, evaluation=string_eval(count(7)), solution=solution,
                        start_url="__WIKIPEDIA__", storage_state=None) for what in ("articles", "editors")]


DUMMY = TaskGroup(name="wikipedia", build_tasks=_dummy_tasks, databases=())


def test_adding_a_site_keeps_every_existing_id() -> None:
    ledger = Ledger.load()
    before = {task_key(t.raw): t.task_id for t in load_suite()}
    for groups in ([DUMMY, *task_groups()], [*task_groups(), DUMMY]):  # registered first or last
        test = build_splits(groups, Ledger(ids={s: dict(v) for s, v in ledger.ids.items()}))["test"]
        after = {task_key(t.raw): t.task_id for t in test}
        assert {key: after[key] for key in before} == before
        new = [t for t in test if t.group == "wikipedia"]
        assert len(new) == 2 and min(t.task_id for t in new) > max(before.values())
        assert len({t.task_id for t in test}) == len(test)


def test_the_ledger_covers_both_splits_and_train_ids_have_their_own_range() -> None:
    splits = {split: [t.raw for t in load_suite(split)] for split in ("test", "train")}
    assert Ledger.load().missing(splits) == {"test": [], "train": []}, "run: python -m webenv.tasks.assign_ids"
    assert all(t.task_id < TRAIN_ID_BASE for t in load_suite("test"))
    assert all(t.task_id >= TRAIN_ID_BASE for t in load_suite("train"))


def test_groups_come_from_the_registry() -> None:
    assert [g.name for g in task_groups()] == list(group_order())
    assert {t.group for t in load_suite()} == set(group_order())
    assert [s.name for s in all_specs()][:5] == ["shopping", "shopping_admin", "reddit", "gitlab", "map"]
    assert "multisite" in SITE_PACKAGES and all(spec.perf_pages and spec.title and spec.summary for spec in all_specs())


def test_the_readme_site_table_is_generated_from_the_registry() -> None:
    assert readme_block(README_PATH) == site_table(), "run: python -m webenv.tasks.catalog README.md"


def test_the_training_pool_is_disjoint_from_the_test_suite() -> None:
    test, train = load_suite("test"), load_suite("train")
    assert len(train) >= 200
    assert not {t.config.intent for t in test} & {t.config.intent for t in train}
    held_out = {t.template_id for t in test} - {t.template_id for t in train}
    assert len(held_out) >= 15
    assert all(t.raw["split"] == "train" for t in train) and not any("split" in t.raw for t in test)
    assert all(t.config.eval.strict and t.solution.actions[-1].action == "stop" for t in train)
    assert len(Counter(t.template_id for t in train)) >= 10


def test_template_split_is_deterministic_and_respects_held_out() -> None:
    cases = list(range(40))
    kept = Template(1, "x").split(cases, test=3)
    assert [c for s, c in kept if s == "test"] == [0, 1, 2] and len(kept) == 40
    assert Template(1, "x", held_out=True).split(cases, test=3) == [("test", 0), ("test", 1), ("test", 2)]
    share = Template(7, "x").split(cases, test=0.25)
    assert share == Template(7, "x").split(cases, test=0.25) and 3 <= sum(s == "test" for s, _ in share) <= 20
    with pytest.raises(ValueError, match="split"):
        task_config(sites=["map"], template_id=1, template="t", values={}, evaluation={}, solution={},
                    start_url="__MAP__", storage_state=None, split="dev")  # type: ignore[arg-type]


def test_an_intent_in_both_splits_stops_the_build() -> None:
    def both(_databases: dict[str, Path]) -> list[dict[str, Any]]:
        first = _dummy_tasks(_databases)[0]
        return [first, {**first, "split": "train"}]

    with pytest.raises(ValueError, match="both the test and the training split"):
        build_splits([TaskGroup("wikipedia", both, ())], Ledger())


def test_the_export_of_each_split(tmp_path: Path) -> None:
    for split in ("test", "train"):
        count_written = export_suite(tmp_path / f"{split}.json", split)  # type: ignore[arg-type]
        written = json.loads((tmp_path / f"{split}.json").read_text())
        assert count_written == len(written) == len(load_suite(split))  # type: ignore[arg-type]
