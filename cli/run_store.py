"""The settings each CLI thread was started with, so `resume THREAD_ID` needs nothing but the id.

LangGraph checkpoints state, not run settings (models, mode, budgets), and settings never hold secrets, so a
small JSON file per thread next to the checkpoint database is enough.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from graph.checkpoint import DEFAULT_DB, is_postgres
from graph.context import Context


class UnknownThread(LookupError):
    """No run was recorded under this thread id."""


def store_dir(checkpoint_db: str | None) -> Path:
    location = checkpoint_db or str(DEFAULT_DB)
    base = DEFAULT_DB.parent if is_postgres(location) else Path(location).parent
    return base / "runs"


def save_run(checkpoint_db: str | None, thread_id: str, context: Context, task: dict[str, Any]) -> Path:
    directory = store_dir(checkpoint_db)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{thread_id}.json"
    path.write_text(json.dumps({"thread_id": thread_id, "context": asdict(context), "task": task}, indent=2))
    return path


def load_run(checkpoint_db: str | None, thread_id: str) -> tuple[Context, dict[str, Any]]:
    path = store_dir(checkpoint_db) / f"{thread_id}.json"
    if not path.is_file():
        raise UnknownThread(f"no run with thread id {thread_id!r} under {path.parent}")
    record = json.loads(path.read_text())
    return Context.from_mapping(record["context"], strict=False), record["task"]


def list_runs(checkpoint_db: str | None) -> list[dict[str, Any]]:
    directory = store_dir(checkpoint_db)
    if not directory.is_dir():
        return []
    return [json.loads(p.read_text()) for p in sorted(directory.glob("*.json"), key=lambda p: p.stat().st_mtime)]
