"""Where durable runs keep their state: SQLite by default, Postgres when given a postgres:// URL.

Three things live in that one database, so a run can be resumed from any directory and any machine that reaches
it: LangGraph's checkpoints, the action journal (`nodes.action_journal`: what each action sent to the server,
so a resume never repeats it blindly), and the settings each CLI run was started with (`cli.run_store`). The last
two are a LangGraph store beside the checkpointer.

The CLI checkpoints every run, so a killed process loses nothing: `plan-and-act resume THREAD_ID` continues
from the last completed node. (`langgraph dev` and the LangGraph API bring their own checkpointer and store.)
Checkpoints are written through a serializer that redacts known secret values: whatever a node let through,
no checkpoint on disk holds one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.serde.base import SerializerProtocol
from langgraph.store.base import BaseStore

from tools import secrets

DEFAULT_DB = Path(".plan_and_act") / "checkpoints.sqlite"


class CheckpointStoreError(RuntimeError):
    """The checkpoint database cannot be opened (an unreachable server, a missing extra); says which and why."""


def is_postgres(location: str) -> bool:
    return location.startswith(("postgres://", "postgresql://"))


def shown_location(location: str) -> str:
    """A database location fit to print: a Postgres URL without its password."""
    if not is_postgres(location):
        return location
    parts = urlsplit(location)
    host = parts.hostname or ""
    netloc = (f"{parts.username}@" if parts.username else "") + host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


class RedactingSerializer(SerializerProtocol):
    """Checkpoints through the saver's own serializer, with known secret values replaced by placeholders."""

    def __init__(self, inner: SerializerProtocol) -> None:
        self.inner = inner

    def dumps_typed(self, obj: Any) -> tuple[str, bytes]:
        return self.inner.dumps_typed(secrets.redact_value(obj))

    def loads_typed(self, data: tuple[str, bytes]) -> Any:
        return self.inner.loads_typed(data)


@dataclass(frozen=True)
class Durable:
    """A run's checkpointer and store, open on one database."""

    checkpointer: BaseCheckpointSaver
    store: BaseStore
    location: str


@asynccontextmanager
async def open_durable(location: str | Path | None = None) -> AsyncIterator[Durable]:
    """Checkpointer and store on a SQLite file (created with its folder) or a Postgres database."""
    location = str(location or DEFAULT_DB)
    async with AsyncExitStack() as stack:
        store: BaseStore
        if is_postgres(location):
            saver, store = await _open_postgres(stack, location)
        else:
            from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
            from langgraph.store.sqlite.aio import AsyncSqliteStore

            path = Path(location)
            path.parent.mkdir(parents=True, exist_ok=True)
            saver = await stack.enter_async_context(AsyncSqliteSaver.from_conn_string(str(path)))
            sqlite_store = await stack.enter_async_context(AsyncSqliteStore.from_conn_string(str(path)))
            await sqlite_store.setup()
            store = sqlite_store
        saver.serde = RedactingSerializer(saver.serde)
        yield Durable(checkpointer=saver, store=store, location=location)


async def _open_postgres(stack: AsyncExitStack, location: str) -> tuple[BaseCheckpointSaver, BaseStore]:
    try:
        import psycopg
        from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
        from langgraph.store.postgres.aio import AsyncPostgresStore
    except ImportError as exc:
        raise CheckpointStoreError("Postgres checkpoints need the extra: pip install 'plan-and-act[postgres]'") from exc
    try:
        saver = await stack.enter_async_context(AsyncPostgresSaver.from_conn_string(location))
        store = await stack.enter_async_context(AsyncPostgresStore.from_conn_string(location))
        await saver.setup()
        await store.setup()
    except psycopg.Error as exc:
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise CheckpointStoreError(f"cannot use the Postgres database {shown_location(location)}: {reason}") from exc
    return saver, store


@asynccontextmanager
async def open_checkpointer(location: str | Path | None = None) -> AsyncIterator[BaseCheckpointSaver]:
    """Just the checkpointer (see `open_durable` for it and the store together)."""
    async with open_durable(location) as durable:
        yield durable.checkpointer
