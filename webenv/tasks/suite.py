"""The embedded task suite: every site's generated tasks, numbered, validated, with their reference solutions.

Tasks are generated from the seed databases by each site's `build_tasks` (answers come from the data, never from
a hand-typed table), then numbered in a fixed order so a task id means the same task on every machine. Each one
is checked on the way in: a config the loader rejects, or a solution that breaks the format, stops the build
with an error naming the task and the field.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from webenv.server import template_database
from webenv.sites import all_specs
from webenv.tasks.config import TaskConfig, parse_task
from webenv.tasks.solution import ReferenceSolution, parse_solution

# (site key, module with build_tasks, database stems it reads) in the order ids are assigned.
TASK_SOURCES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("shopping", "webenv.sites.shop.storefront_tasks", ("shop",)),
    ("shopping_admin", "webenv.sites.shop.admin_tasks", ("shop",)),
    ("reddit", "webenv.sites.forum.tasks", ("forum",)),
    ("gitlab", "webenv.sites.codehost.tasks", ("codehost",)),
    ("map", "webenv.sites.map.tasks", ("map",)),
    ("multi", "webenv.tasks.multisite", ("shop", "forum", "codehost", "map")),
)


@dataclass(frozen=True)
class EmbeddedTask:
    config: TaskConfig
    solution: ReferenceSolution
    raw: dict[str, Any]  # the config as JSON (with "task_id" and "reference_solution")

    @property
    def task_id(self) -> int:
        return int(self.config.task_id)  # type: ignore[arg-type]

    @property
    def sites(self) -> list[str]:
        return list(self.config.sites)

    @property
    def group(self) -> str:
        return self.config.group


def _databases() -> dict[str, Path]:
    paths: dict[str, Path] = {}
    for spec in all_specs():
        if spec.database not in paths:
            paths[spec.database] = template_database(spec)
    return paths


def _call_builder(module: str, stems: tuple[str, ...], databases: dict[str, Path]) -> list[dict[str, Any]]:
    build: Callable[..., list[dict[str, Any]]] = importlib.import_module(module).build_tasks
    if len(stems) == 1:
        return build(databases[stems[0]])
    return build({stem: databases[stem] for stem in stems})


def build_suite(sources: Iterable[tuple[str, str, tuple[str, ...]]] = TASK_SOURCES) -> list[dict[str, Any]]:
    """All task configs as JSON dicts, numbered from 0, each validated (config and reference solution)."""
    databases = _databases()
    configs: list[dict[str, Any]] = []
    for _site, module, stems in sources:
        for raw in _call_builder(module, stems, databases):
            numbered = {"task_id": len(configs), **{k: v for k, v in raw.items() if k != "task_id"}}
            parse_task(numbered)
            parse_solution(numbered.get("reference_solution"), str(numbered["task_id"]))
            configs.append(numbered)
    return configs


@lru_cache(maxsize=1)
def load_suite() -> tuple[EmbeddedTask, ...]:
    """The suite, built once per process (generation reads the seed databases)."""
    return tuple(
        EmbeddedTask(config=parse_task(raw), solution=parse_solution(raw["reference_solution"], str(raw["task_id"])),
                     raw=raw)
        for raw in build_suite()
    )


def task_by_id(task_id: int | str) -> EmbeddedTask:
    for task in load_suite():
        if str(task.task_id) == str(task_id):
            return task
    raise KeyError(f"no embedded task {task_id!r} (ids 0..{len(load_suite()) - 1})")


def export_suite(path: Path) -> int:
    """Write the suite as one WebArena-format JSON list (loadable by any WebArena-style harness)."""
    tasks = [task.raw for task in load_suite()]
    path.write_text(json.dumps(tasks, indent=2, ensure_ascii=False) + "\n")
    return len(tasks)
