"""What every forum page handler needs: the database, the signed-in user, rendering, flashes, safe redirects.

Handlers are plain sync functions (Starlette runs them in a thread pool), each opening its own short-lived
connection through `database(request)`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse
from starlette.templating import Jinja2Templates

from webenv.sites.common import connect, redirect, require_login, site_templates
from webenv.sites.forum import queries
from webenv.sites.forum.text import long_time, paragraphs, short_date

SITE_DIR = Path(__file__).parent
LOGIN_PATH = "/login"
SITE_NAME = "Postmill"


def make_templates() -> Jinja2Templates:
    templates = site_templates(SITE_DIR)
    templates.env.filters["paragraphs"] = paragraphs
    templates.env.filters["long_time"] = long_time
    templates.env.filters["short_date"] = short_date
    templates.env.filters["plural"] = lambda count, word: f"{count} {word}{'' if count == 1 else 's'}"
    return templates


@contextmanager
def database(request: Request) -> Iterator[sqlite3.Connection]:
    with connect(request.app.state.db_path) as conn:
        yield conn


def viewer_id(request: Request) -> int | None:
    value = request.session.get("user_id")
    return int(value) if value is not None else None


def current_user(request: Request, conn: sqlite3.Connection) -> dict[str, Any] | None:
    user_id = viewer_id(request)
    if user_id is None:
        return None
    user = queries.user_by_id(conn, user_id)
    if user is None:  # a cookie from another environment copy whose user does not exist here
        request.session.clear()
    return user


def login_redirect(request: Request) -> RedirectResponse | None:
    return require_login(request, LOGIN_PATH)


def flash(request: Request, message: str) -> None:
    """A one-time message for the next page (kept in the signed session cookie)."""
    request.session.setdefault("flashes", []).append(message)


def render(request: Request, conn: sqlite3.Connection, template: str, status_code: int = 200,
           **context: Any) -> HTMLResponse:
    user = current_user(request, conn)
    flashes = request.session.pop("flashes", [])
    return request.app.state.templates.TemplateResponse(
        request,
        template,
        {"user": user, "flashes": flashes, "site_name": SITE_NAME, "current_path": _current_path(request),
         **context},
        status_code=status_code,
    )


def _current_path(request: Request) -> str:
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


def not_found(what: str = "Page") -> HTTPException:
    return HTTPException(status_code=404, detail=f"{what} not found")


def forbidden(detail: str) -> HTTPException:
    return HTTPException(status_code=403, detail=detail)


def go(url: str) -> RedirectResponse:
    return redirect(url)


def sort_of(request: Request) -> queries.Sort:
    value = request.query_params.get("sort", "hot")
    return value if value in queries.SORTS else "hot"  # type: ignore[return-value]


async def form_data(request: Request) -> dict[str, str]:
    """Submitted fields as stripped strings (one value per name)."""
    form = await request.form()
    return {key: str(value).strip() if isinstance(value, str) else "" for key, value in form.items()}
