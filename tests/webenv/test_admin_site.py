"""The store admin's pages, served for real on 127.0.0.1 over a copy of the seeded shop database: sign-in,
grids (filters, sorting, pagination), forms and their validation, order actions, reports, 404s, and the
accessibility the agent depends on. Expected values come from the database, never typed in."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from playwright.async_api import Browser

from webenv.server import Environment, start_environment
from webenv.sites.shop.admin import formats

SITES = ["shopping_admin"]
LOGIN = {"login[username]": "admin", "login[password]": "admin1234"}


@pytest.fixture(scope="module")
def env() -> Iterator[Environment]:
    """One environment for the read-only tests of this module."""
    with start_environment(sites=SITES) as environment:
        yield environment


@pytest.fixture
def fresh_env() -> Iterator[Environment]:
    """A private environment for tests that change data."""
    with start_environment(sites=SITES) as environment:
        yield environment


def _url(env: Environment) -> str:
    return env.urls["shopping_admin"]


def _db(env: Environment) -> Path:
    return env.db_paths["shop"]


@contextmanager
def _admin(env: Environment) -> Iterator[httpx.Client]:
    """An HTTP client signed in as the documented admin account."""
    with httpx.Client(base_url=_url(env), follow_redirects=False, timeout=10) as client:
        assert client.post("/admin/auth/login/", data=LOGIN).status_code == 303
        yield client


def _query(env: Environment, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(_db(env))) as conn:
        return conn.execute(sql, params).fetchall()


def _scalar(env: Environment, sql: str, *params: Any) -> Any:
    return _query(env, sql, *params)[0][0]


def _records_found(html: str) -> int:
    found = re.search(r"(\d+) records found", html)
    assert found, "the grid shows no record count"
    return int(found.group(1))


# --- sign-in --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/sales/order/", "/catalog/product/edit/id/1/", "/customer/index/",
                                  "/review/product/pending/", "/reports/report_sales/sales/?from=1/1/23",
                                  "/cms/page/", "/search/term/report/"])
def test_every_page_sends_strangers_to_the_sign_in_page(env: Environment, path: str) -> None:
    response = httpx.get(_url(env) + path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/admin/auth/login/?next={quote(path, safe='/')}"  # `?`, `=` quoted


def test_wrong_password_is_refused_without_a_session_cookie(env: Environment) -> None:
    response = httpx.post(_url(env) + "/admin/auth/login/",
                          data={"login[username]": "admin", "login[password]": "wrong"}, follow_redirects=False)
    assert response.status_code == 200
    assert "sign-in was incorrect" in response.text
    assert "admin_session" not in response.cookies


def test_sign_in_returns_to_the_requested_page_but_never_off_site(env: Environment) -> None:
    with httpx.Client(base_url=_url(env), follow_redirects=False) as client:
        going = client.post("/admin/auth/login/", data={**LOGIN, "next": "/sales/order/?status=pending"})
        assert going.headers["location"] == "/sales/order/?status=pending"
        assert client.get("/sales/order/?status=pending").status_code == 200
        assert client.post("/admin/auth/logout/").headers["location"] == "/admin/auth/login/"
        assert client.get("/").status_code == 303
    with httpx.Client(base_url=_url(env), follow_redirects=False) as client:
        assert client.post("/admin/auth/login/", data={**LOGIN, "next": "//evil.example/"}).headers["location"] == "/"


@pytest.mark.parametrize("path", ["/sales/order/view/order_id/999999/", "/catalog/product/edit/id/999999/",
                                  "/customer/index/edit/id/999999/", "/review/product/edit/id/999999/",
                                  "/cms/page/edit/page_id/999999/", "/catalog/product/edit/id/abc/",
                                  "/no/such/page/"])
def test_unknown_ids_and_paths_are_404(env: Environment, path: str) -> None:
    with _admin(env) as client:
        response = client.get(path)
    assert response.status_code == 404
    assert "404 Not Found" in response.text


# --- grids ----------------------------------------------------------------------------------------------------

def test_orders_grid_filters_by_status_and_date_and_paginates(env: Environment) -> None:
    expected = _scalar(env, "SELECT COUNT(*) FROM orders WHERE status = 'complete'"
                            " AND date(created_at) BETWEEN '2022-01-01' AND '2022-12-31'")
    assert expected > 20, "the seed should need more than one page here"
    params = {"status": "complete", "purchase_date_from": "1/1/22", "purchase_date_to": "2022-12-31"}
    with _admin(env) as client:
        first = client.get("/sales/order/", params=params).text
        last = client.get("/sales/order/", params={**params, "page": "999"}).text
    assert _records_found(first) == expected
    assert "Status:</span> Complete" in first and "Purchase Date from:</span> 01/01/2022" in first
    first_ids = re.findall(r"View order (\d{9})", first)
    last_ids = re.findall(r"View order (\d{9})", last)
    assert len(first_ids) == 20 and len(last_ids) == expected - 20 * ((expected - 1) // 20)
    assert not set(first_ids) & set(last_ids)
    assert "purchase_date_from=1%2F1%2F22" in re.search(r'class="pager-next" href="([^"]+)"', first).group(1)


def test_orders_grid_sorts_and_reports_unreadable_dates(env: Environment) -> None:
    cheapest = _query(env, "SELECT increment_id FROM orders ORDER BY grand_total_cents, id LIMIT 1")[0][0]
    with _admin(env) as client:
        by_total = client.get("/sales/order/", params={"sort": "grand_total", "dir": "asc"}).text
        bad_date = client.get("/sales/order/", params={"purchase_date_from": "someday"}).text
    assert re.findall(r"View order (\d{9})", by_total)[0] == cheapest
    assert "Purchase Date from: enter a date" in bad_date
    assert _records_found(bad_date) == _scalar(env, "SELECT COUNT(*) FROM orders")


def test_customer_search_finds_a_phone_number_typed_without_punctuation(env: Environment) -> None:
    customer_id, phone, email = _query(env, "SELECT id, phone, email FROM customers WHERE phone LIKE '%-%'"
                                            " ORDER BY id LIMIT 1")[0]
    with _admin(env) as client:
        page = client.get("/customer/index/", params={"search": re.sub(r"\D", "", phone)}).text
    assert email in page and f"/customer/index/edit/id/{customer_id}/" in page


def test_product_keyword_search_needs_every_word_in_any_order(env: Environment) -> None:
    product_id, name = next((pid, name) for pid, name in _query(env, "SELECT id, name FROM products ORDER BY id")
                            if len(name.split()) >= 3)
    words = name.split()
    with _admin(env) as client:
        reordered = client.get("/catalog/product/", params={"search": f"{words[2]} {words[0].lower()}"}).text
        missing = client.get("/catalog/product/", params={"search": f"{words[0]} zzzqqq"}).text
    assert f"/catalog/product/edit/id/{product_id}/" in reordered
    assert _records_found(missing) == 0


@pytest.mark.parametrize(("typed", "shown"), [("2/1/23", "2/1/23"), ("02/01/2023", "2/1/23"), ("2023-02-01", "2/1/23"),
                                              ("Feb 1, 2023", "2/1/23"), ("February 1 2023", "2/1/23")])
def test_dates_are_read_in_the_shapes_people_type(typed: str, shown: str) -> None:
    parsed = formats.parse_user_date(typed)
    assert parsed is not None and formats.report_date(parsed) == shown


@pytest.mark.parametrize(("typed", "cents"), [("27", 2700), ("27.5", 2750), ("$1,027.00", 102700), ("abc", None),
                                              ("1.999", None), ("-3", None)])
def test_prices_are_read_as_cents_or_refused(typed: str, cents: int | None) -> None:
    assert formats.parse_amount(typed) == cents


def test_review_grid_filters_text_and_pending_view(env: Environment) -> None:
    mentions = _scalar(env, "SELECT COUNT(*) FROM reviews WHERE body LIKE '%damaged%'")
    pending = _scalar(env, "SELECT COUNT(*) FROM reviews WHERE status = 'pending'")
    with _admin(env) as client:
        assert _records_found(client.get("/review/product/", params={"detail": "damaged"}).text) == mentions
        assert _records_found(client.get("/review/product/pending/").text) == pending


def test_search_terms_report_ranks_by_hits_across_pages(env: Environment) -> None:
    terms = _query(env, "SELECT term FROM search_terms ORDER BY hits DESC, term")
    with _admin(env) as client:
        first = client.get("/search/term/report/").text
        second = client.get("/search/term/report/", params={"page": "2"}).text
    shown = re.findall(r"<tr><td>([^<]+)</td><td class=\"num\">", first + second)
    assert shown == [term for (term,) in terms]


# --- reports --------------------------------------------------------------------------------------------------

def test_sales_report_echoes_dates_in_magento_format_and_adds_up(env: Environment) -> None:
    orders, total = _query(env, "SELECT COUNT(*), SUM(grand_total_cents) FROM orders"
                                " WHERE date(created_at) BETWEEN '2023-02-01' AND '2023-02-28'")[0]
    with _admin(env) as client:
        page = client.get("/reports/report_sales/sales/",
                          params={"period_type": "month", "from": "02/01/2023", "to": "Feb 28, 2023"}).text
    assert 'id="sales_report_from" type="text" name="from" placeholder="M/D/YY" value="2/1/23"' in page
    assert 'value="2/28/23"' in page
    assert f'<td class="num">{orders}</td>' in page and formats.money(total) in page


def test_report_without_or_with_reversed_dates_shows_guidance(env: Environment) -> None:
    with _admin(env) as client:
        empty = client.get("/reports/report_sales/bestsellers/").text
        reversed_ = client.get("/reports/report_sales/bestsellers/", params={"from": "3/1/23", "to": "2/1/23"}).text
    assert "click Show Report" in empty and "Order Quantity" not in empty
    assert "must be on or before" in reversed_


def test_bestsellers_report_ranks_units_sold_without_canceled_orders(env: Environment) -> None:
    name, qty = _query(env, """SELECT p.name, SUM(i.qty) AS q FROM order_items i JOIN orders o ON o.id = i.order_id
                              JOIN products p ON p.id = i.product_id WHERE o.status != 'canceled'
                              AND o.created_at LIKE '2022%' GROUP BY p.id ORDER BY q DESC, p.name LIMIT 1""")[0]
    with _admin(env) as client:
        page = client.get("/reports/report_sales/bestsellers/",
                          params={"period_type": "year", "from": "1/1/22", "to": "12/31/22"}).text
    first_row = re.search(r"<tbody>\s*<tr><td>2022</td><td class=\"num\">1</td><td>([^<]+)</td>.*?"
                          r"<td class=\"num\">(\d+)</td></tr>", page, re.S)
    assert first_row and first_row.group(1) == name.replace("'", "&#39;") and int(first_row.group(2)) == qty


# --- forms and actions ----------------------------------------------------------------------------------------

async def test_product_form_round_trip_in_the_browser(browser: Browser, fresh_env: Environment) -> None:
    product_id, price, stock = _query(fresh_env, "SELECT id, price_cents, stock FROM products WHERE enabled = 1"
                                                 " ORDER BY id LIMIT 1")[0]
    context = await browser.new_context(storage_state=fresh_env.storage_state(SITES))  # type: ignore[arg-type]
    try:
        page = await context.new_page()
        await page.goto(f"{_url(fresh_env)}/catalog/product/edit/id/{product_id}/")
        assert await page.get_by_role("textbox", name="Price").input_value() == formats.plain_amount(price)
        await page.get_by_role("textbox", name="Price").fill("not money")
        await page.get_by_role("button", name="Save").click()
        await page.wait_for_load_state()
        assert await page.get_by_role("alert").first.inner_text() == "Price: please enter a valid number, like 27.00."
        assert _scalar(fresh_env, "SELECT price_cents FROM products WHERE id = ?", product_id) == price

        await page.get_by_role("textbox", name="Price").fill("12.5")
        await page.get_by_role("textbox", name="Quantity").fill(str(stock + 7))
        await page.get_by_role("combobox", name="Enable Product").select_option(label="Disabled")
        await page.get_by_role("button", name="Save").click()
        await page.wait_for_load_state()
        assert await page.get_by_role("status").first.inner_text() == "You saved the product."
        assert await page.locator('[name="product[price]"]').input_value() == "12.50"
        assert await page.locator('[name="product[status]"]').input_value() == "2"
        assert _query(fresh_env, "SELECT price_cents, stock, enabled FROM products WHERE id = ?",
                      product_id)[0] == (1250, stock + 7, 0)
    finally:
        await context.close()


def test_new_product_is_created_and_duplicate_sku_refused(fresh_env: Environment) -> None:
    category = _scalar(fresh_env, "SELECT id FROM categories ORDER BY id LIMIT 1")
    taken_sku = _scalar(fresh_env, "SELECT sku FROM products ORDER BY id LIMIT 1")
    form = {"product[status]": "1", "product[name]": "Trail Water Bottle", "product[sku]": "TWB-750",
            "product[price]": "$1,019.99", "product[quantity_and_stock_status][qty]": "40",
            "product[category_id]": str(category), "product[description]": "Keeps water cold."}
    with _admin(fresh_env) as client:
        created = client.post("/catalog/product/save/", data=form)
        refused = client.post("/catalog/product/save/", data={**form, "product[sku]": taken_sku})
    new_id = _scalar(fresh_env, "SELECT id FROM products WHERE sku = 'TWB-750'")
    assert created.status_code == 303 and created.headers["location"] == f"/catalog/product/edit/id/{new_id}/"
    assert _query(fresh_env, "SELECT name, price_cents, stock, slug FROM products WHERE id = ?", new_id)[0] == \
        ("Trail Water Bottle", 101999, 40, "trail-water-bottle")
    assert refused.status_code == 200 and "is already used by another product" in refused.text


def test_hold_unhold_and_cancel_follow_magento_rules(fresh_env: Environment) -> None:
    order_id, status = _query(fresh_env, "SELECT id, status FROM orders WHERE status = 'processing'"
                                         " ORDER BY id LIMIT 1")[0]
    items = _query(fresh_env, "SELECT product_id, SUM(qty) FROM order_items WHERE order_id = ? GROUP BY product_id",
                   order_id)
    stock_before = {pid: _scalar(fresh_env, "SELECT stock FROM products WHERE id = ?", pid) for pid, _ in items}
    complete_id = _scalar(fresh_env, "SELECT id FROM orders WHERE status = 'complete' ORDER BY id LIMIT 1")
    with _admin(fresh_env) as client:
        client.post(f"/sales/order/hold/order_id/{order_id}/")
        assert _scalar(fresh_env, "SELECT status FROM orders WHERE id = ?", order_id) == "on_hold"
        client.post(f"/sales/order/unhold/order_id/{order_id}/")
        assert _scalar(fresh_env, "SELECT status FROM orders WHERE id = ?", order_id) == status
        client.post(f"/sales/order/cancel/order_id/{order_id}/")
        refused = client.post(f"/sales/order/cancel/order_id/{complete_id}/")
        assert "cannot be canceled" in client.get(refused.headers["location"]).text
    assert _scalar(fresh_env, "SELECT status FROM orders WHERE id = ?", order_id) == "canceled"
    assert _scalar(fresh_env, "SELECT status FROM orders WHERE id = ?", complete_id) == "complete"
    for pid, qty in items:
        assert _scalar(fresh_env, "SELECT stock FROM products WHERE id = ?", pid) == stock_before[pid] + qty


def test_order_comment_and_address_change_show_on_the_order(fresh_env: Environment) -> None:
    order_id = _scalar(fresh_env, "SELECT id FROM orders WHERE status = 'pending' ORDER BY id LIMIT 1")
    with _admin(fresh_env) as client:
        empty = client.post(f"/sales/order/addComment/order_id/{order_id}/", data={"history[comment]": ""})
        assert "Please enter a comment." in client.get(empty.headers["location"]).text
        client.post(f"/sales/order/addComment/order_id/{order_id}/",
                    data={"history[comment]": "Packed and ready.", "history[is_customer_notified]": "1"})
        client.post(f"/sales/order/address/order_id/{order_id}/",
                    data={"shipping_address": "  456 Oak Avenue,   New York, NY 10001 "})
        view = client.get(f"/sales/order/view/order_id/{order_id}/").text
    assert re.search(r"Customer Notified</span>\s*<div class=\"note-list-comment\">Packed and ready.</div>", view)
    assert '<address id="shipping_address">456 Oak Avenue, New York, NY 10001</address>' in view


def test_review_moderation_and_deletion(fresh_env: Environment) -> None:
    review_id, nickname, title, body = _query(
        fresh_env, "SELECT id, nickname, title, body FROM reviews WHERE status = 'pending' ORDER BY id LIMIT 1")[0]
    other = _scalar(fresh_env, "SELECT id FROM reviews WHERE id != ? ORDER BY id LIMIT 1", review_id)
    with _admin(fresh_env) as client:
        saved = client.post(f"/review/product/save/id/{review_id}/",
                            data={"status_id": "1", "nickname": nickname, "title": title, "detail": body,
                                  "back": "pending"})
        assert saved.headers["location"] == "/review/product/pending/"
        invalid = client.post(f"/review/product/save/id/{review_id}/",
                              data={"status_id": "9", "nickname": "", "title": title, "detail": body})
        client.post(f"/review/product/delete/id/{other}/")
    assert _scalar(fresh_env, "SELECT status FROM reviews WHERE id = ?", review_id) == "approved"
    assert "Please select a status." in invalid.text and "Nickname is a required field." in invalid.text
    assert _query(fresh_env, "SELECT id FROM reviews WHERE id = ?", other) == []


def test_cms_page_save_and_url_key_rules(fresh_env: Environment) -> None:
    (page_id, url_key), (_, other_key) = _query(fresh_env, "SELECT id, url_key FROM cms_pages ORDER BY id LIMIT 2")
    with _admin(fresh_env) as client:
        clash = client.post(f"/cms/page/save/page_id/{page_id}/",
                            data={"title": "Oops", "identifier": other_key, "content": "x", "is_active": "1"})
        client.post(f"/cms/page/save/page_id/{page_id}/",
                    data={"title": "Renamed", "identifier": url_key, "content": "New body", "is_active": "0"})
        edit = client.get(f"/cms/page/edit/page_id/{page_id}/").text
    assert "already exists" in clash.text
    assert _query(fresh_env, "SELECT title, content, is_active FROM cms_pages WHERE id = ?", page_id)[0] == \
        ("Renamed", "New body", 0)
    assert 'name="title" value="Renamed"' in edit


def test_customer_account_form_validates_email(fresh_env: Environment) -> None:
    (first_id, first_email), (second_id, _) = _query(fresh_env, "SELECT id, email FROM customers ORDER BY id LIMIT 2")
    with _admin(fresh_env) as client:
        taken = client.post(f"/customer/index/save/id/{second_id}/",
                            data={"customer[firstname]": "A", "customer[lastname]": "B",
                                  "customer[email]": first_email})
        saved = client.post(f"/customer/index/save/id/{second_id}/",
                            data={"customer[firstname]": "Ann", "customer[lastname]": "Bell",
                                  "customer[email]": "ann.bell@example.com", "customer[phone]": "555-0100"})
    assert "already exists" in taken.text and saved.status_code == 303
    assert _query(fresh_env, "SELECT first_name, last_name, email FROM customers WHERE id = ?", second_id)[0] == \
        ("Ann", "Bell", "ann.bell@example.com")
    assert _scalar(fresh_env, "SELECT email FROM customers WHERE id = ?", first_id) == first_email


# --- accessibility --------------------------------------------------------------------------------------------

UNNAMED_CONTROLS = """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea, a, button')]
  .filter(e => !((e.labels && e.labels.length) || e.getAttribute('aria-label') || e.innerText.trim()))
  .map(e => e.outerHTML.slice(0, 80))"""
DUPLICATE_NAMES = """() => {
  const names = [...document.querySelectorAll('main a[aria-label]')].map(e => e.getAttribute('aria-label'));
  return names.filter((n, i) => names.indexOf(n) !== i);
}"""


async def test_pages_name_every_control_for_the_accessibility_tree(browser: Browser, env: Environment) -> None:
    order_id = _scalar(env, "SELECT id FROM orders WHERE status = 'pending' ORDER BY id LIMIT 1")
    review_id = _scalar(env, "SELECT id FROM reviews ORDER BY id LIMIT 1")
    paths = ["/", "/sales/order/", f"/sales/order/view/order_id/{order_id}/", "/catalog/product/",
             "/catalog/product/new/", "/catalog/product/edit/id/1/", "/customer/index/", "/customer/index/edit/id/1/",
             "/review/product/", f"/review/product/edit/id/{review_id}/", "/cms/page/", "/cms/page/edit/page_id/1/",
             "/reports/report_sales/sales/?period_type=month&from=1/1/23&to=3/31/23",
             "/reports/report_customer/orders/?period_type=year&from=1/1/22&to=12/31/22", "/search/term/report/"]
    context = await browser.new_context(storage_state=env.storage_state(SITES))  # type: ignore[arg-type]
    try:
        page = await context.new_page()
        for path in paths:
            await page.goto(_url(env) + path)
            assert await page.get_by_role("heading", level=1).count() == 1, path
            assert await page.evaluate(UNNAMED_CONTROLS) == [], path
            assert await page.evaluate(DUPLICATE_NAMES) == [], path
            assert await page.locator("table:not(:has(th))").count() == 0, path
    finally:
        await context.close()
