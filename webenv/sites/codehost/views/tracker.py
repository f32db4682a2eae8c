"""The issue / merge request list shared by project pages and the dashboard.

Both lists take the same filters and both redirect a non-canonical query to its canonical form (see
`filters.py`), so whatever way the agent filters, the final URL is the one a task's `url_match` expects.
"""

from __future__ import annotations

import sqlite3
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from webenv.sites.codehost import queries
from webenv.sites.codehost.filters import SORTS, STATES, Kind, TrackerQuery, parse_search
from webenv.sites.codehost.views.base import Row, render
from webenv.sites.common import Page, rows

PAGE_SIZE = 20
STATE_TABS = {"opened": "Open", "closed": "Closed", "merged": "Merged", "all": "All"}


def canonical_redirect(request: Request, q: TrackerQuery) -> Response | None:
    given = [(key, value) for key, value in request.query_params.multi_items()]
    if given != q.pairs():
        return RedirectResponse(request.url.path + q.query_string(), status_code=302)
    return None


def filter_options(conn: sqlite3.Connection, kind: Kind, project: Row | None, viewer_id: int | None) -> dict[str, Any]:
    """The choices of the filter form: labels, people and milestones that make sense for this list."""
    if project is not None:
        table = "issues" if kind == "issue" else "merge_requests"
        people = queries.assignable_users(conn, project)
        authors = rows(conn, f"""SELECT DISTINCT u.* FROM {table} t JOIN users u ON u.id = t.author_id
                                 WHERE t.project_id = ? ORDER BY u.name COLLATE NOCASE""", project["id"])
        labels = [label["title"] for label in queries.labels(conn, project["id"])]
        milestones = [m["title"] for m in queries.milestones(conn, project["id"], "all")]
    else:
        people = authors = rows(conn, "SELECT * FROM users ORDER BY name COLLATE NOCASE")
        labels = [r["title"] for r in rows(conn, "SELECT DISTINCT title FROM labels ORDER BY title COLLATE NOCASE")]
        milestones = []
    return {"people": people, "authors": authors, "labels": labels, "milestones": milestones}


def tracker_listing(request: Request, conn: sqlite3.Connection, kind: Kind, *, viewer: Row | None,
                    project: Row | None, template: str, extra: dict[str, Any] | None = None,
                    query: TrackerQuery | None = None) -> Response:
    q = query or TrackerQuery.from_pairs(kind, request.query_params.multi_items())
    if query is None and (moved := canonical_redirect(request, q)):
        return moved
    viewer_id = viewer["id"] if viewer else None
    project_id = project["id"] if project else None
    counts = queries.tracker_counts(conn, q, project_id, viewer_id)
    total = counts[q.state]
    last_page = Page(number=1, size=PAGE_SIZE, total=total).count
    page = Page(number=min(q.page, last_page), size=PAGE_SIZE, total=total)
    items = queries.tracker_items(conn, q, project_id, viewer_id, limit=PAGE_SIZE, offset=page.offset)
    base = request.url.path

    def url(**changes: Any) -> str:
        return base + q.with_(**changes).query_string()

    context = {
        "kind": kind, "q": q, "items": items, "counts": counts, "page": page, "url": url,
        "page_url": lambda number: url(page=number), "list_path": base,
        "tabs": [(state, STATE_TABS[state]) for state in STATES[kind]], "sorts": SORTS,
        "options": filter_options(conn, kind, project, viewer_id), "label_url": label_url,
        "first": page.offset + 1 if total else 0, "last": min(page.offset + PAGE_SIZE, total),
        "rejected_tokens": parse_search(q.search, kind).rejected,
    }
    context.update(extra or {})
    return render(request, template, context)


def label_url(list_path: str, title: str) -> str:
    """Where a label badge links: the list filtered by that label, in canonical form."""
    return f"{list_path}?{urlencode([('label_name[]', title)])}"
