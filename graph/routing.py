"""Where the graph goes next. The three modes are one graph: only these decisions differ."""

from __future__ import annotations

from langgraph.graph import END
from langgraph.runtime import Runtime

from graph.context import Context, settings
from graph.state import AgentState


def _running(state: AgentState) -> bool:
    return state.get("status", "running") == "running"


def after_observe(state: AgentState, runtime: Runtime[Context]) -> str:
    if not _running(state):
        return END
    mode = settings(runtime).mode
    if mode == "react":
        return "executor"  # loop warnings reach the executor as feedback
    if state.get("plan") is None:
        return "planner"
    if mode == "plan_and_act" or state.get("force_replan"):
        return "replan"
    return "executor"


def after_model(state: AgentState) -> str:
    """After planner or replan: act, unless the model could not be used."""
    return "executor" if _running(state) else END


def after_executor(state: AgentState) -> str:
    return "observe" if _running(state) and state.get("pending_action") else END
