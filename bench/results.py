"""Summaries of sweep results: success rate overall, per site group and per eval type, in WebArena-Lite's terms."""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.episode import EpisodeResult
from tools import secrets
from webenv.sites import group_order

GROUP_ORDER = group_order()  # the site registry's order


def ordered_groups(names: Iterable[str]) -> list[str]:
    """Groups in the registry's order, then any other group (a published config's site, a new site's group)
    alphabetically: a group missing from the order is listed last, never dropped."""
    present = set(names)
    return [name for name in GROUP_ORDER if name in present] + sorted(present - set(GROUP_ORDER))


@dataclass(frozen=True)
class Tally:
    label: str
    total: int
    passed: int
    mean_steps: float

    @property
    def rate(self) -> float:
        return 100.0 * self.passed / self.total if self.total else 0.0


def tally(label: str, results: Sequence[EpisodeResult]) -> Tally:
    steps = [r.steps for r in results]
    return Tally(label, len(results), sum(r.passed for r in results), sum(steps) / len(steps) if steps else 0.0)


def by(results: Iterable[EpisodeResult], key: str) -> dict[str, list[EpisodeResult]]:
    groups: dict[str, list[EpisodeResult]] = defaultdict(list)
    for result in results:
        value = getattr(result, key)
        groups["+".join(value) if isinstance(value, list) else str(value)].append(result)
    return dict(groups)


def summary_table(results: Sequence[EpisodeResult]) -> str:
    """A Markdown table: overall, then each site group, then each eval-type combination — of the episodes the
    agent is scored on. Infrastructure errors (an unreachable model, a browser that would not start) are counted
    under the table instead: they say nothing about the agent."""
    errors = [r for r in results if not r.scored]
    results = [r for r in results if r.scored]
    rows = [tally("all", results)]
    groups = by(results, "group")
    rows += [tally(name, groups[name]) for name in ordered_groups(groups)]
    types = by(results, "eval_types")
    rows += [tally(f"eval: {name}", items) for name, items in sorted(types.items())]
    lines = ["| tasks | n | passed | success % | mean steps |", "|---|---:|---:|---:|---:|"]
    lines += [f"| {row.label} | {row.total} | {row.passed} | {row.rate:.1f} | {row.mean_steps:.1f} |" for row in rows]
    if errors:
        kinds = ", ".join(f"{kind or 'crash'} {len(items)}" for kind, items in sorted(by(errors, "error_kind").items()))
        lines += ["", f"Not scored: {len(errors)} episode{'s' if len(errors) > 1 else ''} ended by an infrastructure "
                      f"error ({kinds}); see the results file."]
    return "\n".join(lines)


def template_table(results: Sequence[EpisodeResult], templates: Mapping[int, int]) -> str:
    """One compact row per intent template (`templates`: task id -> template id), so a sweep shows which kinds of
    task a policy solves, not only how many."""
    per: dict[int, list[EpisodeResult]] = defaultdict(list)
    for result in (r for r in results if r.scored):  # infrastructure errors say nothing about a template
        per[templates.get(result.task_id, -1)].append(result)
    lines = ["| template | n | passed | success % |", "|---:|---:|---:|---:|"]
    for template in sorted(per):
        row = tally(str(template) if template >= 0 else "?", per[template])
        lines.append(f"| {row.label} | {row.total} | {row.passed} | {row.rate:.0f} |")
    return "\n".join(lines)


def _line(result: EpisodeResult) -> str:
    return json.dumps(secrets.redact_value(result.to_json()), ensure_ascii=False) + "\n"


def write_jsonl(results: Sequence[EpisodeResult], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(_line(r) for r in results))


def append_jsonl(result: EpisodeResult, path: Path) -> None:
    """One finished episode, on disk the moment it finishes (flushed and synced): an interrupted sweep keeps
    every result it got, and `--resume` runs only what is missing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as sink:
        sink.write(_line(result))
        sink.flush()
        os.fsync(sink.fileno())


def read_jsonl(path: Path) -> list[EpisodeResult]:
    """The results in a file; a last line cut short by a crash is skipped."""
    results = []
    for line in path.read_text().splitlines():
        try:
            results.append(EpisodeResult(**json.loads(line)))
        except (ValueError, TypeError):
            continue
    return results


def failures(results: Sequence[EpisodeResult]) -> list[str]:
    return [f"task {r.task_id} ({r.group}): {r.status}{f' ({r.error_kind})' if r.error_kind else ''} — "
            f"{r.error or r.stop_reason}; "
            + "; ".join(c for c in r.checks if c.startswith("[FAIL]"))[:400]
            for r in results if not r.passed]
