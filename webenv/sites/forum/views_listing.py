"""Pages that list things: the front page, the forum list, a forum, and search."""

from __future__ import annotations

import sqlite3
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse

from webenv.sites.common import page_from
from webenv.sites.forum import queries
from webenv.sites.forum.web import database, not_found, render, sort_of, viewer_id

FRONT_PAGE_SIZE = 25
SEARCH_PAGE_SIZE = 20


def front(request: Request) -> HTMLResponse:
    """Every forum's submissions (Postmill's "All"), hot first by default; the sidebar lists the viewer's
    subscriptions first, as Postmill's front page does."""
    sort = sort_of(request)
    with database(request) as conn:
        page = page_from(request, queries.count_submissions(conn), FRONT_PAGE_SIZE)
        listing = queries.submissions(conn, sort=sort, viewer_id=viewer_id(request), limit=page.size,
                                      offset=page.offset)
        user_id = viewer_id(request)
        subscriptions = queries.subscribed_forums(conn, user_id) if user_id is not None else []
        return render(request, conn, "front.html", submissions=listing, sort=sort, page=page,
                      subscriptions=subscriptions, forums=queries.all_forums(conn))


def forum_list(request: Request) -> HTMLResponse:
    with database(request) as conn:
        forums = queries.all_forums(conn)
        user_id = viewer_id(request)
        subscribed = {f["name"] for f in queries.subscribed_forums(conn, user_id)} if user_id is not None else set()
        return render(request, conn, "forums.html", forums=forums, subscribed=subscribed)


def forum(request: Request) -> HTMLResponse:
    """`/f/{forum}?sort=...`; Postmill's path form `/f/{forum}/{sort}` shows the same listing."""
    name = request.path_params["forum"]
    sort = sort_of(request)
    if "sort" in request.path_params:
        if request.path_params["sort"] not in queries.SORTS:
            raise not_found("Page")
        sort = request.path_params["sort"]
    with database(request) as conn:
        found = queries.forum_by_name(conn, name)
        if found is None:
            raise not_found("Forum")
        page = page_from(request, queries.count_submissions(conn, forum_id=found["id"]), queries.FORUM_PAGE_SIZE)
        listing = queries.submissions(conn, sort=sort, forum_id=found["id"], viewer_id=viewer_id(request),
                                      limit=page.size, offset=page.offset)
        return render(request, conn, "forum.html", forum=found, submissions=listing, sort=sort, page=page,
                      **forum_sidebar(request, conn, found))


def forum_sidebar(request: Request, conn: sqlite3.Connection, found: dict[str, Any]) -> dict[str, Any]:
    """What the forum sidebar shows wherever a forum's pages render it (forum page, submission pages)."""
    user_id = viewer_id(request)
    forum_id = int(found["id"])
    return {
        "sidebar_forum": found,
        "is_subscribed": queries.is_subscribed(conn, forum_id, user_id),
        "is_moderator": queries.is_moderator(conn, forum_id, user_id),
        "moderators": queries.moderators(conn, forum_id),
    }


def search(request: Request) -> HTMLResponse:
    query = request.query_params.get("q", "").strip()
    with database(request) as conn:
        total = queries.count_search(conn, query)
        page = page_from(request, total, SEARCH_PAGE_SIZE)
        shown = queries.search_submissions(conn, query, viewer_id=viewer_id(request), limit=page.size,
                                           offset=page.offset)
        forums = queries.search_forums(conn, query) if query else []
        return render(request, conn, "search.html", query=query, submissions=shown, total=total, page=page,
                      forums=forums)
