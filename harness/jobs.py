"""Episodes as idempotent jobs: a key per (run, task, policy, settings), and a store that keeps each finished
episode's result in its own file, written atomically the moment it arrives.

A distributed sweep (`harness.ray_backend`) can lose a worker or its driver at any moment. With every finished
result on disk under a key that says exactly what was run, a rerun of the same command (same `--out`, so the same
run) finds what is done and runs only what is missing; a result is never half written (write to a temporary file,
flush, fsync, rename), and running a job twice only overwrites a result with an equivalent one.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.context import Context
from harness.episode import EpisodeResult, PolicyChoice


def settings_hash(settings: Context) -> str:
    """Every setting that can change an episode, hashed; key order does not matter."""
    blob = json.dumps(settings.as_dict(), sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class JobKey:
    run: str  # the run directory's name: the same --out is the same run
    task_id: int
    policy: str  # PolicyChoice in full, not just its label (two servers may serve a model of the same name)
    settings: str  # settings_hash

    @classmethod
    def of(cls, run: str, task_id: int, policy: PolicyChoice, settings: Context) -> JobKey:
        return cls(run, int(task_id), json.dumps(policy.__dict__, sort_keys=True), settings_hash(settings))

    @property
    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.__dict__, sort_keys=True).encode()).hexdigest()[:20]

    @property
    def filename(self) -> str:
        return f"task-{self.task_id}-{self.digest}.json"


class JobStore:
    """Finished episodes of a run, one JSON file each under `directory`."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    def path(self, key: JobKey) -> Path:
        return self.directory / key.filename

    def has(self, key: JobKey) -> bool:
        return self.path(key).exists()

    def put(self, key: JobKey, result: EpisodeResult, **about: Any) -> None:
        """Write atomically: readers (and a restarted driver) see the whole result or none."""
        record = {"key": key.__dict__, "result": result.to_json(), **about}
        target = self.path(key)
        partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        with partial.open("w", encoding="utf-8") as sink:
            sink.write(json.dumps(record, ensure_ascii=False))
            sink.flush()
            os.fsync(sink.fileno())
        os.replace(partial, target)

    def get(self, key: JobKey) -> EpisodeResult:
        return EpisodeResult(**json.loads(self.path(key).read_text(encoding="utf-8"))["result"])

    def records(self) -> Iterator[dict[str, Any]]:
        for path in sorted(self.directory.glob("task-*.json")):
            yield json.loads(path.read_text(encoding="utf-8"))
