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


def needs_review(state: AgentState, ctx: Context) -> bool:
    """A plan version nobody has answered for yet, and the setting asks a person to review it: `first` reviews
    only the first plan (and a person's own edit of it is not reviewed again), `every` also each replan."""
    if ctx.approve_plan == "off":
        return False
    reviewed = state.get("plans_reviewed", 0)
    return len(state.get("plans", [])) > reviewed and (ctx.approve_plan == "every" or reviewed == 0)


def after_plan(state: AgentState, runtime: Runtime[Context]) -> str:
    """After planner or replan: a person reviews a new plan if asked to; then act, unless the model failed."""
    if not _running(state):
        return END
    return "approve" if needs_review(state, settings(runtime)) else "executor"


def after_model(state: AgentState) -> str:
    """After a person's review: act, unless the plan was rejected."""
    return "executor" if _running(state) else END


def after_executor(state: AgentState) -> str:
    return "observe" if _running(state) and state.get("pending_action") else END
