"""Building blocks for writing tasks: semantic actions, grounded plans, WebArena's eval shapes and configs.

Every site's task module writes its reference solutions with these, so a solution reads as its plan
("Search for 'duffle'" -> the actions that do it) and every config has exactly WebArena's shape. What is
particular to one site (its menus, its navigation steps, its config defaults as a `TaskSite`) lives in that
site's package, built on these.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Action = dict[str, Any]


def target(role: str, name: str, *, exact: bool = True, near: str | None = None, nth: int = 0) -> dict[str, Any]:
    """An element by ARIA role and accessible name (see `webenv.tasks.solution.Target`)."""
    found: dict[str, Any] = {"role": role, "name": name}
    if not exact:
        found["exact"] = False
    if near:
        found["near"] = near
    if nth:
        found["nth"] = nth
    return found


def click(role: str, name: str, **where: Any) -> Action:
    return {"action": "click", "target": target(role, name, **where)}


def type_into(role: str, name: str, text: str, *, enter: bool = False, **where: Any) -> Action:
    action: Action = {"action": "type", "target": target(role, name, **where), "text": text}
    if enter:
        action["press_enter"] = True
    return action


def select(name: str, option: str, **where: Any) -> Action:
    """Choose an option in the dropdown (ARIA combobox) with this name."""
    return {"action": "select_option", "target": target("combobox", name, **where), "option": option}


def goto(url: str) -> Action:
    return {"action": "goto", "url": url}


def scroll(direction: str = "down") -> Action:
    return {"action": "scroll", "direction": direction}


@dataclass
class Plan:
    """A grounded plan under construction: each step takes the next consecutive action indices, and notes are
    facts learned by an action (what a replanner should carry forward from there on)."""

    steps: list[dict[str, Any]] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    notes: dict[str, list[str]] = field(default_factory=dict)

    def step(self, reasoning: str, instruction: str, *actions: Action, notes: tuple[str, ...] | list[str] = ()
             ) -> "Plan":
        if not actions:
            raise ValueError("a plan step needs at least one action")
        start = len(self.actions)
        self.actions.extend(actions)
        self.steps.append({"reasoning": reasoning, "instruction": instruction,
                           "actions": list(range(start, len(self.actions)))})
        if notes:
            self.note(*notes)
        return self

    def note(self, *facts: str) -> "Plan":
        self.notes.setdefault(str(len(self.actions) - 1), []).extend(facts)
        return self

    def finish(self, reasoning: str, instruction: str, answer: str = "") -> dict[str, Any]:
        """End with `stop` (an empty answer for tasks that only change state); returns the solution JSON."""
        self.step(reasoning, instruction, {"action": "stop", "answer": answer})
        return {"steps": self.steps, "actions": self.actions, "notes": self.notes}


# --- eval shapes (WebArena's `eval` block) ----------------------------------------------------------------

EVAL_KEYS = ("eval_types", "reference_answers", "reference_url", "program_html", "string_note",
             "reference_answer_raw_annotation", "url_note")  # the order WebArena writes them in


def string_eval(*, must_include: list[str] | None = None, exact: str | None = None,
                fuzzy: list[str] | str | None = None, raw: str, note: str = "",
                reference_url: str | None = None) -> dict[str, Any]:
    """An answer check. `fuzzy` may be the bare string "N/A", as some of WebArena's unachievable tasks write it;
    a `reference_url` adds a url_match (GOLD in PRED) on the page the answer was read from."""
    answers: dict[str, Any] = {}
    if must_include is not None:
        answers["must_include"] = must_include
    if exact is not None:
        answers["exact_match"] = exact
    if fuzzy is not None:
        answers["fuzzy_match"] = fuzzy
    evaluation: dict[str, Any] = {"eval_types": ["string_match"], "reference_answers": answers,
                                  "reference_url": "", "program_html": [], "string_note": note,
                                  "reference_answer_raw_annotation": raw}
    if reference_url is not None:
        evaluation.update(eval_types=["string_match", "url_match"], reference_url=reference_url,
                          url_note="GOLD in PRED")
    return evaluation


def url_eval(reference_url: str) -> dict[str, Any]:
    return {"eval_types": ["url_match"], "reference_answers": None, "reference_url": reference_url,
            "program_html": [], "url_note": "GOLD in PRED"}


def html_check(url: str, locator: str, **required: Any) -> dict[str, Any]:
    """One program_html entry: `url` ("last", a URL, or func:...), a JS `locator`, and required contents."""
    return {"url": url, "locator": locator, "required_contents": required}


def html_eval(*checks: dict[str, Any], reference_url: str | None = None) -> dict[str, Any]:
    evaluation: dict[str, Any] = {"eval_types": ["program_html"], "reference_answers": None, "reference_url": "",
                                  "program_html": list(checks)}
    if reference_url is not None:
        evaluation.update(eval_types=["url_match", "program_html"], reference_url=reference_url,
                          url_note="GOLD in PRED")
    return evaluation


def with_string_fields(evaluation: dict[str, Any]) -> dict[str, Any]:
    """The block with `string_note` and the raw annotation present (empty unless set) whatever its eval types.

    WebArena writes them on string_match blocks only; the forum's and the code host's tasks were first published
    with them on every block, and keep them so their configs stay byte-for-byte what they were."""
    filled = {"string_note": "", "reference_answer_raw_annotation": "", **evaluation}
    return {key: filled[key] for key in EVAL_KEYS if key in filled}


# --- configs ----------------------------------------------------------------------------------------------

def task_config(*, sites: list[str], template_id: int, template: str, values: Mapping[str, Any],
                evaluation: dict[str, Any], solution: dict[str, Any], start_url: str,
                storage_state: str | None, require_login: bool = True, require_reset: bool = False
                ) -> dict[str, Any]:
    """A WebArena-format config (no task_id: the suite numbers tasks) with its reference solution. Values need
    not be strings (WebArena's instantiation dicts hold numbers and lists too); the intent shows them as str()."""
    intent = template
    for key, value in values.items():
        intent = intent.replace("{{" + key + "}}", str(value))
    return {
        "sites": sites, "require_login": require_login, "storage_state": storage_state, "start_url": start_url,
        "geolocation": None, "intent_template": template, "instantiation_dict": values, "intent": intent,
        "require_reset": require_reset, "eval": evaluation, "intent_template_id": template_id,
        "reference_solution": solution,
    }


@dataclass(frozen=True)
class TaskSite:
    """What every task of one site has in common, so a task module states only what differs from task to task.

    `string_fields` writes `string_note` and the raw annotation on every eval block (see `with_string_fields`).
    """

    name: str  # WebArena's key in "sites": shopping, shopping_admin, reddit, gitlab, map
    home: str  # the default start_url: the site's placeholder
    storage_state: str | None
    string_fields: bool = False

    def task(self, template_id: int, template: str, values: Mapping[str, Any], evaluation: dict[str, Any],
             solution: dict[str, Any], *, start_url: str | None = None, require_reset: bool = False
             ) -> dict[str, Any]:
        return task_config(sites=[self.name], template_id=template_id, template=template, values=values,
                           evaluation=with_string_fields(evaluation) if self.string_fields else evaluation,
                           solution=solution, start_url=self.home if start_url is None else start_url,
                           storage_state=self.storage_state, require_reset=require_reset)
