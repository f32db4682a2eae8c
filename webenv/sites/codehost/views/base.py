"""What every page handler needs: the database, the signed-in user, the project in the URL, rendering, flashes.

Access problems are raised, not returned (`LoginRequired`, `Forbidden`, 404), so handlers read as the happy
path and the app turns each exception into the same redirect or error page everywhere.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from webenv.sites.codehost import queries, roles
from webenv.sites.common import connect

Row = dict[str, Any]
SIGN_IN_PATH = "/users/sign_in"


class LoginRequired(Exception):
    """The action needs a signed-in user; the app redirects to the sign-in page and back."""


class Forbidden(Exception):
    """Signed in, but the role is too low; the message says which role the action needs."""


@dataclass(frozen=True)
class Site:
    db_path: Path
    templates: Jinja2Templates


@dataclass(frozen=True)
class ProjectScope:
    """The project named by the URL, who is looking at it, and their role on it."""

    project: Row
    viewer: Row | None
    level: int

    @property
    def base(self) -> str:
        return "/" + self.project["full_path"]

    def can(self, level: int) -> bool:
        return self.viewer is not None and self.level >= level

    def require(self, level: int, action: str) -> Row:
        """The viewer, if their role allows `action`; else a login redirect or a 403 naming the role needed."""
        if self.viewer is None:
            raise LoginRequired()
        if self.level < level:
            raise Forbidden(f"You need at least the {roles.role_name(level)} role in this project to {action}.")
        return self.viewer


def site(request: Request) -> Site:
    return request.app.state.site  # type: ignore[no-any-return]


@contextmanager
def database(request: Request) -> Iterator[sqlite3.Connection]:
    with connect(site(request).db_path) as conn:
        yield conn


def current_user(request: Request, conn: sqlite3.Connection) -> Row | None:
    user_id = request.session.get("user_id")
    user = queries.user_by_id(conn, int(user_id)) if user_id is not None else None
    if user is None and user_id is not None:
        request.session.pop("user_id", None)
    request.state.viewer = user
    return user


def require_user(request: Request, conn: sqlite3.Connection) -> Row:
    user = current_user(request, conn)
    if user is None:
        raise LoginRequired()
    return user


def project_scope(request: Request, conn: sqlite3.Connection) -> ProjectScope:
    """The project of `/{namespace}/{project}/...`; 404 when it does not exist or the viewer may not see it."""
    viewer = current_user(request, conn)
    project = queries.project_by_path(conn, request.path_params["namespace"], request.path_params["project"])
    if project is None:
        raise HTTPException(404, "Project not found")
    level = queries.access_level(conn, project, viewer["id"] if viewer else None)
    if not queries.can_read(project, viewer["id"] if viewer else None, level):
        raise HTTPException(404, "Project not found")
    request.state.project = project
    return ProjectScope(project=project, viewer=viewer, level=level)


def int_param(request: Request, name: str) -> int:
    try:
        return int(request.path_params[name])
    except (KeyError, ValueError):
        raise HTTPException(404, "Not found") from None


async def form_data(request: Request) -> FormData:
    return await request.form()


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def flash(request: Request, message: str, kind: str = "notice") -> None:
    """A one-time message shown on the next page (after the POST-redirect-GET)."""
    request.session.setdefault("flash", []).append({"kind": kind, "message": message})


def render(request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200) -> Response:
    values: dict[str, Any] = {"viewer": getattr(request.state, "viewer", None),
                              "flashes": request.session.pop("flash", [])}
    values.update(context or {})
    return site(request).templates.TemplateResponse(request, template, values, status_code=status_code)
