"""Grounded plans: a plan in the runtime's format whose every step names the actions it covers.

The teacher writes the runtime's plan text with one extra line per step, `Actions: 3, 4, 5` (or `3-5`), inside
`<plan>` ... `</plan>`. The checks are the paper's constraints, which its published code only asks for in the
prompt: steps numbered 1..K; every index group non-empty, ascending, contiguous, not overlapping the others, and
all groups together exactly the expected action range; K no more than the number of actions; every step with a
non-empty reasoning and instruction. Each violation is phrased so that it can go back to the teacher as is.

The text without the `Actions:` lines is parsed by the runtime's one plan parser (`nodes.plan_text`), so a
grounded plan that passes here is a plan the runtime would accept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.state import Plan, PlanStep
from nodes.plan_text import parse_plan, render_plan, step_heading_number
from synth.replies import looks_like_refusal
from synth.teacher import Invalid

PLAN_OPEN, PLAN_CLOSE = "<plan>", "</plan>"
_PLAN_BLOCK = re.compile(r"<plan>(.*?)</plan>", re.DOTALL | re.IGNORECASE)
_FENCE = re.compile(r"^\s*```[a-zA-Z]*\s*$")
_INDEX_LINE = re.compile(r"^\s*(?:[-*]\s*)?(?:\*\*|__)?\s*(?:actions?|action\s+indices|indices)\s*(?:\*\*|__)?\s*:"
                         r"\s*(?:\*\*|__)?(.*)$", re.IGNORECASE)
MAX_ACTIONS = 10_000  # no trajectory is longer; a bigger range in a reply is a mistake, not a list to build
_RANGE = re.compile(r"^(\d+)\s*(?:-|–|—|\.\.)\s*(\d+)$")


@dataclass(frozen=True)
class GroundedStep:
    reasoning: str
    instruction: str
    actions: tuple[int, ...]

    def as_plan_step(self) -> PlanStep:
        return {"reasoning": self.reasoning, "instruction": self.instruction}


@dataclass(frozen=True)
class GroundedPlan:
    steps: tuple[GroundedStep, ...]
    notes: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The plan as the runtime writes it (no action indices): what training targets contain."""
        return render_plan([s.as_plan_step() for s in self.steps], list(self.notes))

    def as_plan(self) -> Plan:
        return {"steps": [s.as_plan_step() for s in self.steps], "notes": list(self.notes), "raw": self.text}

    def to_json(self) -> dict[str, object]:
        return {"steps": [{"reasoning": s.reasoning, "instruction": s.instruction, "actions": list(s.actions)}
                          for s in self.steps], "notes": list(self.notes)}

    @classmethod
    def from_json(cls, raw: dict[str, object]) -> GroundedPlan:
        steps = tuple(GroundedStep(str(s["reasoning"]), str(s["instruction"]), tuple(int(i) for i in s["actions"]))
                      for s in raw["steps"])  # type: ignore[index, union-attr, attr-defined]
        return cls(steps=steps, notes=tuple(str(n) for n in raw.get("notes") or ()))  # type: ignore[union-attr]


class GroundingError(Invalid):
    """Why a teacher's grounded plan was refused; `code` names the kind of problem for reject reports."""


def render_grounded(plan: GroundedPlan) -> str:
    """The teacher's format: the runtime's plan text plus an `Actions:` line per step, between markers."""
    blocks = [f"## Step {n}\nReasoning: {s.reasoning}\nStep: {s.instruction}\nActions: {', '.join(map(str, s.actions))}"
              for n, s in enumerate(plan.steps, start=1)]
    if plan.notes:
        blocks.append("## Notes\n" + "\n".join(f"- {note}" for note in plan.notes))
    return PLAN_OPEN + "\n" + "\n\n".join(blocks) + "\n" + PLAN_CLOSE


def _indices(text: str, step: int) -> list[int]:
    cleaned = text.strip().strip("[]()").replace(";", ",")
    if not cleaned:
        raise GroundingError("bad_grounding", f"step {step} lists no actions: every step must cover at least one")
    values: list[int] = []
    for token in (t.strip() for t in cleaned.split(",")):
        if token.isdigit():
            values.append(int(token))
            continue
        span = _RANGE.match(token)
        if not span:
            raise GroundingError("bad_grounding", f"step {step} has 'Actions: {text.strip()}', which is not a list "
                                                  "of action indices such as 'Actions: 3, 4, 5'")
        low, high = int(span.group(1)), int(span.group(2))
        if high < low:
            raise GroundingError("bad_grounding", f"step {step} has the backwards range {token}")
        if high - low > MAX_ACTIONS:
            raise GroundingError("bad_grounding", f"step {step} has the range {token}, longer than any trajectory")
        values.extend(range(low, high + 1))
    return values


def _split(text: str) -> tuple[str, list[list[str]], list[int]]:
    """(plan text without index lines, the index lines of each step block, the step numbers as written)."""
    kept: list[str] = []
    blocks: list[list[str]] = []
    numbers: list[int] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if _FENCE.match(line):
            continue
        number = step_heading_number(line)
        if number is not None:
            blocks.append([])
            numbers.append(number)
            kept.append(line)
            continue
        index_line = _INDEX_LINE.match(line)
        if index_line:
            if not blocks:
                raise GroundingError("bad_grounding", "an 'Actions:' line comes before the first '## Step 1' heading")
            blocks[-1].append(index_line.group(1))
            continue
        kept.append(line)
    return "\n".join(kept), blocks, numbers


def check_groups(groups: list[list[int]], first: int, end: int) -> None:
    """The paper's constraints on index groups, for the action range first..end-1."""
    expected = first
    for number, group in enumerate(groups, start=1):
        shown = "[" + ", ".join(map(str, group)) + "]"
        if not group:
            raise GroundingError("bad_grounding", f"step {number} covers no actions")
        outside = [i for i in group if not first <= i < end]
        if outside:
            raise GroundingError("bad_grounding", f"step {number} lists action {outside[0]}, but the actions to "
                                                  f"cover are {first}..{end - 1}")
        if any(b <= a for a, b in zip(group, group[1:])):
            raise GroundingError("bad_grounding", f"step {number} lists {shown}: indices must be ascending, "
                                                  "each once")
        if group != list(range(group[0], group[-1] + 1)):
            raise GroundingError("bad_grounding", f"step {number} lists {shown}, which is not contiguous: a step "
                                                  "covers consecutive actions")
        if group[0] < expected:
            raise GroundingError("bad_grounding", f"step {number} lists {shown}, overlapping the actions of an "
                                                  "earlier step: each action belongs to exactly one step")
        if group[0] > expected:
            raise GroundingError("bad_grounding", f"step {number} starts at action {group[0]}, so action "
                                                  f"{expected} belongs to no step: groups must follow on from each "
                                                  "other with no gap")
        expected = group[-1] + 1
    if expected != end:
        raise GroundingError("bad_grounding", f"the steps cover actions {first}..{expected - 1}, but the actions "
                                              f"run to {end - 1}: every action must belong to a step")


def parse_grounded(reply: str, first: int, end: int, *, require_markers: bool = True) -> GroundedPlan:
    """A validated grounded plan over actions first..end-1, or GroundingError saying what to fix."""
    if end <= first:
        raise ValueError(f"no actions to ground ({first}..{end - 1})")
    block = _PLAN_BLOCK.search(reply or "")
    if block is None:
        if looks_like_refusal(reply) and PLAN_OPEN not in (reply or "").lower():
            raise GroundingError("refused", "the reply is a refusal, not a plan; write the plan between <plan> "
                                            "and </plan>")
        if require_markers:
            raise GroundingError("missing_markers", "the plan must be written between <plan> and </plan>")
        body = reply or ""
    else:
        body = block.group(1)
    text, index_blocks, numbers = _split(body)
    if not numbers:
        raise GroundingError("no_steps", "found no steps: write each step as '## Step N' with 'Reasoning:', "
                                         "'Step:' and 'Actions:' lines")
    if numbers != list(range(1, len(numbers) + 1)):
        raise GroundingError("bad_numbering", "steps must be numbered 1, 2, 3, ... in order; found "
                                              + ", ".join(map(str, numbers)))
    if len(numbers) > end - first:
        raise GroundingError("too_many_steps", f"the plan has {len(numbers)} steps for {end - first} actions: a "
                                               "step covers one or more actions, so there can be at most "
                                               f"{end - first}")
    groups: list[list[int]] = []
    for number, lines in enumerate(index_blocks, start=1):
        if len(lines) != 1:
            raise GroundingError("bad_grounding", f"step {number} needs exactly one 'Actions:' line, found "
                                                  f"{len(lines)}")
        groups.append(_indices(lines[0], number))
    check_groups(groups, first, end)
    parsed = parse_plan(text)
    if len(parsed.steps) != len(numbers):
        raise GroundingError("empty_step", "; ".join(parsed.problems) or "a step was empty")
    for number, step in enumerate(parsed.steps, start=1):
        if not step["reasoning"].strip():
            raise GroundingError("empty_field", f"step {number} has no 'Reasoning:' text")
        if not step["instruction"].strip():
            raise GroundingError("empty_field", f"step {number} has no 'Step:' instruction")
    steps = tuple(GroundedStep(s["reasoning"], s["instruction"], tuple(g)) for s, g in zip(parsed.steps, groups))
    return GroundedPlan(steps=steps, notes=tuple(parsed.notes))


def remaining(plan: GroundedPlan, done: int) -> GroundedPlan:
    """The part of a grounded plan still to do once actions 0..done-1 are done: the step in progress keeps only
    its actions from `done` on (the way the reference policy replans). Notes are left to the caller."""
    steps = []
    for step in plan.steps:
        rest = tuple(i for i in step.actions if i >= done)
        if rest:
            steps.append(GroundedStep(step.reasoning, step.instruction, rest))
    return GroundedPlan(steps=tuple(steps), notes=plan.notes)
