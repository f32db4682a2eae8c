"""Reference-solution building blocks for admin tasks: actions named by ARIA role and accessible name as the
admin's pages render them, and a `Plan` that groups them into the paper's grounded steps.

The names here ("Search by keyword", "Apply Filters", "Edit review 12", ...) are the admin pages' own labels, so
a label changed in a template and not here fails the replay test instead of silently breaking the tasks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Action = dict[str, Any]


def _target(role: str, name: str, *, exact: bool = True, near: str | None = None, nth: int = 0) -> dict[str, Any]:
    target: dict[str, Any] = {"role": role, "name": name}
    if not exact:
        target["exact"] = False
    if near:
        target["near"] = near
    if nth:
        target["nth"] = nth
    return target


def click(role: str, name: str, **where: Any) -> Action:
    return {"action": "click", "target": _target(role, name, **where)}


def fill(name: str, text: str, *, enter: bool = False, role: str = "textbox") -> Action:
    action: Action = {"action": "type", "target": _target(role, name), "text": text}
    if enter:
        action["press_enter"] = True
    return action


def choose(name: str, option: str) -> Action:
    return {"action": "select_option", "target": _target("combobox", name), "option": option}


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
    return [choose("Period", period), fill("From", start), fill("To", end), SHOW_REPORT]


@dataclass
class Plan:
    """A grounded plan under construction: steps own consecutive actions; notes hang on a step's last action."""

    steps: list[dict[str, Any]] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    notes: dict[str, list[str]] = field(default_factory=dict)

    def step(self, reasoning: str, instruction: str, *actions: Action, note: str | None = None) -> "Plan":
        first = len(self.actions)
        self.actions.extend(actions)
        self.steps.append({"reasoning": reasoning, "instruction": instruction,
                           "actions": list(range(first, len(self.actions)))})
        if note:
            self.notes.setdefault(str(len(self.actions) - 1), []).append(note)
        return self

    def finish(self, reasoning: str, instruction: str, answer: str = "") -> dict[str, Any]:
        """Close the plan with a stop step and return the reference-solution JSON."""
        stop: Action = {"action": "stop", "answer": answer}
        self.step(reasoning, instruction, stop)
        return {"steps": self.steps, "actions": self.actions, "notes": self.notes}
