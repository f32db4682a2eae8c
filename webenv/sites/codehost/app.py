"""The code host's Starlette app: routes in GitLab's URL scheme, templates, sessions and error pages.

Route order matters because GitLab's URLs are ambiguous by design: `/{namespace}` is a user or a group,
`/{namespace}/{project}` a project. Fixed prefixes (`/users`, `/dashboard`, `/explore`, `/-/...`) come first,
project sub-pages next, the project overview after them, and the bare namespace last.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from webenv.sites.codehost import GITLAB, roles
from webenv.sites.codehost.clock import human_date
from webenv.sites.codehost.markup import render_markdown
from webenv.sites.codehost.views import (
    auth,
    dashboard,
    explore,
    issues,
    members,
    merge_requests,
    planning,
    projects,
    repository,
    users,
)
from webenv.sites.codehost.views.base import (
    SIGN_IN_PATH,
    Forbidden,
    LoginRequired,
    Site,
    current_user,
    database,
    render,
)
from webenv.sites.common import SiteContext, redirect, session_app, site_templates

SITE_DIR = Path(__file__).parent


def _login_required(request: Request, exc: Exception) -> Response:
    url = urlsplit(str(request.url))
    if request.method != "GET":  # after signing in, land on the page the form was on, not on a POST-only URL
        url = urlsplit(request.headers.get("referer", "/"))
    target = (url.path or "/") + (f"?{url.query}" if url.query else "")
    return redirect(f"{SIGN_IN_PATH}?{urlencode({'next': target})}")


def _with_viewer(request: Request) -> None:
    """Error pages raised before a handler looked up the user still show who is signed in."""
    if getattr(request.state, "viewer", None) is None and "session" in request.scope:
        with database(request) as conn:
            current_user(request, conn)


def _forbidden(request: Request, exc: Exception) -> Response:
    _with_viewer(request)
    return render(request, "error.html", {"status": 403, "title": "Access denied", "message": str(exc)},
                  status_code=403)


def _http_error(request: Request, exc: Exception) -> Response:
    _with_viewer(request)
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    title = "Page not found" if status == 404 else "Something went wrong"
    message = exc.detail if isinstance(exc, HTTPException) and status != 404 else (
        "The page could not be found or you don't have permission to view it.")
    return render(request, "error.html", {"status": status, "title": title, "message": message}, status_code=status)


@lru_cache(maxsize=1)
def _templates() -> Jinja2Templates:
    """One template environment per process: every environment's app shares it, so the templates are compiled
    once rather than on the first visit to each page of every fresh environment (a third of a second each)."""
    templates = site_templates(SITE_DIR)
    templates.env.filters["date"] = human_date
    templates.env.filters["markdown"] = render_markdown
    templates.env.globals["role_name"] = lambda level: roles.ROLE_NAMES.get(level, "")
    return templates


async def _no_favicon(request: Request) -> Response:
    """Browsers ask every site for a favicon; answering "no content" keeps that out of the 404 pages."""
    return Response(status_code=204)


def create_app(ctx: SiteContext) -> Starlette:
    routes = [
        Mount("/assets", StaticFiles(directory=SITE_DIR / "static"), name="assets"),
        Route("/favicon.ico", _no_favicon),
        *auth.routes,
        *dashboard.routes,
        *explore.routes,
        *projects.routes,
        *users.routes,
        *repository.routes,
        *issues.routes,
        *merge_requests.routes,
        *members.routes,
        *planning.routes,
        projects.show_route,
        users.namespace_route,
    ]
    app = session_app(ctx, GITLAB.cookie_name, routes,
                      {LoginRequired: _login_required, Forbidden: _forbidden, HTTPException: _http_error})
    app.state.site = Site(db_path=ctx.db_path, templates=_templates())
    return app
