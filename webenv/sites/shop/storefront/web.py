"""What every storefront view needs: the database, the logged-in customer, flash messages and page rendering.

Rendering adds the header's data (top categories, who is signed in, how many items are in the cart) to every
page, so views only pass what is specific to them.
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

from webenv.sites.common import connect, require_login, site_templates
from webenv.sites.shop import queries

SITE_DIR = Path(__file__).parent
LOGIN_PATH = "/customer/account/login/"

templates = site_templates(SITE_DIR)
templates.env.filters.update(
    money=queries.money, short_date=queries.short_date, long_date=queries.long_date,
    status_label=lambda status: queries.STATUS_LABELS.get(status, status.title()),
    stars=queries.rating_percent,
)


@contextmanager
def db(request: Request) -> Iterator[sqlite3.Connection]:
    with connect(request.app.state.db_path) as conn:
        yield conn


def customer_id(request: Request) -> int | None:
    value = request.session.get("user_id")
    return int(value) if value is not None else None


def needs_login(request: Request) -> RedirectResponse | None:
    return require_login(request, LOGIN_PATH)


def not_found() -> HTTPException:
    return HTTPException(status_code=404)


def flash(request: Request, text: str, kind: str = "success") -> None:
    """A message shown once on the next page (Magento's green/red notices above the content)."""
    request.session.setdefault("messages", []).append({"kind": kind, "text": text})


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    user_id = customer_id(request)
    with db(request) as conn:
        customer = queries.customer_by_id(conn, user_id) if user_id is not None else None
        header = {
            "top_categories": queries.top_categories(conn),
            "customer": customer,
            "cart_count": sum(item["qty"] for item in queries.cart_of(conn, user_id)) if customer else 0,
        }
    messages = request.session.pop("messages", [])
    return templates.TemplateResponse(request, template, {**header, "messages": messages, **context},
                                      status_code=status_code)


async def form_data(request: Request) -> dict[str, str]:
    """A POSTed form as plain strings (last value wins), whitespace trimmed."""
    form = await request.form()
    return {key: str(value).strip() for key, value in form.multi_items() if isinstance(value, str)}
