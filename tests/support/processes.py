"""Counting the processes a test left behind: the descendants of a process, read from /proc."""

from __future__ import annotations

import time

from bench.processes import below, live_processes


def in_session(session_id: int) -> list[int]:
    """Live processes of a session: a command's browsers and drivers stay in it even after it has exited (they
    are reparented, not moved), so this finds whatever it left behind."""
    return [pid for pid, process in live_processes().items() if process.session == session_id]


def descendants(pid: int | None = None) -> list[tuple[int, str]]:
    """(pid, name) of every live process below `pid` (default: this one)."""
    table = live_processes()
    return [(child, table[child].name) for child in below(table, pid)]


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
