"""The approve node: a person reviews the plan before the agent acts on it (the `approve_plan` setting).

The run pauses on a LangGraph interrupt whose value is the plan (`review_request`). Whoever drives the run answers
with `Command(resume=...)` — the CLI after asking at the terminal, a `langgraph_sdk` client with
`command={"resume": ...}`:

    "approve"                                          go on with this plan
    {"decision": "edit", "plan": "## Step 1\\n..."}     replace it (the one plan parser reads the text)
    {"decision": "reject", "reason": "wrong shop"}     end the episode, with the reason in stop_reason

An answer that cannot be used (an unknown decision, an edit with no steps) is never guessed at: the same review is
asked again with the problem in its `problem` field. This is a node of its own because LangGraph re-runs an
interrupted node from its start when the answer comes: here that re-runs only the question, never a model call.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from langgraph.runtime import Runtime
from langgraph.types import interrupt

from graph.context import Context
from graph.state import AgentState, Plan, PlanVersion
from nodes.plan_text import parse_plan, render_plan
from tools import secrets

REVIEW = "plan_review"  # the interrupt value's `type`
_APPROVE = {"approve", "approved", "yes", "y", "ok"}
_REJECT = {"reject", "rejected", "no", "n"}
ANSWERS = ("approve", {"decision": "edit", "plan": "<the whole plan, as plan_text>"},
           {"decision": "reject", "reason": "<why>"})


@dataclass(frozen=True)
class Review:
    decision: str  # approve | edit | reject | "" (unusable: see problem)
    plan: Plan | None = None
    reason: str = ""
    problem: str = ""


def author(version: PlanVersion, index: int) -> str:
    """Who wrote a plan version (checkpoints from before authors were recorded: the planner wrote the first)."""
    return version.get("by") or ("planner" if index == 0 else "replanner")


def review_request(state: AgentState, problem: str = "") -> dict[str, Any]:
    """The interrupt value: the plan under review, in structured and in text form, and how to answer."""
    plans = state.get("plans", [])
    version = plans[-1]
    plan = version["plan"]
    observation = state.get("observation")
    return {
        "type": REVIEW, "version": len(plans) - 1, "written_by": author(version, len(plans) - 1),
        "after_action": version["after_action"], "intent": state.get("intent", ""),
        "url": observation["url"] if observation else "",
        "plan": {"steps": plan["steps"], "notes": plan["notes"]},
        "plan_text": render_plan(plan["steps"], plan["notes"]),
        "problem": problem, "answers": list(ANSWERS),
    }


def read_review(answer: Any) -> Review:
    """A person's answer as a decision, or the problem with it."""
    if isinstance(answer, str):
        word = answer.strip().lower()
        if word in _APPROVE:
            return Review("approve")
        if word in _REJECT:
            return Review("reject")
        return Review("", problem=f"unknown answer {answer[:80]!r}: answer \"approve\", \"reject\", or "
                                  "{\"decision\": \"edit\", \"plan\": \"<plan text>\"}")
    if not isinstance(answer, Mapping):
        return Review("", problem=f"the answer must be a string or an object with a \"decision\", not "
                                  f"{type(answer).__name__}")
    decision = str(answer.get("decision", "")).strip().lower()
    if decision == "approve":
        return Review("approve")
    if decision == "reject":
        return Review("reject", reason=" ".join(str(answer.get("reason") or "").split()))
    if decision == "edit":
        text = answer.get("plan")
        if not isinstance(text, str) or not text.strip():
            return Review("", problem="an edit needs the new plan as text in \"plan\"")
        parsed = parse_plan(text)
        if not parsed.steps:
            return Review("", problem="the edited plan has no steps: " + "; ".join(parsed.problems))
        return Review("edit", plan=parsed.as_plan(text))
    return Review("", problem=f"unknown decision {decision[:40]!r}: use approve, edit or reject")


async def approve(state: AgentState, runtime: Runtime[Context]) -> dict[str, Any]:
    plans = state.get("plans", [])
    problem = ""
    while True:  # each unusable answer is one more interrupt of this node; LangGraph keeps their answers in order
        review = read_review(interrupt(review_request(state, problem)))
        if not review.problem:
            break
        problem = review.problem
    if review.decision == "reject":
        why = f": {review.reason}" if review.reason else ""
        return {"plans_reviewed": len(plans), "status": "stopped",
                "stop_reason": secrets.redact(f"a person rejected the plan{why}")}
    if review.decision == "edit" and review.plan is not None:
        plan = secrets.redact_value(review.plan)
        edited: PlanVersion = {"after_action": len(state.get("history", [])), "plan": plan, "by": "person"}
        return {"plan": plan, "plans": [edited], "plans_reviewed": len(plans) + 1}
    return {"plans_reviewed": len(plans)}
