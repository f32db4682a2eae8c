"""Building blocks for the storefront's tasks: WebArena config shapes, a plan builder, common navigation.

A reference solution is a grounded plan (`webenv.tasks.solution`): steps whose actions name elements by ARIA
role and accessible name. The helpers here write those actions the way the storefront's pages name things
("searchbox Search", "link View Order 000000248"), so each task in `storefront_tasks` reads as its plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote_plus

from webenv.sites.shop import queries

SITE = "__SHOPPING__"
STORAGE_STATE = "./.auth/shopping_state.json"
ORDERS_PER_PAGE = 10  # "My Orders" page size (order_views.ORDERS_PER_PAGE)

# program_html locators, as WebArena writes them for Magento (they select real elements of our pages).
WISHLIST_GRID = "document.querySelector('.products-grid.wishlist').outerText"
NEWSLETTER_BOX = "document.querySelector('[title=\"General Subscription\"]').checked.toString()"
CONTACT_MESSAGE = "document.querySelector('[title=\"What’s on your mind?\"]').value"
ORDERED_ITEMS = 'document.querySelector(".order-details-items.ordered").outerText'
SHIPPING_BOX = 'document.querySelector(".box.box-address-shipping > .box-content").outerText'
BILLING_BOX = 'document.querySelector(".box.box-address-billing > .box-content").outerText'
LATEST_ORDER = "func:shopping_get_latest_order_url()"

Action = dict[str, Any]


# --- actions -------------------------------------------------------------------------------------------------

def target(role: str, name: str, *, exact: bool = True, near: str | None = None, nth: int = 0) -> dict[str, Any]:
    found: dict[str, Any] = {"role": role, "name": name}
    if not exact:
        found["exact"] = False
    if near is not None:
        found["near"] = near
    if nth:
        found["nth"] = nth
    return found


def click(role: str, name: str, **options: Any) -> Action:
    return {"action": "click", "target": target(role, name, **options)}


def type_into(role: str, name: str, text: str, *, enter: bool = False, **options: Any) -> Action:
    action: Action = {"action": "type", "target": target(role, name, **options), "text": text}
    if enter:
        action["press_enter"] = True
    return action


def select(name: str, option: str) -> Action:
    return {"action": "select_option", "target": target("combobox", name), "option": option}


def scroll(direction: str = "down") -> Action:
    return {"action": "scroll", "direction": direction}


@dataclass
class Plan:
    """A grounded plan under construction: each step gets the next consecutive action indices."""

    steps: list[dict[str, Any]] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    notes: dict[str, list[str]] = field(default_factory=dict)

    def step(self, reasoning: str, instruction: str, *actions: Action, notes: tuple[str, ...] = ()) -> Plan:
        if not actions:
            raise ValueError("a plan step needs at least one action")
        start = len(self.actions)
        self.actions.extend(actions)
        self.steps.append({"reasoning": reasoning, "instruction": instruction,
                           "actions": list(range(start, len(self.actions)))})
        if notes:
            self.notes.setdefault(str(len(self.actions) - 1), []).extend(notes)
        return self

    def note(self, *facts: str) -> Plan:
        """Facts learned by the latest action (what a replanner would carry forward)."""
        self.notes.setdefault(str(len(self.actions) - 1), []).extend(facts)
        return self

    def finish(self, reasoning: str, instruction: str, answer: str = "") -> dict[str, Any]:
        """End with `stop` (answer empty for tasks that only change state)."""
        self.step(reasoning, instruction, {"action": "stop", "answer": answer})
        return {"steps": self.steps, "actions": self.actions, "notes": self.notes}


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


# --- evaluation shapes -----------------------------------------------------------------------------------------

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


def string_eval(*, must_include: list[str] | None = None, exact: str | None = None,
                fuzzy: list[str] | None = None, raw: str, note: str = "") -> dict[str, Any]:
    answers: dict[str, Any] = {}
    if must_include is not None:
        answers["must_include"] = must_include
    if exact is not None:
        answers["exact_match"] = exact
    if fuzzy is not None:
        answers["fuzzy_match"] = fuzzy
    return {"eval_types": ["string_match"], "reference_answers": answers, "reference_url": "", "program_html": [],
            "string_note": note, "reference_answer_raw_annotation": raw}


def url_eval(reference_url: str) -> dict[str, Any]:
    return {"eval_types": ["url_match"], "reference_answers": None, "reference_url": reference_url,
            "program_html": [], "url_note": "GOLD in PRED"}


def html_check(url: str, locator: str, **required: Any) -> dict[str, Any]:
    return {"url": url, "locator": locator, "required_contents": required}


def html_eval(*checks: dict[str, Any], reference_url: str | None = None) -> dict[str, Any]:
    evaluation: dict[str, Any] = {"eval_types": ["program_html"], "reference_answers": None, "reference_url": "",
                                  "program_html": list(checks)}
    if reference_url is not None:
        evaluation.update(eval_types=["url_match", "program_html"], reference_url=reference_url,
                          url_note="GOLD in PRED")
    return evaluation


def search_url(term: str) -> str:
    return f"{SITE}/catalogsearch/result/?q={quote_plus(term)}"


def task(template_id: int, template: str, values: dict[str, str], evaluation: dict[str, Any],
         solution: dict[str, Any], start_url: str = SITE) -> dict[str, Any]:
    """A WebArena-format config (no task_id: the collector numbers tasks) with its reference solution."""
    intent = template
    for key, value in values.items():
        intent = intent.replace("{{" + key + "}}", value)
    return {
        "sites": ["shopping"],
        "require_login": True,
        "storage_state": STORAGE_STATE,
        "start_url": start_url,
        "geolocation": None,
        "intent_template": template,
        "instantiation_dict": values,
        "intent": intent,
        "require_reset": False,
        "eval": evaluation,
        "intent_template_id": template_id,
        "reference_solution": solution,
    }
