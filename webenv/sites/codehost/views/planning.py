"""Labels and milestones of a project: lists that link into the filtered issue list, and forms to add more."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from webenv.sites.codehost import queries, roles, writes
from webenv.sites.codehost.views.base import database, flash, form_data, project_scope, render, text
from webenv.sites.codehost.views.tracker import label_url
from webenv.sites.common import redirect

MILESTONE_STATES = {"active": "Open", "closed": "Closed", "all": "All"}


async def labels(request: Request) -> Response:
    with database(request) as conn:
        scope = project_scope(request, conn)
        if request.method == "POST":
            scope.require(roles.REPORTER, "create labels")
            form = await form_data(request)
            try:
                writes.create_label(conn, scope.project, title=text(form, "label[title]"),
                                    description=text(form, "label[description]"), color=text(form, "label[color]"))
            except writes.ValidationError as error:
                flash(request, str(error), "alert")
            else:
                flash(request, f"Label {text(form, 'label[title]').strip()} was created.")
            return redirect(scope.base + "/-/labels")
        return render(request, "planning/labels.html", {
            "scope": scope, "project": scope.project, "labels": queries.labels(conn, scope.project["id"]),
            "label_url": label_url, "can_edit": scope.can(roles.REPORTER)})


async def milestones(request: Request) -> Response:
    with database(request) as conn:
        scope = project_scope(request, conn)
        if request.method == "POST":
            scope.require(roles.REPORTER, "create milestones")
            form = await form_data(request)
            try:
                writes.create_milestone(conn, scope.project, title=text(form, "milestone[title]"),
                                        description=text(form, "milestone[description]"),
                                        due_date=text(form, "milestone[due_date]"))
            except writes.ValidationError as error:
                flash(request, str(error), "alert")
            else:
                flash(request, f"Milestone {text(form, 'milestone[title]').strip()} was created.")
            return redirect(scope.base + "/-/milestones")
        state = request.query_params.get("state", "active")
        state = state if state in MILESTONE_STATES else "active"
        return render(request, "planning/milestones.html", {
            "scope": scope, "project": scope.project, "state": state, "states": MILESTONE_STATES,
            "milestones": queries.milestones(conn, scope.project["id"], state), "can_edit": scope.can(roles.REPORTER)})


P = "/{namespace}/{project}/-"
routes = [
    Route(P + "/labels", labels, methods=["GET", "POST"]),
    Route(P + "/milestones", milestones, methods=["GET", "POST"]),
]
