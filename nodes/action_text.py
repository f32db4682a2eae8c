"""Read an action out of plain text, for models that answer in words instead of a tool call.

Many local models (and the paper's fine-tuned executors) write WebArena-style actions such as
`click [12]` or `type [5] [hiking boots] [1]`, or a tool call as JSON in the message text. Accepting these
turns a "no tool call" failure into a usable action; anything else is still fed back as malformed.
The verbs, argument order and types come from the one action vocabulary (`tools.vocabulary`).
"""

from __future__ import annotations

import json
import re
from typing import Any

from tools.vocabulary import ACTIONS_BY_NAME, VERBS, Arg

_FENCED = re.compile(r"```(?:[a-z]*\n)?([^`]*)```")
_BRACKETS = re.compile(r"\[([^\]\n]*)\]")
_LINE = re.compile(r"^[ \t]*(?:action[ \t]*:[ \t]*)?(" + "|".join(sorted(VERBS, key=len, reverse=True)) + r")\b(.*)$",
                   re.I | re.M)
_INTEGER = re.compile(r"^\s*[+-]?[0-9]{1,12}\s*$")  # ASCII digits only: int() accepts "²" and "٣"
_FALSE = frozenset({"0", "false", "no"})


def _value(arg: Arg, text: str) -> Any:
    """The text of one bracket as the argument's type, or None when it cannot be that type."""
    if arg.type is int:
        return int(text) if _INTEGER.match(text) else None
    if arg.type is bool:
        return text.strip().lower() not in _FALSE
    if arg.choices:
        lowered = text.strip().lower()
        return next((choice for choice in arg.choices if choice in lowered), None)
    return text


def _from_words(verb: str, rest: str) -> dict[str, Any] | None:
    spec = ACTIONS_BY_NAME[VERBS[verb.lower()]]
    values = _BRACKETS.findall(rest)
    if not values and len(spec.args) == 1 and spec.args[0].type is str:
        values = [rest.strip(" :")]  # `scroll down`, `stop: $45`
    args: dict[str, Any] = {}
    for position, arg in enumerate(spec.args):
        if position < len(values):
            value = _value(arg, values[position])
            if value is None:
                return None
            args[arg.name] = value
        elif arg.required:
            return None
        else:
            args[arg.name] = arg.default_in_text()
    return {"name": spec.name, "args": args}


def _from_json(text: str) -> dict[str, Any] | None:
    decoder = json.JSONDecoder()
    start = text.find("{")
    while start != -1:
        try:
            data, _end = decoder.raw_decode(text, start)
        except (ValueError, RecursionError):
            data = None
        if isinstance(data, dict):
            name = data.get("name") or data.get("action") or data.get("tool")
            args = data.get("arguments", data.get("args", data.get("parameters", {})))
            if isinstance(args, str):
                try:
                    args = json.loads(args)
                except (ValueError, RecursionError):
                    return None
            if isinstance(name, str) and isinstance(args, dict):
                return {"name": VERBS.get(name.lower(), name), "args": args}
        start = text.find("{", start + 1)
    return None


def parse_action_text(text: str) -> dict[str, Any] | None:
    """`{"name": ..., "args": {...}}` from text, or None when the text holds no recognisable action.
    The last action written wins (models often restate the plan before acting)."""
    if not text or not text.strip():
        return None
    candidates = _FENCED.findall(text) + [text]
    for candidate in candidates:
        found = _from_json(candidate)
        if found:
            return found
        matches = list(_LINE.finditer(candidate))
        for match in reversed(matches):
            action = _from_words(match.group(1), match.group(2))
            if action:
                return action
    return None
