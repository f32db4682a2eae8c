"""Budgets and loop detection: the rules that end or redirect an episode that is going nowhere.

Pure functions over the step just taken and the state before it, so the rules are tested without a browser.
"""

from __future__ import annotations

from typing import Any

from graph.context import Context
from graph.state import AgentState, StepRecord
from tools.vocabulary import format_action


def _same_action(a: StepRecord, b: StepRecord) -> bool:
    return a["action"] == b["action"] and a["args"] == b["args"]


def judge_step(state: AgentState, step: StepRecord, ctx: Context) -> dict[str, Any]:
    """State updates after `step`: the repeat counter, a forced replan, or the end of the episode.

    The same action `loop_limit` times in a row on a page it does not change forces a replan (or, in `react`
    mode, a warning to the executor); doing it once more after that ends the episode. Reaching `max_steps`
    ends it too. Both endings say why in `stop_reason`.
    """
    history = state.get("history", [])
    previous = history[-1] if history else None
    if step["page_changed"]:
        repeats = 0
    elif previous is not None and not previous["page_changed"] and _same_action(previous, step):
        repeats = state.get("repeats", 0) + 1
    else:
        repeats = 1
    loop_replanned = state.get("loop_replanned", False) if repeats > 1 else False
    updates: dict[str, Any] = {"repeats": repeats, "loop_replanned": loop_replanned}
    action = format_action(step["action"], step["args"])
    if repeats >= ctx.loop_limit:
        if loop_replanned:
            updates.update(status="stopped", stop_reason=(
                f"stuck in a loop: {action} was repeated {repeats} times on a page it did not change, "
                "even after replanning"))
            return updates
        updates.update(force_replan=True, loop_replanned=True, feedback=[
            f"{action} has now been done {repeats} times in a row and the page did not change; it is not "
            "working. Do something different."])
    if len(history) + 1 >= ctx.max_steps:
        updates.update(status="stopped",
                       stop_reason=f"reached max_steps={ctx.max_steps} without the task being finished")
    return updates
