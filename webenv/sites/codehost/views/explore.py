"""Explore (every project the viewer may see, most-starred first on its own tab) and the global search."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from webenv.sites.codehost import queries
from webenv.sites.codehost.filters import Kind, TrackerQuery
from webenv.sites.codehost.views.base import current_user, database, render
from webenv.sites.codehost.views.tracker import label_url
from webenv.sites.common import page_from

PAGE_SIZE = 20
SEARCH_SCOPES = {"projects": "Projects", "issues": "Issues", "merge_requests": "Merge requests", "users": "Users"}


async def explore(request: Request) -> Response:
    most_starred = request.url.path.endswith("/starred")
    with database(request) as conn:
        viewer = current_user(request, conn)
        search = request.query_params.get("name", "").strip()
        default_sort = "stars_desc" if most_starred else "latest_activity_desc"
        sort = request.query_params.get("sort", default_sort)
        if sort not in queries.PROJECT_SORTS:
            sort = default_sort
        viewer_id = viewer["id"] if viewer else None
        _, total = queries.list_projects(conn, viewer_id, search=search, limit=1)
        page = page_from(request, total, PAGE_SIZE)
        found, _ = queries.list_projects(conn, viewer_id, search=search, sort=sort, limit=PAGE_SIZE,
                                         offset=page.offset)
        return render(request, "explore.html", {
            "projects": found, "page": page, "search": search, "sort": sort, "most_starred": most_starred,
            "sorts": queries.PROJECT_SORTS, "total": total,
            "page_url": lambda n: request.url.path + "?" + urlencode(
                [(k, v) for k, v in (("name", search), ("sort", sort if sort != default_sort else ""),
                                     ("page", str(n))) if v]),
        })


async def search(request: Request) -> Response:
    with database(request) as conn:
        viewer = current_user(request, conn)
        term = request.query_params.get("search", "").strip()
        scope = request.query_params.get("scope", "projects")
        scope = scope if scope in SEARCH_SCOPES else "projects"
        viewer_id = viewer["id"] if viewer else None
        results: list[dict[str, object]] = []
        if term:
            if scope == "projects":
                results, _ = queries.list_projects(conn, viewer_id, search=term, sort="stars_desc", limit=50)
            elif scope == "users":
                results = queries.search_users(conn, term, limit=50)
            else:
                kind: Kind = "issue" if scope == "issues" else "merge_request"
                q = TrackerQuery(kind=kind, state="all", search=term)
                results = queries.tracker_items(conn, q, None, viewer_id, limit=50)
        return render(request, "search.html", {
            "term": term, "scope": scope, "scopes": SEARCH_SCOPES, "results": results,
            "scope_url": lambda s: "/search?" + urlencode([("search", term), ("scope", s)]), "label_url": label_url,
        })


routes = [
    Route("/explore", explore),
    Route("/explore/projects", explore),
    Route("/explore/projects/starred", explore),
    Route("/search", search),
]
