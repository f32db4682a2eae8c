"""Catalog > Products: the product grid, the product form (edit and new) and its validation.

Form fields carry Magento's input names (`product[price]`, `product[quantity_and_stock_status][qty]`,
`product[status]` with 1 = enabled, 2 = disabled) so WebArena-style `program_html` locators read our form
exactly as they read Magento's.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from webenv.sites.common import one, redirect, rows
from webenv.sites.shop.admin import formats
from webenv.sites.shop.admin.grids import Filters, fetch_page, pager_suffix, remember, remembered, sort_from
from webenv.sites.shop.admin.web import admin_page, flash, form_fields, int_param, not_found, query, render, site

SORTS = {"id": "p.id", "name": "p.name", "sku": "p.sku", "price": "p.price_cents", "qty": "p.stock",
         "status": "p.enabled"}
ENABLED, DISABLED = "1", "2"
GRID_URL = "/catalog/product/"


def grid_filters(request: Request) -> tuple[Filters, list[str]]:
    filters, problems = Filters(), []
    filters.add_keywords(query(request, "search"), ["p.name", "p.sku"])
    for name, column, op, label, parse in (
        ("price_from", "p.price_cents", ">=", "Price from", formats.parse_amount),
        ("price_to", "p.price_cents", "<=", "Price to", formats.parse_amount),
        ("qty_from", "p.stock", ">=", "Quantity from", _parse_count),
        ("qty_to", "p.stock", "<=", "Quantity to", _parse_count),
    ):
        if raw := query(request, name):
            if (value := parse(raw)) is None:
                problems.append(f"{label}: enter a number.")
            else:
                filters.add(f"{column} {op} ?", value, label=label, shown=raw)
    status = query(request, "status")
    if status in (ENABLED, DISABLED):
        filters.add("p.enabled = ?", 1 if status == ENABLED else 0, label="Status",
                    shown="Enabled" if status == ENABLED else "Disabled")
    return filters, problems


def _parse_count(text: str) -> int | None:
    return int(text) if re.fullmatch(r"-?\d+", text.strip()) else None


@admin_page
async def grid(request: Request) -> Response:
    filters, problems = grid_filters(request)
    sort = sort_from(request, SORTS, ("id", "asc"))
    remember(request, GRID_URL)
    with site(request).db() as conn:
        found, page = fetch_page(conn, request, "p.*", "products p", filters, sort, tiebreak="p.id")
    values = {key: query(request, key) for key in ("search", "price_from", "price_to", "qty_from", "qty_to", "status")}
    return render(request, "catalog/grid.html", products=found, page=page, sort=sort, filters=filters,
                  problems=problems, values=values, pager_extra=pager_suffix(request))


@dataclass
class ProductForm:
    """The submitted product form: the values to redisplay and, when valid, the columns to store."""

    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    columns: dict[str, Any] = field(default_factory=dict)


def form_values(product: dict[str, Any] | None) -> dict[str, str]:
    """What the form shows for a stored product (or the defaults of a new one)."""
    if product is None:
        return {"status": ENABLED, "name": "", "sku": "", "price": "", "qty": "0", "category_id": "",
                "color": "", "size": "", "description": ""}
    return {
        "status": ENABLED if product["enabled"] else DISABLED,
        "name": product["name"], "sku": product["sku"], "price": formats.plain_amount(product["price_cents"]),
        "qty": str(product["stock"]), "category_id": str(product["category_id"]),
        "color": product["color"] or "", "size": product["size"] or "", "description": product["description"],
    }


def read_form(conn: sqlite3.Connection, fields: dict[str, str], product_id: int | None) -> ProductForm:
    """Validate a submitted product form the way Magento does: required name/SKU/price, unique SKU, numbers."""
    values = {
        "status": fields.get("product[status]", ENABLED), "name": fields.get("product[name]", ""),
        "sku": fields.get("product[sku]", ""), "price": fields.get("product[price]", ""),
        "qty": fields.get("product[quantity_and_stock_status][qty]", ""),
        "category_id": fields.get("product[category_id]", ""), "color": fields.get("product[color]", ""),
        "size": fields.get("product[size]", ""), "description": fields.get("product[description]", ""),
    }
    form = ProductForm(values=values)
    if not values["name"]:
        form.errors.append("Product Name is a required field.")
    if not values["sku"]:
        form.errors.append("SKU is a required field.")
    elif one(conn, "SELECT id FROM products WHERE sku = ? AND id IS NOT ?", values["sku"], product_id):
        form.errors.append(f"The SKU \"{values['sku']}\" is already used by another product.")
    price = formats.parse_amount(values["price"])
    if price is None and formats.parse_amount(values["price"].strip().removeprefix("-")) is not None:
        form.errors.append("Price: please enter a number 0 or greater in this field.")
    elif price is None:
        form.errors.append("Price: please enter a valid number, like 27.00.")
    qty = _parse_count(values["qty"] or "0")
    if qty is None or qty < 0:
        form.errors.append("Quantity: please enter a whole number of 0 or more.")
    if not one(conn, "SELECT id FROM categories WHERE id = ?", values["category_id"]):
        form.errors.append("Category: please choose a category.")
    if not form.errors:
        form.columns = {
            "enabled": 0 if values["status"] == DISABLED else 1, "name": values["name"], "sku": values["sku"],
            "price_cents": price, "stock": qty, "category_id": int(values["category_id"]),
            "color": values["color"] or None, "size": values["size"] or None, "description": values["description"],
        }
    return form


def _categories(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Categories labelled with their parent ("Women / Tops"), since a child name alone can repeat."""
    return rows(
        conn,
        """SELECT c.id, CASE WHEN p.id IS NULL THEN c.name ELSE p.name || ' / ' || c.name END AS name
           FROM categories c LEFT JOIN categories p ON p.id = c.parent_id ORDER BY name""",
    )


def _show_form(request: Request, conn: sqlite3.Connection, product: dict[str, Any] | None,
               values: dict[str, str], errors: list[str]) -> Response:
    return render(request, "catalog/edit.html", product=product, values=values, errors=errors,
                  categories=_categories(conn), back_url=remembered(request, GRID_URL))


def _load(conn: sqlite3.Connection, request: Request) -> dict[str, Any]:
    product = one(conn, "SELECT * FROM products WHERE id = ?", int_param(request, "id"))
    if product is None:
        raise not_found("This product")
    return product


@admin_page
async def edit(request: Request) -> Response:
    with site(request).db() as conn:
        product = _load(conn, request)
        return _show_form(request, conn, product, form_values(product), [])


@admin_page
async def new(request: Request) -> Response:
    with site(request).db() as conn:
        return _show_form(request, conn, None, form_values(None), [])


@admin_page
async def save_existing(request: Request) -> Response:
    fields = await form_fields(request)
    with site(request).db() as conn:
        product = _load(conn, request)
        form = read_form(conn, fields, product["id"])
        if form.errors:
            return _show_form(request, conn, product, form.values, form.errors)
        assignments = ", ".join(f"{column} = ?" for column in form.columns)
        conn.execute(f"UPDATE products SET {assignments} WHERE id = ?", (*form.columns.values(), product["id"]))
    flash(request, "You saved the product.")
    return redirect(f"/catalog/product/edit/id/{product['id']}/")


@admin_page
async def save_new(request: Request) -> Response:
    fields = await form_fields(request)
    with site(request).db() as conn:
        form = read_form(conn, fields, None)
        if form.errors:
            return _show_form(request, conn, None, form.values, form.errors)
        columns = {**form.columns, "slug": _unique_slug(conn, form.columns["name"]),
                   "created_at": datetime.now().isoformat(sep=" ", timespec="seconds")}
        cursor = conn.execute(
            f"INSERT INTO products ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
            tuple(columns.values()),
        )
        new_id = cursor.lastrowid
    flash(request, "You saved the product.")
    return redirect(f"/catalog/product/edit/id/{new_id}/")


def _unique_slug(conn: sqlite3.Connection, name: str) -> str:
    """The storefront URL key: the name in lower-case words joined by dashes, numbered if already taken."""
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "product"
    slug, number = base, 1
    while one(conn, "SELECT 1 AS taken FROM products WHERE slug = ?", slug):
        number += 1
        slug = f"{base}-{number}"
    return slug
