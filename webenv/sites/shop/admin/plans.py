"""The store admin's own reference-solution steps, written with `webenv.tasks.authoring`'s actions.

The names here ("Apply Filters", "Edit review 12", ...) are the admin pages' own labels, so a label changed in a
template and not here fails the replay test instead of silently breaking the tasks.
"""

from __future__ import annotations

from webenv.tasks.authoring import Action, click, select, type_into


def menu(link: str) -> Action:
    """A link of the admin's main menu (Orders, Products, All Customers, Pending Reviews, Bestsellers, ...)."""
    return click("link", link)


APPLY_FILTERS = click("button", "Apply Filters")
SHOW_REPORT = click("button", "Show Report")


def edit_product(name: str, sku: str) -> Action:
    return click("link", f"Edit {name} ({sku})")


def view_order(increment_id: str) -> Action:
    return click("link", f"View order {increment_id}")


def edit_review(review_id: int) -> Action:
    return click("link", f"Edit review {review_id}")


def edit_customer(name: str, email: str) -> Action:
    return click("link", f"Edit customer {name} ({email})")


def report_period(period: str, start: str, end: str) -> list[Action]:
    """Fill a report's filter (Period select, From, To) and run it."""
    return [select("Period", period), type_into("textbox", "From", start), type_into("textbox", "To", end),
            SHOW_REPORT]
