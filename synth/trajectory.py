"""Reading a collected trajectory: its task, its actions and the pages around them.

A trajectory record (written by `synth collect`) holds the episode's final `AgentState` as plain data; every
step record in it keeps the page the executor acted on, so the page before action i is `history[i]["page"]`
and the page after it is the next action's page (or the episode's last observation).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graph import moments
from synth import prompts
from synth.records import page_view
from webenv.tasks.solution import ReferenceSolution, parse_solution


def history(trajectory: Mapping[str, Any]) -> list[dict[str, Any]]:
    return list((trajectory.get("state") or {}).get("history") or [])


def intent(trajectory: Mapping[str, Any]) -> str:
    return str((trajectory.get("state") or {}).get("intent") or (trajectory.get("task") or {}).get("intent", ""))


def page_before(trajectory: Mapping[str, Any], index: int) -> dict[str, Any] | None:
    steps = history(trajectory)
    return page_view(steps[index].get("page")) if 0 <= index < len(steps) else None


def page_after(trajectory: Mapping[str, Any], index: int) -> dict[str, Any] | None:
    return moments.page_after(trajectory.get("state") or {}, index)  # type: ignore[arg-type]


def succeeded(trajectory: Mapping[str, Any], min_score: float = 1.0) -> bool:
    outcome = trajectory.get("outcome") or {}
    return outcome.get("score") is not None and float(outcome["score"]) >= min_score


def describe_actions(trajectory: Mapping[str, Any], first: int, end: int) -> str:
    """Actions first..end-1 for a teacher prompt: each with its element, result and the pages around it."""
    steps = history(trajectory)
    return "\n".join(prompts.describe_action(i, steps[i]["action"], steps[i]["args"], steps[i].get("result", ""),
                                             page_before(trajectory, i), page_after(trajectory, i))
                     for i in range(first, min(end, len(steps))))


def reference_solution(trajectory: Mapping[str, Any]) -> ReferenceSolution | None:
    raw = (trajectory.get("task") or {}).get("reference_solution")
    return parse_solution(raw, str((trajectory.get("task") or {}).get("task_id", "?"))) if raw else None


def site(trajectory: Mapping[str, Any]) -> str:
    return str(trajectory.get("site") or (trajectory.get("task") or {}).get("group", ""))

