"""A sweep's HTML report: the summary table over the trajectory viewer (`harness.viewer`), so a person sees at a
glance where an agent went wrong and can open any episode to see why."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path

from bench.results import by, ordered_groups, tally
from harness.episode import EpisodeResult
from harness.viewer import Prices, ViewedEpisode, write_viewer
from tools import secrets


def _summary(results: Sequence[EpisodeResult]) -> str:
    results = [r for r in results if r.scored]
    groups = by(results, "group")
    rows = [tally("all", results)] + [tally(g, groups[g]) for g in ordered_groups(groups)]
    body = "".join(f"<tr><td>{escape(r.label)}</td><td>{r.total}</td><td>{r.passed}</td><td>{r.rate:.1f}%</td>"
                   f"<td>{r.mean_steps:.1f}</td></tr>" for r in rows)
    return ("<table><tr><th>tasks</th><th>n</th><th>passed</th><th>success</th><th>mean steps</th></tr>"
            f"{body}</table>")


def viewed(result: EpisodeResult) -> ViewedEpisode:
    """A sweep result as the viewer lists it (results from before trajectories were kept show their actions)."""
    trajectory = result.trajectory or {"history": [dict(a, args=a.get("args", {})) for a in result.actions]}
    stop_reason = result.error or result.stop_reason
    if not result.scored:  # not the agent's failure: say what failed
        stop_reason = f"error ({result.error_kind}): {stop_reason}"
    return ViewedEpisode(key=f"task {result.task_id}", intent=result.intent, sites=list(result.sites),
                         passed=result.passed, status=result.status, stop_reason=stop_reason,
                         answer=result.answer, trajectory=trajectory, checks=list(result.checks),
                         final_url=result.final_url, group=result.group)


def write_report(results: Sequence[EpisodeResult], path: Path, title: str, prices: Prices | None = None) -> Path:
    """The trajectory viewer over a sweep; every result is redacted again here (a writer never trusts its input
    to be clean)."""
    results = [EpisodeResult(**secrets.redact_value(r.to_json())) for r in results]
    return write_viewer([viewed(r) for r in results], path, title, prices, _summary(results))
