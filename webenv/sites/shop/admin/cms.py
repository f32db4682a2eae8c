"""Content > Pages: the CMS page grid and the page form (title, URL key, content, enabled).

Input names follow Magento's page form (`title`, `identifier`, `content`, `is_active`), which is what
WebArena's locators such as `document.querySelector('input[name="title"]').value` read.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from webenv.sites.common import one, redirect
from webenv.sites.shop.admin.grids import Filters, fetch_page, pager_suffix, sort_from
from webenv.sites.shop.admin.web import admin_page, flash, form_fields, int_param, not_found, query, render, site

SORTS = {"id": "id", "title": "title", "url_key": "url_key", "status": "is_active"}


@admin_page
async def grid(request: Request) -> Response:
    filters = Filters()
    filters.add_keywords(query(request, "search"), ["title", "url_key"])
    sort = sort_from(request, SORTS, ("id", "asc"))
    with site(request).db() as conn:
        found, page = fetch_page(conn, request, "*", "cms_pages", filters, sort, tiebreak="id")
    return render(request, "cms/grid.html", pages=found, page=page, sort=sort, filters=filters,
                  search=query(request, "search"), pager_extra=pager_suffix(request))


def _load(conn: sqlite3.Connection, request: Request) -> dict[str, Any]:
    found = one(conn, "SELECT * FROM cms_pages WHERE id = ?", int_param(request, "page_id"))
    if found is None:
        raise not_found("This page")
    return found


@admin_page
async def edit(request: Request) -> Response:
    with site(request).db() as conn:
        cms_page = _load(conn, request)
    values = {"title": cms_page["title"], "identifier": cms_page["url_key"], "content": cms_page["content"],
              "is_active": str(cms_page["is_active"])}
    return render(request, "cms/edit.html", cms_page=cms_page, values=values, errors=[])


@admin_page
async def save(request: Request) -> Response:
    fields = await form_fields(request)
    values = {key: fields.get(key, "") for key in ("title", "identifier", "content", "is_active")}
    with site(request).db() as conn:
        cms_page = _load(conn, request)
        errors = []
        if not values["title"]:
            errors.append("Page Title is a required field.")
        if not re.fullmatch(r"[a-z0-9][a-z0-9\-_/.]*", values["identifier"]):
            errors.append("URL Key: use lower-case letters, digits, dashes and slashes only.")
        elif one(conn, "SELECT id FROM cms_pages WHERE url_key = ? AND id != ?", values["identifier"], cms_page["id"]):
            errors.append("A page URL key for specified store already exists.")
        if errors:
            return render(request, "cms/edit.html", cms_page=cms_page, values=values, errors=errors)
        conn.execute(
            "UPDATE cms_pages SET title = ?, url_key = ?, content = ?, is_active = ? WHERE id = ?",
            (values["title"], values["identifier"], values["content"], 1 if values["is_active"] == "1" else 0,
             cms_page["id"]),
        )
    flash(request, "You saved the page.")
    return redirect(f"/cms/page/edit/page_id/{cms_page['id']}/")
