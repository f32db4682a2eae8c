"""Counting the processes a test left behind: the descendants of a process, read from /proc."""

from __future__ import annotations

import os
import time
from pathlib import Path


def _live() -> dict[int, tuple[int, str, int]]:
    """pid -> (parent pid, name, session id) of every live process (zombies are gone, only not yet reaped)."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        if fields[0] == "Z":  # a zombie is gone, only not yet reaped
            continue
        table[int(entry.name)] = (int(fields[1]), name, int(fields[3]))
    return table


def in_session(session_id: int) -> list[int]:
    """Live processes of a session: a command's browsers and drivers stay in it even after it has exited (they
    are reparented, not moved), so this finds whatever it left behind."""
    return [pid for pid, (_parent, _name, session) in _live().items() if session == session_id]


def descendants(pid: int | None = None) -> list[tuple[int, str]]:
    """(pid, name) of every live process below `pid` (default: this one)."""
    root = os.getpid() if pid is None else pid
    table = _live()
    children: dict[int, list[int]] = {}
    for child, (parent, _name, _session) in table.items():
        children.setdefault(parent, []).append(child)
    found, stack = [], [root]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append((child, table[child][1]))
            stack.append(child)
    return found


def browsers(pid: int | None = None) -> list[tuple[int, str]]:
    return [p for p in descendants(pid) if "chrom" in p[1].lower()]


def drivers(pid: int | None = None) -> list[tuple[int, str]]:
    """Playwright drivers (node) below `pid`."""
    return [p for p in descendants(pid) if p[1].startswith("node")]


def settle_count(count, expected: int, deadline_s: float = 30.0) -> int:
    """`count()` once it reaches `expected` (processes exit a moment after they are told to), or its last value
    at the deadline."""
    give_up = time.monotonic() + deadline_s
    value = count()
    while value != expected and time.monotonic() < give_up:
        time.sleep(0.2)  # polling process exit, not hiding a race: the test asserts on the value
        value = count()
    return value
