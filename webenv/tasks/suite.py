"""The embedded task suite: every group's generated tasks, with stable ids, validated, in two splits.

Tasks are generated from the seed databases by each group's builder (answers come from the data, never from a
hand-typed table; the groups and their builders come from the site registry, `webenv.sites.task_groups`). Each
builder returns test and training tasks together (`webenv.tasks.authoring.Template.split`); ids come from the
ledger (`webenv.tasks.ids`), so a task id means the same task on every machine and after any site or task is
added. Each task is checked on the way in: a config the loader rejects, or a solution that breaks the format,
stops the build with an error naming the task and the field; so does an intent asked in both splits.
"""

from __future__ import annotations

import copy
import hashlib
import importlib
import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from webenv.server import add_sources, cache_dir, template_database
from webenv.sites import TaskGroup, all_specs, task_groups
from webenv.tasks.authoring import SPLITS, Split
from webenv.tasks.config import TaskConfig, parse_task
from webenv.tasks.ids import Ledger
from webenv.tasks.solution import ReferenceSolution, parse_solution


@dataclass(frozen=True)
class EmbeddedTask:
    config: TaskConfig
    solution: ReferenceSolution
    raw: dict[str, Any]  # the config as JSON (with "task_id" and "reference_solution")
    group: str = ""  # the registry group that built it ("shopping", ..., "multi")

    @property
    def task_id(self) -> int:
        return int(self.config.task_id)  # type: ignore[arg-type]

    @property
    def sites(self) -> list[str]:
        return list(self.config.sites)

    @property
    def split(self) -> Split:
        return "train" if self.raw.get("split") == "train" else "test"

    @property
    def template_id(self) -> int:
        return int(self.config.intent_template_id or 0)


def _databases() -> dict[str, Path]:
    paths: dict[str, Path] = {}
    for spec in all_specs():
        if spec.database not in paths:
            paths[spec.database] = template_database(spec)
    return paths


def _call_builder(group: TaskGroup, databases: Mapping[str, Path]) -> list[dict[str, Any]]:
    missing = [stem for stem in group.databases if stem not in databases]
    if missing:
        raise LookupError(f"task group {group.name!r} reads databases no site provides: {missing}")
    paths = tuple((stem, databases[stem]) for stem in group.databases)
    return copy.deepcopy(_built(group, paths))  # callers own their configs


def generate(group: TaskGroup, paths: tuple[tuple[str, Path], ...]) -> list[dict[str, Any]]:
    """A group's configs straight from its builder, as JSON values (what the disk cache holds)."""
    built = group.build_tasks(paths[0][1]) if len(paths) == 1 else group.build_tasks(dict(paths))
    return json.loads(json.dumps(built))


@lru_cache(maxsize=32)
def _built(group: TaskGroup, paths: tuple[tuple[str, Path], ...]) -> list[dict[str, Any]]:
    """A group's configs, generated once per machine for given sources and databases: every process that runs
    a task (each sweep worker, each resumed episode, each CLI call) would otherwise spend seconds generating the
    same thousands of configs. Generation is deterministic, so the cache is keyed by what it reads — the code and
    data files of `webenv` and of the builder's own package, and the seed databases (content-addressed paths)."""
    builder = f"{group.build_tasks.__module__}.{group.build_tasks.__qualname__}"
    if "<locals>" in builder or "<lambda>" in builder:
        return generate(group, paths)  # a builder made at run time (a test's) has no stable name to key on
    key = hashlib.sha256("\0".join([group.name, builder, _sources_fingerprint(group.build_tasks.__module__),
                                     *(f"{stem}={path.name}" for stem, path in paths)]).encode()).hexdigest()[:16]
    cached = cache_dir() / f"tasks-{group.name}-{key}.json"
    try:
        return json.loads(cached.read_text())
    except (OSError, ValueError):
        pass  # not built yet here, or a torn file from a killed writer: generate it
    configs = generate(group, paths)
    fd, tmp = tempfile.mkstemp(dir=cached.parent, suffix=".building")
    with os.fdopen(fd, "w") as out:
        json.dump(configs, out)
    os.replace(tmp, cached)  # atomic: a concurrent reader sees the old state or the whole file
    return configs


@lru_cache(maxsize=8)
def _sources_fingerprint(builder_module: str) -> str:
    """The code and data files generation can read: all of `webenv`, plus the builder's package when it lives
    elsewhere (a site added from outside)."""
    roots = {Path(__file__).resolve().parents[1]}
    module = importlib.import_module(builder_module)
    if module.__file__:
        roots.add(Path(module.__file__).resolve().parent)
    digest = hashlib.sha256()
    for root in sorted(roots):
        add_sources(digest, root, f"{root.name}/")
    return digest.hexdigest()


def build_splits(groups: Iterable[TaskGroup] | None = None, ledger: Ledger | None = None
                 ) -> dict[Split, tuple[EmbeddedTask, ...]]:
    """Both splits, each in id order, every config numbered and validated."""
    databases = _databases()
    ledger = ledger if ledger is not None else Ledger.load()
    built: dict[Split, list[tuple[str, dict[str, Any]]]] = {split: [] for split in SPLITS}
    for group in (task_groups() if groups is None else groups):
        for raw in _call_builder(group, databases):
            split: Split = "train" if raw.get("split") == "train" else "test"
            built[split].append((group.name, raw))
    result: dict[Split, tuple[EmbeddedTask, ...]] = {}
    for split, entries in built.items():
        ids, _new = ledger.assign([raw for _, raw in entries], split)
        tasks = []
        for task_id, (group_name, raw) in zip(ids, entries):
            numbered = {"task_id": task_id, **{k: v for k, v in raw.items() if k != "task_id"}}
            config = parse_task(numbered)
            solution = parse_solution(numbered.get("reference_solution"), str(task_id))
            tasks.append(EmbeddedTask(config=config, solution=solution, raw=numbered, group=group_name))
        result[split] = tuple(sorted(tasks, key=lambda task: task.task_id))
    shared = {t.config.intent for t in result["test"]} & {t.config.intent for t in result["train"]}
    if shared:
        raise ValueError(f"{len(shared)} intent(s) are asked in both the test and the training split, e.g. "
                         f"{sorted(shared)[0]!r}")
    return result


def build_suite(groups: Iterable[TaskGroup] | None = None, split: Split = "test",
                ledger: Ledger | None = None) -> list[dict[str, Any]]:
    """One split's task configs as JSON dicts, in id order, each validated (config and reference solution)."""
    return [task.raw for task in build_splits(groups, ledger)[split]]


@lru_cache(maxsize=1)
def _splits() -> dict[Split, tuple[EmbeddedTask, ...]]:
    return build_splits()


def load_suite(split: Split = "test") -> tuple[EmbeddedTask, ...]:
    """One split of the suite (the test split unless asked), built once per process (generation reads the seed
    databases)."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, got {split!r}")
    return _splits()[split]


def task_by_id(task_id: int | str) -> EmbeddedTask:
    """A task of either split by id (training ids have their own range)."""
    for split in SPLITS:
        for task in load_suite(split):
            if str(task.task_id) == str(task_id):
                return task
    test = load_suite()
    raise KeyError(f"no embedded task {task_id!r} (test ids {test[0].task_id}..{test[-1].task_id})")


def export_suite(path: Path, split: Split = "test") -> int:
    """Write one split as a WebArena-format JSON list (loadable by any WebArena-style harness)."""
    tasks = [task.raw for task in load_suite(split)]
    path.write_text(json.dumps(tasks, indent=2, ensure_ascii=False) + "\n")
    return len(tasks)
