"""Request plumbing every admin page shares: login guard, rendering with the admin chrome, flash messages, 404s.

Magento's admin answers every URL with the sign-in page until someone signs in; `admin_page` gives each handler
that behaviour, so no page can forget it.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from webenv.sites.common import SiteContext, connect, require_login, site_templates
from webenv.sites.shop.admin import formats

LOGIN_PATH = "/admin/auth/login/"
SITE_DIR = Path(__file__).parent

Handler = Callable[[Request], Awaitable[Response]]


class AdminSite:
    """What handlers need from the running site: its database, its templates and the other sites' URLs."""

    def __init__(self, ctx: SiteContext) -> None:
        self.ctx = ctx
        self.templates: Jinja2Templates = site_templates(SITE_DIR)
        env = self.templates.env
        env.filters["money"] = formats.money
        env.filters["timestamp"] = formats.timestamp
        env.filters["order_status"] = formats.order_status_label
        env.filters["review_status"] = formats.review_status_label
        env.filters["interval"] = formats.interval_label

    @contextmanager
    def db(self) -> Iterator[sqlite3.Connection]:
        with connect(self.ctx.db_path) as conn:
            yield conn

    @property
    def storefront_url(self) -> str | None:
        return self.ctx.urls.get("shopping")


def site(request: Request) -> AdminSite:
    return request.app.state.site  # type: ignore[no-any-return]


def flash(request: Request, text: str, kind: str = "success") -> None:
    """A message for the next page (post-redirect-get), like Magento's "You saved the product."."""
    request.session["flash"] = [*request.session.get("flash", []), {"kind": kind, "text": text}]


def render(request: Request, template: str, status_code: int = 200, *, show_messages: bool = True,
           **context: Any) -> Response:
    """A page in the admin chrome. Pending flash messages are shown (and consumed) unless `show_messages` is
    off, as for 404s: a browser's background request for /favicon.ico must not swallow "You saved the ..."."""
    admin = site(request)
    messages = request.session.pop("flash", []) if show_messages and "user_id" in request.session else []
    return admin.templates.TemplateResponse(
        request,
        template,
        {"admin_name": request.session.get("admin_name", ""), "messages": messages,
         "storefront_url": admin.storefront_url, "path": request.url.path, **context},
        status_code=status_code,
    )


def admin_page(handler: Handler) -> Handler:
    """Send anyone not signed in to the sign-in page (remembering where they were going)."""

    @functools.wraps(handler)
    async def guarded(request: Request) -> Response:
        if (to_login := require_login(request, LOGIN_PATH)) is not None:
            return to_login
        return await handler(request)

    return guarded


def not_found(what: str) -> HTTPException:
    return HTTPException(status_code=404, detail=f"{what} does not exist.")


def int_param(request: Request, name: str) -> int:
    """A numeric path parameter; anything else is a 404, as an unknown id would be."""
    try:
        return int(request.path_params[name])
    except (KeyError, ValueError):
        raise not_found("This page") from None


def query(request: Request, name: str) -> str:
    return request.query_params.get(name, "").strip()


async def form_fields(request: Request) -> dict[str, str]:
    """A submitted form as plain strings (file uploads are never expected here)."""
    form = await request.form()
    return {key: value.strip() if isinstance(value, str) else "" for key, value in form.items()}
