"""Actions shared by issues and merge requests: comment, close/reopen, labels, assignee, milestone.

GitLab calls both "issuables"; one set of handlers serves both, parametrised by kind, so an issue and a merge
request behave the same way when the agent comments on or relabels them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from webenv.sites.codehost import queries, roles, writes
from webenv.sites.codehost.views.base import (
    Forbidden,
    ProjectScope,
    Row,
    database,
    flash,
    form_data,
    int_param,
    project_scope,
    text,
)
from webenv.sites.common import redirect

SEGMENT = {"issue": "issues", "merge_request": "merge_requests"}
NOUN = {"issue": "issue", "merge_request": "merge request"}


def load_item(conn: sqlite3.Connection, kind: str, scope: ProjectScope, iid: int) -> Row:
    found = (queries.issue if kind == "issue" else queries.merge_request)(conn, scope.project["id"], iid)
    if found is None:
        raise HTTPException(404, f"{NOUN[kind].capitalize()} not found")
    return found


def item_url(kind: str, scope: ProjectScope, iid: int) -> str:
    return f"{scope.base}/-/{SEGMENT[kind]}/{iid}"


Action = Callable[[sqlite3.Connection, str, ProjectScope, Row, Row, FormData], str | None]


def item_action(kind: str, action: Action) -> Callable[[Request], Awaitable[Response]]:
    """A POST handler: load the item, run the action (which checks roles and returns a flash message), go back."""

    async def handler(request: Request) -> Response:
        with database(request) as conn:
            scope = project_scope(request, conn)
            item = load_item(conn, kind, scope, int_param(request, "iid"))
            viewer = scope.require(0, f"act on this {NOUN[kind]}")
            form = await form_data(request)
            try:
                message = action(conn, kind, scope, item, viewer, form)
            except writes.ValidationError as error:
                flash(request, str(error), "alert")
            else:
                if message:
                    flash(request, message)
            return redirect(item_url(kind, scope, item["iid"]))

    return handler


def comment(conn: sqlite3.Connection, kind: str, scope: ProjectScope, item: Row, viewer: Row, form: FormData) -> str:
    writes.add_note(conn, kind, item, viewer["id"], text(form, "note"))
    return "Your comment has been added."


def change_state(conn: sqlite3.Connection, kind: str, scope: ProjectScope, item: Row, viewer: Row,
                 form: FormData) -> str:
    event = text(form, "state_event")
    targets = {"close": "closed", "reopen": "opened", "merge": "merged"}
    if event not in targets or (event == "merge" and kind != "merge_request"):
        raise writes.ValidationError("Unknown action")
    needed = roles.DEVELOPER if event == "merge" else roles.REPORTER
    if scope.level < needed and not (event != "merge" and item["author_id"] == viewer["id"]):
        raise Forbidden(f"You need at least the {roles.role_name(needed)} role in this project to {event} this "
                        f"{NOUN[kind]}.")
    writes.set_state(conn, kind, item, targets[event], viewer["id"])
    past = {"close": "closed", "reopen": "reopened", "merge": "merged"}[event]
    return f"The {NOUN[kind]} was {past}."


def change_labels(conn: sqlite3.Connection, kind: str, scope: ProjectScope, item: Row, viewer: Row,
                  form: FormData) -> str | None:
    scope.require(roles.REPORTER, f"change the labels of this {NOUN[kind]}")
    added, removed = text(form, "add_label"), text(form, "remove_label")
    if added:
        writes.add_label(conn, kind, item, scope.project["id"], added, viewer["id"])
        return f"Added label {added}."
    if removed:
        writes.remove_label(conn, kind, item, scope.project["id"], removed, viewer["id"])
        return f"Removed label {removed}."
    raise writes.ValidationError("Choose a label")


def change_assignee(conn: sqlite3.Connection, kind: str, scope: ProjectScope, item: Row, viewer: Row,
                    form: FormData) -> str:
    scope.require(roles.REPORTER, f"assign this {NOUN[kind]}")
    username = text(form, "assignee_username")
    if not username:
        writes.set_assignee(conn, kind, item, None, viewer["id"])
        return "Assignee removed."
    user = queries.user_by_username(conn, username)
    if user is None or not queries.access_level(conn, scope.project, user["id"]):
        raise writes.ValidationError(f"@{username} is not a member of this project")
    writes.set_assignee(conn, kind, item, user, viewer["id"])
    return f"Assigned to {user['name']}."


def change_milestone(conn: sqlite3.Connection, kind: str, scope: ProjectScope, item: Row, viewer: Row,
                     form: FormData) -> str:
    scope.require(roles.REPORTER, f"set the milestone of this {NOUN[kind]}")
    title = text(form, "milestone_title")
    milestone = queries.milestone_by_title(conn, scope.project["id"], title) if title else None
    if title and milestone is None:
        raise writes.ValidationError(f"No milestone named {title!r}")
    writes.set_milestone(conn, kind, item, milestone, viewer["id"])
    return f"Milestone set to {milestone['title']}." if milestone else "Milestone removed."


def routes_for(kind: str) -> list[Route]:
    base = f"/{{namespace}}/{{project}}/-/{SEGMENT[kind]}/{{iid:int}}"
    return [
        Route(base + "/notes", item_action(kind, comment), methods=["POST"]),
        Route(base + "/state", item_action(kind, change_state), methods=["POST"]),
        Route(base + "/labels", item_action(kind, change_labels), methods=["POST"]),
        Route(base + "/assignee", item_action(kind, change_assignee), methods=["POST"]),
        Route(base + "/milestone", item_action(kind, change_milestone), methods=["POST"]),
    ]
