"""Project issues: the filtered list, the new-issue form, the issue page and its due date."""

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
        return tracker_listing(request, conn, "issue", viewer=scope.viewer, project=scope.project,
                               template="issues/index.html", extra={"scope": scope, "project": scope.project})


def _form_context(conn: sqlite3.Connection, scope: ProjectScope) -> dict[str, object]:
    return {
        "scope": scope, "project": scope.project,
        "people": queries.assignable_users(conn, scope.project),
        "labels": queries.labels(conn, scope.project["id"]),
        "milestones": queries.milestones(conn, scope.project["id"]),
        "can_triage": scope.can(roles.REPORTER),
    }


async def new(request: Request) -> Response:
    with database(request) as conn:
        scope = project_scope(request, conn)
        scope.require(0, "create issues")
        values = {"title": request.query_params.get("issue[title]", ""), "description": "", "assignee": "",
                  "milestone": "", "labels": [], "due_date": ""}
        return render(request, "issues/new.html", {**_form_context(conn, scope), "values": values})


async def create(request: Request) -> Response:
    with database(request) as conn:
        scope = project_scope(request, conn)
        viewer = scope.require(0, "create issues")
        form = await form_data(request)
        values = {"title": text(form, "issue[title]"), "description": text(form, "issue[description]"),
                  "assignee": text(form, "issue[assignee_username]"), "milestone": text(form, "issue[milestone_title]"),
                  "labels": [v for v in form.getlist("issue[label_names][]") if isinstance(v, str)],
                  "due_date": text(form, "issue[due_date]")}
        try:
            assignee_id = milestone_id = None
            labels: list[str] = []
            if scope.can(roles.REPORTER):  # like GitLab, only team members set these when filing an issue
                if values["assignee"]:
                    assignee = queries.user_by_username(conn, values["assignee"])
                    if assignee is None or not queries.access_level(conn, scope.project, assignee["id"]):
                        raise writes.ValidationError(f"@{values['assignee']} is not a member of this project")
                    assignee_id = assignee["id"]
                if values["milestone"]:
                    milestone = queries.milestone_by_title(conn, scope.project["id"], values["milestone"])
                    milestone_id = milestone["id"] if milestone else None
                labels = list(values["labels"])
            iid = writes.create_issue(conn, scope.project, viewer["id"], title=values["title"],
                                      description=values["description"], labels=labels, assignee_id=assignee_id,
                                      milestone_id=milestone_id,
                                      due_date=values["due_date"] if scope.can(roles.REPORTER) else None)
        except writes.ValidationError as error:
            return render(request, "issues/new.html", {**_form_context(conn, scope), "values": values,
                                                        "error": str(error)}, status_code=422)
        flash(request, "The issue was successfully created.")
        return redirect(f"{scope.base}/-/issues/{iid}")


async def show(request: Request) -> Response:
    with database(request) as conn:
        scope = project_scope(request, conn)
        item = load_item(conn, "issue", scope, int_param(request, "iid"))
        viewer_id = scope.viewer["id"] if scope.viewer else None
        return render(request, "issues/show.html", {
            **_form_context(conn, scope), "issue": item, "description": render_markdown(item["description"]),
            "notes": queries.notes(conn, "issue", item["id"]), "render_markdown": render_markdown,
            "can_close": scope.can(roles.REPORTER) or (viewer_id is not None and viewer_id == item["author_id"]),
            "label_url": label_url, "list_path": f"{scope.base}/-/issues",
            "action_base": f"{scope.base}/-/issues/{item['iid']}", "item": item,
        })


def set_due_date(conn: sqlite3.Connection, kind: str, scope: ProjectScope, item: Row, viewer: Row,
                 form: FormData) -> str:
    scope.require(roles.REPORTER, "set the due date of this issue")
    value = text(form, "due_date")
    writes.set_due_date(conn, item, value, viewer["id"])
    return "Due date updated." if value.strip() else "Due date removed."


P = "/{namespace}/{project}/-/issues"
routes = [
    Route(P, index, methods=["GET", "POST"]),
    Route(P + "/new", new),
    Route(P + "/{iid:int}", show),
    Route(P + "/{iid:int}/due_date", item_action("issue", set_due_date), methods=["POST"]),
    *routes_for("issue"),
]
