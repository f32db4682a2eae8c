"""The state each role saw when it was called, rebuilt from a finished episode's state.

A step record keeps the page the executor acted on, the plan version in force and the feedback it was shown;
the plan history keeps every plan and when it was written. From those, the input of every model call of an
episode can be rebuilt without re-running anything, and `nodes.prompts.build_messages` turns each moment into
exactly the messages the runtime sent (the recorder's capture of a live run proves it). This is what turns
trajectories into planner, executor and replanner training examples.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graph.state import AgentState, PageView, Plan, StepRecord


@dataclass(frozen=True)
class Moment:
    """One model call: the role, the state it saw, and what it answered (the plan written, or the action)."""

    role: str  # planner | executor | replanner
    index: int  # executor: the action's index; replanner: the action it followed; planner: 0
    state: AgentState
    plan_written: Plan | None = None  # planner/replanner output
    action: StepRecord | None = None  # executor output


def _page(view: PageView | dict[str, Any] | None) -> dict[str, Any] | None:
    if not view:
        return None
    return {"url": view.get("url", ""), "title": view.get("title", ""), "text": view.get("text", ""),
            "tabs": list(view.get("tabs", []))}


def _base(state: AgentState) -> AgentState:
    base: AgentState = {"intent": state.get("intent", ""), "secret_names": list(state.get("secret_names", []))}
    for key in ("start_url", "task_id", "allowed_domains"):
        if key in state:
            base[key] = state[key]  # type: ignore[literal-required]
    return base


def _plan(state: AgentState, version: int) -> Plan | None:
    plans = state.get("plans", [])
    return plans[version]["plan"] if 0 <= version < len(plans) else None


def page_after(state: AgentState, index: int) -> dict[str, Any] | None:
    """The page the agent saw after action `index`: the next action's page, or the episode's last observation."""
    history = state.get("history", [])
    if index + 1 < len(history):
        return _page(history[index + 1]["page"])
    return _page(state.get("observation"))  # type: ignore[arg-type]


def planner_moment(state: AgentState) -> Moment | None:
    plans = state.get("plans", [])
    history = state.get("history", [])
    if not plans or plans[0]["after_action"] != 0:
        return None
    first_page = _page(history[0]["page"]) if history else _page(state.get("observation"))  # type: ignore[arg-type]
    return Moment("planner", 0, {**_base(state), "observation": first_page},  # type: ignore[typeddict-item]
                  plan_written=plans[0]["plan"])


def executor_moment(state: AgentState, index: int) -> Moment:
    history = state.get("history", [])
    step = history[index]
    seen: AgentState = {**_base(state), "plan": _plan(state, step["plan_version"]), "history": history[:index],
                        "observation": _page(step["page"]), "feedback": list(step["feedback"])}  # type: ignore[typeddict-item]
    return Moment("executor", index, seen, action=step)


def replanner_moments(state: AgentState) -> list[Moment]:
    """Every replan that produced a plan: the plan in force before it, the actions so far, the page after."""
    history = state.get("history", [])
    moments = []
    for version, written in enumerate(state.get("plans", [])):
        after = written["after_action"]
        if version == 0 or after == 0 or after > len(history) or written.get("by") == "person":
            continue  # a person's edit (plan approval) is not something a model wrote
        index = after - 1
        seen: AgentState = {**_base(state), "plan": _plan(state, history[index]["plan_version"]),
                            "history": history[:after], "observation": page_after(state, index)}  # type: ignore[typeddict-item]
        moments.append(Moment("replanner", index, seen, plan_written=written["plan"]))
    return moments


def all_moments(state: AgentState) -> list[Moment]:
    """Every model call of the episode that produced a usable answer, in the order they happened."""
    moments: list[Moment] = []
    planner = planner_moment(state)
    if planner is not None:
        moments.append(planner)
    replans = {m.index: m for m in replanner_moments(state)}
    for index in range(len(state.get("history", []))):
        moments.append(executor_moment(state, index))
        if index in replans:
            moments.append(replans[index])
    return moments
