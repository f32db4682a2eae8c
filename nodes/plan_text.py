"""The paper's plan text format, and the one tolerant parser every consumer shares.

    ## Step 1
    Reasoning: why this step, what the page shows
    Step: what to do, specifically

    ## Notes
    - facts found so far (the replanner carries them forward: the plan is the agent's memory)

Models rarely write exactly this. The parser accepts what they do write — chatty preambles, reasoning blocks,
code fences, bold labels, `Step 1:` or `1.` headings, a title on the heading line, a missing `Reasoning:` — and
says what it had to guess, so a caller can feed a clear correction back when nothing usable came out.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field

from graph.state import Plan, PlanStep

# Model output is hostile input: every pattern below runs on one line at a time, after runs of whitespace in it
# were collapsed to one space, so none of them can backtrack over a long run of anything. Blocks that span
# lines (<thinking>, <plan>, code fences) are found with plain substring searches. Parsing is linear in the
# text's length, whatever the text.
_THINKING_TAGS = ("think", "thinking", "reasoning")
_HEADING = re.compile(r"^(?:#{1,6} ?)?(?:\*\*|__)? ?step ?(\d{1,6}) ?(?:\*\*|__)? ?[:.)-]? ?(?:\*\*|__)? ?(.*)$", re.I)
_NUMBERED = re.compile(r"^(\d{1,6})[.)] (.+)$")
_LABEL = re.compile(r"^(?:[-*] ?)?(?:\*\*|__)? ?(reasoning|reason|why|step|action|instruction|task) ?"
                    r"(?:\*\*|__)? ?: ?(?:\*\*|__)? ?(.*)$", re.I)
_NOTES_HEADING = re.compile(r"^(?:#{1,6} ?)?(?:\*\*|__)? ?(notes?|memory|found so far|facts) ?"
                            r"(?:\*\*|__)? ?:? ?(?:\*\*|__)?$", re.I)
_BULLET = re.compile(r"^(?:[-*•]|\d{1,6}[.)]) (.*)$")
MAX_PLAN = 200_000  # characters read; a plan is a few hundred
_MAX_LINE = 4_000  # characters of one line that are read (instructions are one sentence)


@dataclass
class ParsedPlan:
    steps: list[PlanStep]
    notes: list[str]
    problems: list[str] = field(default_factory=list)

    def as_plan(self, raw: str) -> Plan:
        return {"steps": self.steps, "notes": self.notes, "raw": raw}


def render_plan(steps: list[PlanStep], notes: list[str] | None = None) -> str:
    """Write a plan in the canonical format (what prompts show and what training data contains)."""
    blocks = [
        f"## Step {number}\nReasoning: {step['reasoning'].strip()}\nStep: {step['instruction'].strip()}"
        for number, step in enumerate(steps, start=1)
    ]
    if notes:
        blocks.append("## Notes\n" + "\n".join(f"- {note}" for note in notes))
    return "\n\n".join(blocks)


_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)  # keeps every index in place


def _without_thinking(text: str) -> str:
    """The text minus <think>...</think> blocks (and <thinking>, <reasoning>), found by substring search; each
    tag's next opening is looked up only once the text has moved past it, so the whole pass is linear."""
    lowered = text.translate(_ASCII_LOWER)
    kept: list[str] = []
    position = 0
    next_open = {tag: lowered.find(f"<{tag}>") for tag in _THINKING_TAGS}
    while True:
        for tag, index in next_open.items():
            if 0 <= index < position:
                next_open[tag] = lowered.find(f"<{tag}>", position)
        found = [(index, tag) for tag, index in next_open.items() if index != -1]
        if not found:
            break
        start, tag = min(found)
        end = lowered.find(f"</{tag}>", start)
        if end == -1:
            break
        kept.append(text[position:start])
        position = end + len(tag) + 3
    kept.append(text[position:])
    return "".join(kept)


def _clean(text: str) -> list[str]:
    """The plan's lines, each with its whitespace runs collapsed: thinking removed, a <plan> block (if any)
    taken, code fences dropped."""
    text = _without_thinking(text[:MAX_PLAN])
    lowered = text.translate(_ASCII_LOWER)
    start = lowered.find("<plan>")
    if start != -1:
        end = lowered.find("</plan>", start)
        text = text[start + 6:end if end != -1 else len(text)]
    lines = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = " ".join(raw[:_MAX_LINE].split())
        if line.startswith("```") and all(ch.isalpha() for ch in line[3:]):
            continue
        lines.append(line)
    return lines


def _strip_markup(text: str) -> str:
    text = text.strip()
    for mark in ("**", "__"):
        if text.startswith(mark):
            text = text[2:]
        if text.endswith(mark):
            text = text[:-2]
    return text.strip()


def parse_plan(text: str) -> ParsedPlan:
    """Steps and notes from a model's plan text; `problems` lists what was malformed or guessed."""
    lines = _clean(text or "")
    problems: list[str] = []
    notes: list[str] = []
    blocks: list[tuple[str, list[str]]] = []  # (title on the heading line, body lines)
    in_notes = False
    for line in lines:
        if _NOTES_HEADING.match(line):
            in_notes = True
            continue
        heading = _HEADING.match(line)
        if heading:
            in_notes = False
            blocks.append((_strip_markup(heading.group(2)), []))
            continue
        if in_notes:
            bullet = _BULLET.match(line)
            if bullet and bullet.group(1).strip():
                notes.append(_strip_markup(bullet.group(1)))
            elif line.strip().startswith("#"):
                in_notes = False
            elif line.strip() and notes:
                notes[-1] += " " + line.strip()
            elif line.strip():
                notes.append(line.strip())
            continue
        if blocks:
            blocks[-1][1].append(line)
    if not blocks:
        numbered = [m for m in (_NUMBERED.match(line) for line in lines) if m]
        if numbered:
            problems.append("no '## Step N' headings; read a numbered list as the steps")
            listed: list[PlanStep] = [{"reasoning": "", "instruction": _strip_markup(m.group(2))} for m in numbered]
            return ParsedPlan(steps=listed, notes=notes, problems=problems)
        problems.append("found no steps: write each step as '## Step N' with 'Reasoning:' and 'Step:' lines")
        return ParsedPlan(steps=[], notes=notes, problems=problems)
    steps: list[PlanStep] = []
    for number, (title, body) in enumerate(blocks, start=1):
        step = _parse_block(title, body, number, problems)
        if step is not None:
            steps.append(step)
    if not steps:
        problems.append("the step headings had no instructions")
    return ParsedPlan(steps=steps, notes=notes, problems=problems)


def _parse_block(title: str, body: list[str], number: int, problems: list[str]) -> PlanStep | None:
    fields: dict[str, list[str]] = {}
    current: str | None = None
    loose: list[str] = []
    ended = False  # a blank line after the Step: field ends it (text after that is chatter)
    for line in body:
        label = _LABEL.match(line)
        if label:
            key = "reasoning" if label.group(1).lower() in ("reasoning", "reason", "why") else "instruction"
            current = key
            fields.setdefault(key, []).append(_strip_markup(label.group(2)))
            ended = False
            continue
        if not line.strip():
            if current == "instruction":
                ended = True
            continue
        if current is not None and not ended:
            fields[current].append(line.strip())
        elif current is None:
            loose.append(line.strip())
    reasoning = " ".join(" ".join(fields.get("reasoning", [])).split())
    instruction = " ".join(" ".join(fields.get("instruction", [])).split())
    if not instruction:
        if title:
            instruction = title
        elif loose:
            instruction = " ".join(loose)
            problems.append(f"step {number} had no 'Step:' line; used its text as the instruction")
        elif reasoning:
            instruction, reasoning = reasoning, ""
            problems.append(f"step {number} had only reasoning; used it as the instruction")
        else:
            problems.append(f"step {number} was empty and was dropped")
            return None
    elif title and not reasoning:
        reasoning = title
    return {"reasoning": reasoning, "instruction": instruction}


def step_heading_number(line: str) -> int | None:
    """The step number if `line` starts a step block (`## Step 3`, `**Step 3:**`), else None. Readers of
    annotated plans (synth/) use it so that what counts as a step heading is decided here only."""
    match = _HEADING.match(line)
    return int(match.group(1)) if match else None
