"""The storefront's tasks ("shopping", intent templates 1000+), in WebArena's config format.

They mirror WebArena-Lite's shopping tasks in kind and in evaluation mix: questions about prices, orders and
reviews (`string_match`), navigation to a search, a filtered or sorted listing or an order (`url_match`, GOLD in
PRED), and changes to the customer's state — wish list, newsletter, address book, a drafted contact message, a
purchase checked through `func:shopping_get_latest_order_url()` (`program_html`). Three are unachievable.
Every product, order and answer is looked up in the seed database with `queries`, never typed here; the
instance lists only name *which* things to ask about.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from webenv.answers import cents, code, count, date, name, names, neighbours, not_achievable
from webenv.sites.common import connect
from webenv.sites.shop import queries
from webenv.sites.shop.seed import EMMA_EMAIL
from webenv.sites.shop.storefront.listing import PAGE_SIZE
from webenv.sites.shop.storefront.task_kit import (
    BILLING_BOX,
    CONTACT_MESSAGE,
    LATEST_ORDER,
    NEWSLETTER_BOX,
    ORDERED_ITEMS,
    SHIPPING_BOX,
    SITE,
    WISHLIST_GRID,
    category_page,
    category_trail,
    contact_page,
    open_category,
    open_my_orders,
    order_number_phrase,
    order_page,
    order_view_page,
    price_phrase,
    search,
    search_page,
    sort_listing,
    task,
    view_order,
)
from webenv.tasks.authoring import Plan, click, html_check, html_eval, scroll, select, string_eval, type_into, url_eval

Task = dict[str, Any]


def _emma(conn: sqlite3.Connection) -> queries.Row:
    customer = queries.customer_by_email(conn, EMMA_EMAIL)
    assert customer is not None, "the seed lacks the default customer"
    return customer


def _product_url(product: queries.Row) -> str:
    return f"{SITE}/{product['slug']}.html"


def _only_result(conn: sqlite3.Connection, term: str) -> queries.Row:
    """The single product a search term finds (tasks that search for one thing must not be ambiguous)."""
    found = queries.find_products(conn, queries.ProductFilter(query=term))
    if len(found) != 1:
        raise LookupError(f"search {term!r} finds {len(found)} products, expected exactly one")
    return found[0]


def _open_product(plan: Plan, product: queries.Row, term: str, reasoning: str) -> Plan:
    search(plan, term, reasoning)
    return plan.step("The result list links each product by its name.", f"Open '{product['name']}'.",
                     click("link", product["name"]))


# --- string_match: information seeking ------------------------------------------------------------------------

def price_range(conn: sqlite3.Connection) -> list[Task]:
    template = "What is the price range of {{product}} in the One Stop Market?"
    tasks = []
    for product, term in (("teeth grinding mouth guards", "mouth guard"), ("office chairs", "office chair"),
                          ("Bluetooth speakers", "bluetooth speaker")):
        flt = queries.ProductFilter(query=term, order="price")
        found = queries.find_products(conn, flt)
        assert 1 < len(found) <= PAGE_SIZE, f"{term!r}: results must fit one page"
        low, high = queries.price_range(conn, flt)
        answer = f"{queries.money(low)} - {queries.money(high)}"
        plan = search(Plan(), term, f"The store search lists every {product[:-1]} with its price.")
        sort_listing(plan, "Price", "Ascending", "Sorted by price, the cheapest comes first and the dearest last.",
                     notes=(f"Cheapest: {found[0]['name']} at {queries.money(low)}",
                            f"Most expensive: {found[-1]['name']} at {queries.money(high)}"))
        solution = plan.finish("Both ends of the range are known.", f"Answer with the range {answer}.", answer)
        # Distractors: the second-cheapest and second-dearest prices (a range read one row off).
        runners_up = {found[1]["price_cents"], found[-2]["price_cents"]} - {low, high}
        tasks.append(task(1000, template, {"product": product},
                          string_eval([cents(low), cents(high)], exclude=[cents(c) for c in sorted(runners_up)],
                                      raw=answer), solution))
    return tasks


def month_spend(conn: sqlite3.Connection) -> list[Task]:
    template = "How much did I spend at One Stop Market in {{month}}? Canceled orders don't count."
    emma = _emma(conn)
    orders = queries.orders_of(conn, emma["id"])
    tasks = []
    for year, month, label in ((2022, 3, "March 2022"), (2022, 11, "November 2022"), (2023, 5, "May 2023")):
        in_month = queries.orders_in_month(conn, emma["id"], year, month)
        total = queries.spend_in_month(conn, emma["id"], year, month)
        pages = sorted({order_page(orders, order["id"]) for order in in_month})
        assert len(pages) == 1, "the month's orders should sit on one page of My Orders"
        notes = tuple(f"Order {o['increment_id']} of {queries.short_date(o['created_at'])}: "
                      f"{queries.money(o['grand_total_cents'])}, {queries.STATUS_LABELS[o['status']]}"
                      for o in in_month)
        plan = open_my_orders(Plan(), "My Orders lists every order with its date, total and status.", pages[0],
                              notes=notes)
        answer = queries.money(total)
        solution = plan.finish("Adding the totals of the month's orders that were not canceled gives the spend.",
                               f"Answer with the sum, {answer}.", answer)
        # Distractors: the sum with canceled orders counted, and each single order's total.
        wrong = {queries.spend_in_month(conn, emma["id"], year, month, exclude=()),
                 *(o["grand_total_cents"] for o in in_month)} - {total}
        tasks.append(task(1001, template, {"month": label},
                          string_eval(cents(total), exclude=[cents(c) for c in sorted(wrong)], raw=answer),
                          solution))
    return tasks


def last_ordered(conn: sqlite3.Connection) -> list[Task]:
    template = "When did I last order {{item}}?"
    emma = _emma(conn)
    orders = queries.orders_of(conn, emma["id"])
    tasks = []
    for item, name_part in (("the body butter", "Body Butter"), ("English breakfast tea", "English Breakfast")):
        with_item = queries.orders_with_product(conn, emma["id"], name_part)
        latest = with_item[0]
        when = queries.long_date(latest["created_at"])
        plan = open_my_orders(Plan(), "Order dates are in My Orders; the items are on each order's page.",
                              order_page(orders, latest["id"]))
        plan.step("Going from the newest order backwards, this is the first one with the item.",
                  f"Open order {latest['increment_id']} to confirm it contains the {name_part.lower()}.",
                  view_order(latest), notes=(f"Order {latest['increment_id']} of {when} contains {name_part}",))
        solution = plan.finish("The newest order with the item gives the date.", f"Answer {when}.",
                               f"You last ordered it on {when} (order {latest['increment_id']}).")
        # Distractors: the earlier orders with the item, and the newest order of all (which may lack it).
        earlier = {o["created_at"][:10] for o in [*with_item[1:], orders[0]]} - {latest["created_at"][:10]}
        tasks.append(task(1002, template, {"item": item},
                          string_eval(date(latest["created_at"][:10]), exclude=[date(d) for d in sorted(earlier)],
                                      raw=when), solution))
    return tasks


def rounded_rating(conn: sqlite3.Connection) -> list[Task]:
    template = "What is the rating of {{product}}? Please round to the nearest whole number of stars."
    tasks = []
    for label, term in (("the SmileGuard night guard", "smileguard"), ("the Anker Soundcore 2 speaker",
                                                                        "soundcore 2 portable")):
        product = _only_result(conn, term)
        reviews, average = queries.rating_summary(conn, product["id"])
        assert average is not None, f"{product['name']} has no reviews"
        stars, percent = round(average), queries.rating_percent(average)
        plan = _open_product(Plan(), product, term, "The product page shows the average rating of its reviews.")
        plan.note(f"Rating {percent}% = {average:.1f} out of 5 stars from {reviews} reviews")
        answer = f"{stars} stars (the average is {average:.1f} out of 5, {percent}%)"
        solution = plan.finish("Rounding the average gives the whole number of stars.", f"Answer {stars} stars.",
                               answer)
        tasks.append(task(1003, template, {"product": label},
                          string_eval(count(stars), exclude=neighbours(count(stars), -1, 1),
                                      must_include=[f"{stars} |OR| {percent}"], raw=answer), solution))
    return tasks


def reviewers_mentioning(conn: sqlite3.Connection) -> list[Task]:
    template = "List out reviewers, if exist, who mention about {{topic}}"
    tasks = []
    for product_name, color, phrase, topic in (
        ("3-Pack Samsung Galaxy S6 Screen Protector, Tempered Glass with 9H Hardness", None, "fingerprint",
         "good fingerprint resistance"),
        ("Slim Mouth Guard for Teeth Clenching, Travel Size with Case, 2 Pack", None, "jaw pain",
         "relief from jaw pain"),
        ("Canon PIXMA TR4720 All-in-One Wireless Printer", None, "out of ink", "running out of ink"),
    ):
        product = queries.product_by_name(conn, product_name, color)
        reviewers = queries.reviewers_mentioning(conn, product["id"], phrase)
        assert reviewers, f"no review of {product_name} mentions {phrase!r}"
        answer = ", ".join(reviewers)
        others = sorted({r["nickname"] for r in queries.approved_reviews(conn, product["id"])} - set(reviewers))
        plan = Plan().step("The reviews are listed below the product details.",
                           f"Scroll down and read every review, looking for mentions of {topic}.", scroll(),
                           scroll(), notes=tuple(f"{who} mentions {phrase}" for who in reviewers))
        solution = plan.finish("All reviews have been read.", f"Answer with the reviewers: {answer}.", answer)
        # Distractors: every other reviewer of the product (a list with one of them added is wrong).
        tasks.append(task(1004, template, {"topic": topic},
                          string_eval(names(reviewers), exclude=[name(other) for other in others], raw=answer),
                          solution, start_url=_product_url(product)))
    return tasks


def variant_sku(conn: sqlite3.Connection) -> list[Task]:
    template = "What is the SKU of the {{color}} {{product}}?"
    tasks = []
    for label, term, color in (("Hydro Flask 21 oz Standard Mouth water bottle", "hydro flask", "Olivine"),
                               ("EYZUTAK case for iPhone 13 Pro Max", "eyzutak iphone 13", "Rose Gold")):
        product = _only_result(conn, f"{term} {color}")
        plan = _open_product(Plan(), product, f"{term} {color}",
                             "The colour variants share one name; searching with the colour finds the right one.")
        plan.note(f"Color {color}: SKU {product['sku']}")
        solution = plan.finish("The product page shows the SKU.", f"Answer {product['sku']}.", product["sku"])
        # Distractors: the SKUs of the product's other colours.
        siblings = [p["sku"] for p in queries.find_products(conn, queries.ProductFilter(query=term))
                    if p["name"] == product["name"] and p["sku"] != product["sku"]]
        tasks.append(task(1005, template, {"color": color, "product": label},
                          string_eval(code(product["sku"]), exclude=[code(sku) for sku in siblings],
                                      raw=product["sku"]), solution))
    return tasks


def order_statuses(conn: sqlite3.Connection) -> list[Task]:
    template = "Show me the order statuses for order number {{first}} and {{second}}."
    emma = _emma(conn)
    orders = queries.orders_of(conn, emma["id"])
    # An old canceled order and the newest pending one: a page apart in My Orders.
    first = next(o for o in reversed(orders) if o["status"] == "canceled" and o["created_at"] >= "2022-06")
    second = queries.orders_of(conn, emma["id"], "pending")[0]
    plan = open_my_orders(Plan(), "My Orders shows each order's status.", order_page(orders, second["id"]),
                          notes=(f"Order {second['increment_id']}: {queries.STATUS_LABELS[second['status']]}",))
    later = order_page(orders, first["id"]) - order_page(orders, second["id"])
    plan.step("The older order is further down the list.", f"Go to the page listing order {first['increment_id']}.",
              *(click("link", "Next") for _ in range(later)),
              notes=(f"Order {first['increment_id']}: {queries.STATUS_LABELS[first['status']]}",))
    expected = [f"{o['id']}: {queries.STATUS_LABELS[o['status']]}" for o in (first, second)]
    answer = ", ".join(expected)
    solution = plan.finish("Both statuses are known.", f"Answer {answer}.", answer)
    # Each status must be stated next to its order number; the other statuses a row can show are distractors.
    labels = {o["id"]: queries.STATUS_LABELS[o["status"]] for o in (first, second)}
    statuses = [name(labels[o["id"]], *(["Cancelled"] if labels[o["id"]] == "Canceled" else []))
                .about(str(o["id"]), o["increment_id"]) for o in (first, second)]
    others = sorted(set(queries.STATUS_LABELS.values()) - set(labels.values()))
    return [task(1006, template, {"first": str(first["id"]), "second": str(second["id"])},
                 string_eval(statuses, exclude=[name(label) for label in others], raw=answer), solution)]


def latest_order_total(conn: sqlite3.Connection) -> list[Task]:
    template = "Tell me the total cost of my latest {{status}} order?"
    emma = _emma(conn)
    tasks = []
    for status in ("complete", "canceled"):
        of_status = queries.orders_of(conn, emma["id"], status)
        order = of_status[0]
        total = queries.money(order["grand_total_cents"])
        plan = open_my_orders(Plan(), "My Orders lists the newest orders first with status and total.",
                              notes=(f"Latest {status} order: {order['increment_id']}, total {total}",))
        solution = plan.finish(f"The first {status} row is the latest one.", f"Answer {total}.", total)
        # Distractors: the next order of that status, the newest order of any status, the total before shipping.
        wrong = {of_status[1]["grand_total_cents"], queries.orders_of(conn, emma["id"])[0]["grand_total_cents"],
                 order["subtotal_cents"]} - {order["grand_total_cents"]}
        tasks.append(task(1007, template, {"status": status},
                          string_eval(cents(order["grand_total_cents"]), exclude=[cents(c) for c in sorted(wrong)],
                                      raw=total), solution))
    return tasks


def canceled_refund(conn: sqlite3.Connection) -> list[Task]:
    template = "How much refund should I expect from my orders canceled in {{year}}, including shipping fee?"
    emma = _emma(conn)
    orders = queries.orders_of(conn, emma["id"])
    tasks = []
    years = (2022, 2023)
    for year in years:
        canceled = [o for o in queries.orders_of(conn, emma["id"], "canceled") if o["created_at"].startswith(str(year))]
        pages = sorted({order_page(orders, o["id"]) for o in canceled})
        assert len(pages) == 1, "the year's canceled orders should sit on one page of My Orders"
        total = queries.canceled_total(conn, emma["id"], year)
        plan = open_my_orders(Plan(), "My Orders shows each order's status and its total including shipping.",
                              pages[0], notes=tuple(f"Canceled order {o['increment_id']} of "
                                                     f"{queries.short_date(o['created_at'])}: "
                                                     f"{queries.money(o['grand_total_cents'])}" for o in canceled))
        answer = queries.money(total)
        solution = plan.finish("The refund is the sum of the canceled orders' grand totals.", f"Answer {answer}.",
                               answer)
        # Distractors: the refund without shipping, and the other year's refund.
        other_year = next(y for y in years if y != year)
        wrong = {sum(o["subtotal_cents"] for o in canceled), queries.canceled_total(conn, emma["id"], other_year)}
        tasks.append(task(1008, template, {"year": str(year)},
                          string_eval(cents(total), exclude=[cents(c) for c in sorted(wrong - {total})], raw=answer),
                          solution))
    return tasks


# --- string_match: unachievable --------------------------------------------------------------------------------

def customer_service_phone(conn: sqlite3.Connection) -> list[Task]:
    template = "Which number should I call for customer service?"
    plan = Plan().step("A phone number would be on the Contact Us page if anywhere.", "Open Contact Us.",
                       click("link", "Contact Us"), notes=("The contact page offers only a message form",))
    solution = plan.finish("The site publishes no phone number.", "Report that this cannot be answered.", "N/A")
    return [task(1009, template, {}, string_eval(not_achievable(), exact="N/A", raw="N/A",
                                                 note="There is no phone number on the website"), solution)]


def change_shipped_address(conn: sqlite3.Connection) -> list[Task]:
    template = "Change the delivery address for my most recent order to {{address}}."
    emma = _emma(conn)
    latest = queries.orders_of(conn, emma["id"])[0]
    plan = open_my_orders(Plan(), "The most recent order is first in My Orders.")
    plan.step("Its page shows the shipping address.", f"Open order {latest['increment_id']}.", view_order(latest),
              notes=("The order page shows the shipping address but offers no way to change it",))
    solution = plan.finish("Placed orders cannot be edited by the customer.", "Report that this cannot be done.",
                           "N/A")
    return [task(1010, template, {"address": "77 Massachusetts Ave, Cambridge, MA"},
                 string_eval(not_achievable(), fuzzy=["N/A"], raw="N/A",
                             note="The shipping address cannot be changed after an order is placed on the website."),
                 solution)]


def unreviewed_product(conn: sqlite3.Connection) -> list[Task]:
    template = "What do customers say about {{product}}?"
    product = _only_result(conn, "magsafe")
    assert queries.rating_summary(conn, product["id"])[0] == 0, "the MagSafe charger must have no reviews"
    plan = _open_product(Plan(), product, "magsafe", "Customer opinions are the product's reviews.")
    plan.note("There are no reviews for this product yet")
    solution = plan.finish("Nobody has reviewed it.", "Report that there are no reviews.", "N/A")
    return [task(1011, template, {"product": "the Apple MagSafe charger"},
                 string_eval(not_achievable(), fuzzy=["N/A"], raw="N/A",
                             note="The Apple MagSafe charger has no reviews"), solution)]


# --- url_match: navigation -------------------------------------------------------------------------------------

def search_for(conn: sqlite3.Connection) -> list[Task]:
    template = 'Search for "{{term}}"'
    tasks = []
    for term in ("switch game case", "vegan jerky", "noise cancelling headphones"):
        assert queries.count_products(conn, queries.ProductFilter(query=term)), f"{term!r} finds nothing"
        plan = search(Plan(), term, "The search box is in the page header.")
        solution = plan.finish("The search results are shown.", "Stop on the results page.")
        tasks.append(task(1020, template, {"term": term}, url_eval(search_page(term)), solution))
    return tasks


def search_sorted(conn: sqlite3.Connection) -> list[Task]:
    template = 'Show me the "{{term}}" listings by {{direction}} price.'
    tasks = []
    for term, direction in (("desk", "ascending"), ("candles", "descending")):
        assert queries.count_products(conn, queries.ProductFilter(query=term)) > 1
        code = "asc" if direction == "ascending" else "desc"
        plan = search(Plan(), term, "The listings for a term are its search results.")
        sort_listing(plan, "Price", direction.title(), "The toolbar above the results sorts them.")
        solution = plan.finish("The results are sorted as asked.", "Stop on the sorted results.")
        gold = search_page(term, product_list_order="price", product_list_dir=code, index=True)
        tasks.append(task(1021, template, {"term": term, "direction": direction}, url_eval(gold), solution))
    return tasks


def category_under_price(conn: sqlite3.Connection) -> list[Task]:
    template = 'Show me products under ${{price}} in "{{category}}" category'
    tasks = []
    for price, label, slug in ((30, "men shoes", "clothing-shoes-jewelry/men/shoes"),
                               (20, "snacks and sweets", "grocery-gourmet-food/snacks-sweets")):
        trail = category_trail(conn, slug)
        under = queries.count_products(conn, queries.ProductFilter(category_id=trail[-1]["id"], price_to=price * 100))
        assert under, f"nothing in {slug} under ${price}"
        plan = open_category(Plan(), trail, "Categories are reached from the top menu and the Shop By sidebar.")
        plan.step("The sidebar's price filter takes a range; only the maximum matters here.",
                  f"Filter the listing to prices up to ${price}.",
                  type_into("textbox", "Maximum price", str(price)), click("button", "Filter by price"),
                  notes=(f"{under} products cost less than ${price}",))
        solution = plan.finish("The filtered listing is shown.", "Stop on the filtered category page.")
        tasks.append(task(1022, template, {"price": str(price), "category": label},
                          url_eval(category_page(slug, price=f"0-{price}")), solution))
    return tasks


def category_sorted(conn: sqlite3.Connection) -> list[Task]:
    template = "List products from {{category}} category by {{direction}} price"
    tasks = []
    for label, slug, direction in (("living room furniture", "home-kitchen/furniture/living-room-furniture",
                                    "descending"),
                                   ("competitive swimwear",
                                    "clothing-shoes-jewelry/sport-specific-clothing/competitive-swimwear",
                                    "ascending")):
        trail = category_trail(conn, slug)
        code = "asc" if direction == "ascending" else "desc"
        plan = open_category(Plan(), trail, "Categories are reached from the top menu and the Shop By sidebar.")
        sort_listing(plan, "Price", direction.title(), "The toolbar above the products sorts them.")
        solution = plan.finish("The category is sorted as asked.", "Stop on the sorted category page.")
        tasks.append(task(1023, template, {"category": label, "direction": direction},
                          url_eval(category_page(slug, product_list_order="price", product_list_dir=code)),
                          solution))
    return tasks


def latest_order_with_status(conn: sqlite3.Connection) -> list[Task]:
    template = "Show me the most recent {{status}} order"
    emma = _emma(conn)
    orders = queries.orders_of(conn, emma["id"])
    order = queries.orders_of(conn, emma["id"], "processing")[0]
    plan = open_my_orders(Plan(), "My Orders lists orders newest first with their status.",
                          order_page(orders, order["id"]))
    plan.step("The first Processing row is the most recent processing order.", f"Open order {order['increment_id']}.",
              view_order(order))
    solution = plan.finish("The order is shown.", "Stop on the order page.")
    return [task(1024, template, {"status": "processing"},
                 url_eval(order_view_page(order)), solution)]


# --- program_html: changing the customer's state ---------------------------------------------------------------

def _wishlist_task(product: queries.Row, expected: list[str], values: dict[str, str], plan: Plan,
                   start_url: str = SITE, template: str = "Add {{product}} to my wish list",
                   template_id: int = 1030) -> Task:
    plan.step("The product page has an Add to Wish List button.", "Add the product to the wish list.",
              click("button", "Add to Wish List"))
    solution = plan.finish("The wish list now shows the product.", "Stop.")
    return task(template_id, template, values,
                html_eval(html_check(f"{SITE}/wishlist/", WISHLIST_GRID, must_include=expected)),
                solution, start_url=start_url)


def add_to_wishlist(conn: sqlite3.Connection) -> list[Task]:
    this = queries.product_by_name(
        conn, "Elmwood Inn Fine Teas, Orange Vanilla Caffeine-free Fruit Infusion, 16-Ounce Pouch")
    seeds = _only_result(conn, "burpee wildflower")
    desk = queries.find_products(conn, queries.ProductFilter(query="white desk", order="relevance"))[0]
    return [
        _wishlist_task(this, [this["name"]], {}, Plan(), start_url=_product_url(this),
                       template="Add this product to my wish list", template_id=1031),
        _wishlist_task(seeds, [seeds["name"]], {"product": "the Burpee wildflower seed mix"},
                       _open_product(Plan(), seeds, "burpee wildflower", "The search finds the seed mix.")),
        _wishlist_task(desk, ["white", "desk"], {"product": "a white desk"},
                       _open_product(Plan(), desk, "white desk", "Searching for the colour and the thing together "
                                                                 "finds white desks.")),
    ]


def subscribe_newsletter(conn: sqlite3.Connection) -> list[Task]:
    assert not _emma(conn)["newsletter"], "the default customer must start unsubscribed"
    plan = Plan().step("Newsletter settings are part of the account.",
                       "Open My Account, then Newsletter Subscriptions.",
                       click("link", "My Account"), click("link", "Newsletter Subscriptions"))
    plan.step("One checkbox controls the general newsletter.", "Tick General Subscription and save.",
              click("checkbox", "General Subscription"), click("button", "Save"))
    solution = plan.finish("The subscription is saved.", "Stop.")
    return [task(1032, "Subscribe to the newsletter of OneStopMarket", {},
                 html_eval(html_check(f"{SITE}/newsletter/manage/", NEWSLETTER_BOX, exact_match="true")), solution)]


def update_address(conn: sqlite3.Connection) -> list[Task]:
    template = "I recently moved, my address is {{address}}, update my information on OneStopShopping accordingly"
    tasks = []
    for street, city, state_code, state, postcode in (("111 Magnolia Path", "Atlanta", "GA", "Georgia", "30303"),
                                                ("77 Massachusetts Ave", "Cambridge", "MA", "Massachusetts",
                                                 "02139")):
        expected = [street, f"{city}, {state}, {postcode}"]
        plan = Plan().step("Addresses are kept in the account's address book.", "Open My Account, then Address Book.",
                           click("link", "My Account"), click("link", "Address Book"))
        plan.step("One address is both the default billing and shipping address; editing it updates both.",
                  "Open the default shipping address for editing.", click("link", "Change Shipping Address"))
        plan.step(f"{state_code} is the state of {state}.", "Enter the new street, city, state and zip code, and save.",
                  type_into("textbox", "Street Address", street), type_into("textbox", "City", city),
                  select("State/Province", state), type_into("textbox", "Zip/Postal Code", postcode),
                  click("button", "Save Address"))
        solution = plan.finish("The address book shows the new address.", "Stop.")
        checks = [html_check(f"{SITE}/customer/address", box, must_include=expected)
                  for box in (SHIPPING_BOX, BILLING_BOX)]
        tasks.append(task(1033, template, {"address": f"{street}, {city}, {state_code}, {postcode}"}, html_eval(*checks),
                          solution))
    return tasks


def _draft_refund(plan: Plan, message: str) -> Plan:
    return plan.step("The Contact Us form in the footer takes a free-text message.",
                     "Open Contact Us and write the refund request, without submitting it.",
                     click("link", "Contact Us"), type_into("textbox", "What’s on your mind?", message))


def refund_draft(conn: sqlite3.Connection) -> list[Task]:
    template = ('Draft a refund message via their "contact us" form for the {{product}} I bought {{time}}. '
                "It broke after three days of use. The shop requires the order id, the reason and the amount to "
                "refund in the message. Don't submit yet")
    emma = _emma(conn)
    orders = queries.orders_of(conn, emma["id"])
    tasks = []
    for product, time, name_part, month in (("phone screen protector", "in March 2023", "Screen Protector", "2023-03"),
                                            ("Bluetooth speaker", "in August 2022", "Speaker", "2022-08")):
        order = next(o for o in queries.orders_with_product(conn, emma["id"], name_part)
                     if o["created_at"].startswith(month))
        item = next(i for i in queries.order_items(conn, order["id"]) if name_part in i["name"])
        amount = item["price_cents"] * item["qty"]
        plan = open_my_orders(Plan(), "The order number and the price paid are in the order history.",
                              order_page(orders, order["id"]))
        plan.step(f"The {time.removeprefix('in ')} order with the {product} is this one.",
                  f"Open order {order['increment_id']}.", view_order(order),
                  notes=(f"Order {order['increment_id']}: {item['name']} for {queries.money(amount)}",))
        message = (f"Hello, I would like a refund for order #{order['increment_id']}: the {item['name']} broke "
                   f"after three days of use. Please refund {queries.money(amount)}.")
        _draft_refund(plan, message)
        solution = plan.finish("The message is drafted and left unsent, as asked.", "Stop without submitting.")
        check = html_check("last", CONTACT_MESSAGE, must_include=[
            "refund", "broke", order_number_phrase(order), price_phrase(amount)])
        tasks.append(task(1034, template, {"product": product, "time": time}, html_eval(check), solution))
    return tasks


def refund_with_sku(conn: sqlite3.Connection) -> list[Task]:
    template = ('Fill the "contact us" form in the site for a refund on the {{product}} I bought, stating that it '
                "broke after just three days of use. Also, ensure to include the order number #{{order}} and the "
                "product SKU. Don't submit yet, I will check.")
    emma = _emma(conn)
    orders = queries.orders_of(conn, emma["id"])
    order = next(o for o in queries.orders_with_product(conn, emma["id"], "Headphones"))
    item = next(i for i in queries.order_items(conn, order["id"]) if "Headphones" in i["name"])
    plan = open_my_orders(Plan(), "The SKU is on the order's page.", order_page(orders, order["id"]))
    plan.step("The order named in the task holds the headphones.", f"Open order {order['increment_id']}.",
              view_order(order), notes=(f"{item['name']}: SKU {item['sku']}",))
    _draft_refund(plan, f"I am requesting a refund for order #{order['id']}. The {item['name']} (SKU {item['sku']}) "
                        "broke after just three days of use.")
    solution = plan.finish("The form is filled and left unsent, as asked.", "Stop without submitting.")
    check = html_check("last", CONTACT_MESSAGE, must_include=["refund", "broke", order_number_phrase(order),
                                                              item["sku"]])
    return [task(1035, template, {"product": "Bluetooth headphones", "order": str(order["id"])},
                 html_eval(check, reference_url=contact_page()), solution)]


def _checkout(plan: Plan) -> Plan:
    return plan.step("Checkout keeps the default address, flat-rate shipping and check/money order payment.",
                     "Proceed to checkout and place the order.",
                     click("link", "Proceed to Checkout"), click("button", "Place Order"))


def _latest_order_check(*expected: str) -> dict[str, Any]:
    return html_eval(html_check(LATEST_ORDER, ORDERED_ITEMS, must_include=list(expected)))


def reorder_canceled(conn: sqlite3.Connection) -> list[Task]:
    template = ("I previously ordered a {{item}} during summer 2022 and later canceled it. Can you reorder it for "
                "me?")
    emma = _emma(conn)
    orders = queries.orders_of(conn, emma["id"])
    order = next(o for o in queries.orders_with_product(conn, emma["id"], "Makeup Remover Kit")
                 if o["status"] == "canceled" and "2022-06" <= o["created_at"][:7] <= "2022-08")
    item = next(i for i in queries.order_items(conn, order["id"]) if "Makeup Remover Kit" in i["name"])
    plan = open_my_orders(Plan(), "The canceled order is in the order history.", order_page(orders, order["id"]))
    plan.step("This canceled summer order contains the kit.", f"Open order {order['increment_id']} and reorder it.",
              view_order(order), click("button", "Reorder"), notes=(f"{item['name']}: SKU {item['sku']}",))
    solution = _checkout(plan).finish("The kit has been ordered again.", "Stop.")
    return [task(1036, template, {"item": "make up removal kit"}, _latest_order_check(item["sku"]), solution)]


def _best_rated(conn: sqlite3.Connection, slug: str, low: int, high: int) -> queries.Row | None:
    """The unambiguous best-rated product of a category within a budget, if it can be bought."""
    category = queries.category_by_slug(conn, slug)
    assert category is not None
    flt = queries.ProductFilter(category_id=category["id"], price_from=low * 100, price_to=high * 100 + 1)
    ranked = sorted(queries.find_products(conn, flt), key=lambda p: -(p["rating_avg"] or 0))
    if len(ranked) < 2 or (ranked[0]["rating_avg"] or 0) <= (ranked[1]["rating_avg"] or 0) or ranked[0]["stock"] < 1:
        return None
    return ranked[0]


def buy_best_rated(conn: sqlite3.Connection) -> list[Task]:
    template = ("Buy the highest rated product from the {{category}} category within a budget between {{low}} and "
                "{{high}}.")
    options = (("meat substitute", "grocery-gourmet-food/meat-substitutes", 30, 60),
               ("competitive swimwear", "clothing-shoes-jewelry/sport-specific-clothing/competitive-swimwear", 20, 60),
               ("snacks and sweets", "grocery-gourmet-food/snacks-sweets", 10, 25))
    label, slug, low, high, best = next((label, slug, low, high, best) for label, slug, low, high in options
                                        if (best := _best_rated(conn, slug, low, high)) is not None)
    trail = category_trail(conn, slug)
    listed = queries.find_products(conn, queries.ProductFilter(category_id=trail[-1]["id"]))
    plan = open_category(Plan(), trail, "The category page lists each product with its price and rating.")
    plan.note(*(f"{p['name']}: {queries.money(p['price_cents'])}, rating {queries.rating_percent(p['rating_avg'])}%"
                for p in listed))
    plan.step("Among the products priced within the budget it has the highest rating.",
              f"Open '{best['name']}' and add it to the cart.", click("link", best["name"]),
              click("button", "Add to Cart"))
    solution = _checkout(plan).finish("The product has been bought.", "Stop.")
    return [task(1037, template, {"category": label, "low": str(low), "high": str(high)},
                 _latest_order_check(best["sku"]), solution)]


def buy_quantity(conn: sqlite3.Connection) -> list[Task]:
    template = "Buy {{qty}} packs of {{product}}."
    product = _only_result(conn, "kind dark chocolate")
    qty = 2
    plan = _open_product(Plan(), product, "kind dark chocolate", "The search finds the KIND bars.")
    plan.step("The quantity box sits next to Add to Cart.", f"Set the quantity to {qty} and add to the cart.",
              type_into("spinbutton", "Qty", str(qty)), click("button", "Add to Cart"))
    solution = _checkout(plan).finish("The packs have been bought.", "Stop.")
    return [task(1038, template, {"qty": str(qty), "product": "the KIND dark chocolate nuts & sea salt bars"},
                 _latest_order_check(product["sku"], f"Ordered: {qty}"), solution)]


_CAPACITY = re.compile(r"(\d+)\s+(?:Slots|Cartridges|Game Card Slots)")


def cheapest_card_case(conn: sqlite3.Connection) -> list[Task]:
    template = ("Add the least expensive Nintendo Switch game card case that holds at least {{cards}} cards to my "
                "shopping cart.")
    cards, term = 20, "switch case"
    found = queries.find_products(conn, queries.ProductFilter(query=term, order="price"))
    fitting = [p for p in found if (m := _CAPACITY.search(p["name"])) and int(m.group(1)) >= cards]
    choice = fitting[0]
    plan = search(Plan(), term, "The card cases all mention the Switch and a case.")
    sort_listing(plan, "Price", "Ascending", "Sorted by price, the first case holding enough cards is the answer.",
                 notes=tuple(f"{p['name']}: {queries.money(p['price_cents'])}" for p in found))
    plan.step("Cheaper cases hold fewer cards than needed.", f"Open '{choice['name']}' and add it to the cart.",
              click("link", choice["name"]), click("button", "Add to Cart"))
    solution = plan.finish("The case is in the cart.", "Stop.")
    return [task(1039, template, {"cards": str(cards)},
                 html_eval(html_check(f"{SITE}/checkout/cart", "", must_include=[choice["name"]])), solution)]


BUILDERS: tuple[Callable[[sqlite3.Connection], list[Task]], ...] = (
    price_range, month_spend, last_ordered, rounded_rating, reviewers_mentioning, variant_sku, order_statuses,
    latest_order_total, canceled_refund, customer_service_phone, change_shipped_address, unreviewed_product,
    search_for, search_sorted, category_under_price, category_sorted, latest_order_with_status,
    add_to_wishlist, subscribe_newsletter, update_address, refund_draft, refund_with_sku, reorder_canceled,
    buy_best_rated, buy_quantity, cheapest_card_case,
)


def build_tasks(db_path: Path) -> list[Task]:
    """Every storefront task, computed from the seed database at `db_path`."""
    with connect(db_path) as conn:
        return [built for builder in BUILDERS for built in builder(conn)]
