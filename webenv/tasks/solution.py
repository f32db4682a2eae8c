"""Reference solutions: a grounded plan plus the actions that carry it out, written with semantic targets.

A target names an element the way a person would ("the link called Orders", "the Edit link after the text
000000170"), never by an observation id: ids belong to one snapshot of one page, while a reference solution must
survive any re-rendering. Two things consume these: `webenv.tasks.replay` (Playwright's own role/name lookup,
to check a solution without the agent) and the oracle policy (which finds the same element in the agent's text
observation, so it runs through the real graph and browser).

JSON shape (stored under the key "reference_solution" of a task config):
{
  "steps":   [{"reasoning": "...", "instruction": "...", "actions": [0, 1]}, ...],   # grounded plan
  "actions": [{"action": "click", "target": {"role": "link", "name": "Orders"}}, ...,
              {"action": "stop", "answer": "..."}],
  "notes":   {"3": ["Order 000000170 totals $45.00"]}   # facts a replanner should carry after action 3
}
Each step's action indices are consecutive and in order, every action belongs to exactly one step, and the last
action is `stop` — the same constraints the paper puts on grounded plans.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

ActionName = Literal[
    "click", "type", "hover", "select_option", "press", "scroll", "wait", "goto", "go_back", "go_forward",
    "new_tab", "tab_focus", "close_tab", "stop",
]
ACTION_NAMES: tuple[str, ...] = ActionName.__args__  # type: ignore[attr-defined]
TARGETED_ACTIONS = frozenset({"click", "type", "hover", "select_option"})


class SolutionError(ValueError):
    """A reference solution that breaks the format; the message names the offending field."""


@dataclass(frozen=True)
class Target:
    """An element by ARIA role + accessible name (Chrome's accessibility tree names), or a CSS selector.

    exact: whole-name match after collapsing whitespace (else case-insensitive substring).
    near:  only elements after the first text containing this string, in document order (disambiguates
           e.g. one "Edit" link among many table rows).
    nth:   which of the remaining matches, 0-based.
    """

    role: str | None = None
    name: str | None = None
    exact: bool = True
    near: str | None = None
    nth: int = 0
    css: str | None = None

    def describe(self) -> str:
        if self.css:
            return f"css={self.css!r}"
        where = f" after {self.near!r}" if self.near else ""
        which = f" #{self.nth}" if self.nth else ""
        return f"{self.role} {self.name!r}{where}{which}"


@dataclass(frozen=True)
class RefAction:
    action: str
    target: Target | None = None
    text: str | None = None
    press_enter: bool = False
    option: str | None = None
    keys: str | None = None
    direction: str | None = None
    url: str | None = None
    index: int | None = None
    seconds: int | None = None
    answer: str | None = None

    def describe(self) -> str:
        parts = [self.action]
        if self.target:
            parts.append(self.target.describe())
        for label, value in (("text", self.text), ("option", self.option), ("keys", self.keys),
                             ("direction", self.direction), ("url", self.url), ("answer", self.answer)):
            if value is not None:
                parts.append(f"{label}={value!r}")
        return " ".join(parts)


@dataclass(frozen=True)
class RefStep:
    reasoning: str
    instruction: str
    actions: tuple[int, ...]


@dataclass(frozen=True)
class ReferenceSolution:
    steps: tuple[RefStep, ...]
    actions: tuple[RefAction, ...]
    notes: dict[int, tuple[str, ...]] = field(default_factory=dict)

    @property
    def answer(self) -> str:
        return self.actions[-1].answer or ""

    def step_of(self, action_index: int) -> int:
        """Index of the plan step that covers an action index."""
        for number, step in enumerate(self.steps):
            if action_index in step.actions:
                return number
        raise IndexError(action_index)

    def notes_until(self, done_actions: int) -> list[str]:
        """Facts known once `done_actions` actions have been carried out."""
        return [note for index in sorted(self.notes) if index < done_actions for note in self.notes[index]]

    def to_json(self) -> dict[str, Any]:
        def clean(value: Any) -> Any:
            if isinstance(value, dict):
                return {k: clean(v) for k, v in value.items()
                        if v is not None and v != {} and not (k == "nth" and v == 0)
                        and not (k == "exact" and v is True) and not (k == "press_enter" and v is False)}
            if isinstance(value, (list, tuple)):
                return [clean(v) for v in value]
            return value

        return {
            "steps": [{"reasoning": s.reasoning, "instruction": s.instruction, "actions": list(s.actions)}
                      for s in self.steps],
            "actions": [clean(asdict(a)) for a in self.actions],
            "notes": {str(k): list(v) for k, v in sorted(self.notes.items())},
        }


def _target(raw: Any, where: str) -> Target:
    if not isinstance(raw, dict):
        raise SolutionError(f"{where}.target must be an object")
    unknown = set(raw) - {"role", "name", "exact", "near", "nth", "css"}
    if unknown:
        raise SolutionError(f"{where}.target has unknown keys {sorted(unknown)}")
    target = Target(**raw)
    if not target.css and not (target.role and target.name is not None):
        raise SolutionError(f"{where}.target needs role+name or css")
    return target


def parse_solution(raw: Any, task: str = "?") -> ReferenceSolution:
    """Validate and parse a solution; errors name the task and the field."""
    where = f"task {task}: reference_solution"
    if not isinstance(raw, dict):
        raise SolutionError(f"{where} must be an object")
    raw_actions = raw.get("actions")
    if not isinstance(raw_actions, list) or not raw_actions:
        raise SolutionError(f"{where}.actions must be a non-empty list")
    actions: list[RefAction] = []
    for i, item in enumerate(raw_actions):
        at = f"{where}.actions[{i}]"
        if not isinstance(item, dict) or item.get("action") not in ACTION_NAMES:
            raise SolutionError(f"{at}.action must be one of {', '.join(ACTION_NAMES)}")
        fields = {k: v for k, v in item.items() if k != "target"}
        unknown = set(fields) - set(RefAction.__dataclass_fields__)
        if unknown:
            raise SolutionError(f"{at} has unknown keys {sorted(unknown)}")
        target = _target(item["target"], at) if "target" in item else None
        if item["action"] in TARGETED_ACTIONS and target is None:
            raise SolutionError(f"{at}.target is required for {item['action']}")
        actions.append(RefAction(target=target, **fields))
    if actions[-1].action != "stop":
        raise SolutionError(f"{where}.actions must end with a stop action")
    if any(a.action == "stop" for a in actions[:-1]):
        raise SolutionError(f"{where}.actions has a stop before the end")
    steps: list[RefStep] = []
    expected = 0
    for i, item in enumerate(raw.get("steps") or []):
        at = f"{where}.steps[{i}]"
        if not isinstance(item, dict) or not item.get("instruction"):
            raise SolutionError(f"{at}.instruction is required")
        indices = tuple(item.get("actions") or ())
        if not indices or list(indices) != list(range(expected, expected + len(indices))):
            raise SolutionError(f"{at}.actions must be the consecutive indices starting at {expected}")
        expected += len(indices)
        steps.append(RefStep(reasoning=item.get("reasoning", ""), instruction=item["instruction"], actions=indices))
    if expected != len(actions):
        raise SolutionError(f"{where}.steps cover {expected} actions but there are {len(actions)}")
    notes: dict[int, tuple[str, ...]] = {}
    for key, values in (raw.get("notes") or {}).items():
        if not str(key).isdigit() or int(key) >= len(actions):
            raise SolutionError(f"{where}.notes key {key!r} is not an action index")
        notes[int(key)] = tuple(values)
    return ReferenceSolution(steps=tuple(steps), actions=tuple(actions), notes=notes)
