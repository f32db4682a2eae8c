"""People and groups: profiles with their tabs, following, group pages, and editing one's own profile.

`/{name}` is shared by users and groups (one namespace space, as in GitLab), so it is the last route of all.
"""

from __future__ import annotations

import sqlite3

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from webenv.sites.codehost import queries, writes
from webenv.sites.codehost.views.base import (
    Row,
    current_user,
    database,
    flash,
    form_data,
    render,
    require_user,
    text,
)
from webenv.sites.common import redirect

TABS = {"overview": "Overview", "projects": "Personal projects", "starred": "Starred projects",
        "followers": "Followers", "following": "Following"}


async def namespace(request: Request) -> Response:
    """A user's profile or a group's page, whichever owns the path."""
    with database(request) as conn:
        viewer = current_user(request, conn)
        found = queries.namespace_by_path(conn, request.path_params["name"])
        if found is None:
            raise HTTPException(404, "Page not found")
        if found["kind"] == "group":
            viewer_id = viewer["id"] if viewer else None
            projects, _ = queries.list_projects(conn, viewer_id, scope="namespace", user_id=found["id"],
                                                sort="name_asc", limit=100)
            return render(request, "users/group.html", {"group": found, "projects": projects,
                                                         "members": queries.group_members(conn, found["id"])})
        return _profile(request, conn, viewer, found["path"], "overview")


async def profile_tab(request: Request) -> Response:
    with database(request) as conn:
        viewer = current_user(request, conn)
        return _profile(request, conn, viewer, request.path_params["username"], request.path_params["tab"])


def _profile(request: Request, conn: sqlite3.Connection, viewer: Row | None, username: str, tab: str) -> Response:
    user = queries.user_by_username(conn, username)
    if user is None or tab not in TABS:
        raise HTTPException(404, "Page not found")
    viewer_id = viewer["id"] if viewer else None
    people: list[Row] = []
    projects: list[Row] = []
    if tab in ("overview", "projects"):
        projects, _ = queries.list_projects(conn, viewer_id, scope="personal", user_id=user["id"], limit=100)
    elif tab == "starred":
        projects, _ = queries.list_projects(conn, viewer_id, scope="starred", user_id=user["id"], sort="stars_desc",
                                            limit=100)
    else:
        people = (queries.followers if tab == "followers" else queries.following)(conn, user["id"])
    return render(request, "users/profile.html", {
        "user": user, "tab": tab, "tabs": TABS, "projects": projects, "people": people,
        "follower_count": len(queries.followers(conn, user["id"])),
        "following_count": len(queries.following(conn, user["id"])),
        "is_following": viewer_id is not None and queries.is_following(conn, viewer_id, user["id"]),
        "website_text": user["website_url"].split("://", 1)[-1].rstrip("/"),
    })


async def follow(request: Request) -> Response:
    with database(request) as conn:
        viewer = require_user(request, conn)
        user = queries.user_by_username(conn, request.path_params["username"])
        if user is None:
            raise HTTPException(404, "User not found")
        wanted = request.url.path.endswith("/follow")
        try:
            writes.set_following(conn, viewer["id"], user["id"], wanted)
        except writes.ValidationError as error:
            flash(request, str(error), "alert")
        else:
            flash(request, f"You are {'now following' if wanted else 'no longer following'} {user['name']}.")
        return redirect(f"/{user['username']}")


async def edit_profile(request: Request) -> Response:
    with database(request) as conn:
        viewer = require_user(request, conn)
        if request.method == "GET":
            return render(request, "users/edit_profile.html", {"values": viewer})
        form = await form_data(request)
        values = {"name": text(form, "user[name]"), "status_message": text(form, "user[status][message]"),
                  "bio": text(form, "user[bio]"), "website_url": text(form, "user[website_url]"),
                  "location": text(form, "user[location]")}
        try:
            writes.update_profile(conn, viewer["id"], **values)
        except writes.ValidationError as error:
            return render(request, "users/edit_profile.html", {"values": values, "error": str(error)},
                          status_code=422)
        flash(request, "Profile was successfully updated")
        return redirect("/-/profile")


routes = [
    Route("/-/profile", edit_profile, methods=["GET", "POST"]),
    Route("/users/{username}/follow", follow, methods=["POST"]),
    Route("/users/{username}/unfollow", follow, methods=["POST"]),
    Route("/users/{username}/{tab}", profile_tab),
]
namespace_route = Route("/{name}", namespace)
