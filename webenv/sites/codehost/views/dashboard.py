"""The signed-in user's dashboard: their projects, starred projects, issues, merge requests and to-do list."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from webenv.sites.codehost import queries
from webenv.sites.codehost.filters import Kind
from webenv.sites.codehost.views.base import database, render, require_user
from webenv.sites.codehost.views.tracker import tracker_listing
from webenv.sites.common import page_from, redirect

PROJECT_PAGE_SIZE = 20


async def home(request: Request) -> Response:
    with database(request) as conn:
        require_user(request, conn)
    return redirect("/dashboard/projects")


async def projects(request: Request) -> Response:
    starred = request.url.path.endswith("/starred")
    with database(request) as conn:
        viewer = require_user(request, conn)
        search = request.query_params.get("name", "").strip()
        sort = request.query_params.get("sort", "latest_activity_desc")
        scope = "starred" if starred else "member"
        _, total = queries.list_projects(conn, viewer["id"], scope=scope, user_id=viewer["id"], search=search,
                                         limit=1)
        page = page_from(request, total, PROJECT_PAGE_SIZE)
        found, _ = queries.list_projects(conn, viewer["id"], scope=scope, user_id=viewer["id"], search=search,
                                         sort=sort, limit=PROJECT_PAGE_SIZE, offset=page.offset)
        levels = {p["id"]: queries.access_level(conn, p, viewer["id"]) for p in found}
        return render(request, "dashboard/projects.html", {
            "projects": found, "levels": levels, "page": page, "search": search, "sort": sort,
            "starred": starred, "sorts": queries.PROJECT_SORTS,
            "page_url": lambda n: request.url.path + "?" + urlencode(
                [(k, v) for k, v in (("name", search), ("sort", sort if sort != "latest_activity_desc" else ""),
                                     ("page", str(n))) if v]),
        })


async def issues(request: Request) -> Response:
    return await _tracker(request, "issue")


async def merge_requests(request: Request) -> Response:
    return await _tracker(request, "merge_request")


async def _tracker(request: Request, kind: Kind) -> Response:
    with database(request) as conn:
        viewer = require_user(request, conn)
        if not request.query_params:
            # GitLab's dashboard lists need a filter; the natural one is "assigned to me".
            return RedirectResponse(f"{request.url.path}?assignee_username={viewer['username']}", status_code=302)
        return tracker_listing(request, conn, kind, viewer=viewer, project=None, template="dashboard/tracker.html")


async def todos(request: Request) -> Response:
    with database(request) as conn:
        viewer = require_user(request, conn)
        return render(request, "dashboard/todos.html", {"todos": queries.todos(conn, viewer["id"])})


routes = [
    Route("/", home),
    Route("/dashboard", home),
    Route("/dashboard/projects", projects),
    Route("/dashboard/projects/starred", projects),
    Route("/dashboard/issues", issues),
    Route("/dashboard/merge_requests", merge_requests),
    Route("/dashboard/todos", todos),
]
