"""A small builder for reference solutions (see `webenv.tasks.solution`), so each task reads as its plan.

`step()` appends a plan step with its actions and gives them consecutive indices; `notes` attach facts found
along the way to the step's last action, which is where a replanner would learn them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def target(role: str, name: str, *, exact: bool = True, near: str | None = None, nth: int = 0) -> dict[str, Any]:
    found: dict[str, Any] = {"role": role, "name": name}
    if not exact:
        found["exact"] = False
    if near is not None:
        found["near"] = near
    if nth:
        found["nth"] = nth
    return found


def click(role: str, name: str, **options: Any) -> dict[str, Any]:
    return {"action": "click", "target": target(role, name, **options)}


def type_text(role: str, name: str, text: str, *, press_enter: bool = False, **options: Any) -> dict[str, Any]:
    action: dict[str, Any] = {"action": "type", "target": target(role, name, **options), "text": text}
    if press_enter:
        action["press_enter"] = True
    return action


def select(name: str, option: str) -> dict[str, Any]:
    return {"action": "select_option", "target": target("combobox", name), "option": option}


def goto(url: str) -> dict[str, Any]:
    return {"action": "goto", "url": url}


@dataclass
class SolutionBuilder:
    steps: list[dict[str, Any]] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    notes: dict[str, list[str]] = field(default_factory=dict)

    def step(self, reasoning: str, instruction: str, *actions: dict[str, Any],
             notes: list[str] | None = None) -> "SolutionBuilder":
        if not actions:
            raise ValueError("a plan step needs at least one action")
        start = len(self.actions)
        self.actions.extend(actions)
        self.steps.append({"reasoning": reasoning, "instruction": instruction,
                           "actions": list(range(start, len(self.actions)))})
        if notes:
            self.notes.setdefault(str(len(self.actions) - 1), []).extend(notes)
        return self

    def finish(self, reasoning: str, instruction: str, answer: str = "") -> dict[str, Any]:
        """The final step: stop with the answer (empty for tasks that change state)."""
        self.step(reasoning, instruction, {"action": "stop", "answer": answer})
        return {"steps": self.steps, "actions": self.actions, "notes": self.notes}
