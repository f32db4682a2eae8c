"""The code host's config defaults and the stock last step of its reference solutions.

Actions, plans and eval shapes come from `webenv.tasks.authoring`; navigation steps are in `task_steps`.
"""

from __future__ import annotations

from typing import Any

from webenv.tasks.authoring import Plan, TaskSite

HOME = "__GITLAB__"
task = TaskSite("gitlab", home=HOME, storage_state="./.auth/gitlab_state.json", string_fields=True).task


def finish(plan: Plan, answer: str = "", *, reasoning: str | None = None) -> dict[str, Any]:
    """Close the plan with the stop action: report the answer, or stop once the change shows on the page."""
    return plan.finish(
        reasoning or ("Everything the task asked for is on screen; report it." if answer
                      else "The change is saved and visible on the page, so nothing is left to do."),
        f"Answer: {answer}" if answer else "Stop: the task is done",
        answer,
    )
