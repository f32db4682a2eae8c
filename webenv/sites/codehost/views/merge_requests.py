"""Project merge requests: the filtered list, the new merge request form, the page, approvals and reviewers."""

from __future__ import annotations

import sqlite3

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from webenv.sites.codehost import queries, roles, writes
from webenv.sites.codehost.markup import render_markdown
from webenv.sites.codehost.views.base import (
    ProjectScope,
    Row,
    database,
    flash,
    form_data,
    int_param,
    project_scope,
    render,
    text,
)
from webenv.sites.codehost.views.issuable import item_action, load_item, routes_for
from webenv.sites.codehost.views.tracker import label_url, tracker_listing
from webenv.sites.common import redirect


async def index(request: Request) -> Response:
    if request.method == "POST":
        return await create(request)
    with database(request) as conn:
        scope = project_scope(request, conn)
        return tracker_listing(request, conn, "merge_request", viewer=scope.viewer, project=scope.project,
                               template="merge_requests/index.html", extra={"scope": scope, "project": scope.project})


def _form_context(conn: sqlite3.Connection, scope: ProjectScope) -> dict[str, object]:
    branches = queries.branches(conn, scope.project["id"])
    return {"scope": scope, "project": scope.project, "people": queries.assignable_users(conn, scope.project),
            "labels": queries.labels(conn, scope.project["id"]), "branches": branches,
            "free_branches": [b for b in branches
                              if b["name"] != scope.project["default_branch"] and not b["open_mr_iid"]]}


async def new(request: Request) -> Response:
    with database(request) as conn:
        scope = project_scope(request, conn)
        scope.require(roles.DEVELOPER, "create merge requests")
        source = request.query_params.get("merge_request[source_branch]", "")
        values = {"source_branch": source, "target_branch": scope.project["default_branch"],
                  "title": _title_from_branch(source) if source else "", "description": "", "assignee": "",
                  "reviewer": "", "label": ""}
        return render(request, "merge_requests/new.html", {**_form_context(conn, scope), "values": values})


def _title_from_branch(branch: str) -> str:
    """GitLab's default title for a merge request: the branch name made readable."""
    words = branch.replace("/", " ").replace("-", " ").replace("_", " ").split()
    return " ".join(words)[:1].upper() + " ".join(words)[1:]


async def create(request: Request) -> Response:
    with database(request) as conn:
        scope = project_scope(request, conn)
        viewer = scope.require(roles.DEVELOPER, "create merge requests")
        form = await form_data(request)
        values = {key: text(form, f"merge_request[{key}]") for key in
                  ("source_branch", "target_branch", "title", "description", "assignee", "reviewer", "label")}
        try:
            people: dict[str, int | None] = {}
            for role in ("assignee", "reviewer"):
                people[role] = None
                if values[role]:
                    user = queries.user_by_username(conn, values[role])
                    if user is None or not queries.access_level(conn, scope.project, user["id"]):
                        raise writes.ValidationError(f"@{values[role]} is not a member of this project")
                    people[role] = user["id"]
            iid = writes.create_merge_request(
                conn, scope.project, viewer["id"], source_branch=values["source_branch"],
                target_branch=values["target_branch"],
                title=values["title"] or _title_from_branch(values["source_branch"]),
                description=values["description"], assignee_id=people["assignee"],
                reviewer_ids=[people["reviewer"]] if people["reviewer"] else [],
                labels=[values["label"]] if values["label"] else [])
        except writes.ValidationError as error:
            return render(request, "merge_requests/new.html", {**_form_context(conn, scope), "values": values,
                                                                "error": str(error)}, status_code=422)
        flash(request, "The merge request was successfully created.")
        return redirect(f"{scope.base}/-/merge_requests/{iid}")


async def show(request: Request) -> Response:
    with database(request) as conn:
        scope = project_scope(request, conn)
        item = load_item(conn, "merge_request", scope, int_param(request, "iid"))
        viewer_id = scope.viewer["id"] if scope.viewer else None
        return render(request, "merge_requests/show.html", {
            **_form_context(conn, scope), "mr": item, "description": render_markdown(item["description"]),
            "notes": queries.notes(conn, "merge_request", item["id"]), "render_markdown": render_markdown,
            "milestones": queries.milestones(conn, scope.project["id"]),
            "approved_by_viewer": any(a["id"] == viewer_id for a in item["approvals"]),
            "can_triage": scope.can(roles.REPORTER), "can_develop": scope.can(roles.DEVELOPER),
            "can_close": scope.can(roles.REPORTER) or (viewer_id is not None and viewer_id == item["author_id"]),
            "label_url": label_url, "list_path": f"{scope.base}/-/merge_requests",
            "action_base": f"{scope.base}/-/merge_requests/{item['iid']}", "item": item,
        })


def approval(conn: sqlite3.Connection, kind: str, scope: ProjectScope, item: Row, viewer: Row, form: FormData) -> str:
    scope.require(roles.DEVELOPER, "approve merge requests")
    if item["state"] != "opened":
        raise writes.ValidationError("Only open merge requests can be approved")
    if text(form, "approval") == "revoke":
        writes.revoke_approval(conn, item, viewer["id"])
        return "You revoked your approval."
    writes.approve(conn, item, viewer["id"])
    return "You approved this merge request."


def request_review(conn: sqlite3.Connection, kind: str, scope: ProjectScope, item: Row, viewer: Row,
                   form: FormData) -> str:
    scope.require(roles.DEVELOPER, "request reviews")
    username = text(form, "reviewer_username")
    user = queries.user_by_username(conn, username) if username else None
    if user is None or not queries.access_level(conn, scope.project, user["id"]):
        raise writes.ValidationError("Choose a project member as reviewer")
    writes.add_reviewer(conn, item, user, viewer["id"])
    return f"Requested a review from {user['name']}."


P = "/{namespace}/{project}/-/merge_requests"
routes = [
    Route(P, index, methods=["GET", "POST"]),
    Route(P + "/new", new),
    Route(P + "/{iid:int}", show),
    Route(P + "/{iid:int}/approve", item_action("merge_request", approval), methods=["POST"]),
    Route(P + "/{iid:int}/reviewers", item_action("merge_request", request_review), methods=["POST"]),
    *routes_for("merge_request"),
]
