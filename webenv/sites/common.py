"""What every embedded site shares: SQLite access, templates, sessions, login, pagination, seeded randomness.

The sites are deliberately ordinary server-rendered apps (Starlette + Jinja2 + SQLite) so that the agent meets
the same things it meets on real sites: forms, redirects, cookies, pagination, validation messages.
"""

from __future__ import annotations

import math
import random
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import BaseRoute
from starlette.templating import Jinja2Templates

SHARED_TEMPLATES = Path(__file__).parent / "_shared_templates"


@dataclass(frozen=True)
class SiteContext:
    """Everything a site's `create_app` needs: its own database copy and the base URLs of all sites.

    `urls` lets pages link across sites (e.g. the store admin linking to a storefront product) the way
    WebArena's real sites do, without hard-coding ports.
    """

    db_path: Path
    urls: dict[str, str]
    secret_key: str = "plan-and-act-webenv"


@contextmanager
def connect(db_path: Path) -> Iterator[sqlite3.Connection]:
    """One short-lived connection per request: sync endpoints run in a thread pool, so none is shared."""
    conn = sqlite3.connect(db_path, timeout=10)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    try:
        yield conn
        conn.commit()
    finally:
        conn.close()


def site_templates(site_dir: Path) -> Jinja2Templates:
    """Templates from the site's own `templates/` first, then the shared macros (pagination, forms)."""
    import jinja2

    loader = jinja2.ChoiceLoader(
        [jinja2.FileSystemLoader(site_dir / "templates"), jinja2.FileSystemLoader(SHARED_TEMPLATES)]
    )
    env = jinja2.Environment(loader=loader, autoescape=True)
    return Jinja2Templates(env=env)


def session_middleware(cookie_name: str, secret_key: str) -> Middleware:
    """All sites share the host 127.0.0.1 and browsers do not separate cookies by port, so every site must
    use its own cookie name or logging into one would log out of another."""
    return Middleware(SessionMiddleware, secret_key=secret_key, session_cookie=cookie_name, max_age=None)


def session_app(ctx: SiteContext, cookie_name: str, routes: Sequence[BaseRoute],
                exception_handlers: Mapping[Any, Callable[..., Any]]) -> Starlette:
    """A site's app behind its own session cookie (pass the spec's `cookie_name`, so the two cannot drift), with
    the context's database path and site URLs on `app.state` for the request handlers."""
    app = Starlette(routes=list(routes), middleware=[session_middleware(cookie_name, ctx.secret_key)],
                    exception_handlers=dict(exception_handlers))
    app.state.db_path = ctx.db_path
    app.state.urls = ctx.urls
    return app


def redirect(url: str) -> RedirectResponse:
    """A POST-redirect-GET redirect (303), so a reload never re-submits a form."""
    return RedirectResponse(url, status_code=303)


def safe_next(target: str | None, default: str = "/") -> str:
    """Where to go after signing in: only a same-site path, so a `next` of `//evil.example` or `http://...`
    cannot turn a login form into an open redirect."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return default


def require_login(request: Request, login_path: str) -> RedirectResponse | None:
    """A redirect to the login page (remembering where to come back to) when nobody is logged in."""
    if request.session.get("user_id") is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return redirect(f"{login_path}?next={quote(target, safe='/')}")
    return None


@dataclass(frozen=True)
class Page:
    """One page of a paginated listing."""

    number: int
    size: int
    total: int

    @property
    def count(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.count


def page_from(request: Request, total: int, size: int = 20, param: str = "page") -> Page:
    """The requested page number, clamped into range (a bad `?page=` never errors)."""
    try:
        number = int(request.query_params.get(param, "1"))
    except ValueError:
        number = 1
    count = max(1, math.ceil(total / size))
    return Page(number=min(max(number, 1), count), size=size, total=total)


def seeded_rng(site: str, seed: int = 20230101) -> random.Random:
    """Deterministic randomness per site: the same seed data on every machine, so task answers are stable."""
    return random.Random(f"{site}:{seed}")


def rows(conn: sqlite3.Connection, sql: str, *params: Any) -> list[dict[str, Any]]:
    """Query results as plain dicts (handy in templates and in answer-computing code alike)."""
    return [dict(row) for row in conn.execute(sql, params).fetchall()]


def one(conn: sqlite3.Connection, sql: str, *params: Any) -> dict[str, Any] | None:
    row = conn.execute(sql, params).fetchone()
    return dict(row) if row is not None else None

