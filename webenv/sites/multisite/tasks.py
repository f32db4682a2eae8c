"""Tasks that need two sites at once, as WebArena-Lite's ten multi-site tasks do: read something on one site and
act on another. Intents name the second site with its placeholder (the agent has no "homepage" of links, so it
must be told where the forum or the map is); the environment substitutes this run's URL.

Every value (review titles, bestsellers, routes, repositories, customers' cities) is read from the seed databases.
"""

from __future__ import annotations

import calendar
import sqlite3
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import Any

from webenv.answers import phrases
from webenv.sites.codehost import queries as code_queries
from webenv.sites.common import connect
from webenv.sites.forum.tasks import in_forum
from webenv.sites.map import queries as map_queries
from webenv.sites.map.routing import profile_for
from webenv.sites.map.tasks import shown_duration
from webenv.sites.shop import admin_queries
from webenv.sites.shop.admin import formats as admin_formats
from webenv.sites.shop.admin import plans as admin_plans
from webenv.tasks.authoring import Plan, click, goto, html_check, html_eval, select, string_eval, task_config, type_into

SHOP, ADMIN, FORUM, MAP, GITLAB = "__SHOPPING__", "__SHOPPING_ADMIN__", "__REDDIT__", "__MAP__", "__GITLAB__"
POST_TITLE = "document.querySelector('.submission__title').outerText"
POST_BODY = "document.querySelector('.submission__body').outerText"
LAST_POST = "func:reddit_get_post_url('__last_url__')"
Task = dict[str, Any]


def _post(plan: Plan, forum: str, title: str, body: str, reasoning: str) -> Plan:
    """Go to the forum (on the forum site) and submit a post there."""
    return (plan
            .step("The forum is a different site: its address is in the task.", f"Go to /f/{forum} on the forum.",
                  goto(f"{FORUM}/f/{forum}"))
            .step(reasoning, f"Submit a new post in /f/{forum} titled '{title}' with the collected text as its body.",
                  click("link", "Submit a new post"), type_into("textbox", "Title", title),
                  type_into("textbox", "Body (optional)", body), click("button", "Create submission")))


def _post_eval(forum: str, title: str, body_phrases: list[str]) -> dict[str, Any]:
    return html_eval(html_check(LAST_POST, POST_TITLE, exact_match=title),
                     html_check(LAST_POST, POST_BODY, must_include=body_phrases),
                     reference_url=in_forum(f"/f/{forum}"))


# --- shopping -> forum: review titles ------------------------------------------------------------------------

REVIEW_TEMPLATE = ("Gather the titles of the reviews of \"{{product}}\" on OneStopShop that rate it {{stars}} stars or "
                   "less, and post them "
                   "in the /f/{{forum}} forum of Postmill (" + FORUM + ") under the title \"{{title}}\", one title "
                   "per line")
REVIEW_FORUMS = ("gadgets", "Showerthoughts", "technology")


def _low_rated_products(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Products with a unique name and at least three distinct titles among their approved reviews of at most
    2 stars."""
    found = []
    for product in conn.execute("SELECT * FROM products WHERE enabled = 1 ORDER BY id"):
        if conn.execute("SELECT COUNT(*) FROM products WHERE name = ?", (product["name"],)).fetchone()[0] != 1:
            continue
        titles = [r[0] for r in conn.execute(
            "SELECT title FROM reviews WHERE product_id = ? AND status = 'approved' AND rating <= 2 "
            "ORDER BY created_at, id", (product["id"],))]
        distinct = list(dict.fromkeys(titles))
        if len(distinct) >= 3:
            found.append({"name": product["name"], "titles": distinct})
    found.sort(key=lambda p: (-len(p["titles"]), p["name"]))
    return found


def review_digests(shop: sqlite3.Connection) -> Iterator[Task]:
    for product, forum in zip(_low_rated_products(shop), REVIEW_FORUMS):
        title = f"Real user feedback on {product['name'][:60]}"
        plan = (Plan()
                .step("The product page lists every review with its star rating.",
                      f"Search OneStopShop for '{product['name']}' and open the product.",
                      type_into("searchbox", "Search", product["name"], enter=True),
                      click("link", product["name"]),
                      notes=[f"Titles of the 1- and 2-star reviews of {product['name']}: "
                             + "; ".join(product["titles"])]))
        solution = _post(plan, forum, title, "\n".join(product["titles"]),
                         "The post carries the titles, one per line.").finish(
            "The post is up with every title.", "Finish: the feedback is posted.")
        values = {"stars": "2", "product": product["name"], "forum": forum, "title": title}
        yield task_config(sites=["shopping", "reddit"], template_id=6000, template=REVIEW_TEMPLATE, values=values,
                          evaluation=_post_eval(forum, title, product["titles"]), solution=solution,
                          start_url=SHOP, storage_state="./.auth/shopping.reddit_state.json")


# --- store admin -> forum: bestsellers --------------------------------------------------------------------------

BESTSELLER_TEMPLATE = ("Share the top-{{n}} best-selling products of {{month}} from our store admin in the "
                       "/f/{{forum}} forum of Postmill (" + FORUM + "), titled \"{{title}}\" with one product per line")


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _clear_top(ranking: list[dict[str, Any]]) -> list[str]:
    """The names of the largest clear top-n (n = 3 or 2): no tie at the cut, no two products sharing a name."""
    for n in (3, 2):
        names = [row["name"] for row in ranking[:n]]
        if len(ranking) > n and ranking[n - 1]["qty"] > ranking[n]["qty"] and len(set(names)) == n:
            return names
    return []


def bestseller_posts(shop: sqlite3.Connection) -> Iterator[Task]:
    """Months whose top sellers are clear-cut (monthly sales are thin, so many months tie)."""
    made = 0
    for year, month in ((2022, 9), (2022, 10), (2023, 6), (2022, 1)):
        span = admin_queries.DateRange(date(year, month, 1), _month_end(year, month))
        names = _clear_top(admin_queries.bestsellers_in(shop, span))
        if not names:
            continue
        month_name = span.start.strftime("%B %Y")
        title = f"Our best sellers of {month_name}"
        report_from, report_to = admin_formats.report_date(span.start), admin_formats.report_date(span.end)
        plan = (Plan()
                .step("The Bestsellers report ranks products by units sold over a period.",
                      f"Open Reports > Bestsellers and show {month_name} as one Month interval.",
                      admin_plans.menu("Bestsellers"),
                      *admin_plans.report_period("Month", report_from, report_to),
                      notes=[f"Top {len(names)} of {month_name}: " + "; ".join(names)]))
        forum = ("technology", "UpliftingNews")[made]
        solution = _post(plan, forum, title, "\n".join(names), "One product per line, best first.").finish(
            "The post lists the products.", "Finish: the best sellers are shared.")
        values = {"n": str(len(names)), "month": month_name, "forum": forum, "title": title}
        yield task_config(sites=["shopping_admin", "reddit"], template_id=6001, template=BESTSELLER_TEMPLATE,
                          values=values, evaluation=_post_eval(forum, title, names), solution=solution,
                          start_url=ADMIN, storage_state="./.auth/shopping_admin.reddit_state.json")
        made += 1
        if made == 2:
            return


# --- map -> forum: a walk ---------------------------------------------------------------------------------------

WALK_TEMPLATE = ("Find out on the map how long it takes to walk from {{origin}} to {{destination}}, then ask in the "
                 "/f/{{forum}} forum of Postmill (" + FORUM + ") whether anyone wants to join me: title the post "
                 "\"{{title}}\" and mention the walking time in its body")
WALKS = (("Carnegie Mellon University", "The Frick Pittsburgh", "running"),
         ("Massachusetts Institute of Technology", "Harvard University", "running"))


def _route_step(plan: Plan, origin: str, destination: str, mode: str, note: str) -> Plan:
    label = profile_for(mode).label
    return plan.step("The directions page computes a route's distance and time for a chosen mode.",
                     f"Get the {label} route from {origin} to {destination}.",
                     click("link", "Directions"), type_into("textbox", "From", origin),
                     type_into("textbox", "To", destination), select("Mode", label), click("button", "Go"),
                     notes=[note])


def walk_invitations(places: sqlite3.Connection) -> Iterator[Task]:
    for origin, destination, forum in WALKS:
        route = map_queries.route(places, map_queries.place_named(places, origin),
                                  map_queries.place_named(places, destination), "foot")
        title = f"Anyone up for a walk from {origin} to {destination}?"
        body = f"It takes about {route.duration_text} (h:mm) on foot according to the map. Join me!"
        plan = _route_step(Plan(), origin, destination, "foot",
                           f"Walking from {origin} to {destination} takes {route.duration_text}")
        solution = _post(plan, forum, title, body, "The body must state the walking time.").finish(
            "The invitation is posted.", "Finish: the post is up.")
        values = {"origin": origin, "destination": destination, "forum": forum, "title": title}
        yield task_config(sites=["map", "reddit"], template_id=6002, template=WALK_TEMPLATE, values=values,
                          evaluation=_post_eval(forum, title, [phrases(shown_duration(route.duration_s))]),
                          solution=solution,
                          start_url=MAP, storage_state="./.auth/reddit_state.json")


# --- store admin + map: drive to a customer's city ----------------------------------------------------------------

DRIVE_TEMPLATE = ("How long does it take to drive from {{origin}} to the city where our customer {{customer}} "
                  "lives? Their address is in the store admin; the map is at " + MAP + ".")
DRIVES = (("Carnegie Mellon University", "Pittsburgh"), ("Massachusetts Institute of Technology", "New York"))


def customer_drives(shop: sqlite3.Connection, places: sqlite3.Connection) -> Iterator[Task]:
    for origin, city in DRIVES:
        customer = shop.execute(
            "SELECT c.id, c.first_name || ' ' || c.last_name AS name, a.city, a.region FROM customers c "
            "JOIN addresses a ON a.customer_id = c.id AND a.is_default_shipping = 1 WHERE a.city = ? "
            "ORDER BY c.id", (city,)).fetchall()
        customer = next(c for c in customer if len(admin_queries.customers_named(shop, c["name"])) == 1)
        city_place = map_queries.place_named(places, city)
        route = map_queries.route(places, map_queries.place_named(places, origin), city_place, "car")
        plan = (Plan()
                .step("The customer's addresses are on their page in the admin.",
                      f"Find {customer['name']} in All Customers and open their page.",
                      admin_plans.menu("All Customers"),
                      type_into("textbox", "Search by keyword", customer["name"], enter=True),
                      click("link", f"Edit customer {customer['name']}", exact=False),
                      notes=[f"{customer['name']} lives in {city}, {customer['region']}"])
                .step("The map is a different site: its address is in the task.", "Open the map.", goto(MAP)))
        _route_step(plan, origin, city, "car", f"Driving from {origin} to {city} takes {route.duration_text}")
        solution = plan.finish("The route summary gives the time.", "Report the driving time.", route.duration_text)
        values = {"origin": origin, "customer": customer["name"]}
        # Distractors: the same trip walking or cycling.
        wrong = [shown_duration(map_queries.route(places, map_queries.place_named(places, origin), city_place,
                                                  mode).duration_s) for mode in ("foot", "bike")]
        yield task_config(sites=["shopping_admin", "map"], template_id=6003, template=DRIVE_TEMPLATE, values=values,
                          evaluation=string_eval(shown_duration(route.duration_s), exclude=wrong,
                                                 raw=route.duration_text),
                          solution=solution, start_url=ADMIN, storage_state="./.auth/shopping_admin_state.json")


# --- code host -> forum: promote a project ------------------------------------------------------------------

PROMOTE_TEMPLATE = ("Promote the project {{project}} from our code host (" + GITLAB + ") in the /f/{{forum}} forum of "
                    "Postmill (" + FORUM + "): title the post with the project's name, and put the project's own "
                    "description and its URL in the body")
PROMOTIONS = (("auth0/angular-storage", "technology"), ("convexegg/chatgpt", "MachineLearning"))


def project_promotions(code: sqlite3.Connection) -> Iterator[Task]:
    for full_path, forum in PROMOTIONS:
        namespace, path = full_path.split("/")
        project = code_queries.project_by_path(code, namespace, path)
        if project is None:
            raise LookupError(f"the code host seed has no project {full_path}")
        url = f"{GITLAB}/{full_path}"
        plan = (Plan()
                .step("The project's page shows its name and description.",
                      f"Open the project {full_path} on the code host.", goto(url),
                      notes=[f"{full_path}: {project['description']} ({url})"]))
        solution = _post(plan, forum, project["name"], f"{project['description']}\n{url}",
                         "The body quotes the description and links the project.").finish(
            "The project is promoted.", "Finish: the post is up.")
        evaluation = html_eval(html_check(LAST_POST, POST_TITLE, must_include=[project["name"]]),
                               html_check(LAST_POST, POST_BODY, must_include=[project["description"], url]),
                               reference_url=in_forum(f"/f/{forum}"))
        yield task_config(sites=["gitlab", "reddit"], template_id=6004, template=PROMOTE_TEMPLATE,
                          values={"project": full_path, "forum": forum}, evaluation=evaluation, solution=solution,
                          start_url=GITLAB, storage_state="./.auth/gitlab.reddit_state.json")


def build_tasks(databases: dict[str, Path]) -> list[Task]:
    with ExitStack() as stack:
        shop = stack.enter_context(connect(databases["shop"]))
        places = stack.enter_context(connect(databases["map"]))
        code = stack.enter_context(connect(databases["codehost"]))
        return [*review_digests(shop), *bestseller_posts(shop), *walk_invitations(places),
                *customer_drives(shop, places), *project_promotions(code)]
