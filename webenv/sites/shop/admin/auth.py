"""Signing in and out of the admin (account admin / admin1234, from the `admin_users` table).

A failed sign-in never touches the session, so no cookie is set: `webenv.auth.login_cookies` relies on that to
tell a refused login from an accepted one.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from webenv.sites.common import one, redirect, safe_next
from webenv.sites.shop.admin.web import LOGIN_PATH, form_fields, render, site


async def login_form(request: Request) -> Response:
    next_url = safe_next(request.query_params.get("next"))
    if request.session.get("user_id") is not None:
        return redirect(next_url)
    return render(request, "login.html", next=next_url, username="", error=None)


async def login_submit(request: Request) -> Response:
    fields = await form_fields(request)
    username, password = fields.get("login[username]", ""), fields.get("login[password]", "")
    with site(request).db() as conn:
        user = one(conn, "SELECT id, name FROM admin_users WHERE username = ? AND password = ?", username, password)
    next_url = safe_next(fields.get("next"))
    if user is None:
        error = ("The account sign-in was incorrect or your account is disabled temporarily. "
                 "Please wait and try again later.")
        return render(request, "login.html", next=next_url, username=username, error=error)
    request.session.clear()
    request.session["user_id"] = user["id"]
    request.session["admin_name"] = user["name"]
    return redirect(next_url)


async def logout(request: Request) -> Response:
    request.session.clear()
    return redirect(LOGIN_PATH)
