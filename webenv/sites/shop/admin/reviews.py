"""Marketing > Reviews: all reviews, the pending queue, and moderating one review (edit, approve, reject,
delete).

The status select posts Magento's `status_id` (1 Approved, 2 Pending, 3 Not Approved); the storefront shows
approved reviews only, so approving here is what publishes a review.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from webenv.sites.common import one, redirect
from webenv.sites.shop.admin import formats
from webenv.sites.shop.admin.grids import Filters, fetch_page, pager_suffix, remember, remembered, sort_from
from webenv.sites.shop.admin.web import admin_page, flash, form_fields, int_param, not_found, query, render, site

GRID_FROM = "reviews r JOIN products p ON p.id = r.product_id"
SORTS = {"id": "r.id", "created_at": "r.created_at", "status": "r.status", "title": "r.title",
         "nickname": "r.nickname", "rating": "r.rating", "product": "p.name"}
ALL_URL, PENDING_URL = "/review/product/", "/review/product/pending/"


def grid_filters(request: Request, *, pending_only: bool) -> Filters:
    filters = Filters()
    if pending_only:  # the view itself is the filter, so it is not listed among the active filters
        filters.clauses.append("r.status = 'pending'")
    elif (status := query(request, "status")) in formats.REVIEW_STATUSES:
        filters.add("r.status = ?", status, label="Status", shown=formats.review_status_label(status))
    rating = query(request, "rating")
    if rating in {"1", "2", "3", "4", "5"}:
        filters.add("r.rating = ?", int(rating), label="Rating", shown=f"{rating} star{'s' if rating != '1' else ''}")
    for name, column, label in (("title", "r.title", "Title"), ("nickname", "r.nickname", "Nickname"),
                                ("detail", "r.body", "Review"), ("product", "p.name", "Product")):
        if value := query(request, name):
            filters.add(f"{column} LIKE ?", f"%{value}%", label=label, shown=value)
    return filters


async def _grid(request: Request, *, pending_only: bool) -> Response:
    filters = grid_filters(request, pending_only=pending_only)
    remember(request, PENDING_URL if pending_only else ALL_URL)
    sort = sort_from(request, SORTS, ("created_at", "desc"))
    with site(request).db() as conn:
        found, page = fetch_page(
            conn, request, "r.*, p.name AS product_name, p.sku AS product_sku", GRID_FROM, filters, sort,
            tiebreak="r.id DESC",
        )
    values = {key: query(request, key) for key in ("status", "rating", "title", "nickname", "detail", "product")}
    return render(request, "reviews/grid.html", reviews=found, page=page, sort=sort, filters=filters,
                  values=values, pending_only=pending_only, base_url=PENDING_URL if pending_only else ALL_URL,
                  statuses=formats.REVIEW_STATUSES, pager_extra=pager_suffix(request))


@admin_page
async def grid(request: Request) -> Response:
    return await _grid(request, pending_only=False)


@admin_page
async def pending(request: Request) -> Response:
    return await _grid(request, pending_only=True)


def _load(conn: sqlite3.Connection, request: Request) -> dict[str, Any]:
    review = one(
        conn,
        """SELECT r.*, p.name AS product_name, p.sku AS product_sku FROM reviews r
           JOIN products p ON p.id = r.product_id WHERE r.id = ?""",
        int_param(request, "id"),
    )
    if review is None:
        raise not_found("This review")
    return review


def _back(request: Request, back: str | None) -> str:
    """The grid the review was opened from, with the filters it had (Magento returns there after a save)."""
    return remembered(request, PENDING_URL if back == "pending" else ALL_URL)


@admin_page
async def edit(request: Request) -> Response:
    with site(request).db() as conn:
        review = _load(conn, request)
    back = "pending" if request.query_params.get("back") == "pending" else ""
    return render(request, "reviews/edit.html", review=review, values=_values(review), errors=[],
                  statuses=formats.REVIEW_STATUSES, back=back, back_url=_back(request, back))


def _values(review: dict[str, Any]) -> dict[str, str]:
    return {"status_id": str(formats.REVIEW_STATUSES[review["status"]][0]), "nickname": review["nickname"],
            "title": review["title"], "detail": review["body"]}


@admin_page
async def save(request: Request) -> Response:
    fields = await form_fields(request)
    values = {key: fields.get(key, "") for key in ("status_id", "nickname", "title", "detail")}
    with site(request).db() as conn:
        review = _load(conn, request)
        status = formats.REVIEW_STATUS_BY_ID.get(int(values["status_id"])) if values["status_id"].isdigit() else None
        errors = [] if status else ["Please select a status."]
        errors += [f"{label} is a required field." for key, label in
                   (("nickname", "Nickname"), ("title", "Summary of Review"), ("detail", "Review")) if not values[key]]
        if errors:
            return render(request, "reviews/edit.html", review=review, values=values, errors=errors,
                          statuses=formats.REVIEW_STATUSES, back=fields.get("back", ""),
                          back_url=_back(request, fields.get("back")))
        conn.execute("UPDATE reviews SET status = ?, nickname = ?, title = ?, body = ? WHERE id = ?",
                     (status, values["nickname"], values["title"], values["detail"], review["id"]))
    flash(request, "You saved the review.")
    return redirect(_back(request, fields.get("back")))


@admin_page
async def delete(request: Request) -> Response:
    fields = await form_fields(request)
    with site(request).db() as conn:
        review = _load(conn, request)
        conn.execute("DELETE FROM reviews WHERE id = ?", (review["id"],))
    flash(request, "The review has been deleted.")
    return redirect(_back(request, fields.get("back")))
