"""Facts about the shop, computed from its database: what the storefront shows and what task answers are.

The storefront's pages and the task builder call the *same* functions (search, price filters, order totals),
so a task's expected answer is whatever the page an agent reads would show — never a number typed by hand.
Money is integer cents throughout; `dollars`/`money` format it the way the pages print it.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from typing import Any

from webenv.sites.common import one, rows
from webenv.sites.shop import search

Row = dict[str, Any]

STATUS_LABELS = {
    "pending": "Pending", "processing": "Processing", "complete": "Complete", "canceled": "Canceled",
    "on_hold": "On Hold",
}
SORT_ORDERS = ("position", "name", "price", "relevance")


# --- money and dates -------------------------------------------------------------------------------------------

def dollars(cents: int) -> str:
    """`6532` -> `"65.32"` (how answers are stated)."""
    return f"{cents / 100:.2f}"


def money(cents: int) -> str:
    """`123456` -> `"$1,234.56"` (how pages print prices)."""
    return f"${cents / 100:,.2f}"


def money_phrase(cents: int) -> str:
    """A must_include phrase for an amount: with and without the thousands separator when there is one."""
    plain, grouped = dollars(cents), f"{cents / 100:,.2f}"
    return plain if plain == grouped else f"{plain} |OR| {grouped}"


# --- catalog ---------------------------------------------------------------------------------------------------

def category_by_slug(conn: sqlite3.Connection, slug: str) -> Row | None:
    return one(conn, "SELECT * FROM categories WHERE slug = ?", slug)


def top_categories(conn: sqlite3.Connection) -> list[Row]:
    return rows(conn, "SELECT * FROM categories WHERE parent_id IS NULL ORDER BY id")


def descendant_ids(conn: sqlite3.Connection, category_id: int) -> list[int]:
    """A category and everything below it: category pages list their subcategories' products too."""
    found = rows(conn, """
        WITH RECURSIVE tree(id) AS (
            SELECT id FROM categories WHERE id = ?
            UNION ALL SELECT c.id FROM categories c JOIN tree t ON c.parent_id = t.id)
        SELECT id FROM tree""", category_id)
    return [row["id"] for row in found]


def breadcrumbs(conn: sqlite3.Connection, category: Row) -> list[Row]:
    """Ancestors of a category, root first (the category itself excluded)."""
    trail: list[Row] = []
    parent_id = category["parent_id"]
    while parent_id is not None:
        parent = one(conn, "SELECT * FROM categories WHERE id = ?", parent_id)
        assert parent is not None
        trail.insert(0, parent)
        parent_id = parent["parent_id"]
    return trail


def child_categories(conn: sqlite3.Connection, category_id: int) -> list[Row]:
    """Direct subcategories with the number of enabled products under each."""
    children = rows(conn, "SELECT * FROM categories WHERE parent_id = ? ORDER BY id", category_id)
    for child in children:
        child["product_count"] = count_products(conn, ProductFilter(category_id=child["id"]))
    return children


@dataclass(frozen=True)
class ProductFilter:
    """What a category or search listing asks for. Prices are cents; `price_to` is exclusive (Magento's)."""

    category_id: int | None = None
    query: str | None = None
    price_from: int | None = None
    price_to: int | None = None
    order: str = "position"
    direction: str = "asc"


def search_words(query: str) -> list[str]:
    return search.words(query)


def parse_price_range(text: str | None) -> tuple[int | None, int | None] | None:
    """Magento's `price` filter value, `"10-50"` / `"100-"` / `"-30"`, as cents (None when malformed)."""
    if not text:
        return None
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)?\s*-\s*(\d+(?:\.\d+)?)?\s*", text)
    if not match or not any(match.groups()):
        return None
    low, high = (round(float(part) * 100) if part else None for part in match.groups())
    return low, high


def _where(conn: sqlite3.Connection, flt: ProductFilter,
           scores: dict[int, int] | None) -> tuple[str, list[Any]]:
    clauses, params = ["p.enabled = 1"], []
    if flt.category_id is not None:
        ids = descendant_ids(conn, flt.category_id)
        clauses.append(f"p.category_id IN ({','.join('?' * len(ids))})")
        params.extend(ids)
    if scores is not None:
        # Search: the products whose name, colour or description match every query word (see `search`).
        clauses.append(f"p.id IN ({','.join(str(int(key)) for key in sorted(scores)) or 'NULL'})")
    if flt.price_from is not None:
        clauses.append("p.price_cents >= ?")
        params.append(flt.price_from)
    if flt.price_to is not None:
        clauses.append("p.price_cents < ?")
        params.append(flt.price_to)
    return " AND ".join(clauses), params


def _scores(conn: sqlite3.Connection, flt: ProductFilter) -> dict[int, int] | None:
    """Relevance of each matching product when the listing is a search (None for a category listing)."""
    return search.match_scores(conn, flt.query) if search.query_stems(flt.query or "") else None


def _order_by(flt: ProductFilter, scores: dict[int, int] | None) -> str:
    direction = "DESC" if flt.direction == "desc" else "ASC"
    if flt.order == "price":
        return f"p.price_cents {direction}, p.id"
    if flt.order == "name":
        return f"p.name COLLATE NOCASE {direction}, p.id"
    if flt.order == "relevance" and scores:
        # Most relevant first (name matches above description matches); "Ascending" is Magento's default
        # direction for relevance and means best first, "Descending" reverses the list.
        cases = " ".join(f"WHEN {int(key)} THEN {int(value)}" for key, value in sorted(scores.items()))
        best_first = "DESC" if flt.direction != "desc" else "ASC"
        return f"CASE p.id {cases} ELSE 0 END {best_first}, p.id {'ASC' if best_first == 'DESC' else 'DESC'}"
    return f"p.id {direction}"


def count_products(conn: sqlite3.Connection, flt: ProductFilter) -> int:
    where, params = _where(conn, flt, _scores(conn, flt))
    return int(conn.execute(f"SELECT count(*) FROM products p WHERE {where}", params).fetchone()[0])


def find_products(conn: sqlite3.Connection, flt: ProductFilter, limit: int | None = None,
                  offset: int = 0) -> list[Row]:
    """Enabled products matching a filter, in listing order, each with its review count and average rating."""
    scores = _scores(conn, flt)
    where, params = _where(conn, flt, scores)
    paging = f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""
    return rows(conn, f"""
        SELECT p.*, (SELECT count(*) FROM reviews r WHERE r.product_id = p.id AND r.status = 'approved')
                        AS review_count,
                    (SELECT avg(rating) FROM reviews r WHERE r.product_id = p.id AND r.status = 'approved')
                        AS rating_avg
        FROM products p WHERE {where} ORDER BY {_order_by(flt, scores)}{paging}""", *params)


def price_range(conn: sqlite3.Connection, flt: ProductFilter) -> tuple[int, int]:
    """Cheapest and dearest price among the products a listing shows."""
    where, params = _where(conn, flt, _scores(conn, flt))
    low, high = conn.execute(f"SELECT min(price_cents), max(price_cents) FROM products p WHERE {where}",
                             params).fetchone()
    if low is None:
        raise LookupError(f"no products match {flt}")
    return int(low), int(high)


PRICE_BANDS: tuple[tuple[int, int | None], ...] = (
    (0, 1000), (1000, 2000), (2000, 3000), (3000, 5000), (5000, 10000), (10000, 20000), (20000, None))


def price_buckets(conn: sqlite3.Connection, flt: ProductFilter) -> list[tuple[int, int | None, int]]:
    """Layered-navigation price bands (from, to, count) that hold at least one product of the listing."""
    where, params = _where(conn, flt, _scores(conn, flt))
    counts = [0] * len(PRICE_BANDS)
    for (price,) in conn.execute(f"SELECT p.price_cents FROM products p WHERE {where}", params):
        band = next(i for i, (low, high) in enumerate(PRICE_BANDS) if price >= low and (high is None or price < high))
        counts[band] += 1
    return [(low, high, count) for (low, high), count in zip(PRICE_BANDS, counts) if count]


def product_by_slug(conn: sqlite3.Connection, slug: str) -> Row | None:
    """An enabled product (the storefront hides disabled ones)."""
    return one(conn, "SELECT * FROM products WHERE slug = ? AND enabled = 1", slug)


def product_by_id(conn: sqlite3.Connection, product_id: int) -> Row | None:
    return one(conn, "SELECT * FROM products WHERE id = ? AND enabled = 1", product_id)


def product_by_name(conn: sqlite3.Connection, name: str, color: str | None = None) -> Row:
    sql = "SELECT * FROM products WHERE name = ? AND enabled = 1" + (" AND color = ?" if color else "")
    found = one(conn, sql + " ORDER BY id", *((name, color) if color else (name,)))
    if found is None:
        raise LookupError(f"no enabled product named {name!r}" + (f" in {color}" if color else ""))
    return found


def featured_products(conn: sqlite3.Connection, limit: int = 8) -> list[Row]:
    """The home page showcase: the best-reviewed products with several reviews (stable order)."""
    return rows(conn, """
        SELECT p.*, count(r.id) AS review_count, avg(r.rating) AS rating_avg
        FROM products p JOIN reviews r ON r.product_id = p.id AND r.status = 'approved'
        WHERE p.enabled = 1 GROUP BY p.id HAVING count(r.id) >= 5
        ORDER BY avg(r.rating) DESC, p.id LIMIT ?""", limit)


# --- reviews ---------------------------------------------------------------------------------------------------

def approved_reviews(conn: sqlite3.Connection, product_id: int) -> list[Row]:
    """What the product page shows, newest first."""
    return rows(conn, "SELECT * FROM reviews WHERE product_id = ? AND status = 'approved'"
                      " ORDER BY created_at DESC, id DESC", product_id)


def rating_summary(conn: sqlite3.Connection, product_id: int) -> tuple[int, float | None]:
    """(number of approved reviews, average rating or None)."""
    count, avg = conn.execute("SELECT count(*), avg(rating) FROM reviews WHERE product_id = ? AND"
                              " status = 'approved'", (product_id,)).fetchone()
    return int(count), (float(avg) if avg is not None else None)


def rating_percent(avg: float | None) -> int:
    """Magento shows ratings as a percentage of five stars."""
    return round((avg or 0) * 20)


def reviewers_mentioning(conn: sqlite3.Connection, product_id: int, phrase: str) -> list[str]:
    """Nicknames of approved reviews whose title or text contains a phrase (case-insensitive)."""
    found = rows(conn, "SELECT DISTINCT nickname FROM reviews WHERE product_id = ? AND status = 'approved' AND"
                       " instr(lower(title || ' ' || body), lower(?)) > 0 ORDER BY nickname", product_id, phrase)
    return [row["nickname"] for row in found]


def reviewers_rating(conn: sqlite3.Connection, product_id: int, min_rating: int) -> list[str]:
    found = rows(conn, "SELECT DISTINCT nickname FROM reviews WHERE product_id = ? AND status = 'approved' AND"
                       " rating >= ? ORDER BY nickname", product_id, min_rating)
    return [row["nickname"] for row in found]


def customer_reviews(conn: sqlite3.Connection, customer_id: int) -> list[Row]:
    """A customer's own reviews, whatever their moderation status ("My Product Reviews")."""
    return rows(conn, "SELECT r.*, p.name AS product_name, p.slug AS product_slug FROM reviews r"
                      " JOIN products p ON p.id = r.product_id WHERE r.customer_id = ?"
                      " ORDER BY r.created_at DESC, r.id DESC", customer_id)


# --- customers, addresses, lists -------------------------------------------------------------------------------

def customer_by_email(conn: sqlite3.Connection, email: str) -> Row | None:
    return one(conn, "SELECT * FROM customers WHERE lower(email) = lower(?)", email.strip())


def customer_by_id(conn: sqlite3.Connection, customer_id: int) -> Row | None:
    return one(conn, "SELECT * FROM customers WHERE id = ?", customer_id)


def addresses_of(conn: sqlite3.Connection, customer_id: int) -> list[Row]:
    return rows(conn, "SELECT * FROM addresses WHERE customer_id = ? ORDER BY id", customer_id)


def default_address(conn: sqlite3.Connection, customer_id: int, kind: str = "shipping") -> Row | None:
    column = "is_default_shipping" if kind == "shipping" else "is_default_billing"
    return one(conn, f"SELECT * FROM addresses WHERE customer_id = ? AND {column} = 1", customer_id)


def address_lines(customer: Row, address: Row) -> list[str]:
    """An address as the address book prints it ("City, Region, Postcode" as Magento does)."""
    lines = [f"{customer['first_name']} {customer['last_name']}", address["street"],
             f"{address['city']}, {address['region']}, {address['postcode']}", address["country"]]
    if address["phone"]:
        lines.append(f"T: {address['phone']}")
    return lines


def wishlist_of(conn: sqlite3.Connection, customer_id: int) -> list[Row]:
    return rows(conn, "SELECT w.id AS item_id, w.added_at, p.* FROM wishlist_items w"
                      " JOIN products p ON p.id = w.product_id WHERE w.customer_id = ? AND p.enabled = 1"
                      " ORDER BY w.added_at, w.id", customer_id)


def cart_of(conn: sqlite3.Connection, customer_id: int) -> list[Row]:
    return rows(conn, "SELECT c.id AS item_id, c.qty, p.*, c.qty * p.price_cents AS row_total_cents"
                      " FROM cart_items c JOIN products p ON p.id = c.product_id"
                      " WHERE c.customer_id = ? AND p.enabled = 1 ORDER BY c.id", customer_id)


# --- orders ----------------------------------------------------------------------------------------------------

def orders_of(conn: sqlite3.Connection, customer_id: int, status: str | None = None) -> list[Row]:
    """A customer's orders, newest first (as "My Orders" lists them)."""
    sql = "SELECT * FROM orders WHERE customer_id = ?" + (" AND status = ?" if status else "")
    return rows(conn, sql + " ORDER BY created_at DESC, id DESC", *((customer_id, status) if status else
                                                                   (customer_id,)))


def order_of(conn: sqlite3.Connection, customer_id: int, order_id: int) -> Row | None:
    """One order, only if it belongs to the customer (others' orders are invisible to them)."""
    return one(conn, "SELECT * FROM orders WHERE id = ? AND customer_id = ?", order_id, customer_id)


def order_items(conn: sqlite3.Connection, order_id: int) -> list[Row]:
    return rows(conn, "SELECT oi.*, p.slug, p.color, p.enabled FROM order_items oi"
                      " JOIN products p ON p.id = oi.product_id WHERE oi.order_id = ? ORDER BY oi.id", order_id)


def orders_in_month(conn: sqlite3.Connection, customer_id: int, year: int, month: int) -> list[Row]:
    prefix = f"{year:04d}-{month:02d}"
    return [order for order in orders_of(conn, customer_id) if order["created_at"].startswith(prefix)]


def spend_in_month(conn: sqlite3.Connection, customer_id: int, year: int, month: int,
                   exclude: tuple[str, ...] = ("canceled",)) -> int:
    """Grand totals of a month's orders, leaving out the listed statuses (canceled orders were not paid)."""
    return sum(order["grand_total_cents"] for order in orders_in_month(conn, customer_id, year, month)
               if order["status"] not in exclude)


def canceled_total(conn: sqlite3.Connection, customer_id: int, year: int) -> int:
    """What canceled orders of a year would refund, shipping included (their grand totals)."""
    return sum(order["grand_total_cents"] for order in orders_of(conn, customer_id, "canceled")
               if order["created_at"].startswith(f"{year:04d}"))


def orders_with_product(conn: sqlite3.Connection, customer_id: int, name_contains: str) -> list[Row]:
    """The customer's orders (newest first) with an item whose name contains the text."""
    return rows(conn, "SELECT DISTINCT o.* FROM orders o JOIN order_items oi ON oi.order_id = o.id"
                      " WHERE o.customer_id = ? AND instr(lower(oi.name), lower(?)) > 0"
                      " ORDER BY o.created_at DESC, o.id DESC", customer_id, name_contains)


def short_date(stamp: str) -> str:
    """`2023-06-12 18:03:36` -> `6/12/23` (Magento's order-history format)."""
    year, month, day = stamp[:10].split("-")
    return f"{int(month)}/{int(day)}/{year[2:]}"


def long_date(stamp: str) -> str:
    """`2023-06-12 18:03:36` -> `June 12, 2023` (order and review pages)."""
    months = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December")
    year, month, day = stamp[:10].split("-")
    return f"{months[int(month) - 1]} {int(day)}, {year}"
