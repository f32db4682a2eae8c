"""Helpers for writing the code host's tasks: WebArena config dicts and grounded reference solutions.

A reference solution is written the way the paper's plans read: a few high-level steps, each with its reasoning
and the concrete actions that carry it out. `Plan` numbers the actions itself, so a step can never claim an
action index it does not own; targets are ARIA role + accessible name, as Chrome computes them on our pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from webenv.tasks.solution import parse_solution

SITE = "gitlab"
HOME = "__GITLAB__"
STORAGE_STATE = "./.auth/gitlab_state.json"


def target(role: str, name: str, *, exact: bool = True, near: str | None = None, nth: int = 0) -> dict[str, Any]:
    found: dict[str, Any] = {"role": role, "name": name}
    if not exact:
        found["exact"] = False
    if near:
        found["near"] = near
    if nth:
        found["nth"] = nth
    return found


def click(role: str, name: str, **where: Any) -> dict[str, Any]:
    return {"action": "click", "target": target(role, name, **where)}


def type_into(role: str, name: str, text: str, *, enter: bool = False, **where: Any) -> dict[str, Any]:
    action: dict[str, Any] = {"action": "type", "target": target(role, name, **where), "text": text}
    if enter:
        action["press_enter"] = True
    return action


def select(name: str, option: str, **where: Any) -> dict[str, Any]:
    return {"action": "select_option", "target": target("combobox", name, **where), "option": option}


def goto(url: str) -> dict[str, Any]:
    return {"action": "goto", "url": url}


@dataclass
class Plan:
    """Accumulates steps; each `step` owns the next consecutive action indices."""

    steps: list[dict[str, Any]] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    notes: dict[str, list[str]] = field(default_factory=dict)

    def step(self, instruction: str, reasoning: str, *actions: dict[str, Any], note: str | None = None) -> "Plan":
        first = len(self.actions)
        self.actions.extend(actions)
        self.steps.append({"reasoning": reasoning, "instruction": instruction,
                           "actions": list(range(first, len(self.actions)))})
        return self.note(note) if note else self

    def note(self, text: str) -> "Plan":
        """A fact learned from the page the last action led to (carried forward by a replanner)."""
        self.notes.setdefault(str(len(self.actions) - 1), []).append(text)
        return self

    def finish(self, answer: str = "", instruction: str | None = None, reasoning: str | None = None) -> dict[str, Any]:
        """Close the plan with the stop action and return the solution JSON (validated)."""
        self.step(instruction or (f"Answer: {answer}" if answer else "Stop: the task is done"),
                  reasoning or ("Everything the task asked for is on screen; report it." if answer
                                else "The change is saved and visible on the page, so nothing is left to do."),
                  {"action": "stop", "answer": answer})
        solution = {"steps": self.steps, "actions": self.actions, "notes": self.notes}
        parse_solution(solution)
        return solution


def task_config(*, template_id: int, intent_template: str, instantiation: dict[str, Any], solution: dict[str, Any],
                eval_types: list[str], start_url: str = HOME, reference_answers: dict[str, Any] | None = None,
                reference_url: str = "", program_html: list[dict[str, Any]] | None = None, string_note: str = "",
                url_note: str = "", raw_annotation: str = "", changes_state: bool = False) -> dict[str, Any]:
    """A WebArena-format config (without task_id: the collector assigns ids) plus its reference solution."""
    intent = intent_template
    for key, value in instantiation.items():
        intent = intent.replace("{{" + key + "}}", str(value))
    evaluation: dict[str, Any] = {
        "eval_types": eval_types,
        "reference_answers": reference_answers,
        "reference_url": reference_url,
        "program_html": program_html or [],
        "string_note": string_note,
        "reference_answer_raw_annotation": raw_annotation,
    }
    if "url_match" in eval_types:
        evaluation["url_note"] = url_note or "GOLD in PRED"
    return {
        "sites": [SITE],
        "require_login": True,
        "storage_state": STORAGE_STATE,
        "start_url": start_url,
        "geolocation": None,
        "intent_template": intent_template,
        "instantiation_dict": instantiation,
        "intent": intent,
        "require_reset": changes_state,
        "eval": evaluation,
        "intent_template_id": template_id,
        "reference_solution": solution,
    }
