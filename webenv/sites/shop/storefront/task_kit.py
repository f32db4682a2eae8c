"""The storefront's own task-writing blocks: its navigation steps, answer phrasings and config defaults.

Actions, plans and eval shapes come from `webenv.tasks.authoring`; what is here writes them the way the
storefront's pages name things ("searchbox Search", "link View Order 000000248"), so each task in
`storefront_tasks` reads as its plan.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from webenv.sites.shop import queries
from webenv.sites.shop.storefront.listing import CATEGORY_KEYS, CATEGORY_SORTS, SEARCH_KEYS, SEARCH_SORTS
from webenv.tasks.authoring import Action, Plan, TaskSite, click, select, type_into
from webenv.url_sets import UrlPage, page

SITE = "__SHOPPING__"
task = TaskSite("shopping", home=SITE, storage_state="./.auth/shopping_state.json").task  # a storefront config
ORDERS_PER_PAGE = 10  # "My Orders" page size (order_views.ORDERS_PER_PAGE)

# program_html locators, as WebArena writes them for Magento (they select real elements of our pages).
WISHLIST_GRID = "document.querySelector('.products-grid.wishlist').outerText"
NEWSLETTER_BOX = "document.querySelector('[title=\"General Subscription\"]').checked.toString()"
CONTACT_MESSAGE = "document.querySelector('[title=\"What’s on your mind?\"]').value"
ORDERED_ITEMS = 'document.querySelector(".order-details-items.ordered").outerText'
SHIPPING_BOX = 'document.querySelector(".box.box-address-shipping > .box-content").outerText'
BILLING_BOX = 'document.querySelector(".box.box-address-billing > .box-content").outerText'
LATEST_ORDER = "func:shopping_get_latest_order_url()"


# --- common navigation -----------------------------------------------------------------------------------------

def search(plan: Plan, term: str, reasoning: str) -> Plan:
    return plan.step(reasoning, f"Search the store for '{term}'.",
                     type_into("searchbox", "Search", term, enter=True))


def sort_listing(plan: Plan, order: str, direction: str, reasoning: str,
                 notes: tuple[str, ...] = ()) -> Plan:
    return plan.step(reasoning, f"Sort the listing by {order.lower()}, {direction.lower()}.",
                     select("Sort By", order), select("Direction", direction), click("button", "Sort"), notes=notes)


def open_my_orders(plan: Plan, reasoning: str, page: int = 1, notes: tuple[str, ...] = ()) -> Plan:
    """My Account -> My Orders, then "Next" until the wanted page of the (newest first) order list."""
    actions = [click("link", "My Account"), click("link", "My Orders")]
    actions.extend(click("link", "Next") for _ in range(page - 1))
    where = "" if page == 1 else f" and go to page {page} of the list"
    return plan.step(reasoning, f"Open My Account, then My Orders{where}.", *actions, notes=notes)


def order_page(orders_newest_first: list[queries.Row], order_id: int) -> int:
    """Which page of "My Orders" lists an order."""
    index = next(i for i, order in enumerate(orders_newest_first) if order["id"] == order_id)
    return index // ORDERS_PER_PAGE + 1


def view_order(order: queries.Row) -> Action:
    return click("link", f"View Order {order['increment_id']}")


def open_category(plan: Plan, trail: list[queries.Row], reasoning: str) -> Plan:
    """Top-level category from the menu, then each subcategory from the "Shop By" sidebar."""
    names = " > ".join(category["name"] for category in trail)
    actions = [click("link", trail[0]["name"])] + [click("link", category["name"]) for category in trail[1:]]
    return plan.step(reasoning, f"Open the category {names}.", *actions)


def category_trail(conn: Any, slug: str) -> list[queries.Row]:
    category = queries.category_by_slug(conn, slug)
    if category is None:
        raise LookupError(f"no category {slug!r}")
    return [*queries.breadcrumbs(conn, category), category]


# --- answer phrasings ------------------------------------------------------------------------------------------

def price_phrase(cents: int) -> str:
    """A must_include phrase for a price: "$85.00" may be written 85.00 or 85, "$1,364.97" with or without
    the comma."""
    options = [queries.dollars(cents), f"{cents / 100:,.2f}"]
    if cents % 100 == 0:
        options.append(str(cents // 100))
    return " |OR| ".join(dict.fromkeys(options))


def order_number_phrase(order: queries.Row) -> str:
    """An order may be cited as 000000285, 285 or #285."""
    return f"{order['increment_id']} |OR| {order['id']} |OR| #{order['id']}"


# --- gold pages (strict url_match) -------------------------------------------------------------------------------

def _listing_page(path: str, keys: tuple[str, ...], sorts: tuple[tuple[str, str], ...], params: dict[str, str],
                  aliases: tuple[str, ...] = ()) -> UrlPage:
    """A listing as the storefront shows it: its parameters in canonical order; the first sort option and the
    ascending direction are what the listing shows when they are absent."""
    unknown = set(params) - set(keys)
    if unknown:
        raise ValueError(f"not a parameter of this listing: {sorted(unknown)}")
    query = urlencode([(key, params[key]) for key in keys if params.get(key)])
    return page(f"{SITE}{path}" + (f"?{query}" if query else ""), paths=[f"{SITE}{alias}" for alias in aliases],
                defaults={"product_list_order": sorts[0][0], "product_list_dir": "asc"}, ignore_case=["q"])


def search_page(term: str, *, index: bool = False, **params: str) -> UrlPage:
    """The search results for a term (with a sort or price filter); `/catalogsearch/result/` and its `index/`
    alias are the same page (Magento's sort toolbar links to the latter)."""
    paths = ("/catalogsearch/result/", "/catalogsearch/result/index/")
    main, alias = paths[::-1] if index else paths
    return _listing_page(main, SEARCH_KEYS, SEARCH_SORTS, {"q": term, **params}, (alias,))


def category_page(slug: str, **params: str) -> UrlPage:
    """A category listing (`{slug}.html`) with a price filter or sort."""
    return _listing_page(f"/{slug}.html", CATEGORY_KEYS, CATEGORY_SORTS, params)


def order_view_page(order: queries.Row) -> UrlPage:
    return page(f"{SITE}/sales/order/view/order_id/{order['id']}/")


def contact_page() -> UrlPage:
    return page(f"{SITE}/contact", paths=[f"{SITE}/contact/index"])

