"""Reading teacher replies: JSON answers, plans, intents, and refusals — each failure an `Invalid` with a code
and a message that can go back to the teacher as is."""

from __future__ import annotations

import json
import re
from typing import Any

from graph.state import Plan
from nodes.plan_text import parse_plan, render_plan
from synth.teacher import Invalid

_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL | re.IGNORECASE)
_REFUSAL = re.compile(r"\b(I can(?:no|')t|I'm sorry|I am sorry|I am unable|I'm unable|I won't|as an AI)\b",
                      re.IGNORECASE)
# A seed's position must never leak into a task text ("(Example 3)", "seed 2", "page index 4").
_LEAK = re.compile(r"\b(?:example|seed|page\s*index|candidate)\s*(?:#|no\.?|number)?\s*\d+\b|\[\s*\d\s*\]",
                   re.IGNORECASE)
MAX_INTENT_CHARS = 500


def looks_like_refusal(text: str) -> bool:
    return bool(_REFUSAL.search(text or ""))


def parse_json(text: str, expect: type) -> Any:
    """The JSON value in a reply (bare, fenced, or with chatter around it) of type `expect` (list or dict)."""
    candidates = [block.strip() for block in _FENCE.findall(text or "")] + [(text or "").strip()]
    opener, closer = ("[", "]") if expect is list else ("{", "}")
    for candidate in candidates:
        start, end = candidate.find(opener), candidate.rfind(closer)
        if start == -1 or end <= start:
            continue
        try:
            value = json.loads(candidate[start:end + 1])
        except json.JSONDecodeError:
            continue
        if isinstance(value, expect):
            return value
    if looks_like_refusal(text):
        raise Invalid("refused", "the reply is a refusal; answer the request in the format asked")
    shape = "a JSON list [...]" if expect is list else "a JSON object {...}"
    raise Invalid("bad_json", f"the reply is not {shape} that parses as JSON")


def check_plan(text: str) -> Plan:
    """A plan the runtime's one parser reads cleanly: `## Step N` blocks, each with Reasoning and Step."""
    if not isinstance(text, str) or not text.strip():
        raise Invalid("bad_plan", "the plan is empty")
    parsed = parse_plan(text)
    if parsed.problems or not parsed.steps:
        raise Invalid("bad_plan", "the plan does not follow the format: " + ("; ".join(parsed.problems)
                                                                             or "no steps"))
    for number, step in enumerate(parsed.steps, start=1):
        if not step["reasoning"].strip() or not step["instruction"].strip():
            raise Invalid("bad_plan", f"step {number} of the plan needs both a 'Reasoning:' and a 'Step:' line")
    return {"steps": parsed.steps, "notes": parsed.notes, "raw": render_plan(parsed.steps, parsed.notes)}


def check_intent(text: Any) -> str:
    if not isinstance(text, str) or not text.strip():
        raise Invalid("bad_intent", "a task text is empty")
    intent = " ".join(text.split())
    if len(intent) > MAX_INTENT_CHARS:
        raise Invalid("bad_intent", f"a task text is longer than {MAX_INTENT_CHARS} characters")
    leak = _LEAK.search(intent)
    if leak:
        raise Invalid("leak", f"the task text {intent!r} mentions {leak.group(0)!r}: task texts must not refer to "
                              "examples, seeds or page indices")
    return intent


def seed_number(value: Any, count: int) -> int:
    """A 1-based seed reference from a reply, checked against the number of seeds shown."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= count:
        raise Invalid("bad_seed", f"'seed' must be the number of one of the {count} examples (1..{count}), "
                                  f"not {value!r}")
    return value
