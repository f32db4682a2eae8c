"""Logging in and out, user profiles, and editing your own biography."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from webenv.sites.common import page_from, safe_next
from webenv.sites.forum import queries, store
from webenv.sites.forum.passwords import verify_password
from webenv.sites.forum.web import (
    database,
    flash,
    forbidden,
    form_data,
    go,
    login_redirect,
    not_found,
    render,
    viewer_id,
)

PROFILE_PAGE_SIZE = 20
OVERVIEW_ITEMS = 10
BIOGRAPHY_MAX = 300


def login_form(request: Request) -> HTMLResponse:
    with database(request) as conn:
        return render(request, conn, "login.html", next=safe_next(request.query_params.get("next"), "/"),
                      username="", error=None)


async def login_check(request: Request) -> Response:
    """Postmill's form target: `_username` / `_password`. A failed login writes nothing to the session (so no
    cookie is set) and answers 401, which is how `webenv.auth` tells a broken account from a working one."""
    fields = await form_data(request)
    username = fields.get("_username", "")
    target = safe_next(fields.get("next"), "/")
    with database(request) as conn:
        user = queries.user_by_name(conn, username) if username else None
        if user is None or not verify_password(fields.get("_password", ""), user["password_salt"],
                                               user["password_hash"]):
            return render(request, conn, "login.html", status_code=401, next=target, username=username,
                          error="Invalid username or password.")
        request.session.clear()
        request.session["user_id"] = int(user["id"])
        return go(target)


async def logout(request: Request) -> Response:
    request.session.clear()
    return go("/")


def profile(request: Request) -> HTMLResponse:
    """`/user/{name}` (overview), `/user/{name}/submissions` and `/user/{name}/comments`."""
    parts = request.url.path.strip("/").split("/")  # user / {name} [/ submissions|comments]
    tab = parts[2] if len(parts) > 2 else "overview"
    with database(request) as conn:
        user = queries.user_by_name(conn, request.path_params["username"])
        if user is None:
            raise not_found("User")
        stats = queries.user_stats(conn, int(user["id"]))
        viewer = viewer_id(request)
        context: dict[str, object] = {"profile": user, "stats": stats, "tab": tab,
                                      "moderates": queries.moderated_forums(conn, int(user["id"]))}
        if tab == "submissions":
            page = page_from(request, stats["submissions"], PROFILE_PAGE_SIZE)
            context |= {"page": page, "submissions": queries.submissions(
                conn, sort="new", author_id=int(user["id"]), viewer_id=viewer, limit=page.size, offset=page.offset)}
        elif tab == "comments":
            page = page_from(request, stats["comments"], PROFILE_PAGE_SIZE)
            context |= {"page": page, "comments": queries.comments_by(
                conn, int(user["id"]), viewer_id=viewer, limit=page.size, offset=page.offset)}
        else:
            context |= {
                "submissions": queries.submissions(conn, sort="new", author_id=int(user["id"]), viewer_id=viewer,
                                                   limit=OVERVIEW_ITEMS),
                "comments": queries.comments_by(conn, int(user["id"]), viewer_id=viewer, limit=OVERVIEW_ITEMS),
            }
        return render(request, conn, "user.html", **context)


def biography_form(request: Request) -> Response:
    if (needed := login_redirect(request)) is not None:
        return needed
    with database(request) as conn:
        user = queries.user_by_name(conn, request.path_params["username"])
        if user is None:
            raise not_found("User")
        if user["id"] != viewer_id(request):
            raise forbidden("You can only edit your own biography.")
        return render(request, conn, "edit_biography.html", profile=user, biography=user["biography"], error=None)


async def biography(request: Request) -> Response:
    if (needed := login_redirect(request)) is not None:
        return needed
    fields = await form_data(request)
    with database(request) as conn:
        user = queries.user_by_name(conn, request.path_params["username"])
        if user is None:
            raise not_found("User")
        if user["id"] != viewer_id(request):
            raise forbidden("You can only edit your own biography.")
        text = fields.get("biography", "")
        if len(text) > BIOGRAPHY_MAX:
            return render(request, conn, "edit_biography.html", status_code=400, profile=user, biography=text,
                          error=f"The biography must be at most {BIOGRAPHY_MAX} characters.")
        store.set_biography(conn, int(user["id"]), text)
        flash(request, "Your biography was updated.")
        return go(f"/user/{user['username']}")
