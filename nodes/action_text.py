"""Read an action out of plain text, for models that answer in words instead of a tool call.

Many local models (and the paper's fine-tuned executors) write WebArena-style actions such as
`click [12]` or `type [5] [hiking boots] [1]`, or a tool call as JSON in the message text. Accepting these
turns a "no tool call" failure into a usable action; anything else is still fed back as malformed.
"""

from __future__ import annotations

import json
import re
from typing import Any

_FENCED = re.compile(r"```(?:[a-z]*\n)?(.*?)```", re.S)
_BRACKETS = re.compile(r"\[([^\]]*)\]")
_VERBS = {
    "click": "click", "type": "type", "hover": "hover", "press": "press", "scroll": "scroll", "goto": "goto",
    "go_back": "go_back", "go_forward": "go_forward", "new_tab": "new_tab", "tab_focus": "tab_focus",
    "close_tab": "close_tab", "stop": "stop", "select_option": "select_option", "select": "select_option",
}
_LINE = re.compile(r"^\s*(?:action\s*:\s*)?(" + "|".join(sorted(_VERBS, key=len, reverse=True)) + r")\b(.*)$",
                   re.I | re.M)


def _to_int(text: str) -> int | str:
    return int(text) if text.strip().lstrip("-").isdigit() else text


def _from_words(verb: str, rest: str) -> dict[str, Any] | None:
    values = _BRACKETS.findall(rest)
    name = _VERBS[verb.lower()]
    if name in ("click", "hover"):
        return {"name": name, "args": {"id": _to_int(values[0])}} if values else None
    if name == "type":
        if len(values) < 2:
            return None
        enter = len(values) < 3 or values[2].strip() not in ("0", "false", "False")
        return {"name": name, "args": {"id": _to_int(values[0]), "text": values[1], "press_enter": enter}}
    if name == "select_option":
        return {"name": name, "args": {"id": _to_int(values[0]), "option": values[1]}} if len(values) >= 2 else None
    if name == "press":
        return {"name": name, "args": {"keys": values[0]}} if values else None
    if name == "scroll":
        direction = (values[0] if values else rest).strip().lower()
        return {"name": name, "args": {"direction": "up" if "up" in direction else "down"}}
    if name == "goto":
        return {"name": name, "args": {"url": values[0]}} if values else None
    if name == "tab_focus":
        return {"name": name, "args": {"index": _to_int(values[0])}} if values else None
    if name == "stop":
        answer = values[0] if values else rest.strip(" :")
        return {"name": name, "args": {"answer": answer}}
    return {"name": name, "args": {}}


def _from_json(text: str) -> dict[str, Any] | None:
    start = text.find("{")
    while start != -1:
        for end in range(len(text), start, -1):
            if text[end - 1] != "}":
                continue
            try:
                data = json.loads(text[start:end])
            except json.JSONDecodeError:
                continue
            if isinstance(data, dict):
                name = data.get("name") or data.get("action") or data.get("tool")
                args = data.get("arguments", data.get("args", data.get("parameters", {})))
                if isinstance(args, str):
                    try:
                        args = json.loads(args)
                    except json.JSONDecodeError:
                        return None
                if isinstance(name, str) and isinstance(args, dict):
                    return {"name": _VERBS.get(name.lower(), name), "args": args}
            break
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
