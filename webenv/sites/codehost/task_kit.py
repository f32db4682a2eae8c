"""The code host's config defaults and the stock last step of its reference solutions.

Actions, plans and eval shapes come from `webenv.tasks.authoring`; navigation steps are in `task_steps`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from webenv.sites.codehost.filters import DEFAULT_SORT
from webenv.tasks.authoring import Plan, TaskSite
from webenv.url_sets import UrlPage, page

HOME = "__GITLAB__"
task = TaskSite("gitlab", home=HOME, storage_state="./.auth/gitlab_state.json", string_fields=True).task


def tracker_page(path: str, pairs: Sequence[tuple[str, str]] = ()) -> UrlPage:
    """An issue or merge request list with exactly these filters: the open tab, newest first and page 1 are what
    the list shows when the URL does not say (see `filters.TrackerQuery`)."""
    query = urlencode(list(pairs))
    return page(f"{HOME}{path}" + (f"?{query}" if query else ""),
                defaults={"state": "opened", "sort": DEFAULT_SORT})


def created_under(path: str) -> UrlPage:
    """Any page below a list (the new issue's or merge request's own page): where an agent ends after creating
    one there; what it holds is checked by program_html."""
    return page(f"{HOME}{path}", subpages=True, any_query=True)


def finish(plan: Plan, answer: str = "", *, reasoning: str | None = None) -> dict[str, Any]:
    """Close the plan with the stop action: report the answer, or stop once the change shows on the page."""
    return plan.finish(
        reasoning or ("Everything the task asked for is on screen; report it." if answer
                      else "The change is saved and visible on the page, so nothing is left to do."),
        f"Answer: {answer}" if answer else "Stop: the task is done",
        answer,
    )
