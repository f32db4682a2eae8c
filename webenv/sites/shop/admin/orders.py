"""Sales > Orders: the orders grid, the order view, and what an admin does to an order (cancel, hold, comment,
change the shipping address).

Status changes follow Magento's rules: only pending or processing orders can be canceled or put on hold, a held
order remembers its previous status for "Unhold", and canceling returns the items to stock.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from webenv.sites.common import one, redirect, rows
from webenv.sites.shop import admin_queries as facts
from webenv.sites.shop.admin import formats
from webenv.sites.shop.admin.grids import Filters, fetch_page, pager_suffix, remember, remembered, sort_from
from webenv.sites.shop.admin.web import admin_page, flash, form_fields, int_param, not_found, query, render, site

ACTIVE_STATUSES = ("pending", "processing")  # the ones Magento lets you cancel or hold
GRID_URL = "/sales/order/"
GRID_FROM = "orders o JOIN customers c ON c.id = o.customer_id"
SORTS = {
    "increment_id": "o.increment_id",
    "created_at": "o.created_at",
    "billing_name": facts.CUSTOMER_NAME,
    "grand_total": "o.grand_total_cents",
    "status": "o.status",
}


def _now() -> str:
    return datetime.now().isoformat(sep=" ", timespec="seconds")


def grid_filters(request: Request) -> tuple[Filters, list[str]]:
    """The grid's filters from the query string, and messages for values that could not be read."""
    filters, problems = Filters(), []
    filters.add_keywords(query(request, "search"), ["o.increment_id", facts.CUSTOMER_NAME, "c.email"])
    if number := query(request, "increment_id"):
        filters.add("o.increment_id LIKE ?", f"%{number}%", label="ID", shown=number)
    if status := query(request, "status"):
        if status in formats.ORDER_STATUSES:
            filters.add("o.status = ?", status, label="Status", shown=formats.order_status_label(status))
    for name, op, label in (("purchase_date_from", ">=", "Purchase Date from"),
                            ("purchase_date_to", "<=", "Purchase Date to")):
        if raw := query(request, name):
            if (day := formats.parse_user_date(raw)) is None:
                problems.append(f"{label}: enter a date like 01/31/2023.")
            else:
                filters.add(f"date(o.created_at) {op} ?", day.isoformat(), label=label,
                            shown=formats.grid_date(day))
    if name := query(request, "billing_name"):
        filters.add(f"{facts.CUSTOMER_NAME} LIKE ?", f"%{name}%", label="Bill-to Name", shown=name)
    return filters, problems


@admin_page
async def grid(request: Request) -> Response:
    filters, problems = grid_filters(request)
    sort = sort_from(request, SORTS, ("created_at", "desc"))
    remember(request, GRID_URL)
    with site(request).db() as conn:
        found, page = fetch_page(
            conn, request,
            f"o.id, o.increment_id, o.created_at, o.status, o.grand_total_cents, {facts.CUSTOMER_NAME} AS billing_name",
            GRID_FROM, filters, sort, tiebreak="o.id DESC",
        )
    values = {key: query(request, key) for key in
              ("search", "increment_id", "status", "purchase_date_from", "purchase_date_to", "billing_name")}
    return render(request, "orders/grid.html", orders=found, page=page, sort=sort, filters=filters,
                  problems=problems, values=values, statuses=formats.ORDER_STATUSES,
                  pager_extra=pager_suffix(request))


def _load(conn: sqlite3.Connection, request: Request) -> dict[str, Any]:
    found = facts.order(conn, int_param(request, "order_id"))
    if found is None:
        raise not_found("This order")
    return found


@admin_page
async def view(request: Request) -> Response:
    with site(request).db() as conn:
        order = _load(conn, request)
        items = rows(conn, "SELECT * FROM order_items WHERE order_id = ? ORDER BY id", order["id"])
        customer = one(conn, "SELECT * FROM customers WHERE id = ?", order["customer_id"])
        comments = facts.order_comments(conn, order["id"])
    return render(request, "orders/view.html", order=order, items=items, customer=customer, comments=comments,
                  back_url=remembered(request, GRID_URL),
                  can_cancel=order["status"] in ACTIVE_STATUSES, can_hold=order["status"] in ACTIVE_STATUSES,
                  can_unhold=order["status"] == "on_hold")


def _back_to(order_id: int) -> Response:
    return redirect(f"/sales/order/view/order_id/{order_id}/")


@admin_page
async def cancel(request: Request) -> Response:
    with site(request).db() as conn:
        order = _load(conn, request)
        if order["status"] not in ACTIVE_STATUSES:
            flash(request, "This order cannot be canceled.", "error")
        else:
            conn.execute("UPDATE orders SET status = 'canceled' WHERE id = ?", (order["id"],))
            conn.execute(
                """UPDATE products SET stock = stock + (SELECT SUM(qty) FROM order_items
                                                       WHERE order_id = ? AND product_id = products.id)
                   WHERE id IN (SELECT product_id FROM order_items WHERE order_id = ?)""",
                (order["id"], order["id"]),
            )
            flash(request, "You canceled the order.")
    return _back_to(order["id"])


@admin_page
async def hold(request: Request) -> Response:
    with site(request).db() as conn:
        order = _load(conn, request)
        if order["status"] not in ACTIVE_STATUSES:
            flash(request, "A hold action is not available for this order.", "error")
        else:
            conn.execute("INSERT OR REPLACE INTO order_holds (order_id, previous_status) VALUES (?, ?)",
                         (order["id"], order["status"]))
            conn.execute("UPDATE orders SET status = 'on_hold' WHERE id = ?", (order["id"],))
            flash(request, "You put the order on hold.")
    return _back_to(order["id"])


@admin_page
async def unhold(request: Request) -> Response:
    with site(request).db() as conn:
        order = _load(conn, request)
        if order["status"] != "on_hold":
            flash(request, "The order was not on hold.", "error")
        else:
            held = one(conn, "SELECT previous_status FROM order_holds WHERE order_id = ?", order["id"])
            conn.execute("UPDATE orders SET status = ? WHERE id = ?",
                         (held["previous_status"] if held else "processing", order["id"]))
            conn.execute("DELETE FROM order_holds WHERE order_id = ?", (order["id"],))
            flash(request, "You released the order from holding status.")
    return _back_to(order["id"])


@admin_page
async def add_comment(request: Request) -> Response:
    fields = await form_fields(request)
    comment = fields.get("history[comment]", "")
    with site(request).db() as conn:
        order = _load(conn, request)
        if not comment:
            flash(request, "Please enter a comment.", "error")
        else:
            notified = 1 if fields.get("history[is_customer_notified]") else 0
            conn.execute(
                "INSERT INTO order_comments (order_id, comment, status, customer_notified, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (order["id"], comment, order["status"], notified, _now()),
            )
            flash(request, "You added a comment to the order.")
    return _back_to(order["id"])


@admin_page
async def address_form(request: Request) -> Response:
    with site(request).db() as conn:
        order = _load(conn, request)
    return render(request, "orders/address.html", order=order, value=order["shipping_address"], error=None)


@admin_page
async def address_save(request: Request) -> Response:
    fields = await form_fields(request)
    address = " ".join(fields.get("shipping_address", "").split())
    with site(request).db() as conn:
        order = _load(conn, request)
        if len(address) < 5:
            return render(request, "orders/address.html", order=order, value=address,
                          error="Enter the full shipping address.")
        conn.execute("UPDATE orders SET shipping_address = ? WHERE id = ?", (address, order["id"]))
    flash(request, "You updated the order address.")
    return _back_to(order["id"])
