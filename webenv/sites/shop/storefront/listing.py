"""Category and search listings: filters from the query string, one canonical URL per listing, paging.

WebArena's navigation tasks are graded by URL ("GOLD in PRED": the reference URL must be a substring of the
agent's final URL), so equivalent listings must not have differently ordered query strings. Every listing URL is
redirected to one canonical parameter order — Magento's own for search (`?product_list_order=price&q=chairs&
product_list_dir=asc`), and price filter first for categories (`shoes.html?price=0-30`, then the sort).
The price filter form sends `price_from`/`price_to`; they are folded into Magento's `price=from-to` the same way.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse

from webenv.sites.common import Page, page_from
from webenv.sites.shop import queries

CATEGORY_KEYS = ("price", "product_list_order", "product_list_dir", "page")
SEARCH_KEYS = ("product_list_order", "q", "product_list_dir", "price", "page")
PAGE_SIZE = 12
CATEGORY_SORTS = (("position", "Position"), ("name", "Product Name"), ("price", "Price"))
SEARCH_SORTS = (("relevance", "Relevance"), ("name", "Product Name"), ("price", "Price"))
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _price_from_form(given: dict[str, str]) -> str | None:
    low, high = given.get("price_from", "").lstrip("$").strip(), given.get("price_to", "").lstrip("$").strip()
    low = low if _NUMBER.fullmatch(low) else ""
    high = high if _NUMBER.fullmatch(high) else ""
    return f"{low}-{high}" if low or high else None


def _amount(cents: int) -> str:
    return str(cents // 100) if cents % 100 == 0 else f"{cents / 100:.2f}"


def _price_param(text: str | None) -> str | None:
    """`-30`, `0.00-30.00` and `0-30` are one filter; its canonical spelling is `0-30` (open top: `100-`)."""
    parsed = queries.parse_price_range(text)
    if parsed is None:
        return None
    low, high = parsed
    return f"{_amount(low or 0)}-{_amount(high) if high is not None else ''}"


def canonical_params(request: Request, keys: tuple[str, ...], sorts: tuple[tuple[str, str], ...]) -> list[
        tuple[str, str]]:
    """The listing's parameters in canonical order, without empty, unknown or invalid values."""
    given = {key: value.strip() for key, value in request.query_params.items()}
    if (folded := _price_from_form(given)) is not None:
        given["price"] = folded
    if (price := _price_param(given.get("price"))) is None:
        given.pop("price", None)
    else:
        given["price"] = price
    if given.get("product_list_order") not in {value for value, _ in sorts}:
        given.pop("product_list_order", None)
    if given.get("product_list_dir") not in ("asc", "desc"):
        given.pop("product_list_dir", None)
    if not given.get("page", "").isdigit() or given.get("page") == "1":
        given.pop("page", None)
    return [(key, given[key]) for key in keys if given.get(key)]


def canonical_redirect(request: Request, keys: tuple[str, ...],
                       sorts: tuple[tuple[str, str], ...]) -> RedirectResponse | None:
    canonical = canonical_params(request, keys, sorts)
    if canonical == list(request.query_params.multi_items()):
        return None
    query = urlencode(canonical)
    return RedirectResponse(request.url.path + (f"?{query}" if query else ""), status_code=302)


@dataclass
class Listing:
    """One page of a listing plus everything its toolbar, filters and pager need."""

    path: str
    keys: tuple[str, ...]
    params: list[tuple[str, str]]
    sorts: tuple[tuple[str, str], ...]
    filter: queries.ProductFilter
    page: Page
    products: list[queries.Row]
    buckets: list[tuple[int, int | None, int]]

    def param(self, key: str) -> str:
        return dict(self.params).get(key, "")

    def url(self, **changes: str | int | None) -> str:
        """This listing's URL with some parameters changed (None removes one), in canonical order."""
        values = dict(self.params)
        for key, value in changes.items():
            if value is None:
                values.pop(key, None)
            else:
                values[key] = str(value)
        if values.get("page") == "1":
            values.pop("page")
        query = urlencode([(key, values[key]) for key in self.keys if values.get(key)])
        return self.path + (f"?{query}" if query else "")

    def page_url(self, number: int) -> str:
        return self.url(page=number)

    def bucket_value(self, low: int, high: int | None) -> str:
        return f"{low // 100}-{high // 100 if high is not None else ''}"

    @property
    def first_item(self) -> int:
        return self.page.offset + 1 if self.page.total else 0

    @property
    def last_item(self) -> int:
        return min(self.page.offset + self.page.size, self.page.total)


def build_listing(conn: sqlite3.Connection, request: Request, *, keys: tuple[str, ...],
                  sorts: tuple[tuple[str, str], ...], category_id: int | None = None,
                  query: str | None = None) -> Listing:
    params = canonical_params(request, keys, sorts)
    values = dict(params)
    price = queries.parse_price_range(values.get("price")) or (None, None)
    flt = queries.ProductFilter(category_id=category_id, query=query, price_from=price[0], price_to=price[1],
                                order=values.get("product_list_order", sorts[0][0]),
                                direction=values.get("product_list_dir", "asc"))
    total = queries.count_products(conn, flt)
    page = page_from(request, total, size=PAGE_SIZE)
    products = queries.find_products(conn, flt, limit=page.size, offset=page.offset)
    unfiltered = queries.ProductFilter(category_id=category_id, query=query)
    return Listing(path=request.url.path, keys=keys, params=params, sorts=sorts, filter=flt, page=page,
                   products=products, buckets=queries.price_buckets(conn, unfiltered))
