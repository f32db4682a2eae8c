"""The storefront's pages on a real server: sign-in, listings, product pages, cart and checkout, the account.

Read-only checks share one environment; anything that writes gets a fresh one (its own database copy). Plain
HTTP is used where the browser adds nothing, real Chromium where forms, labels and the accessibility tree are
the point.
"""

from __future__ import annotations

import html
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext

from webenv.server import Environment, start_environment, template_database
from webenv.sites.shop import STOREFRONT, queries
from webenv.sites.shop.seed import EMMA_EMAIL, PASSWORD
from webenv.sites.shop.storefront_tasks import build_tasks
from webenv.url_sets import match_page, pages_from_json

LOGIN = {"login[username]": EMMA_EMAIL, "login[password]": PASSWORD}


@pytest.fixture(scope="module")
def shared() -> Iterator[Environment]:
    with start_environment(sites=["shopping"]) as env:
        yield env


@pytest.fixture
def fresh() -> Iterator[Environment]:
    with start_environment(sites=["shopping"]) as env:
        yield env


@contextmanager
def _client(env: Environment, login: bool = True) -> Iterator[httpx.Client]:
    """A plain HTTP client with its own cookie jar, signed in as the default customer unless told otherwise."""
    with httpx.Client(base_url=env.urls["shopping"], follow_redirects=True, timeout=30) as client:
        if login:
            assert client.post("/customer/account/loginPost/", data=LOGIN).url.path == "/customer/account/"
        yield client


@contextmanager
def _db(env: Environment) -> Iterator[sqlite3.Connection]:
    """The environment's own database copy, read directly (autocommit, so no read holds a lock)."""
    conn = sqlite3.connect(env.db_paths["shop"], isolation_level=None)
    conn.row_factory = sqlite3.Row
    try:
        yield conn
    finally:
        conn.close()


async def _browser_context(browser: Browser, env: Environment, login: bool = True) -> BrowserContext:
    state: Any = env.storage_state(["shopping"]) if login else None
    return await browser.new_context(storage_state=state)


def _emma(conn: sqlite3.Connection) -> dict[str, Any]:
    customer = queries.customer_by_email(conn, EMMA_EMAIL)
    assert customer is not None
    return customer


# --- sign in ---------------------------------------------------------------------------------------------------

async def test_sign_in_through_the_form_returns_to_the_requested_page(browser: Browser, shared: Environment) -> None:
    context = await _browser_context(browser, shared, login=False)
    page = await context.new_page()
    await page.goto(shared.urls["shopping"] + "/sales/order/history/")
    assert page.url.endswith("/customer/account/login/?next=/sales/order/history/")
    await page.get_by_label("Email").fill(EMMA_EMAIL)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign In").click()
    await page.wait_for_url("**/sales/order/history/")
    assert await page.get_by_text("Welcome, Emma Lopez!").count() == 1
    await page.get_by_role("link", name="Sign Out").click()
    await page.wait_for_url(shared.urls["shopping"] + "/")
    assert await page.get_by_role("link", name="Sign In").count() == 1
    await context.close()


def test_wrong_password_is_refused_with_a_message(shared: Environment) -> None:
    with _client(shared, login=False) as client:
        page = client.post("/customer/account/loginPost/", data={**LOGIN, "login[password]": "wrong"})
        assert page.url.path == "/customer/account/login/"
        assert "The account sign-in was incorrect" in page.text
        assert client.get("/customer/account/").url.path == "/customer/account/login/"


# --- listings --------------------------------------------------------------------------------------------------

def _listed_names(page: str) -> list[str]:
    return re.findall(r'class="product-item-link" href="[^"]+">([^<]+)</a>', page)


PRICE = re.compile(r'<span class="price">\$([\d,.]+)</span>')


def _listed_prices(page: str) -> list[float]:
    """The price of each product card, in listing order."""
    cards = page.split('class="item product product-item"')[1:]
    return [float(match.group(1).replace(",", "")) for card in cards if (match := PRICE.search(card))]


def test_category_pages_count_and_paginate(shared: Environment) -> None:
    with _client(shared, login=False) as client, _db(shared) as conn:
        category = queries.category_by_slug(conn, "home-kitchen")
        assert category is not None
        total = queries.count_products(conn, queries.ProductFilter(category_id=category["id"]))
        first, second = client.get("/home-kitchen.html"), client.get("/home-kitchen.html?page=2")
        assert f"Items 1-12 of {total}" in first.text and f"Items 13-24 of {total}" in second.text
        assert len(_listed_names(first.text)) == 12
        assert not set(_listed_names(first.text)) & set(_listed_names(second.text)) - {""}
        last = -(-total // 12)
        clamped = client.get("/home-kitchen.html?page=999")
        assert f"Page {last} of {last}" in clamped.text and 'href="/home-kitchen.html?page=' in clamped.text


def test_listing_urls_redirect_to_one_canonical_form(shared: Environment) -> None:
    with httpx.Client(base_url=shared.urls["shopping"], follow_redirects=False) as client:
        cases = {
            "/home-kitchen.html?product_list_dir=desc&product_list_order=price":
                "/home-kitchen.html?product_list_order=price&product_list_dir=desc",
            "/clothing-shoes-jewelry/men/shoes.html?price_from=&price_to=30.00":
                "/clothing-shoes-jewelry/men/shoes.html?price=0-30",
            "/catalogsearch/result/index/?q=desk&product_list_dir=asc&product_list_order=price&page=1":
                "/catalogsearch/result/index/?product_list_order=price&q=desk&product_list_dir=asc",
            "/home-kitchen.html?product_list_order=bogus": "/home-kitchen.html",
        }
        for given, canonical in cases.items():
            response = client.get(given)
            assert response.status_code == 302 and response.headers["location"] == canonical, given
            assert client.get(canonical).status_code == 200


def test_every_form_of_the_under_30_filter_is_the_tasks_gold_page_and_nothing_else(shared: Environment) -> None:
    """Template 1022 ("products under $30 in men shoes"): whichever way a shopper sets the filter (the form's
    maximum alone, both ends, Magento's `price=` spellings) the site lands on one page, and the task's acceptable
    pages take exactly that page — not another price, an added sort or a price bucket."""
    gold = next(pages_from_json(c["eval"]["acceptable_urls"]) for c in build_tasks(template_database(STOREFRONT))
                if c["intent_template_id"] == 1022 and c["instantiation_dict"]["category"] == "men shoes")
    base = shared.urls["shopping"]
    resolve = lambda text: text.replace("__SHOPPING__", base)  # noqa: E731
    shoes = "/clothing-shoes-jewelry/men/shoes.html"
    with httpx.Client(base_url=base, follow_redirects=True) as client:
        for query in ("price_to=30", "price_from=0&price_to=30", "price_to=%2430", "price=-30", "price=0.00-30.00",
                      "price=0-30", "price=0-30&product_list_order=position&product_list_dir=asc"):
            landed = str(client.get(f"{shoes}?{query}").url)
            assert any(match_page(page, landed, resolve) for page in gold), (query, landed)
        for query in ("price=0-300", "price=20-30", "price=0-30&product_list_order=price", "", "price=0-29.99",
                      "price=0-30&product_list_dir=desc"):
            landed = str(client.get(f"{shoes}?{query}").url)
            assert not any(match_page(page, landed, resolve) for page in gold), (query, landed)


async def test_sort_form_and_price_filter_in_the_browser(browser: Browser, shared: Environment) -> None:
    context = await _browser_context(browser, shared, login=False)
    page = await context.new_page()
    base = shared.urls["shopping"]
    await page.goto(base + "/home-kitchen/furniture/living-room-furniture.html")
    await page.get_by_role("combobox", name="Sort By").select_option(label="Price")
    await page.get_by_role("combobox", name="Direction").select_option(label="Descending")
    await page.get_by_role("button", name="Sort").click()
    await page.wait_for_load_state()
    assert page.url == base + "/home-kitchen/furniture/living-room-furniture.html?product_list_order=price" \
                              "&product_list_dir=desc"
    prices = _listed_prices(await page.content())
    assert len(prices) > 2 and prices == sorted(prices, reverse=True)
    await page.get_by_role("textbox", name="Maximum price").fill("150")
    await page.get_by_role("button", name="Filter by price").click()
    await page.wait_for_load_state()
    assert page.url.endswith("living-room-furniture.html?price=0-150&product_list_order=price&product_list_dir=desc")
    filtered = _listed_prices(await page.content())
    assert filtered and all(price < 150 for price in filtered) and filtered == sorted(filtered, reverse=True)
    assert len(filtered) < len(prices)
    await context.close()


async def test_header_search_counts_results_and_records_the_term(browser: Browser, fresh: Environment) -> None:
    context = await _browser_context(browser, fresh, login=False)
    page = await context.new_page()
    await page.goto(fresh.urls["shopping"])
    await page.get_by_role("searchbox", name="Search").fill("mouth guard")
    await page.keyboard.press("Enter")
    await page.wait_for_url("**/catalogsearch/result/?q=mouth+guard")
    with _db(fresh) as conn:
        expected = queries.count_products(conn, queries.ProductFilter(query="mouth guard"))
        hits = conn.execute("SELECT hits FROM search_terms WHERE term = 'mouth guard'").fetchone()
    assert await page.locator("#toolbar-amount").inner_text() == f"{expected} Items"
    assert hits is not None and hits["hits"] >= 1
    await context.close()


# --- product pages and 404s ------------------------------------------------------------------------------------

def test_product_page_shows_sku_price_and_only_approved_reviews(shared: Environment) -> None:
    with _db(shared) as conn:
        product = conn.execute(
            "SELECT p.* FROM products p JOIN reviews r ON r.product_id = p.id WHERE p.enabled = 1 AND"
            " r.status != 'approved' GROUP BY p.id ORDER BY p.id LIMIT 1").fetchone()
        approved = queries.approved_reviews(conn, product["id"])
        hidden = conn.execute("SELECT title, body FROM reviews WHERE product_id = ? AND status != 'approved'",
                              (product["id"],)).fetchall()
    with _client(shared, login=False) as client:
        html = client.get(f"/{product['slug']}.html").text
    assert product["sku"] in html and queries.money(product["price_cents"]) in html
    assert html.count('class="item review-item"') == len(approved)
    assert all(row["body"] not in html for row in hidden if all(row["body"] != a["body"] for a in approved))


def test_unknown_disabled_and_foreign_things_are_404(shared: Environment) -> None:
    with _db(shared) as conn:
        disabled = conn.execute("SELECT slug FROM products WHERE enabled = 0 LIMIT 1").fetchone()["slug"]
        foreign = conn.execute("SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id WHERE"
                               " c.email != ? LIMIT 1", (EMMA_EMAIL,)).fetchone()["id"]
    with _client(shared) as client:
        for path in ("/no-such-product.html", f"/{disabled}.html", "/no-such-page",
                     f"/sales/order/view/order_id/{foreign}/", "/sales/order/view/order_id/999999/",
                     "/customer/address/edit/id/999999/"):
            response = client.get(path)
            assert response.status_code == 404 and "Whoops, our bad" in response.text, path
        assert client.get("/about-us").status_code == 200


# --- orders ----------------------------------------------------------------------------------------------------

async def test_order_history_lists_newest_first_and_order_page_lists_items(browser: Browser,
                                                                          shared: Environment) -> None:
    with _db(shared) as conn:
        orders = queries.orders_of(conn, _emma(conn)["id"])
        items = queries.order_items(conn, orders[0]["id"])
    context = await _browser_context(browser, shared)
    page = await context.new_page()
    await page.goto(shared.urls["shopping"] + "/sales/order/history/")
    numbers = await page.locator("#my-orders-table tbody td.col.id").all_inner_texts()
    assert numbers == [order["increment_id"] for order in orders[:10]]
    href = await page.evaluate("() => document.querySelector('#my-orders-table tbody a.action.view').href")
    assert href.endswith(f"/sales/order/view/order_id/{orders[0]['id']}/")
    await page.get_by_role("link", name="Next").click()
    assert await page.locator("#my-orders-table tbody td.col.id").first.inner_text() == orders[10]["increment_id"]
    await page.goto(href)
    ordered = await page.evaluate('() => document.querySelector(".order-details-items.ordered").outerText')
    assert all(item["sku"] in ordered and item["name"] in ordered for item in items)
    assert queries.money(orders[0]["grand_total_cents"]) in ordered
    await context.close()


async def test_cart_update_and_checkout_place_a_pending_order(browser: Browser, fresh: Environment) -> None:
    with _db(fresh) as conn:
        product = conn.execute("SELECT * FROM products WHERE enabled = 1 AND stock > 5 ORDER BY id LIMIT 1").fetchone()
        last_order = conn.execute("SELECT max(id), max(created_at) FROM orders").fetchone()
    context = await _browser_context(browser, fresh)
    page = await context.new_page()
    await page.goto(f"{fresh.urls['shopping']}/{product['slug']}.html")
    await page.get_by_role("spinbutton", name="Qty").fill("2")
    await page.get_by_role("button", name="Add to Cart").click()
    await page.wait_for_url("**/checkout/cart/")
    await page.get_by_role("spinbutton", name=re.compile("^Qty for ")).fill("3")
    await page.get_by_role("button", name="Update Shopping Cart").click()
    await page.wait_for_load_state()
    assert queries.money(3 * product["price_cents"]) in await page.locator(".cart-summary").inner_text()
    await page.get_by_role("link", name="Proceed to Checkout").click()
    await page.get_by_role("radio", name=re.compile("Best Way")).check()
    await page.get_by_role("button", name="Place Order").click()
    await page.wait_for_url("**/checkout/onepage/success/")
    number = await page.locator(".order-number").inner_text()
    with _db(fresh) as conn:
        order = conn.execute("SELECT * FROM orders WHERE increment_id = ?", (number,)).fetchone()
        stock = conn.execute("SELECT stock FROM products WHERE id = ?", (product["id"],)).fetchone()[0]
        cart = conn.execute("SELECT count(*) FROM cart_items WHERE customer_id = ?", (order["customer_id"],))
        assert cart.fetchone()[0] == 0
    assert order["id"] == last_order[0] + 1 and order["status"] == "pending"
    assert order["created_at"] > last_order[1], "a new order must be the newest"
    assert order["subtotal_cents"] == 3 * product["price_cents"] and order["shipping_cents"] == 1500
    assert stock == product["stock"] - 3
    await context.close()


def test_remove_from_cart_and_reorder(fresh: Environment) -> None:
    with _client(fresh) as client, _db(fresh) as conn:
        emma = _emma(conn)
        canceled = queries.orders_of(conn, emma["id"], "canceled")[0]
        items = queries.order_items(conn, canceled["id"])
        cart = client.post(f"/sales/order/reorder/order_id/{canceled['id']}/")
        assert cart.url.path == "/checkout/cart/"
        lines = queries.cart_of(conn, emma["id"])
        assert {line["sku"] for line in lines} == {item["sku"] for item in items}
        client.post(f"/checkout/cart/delete/id/{lines[0]['item_id']}/")
        assert len(queries.cart_of(conn, emma["id"])) == len(lines) - 1


def test_guests_are_sent_to_sign_in_before_adding_to_cart(shared: Environment) -> None:
    with _client(shared, login=False) as client:
        page = client.post("/checkout/cart/add/", data={"product": "1", "qty": "1", "return_url": "/x.html"})
        assert page.url.path == "/customer/account/login/" and page.url.params["next"] == "/x.html"


# --- the account -----------------------------------------------------------------------------------------------

def test_wishlist_add_is_idempotent_and_removable(fresh: Environment) -> None:
    with _client(fresh) as client, _db(fresh) as conn:
        emma = _emma(conn)
        before = len(queries.wishlist_of(conn, emma["id"]))
        product = conn.execute("SELECT * FROM products WHERE enabled = 1 AND id NOT IN (SELECT product_id FROM"
                               " wishlist_items WHERE customer_id = ?) ORDER BY id DESC LIMIT 1",
                               (emma["id"],)).fetchone()
        for _ in range(2):
            page = client.post("/wishlist/index/add/", data={"product": str(product["id"])})
        assert f"{product['name']} has been added to your Wish List." in page.text
        items = queries.wishlist_of(conn, emma["id"])
        assert len(items) == before + 1 and page.text.count('class="product-item"') == before + 1
        added = next(item for item in items if item["id"] == product["id"])
        client.post(f"/wishlist/index/remove/item/{added['item_id']}/")
        assert len(queries.wishlist_of(conn, emma["id"])) == before


async def test_newsletter_checkbox_round_trip(browser: Browser, fresh: Environment) -> None:
    context = await _browser_context(browser, fresh)
    page = await context.new_page()
    await page.goto(fresh.urls["shopping"] + "/newsletter/manage/")
    box = page.get_by_role("checkbox", name="General Subscription")
    assert not await box.is_checked()
    await box.check()
    await page.get_by_role("button", name="Save").click()
    await page.wait_for_url("**/customer/account/")
    assert "We have saved your subscription." in await page.content()
    await page.goto(fresh.urls["shopping"] + "/newsletter/manage/")
    checked = await page.evaluate("() => document.querySelector('[title=\"General Subscription\"]').checked")
    assert checked is True
    with _db(fresh) as conn:
        assert _emma(conn)["newsletter"] == 1
    await context.close()


def test_address_book_edit_new_and_validation(fresh: Environment) -> None:
    with _client(fresh) as client, _db(fresh) as conn:
        emma = _emma(conn)
        default = queries.default_address(conn, emma["id"], "shipping")
        assert default is not None
        form = {"telephone": "404-555-0100", "street": "111 Magnolia Path", "city": "Atlanta", "region": "Georgia",
                "postcode": "30303", "country": "United States", "default_billing": "1", "default_shipping": "1"}
        book = client.post(f"/customer/address/formPost/id/{default['id']}/", data=form)
        assert "You saved the address." in book.text
        shipping = re.search(r'box-address-shipping">.*?<div class="box-content">(.*?)</div>', book.text, re.S)
        assert shipping and "111 Magnolia Path" in shipping.group(1) and "Atlanta, Georgia, 30303" in shipping.group(1)
        refused = client.post("/customer/address/formPost/", data={**form, "region": "Atlantis"})
        assert "Please select a valid State/Province." in refused.text
        missing = client.post("/customer/address/formPost/", data={**form, "city": ""})
        assert '"City" is a required value.' in html.unescape(missing.text)
        client.post("/customer/address/formPost/", data={**form, "street": "5 New Street", "default_billing": "",
                                                         "default_shipping": ""})
        rows = queries.addresses_of(conn, emma["id"])
        assert rows[-1]["street"] == "5 New Street" and not rows[-1]["is_default_shipping"]
        assert queries.default_address(conn, emma["id"], "shipping")["id"] == default["id"]  # type: ignore[index]
        deleted = client.post(f"/customer/address/delete/id/{default['id']}/")
        assert "You can't delete a default address." in html.unescape(deleted.text)


def test_account_edit_saves_names_and_refuses_a_taken_email(fresh: Environment) -> None:
    with _client(fresh) as client, _db(fresh) as conn:
        other = conn.execute("SELECT email FROM customers WHERE email != ? LIMIT 1", (EMMA_EMAIL,)).fetchone()[0]
        taken = client.post("/customer/account/editPost/", data={"firstname": "Emma", "lastname": "Lopez",
                                                                 "email": other})
        assert "A customer with the same email address already exists." in taken.text
        saved = client.post("/customer/account/editPost/", data={"firstname": "Emmy", "lastname": "Lopez",
                                                                 "email": EMMA_EMAIL})
        assert "You saved the account information." in saved.text and "Emmy Lopez" in saved.text
        assert _emma(conn)["first_name"] == "Emmy"


def test_reviews_wait_for_moderation_and_show_in_my_reviews(fresh: Environment) -> None:
    with _client(fresh) as client, _db(fresh) as conn:
        product = conn.execute("SELECT * FROM products WHERE enabled = 1 ORDER BY id LIMIT 1").fetchone()
        before = queries.rating_summary(conn, product["id"])
        page = client.post(f"/review/product/post/id/{product['id']}/",
                           data={"rating": "4", "nickname": "Emma", "title": "Sturdy pick", "detail": "Held up."})
        assert "You submitted your review for moderation." in page.text and "Sturdy pick" not in page.text
        assert queries.rating_summary(conn, product["id"]) == before
        mine = client.get("/review/customer/").text
        assert "Sturdy pick" in mine and "Pending" in mine
        incomplete = client.post(f"/review/product/post/id/{product['id']}/", data={"nickname": "Emma"})
        assert "Please fill in Nickname, Summary and Review." in incomplete.text


async def test_contact_form_has_webarenas_message_box_and_stores_messages(browser: Browser,
                                                                           fresh: Environment) -> None:
    context = await _browser_context(browser, fresh)
    page = await context.new_page()
    await page.goto(fresh.urls["shopping"] + "/contact")
    assert page.url.endswith("/contact/")
    assert await page.get_by_role("textbox", name="Name").input_value() == "Emma Lopez"
    assert await page.get_by_role("textbox", name="Email").input_value() == EMMA_EMAIL
    await page.get_by_role("textbox", name="What’s on your mind?").fill("Where is my parcel?")
    drafted = await page.evaluate("() => document.querySelector('[title=\"What’s on your mind?\"]').value")
    assert drafted == "Where is my parcel?"
    with _db(fresh) as conn:
        assert conn.execute("SELECT count(*) FROM contact_messages").fetchone()[0] == 0
    await page.get_by_role("button", name="Submit").click()
    await page.wait_for_url("**/contact/")
    assert "Thanks for contacting us" in await page.content()
    with _db(fresh) as conn:
        assert conn.execute("SELECT comment FROM contact_messages").fetchone()[0] == "Where is my parcel?"
    await context.close()


# --- accessibility ---------------------------------------------------------------------------------------------

UNNAMED = """() => {
  const named = el => {
    if (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')) return true;
    if (el.labels && el.labels.length) return true;
    return (el.innerText || el.value || '').trim().length > 0;
  };
  const bad = [];
  for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea')) {
    if (!named(el)) bad.push(el.outerHTML.slice(0, 120));
  }
  for (const table of document.querySelectorAll('table')) {
    if (!table.querySelector('th')) bad.push('table without th: ' + table.className);
  }
  if (!document.querySelector('h1')) bad.push('no h1');
  return bad;
}"""


async def test_every_control_has_an_accessible_name(browser: Browser, shared: Environment) -> None:
    with _db(shared) as conn:
        order = queries.orders_of(conn, _emma(conn)["id"])[0]
        product = conn.execute("SELECT slug FROM products WHERE enabled = 1 ORDER BY id LIMIT 1").fetchone()[0]
    paths = ["/", "/home-kitchen.html", "/catalogsearch/result/?q=desk", f"/{product}.html", "/checkout/cart/",
             "/customer/account/", "/customer/account/edit/", "/customer/address/", "/customer/address/new/",
             "/sales/order/history/", f"/sales/order/view/order_id/{order['id']}/", "/wishlist/",
             "/newsletter/manage/", "/review/customer/", "/contact/", "/about-us", "/nowhere"]
    context = await _browser_context(browser, shared)
    page = await context.new_page()
    problems = {}
    for path in paths:
        await page.goto(shared.urls["shopping"] + path)
        if found := await page.evaluate(UNNAMED):
            problems[path] = found
    await context.close()
    assert problems == {}
