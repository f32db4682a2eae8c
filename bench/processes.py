"""The machine's live processes, read from /proc: what the parallel benchmark counts (Chromium, drivers, their
memory) and what tests count to prove nothing was left behind. One reader and one tree walk for both."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Process:
    parent: int
    name: str
    session: int
    rss_bytes: int
    cpu_ticks: int = 0  # user + system CPU time so far, in clock ticks (os.sysconf("SC_CLK_TCK") a second)


def live_processes() -> dict[int, Process]:
    """pid -> its parent, name, session id and resident memory, for every live process (a zombie is gone, only
    not yet reaped, so it is left out)."""
    page = os.sysconf("SC_PAGE_SIZE")
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if fields[0] == "Z":
            continue
        try:
            resident = int((entry / "statm").read_text().split()[1]) * page
        except (OSError, IndexError, ValueError):  # exited between the two reads
            resident = 0
        table[int(entry.name)] = Process(int(fields[1]), stat[stat.index("(") + 1:stat.rindex(")")],
                                         int(fields[3]), resident, int(fields[11]) + int(fields[12]))
    return table


def below(table: dict[int, Process], root: int | None = None, skip: frozenset[int] = frozenset()) -> Iterator[int]:
    """Every process below `root` (default: this process) in `table`; a process in `skip` and everything below it
    are left out (someone else's: a browser that was running before a measurement began)."""
    children: dict[int, list[int]] = {}
    for pid, process in table.items():
        children.setdefault(process.parent, []).append(pid)
    stack = [os.getpid() if root is None else root]
    while stack:
        for pid in children.get(stack.pop(), []):
            if pid not in skip:
                yield pid
                stack.append(pid)
