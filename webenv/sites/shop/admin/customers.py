"""Customers > All Customers: the customer grid and the customer page (account form, addresses, orders).

The grid's keyword search also matches phone numbers with the punctuation ignored, so "8015551212" finds
"801-555-1212" the way Magento's full-text customer search does.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from webenv.sites.common import one, redirect, rows
from webenv.sites.shop import admin_queries as facts
from webenv.sites.shop.admin.grids import Filters, fetch_page, pager_suffix, sort_from
from webenv.sites.shop.admin.web import admin_page, flash, form_fields, int_param, not_found, query, render, site

NAME = facts.CUSTOMER_NAME


def _without_punctuation(expression: str, marks: str = "- ().+") -> str:
    """SQL for the expression with a phone number's usual punctuation removed."""
    for mark in marks:
        expression = f"replace({expression}, '{mark}', '')"
    return expression


PHONE_DIGITS = _without_punctuation("COALESCE(c.phone, '')")
BILLING = """LEFT JOIN addresses a ON a.id = (SELECT id FROM addresses WHERE customer_id = c.id
                                             ORDER BY is_default_billing DESC, id LIMIT 1)"""
SORTS = {"id": "c.id", "name": NAME, "email": "c.email", "created_at": "c.created_at", "region": "a.region"}


def grid_filters(request: Request) -> Filters:
    filters = Filters()
    keyword = query(request, "search")
    digits = re.sub(r"\D", "", keyword)
    phone = [(f"{PHONE_DIGITS} LIKE ?", f"%{digits}%")] if len(digits) >= 4 else []
    filters.add_keywords(keyword, [NAME, "c.email", "c.phone"], extra=phone)
    for name, column, label in (("name", NAME, "Name"), ("email", "c.email", "Email"),
                                ("region", "a.region", "State/Province")):
        if value := query(request, name):
            filters.add(f"{column} LIKE ?", f"%{value}%", label=label, shown=value)
    return filters


@admin_page
async def grid(request: Request) -> Response:
    filters = grid_filters(request)
    sort = sort_from(request, SORTS, ("id", "asc"))
    with site(request).db() as conn:
        found, page = fetch_page(
            conn, request,
            f"c.id, {NAME} AS name, c.email, c.phone, c.created_at, a.postcode, a.region, a.country",
            f"customers c {BILLING}", filters, sort, tiebreak="c.id",
        )
    values = {key: query(request, key) for key in ("search", "name", "email", "region")}
    return render(request, "customers/grid.html", customers=found, page=page, sort=sort, filters=filters,
                  values=values, pager_extra=pager_suffix(request))


def _load(conn: sqlite3.Connection, request: Request) -> dict[str, Any]:
    customer = one(conn, f"SELECT c.*, {NAME} AS name FROM customers c WHERE c.id = ?", int_param(request, "id"))
    if customer is None:
        raise not_found("This customer")
    return customer


def _show(request: Request, conn: sqlite3.Connection, customer: dict[str, Any], values: dict[str, str],
          errors: list[str]) -> Response:
    addresses = rows(conn, "SELECT * FROM addresses WHERE customer_id = ? ORDER BY is_default_billing DESC, id",
                     customer["id"])
    orders = facts.orders_where(conn, customer_id=customer["id"])
    lifetime = sum(o["grand_total_cents"] for o in orders if o["status"] != "canceled")
    return render(request, "customers/edit.html", customer=customer, values=values, errors=errors,
                  addresses=addresses, orders=orders, lifetime_cents=lifetime)


@admin_page
async def edit(request: Request) -> Response:
    with site(request).db() as conn:
        customer = _load(conn, request)
        values = {"firstname": customer["first_name"], "lastname": customer["last_name"],
                  "email": customer["email"], "phone": customer["phone"] or ""}
        return _show(request, conn, customer, values, [])


@admin_page
async def save(request: Request) -> Response:
    fields = await form_fields(request)
    values = {key: fields.get(f"customer[{key}]", "") for key in ("firstname", "lastname", "email", "phone")}
    with site(request).db() as conn:
        customer = _load(conn, request)
        errors = []
        if not values["firstname"] or not values["lastname"]:
            errors.append("First Name and Last Name are required fields.")
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", values["email"]):
            errors.append("Please enter a valid email address (Ex: johndoe@domain.com).")
        elif one(conn, "SELECT id FROM customers WHERE email = ? AND id != ?", values["email"], customer["id"]):
            errors.append("A customer with the same email address already exists.")
        if errors:
            return _show(request, conn, customer, values, errors)
        conn.execute(
            "UPDATE customers SET first_name = ?, last_name = ?, email = ?, phone = ? WHERE id = ?",
            (values["firstname"], values["lastname"], values["email"], values["phone"] or None, customer["id"]),
        )
    flash(request, "You saved the customer.")
    return redirect(f"/customer/index/edit/id/{customer['id']}/")
