"""Write reference solutions (webenv/tasks/solution.py format) as a sequence of plan steps.

Each `step()` call is one step of the grounded plan: its actions get the next consecutive indices, and any facts
read on the resulting page are recorded as notes on its last action — the point after which a replanner knows
them. Targets name elements by ARIA role and accessible name, the way the agent sees them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def _target(role: str, name: str, nth: int = 0) -> dict[str, Any]:
    found: dict[str, Any] = {"role": role, "name": name}
    if nth:
        found["nth"] = nth
    return found


def click_link(name: str, nth: int = 0) -> dict[str, Any]:
    return {"action": "click", "target": _target("link", name, nth)}


def click_button(name: str) -> dict[str, Any]:
    return {"action": "click", "target": _target("button", name)}


def fill(box: str, text: str, *, submit: bool = False) -> dict[str, Any]:
    action: dict[str, Any] = {"action": "type", "target": _target("textbox", box), "text": text}
    if submit:
        action["press_enter"] = True
    return action


def choose(select: str, option: str) -> dict[str, Any]:
    return {"action": "select_option", "target": _target("combobox", select), "option": option}


@dataclass
class SolutionBuilder:
    steps: list[dict[str, Any]] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    notes: dict[str, list[str]] = field(default_factory=dict)

    def step(self, instruction: str, reasoning: str, *actions: dict[str, Any],
             notes: tuple[str, ...] = ()) -> "SolutionBuilder":
        if not actions:
            raise ValueError(f"plan step {instruction!r} has no actions")
        first = len(self.actions)
        self.actions.extend(actions)
        self.steps.append({"reasoning": reasoning, "instruction": instruction,
                           "actions": list(range(first, len(self.actions)))})
        if notes:
            self.notes.setdefault(str(len(self.actions) - 1), []).extend(notes)
        return self

    def stop(self, instruction: str, reasoning: str, answer: str = "") -> dict[str, Any]:
        """The last plan step; returns the finished solution."""
        self.step(instruction, reasoning, {"action": "stop", "answer": answer})
        return {"steps": self.steps, "actions": self.actions, "notes": self.notes}
