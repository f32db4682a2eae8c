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
    template = ('How many reviews has our store received so far, whatever their status, whose review text (not '
                'the summary) mentions the term "{{term}}"?')
    chosen = [t for t in ("best", "damaged", "instructions", "disappointed", "scent")
              if facts.reviews_mentioning(conn, t)][:3]
    # Training instances: other words reviews use (the training pool only).
    more = [t for t in TRAINING_TERMS if t not in chosen and facts.reviews_mentioning(conn, t)]

    def make(term: str, split: Split) -> Task:
        found = len(facts.reviews_mentioning(conn, term))
        # The grid matches text; a term found inside other words ("return" in "returned") would make "mentions"
        # mean two things, so such terms are not asked.
        if found != facts.reviews_mentioning_word(conn, term):
            raise ValueError(f"{term!r} also occurs inside other words")
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
        with_titles = conn.execute("SELECT COUNT(*) FROM reviews WHERE body LIKE '%' || ? || '%' OR title LIKE '%' || ?"
                                   " || '%'", (term, term)).fetchone()[0]
        wrong = [*neighbours(count(found), -1, 1),
                 *(count(n_) for n_ in sorted({approved, with_titles} - {found}))]
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
    template = "How much has {{customer}} spent in total on {{status}} orders, counting each order's grand total?"
    candidates = []
    for customer in _customers(conn):
        orders = facts.orders_where(conn, status="complete", customer_id=customer["id"])
        if 3 <= len(orders) <= 6:
            candidates.append((customer, orders))
    chosen = _spread(candidates, 2)
    more = [c for c in candidates if c not in chosen]  # training instances

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
        subtotals = sum(o["subtotal_cents"] for o in orders)  # shipping left out
        wrong = {every, subtotals, max(o["grand_total_cents"] for o in orders)} - {total}
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
                .step(f"The {report} report ranks customers by "
                      f"{'orders placed' if key == 'orders' else 'money spent'}.",
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
    more = [c for c in unique if c not in chosen]  # training instances

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
    template = ("Who expressed dissatisfaction with {{product}} in their reviews, that is, rated it 1 or 2 stars? "
                "Give the reviewers' nicknames.")
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


def open_customer(conn: sqlite3.Connection) -> list[Task]:
    """The id is chosen so that no other customer id starts with it: "GOLD in PRED" compares URLs as substrings,
    and `/edit/id/12` would otherwise also match `/edit/id/123`."""
    template = "Open the account page of customer {{customer}} so I can update their details"
    highest = conn.execute("SELECT MAX(id) FROM customers").fetchone()[0]
    candidates = [c for c in _customers(conn) if c["id"] * 10 > highest]
    chosen = [_spread(candidates, 3)[1]]
    more = [c for c in candidates if c not in chosen]  # training instances

    def make(customer: dict[str, Any], split: Split) -> Task:
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
        return task(OPEN_CUSTOMER, template, {"customer": customer["name"]},
                    url_eval(page(f"{ADMIN}/customer/index/edit/id/{customer['id']}/")), solution, split=split)

    return Template(OPEN_CUSTOMER, template).tasks([*chosen, *more], make, test=len(chosen))


# --- long tasks: several hops, several pages, notes carried from step to step --------------------------------

QUARTER_LEADERS = Template(
    2023, "Which {{subject}} {{measure}} in at least one calendar quarter {{period}}?")
ITEMS_BOUGHT = Template(
    2024, "How many items has {{customer}} bought in total, counting every one of their orders except canceled ones?")
BULK_STATUS = Template(2025, "{{action}} every {{status}} order placed {{period}}.")
THANK_TOP_CUSTOMER = Template(
    2026, 'Find the customer who {{measure}} {{period}}, then add the comment "{{message}}" to each of their complete '
          "orders from that period and notify them by email.")
REPLACE_PRODUCT = Template(
    2027, 'We now sell "{{name}}" in place of {{old}}. Add it in the same category as {{old}}, with SKU {{sku}} (if '
          'that SKU is already in use, add "-2" to its end), price ${{price}} and {{qty}} units in stock; then disable '
          "{{old}}.", held_out=True)
BULK_REVIEWS = Template(2028, "{{action}} every pending review rated {{rating}}.", held_out=True)

BACK_TO_ORDERS = click("link", "Back to Orders")
THANK_YOU = "Thank you for being one of our best customers!"
ORDER_STATUS = 'document.querySelector("#order_status").outerText'
REVIEW_STATUS = "document.querySelector('[name=\"status_id\"]').value"


def _quarters_between(first: date, last: date) -> list[Span]:
    """The calendar quarters from the one holding `first` to the one holding `last`."""
    found, year, month = [], first.year, (first.month - 1) // 3 * 3 + 1
    while date(year, month, 1) <= last:
        found.append(_quarter(year, month))
        year, month = (year + 1, 1) if month == 10 else (year, month + 3)
    return found


def _ranked(ranking: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """Best first; raises ValueError when first place is shared (the question would have two answers)."""
    ordered = sorted(ranking, key=lambda r: -r[key])
    if len(ordered) < 2 or ordered[0][key] == ordered[1][key]:
        raise ValueError("first place is tied")
    return ordered


def _leader(conn: sqlite3.Connection, span: Span, key: str) -> list[dict[str, Any]]:
    """The ranking of a period by `key` ("orders", "total_cents" or units "qty"), best first. Only periods whose
    leader is the same whether or not canceled orders count (and, for money, whether shipping counts) qualify,
    so no unstated rule decides the answer."""
    if key == "qty":
        plain = _ranked(facts.bestsellers_in(conn, span.range), key)
        every = _ranked(facts.bestsellers_in(conn, span.range, include_canceled=True), key)
        others = [plain]
    else:
        plain = _ranked(facts.customer_ranking(conn, span.range), key)
        every = _ranked(facts.customer_ranking(conn, span.range, include_canceled=True), key)
        others = [_ranked(plain, "subtotal_cents")] if key == "total_cents" else [plain]
    if {plain[0]["name"], every[0]["name"], *(o[0]["name"] for o in others)} != {plain[0]["name"]}:
        raise ValueError(f"the leader {span.phrase} depends on which orders count")
    return plain


def _no_ties(conn: sqlite3.Connection, measure: str, quarters: list[Span]) -> bool:
    try:
        return all(_leader(conn, q, QUARTER_MEASURES[measure][2]) for q in quarters)
    except ValueError:
        return False


QUARTER_MEASURES = {
    "placed the most orders": ("customers", "Order Count", "orders"),
    "spent the most": ("customers", "Order Total", "total_cents"),
    "sold the most units": ("products", "Bestsellers", "qty"),
}


def quarter_leaders(conn: sqlite3.Connection) -> list[Task]:
    """Aggregation over several report runs: each quarter is one run of a report (a Year period over a
    three-month range), and the leaders found so far must be carried in the notes until the last quarter."""
    first = date.fromisoformat(conn.execute("SELECT MIN(date(created_at)) FROM orders").fetchone()[0])
    last = date.fromisoformat(conn.execute("SELECT MAX(date(created_at)) FROM orders").fetchone()[0])
    everything = _quarters_between(first, last)
    whole = f"from {calendar.month_name[everything[0].range.start.month]} {everything[0].range.start.year} to " \
            f"{calendar.month_name[everything[-1].range.end.month]} {everything[-1].range.end.year}"
    periods = [(whole, everything)]
    for year in _order_years(conn):
        in_year = [q for q in everything if q.range.start.year == year]
        periods += [(f"in {year}", in_year), (f"in the first half of {year}", in_year[:2]),
                    (f"in the second half of {year}", in_year[2:])]
    periods = [(phrase, quarters) for phrase, quarters in periods if quarters]
    named = {c["name"] for c in _customers(conn)}
    # Test: the whole history and the first whole year, for each measure whose quarters have no tie.
    test_cases = [(measure, phrase, quarters) for phrase, quarters in periods[:2] for measure in QUARTER_MEASURES
                  if len(quarters) == 4 * (phrase != whole) or phrase == whole
                  if _no_ties(conn, measure, quarters)]
    more = [(measure, phrase, quarters) for phrase, quarters in periods[2:] for measure in QUARTER_MEASURES
            if len(quarters) >= 2 and phrase != whole]

    def make(case: tuple[str, str, list[Span]], split: Split) -> Task:
        measure, phrase, quarters = case
        subject, report, key = QUARTER_MEASURES[measure]
        rankings = [_leader(conn, q, key) for q in quarters]
        leaders = list(dict.fromkeys(r[0]["name"] for r in rankings))
        if subject == "customers" and not set(leaders) <= named:
            raise ValueError("a leader shares a name with another customer")
        runners = sorted({row["name"] for r in rankings for row in r[1:3]} - set(leaders))
        if subject == "products":
            handles = [facts.short_name(n_) for n_ in leaders]
            if len(set(handles)) < len(handles) or {facts.short_name(n_) for n_ in runners} & set(handles):
                raise ValueError("two products share a short name")
            answer: Any = [product_name(n_) for n_ in leaders]
            wrong = [product_name(n_) for n_ in runners]
        else:
            answer, wrong = names(leaders), [name(n_) for n_ in runners]
        plan = Plan().step(
            f"The {report} report ranks {subject} per period; a Year period over a three-month range ranks that "
            "quarter alone, so each quarter is one run of the report.", f"Open Reports > {report}.", p.menu(report))
        for number, (quarter, ranking) in enumerate(zip(quarters, rankings)):
            actions = [type_into("textbox", "From", quarter.report_from), type_into("textbox", "To", quarter.report_to),
                       p.SHOW_REPORT]
            if number == 0:
                actions.insert(0, select("Period", "Year"))
            plan.step(f"Quarter {number + 1} of {len(quarters)}: {quarter.phrase}; rank 1 is its leader.",
                      f"Show the report from {quarter.report_from} to {quarter.report_to}.", *actions,
                      notes=[f"{quarter.phrase}: rank 1 is {ranking[0]['name']} (then {ranking[1]['name']})."])
        solution = plan.finish("Every leader noted, each named once, is the answer.", "Report the leaders.",
                               "; ".join(leaders))
        values = {"subject": subject, "measure": measure, "period": phrase}
        return task(QUARTER_LEADERS.id, QUARTER_LEADERS.text, values,
                    string_eval(answer, exclude=wrong, raw="; ".join(leaders)), solution, split=split)

    return QUARTER_LEADERS.tasks([*test_cases, *more], make, test=len(test_cases))


def items_bought(conn: sqlite3.Connection) -> list[Task]:
    """A customer's orders fit on one grid page, but the grid shows no item counts: each order that counts has to
    be opened and its quantities added to a running total."""
    cases = []
    for customer in _customers(conn):
        orders = facts.orders_where(conn, customer_id=customer["id"])
        kept = [o for o in orders if o["status"] != "canceled"]
        if 2 <= len(kept) <= 8 and len(orders) <= 20:
            cases.append((customer, orders))
    longest = sorted(cases, key=lambda c: (-sum(o["status"] != "canceled" for o in c[1]), c[0]["id"]))
    chosen = longest[:4]
    more = [c for c in cases if c not in chosen]

    def make(case: tuple[dict[str, Any], list[dict[str, Any]]], split: Split) -> Task:
        customer, orders = case
        kept = [o for o in orders if o["status"] != "canceled"]
        items = {o["id"]: facts.items_in_order(conn, o["id"]) for o in orders}
        total = sum(items[o["id"]] for o in kept)
        listing = ", ".join(f"{o['increment_id']} ({formats.order_status_label(o['status'])})" for o in orders)
        plan = (
            Plan()
            .step("The orders grid narrows to one customer; it shows each order's status but not its items.",
                  "Open Sales > Orders.", p.menu("Orders"))
            .step(f"Bill-to Name '{customer['name']}' lists all of their orders on one page.",
                  f"Filter by Bill-to Name '{customer['name']}'.",
                  type_into("textbox", "Bill-to Name", customer["name"]), p.APPLY_FILTERS,
                  notes=[f"Orders of {customer['name']}: {listing}; the canceled ones do not count."])
        )
        running = 0
        for number, order in enumerate(kept):
            running += items[order["id"]]
            actions = [p.view_order(order["increment_id"])]
            if number + 1 < len(kept):
                actions.append(BACK_TO_ORDERS)
            plan.step(f"Order {order['increment_id']} counts; its Items Ordered table gives the quantities.",
                      f"View order {order['increment_id']}, add up Qty Ordered"
                      + (", and go back to the orders." if number + 1 < len(kept) else "."), *actions)
            plan.note(f"Order {order['increment_id']}: {items[order['id']]} items (running total {running}).")
        solution = plan.finish("The running total over every order that counts is the answer.",
                               "Report the number of items.", str(total))
        every = sum(items.values())
        wrong = {every, len(kept), len(orders), total - 1, total + 1} - {total}
        return task(ITEMS_BOUGHT.id, ITEMS_BOUGHT.text, {"customer": customer["name"]},
                    string_eval(count(total), exclude=[count(n_) for n_ in sorted(wrong)]), solution, split=split)

    return ITEMS_BOUGHT.tasks([*chosen, *more], make, test=len(chosen))


BULK_ACTIONS = (("Cancel", "pending", "Cancel Order", "canceled"), ("Put on hold", "processing", "Hold", "on_hold"),
                ("Put on hold", "pending", "Hold", "on_hold"), ("Release from hold", "on_hold", "Unhold", "processing"),
                ("Cancel", "processing", "Cancel Order", "canceled"))


def _half_months(conn: sqlite3.Connection) -> list[Span]:
    """Each month's 1st-15th and 16th-last (recent orders cluster in a few months)."""
    found = []
    for month in _months(conn):
        start, end = month.range.start, month.range.end
        name_ = formats.MONTHS[start.month - 1]
        found += [Span(f"from {name_} 1 to {name_} 15, {start.year}", facts.DateRange(start, start.replace(day=15))),
                  Span(f"from {name_} 16 to {name_} {end.day}, {start.year}",
                       facts.DateRange(start.replace(day=16), end))]
    return found


def _halves(conn: sqlite3.Connection) -> list[Span]:
    return [Span(f"in the {which} half of {year}",
                 facts.DateRange(date(year, first, 1), _month_end(year, first + 5)))
            for year in _order_years(conn) for which, first in (("first", 1), ("second", 7))]


def bulk_status(conn: sqlite3.Connection) -> list[Task]:
    """A filtered grid, then the same three actions for every order it lists; an order just outside the period
    (or of another status) must be left alone."""
    spans = _spans(conn) + _halves(conn) + _months(conn) + _half_months(conn)
    cases = []
    for action in BULK_ACTIONS:
        for span in spans:
            found = facts.orders_where(conn, status=action[1], span=span.range)
            if 2 <= len(found) <= 8:
                cases.append((action, span, found))
    chosen = _spread(sorted([c for c in cases if len(c[2]) >= 4], key=lambda c: (-len(c[2]), c[1].range.start)), 8)
    more = [c for c in cases if c not in chosen]

    def make(case: tuple[tuple[str, str, str, str], Span, list[dict[str, Any]]], split: Split) -> Task:
        (verb, status, button, outcome), span, found = case
        label, done = formats.order_status_label(status), formats.order_status_label(outcome)
        plan = (
            Plan()
            .step("The orders grid filters by status and purchase date.", "Open Sales > Orders.", p.menu("Orders"))
            .step(f"Status {label} with purchase dates {span.grid_from} to {span.grid_to} lists exactly the orders "
                  "to change.", f"Filter by Status {label} and Purchase Date {span.grid_from} to {span.grid_to}.",
                  select("Status", label), type_into("textbox", "Purchase Date from", span.grid_from),
                  type_into("textbox", "Purchase Date to", span.grid_to), p.APPLY_FILTERS,
                  notes=[f"{len(found)} {label} orders {span.phrase}: "
                         + ", ".join(o["increment_id"] for o in found) + "."])
        )
        for number, order in enumerate(found):
            actions = [p.view_order(order["increment_id"]), click("button", button)]
            if number + 1 < len(found):
                actions.append(BACK_TO_ORDERS)
            plan.step(f"Order {order['increment_id']} is {number + 1} of {len(found)}; changed orders leave the "
                      "filtered list, so the next one is at the top.",
                      f"Open order {order['increment_id']} and click {button}.", *actions,
                      notes=[f"Order {order['increment_id']} is now {done}."])
        solution = plan.finish(f"All {len(found)} orders are {done}.", "Stop.", "")
        checks = [html_check(_view_url(o["id"]), ORDER_STATUS, exact_match=done) for o in found]
        # Left alone: the orders of that status placed just before and just after the period.
        everyone = facts.orders_where(conn, status=status)
        before = [o for o in everyone if o["created_at"][:10] < span.range.start.isoformat()]
        after = [o for o in everyone if o["created_at"][:10] > span.range.end.isoformat()]
        guards = ([before[0]] if before else []) + ([after[-1]] if after else [])
        checks += [html_check(_view_url(o["id"]), ORDER_STATUS, exact_match=label) for o in guards]
        values = {"action": verb, "status": label.lower().replace(" ", "-"), "period": span.phrase}
        return task(BULK_STATUS.id, BULK_STATUS.text, values, html_eval(*checks), solution, split=split,
                    require_reset=True)

    return BULK_STATUS.tasks([*chosen, *more], make, test=len(chosen))


THANK_MEASURES = {"spent the most": ("Order Total", "total_cents"),
                  "placed the most orders": ("Order Count", "orders")}


def thank_top_customer(conn: sqlite3.Connection) -> list[Task]:
    """Multi-hop: a report names the customer, the orders grid (filtered by that name, status and period) lists
    their orders, and each order gets the same comment."""
    named = {c["name"] for c in _customers(conn)}
    cases = []
    for measure, (_, key) in THANK_MEASURES.items():
        for span in _spans(conn) + _halves(conn) + _months(conn):
            try:
                winner = _leader(conn, span, key)[0]
            except ValueError:
                continue
            complete = facts.orders_where(conn, status="complete", span=span.range, customer_id=winner["customer_id"])
            if winner["name"] in named and 1 <= len(complete) <= 3:
                cases.append((measure, span, winner, complete))
    chosen = _spread(sorted([c for c in cases if len(c[3]) >= 2], key=lambda c: (-len(c[3]), c[1].range.start)), 4)
    more = [c for c in cases if c not in chosen]

    def make(case: tuple[str, Span, dict[str, Any], list[dict[str, Any]]], split: Split) -> Task:
        measure, span, winner, complete = case
        report, _ = THANK_MEASURES[measure]
        who = winner["name"]
        plan = (
            Plan()
            .step(f"The {report} report ranks customers by what the question measures.", f"Open Reports > {report}.",
                  p.menu(report))
            .step(f"A Year period from {span.report_from} to {span.report_to} ranks customers {span.phrase}.",
                  f"Show the report from {span.report_from} to {span.report_to}.",
                  *p.report_period("Year", span.report_from, span.report_to),
                  notes=[f"Rank 1 {span.phrase}: {who}."])
            .step(f"The orders grid lists {who}'s complete orders of the period.", "Open Sales > Orders.",
                  p.menu("Orders"))
            .step("Bill-to Name, Status Complete and the period's purchase dates select the orders to comment on.",
                  f"Filter by Bill-to Name '{who}', Status Complete and Purchase Date {span.grid_from} to "
                  f"{span.grid_to}.", type_into("textbox", "Bill-to Name", who), select("Status", "Complete"),
                  type_into("textbox", "Purchase Date from", span.grid_from),
                  type_into("textbox", "Purchase Date to", span.grid_to), p.APPLY_FILTERS,
                  notes=[f"Complete orders of {who} {span.phrase}: "
                         + ", ".join(o["increment_id"] for o in complete) + "."])
        )
        for number, order in enumerate(complete):
            actions = [p.view_order(order["increment_id"]), type_into("textbox", "Comment", THANK_YOU),
                       click("checkbox", "Notify Customer by Email"), click("button", "Submit Comment")]
            if number + 1 < len(complete):
                actions.append(BACK_TO_ORDERS)
            plan.step(f"Order {order['increment_id']} is {number + 1} of {len(complete)}.",
                      f"Comment on order {order['increment_id']} with Notify Customer by Email ticked.", *actions,
                      notes=[f"Order {order['increment_id']}: commented."])
        solution = plan.finish(f"Every complete order of {who} {span.phrase} has the comment.", "Stop.", "")
        checks = [html_check(_view_url(o["id"]), "document.querySelector('#order_history_block').outerText",
                             must_include=[THANK_YOU, "Customer Notified"]) for o in complete]
        values = {"measure": measure, "period": span.phrase, "message": THANK_YOU}
        return task(THANK_TOP_CUSTOMER.id, THANK_TOP_CUSTOMER.text, values, html_eval(*checks), solution,
                    split=split, require_reset=True)

    return THANK_TOP_CUSTOMER.tasks([*chosen, *more], make, test=len(chosen))


def _category_label(conn: sqlite3.Connection, category_id: int) -> str:
    """The category as the product form's Category select labels it ("Parent / Child")."""
    row = conn.execute(
        """SELECT CASE WHEN p.id IS NULL THEN c.name ELSE p.name || ' / ' || c.name END FROM categories c
           LEFT JOIN categories p ON p.id = c.parent_id WHERE c.id = ?""", (category_id,)).fetchone()
    return str(row[0])


def replace_product(conn: sqlite3.Connection) -> list[Task]:
    """Multi-hop (the old product's category), a form that rejects the first submission (the supplier's SKU is
    the old product's), then a second edit on another product."""
    products = [x for x in _nameable_products(conn) if x["price_cents"] >= 1000]
    skus = {r[0] for r in conn.execute("SELECT sku FROM products")}
    names_taken = {r[0] for r in conn.execute("SELECT name FROM products")}
    new_id = conn.execute("SELECT MAX(id) FROM products").fetchone()[0] + 1
    cases = [x for x in products if f"{x['sku']}-2" not in skus and f"{x['handle']} (Renewed)" not in names_taken]
    chosen = _spread(cases, 3)
    more = [c for c in cases if c not in chosen]

    def make(old: dict[str, Any], split: Split) -> Task:
        new_name = f"{old['handle']} (Renewed)"
        price = (old["price_cents"] * 85 // 10000) * 100 - 1  # 85 %, in whole dollars less a cent
        qty = 5 + old["id"] % 20
        sku = f"{old['sku']}-2"
        category = _category_label(conn, old["category_id"])
        solution = (
            _find_product(Plan(), old)
            .step(f"The old product's form shows its category ({category}); disabling it hides it from the store.",
                  "Set Enable Product to Disabled and save.", select("Enable Product", "Disabled"),
                  click("button", "Save"), notes=[f"{old['handle']}: category {category}, SKU {old['sku']}; disabled."])
            .step("New products are added from the product grid.", "Open Catalog > Products and click Add Product.",
                  p.menu("Products"), click("link", "Add Product"))
            .step("The form takes the name, SKU, price, quantity and category.",
                  f"Fill in the new product with SKU {old['sku']} and save.",
                  type_into("textbox", "Product Name", new_name), type_into("textbox", "SKU", old["sku"]),
                  type_into("textbox", "Price", formats.plain_amount(price)),
                  type_into("textbox", "Quantity", str(qty)),
                  select("Category", category), click("button", "Save"),
                  notes=[f"SKU {old['sku']} is already used by {old['handle']}: the form refused it."])
            .step("The task says to add -2 when the SKU is taken.", f"Change the SKU to {sku} and save.",
                  type_into("textbox", "SKU", sku), click("button", "Save"),
                  notes=[f"{new_name} saved with SKU {sku}."])
            .finish("The new product exists and the old one is disabled.", "Stop.", "")
        )
        checks = [html_check(_edit_url(new_id), "document.querySelector('[name=\"product[name]\"]').value",
                             exact_match=new_name),
                  html_check(_edit_url(new_id), "document.querySelector('[name=\"product[sku]\"]').value",
                             exact_match=sku),
                  html_check(_edit_url(new_id), PRICE_VALUE, exact_match=formats.plain_amount(price)),
                  html_check(_edit_url(new_id), QTY_VALUE, exact_match=str(qty)),
                  html_check(_edit_url(new_id), "document.querySelector('[name=\"product[category_id]\"]').value",
                             exact_match=str(old["category_id"])),
                  html_check(_edit_url(new_id), STATUS_VALUE, exact_match="1"),
                  html_check(_edit_url(old["id"]), STATUS_VALUE, exact_match="2"),
                  html_check(_edit_url(old["id"]), "document.querySelector('[name=\"product[sku]\"]').value",
                             exact_match=old["sku"])]
        values = {"name": new_name, "old": old["handle"], "sku": old["sku"], "price": formats.plain_amount(price),
                  "qty": qty}
        return task(REPLACE_PRODUCT.id, REPLACE_PRODUCT.text, values, html_eval(*checks), solution, split=split,
                    require_reset=True)

    return REPLACE_PRODUCT.tasks([*chosen, *more], make, test=len(chosen))


REVIEW_ACTIONS = {"Approve": "Approved", "Reject": "Not Approved"}


def bulk_reviews(conn: sqlite3.Connection) -> list[Task]:
    """The pending grid filtered by rating, then edit-status-save for each review (saving returns to the filtered
    grid); reviews of other ratings stay pending."""
    pending = facts.reviews_with_status(conn, "pending")
    cases = []
    for action, ratings in (("Approve", (5, 4, 3)), ("Reject", (1, 2, 3))):
        for rating in ratings:
            found = sorted([r for r in pending if r["rating"] == rating], key=lambda r: (r["created_at"], r["id"]),
                           reverse=True)
            if 2 <= len(found) <= 8:
                cases.append((action, rating, found))
    chosen = sorted([c for c in cases if len(c[2]) >= 4 and c[1] != 3], key=lambda c: -len(c[2]))[:2]
    more = [c for c in cases if c not in chosen]

    def make(case: tuple[str, int, list[dict[str, Any]]], split: Split) -> Task:
        action, rating, found = case
        stars = f"{rating} star{'s' if rating != 1 else ''}"
        label = REVIEW_ACTIONS[action]
        plan = (
            Plan()
            .step("Reviews waiting for moderation are in Pending Reviews, which filters by rating.",
                  "Open Marketing > Pending Reviews.", p.menu("Pending Reviews"))
            .step(f"Rating {stars} lists exactly the reviews to moderate.", f"Filter Rating by {stars}.",
                  select("Rating", stars), p.APPLY_FILTERS,
                  notes=[f"{len(found)} pending reviews rated {stars}: ids "
                         + ", ".join(str(r["id"]) for r in found) + "."])
        )
        for number, review in enumerate(found):
            plan.step(f"Review {review['id']} is {number + 1} of {len(found)}; saving returns to the filtered list.",
                      f"Edit review {review['id']}, set Status to {label} and save.", p.edit_review(review["id"]),
                      select("Status", label), click("button", "Save Review"),
                      notes=[f"Review {review['id']}: {label}."])
        solution = plan.finish(f"All {len(found)} reviews are moderated.", "Stop.", "")
        value = str(formats.REVIEW_STATUSES["approved" if action == "Approve" else "rejected"][0])
        checks = [html_check(f"{ADMIN}/review/product/edit/id/{r['id']}/", REVIEW_STATUS, exact_match=value)
                  for r in found]
        others = [r for r in pending if r["rating"] != rating][:2]  # reviews of other ratings stay pending
        checks += [html_check(f"{ADMIN}/review/product/edit/id/{r['id']}/", REVIEW_STATUS, exact_match="2")
                   for r in others]
        return task(BULK_REVIEWS.id, BULK_REVIEWS.text, {"action": action, "rating": stars}, html_eval(*checks),
                    solution, split=split, require_reset=True)

    return BULK_REVIEWS.tasks([*chosen, *more], make, test=len(chosen))


MOVED_CUSTOMER = Template(
    2029, "The customer who placed order {{number}} has moved to {{address}}. Change the shipping address of each of "
          "their orders that has not shipped yet (pending or processing) to it, and their phone number to {{phone}}.",
    held_out=True)
STREETS = ("Maple Street", "Cedar Lane", "Harbor View Road", "Willow Court", "Lakeside Drive", "Birch Avenue")
CITIES = (("Springfield", "IL", "62704"), ("Madison", "WI", "53703"), ("Boulder", "CO", "80302"),
          ("Savannah", "GA", "31401"), ("Portland", "ME", "04101"), ("Tucson", "AZ", "85701"))


def moved_customer(conn: sqlite3.Connection) -> list[Task]:
    """Multi-hop from an order number to its customer, then one edit on the account and one per unshipped order
    (reached from the customer page's order list); shipped and held orders keep their address."""
    cases = []
    for customer in _customers(conn):
        orders = facts.orders_where(conn, customer_id=customer["id"])
        active = [o for o in orders if o["status"] in ("pending", "processing")]
        shipped = [o for o in orders if o["status"] == "complete"]
        if active and shipped and not any(o["status"] == "on_hold" for o in orders) and len(orders) <= 20:
            cases.append((customer, orders, active, shipped))
    chosen = sorted([c for c in cases if len(c[2]) >= 2], key=lambda c: (-len(c[2]), c[0]["id"]))[:4]
    more = [c for c in cases if c not in chosen]

    def make(case: tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]],
             split: Split) -> Task:
        customer, orders, active, shipped = case
        city, state, zip_code = CITIES[customer["id"] % len(CITIES)]
        street = f"{100 + customer['id'] * 7 % 900} {STREETS[customer['id'] % len(STREETS)]}"
        address = f"{street}, {city}, {state} {zip_code}"
        phone = f"{zip_code[:3]}-555-{1000 + customer['id']:04d}"
        start = shipped[-1]  # their oldest complete order
        who = customer["name"]
        plan = (
            _open_order(Plan(), start["increment_id"])
            .step("The order page links to the customer who placed it.", f"Open the customer page of {who}.",
                  click("link", who), notes=[f"Order {start['increment_id']} was placed by {who}."])
            .step("The account form holds the phone number.", f"Set Phone Number to {phone} and save.",
                  type_into("textbox", "Phone Number", phone), click("button", "Save Customer"),
                  notes=[f"Orders of {who} not shipped yet: " + ", ".join(o["increment_id"] for o in active) + "."])
        )
        for number, order in enumerate(active):
            actions = [p.view_order(order["increment_id"]), click("link", "Edit Shipping Address"),
                       type_into("textbox", "Shipping Address", address), click("button", "Save Order Address")]
            if number + 1 < len(active):
                actions.append(click("link", who))
            plan.step(f"Order {order['increment_id']} is {formats.order_status_label(order['status'])}, so it has "
                      "not shipped; the customer page lists it.",
                      f"Change the shipping address of order {order['increment_id']}"
                      + (" and return to the customer." if number + 1 < len(active) else "."), *actions,
                      notes=[f"Order {order['increment_id']}: address changed."])
        solution = plan.finish("The phone and every unshipped order's address are updated.", "Stop.", "")
        address_of = "document.querySelector('#shipping_address').outerText"
        checks = [html_check(_view_url(o["id"]), address_of, must_include=[street, city, zip_code]) for o in active]
        checks += [html_check(_view_url(start["id"]), address_of, exact_match=start["shipping_address"]),
                   html_check(f"{ADMIN}/customer/index/edit/id/{customer['id']}/",
                              "document.querySelector('[name=\"customer[phone]\"]').value", exact_match=phone)]
        values = {"number": start["increment_id"], "address": address, "phone": phone}
        return task(MOVED_CUSTOMER.id, MOVED_CUSTOMER.text, values, html_eval(*checks), solution, split=split,
                    require_reset=True)

    return MOVED_CUSTOMER.tasks([*chosen, *more], make, test=len(chosen))


RESTOCK_LOW = Template(2030, "Add {{k}} units to the stock of every product priced {{band}} that has {{n}} or fewer "
                             "units left.")
PRICE_BANDS = tuple([(f"under ${d}", None, d * 100) for d in (15, 20, 25, 30, 40, 50)]
                    + [(f"over ${d}", d * 100, None) for d in (50, 75, 100, 150, 200)]
                    + [(f"from ${a} to ${b}", a * 100, b * 100) for a, b in ((20, 50), (50, 100), (30, 60))])


def restock_low(conn: sqlite3.Connection) -> list[Task]:
    """A grid filtered two ways, then edit-quantity-save-back for each product it lists; every new quantity is
    the product's own count plus the delivery, read off its form."""
    cases = []
    for band, low, high in PRICE_BANDS:
        for n in range(1, 10):
            found = [dict(r) for r in conn.execute(
                "SELECT * FROM products WHERE stock <= ? AND (? IS NULL OR price_cents > ?) AND (? IS NULL OR "
                "price_cents < ?) ORDER BY id", (n, low, low, high, high))]
            fewer = conn.execute(
                "SELECT COUNT(*) FROM products WHERE stock <= ? AND (? IS NULL OR price_cents > ?) AND (? IS NULL OR "
                "price_cents < ?)", (n - 1, low, low, high, high)).fetchone()[0]
            if 2 <= len(found) <= 6 and fewer < len(found):
                cases.append((band, low, high, n, found))
    chosen = _spread(sorted([c for c in cases if len(c[4]) >= 4], key=lambda c: (-len(c[4]), c[3], c[0])), 4)
    more = [c for c in cases if c not in chosen]

    def make(case: tuple[str, int | None, int | None, int, list[dict[str, Any]]], split: Split) -> Task:
        band, low, high, n, found = case
        k = 10 + 5 * (n % 3)
        # Prices on a band's edge would make "under"/"over" ambiguous.
        if conn.execute("SELECT COUNT(*) FROM products WHERE stock <= ? AND price_cents IN (?, ?)",
                        (n, low or -1, high or -1)).fetchone()[0]:
            raise ValueError("a product is priced exactly on the band's edge")
        filters = []
        if low is not None:
            filters.append(type_into("textbox", "Price from", formats.plain_amount(low)))
        if high is not None:
            filters.append(type_into("textbox", "Price to", formats.plain_amount(high)))
        plan = (
            Plan()
            .step("The product grid filters by price and quantity.", "Open Catalog > Products.", p.menu("Products"))
            .step(f"Price {band} and Quantity to {n} list exactly the products to restock.",
                  f"Filter by price {band} and Quantity to {n}.", *filters,
                  type_into("textbox", "Quantity to", str(n)), p.APPLY_FILTERS,
                  notes=[f"{len(found)} products to restock: "
                         + "; ".join(f"{x['name']} ({x['stock']} units)" for x in found) + "."])
        )
        for number, product in enumerate(found):
            actions = [p.edit_product(product["name"], product["sku"]),
                       type_into("textbox", "Quantity", str(product["stock"] + k)), click("button", "Save")]
            if number + 1 < len(found):
                actions.append(click("link", "Back"))
            plan.step(f"{product['name']} has {product['stock']} units; {k} more makes {product['stock'] + k}.",
                      f"Set its Quantity to {product['stock'] + k} and save.", *actions,
                      notes=[f"{product['sku']}: {product['stock']} -> {product['stock'] + k}."])
        solution = plan.finish(f"All {len(found)} products are restocked.", "Stop.", "")
        checks = [html_check(_edit_url(x["id"]), QTY_VALUE, exact_match=str(x["stock"] + k)) for x in found]
        # Left alone: the cheapest product just above the quantity limit in the same band.
        above = conn.execute(
            "SELECT id, stock FROM products WHERE stock = ? AND (? IS NULL OR price_cents > ?) AND (? IS NULL OR "
            "price_cents < ?) ORDER BY id LIMIT 1", (n + 1, low, low, high, high)).fetchone()
        if above:
            checks.append(html_check(_edit_url(above[0]), QTY_VALUE, exact_match=str(above[1])))
        values = {"k": k, "band": band, "n": n}
        return task(RESTOCK_LOW.id, RESTOCK_LOW.text, values, html_eval(*checks), solution, split=split,
                    require_reset=True)

    return RESTOCK_LOW.tasks([*chosen, *more], make, test=len(chosen))


MAKERS: tuple[Callable[[sqlite3.Connection], Iterator[Task]], ...] = (
    top_bestsellers, reviews_mentioning, order_counts, customer_spend, top_customers, latest_orders, stock_levels,
    phone_lookups, review_status_counts, top_search_terms, unhappy_reviewers,
    price_changes, restocks, disable_product, moderate_reviews, cms_title, cancel_order, notify_customers,
    shipping_address, generate_reports, lookup_orders, show_customers, open_customer,
    quarter_leaders, items_bought, bulk_status, thank_top_customer, replace_product, bulk_reviews, moved_customer,
    restock_low,
)


def build_tasks(db_path: Path) -> list[Task]:
    """All admin tasks for the seed database at `db_path` (read-only)."""
    with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as conn:
        conn.row_factory = sqlite3.Row
        return [task for make in MAKERS for task in make(conn)]
