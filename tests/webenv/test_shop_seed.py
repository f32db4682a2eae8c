"""The shop's seed database: deterministic, big and varied enough for WebArena-style questions, consistent.

Also the `queries` functions that task answers come from, checked against independent SQL over the same rows.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from webenv.server import template_database
from webenv.sites.shop import STOREFRONT, queries, search
from webenv.sites.shop.seed import EMMA_EMAIL, PASSWORD, build_database
from webenv.sites.shop.seed_data import reviews

pytestmark = pytest.mark.unit  # no browser, no server


@pytest.fixture(scope="module")
def conn() -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(template_database(STOREFRONT))
    connection.row_factory = sqlite3.Row
    yield connection
    connection.close()


def _digest(path: Path) -> str:
    with sqlite3.connect(path) as connection:
        return hashlib.sha256("\n".join(connection.iterdump()).encode()).hexdigest()


def test_build_is_deterministic(tmp_path: Path) -> None:
    build_database(tmp_path / "a.sqlite")
    build_database(tmp_path / "b.sqlite")
    assert _digest(tmp_path / "a.sqlite") == _digest(tmp_path / "b.sqlite")


def _count(conn: sqlite3.Connection, sql: str, *params: object) -> int:
    return int(conn.execute(sql, params).fetchone()[0])


def test_catalog_size_and_shape(conn: sqlite3.Connection) -> None:
    assert _count(conn, "SELECT count(*) FROM products WHERE enabled = 1") >= 220
    assert 1 <= _count(conn, "SELECT count(*) FROM products WHERE enabled = 0") <= 10
    tops_with_products = [top for top in queries.top_categories(conn)
                          if queries.count_products(conn, queries.ProductFilter(category_id=top["id"]))]
    assert len(tops_with_products) >= 8
    # Every product sits in a leaf category, so each is reachable from the menu.
    assert _count(conn, "SELECT count(*) FROM products p WHERE EXISTS (SELECT 1 FROM categories c"
                        " WHERE c.parent_id = p.category_id)") == 0
    # Identically named products that differ only in colour.
    twins = conn.execute("SELECT name, count(DISTINCT color) AS colors FROM products WHERE enabled = 1"
                         " GROUP BY name HAVING count(*) > 1").fetchall()
    assert len(twins) >= 10 and all(row["colors"] == _count(conn, "SELECT count(*) FROM products WHERE name = ?"
                                                                   " AND enabled = 1", row["name"]) for row in twins)
    assert _count(conn, "SELECT count(*) FROM products WHERE stock = 0") >= 1


def test_customers_and_default_account(conn: sqlite3.Connection) -> None:
    assert _count(conn, "SELECT count(*) FROM customers") >= 120
    emma = queries.customer_by_email(conn, EMMA_EMAIL)
    assert emma is not None and emma["password"] == PASSWORD and (emma["first_name"], emma["last_name"]) == (
        "Emma", "Lopez")
    assert len(queries.orders_of(conn, emma["id"])) >= 15
    assert queries.default_address(conn, emma["id"], "shipping") == queries.default_address(conn, emma["id"],
                                                                                           "billing")
    assert len(queries.wishlist_of(conn, emma["id"])) >= 2
    assert not emma["newsletter"], "the subscribe task needs her unsubscribed"
    every_customer_has_default = _count(conn, "SELECT count(*) FROM customers c WHERE NOT EXISTS (SELECT 1 FROM"
                                              " addresses a WHERE a.customer_id = c.id AND a.is_default_shipping)")
    assert every_customer_has_default == 0


def test_orders_span_the_period_with_every_status(conn: sqlite3.Connection) -> None:
    assert _count(conn, "SELECT count(*) FROM orders") >= 350
    first, last = conn.execute("SELECT min(created_at), max(created_at) FROM orders").fetchone()
    assert first.startswith("2022-01") and last.startswith("2023-06")
    months = _count(conn, "SELECT count(DISTINCT substr(created_at, 1, 7)) FROM orders")
    assert months == 18
    statuses = {row[0] for row in conn.execute("SELECT DISTINCT status FROM orders")}
    assert statuses == set(queries.STATUS_LABELS)
    several_in_a_month = _count(conn, "SELECT count(*) FROM (SELECT customer_id FROM orders GROUP BY customer_id,"
                                      " substr(created_at, 1, 7) HAVING count(*) >= 2)")
    assert several_in_a_month >= 5


def test_order_money_adds_up(conn: sqlite3.Connection) -> None:
    wrong = conn.execute("""
        SELECT o.increment_id FROM orders o
        WHERE o.subtotal_cents != (SELECT sum(price_cents * qty) FROM order_items WHERE order_id = o.id)
           OR o.grand_total_cents != o.subtotal_cents + o.shipping_cents
           OR o.increment_id != printf('%09d', o.id)""").fetchall()
    assert wrong == []
    assert _count(conn, "SELECT count(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_items WHERE"
                        " order_id = o.id)") == 0
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_reviews_are_many_and_varied(conn: sqlite3.Connection) -> None:
    assert _count(conn, "SELECT count(*) FROM reviews") >= 600
    assert {row[0] for row in conn.execute("SELECT DISTINCT rating FROM reviews")} == {1, 2, 3, 4, 5}
    assert {row[0] for row in conn.execute("SELECT DISTINCT status FROM reviews")} >= {"approved", "pending",
                                                                                       "rejected"}
    for phrase in ("quality", "size", "best", "disappointed", "shipping"):
        assert _count(conn, "SELECT count(*) FROM reviews WHERE instr(lower(body), ?) > 0", phrase) >= 10, phrase
    assert _count(conn, "SELECT count(*) FROM products p WHERE enabled = 1 AND NOT EXISTS (SELECT 1 FROM reviews r"
                        " WHERE r.product_id = p.id)") >= 5, "some products must have no reviews"


def test_admin_and_content_rows(conn: sqlite3.Connection) -> None:
    admin = conn.execute("SELECT password FROM admin_users WHERE username = 'admin'").fetchone()
    assert admin is not None and admin[0] == "admin1234"
    assert _count(conn, "SELECT count(*) FROM cms_pages WHERE is_active = 1") >= 4
    assert _count(conn, "SELECT count(*) FROM search_terms") >= 10


def test_no_timestamp_comes_from_the_wall_clock(conn: sqlite3.Connection) -> None:
    for table, column in (("orders", "created_at"), ("reviews", "created_at"), ("customers", "created_at"),
                          ("products", "created_at"), ("wishlist_items", "added_at"), ("cart_items", "added_at")):
        latest = conn.execute(f"SELECT max({column}) FROM {table}").fetchone()[0]
        assert latest <= "2023-06-30 23:59:59", (table, latest)


# --- queries ---------------------------------------------------------------------------------------------------

def test_search_matches_every_word_in_name_or_colour(conn: sqlite3.Connection) -> None:
    found = queries.find_products(conn, queries.ProductFilter(query="Hydro flask OLIVINE"))
    assert [(p["color"]) for p in found] == ["Olivine"]
    every = queries.find_products(conn, queries.ProductFilter(query="office chair"))
    # Independent: every product whose name has both words is found (more may match through the description).
    by_name = _count(conn, "SELECT count(*) FROM products WHERE enabled = 1 AND (' ' || lower(name) || ' ')"
                           " LIKE '% office %' AND (' ' || lower(name) || ' ') LIKE '% chair %'")
    assert by_name >= 2 and len(every) >= by_name
    assert all("office" in (p["name"] + p["description"]).lower() and "chair" in (p["name"] + p["description"]).lower()
               for p in every)


@pytest.mark.parametrize(("word", "same"), [
    ("chairs", "chair"), ("cancelling", "canceled"), ("canceling", "cancel"), ("running", "run"),
    ("shoes", "shoe"), ("sizing", "size"), ("boxes", "box"), ("berries", "berry"), ("grinding", "grind"),
    ("watches", "watch"), ("candles", "candle"), ("shipped", "ship"),
])
def test_stemming_maps_inflected_forms_to_one_key(word: str, same: str) -> None:
    assert search.stem(word) == search.stem(same)


@pytest.mark.parametrize(("word", "other"), [("glass", "gloss"), ("guard", "guide"), ("chair", "char"),
                                             ("bass", "base")])
def test_stemming_keeps_different_words_apart(word: str, other: str) -> None:
    assert search.stem(word) != search.stem(other)


@pytest.mark.parametrize(("plural", "singular"), [("office chairs", "office chair"),
                                                  ("bluetooth speakers", "bluetooth speaker"),
                                                  ("mouth guards", "mouth guard"), ("running shoes", "running shoe")])
def test_plural_and_singular_searches_find_the_same_products(conn: sqlite3.Connection, plural: str,
                                                            singular: str) -> None:
    many = queries.find_products(conn, queries.ProductFilter(query=plural))
    one = queries.find_products(conn, queries.ProductFilter(query=singular))
    assert many and [p["id"] for p in many] == [p["id"] for p in one]


def test_name_matches_rank_above_description_matches(conn: sqlite3.Connection) -> None:
    found = queries.find_products(conn, queries.ProductFilter(query="bluetooth speaker"))
    in_name = ["bluetooth" in p["name"].lower() for p in found]
    assert True in in_name and False in in_name, "the query should match some speakers only by description"
    assert in_name == sorted(in_name, reverse=True), "every name match comes before every description match"
    # Descending relevance reverses the list; price order keeps the set.
    reverse = queries.find_products(conn, queries.ProductFilter(query="bluetooth speaker", direction="desc"))
    assert [p["id"] for p in reverse] == [p["id"] for p in found][::-1]
    by_price = queries.find_products(conn, queries.ProductFilter(query="bluetooth speaker", order="price"))
    assert sorted(p["id"] for p in by_price) == sorted(p["id"] for p in found)
    assert [p["price_cents"] for p in by_price] == sorted(p["price_cents"] for p in by_price)


def test_filler_words_do_not_narrow_a_search(conn: sqlite3.Connection) -> None:
    plain = queries.find_products(conn, queries.ProductFilter(query="guard teeth grinding"))
    wordy = queries.find_products(conn, queries.ProductFilter(query="a guard for the teeth grinding"))
    assert plain and [p["id"] for p in plain] == [p["id"] for p in wordy]
    assert queries.count_products(conn, queries.ProductFilter(query="zzzz chair")) == 0


def test_review_texts_agree_with_their_rating(conn: sqlite3.Connection) -> None:
    polarity = {text: sign for bank in (*reviews.BY_KIND.values(), reviews.SHIPPING, reviews.SIZING)
                for sign, text in bank}
    checked = 0
    for review in conn.execute("SELECT rating, title, body FROM reviews WHERE customer_id IS NOT 1"):
        signs = {sign for text, sign in polarity.items() if text in review["body"]}
        assert signs <= set(reviews.ALLOWED[review["rating"]]), (review["rating"], review["body"])
        assert review["title"] in reviews.TITLES[review["rating"]]
        if review["rating"] == 3:
            assert "+" in signs and signs & {"-", "0"}, review["body"]
        checked += 1
    assert checked > 500


def test_price_filter_upper_bound_is_exclusive_and_sorting_works(conn: sqlite3.Connection) -> None:
    shoes = queries.category_by_slug(conn, "clothing-shoes-jewelry/men/shoes")
    assert shoes is not None
    cheap = queries.find_products(conn, queries.ProductFilter(category_id=shoes["id"], price_to=2999, order="price"))
    upto = queries.find_products(conn, queries.ProductFilter(category_id=shoes["id"], price_to=3000, order="price"))
    assert all(p["price_cents"] < 2999 for p in cheap)
    assert [p["price_cents"] for p in upto] == sorted(p["price_cents"] for p in upto)
    assert len(upto) == len(cheap) + _count(conn, "SELECT count(*) FROM products WHERE category_id = ? AND"
                                                  " price_cents = 2999 AND enabled = 1", shoes["id"])
    descending = queries.find_products(conn, queries.ProductFilter(category_id=shoes["id"], order="price",
                                                                   direction="desc"))
    assert descending[0]["price_cents"] == max(p["price_cents"] for p in descending)


def test_parent_categories_include_their_subcategories(conn: sqlite3.Connection) -> None:
    men = queries.category_by_slug(conn, "clothing-shoes-jewelry/men")
    assert men is not None
    children = queries.child_categories(conn, men["id"])
    total = queries.count_products(conn, queries.ProductFilter(category_id=men["id"]))
    assert total == sum(child["product_count"] for child in children) > 0


def test_spend_and_refund_leave_out_or_count_canceled_orders(conn: sqlite3.Connection) -> None:
    emma = queries.customer_by_email(conn, EMMA_EMAIL)
    assert emma is not None
    spend = queries.spend_in_month(conn, emma["id"], 2023, 5)
    independent = _count(conn, "SELECT coalesce(sum(grand_total_cents), 0) FROM orders WHERE customer_id = ? AND"
                               " created_at LIKE '2023-05%' AND status != 'canceled'", emma["id"])
    everything = _count(conn, "SELECT sum(grand_total_cents) FROM orders WHERE customer_id = ? AND"
                              " created_at LIKE '2023-05%'", emma["id"])
    assert spend == independent < everything, "May 2023 should include a canceled order to leave out"
    refund = queries.canceled_total(conn, emma["id"], 2022)
    assert refund == _count(conn, "SELECT sum(grand_total_cents) FROM orders WHERE customer_id = ? AND"
                                  " status = 'canceled' AND created_at LIKE '2022%'", emma["id"]) > 0


def test_money_formats() -> None:
    assert queries.money(136497) == "$1,364.97" and queries.dollars(136497) == "1364.97"
    assert queries.money_phrase(136497) == "1364.97 |OR| 1,364.97" and queries.money_phrase(999) == "9.99"
    assert queries.short_date("2023-06-02 10:00:00") == "6/2/23"
    assert queries.long_date("2023-06-02 10:00:00") == "June 2, 2023"
    assert queries.parse_price_range("10-50") == (1000, 5000)
    assert queries.parse_price_range("100-") == (10000, None)
    assert queries.parse_price_range("cheap") is None
