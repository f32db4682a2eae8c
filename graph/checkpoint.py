"""Where durable runs keep their checkpoints: SQLite by default, Postgres when given a postgres:// URL.

The CLI checkpoints every run, so a killed process loses nothing: `plan-and-act resume THREAD_ID` continues
from the last completed node. (`langgraph dev` and the LangGraph API bring their own checkpointer.)
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from langgraph.checkpoint.base import BaseCheckpointSaver

DEFAULT_DB = Path(".plan_and_act") / "checkpoints.sqlite"


def is_postgres(location: str) -> bool:
    return location.startswith(("postgres://", "postgresql://"))


@asynccontextmanager
async def open_checkpointer(location: str | Path | None = None) -> AsyncIterator[BaseCheckpointSaver]:
    """An async checkpointer for a SQLite file path (created with its folder) or a Postgres URL."""
    location = str(location or DEFAULT_DB)
    if is_postgres(location):
        try:
            from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
        except ImportError as exc:
            raise RuntimeError("Postgres checkpoints need the extra: pip install 'plan-and-act[postgres]'") from exc
        async with AsyncPostgresSaver.from_conn_string(location) as saver:
            await saver.setup()
            yield saver
        return
    from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

    path = Path(location)
    path.parent.mkdir(parents=True, exist_ok=True)
    async with AsyncSqliteSaver.from_conn_string(str(path)) as saver:
        yield saver
