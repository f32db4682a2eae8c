"""Store-admin tasks ("shopping_admin", intent templates 2000+) in WebArena's config format, each with a
reference solution.

Every instance is chosen from the seed database by a rule (the best-selling period whose top N is not a tie, a
customer whose name no other name contains, ...) and every expected answer or value is computed by
`admin_queries`, so the tasks stay correct if the seed data changes. Instances that would be ambiguous — ties,
product names shared by colour variants, questions whose answer depends on whether canceled orders count — are
skipped by construction rather than patched by hand.
"""

from __future__ import annotations

import calendar
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from webenv.answers import Part, cents, code, count, name, names, neighbours, not_achievable
from webenv.sites.shop import admin_queries as facts
from webenv.sites.shop.admin import formats
from webenv.sites.shop.admin import plans as p
from webenv.tasks.authoring import (
    Plan,
    Split,
    TaskSite,
    Template,
    click,
    html_check,
    html_eval,
    select,
    string_eval,
    type_into,
    url_eval,
)
from webenv.url_sets import UrlPage, page

ADMIN = "__SHOPPING_ADMIN__"
task = TaskSite("shopping_admin", home=ADMIN, storage_state="./.auth/shopping_admin_state.json").task

# Intent template ids (shopping_admin: 2000+).
TOP_BESTSELLERS = 2000
REVIEWS_MENTIONING = 2001
ORDER_COUNT = 2002
CUSTOMER_SPEND = 2003
TOP_CUSTOMER = 2004
LATEST_ORDER = 2005
STOCK_LEVEL = 2006
PHONE_LOOKUP = 2007
REVIEW_STATUS_COUNT = 2008
TOP_SEARCH_TERMS = 2009
UNHAPPY_REVIEWERS = 2010
CHANGE_PRICE = 2011
RESTOCK = 2012
DISABLE_PRODUCT = 2013
MODERATE_REVIEW = 2014
CMS_TITLE = 2015
CANCEL_ORDER = 2016
NOTIFY_CUSTOMER = 2017
SHIPPING_ADDRESS = 2018
GENERATE_REPORT = 2019
LOOKUP_ORDERS = 2020
SHOW_CUSTOMERS = 2021
OPEN_CUSTOMER = 2022

Task = dict[str, Any]

# Words reviews use, asked about in training tasks only ("How many reviews ... mention the term X?").
TRAINING_TERMS = ("quality", "price", "recommend", "comfortable", "broke", "battery", "smell", "size", "gift", "cheap",
                  "sturdy", "return", "easy", "love", "waste")

# program_html locators, written as WebArena writes them for Magento's product form.
PRICE_VALUE = "document.querySelector('[name=\"product[price]\"]').value"
QTY_VALUE = "document.querySelector('[name=\"product[quantity_and_stock_status][qty]\"]').value"
STATUS_VALUE = "document.querySelector('[name=\"product[status]\"]').value"


# --- answers --------------------------------------------------------------------------------------------------

def grid_page(path: str, filters: dict[str, str], sort: tuple[str, str]) -> UrlPage:
    """A data grid with exactly these filters; `sort` is the grid's default (column, direction), which a URL
    may spell out or leave out."""
    query = urlencode(filters)
    return page(f"{ADMIN}{path}" + (f"?{query}" if query else ""), defaults={"sort": sort[0], "dir": sort[1]})


def product_name(full: str) -> Part:
    """A product as people name it: its full name, or its name up to the first comma."""
    short = facts.short_name(full)
    return name(full, short) if short != full else name(full)


# --- spans people talk about ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Span:
    """A period as an intent says it ("in 2022", "from Oct to Dec 2022") and as the admin's filters take it."""

    phrase: str
    range: facts.DateRange

    @property
    def report_from(self) -> str:
        return formats.report_date(self.range.start)

    @property
    def report_to(self) -> str:
        return formats.report_date(self.range.end)

    @property
    def grid_from(self) -> str:
        return formats.grid_date(self.range.start)

    @property
    def grid_to(self) -> str:
        return formats.grid_date(self.range.end)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _year(year: int) -> Span:
    return Span(f"in {year}", facts.DateRange(date(year, 1, 1), date(year, 12, 31)))


def _quarter(year: int, first_month: int) -> Span:
    months = formats.MONTHS
    phrase = f"from {months[first_month - 1]} to {months[first_month + 1]} {year}"
    return Span(phrase, facts.DateRange(date(year, first_month, 1), _month_end(year, first_month + 2)))


def _month(year: int, month: int) -> Span:
    span = facts.DateRange(date(year, month, 1), _month_end(year, month))
    return Span(f"in {calendar.month_name[month]} {year}", span)


def _order_years(conn: sqlite3.Connection) -> list[int]:
    return [int(r[0]) for r in conn.execute("SELECT DISTINCT substr(created_at, 1, 4) FROM orders ORDER BY 1")]


def _months(conn: sqlite3.Connection) -> list[Span]:
    return [_month(int(r[0][:4]), int(r[0][5:7])) for r in conn.execute(
        "SELECT DISTINCT substr(created_at, 1, 7) FROM orders ORDER BY 1")]


def _spans(conn: sqlite3.Connection) -> list[Span]:
    """Whole years, then quarters, oldest first."""
    years = _order_years(conn)
    return [_year(y) for y in years] + [_quarter(y, m) for y in years for m in (1, 4, 7, 10)]


# --- products people can name ---------------------------------------------------------------------------------

def _nameable_products(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Enabled products whose short name finds exactly that one product in the product grid's keyword search,
    so an intent can name them the way people do and mean one product."""
    found = []
    for product in facts.products_matching(conn, ""):
        handle = facts.short_name(product["name"])
        if product["enabled"] and [m["id"] for m in facts.products_matching(conn, handle)] == [product["id"]]:
            found.append({**product, "handle": handle})
    return found


def _spread(items: list[Any], count: int) -> list[Any]:
    """`count` items spread evenly over a list (a stable, seed-driven choice that avoids always the first)."""
    if len(items) < count:
        raise ValueError(f"need {count} candidates, the seed offers {len(items)}")
    return [items[(i * len(items)) // count + len(items) // (2 * count)] for i in range(count)]


def _unique_full_name(conn: sqlite3.Connection, customer: dict[str, Any]) -> bool:
    """No other customer's name contains this one (so a Bill-to Name filter finds only this customer)."""
    name = f"{customer['first_name']} {customer['last_name']}"
    return conn.execute(
        "SELECT COUNT(*) FROM customers WHERE first_name || ' ' || last_name LIKE '%' || ? || '%'", (name,)
    ).fetchone()[0] == 1


def _customers(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    found = [dict(r) for r in conn.execute(
        "SELECT *, first_name || ' ' || last_name AS name FROM customers ORDER BY id")]
    return [c for c in found if _unique_full_name(conn, c)]


# --- information seeking (string_match) -----------------------------------------------------------------------

def _clear_top(ranking: list[dict[str, Any]], n: int) -> set[int] | None:
    """The ids of the top n products, or None when the n-th place is tied with the next."""
    if len(ranking) <= n or ranking[n - 1]["qty"] == ranking[n]["qty"]:
        return None
    return {r["product_id"] for r in ranking[:n]}


def top_bestsellers(conn: sqlite3.Connection) -> Iterator[Task]:
    """Only spans whose top N is not tied, is the same whether or not canceled orders count, and has N
    distinct product names (colour variants share a name)."""
    template = "What are the top-{{n}} best-selling products {{period}}?"
    made = 0
    for span in _spans(conn) + _months(conn):
        ranking = facts.bestsellers_in(conn, span.range)
        with_canceled = facts.bestsellers_in(conn, span.range, include_canceled=True)
        for n in (3, 2):
            top = ranking[:n]
            top_names = [r["name"] for r in top]
            handles = {facts.short_name(full) for full in top_names}
            clear = _clear_top(ranking, n)
            if clear is None or clear != _clear_top(with_canceled, n) or len(handles) < n:
                continue
            listing = "; ".join(f"{i + 1}. {r['name']} ({r['qty']} units)" for i, r in enumerate(top))
            solution = (
                Plan()
                .step("The Bestsellers report ranks products by units sold and excludes canceled orders, "
                      "which is what best-selling means.", "Open Reports > Bestsellers.", p.menu("Bestsellers"))
                .step(f"A Year period from {span.report_from} to {span.report_to} puts the whole span in one "
                      "interval, so the ranking covers exactly the asked period.",
                      f"Show the report for {span.report_from} to {span.report_to} with period Year.",
                      *p.report_period("Year", span.report_from, span.report_to),
                      notes=[f"Bestsellers {span.phrase}: {listing}; the next product sold {ranking[n]['qty']}."])
                .finish("The first rows of the report are the answer.", f"Report the top {n} products.",
                        ", ".join(top_names))
            )
            values = {"n": n, "period": span.phrase}
            # Distractors: the products ranked just below the top n.
            runners_up = [product_name(r["name"]) for r in ranking[n:n + 3] if r["name"] not in top_names]
            yield task(TOP_BESTSELLERS, template, values,
                       string_eval([product_name(full) for full in top_names], exclude=runners_up,
                                   must_include=[facts.short_name(full) for full in top_names],
                                   raw=", ".join(top_names)),
                       solution)
            made += 1
            break
        if made == 3:
            return


def reviews_mentioning(conn: sqlite3.Connection) -> list[Task]:
    template = 'How many reviews has our store received so far that mention the term "{{term}}"?'
    chosen = [t for t in ("best", "damaged", "instructions", "disappointed", "scent")
              if facts.reviews_mentioning(conn, t)][:3]
    # Training instances: other words reviews use (the training pool only).
    more = [t for t in TRAINING_TERMS if t not in chosen and facts.reviews_mentioning(conn, t)]

    def make(term: str, split: Split) -> Task:
        found = len(facts.reviews_mentioning(conn, term))
        solution = (
            Plan()
            .step("All Reviews lists reviews of every status, and its Review filter searches the review text.",
                  "Open Marketing > All Reviews.", p.menu("All Reviews"))
            .step(f"Filtering the review text by '{term}' leaves exactly the reviews that mention it; the grid "
                  "reports how many records it found.", f"Filter the Review column by '{term}'.",
                  type_into("textbox", "Review", term, enter=True),
                  notes=[f"{found} records found for reviews mentioning '{term}'."])
            .finish("The record count is the number of matching reviews.", "Report the count.", str(found))
        )
        # Distractors: off by one, and the count of approved reviews only (what the storefront would show).
        approved = conn.execute("SELECT COUNT(*) FROM reviews WHERE status = 'approved' AND body LIKE '%' || ? || '%'",
                                (term,)).fetchone()[0]
        wrong = [*neighbours(count(found), -1, 1), *([count(approved)] if approved != found else [])]
        return task(REVIEWS_MENTIONING, template, {"term": term}, string_eval(count(found), exclude=wrong),
                    solution, split=split)

    return Template(REVIEWS_MENTIONING, template).tasks([*chosen, *more], make, test=len(chosen))


def order_counts(conn: sqlite3.Connection) -> Iterator[Task]:
    template = "How many {{status}} orders were placed {{period}}?"
    busiest = max(_months(conn), key=lambda m: len(facts.orders_where(conn, status="complete", span=m.range)))
    for status, span in (("complete", busiest), ("canceled", _year(_order_years(conn)[0]))):
        found = len(facts.orders_where(conn, status=status, span=span.range))
        every = len(facts.orders_where(conn, span=span.range))
        label = formats.order_status_label(status)
        solution = (
            Plan()
            .step("The orders grid filters by status and purchase date and counts the matching records.",
                  "Open Sales > Orders.", p.menu("Orders"))
            .step(f"Status {label} with purchase dates {span.grid_from} to {span.grid_to} (inclusive) selects "
                  f"exactly the {status} orders placed {span.phrase}.",
                  f"Filter by Status {label} and Purchase Date {span.grid_from} to {span.grid_to}.",
                  select("Status", label), type_into("textbox", "Purchase Date from", span.grid_from),
                  type_into("textbox", "Purchase Date to", span.grid_to), p.APPLY_FILTERS,
                  notes=[f"{found} records found: {status} orders placed {span.phrase}."])
            .finish("The record count answers the question.", "Report the count.", str(found))
        )
        # Distractors: off by one, and the count of all orders of the period (the status filter forgotten).
        wrong = [*neighbours(count(found), -1, 1), *([count(every)] if every != found else [])]
        yield task(ORDER_COUNT, template, {"status": status, "period": span.phrase},
                   string_eval(count(found), exclude=wrong), solution)


def customer_spend(conn: sqlite3.Connection) -> list[Task]:
    template = "How much has {{customer}} spent in total on {{status}} orders?"
    candidates = []
    for customer in _customers(conn):
        orders = facts.orders_where(conn, status="complete", customer_id=customer["id"])
        if 3 <= len(orders) <= 6:
            candidates.append((customer, orders))
    chosen = _spread(candidates, 2)
    more = [c for c in candidates if c not in chosen][:20]  # training instances

    def make(case: tuple[dict[str, Any], list[dict[str, Any]]], split: Split) -> Task:
        customer, orders = case
        total = sum(o["grand_total_cents"] for o in orders)
        amounts = ", ".join(formats.money(o["grand_total_cents"]) for o in orders)
        solution = (
            Plan()
            .step("The orders grid can be narrowed to one customer and one status, showing each grand total.",
                  "Open Sales > Orders.", p.menu("Orders"))
            .step(f"Filtering Bill-to Name by {customer['name']} and Status Complete lists exactly the orders to add "
                  "up (fewer than 20, so one page).",
                  f"Filter by Bill-to Name '{customer['name']}' and Status Complete.",
                  type_into("textbox", "Bill-to Name", customer["name"]), select("Status", "Complete"), p.APPLY_FILTERS,
                  notes=[f"{len(orders)} complete orders of {customer['name']} with grand totals {amounts}."])
            .finish("Adding up the grand totals gives the amount spent.", "Report the sum of the grand totals.",
                    formats.money(total))
        )
        values = {"customer": customer["name"], "status": "complete"}
        # Distractors: every order counted whatever its status, and the largest single order.
        every = sum(o["grand_total_cents"] for o in facts.orders_where(conn, customer_id=customer["id"]))
        wrong = {every, max(o["grand_total_cents"] for o in orders)} - {total}
        return task(CUSTOMER_SPEND, template, values,
                    string_eval(cents(total), exclude=[cents(c) for c in sorted(wrong)], raw=formats.money(total)),
                    solution, split=split)

    return Template(CUSTOMER_SPEND, template).tasks([*chosen, *more], make, test=len(chosen))


def top_customers(conn: sqlite3.Connection) -> Iterator[Task]:
    """The winner must be the same whether or not canceled orders count, so the reports' choice to leave them
    out never decides the answer."""
    template = "Which customer {{measure}} {{period}}?"
    measures = (("placed the most orders", "orders", "Order Count"), ("spent the most", "total_cents", "Order Total"))
    named = {c["name"] for c in _customers(conn)}
    answered: set[str] = set()
    for measure, key, report in measures:
        robust = []
        for span in _spans(conn):
            leaders = {_sole_leader(facts.customers_by_order_count(conn, span.range), key),
                       _sole_leader(_all_status_ranking(conn, span.range), key)}
            if len(leaders) == 1 and leaders <= named:
                robust.append((span, str(leaders.pop())))
        # Prefer a customer not already the answer of the other measure, so the two tasks differ.
        for span, winner in sorted(robust, key=lambda found: found[1] in answered):
            answered.add(winner)
            solution = (
                Plan()
                .step(f"The {report} report ranks customers by {'orders placed' if key == 'orders' else 'money spent'}.",
                      f"Open Reports > {report}.", p.menu(report))
                .step(f"A Year period from {span.report_from} to {span.report_to} ranks customers over exactly "
                      "the asked span.", f"Show the report for {span.report_from} to {span.report_to}.",
                      *p.report_period("Year", span.report_from, span.report_to),
                      notes=[f"Rank 1 {span.phrase}: {winner}."])
                .finish("The customer ranked first is the answer.", "Report the top customer.", winner)
            )
            # Distractors: the customers ranked right behind the winner.
            ranking = sorted(facts.customers_by_order_count(conn, span.range), key=lambda r: -r[key])
            runners_up = [name(r["name"]) for r in ranking[1:4] if r["name"] != winner]
            yield task(TOP_CUSTOMER, template, {"measure": measure, "period": span.phrase},
                       string_eval(name(winner), exclude=runners_up, raw=winner), solution)
            break


def _sole_leader(ranking: list[dict[str, Any]], key: str) -> str | None:
    ordered = sorted(ranking, key=lambda r: -r[key])
    return ordered[0]["name"] if len(ordered) >= 2 and ordered[0][key] > ordered[1][key] else None


def _all_status_ranking(conn: sqlite3.Connection, span: facts.DateRange) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(
        """SELECT c.first_name || ' ' || c.last_name AS name, COUNT(*) AS orders,
                  SUM(o.grand_total_cents) AS total_cents
           FROM orders o JOIN customers c ON c.id = o.customer_id
           WHERE date(o.created_at) BETWEEN ? AND ? GROUP BY c.id""", span.params)]


def latest_orders(conn: sqlite3.Connection) -> Iterator[Task]:
    template = "What is the number of the most recent {{status}} order, and who placed it?"
    for status in ("pending", "on_hold"):
        orders = facts.orders_where(conn, status=status)
        if len(orders) < 2 or orders[0]["created_at"] == orders[1]["created_at"]:
            continue
        latest = orders[0]
        label = formats.order_status_label(status)
        solution = (
            Plan()
            .step("The orders grid lists the newest purchases first and filters by status.",
                  "Open Sales > Orders.", p.menu("Orders"))
            .step(f"With Status {label}, the first row is the most recent {label.lower()} order.",
                  f"Filter by Status {label}.", select("Status", label), p.APPLY_FILTERS,
                  notes=[f"Newest {label} order: {latest['increment_id']} by {latest['customer_name']}, "
                       f"placed {formats.timestamp(latest['created_at'])}."])
            .finish("The first row gives the order number and the Bill-to Name.", "Report both.",
                    f"{latest['increment_id']}, placed by {latest['customer_name']}")
        )
        # Distractors: the next most recent order of that status (its number and, if another, its customer).
        after = orders[1]
        wrong = [code(after["increment_id"], str(after["id"])),
                 *([name(after["customer_name"])] if after["customer_name"] != latest["customer_name"] else [])]
        yield task(LATEST_ORDER, template, {"status": label.lower()},
                   string_eval([code(latest["increment_id"], str(int(latest["increment_id"]))),
                                name(latest["customer_name"])], exclude=wrong,
                               must_include=[latest["increment_id"], latest["customer_name"]],
                               raw=f"{latest['increment_id']} {latest['customer_name']}"), solution)


def stock_levels(conn: sqlite3.Connection) -> Iterator[Task]:
    template = "Which products have exactly {{n}} units left in stock?"
    made = 0
    for n in range(1, 10):
        found = facts.products_with_stock(conn, n)
        handles = sorted({facts.short_name(r["name"]) for r in found})
        if not 2 <= len(handles) <= 4 or len(found) > 20:
            continue
        solution = (
            Plan()
            .step("The product grid filters by quantity on hand.", "Open Catalog > Products.", p.menu("Products"))
            .step(f"Quantity from {n} to {n} keeps exactly the products with {n} units.",
                  f"Filter Quantity from {n} to {n}.", type_into("textbox", "Quantity from", str(n)),
                  type_into("textbox", "Quantity to", str(n)), p.APPLY_FILTERS,
                  notes=[f"{len(found)} products with {n} units: " + "; ".join(r["name"] for r in found)])
            .finish("The listed product names are the answer.", "Report the products.", "; ".join(handles))
        )
        # Distractors: the products with one unit more or less.
        near = sorted({facts.short_name(r["name"]) for k in (n - 1, n + 1) for r in facts.products_with_stock(conn, k)}
                      - set(handles))
        yield task(STOCK_LEVEL, template, {"n": n},
                   string_eval(names(handles), exclude=[name(h) for h in near], raw="; ".join(handles)), solution)
        made += 1
        if made == 2:
            return


def phone_lookups(conn: sqlite3.Connection) -> list[Task]:
    template = "Find the customer name and email with phone number {{phone}}"
    everyone = _customers(conn)
    with_phone = [c for c in everyone if c["phone"]]
    digits = {c["id"]: "".join(ch for ch in c["phone"] if ch.isdigit()) for c in with_phone}
    unique = [c for c in with_phone if list(digits.values()).count(digits[c["id"]]) == 1]
    chosen = _spread(unique, 2)
    more = [c for c in unique if c not in chosen][:20]  # training instances

    def make(customer: dict[str, Any], split: Split) -> Task:
        phone = digits[customer["id"]]
        assert [m["id"] for m in facts.customers_with_phone(conn, phone)] == [customer["id"]]
        solution = (
            Plan()
            .step("The customer grid's keyword search matches phone numbers, ignoring their punctuation.",
                  "Open Customers > All Customers.", p.menu("All Customers"))
            .step("Searching the number leaves the one customer who has it.", f"Search for {phone}.",
                  type_into("textbox", "Search by keyword", phone, enter=True),
                  notes=[f"Phone {customer['phone']}: {customer['name']} <{customer['email']}>."])
            .finish("The row shows the name and the email.", "Report them.",
                    f"{customer['name']}, {customer['email']}")
        )
        # Distractors: customers who share a first or last name with this one.
        namesakes = [c for c in everyone if c["id"] != customer["id"] and
                     (c["first_name"] == customer["first_name"] or c["last_name"] == customer["last_name"])][:4]
        wrong = [part for c in namesakes for part in (name(c["name"]), code(c["email"]))]
        return task(PHONE_LOOKUP, template, {"phone": phone},
                    string_eval([name(customer["name"]), code(customer["email"])], exclude=wrong,
                               raw=f"{customer['name']}, {customer['email']}"), solution, split=split)

    return Template(PHONE_LOOKUP, template).tasks([*chosen, *more], make, test=len(chosen))


def review_status_counts(conn: sqlite3.Connection) -> Iterator[Task]:
    template = "What is the total count of {{status}} reviews amongst all the reviews?"
    counts = facts.review_status_counts(conn)
    for status in ("pending", "rejected"):
        label = formats.review_status_label(status)
        found = counts.get(status, 0)
        solution = (
            Plan()
            .step("All Reviews filters by status and counts the matching records.",
                  "Open Marketing > All Reviews.", p.menu("All Reviews"))
            .step(f"Status {label} keeps only those reviews.", f"Filter by Status {label}.",
                  select("Status", label), p.APPLY_FILTERS, notes=[f"{found} records found with status {label}."])
            .finish("The record count is the answer.", "Report the count.", str(found))
        )
        # Distractors: off by one, the other statuses' counts, and all reviews.
        others = {n for s_, n in counts.items() if s_ != status} | {sum(counts.values())}
        wrong = [*neighbours(count(found), -1, 1), *(count(n) for n in sorted(others - {found}))]
        yield task(REVIEW_STATUS_COUNT, template, {"status": label}, string_eval(count(found), exclude=wrong),
                   solution)


def top_search_terms(conn: sqlite3.Connection) -> Iterator[Task]:
    template = "List the top {{n}} search terms in my store"
    terms = facts.search_terms_by_hits(conn)
    n = next(k for k in (3, 4, 2) if len(terms) > k and terms[k - 1]["hits"] > terms[k]["hits"])
    top = [t["term"] for t in terms[:n]]
    solution = (
        Plan()
        .step("The Search Terms report lists storefront searches, most searched first.",
              "Open Reports > Search Terms.", p.menu("Search Terms"),
              notes=["Top terms: " + ", ".join(f"{t['term']} ({t['hits']} hits)" for t in terms[:n + 1]) + "."])
        .finish(f"The first {n} rows are the answer.", f"Report the top {n} terms.", ", ".join(top))
    )
    # Distractors: the terms ranked just below the top n.
    yield task(TOP_SEARCH_TERMS, template, {"n": n},
               string_eval(names(top), exclude=[name(t["term"]) for t in terms[n:n + 3]], raw=", ".join(top)),
               solution)


def unhappy_reviewers(conn: sqlite3.Connection) -> Iterator[Task]:
    """Only products without 3-star reviews qualify: a "mixed feelings" review could be read either way."""
    template = "Who expressed dissatisfaction with {{product}} in their reviews? Give the reviewers' nicknames."
    lines: dict[str, list[dict[str, Any]]] = {}
    for product in _nameable_products(conn):
        reviews = facts.product_reviews(conn, product["handle"])
        if 3 <= len(reviews) <= 20 and all(r["rating"] != 3 for r in reviews):
            lines[product["handle"]] = reviews
    unhappy = [h for h, rs in lines.items() if 1 <= len({r["nickname"] for r in rs if r["rating"] <= 2}) <= 3]
    happy = [h for h, rs in lines.items() if all(r["rating"] >= 4 for r in rs)]
    for handle in _spread(unhappy, 1) + _spread(happy, 1):
        reviews = lines[handle]
        nicknames = facts.unhappy_reviewers(conn, handle)
        ratings = "; ".join(f"{r['nickname']}: {r['rating']} stars" for r in reviews)
        plan = (
            Plan()
            .step("All Reviews can be filtered by product and shows each review's rating and text.",
                  "Open Marketing > All Reviews.", p.menu("All Reviews"))
            .step(f"Filtering Product by '{handle}' lists every review of it.", f"Filter Product by '{handle}'.",
                  type_into("textbox", "Product", handle, enter=True), notes=[f"Reviews of {handle}: {ratings}."])
        )
        if nicknames:
            solution = plan.finish("Reviews rated 1 or 2 stars express dissatisfaction.",
                                   "Report their nicknames.", ", ".join(nicknames))
            # Distractors: the product's other reviewers (the satisfied ones).
            content = sorted({r["nickname"] for r in reviews} - set(nicknames))
            evaluation = string_eval(names(nicknames), exclude=[name(n_) for n_ in content], raw=", ".join(nicknames))
        else:
            note = f"Every review of {handle} is rated 4 or 5 stars: nobody expressed dissatisfaction."
            solution = plan.finish(note, "Report that the task cannot be done.", "N/A")
            evaluation = string_eval(not_achievable(), exact="N/A", raw="N/A",
                                     note=f"There is no negative review for {handle}")
        yield task(UNHAPPY_REVIEWERS, template, {"product": handle}, evaluation, solution)


# --- state changes (program_html) -----------------------------------------------------------------------------

def _edit_url(product_id: int) -> str:
    return f"{ADMIN}/catalog/product/edit/id/{product_id}/"


def _find_product(plan: Plan, product: dict[str, Any]) -> Plan:
    return (
        plan.step("Products are edited from the product grid.", "Open Catalog > Products.", p.menu("Products"))
        .step(f"A keyword search for '{product['handle']}' finds the product.",
              f"Search for '{product['handle']}' and open its edit page.",
              type_into("textbox", "Search by keyword", product["handle"], enter=True),
              p.edit_product(product["name"], product["sku"]))
    )


def price_changes(conn: sqlite3.Connection) -> Iterator[Task]:
    template = "{{change}} the price of {{product}} by {{amount}}"
    products = [x for x in _nameable_products(conn) if x["price_cents"] >= 2000]
    this = _spread(products, 2)[0]
    lowered = this["price_cents"] - 500
    solution = (
        Plan()
        .step(f"The task starts on the product's edit page, whose Price field shows "
              f"{formats.plain_amount(this['price_cents'])}; $5 less is {formats.plain_amount(lowered)}.",
              f"Set Price to {formats.plain_amount(lowered)}.",
              type_into("textbox", "Price", formats.plain_amount(lowered)),
              notes=[f"Price was {formats.money(this['price_cents'])}; the new price is {formats.money(lowered)}."])
        .step("Saving stores the new price.", "Click Save.", click("button", "Save"))
        .finish("The price is reduced.", "Stop.", "")
    )
    yield task(CHANGE_PRICE, template, {"change": "Reduce", "product": "this product", "amount": "$5"},
               html_eval(html_check(_edit_url(this["id"]), PRICE_VALUE,
                                    exact_match=formats.plain_amount(lowered))),
               solution, start_url=_edit_url(this["id"]), require_reset=True)

    # A raise that lands on whole cents, so there is exactly one right price to type.
    raisable = [(x, pc) for x in products if x["id"] != this["id"] for pc in (10, 20, 25, 50)
                if (x["price_cents"] * pc) % 100 == 0]
    other, percent = _spread(raisable, 1)[0]
    raised = other["price_cents"] * (100 + percent) // 100
    solution = (
        _find_product(Plan(), other)
        .step(f"{formats.money(other['price_cents'])} plus {percent}% is {formats.money(raised)}.",
              f"Set Price to {formats.plain_amount(raised)} and save.",
              type_into("textbox", "Price", formats.plain_amount(raised)), click("button", "Save"),
              notes=[f"Price was {formats.money(other['price_cents'])}; the new price is {formats.money(raised)}."])
        .finish("The price is raised.", "Stop.", "")
    )
    yield task(CHANGE_PRICE, template, {"change": "Increase", "product": other["handle"], "amount": f"{percent}%"},
               html_eval(html_check(_edit_url(other["id"]), PRICE_VALUE,
                                    exact_match=formats.plain_amount(raised))),
               solution, require_reset=True)


def restocks(conn: sqlite3.Connection) -> Iterator[Task]:
    template = "{{n}} units of {{product}} just arrived at the warehouse. Update its stock."
    products = _nameable_products(conn)
    sold_out = [x for x in products if x["stock"] == 0]
    in_stock = [x for x in products if 0 < x["stock"] < 100]
    for product, arrived in ((_spread(sold_out, 1)[0], 5), (_spread(in_stock, 1)[0], 12)):
        total = product["stock"] + arrived
        solution = (
            _find_product(Plan(), product)
            .step(f"The product has {product['stock']} units; {arrived} more makes {total}.",
                  f"Set Quantity to {total} and save.", type_into("textbox", "Quantity", str(total)),
                  click("button", "Save"),
                  notes=[f"Quantity was {product['stock']}, now {total}."])
            .finish("The stock is updated.", "Stop.", "")
        )
        yield task(RESTOCK, template, {"n": arrived, "product": product["handle"]},
                   html_eval(html_check(_edit_url(product["id"]), QTY_VALUE, exact_match=str(total))),
                   solution, require_reset=True)


def disable_product(conn: sqlite3.Connection) -> Iterator[Task]:
    product = _spread(_nameable_products(conn), 5)[3]
    solution = (
        _find_product(Plan(), product)
        .step("Setting Enable Product to Disabled hides it from the storefront.", "Disable the product and save.",
              select("Enable Product", "Disabled"), click("button", "Save"))
        .finish("The product is disabled.", "Stop.", "")
    )
    yield task(DISABLE_PRODUCT, "Disable {{product}} from the site, they are facing some quality issues.",
               {"product": product["handle"]},
               html_eval(html_check(_edit_url(product["id"]), STATUS_VALUE, exact_match="2")),
               solution, require_reset=True)


def moderate_reviews(conn: sqlite3.Connection) -> Iterator[Task]:
    template = "{{action}} the pending review that {{nickname}} wrote about {{product}}"
    handles = {x["id"]: x["handle"] for x in _nameable_products(conn)}
    pending = [dict(r) for r in conn.execute(
        "SELECT id, nickname, product_id FROM reviews WHERE status = 'pending' ORDER BY id")]
    candidates = [r for r in pending if r["product_id"] in handles
                  and sum(1 for o in pending if o["nickname"] == r["nickname"]) == 1]
    for review, (action, label, value) in zip(_spread(candidates, 2),
                                              (("Approve", "Approved", "1"), ("Reject", "Not Approved", "3"))):
        product = handles[review["product_id"]]
        solution = (
            Plan()
            .step("Reviews waiting for moderation are in the Pending Reviews view.",
                  "Open Marketing > Pending Reviews.", p.menu("Pending Reviews"))
            .step(f"Only one pending review is by {review['nickname']}; filtering by nickname finds it.",
                  f"Filter Nickname by '{review['nickname']}' and open the review about {product}.",
                  type_into("textbox", "Nickname", review["nickname"], enter=True), p.edit_review(review["id"]),
                  notes=[f"Review {review['id']} by {review['nickname']} is about {product}."])
            .step(f"Status {label} is how the admin {action.lower()}s a review.",
                  f"Set Status to {label} and save.", select("Status", label), click("button", "Save Review"))
            .finish("The review is moderated.", "Stop.", "")
        )
        yield task(MODERATE_REVIEW, template, {"action": action, "nickname": review["nickname"], "product": product},
                   html_eval(html_check(f"{ADMIN}/review/product/edit/id/{review['id']}/",
                                        "document.querySelector('[name=\"status_id\"]').value", exact_match=value)),
                   solution, require_reset=True)


def cms_title(conn: sqlite3.Connection) -> Iterator[Task]:
    page = conn.execute("SELECT id, title FROM cms_pages WHERE is_active = 1 AND url_key NOT IN ('home', 'no-route')"
                        " ORDER BY id LIMIT 1").fetchone()
    new_title = "About One Stop Market" if page["title"] == "About us" else f"{page['title']} | One Stop Market"
    solution = (
        Plan()
        .step("CMS pages are edited under Content > Pages.", "Open Content > Pages.", p.menu("Pages"))
        .step(f"The grid has an Edit link for '{page['title']}'.", f"Edit the '{page['title']}' page.",
              click("link", f"Edit page {page['title']}"))
        .step("The Page Title field holds the title.", f"Set Page Title to '{new_title}' and save.",
              type_into("textbox", "Page Title", new_title), click("button", "Save Page"))
        .finish("The title is changed.", "Stop.", "")
    )
    yield task(CMS_TITLE, 'Change the page title of "{{page}}" page on my site to "{{title}}".',
               {"page": page["title"], "title": new_title},
               html_eval(html_check(f"{ADMIN}/cms/page/edit/page_id/{page['id']}/",
                                    "document.querySelector('input[name=\"title\"]').value", exact_match=new_title)),
               solution, require_reset=True)


def _open_order(plan: Plan, increment_id: str) -> Plan:
    return (
        plan.step("Orders are found in Sales > Orders.", "Open Sales > Orders.", p.menu("Orders"))
        .step(f"Searching the order number finds order {increment_id}.", f"Search for {increment_id} and view it.",
              type_into("textbox", "Search by keyword", increment_id, enter=True), p.view_order(increment_id))
    )


def _view_url(order_id: int) -> str:
    return f"{ADMIN}/sales/order/view/order_id/{order_id}/"


def cancel_order(conn: sqlite3.Connection) -> Iterator[Task]:
    order = facts.orders_where(conn, status="pending")[-1]  # the oldest pending order
    solution = (
        _open_order(Plan(), order["increment_id"])
        .step("A pending order can be canceled from its page.", "Click Cancel Order.",
              click("button", "Cancel Order"))
        .finish("The order is canceled.", "Stop.", "")
    )
    yield task(CANCEL_ORDER, "Cancel order {{number}}", {"number": order["increment_id"]},
               html_eval(html_check(_view_url(order["id"]), 'document.querySelector("#order_status").outerText',
                                    exact_match="Canceled")),
               solution, require_reset=True)


def notify_customers(conn: sqlite3.Connection) -> Iterator[Task]:
    template = 'Notify {{customer}} in their most recent pending order with message "{{message}}"'
    message = "the order is ready to be shipped soon!"
    customers = _customers(conn)
    pending = {c["id"]: facts.orders_where(conn, status="pending", customer_id=c["id"]) for c in customers}
    several = [c for c in customers if len(pending[c["id"]]) >= 2] or [c for c in customers if pending[c["id"]]]
    none = [c for c in customers if not pending[c["id"]] and facts.orders_where(conn, customer_id=c["id"])]
    customer = several[0]
    order = pending[customer["id"]][0]
    solution = (
        Plan()
        .step("The orders grid filters by customer and status, newest first.", "Open Sales > Orders.",
              p.menu("Orders"))
        .step(f"Bill-to Name '{customer['name']}' and Status Pending list their pending orders, newest first.",
              f"Filter by Bill-to Name '{customer['name']}' and Status Pending.",
              type_into("textbox", "Bill-to Name", customer["name"]), select("Status", "Pending"), p.APPLY_FILTERS,
              notes=[f"Most recent pending order of {customer['name']}: {order['increment_id']}."])
        .step("The first row is the most recent pending order.", f"View order {order['increment_id']}.",
              p.view_order(order["increment_id"]))
        .step("An order comment with 'Notify Customer by Email' ticked is how the admin messages a customer.",
              "Write the message, tick Notify Customer by Email, and submit.",
              type_into("textbox", "Comment", message), click("checkbox", "Notify Customer by Email"),
              click("button", "Submit Comment"))
        .finish("The customer is notified.", "Stop.", "")
    )
    yield task(NOTIFY_CUSTOMER, template, {"customer": customer["name"], "message": message},
               html_eval(html_check(_view_url(order["id"]), "document.querySelector('#order_history_block').outerText",
                                    must_include=[message, "Customer Notified"])),
               solution, require_reset=True)

    nobody = _spread(none, 1)[0]
    solution = (
        Plan()
        .step("The orders grid filters by customer and status.", "Open Sales > Orders.", p.menu("Orders"))
        .step(f"Bill-to Name '{nobody['name']}' with Status Pending shows whether they have a pending order.",
              f"Filter by Bill-to Name '{nobody['name']}' and Status Pending.",
              type_into("textbox", "Bill-to Name", nobody["name"]), select("Status", "Pending"), p.APPLY_FILTERS,
              notes=[f"0 records found: {nobody['name']} has no pending order."])
        .finish(f"{nobody['name']} has no pending order, so there is nothing to notify them in.",
                "Report that the task cannot be done.", "N/A")
    )
    yield task(NOTIFY_CUSTOMER, template, {"customer": nobody["name"], "message": message},
               string_eval(not_achievable(), fuzzy="N/A", raw="N/A", note=f"{nobody['name']} has no pending order"),
               solution)


def shipping_address(conn: sqlite3.Connection) -> Iterator[Task]:
    order = facts.orders_where(conn, status="processing")[-1]
    address = "456 Oak Avenue, New York, NY 10001"
    solution = (
        _open_order(Plan(), order["increment_id"])
        .step("The order page links to a form for its shipping address.", "Click Edit Shipping Address.",
              click("link", "Edit Shipping Address"))
        .step("The form takes the whole address on one line.", "Enter the new address and save.",
              type_into("textbox", "Shipping Address", address), click("button", "Save Order Address"))
        .finish("The address is changed.", "Stop.", "")
    )
    yield task(SHIPPING_ADDRESS, "Modify the shipping address of order {{number}} to {{address}}",
               {"number": order["increment_id"], "address": address},
               html_eval(html_check(_view_url(order["id"]), "document.querySelector('#shipping_address').outerText",
                                    must_include=["456 Oak Avenue", "New York", "10001"])),
               solution, require_reset=True)


# --- navigation (url_match, + program_html) -------------------------------------------------------------------

def generate_reports(conn: sqlite3.Connection) -> Iterator[Task]:
    template = "Today is {{today}}, generate a {{report}} {{time_span}}"
    march_15, april_10 = date(2023, 3, 15), date(2023, 4, 10)
    cases = (
        (march_15, "sales order report", "for last month", "Orders Report", "/reports/report_sales/sales",
         *_previous_month(march_15)),
        (april_10, "bestsellers report", "for the last quarter", "Bestsellers", "/reports/report_sales/bestsellers",
         *_previous_quarter(april_10)),
    )
    for today, report, time_span, link, path, start, end in cases:
        start_text, end_text = formats.report_date(start), formats.report_date(end)
        solution = (
            Plan()
            .step(f"The {report} lives under Reports.", f"Open Reports > {link}.", p.menu(link))
            .step(f"Counting back from {formats.long_date(today)}, {time_span.removeprefix('for ')} runs from "
                  f"{start_text} to {end_text}.",
                  f"Show the report from {start_text} to {end_text}.",
                  *p.report_period("Month", start_text, end_text))
            .finish("The report is generated.", "Stop.", "")
        )
        values = {"today": f"{today.month}/{today.day}/{today.year}", "report": report, "time_span": time_span}
        yield task(GENERATE_REPORT, template, values,
                   html_eval(html_check("last", "document.querySelector('[id=\"sales_report_from\"]').value",
                                        exact_match=start_text),
                             html_check("last", "document.querySelector('[id=\"sales_report_to\"]').value",
                                        exact_match=end_text),
                             reference_url=page(f"{ADMIN}{path}", any_query=True)),
                   solution)


def _previous_month(today: date) -> tuple[date, date]:
    end = date.fromordinal(today.replace(day=1).toordinal() - 1)
    return end.replace(day=1), end


def _previous_quarter(today: date) -> tuple[date, date]:
    first_month = ((today.month - 1) // 3) * 3 + 1  # this quarter's first month
    end = date.fromordinal(date(today.year, first_month, 1).toordinal() - 1)
    return date(end.year, end.month - 2, 1), end


def lookup_orders(conn: sqlite3.Connection) -> Iterator[Task]:
    label = formats.order_status_label("on_hold")
    solution = (
        Plan()
        .step("The orders grid filters by status.", "Open Sales > Orders.", p.menu("Orders"))
        .step(f"Status {label} shows exactly those orders.", f"Filter by Status {label}.",
              select("Status", label), p.APPLY_FILTERS)
        .finish("The grid shows the orders.", "Stop.", "")
    )
    yield task(LOOKUP_ORDERS, "Lookup orders that are {{status}}", {"status": label.lower()},
               html_eval(html_check("last", 'document.querySelector("div.admin__data-grid-filters-current").outerText',
                                    must_include=[label]),
                         reference_url=grid_page("/sales/order/", {"status": "on_hold"}, ("created_at", "desc"))),
               solution)


def show_customers(conn: sqlite3.Connection) -> Iterator[Task]:
    solution = (
        Plan()
        .step("The customer grid lists every customer.", "Open Customers > All Customers.", p.menu("All Customers"))
        .finish("The customers are shown.", "Stop.", "")
    )
    yield task(SHOW_CUSTOMERS, "Show all customers", {}, url_eval(grid_page("/customer/index/", {}, ("id", "asc"))),
               solution)


def open_customer(conn: sqlite3.Connection) -> Iterator[Task]:
    """The id is chosen so that no other customer id starts with it: "GOLD in PRED" compares URLs as substrings,
    and `/edit/id/12` would otherwise also match `/edit/id/123`."""
    highest = conn.execute("SELECT MAX(id) FROM customers").fetchone()[0]
    candidates = [c for c in _customers(conn) if c["id"] * 10 > highest]
    customer = _spread(candidates, 3)[1]
    solution = (
        Plan()
        .step("Customer pages are reached from the customer grid.", "Open Customers > All Customers.",
              p.menu("All Customers"))
        .step(f"Searching '{customer['name']}' finds the customer; the Edit link opens their page.",
              f"Search for '{customer['name']}' and open the customer.",
              type_into("textbox", "Search by keyword", customer["name"], enter=True),
              p.edit_customer(customer["name"], customer["email"]))
        .finish("The customer's page is open.", "Stop.", "")
    )
    yield task(OPEN_CUSTOMER, "Open the account page of customer {{customer}} so I can update their details",
               {"customer": customer["name"]}, url_eval(page(f"{ADMIN}/customer/index/edit/id/{customer['id']}/")),
               solution)


MAKERS: tuple[Callable[[sqlite3.Connection], Iterator[Task]], ...] = (
    top_bestsellers, reviews_mentioning, order_counts, customer_spend, top_customers, latest_orders, stock_levels,
    phone_lookups, review_status_counts, top_search_terms, unhappy_reviewers,
    price_changes, restocks, disable_product, moderate_reviews, cms_title, cancel_order, notify_customers,
    shipping_address, generate_reports, lookup_orders, show_customers, open_customer,
)


def build_tasks(db_path: Path) -> list[Task]:
    """All admin tasks for the seed database at `db_path` (read-only)."""
    with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as conn:
        conn.row_factory = sqlite3.Row
        return [task for make in MAKERS for task in make(conn)]
