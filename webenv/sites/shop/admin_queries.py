"""Facts about the shop as the store admin reports them: the reports' numbers and the answers of admin tasks.

Pure functions over a `sqlite3.Connection`. The admin's report pages render these, and `admin_tasks` computes
every expected answer with them, so an answer can never drift from what the admin shows. Canceled orders count
as sales nowhere (Magento's bestseller and customer reports leave them out too); where a report includes them it
says so.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from webenv.sites.common import one, rows

PeriodKind = Literal["day", "month", "year"]
_KEY_LENGTH: dict[str, int] = {"day": 10, "month": 7, "year": 4}
CUSTOMER_NAME = "c.first_name || ' ' || c.last_name"
LOW_RATING = 2  # a review rated this or lower expresses dissatisfaction


@dataclass(frozen=True)
class DateRange:
    """Inclusive calendar days, compared against the date part of stored timestamps."""

    start: date
    end: date

    @property
    def params(self) -> tuple[str, str]:
        return self.start.isoformat(), self.end.isoformat()


def _interval(kind: PeriodKind, column: str = "o.created_at") -> str:
    return f"substr({column}, 1, {_KEY_LENGTH[kind]})"


# --- reports -------------------------------------------------------------------------------------------------

def bestsellers_in(
    conn: sqlite3.Connection, span: DateRange, *, include_canceled: bool = False
) -> list[dict[str, Any]]:
    """Products by units sold over the whole span, best first (ties by name); canceled orders count only when
    asked (the report leaves them out)."""
    status_clause = "" if include_canceled else "o.status != 'canceled' AND"
    return rows(
        conn,
        f"""SELECT p.id AS product_id, p.name, p.sku, p.price_cents, SUM(i.qty) AS qty
           FROM order_items i JOIN orders o ON o.id = i.order_id JOIN products p ON p.id = i.product_id
           WHERE {status_clause} date(o.created_at) BETWEEN ? AND ?
           GROUP BY p.id ORDER BY qty DESC, p.name, p.id""",
        *span.params,
    )


def bestsellers_report(
    conn: sqlite3.Connection, span: DateRange, kind: PeriodKind, per_interval: int = 10
) -> list[dict[str, Any]]:
    """The bestsellers report: per interval, the top products by units sold, ranked from 1."""
    found = rows(
        conn,
        f"""SELECT {_interval(kind)} AS interval, p.id AS product_id, p.name, p.sku, p.price_cents,
                  SUM(i.qty) AS qty
           FROM order_items i JOIN orders o ON o.id = i.order_id JOIN products p ON p.id = i.product_id
           WHERE o.status != 'canceled' AND date(o.created_at) BETWEEN ? AND ?
           GROUP BY interval, p.id ORDER BY interval, qty DESC, p.name, p.id""",
        *span.params,
    )
    return _rank_within_intervals(found, per_interval)


def sales_report(
    conn: sqlite3.Connection, span: DateRange, kind: PeriodKind, status: str | None = None
) -> list[dict[str, Any]]:
    """The orders report: per interval, orders, items, subtotal, shipping and grand total (any status unless
    one is given)."""
    status_clause = "AND o.status = ?" if status else ""
    params: list[Any] = [*span.params] + ([status] if status else [])
    return rows(
        conn,
        f"""SELECT {_interval(kind)} AS interval, COUNT(*) AS orders,
                  SUM((SELECT SUM(qty) FROM order_items WHERE order_id = o.id)) AS items,
                  SUM(o.subtotal_cents) AS subtotal_cents, SUM(o.shipping_cents) AS shipping_cents,
                  SUM(o.grand_total_cents) AS total_cents
           FROM orders o WHERE date(o.created_at) BETWEEN ? AND ? {status_clause}
           GROUP BY interval ORDER BY interval""",
        *params,
    )


def customer_report(
    conn: sqlite3.Connection, span: DateRange, kind: PeriodKind, by: Literal["orders", "total"],
    per_interval: int = 10,
) -> list[dict[str, Any]]:
    """The customers-by-orders (or by order total) report: per interval, the top customers, ranked from 1."""
    order_by = "orders DESC, total_cents DESC" if by == "orders" else "total_cents DESC, orders DESC"
    found = rows(
        conn,
        f"""SELECT {_interval(kind)} AS interval, c.id AS customer_id, {CUSTOMER_NAME} AS name,
                  COUNT(*) AS orders, SUM(o.grand_total_cents) AS total_cents
           FROM orders o JOIN customers c ON c.id = o.customer_id
           WHERE o.status != 'canceled' AND date(o.created_at) BETWEEN ? AND ?
           GROUP BY interval, c.id ORDER BY interval, {order_by}, name, c.id""",
        *span.params,
    )
    for row in found:
        row["average_cents"] = round(row["total_cents"] / row["orders"])
    return _rank_within_intervals(found, per_interval)


def _rank_within_intervals(found: list[dict[str, Any]], per_interval: int) -> list[dict[str, Any]]:
    ranked: list[dict[str, Any]] = []
    current, rank = None, 0
    for row in found:
        rank = rank + 1 if row["interval"] == current else 1
        current = row["interval"]
        if rank <= per_interval:
            ranked.append({**row, "rank": rank})
    return ranked


def search_terms_by_hits(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Search terms, most searched first, each with how many enabled products its text matches."""
    return rows(
        conn,
        """SELECT t.id, t.term, t.hits,
                  (SELECT COUNT(*) FROM products p WHERE p.enabled = 1 AND p.name LIKE '%' || t.term || '%')
                    AS results
           FROM search_terms t ORDER BY t.hits DESC, t.term""",
    )


def store_totals(conn: sqlite3.Connection) -> dict[str, int]:
    """Lifetime sales and average order value (canceled orders excluded), for the dashboard."""
    found = one(
        conn,
        "SELECT COALESCE(SUM(grand_total_cents), 0) AS lifetime_cents, COUNT(*) AS orders FROM orders"
        " WHERE status != 'canceled'",
    ) or {"lifetime_cents": 0, "orders": 0}
    average = round(found["lifetime_cents"] / found["orders"]) if found["orders"] else 0
    return {"lifetime_cents": found["lifetime_cents"], "average_cents": average, "orders": found["orders"]}


# --- task facts -----------------------------------------------------------------------------------------------

def reviews_mentioning(conn: sqlite3.Connection, term: str) -> list[dict[str, Any]]:
    """Reviews of any status whose text contains the term (case-insensitive), as the review grid's
    "Review" filter finds them."""
    return rows(
        conn, "SELECT id, nickname, body FROM reviews WHERE body LIKE '%' || ? || '%' ORDER BY id", term
    )


def reviews_mentioning_word(conn: sqlite3.Connection, term: str) -> int:
    """How many reviews use the term as a whole word (the count `reviews_mentioning` gives when the term never
    occurs inside a longer word)."""
    pattern = re.compile(rf"\b{re.escape(term)}\b", re.IGNORECASE)
    return sum(1 for r in reviews_mentioning(conn, term) if pattern.search(r["body"]))


def reviews_with_status(conn: sqlite3.Connection, status: str) -> list[dict[str, Any]]:
    return rows(
        conn,
        """SELECT r.id, r.nickname, r.title, r.rating, r.created_at, p.name AS product
           FROM reviews r JOIN products p ON p.id = r.product_id WHERE r.status = ? ORDER BY r.id""",
        status,
    )


def product_reviews(conn: sqlite3.Connection, product_name: str) -> list[dict[str, Any]]:
    """All reviews of products whose name contains `product_name`."""
    return rows(
        conn,
        """SELECT r.id, r.nickname, r.rating, r.title, r.body, r.status, p.name AS product
           FROM reviews r JOIN products p ON p.id = r.product_id
           WHERE p.name LIKE '%' || ? || '%' ORDER BY r.id""",
        product_name,
    )


def unhappy_reviewers(conn: sqlite3.Connection, product_name: str) -> list[str]:
    """Nicknames of reviewers who rated a product (name contains `product_name`) LOW_RATING or lower."""
    return sorted({r["nickname"] for r in product_reviews(conn, product_name) if r["rating"] <= LOW_RATING})


def orders_where(
    conn: sqlite3.Connection, *, status: str | None = None, span: DateRange | None = None,
    customer_id: int | None = None,
) -> list[dict[str, Any]]:
    """Orders (newest first) filtered by status, purchase day range and customer."""
    clauses, params = ["1 = 1"], []
    if status:
        clauses.append("o.status = ?")
        params.append(status)
    if span:
        clauses.append("date(o.created_at) BETWEEN ? AND ?")
        params.extend(span.params)
    if customer_id is not None:
        clauses.append("o.customer_id = ?")
        params.append(customer_id)
    return rows(
        conn,
        f"""SELECT o.*, {CUSTOMER_NAME} AS customer_name, c.email AS customer_email
           FROM orders o JOIN customers c ON c.id = o.customer_id
           WHERE {' AND '.join(clauses)} ORDER BY o.created_at DESC, o.id DESC""",
        *params,
    )


def customers_by_order_count(conn: sqlite3.Connection, span: DateRange) -> list[dict[str, Any]]:
    """Customers ranked by non-canceled orders in the span (what the Order Count report ranks by)."""
    return rows(
        conn,
        f"""SELECT c.id AS customer_id, {CUSTOMER_NAME} AS name, COUNT(*) AS orders,
                  SUM(o.grand_total_cents) AS total_cents
           FROM orders o JOIN customers c ON c.id = o.customer_id
           WHERE o.status != 'canceled' AND date(o.created_at) BETWEEN ? AND ?
           GROUP BY c.id ORDER BY orders DESC, total_cents DESC, name""",
        *span.params,
    )


def customers_named(conn: sqlite3.Connection, full_name: str) -> list[dict[str, Any]]:
    return rows(
        conn,
        f"SELECT c.*, {CUSTOMER_NAME} AS name FROM customers c WHERE {CUSTOMER_NAME} = ? ORDER BY c.id",
        full_name,
    )


def customers_with_phone(conn: sqlite3.Connection, digits: str) -> list[dict[str, Any]]:
    """Customers whose phone, ignoring punctuation, is these digits."""
    found = rows(conn, f"SELECT c.*, {CUSTOMER_NAME} AS name FROM customers c WHERE c.phone IS NOT NULL")
    return [c for c in found if _digits(c["phone"]) == _digits(digits)]


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def products_below_stock(conn: sqlite3.Connection, below: int) -> list[dict[str, Any]]:
    """Enabled products with fewer than `below` units on hand, fewest first."""
    return rows(
        conn,
        "SELECT id, name, sku, stock FROM products WHERE enabled = 1 AND stock < ? ORDER BY stock, name",
        below,
    )


def top_search_terms(conn: sqlite3.Connection, n: int) -> list[dict[str, Any]]:
    return search_terms_by_hits(conn)[:n]


def product(conn: sqlite3.Connection, product_id: int) -> dict[str, Any] | None:
    return one(conn, "SELECT * FROM products WHERE id = ?", product_id)


def order(conn: sqlite3.Connection, order_id: int) -> dict[str, Any] | None:
    return one(
        conn,
        f"""SELECT o.*, {CUSTOMER_NAME} AS customer_name FROM orders o JOIN customers c ON c.id = o.customer_id
            WHERE o.id = ?""",
        order_id,
    )


def order_comments(conn: sqlite3.Connection, order_id: int) -> list[dict[str, Any]]:
    """An order's comments history, newest first."""
    return rows(conn, "SELECT * FROM order_comments WHERE order_id = ? ORDER BY created_at DESC, id DESC", order_id)


def products_with_stock(conn: sqlite3.Connection, qty: int) -> list[dict[str, Any]]:
    """Products (enabled or not, as the product grid lists them) with exactly `qty` units on hand."""
    return rows(conn, "SELECT id, name, sku, stock, enabled FROM products WHERE stock = ? ORDER BY id", qty)


def products_matching(conn: sqlite3.Connection, text: str) -> list[dict[str, Any]]:
    """What the product grid's keyword search finds: every word of the text occurs in the name or the SKU
    (case-insensitive, any order)."""
    words = text.split()
    where = " AND ".join("(name LIKE ? OR sku LIKE ?)" for _ in words) or "1 = 1"
    params = [f"%{word}%" for word in words for _ in range(2)]
    return rows(conn, f"SELECT * FROM products WHERE {where} ORDER BY id", *params)


def short_name(name: str) -> str:
    """How people refer to a product: its name up to the first comma ("Sony WH-1000XM4 Wireless ...")."""
    return name.split(",")[0].strip()


def review_status_counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {r["status"]: r["n"] for r in rows(conn, "SELECT status, COUNT(*) AS n FROM reviews GROUP BY status")}


def items_in_order(conn: sqlite3.Connection, order_id: int) -> int:
    """Units ordered in one order (the sum of the order view's "Qty Ordered" column)."""
    return conn.execute("SELECT COALESCE(SUM(qty), 0) FROM order_items WHERE order_id = ?", (order_id,)).fetchone()[0]


def customer_ranking(conn: sqlite3.Connection, span: DateRange, *, include_canceled: bool = False
                     ) -> list[dict[str, Any]]:
    """Customers with orders in the span: orders placed and grand totals (canceled orders only when asked)."""
    status_clause = "" if include_canceled else "o.status != 'canceled' AND"
    return rows(
        conn,
        f"""SELECT c.id AS customer_id, {CUSTOMER_NAME} AS name, COUNT(*) AS orders,
                  SUM(o.grand_total_cents) AS total_cents, SUM(o.subtotal_cents) AS subtotal_cents
           FROM orders o JOIN customers c ON c.id = o.customer_id
           WHERE {status_clause} date(o.created_at) BETWEEN ? AND ?
           GROUP BY c.id ORDER BY c.id""",
        *span.params,
    )
