"""JSONL files the pipeline can trust after a crash, and the content hashes that key every record.

A SIGKILL can leave the last line of an appended file half written. Readers here skip such a torn tail (and
the journal cuts it off before appending again), so a killed stage never poisons its own rerun. Whole files are
written to a temporary name and renamed, so a reader sees either the old file or the new one, never half.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO


class JsonlError(ValueError):
    """A line in the middle of a file that is not JSON (not a torn tail): the file was edited or corrupted."""


def canonical(value: Any) -> str:
    """One spelling per value: sorted keys, no spaces, non-ASCII kept. Hashes are taken over this."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def content_hash(*parts: Any) -> str:
    """sha256 over the canonical JSON of `parts`: the same content gives the same key on any machine."""
    return hashlib.sha256(canonical(list(parts)).encode()).hexdigest()


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_jsonl(path: Path | str) -> Iterator[dict[str, Any]]:
    """Records in file order. A torn last line is skipped; a bad line anywhere else is an error naming it."""
    path = Path(path)
    if not path.exists():
        return
    with path.open("rb") as handle:
        lines = handle.read().split(b"\n")
    last = len(lines) - 1
    for number, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            if number == last:  # no newline after it: a write cut short by a crash
                return
            raise JsonlError(f"{path}:{number + 1}: not JSON ({exc.msg})") from exc
        if not isinstance(value, dict):
            raise JsonlError(f"{path}:{number + 1}: a JSONL record must be an object, not {type(value).__name__}")
        yield value


def dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


def write_jsonl(path: Path | str, records: Iterable[dict[str, Any]]) -> int:
    """Replace the file atomically; returns the number of records written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    count = 0
    with temporary.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(dumps(record))
            count += 1
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    return count


def write_json(path: Path | str, value: Any) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def write_text(path: Path | str, text: str) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


class Appender:
    """Appends records one line at a time, flushed, so a record is on disk once `append` returns (up to the OS:
    a killed process loses nothing it appended; a power cut may). A torn tail left by an earlier crash is cut
    off first, so the next record starts on a line of its own."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        _cut_torn_tail(self.path)
        self._handle: TextIO = self.path.open("a", encoding="utf-8")

    def append(self, record: dict[str, Any]) -> None:
        self._handle.write(dumps(record))
        self._handle.flush()

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> Appender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _cut_torn_tail(path: Path) -> None:
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb+") as handle:
        handle.seek(-1, os.SEEK_END)
        if handle.read(1) == b"\n":
            return
        data = handle.seek(0) or handle.read()
        keep = data.rfind(b"\n") + 1
        handle.truncate(keep)
