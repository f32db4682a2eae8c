"""Which tasks a sweep runs: all, id ranges, site groups, or a small sample that still covers every site group
and every eval-type combination (what CI runs)."""

from __future__ import annotations

from collections.abc import Sequence

from webenv.tasks.suite import EmbeddedTask


def parse_ids(spec: str) -> set[int]:
    """"0-9,15,20-22" -> ids."""
    ids: set[int] = set()
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        if "-" in part:
            low, high = part.split("-", 1)
            ids.update(range(int(low), int(high) + 1))
        else:
            ids.add(int(part))
    return ids


def coverage_sample(tasks: Sequence[EmbeddedTask]) -> list[EmbeddedTask]:
    """The first task of every (site group, eval-type combination), plus the first unachievable task of each
    group: every site, every eval type, and the N/A path, in as few episodes as that takes."""
    chosen: dict[tuple[str, str], EmbeddedTask] = {}
    for task in tasks:
        key = (task.group, "+".join(task.config.eval.eval_types))
        chosen.setdefault(key, task)
        if task.solution.answer.strip().upper().startswith("N/A"):
            chosen.setdefault((task.group, "N/A"), task)
    return sorted(chosen.values(), key=lambda t: t.task_id)


def select(tasks: Sequence[EmbeddedTask], *, ids: str = "", groups: Sequence[str] = (), sample: bool = False
           ) -> list[EmbeddedTask]:
    picked = list(tasks)
    if ids:
        wanted = parse_ids(ids)
        picked = [t for t in picked if t.task_id in wanted]
    if groups:
        picked = [t for t in picked if t.group in set(groups)]
    return coverage_sample(picked) if sample else picked
