"""Stable task ids: a committed ledger (`task_ids.json`) maps each task's stable key to its id.

Why a ledger rather than per-site id blocks: the suite's ids were published as one range across all sites
(0..191, in BENCHMARKS.md, issues and result files); blocks would have renumbered every one of them once and
capped each site's size for ever. With the ledger an id, once given, means the same task on every machine and in
every later version: adding a site or a task appends ids, removing a task retires its id (it is never reused),
and the order in which sites are registered plays no part.

A task's key is its template id plus its instantiation (canonical JSON) — its identity as WebArena defines it.
Fixing a task's evaluation or reference solution keeps its id; asking something else is a new task with a new id.
Training tasks are numbered in their own range, from `TRAIN_ID_BASE`, so a result file can never mistake a
training task for a test task.

A task whose key is not in the ledger gets the next free id of its split, in build order, so a build always
works; `python -m webenv.tasks.assign_ids` writes those ids into the ledger (commit the file), and a test fails
while the ledger is incomplete.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LEDGER_PATH = Path(__file__).with_name("task_ids.json")
TRAIN_ID_BASE = 100_000
FIRST_ID = {"test": 0, "train": TRAIN_ID_BASE}


def task_key(config: Mapping[str, Any]) -> str:
    """The stable identity of a task config: "<template id>:<instantiation as canonical JSON>"."""
    values = json.dumps(config.get("instantiation_dict") or {}, sort_keys=True, ensure_ascii=False)
    return f"{config['intent_template_id']}:{values}"


@dataclass
class Ledger:
    """key -> id for each split."""

    ids: dict[str, dict[str, int]] = field(default_factory=lambda: {"test": {}, "train": {}})

    @classmethod
    def load(cls, path: Path = LEDGER_PATH) -> Ledger:
        if not path.exists():
            return cls()
        raw = json.loads(path.read_text())
        return cls({split: {str(k): int(v) for k, v in raw.get(split, {}).items()} for split in FIRST_ID})

    def save(self, path: Path = LEDGER_PATH) -> None:
        ordered = {split: dict(sorted(self.ids[split].items(), key=lambda item: item[1])) for split in FIRST_ID}
        path.write_text(json.dumps(ordered, indent=1, ensure_ascii=False) + "\n")

    def assign(self, configs: Sequence[Mapping[str, Any]], split: str) -> tuple[list[int], dict[str, int]]:
        """Ids for configs of one split, and the ids given to keys the ledger did not know (next free, in order).

        Raises ValueError when two configs share a key: that is two tasks asking the same thing."""
        known = self.ids[split]
        next_id = max([FIRST_ID[split] - 1, *known.values()]) + 1
        assigned: list[int] = []
        new: dict[str, int] = {}
        seen: set[str] = set()
        for config in configs:
            key = task_key(config)
            if key in seen:
                raise ValueError(f"two {split} tasks have the key {key!r} (same template and instantiation)")
            seen.add(key)
            if key not in known:
                new[key] = next_id
                next_id += 1
            assigned.append(known.get(key, new.get(key, -1)))
        return assigned, new

    def missing(self, configs_by_split: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, list[str]]:
        """Keys of built tasks that the ledger lacks, per split."""
        return {split: [task_key(c) for c in configs if task_key(c) not in self.ids[split]]
                for split, configs in configs_by_split.items()}
