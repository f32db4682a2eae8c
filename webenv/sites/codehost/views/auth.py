"""Sign in and sign out. The session holds only `user_id`, as the shared site contract requires."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from webenv.sites.codehost import queries
from webenv.sites.codehost.passwords import verify_password
from webenv.sites.codehost.views.base import current_user, database, form_data, render, text
from webenv.sites.common import redirect, safe_next


async def sign_in(request: Request) -> Response:
    with database(request) as conn:
        if current_user(request, conn) is not None and request.method == "GET":
            return redirect(safe_next(request.query_params.get("next", "/")))
        if request.method == "GET":
            return render(request, "sign_in.html", {"next": request.query_params.get("next", "/"), "login": ""})
        form = await form_data(request)
        login, password = text(form, "user[login]"), text(form, "user[password]")
        user = queries.user_by_login(conn, login) if login.strip() else None
        if user is None or not verify_password(password, user["password_hash"]):
            return render(request, "sign_in.html", {"next": text(form, "next") or "/", "login": login,
                                                    "error": "Invalid login or password."}, status_code=401)
        request.session.clear()
        request.session["user_id"] = user["id"]
        return redirect(safe_next(text(form, "next") or "/"))


async def sign_out(request: Request) -> Response:
    request.session.clear()
    return redirect("/users/sign_in")


routes = [
    Route("/users/sign_in", sign_in, methods=["GET", "POST"]),
    Route("/users/sign_out", sign_out, methods=["POST"]),
]
