"""Read an action out of plain text, for models that answer in words instead of a tool call.

Many local models (and the paper's fine-tuned executors) write WebArena-style actions such as
`click [12]` or `type [5] [hiking boots] [1]`, or a tool call as JSON in the message text. Accepting these
turns a "no tool call" failure into a usable action; anything else is still fed back as malformed.
The verbs, argument order and types come from the one action vocabulary (`tools.vocabulary`).

An action is a line that is nothing but an action: a verb, then its arguments in brackets (a bare `scroll down`
or `go_back` too), optionally after `Action:` or inside backticks. Prose that mentions an action — "Stop and
think: the cart is empty", "click [12] would be wrong" — is not one. Model output is hostile input, so this is
written without backtracking patterns: one pass over the lines, a hand-written bracket scanner, and a bounded
number of JSON decode attempts. Its time is linear in the text's length, whatever the text.
"""

from __future__ import annotations

import json
from typing import Any

from tools.vocabulary import ACTIONS_BY_NAME, VERBS, Arg

MAX_TEXT = 64_000  # characters read; a tool call written as text is never longer
_JSON_ATTEMPTS = 32  # objects tried as a JSON tool call, from the end of the text
_FALSE = frozenset({"0", "false", "no"})
_PREFIXES = ("action:", "next action:", "final action:")


def _integer(text: str) -> int | None:
    """ASCII digits only, at most 12 of them (int() also accepts "²" and "٣" and any length)."""
    digits = text.strip()
    sign = 1
    if digits[:1] in "+-" and digits:
        sign, digits = (-1 if digits[0] == "-" else 1), digits[1:]
    if not 0 < len(digits) <= 12 or not all("0" <= ch <= "9" for ch in digits):
        return None
    return sign * int(digits)


def _value(arg: Arg, text: str) -> Any:
    """The text of one bracket as the argument's type, or None when it cannot be that type."""
    if arg.type is int:
        return _integer(text)
    if arg.type is bool:
        return text.strip().lower() not in _FALSE
    if arg.choices:
        lowered = text.strip().lower()
        return next((choice for choice in arg.choices if choice in lowered), None)
    return text


def _brackets(rest: str) -> list[str] | None:
    """`[a] [b c]` -> ["a", "b c"]; None if anything but brackets and spaces is there."""
    values: list[str] = []
    position, length = 0, len(rest)
    while position < length:
        char = rest[position]
        if char in " \t":
            position += 1
            continue
        if char != "[":
            return None
        end = rest.find("]", position + 1)
        if end == -1:
            return None
        values.append(rest[position + 1:end])
        position = end + 1
    return values


def _strip_line(line: str) -> str:
    text = line.strip().strip("`").strip()
    for marker in ("- ", "* ", "> "):
        if text.startswith(marker):
            text = text[len(marker):].strip()
    lowered = text.lower()
    for prefix in _PREFIXES:
        if lowered.startswith(prefix):
            text = text[len(prefix):].strip().strip("`").strip()
            break
    return text[:-1].rstrip() if text.endswith(".") else text


def _from_line(line: str) -> dict[str, Any] | None:
    text = _strip_line(line)
    verb_end = 0
    while verb_end < len(text) and (text[verb_end].isascii() and (text[verb_end].isalpha() or text[verb_end] == "_")):
        verb_end += 1
    verb, rest = text[:verb_end].lower(), text[verb_end:]
    if verb not in VERBS:
        return None
    spec = ACTIONS_BY_NAME[VERBS[verb]]
    values = _brackets(rest)
    if values is None:
        bare = rest.strip()
        # `scroll down`: a closed set of words needs no brackets; anything else in words is prose.
        if len(spec.args) == 1 and spec.args[0].choices and bare.lower() in spec.args[0].choices:
            values = [bare]
        else:
            return None
    if len(values) > len(spec.args):
        return None
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
    """The last JSON object in the text that names a tool and its arguments."""
    decoder = json.JSONDecoder()
    start = text.rfind("{")
    for _attempt in range(_JSON_ATTEMPTS):
        if start == -1:
            return None
        try:
            data, _end = decoder.raw_decode(text, start)
        except (ValueError, RecursionError):
            data = None
        if isinstance(data, dict):
            call = _tool_call(data)
            if call is not None:
                return call
        start = text.rfind("{", 0, start)
    return None


def _tool_call(data: dict[str, Any]) -> dict[str, Any] | None:
    name = data.get("name") or data.get("action") or data.get("tool")
    args = data.get("arguments", data.get("args", data.get("parameters", {})))
    if isinstance(args, str):
        try:
            args = json.loads(args)
        except (ValueError, RecursionError):
            return None
    if isinstance(name, str) and isinstance(args, dict):
        return {"name": VERBS.get(name.lower(), name), "args": args}
    return None


def parse_action_text(text: str) -> dict[str, Any] | None:
    """`{"name": ..., "args": {...}}` from text, or None when the text holds no recognisable action.
    A tool call written as JSON wins; otherwise the last action line does (models often restate the plan
    before acting)."""
    if not text or not text.strip():
        return None
    text = text[-MAX_TEXT:]
    found = _from_json(text) if "{" in text else None
    if found:
        return found
    for line in reversed(text.splitlines()):
        action = _from_line(line)
        if action:
            return action
    return None
