"""Sensitive values as placeholders: the model writes `{{secret:NAME}}`, only the browser ever sees the value.

Values come from environment variables `PLAN_AND_ACT_SECRET_<NAME>`, never from run settings or state (those
are checkpointed, traced and shown in Studio). Anything that leaves the browser towards a model, a trace, a
log or a report passes through `redact`, which turns a known value back into its placeholder.
"""

from __future__ import annotations

import os
import re
from typing import Any, TypeVar

T = TypeVar("T")

PREFIX = "PLAN_AND_ACT_SECRET_"
_PLACEHOLDER = re.compile(r"\{\{\s*secret:([A-Za-z0-9_]+)\s*\}\}")


class UnknownSecret(KeyError):
    """The model asked for a secret nobody configured."""


def available_secrets() -> dict[str, str]:
    """NAME -> value for every configured secret (values shorter than 4 characters are ignored: redacting
    them would mangle ordinary text)."""
    return {key[len(PREFIX):]: value for key, value in os.environ.items()
            if key.startswith(PREFIX) and len(value) >= 4}


def secret_names() -> list[str]:
    return sorted(available_secrets())


def resolve(text: str) -> str:
    """Replace placeholders by their values, just before the text is typed into the page."""
    secrets = available_secrets()

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in secrets:
            raise UnknownSecret(name)
        return secrets[name]

    return _PLACEHOLDER.sub(value, text)


def redact(text: str) -> str:
    """Replace any configured secret value in `text` with its placeholder."""
    for name, value in sorted(available_secrets().items(), key=lambda item: -len(item[1])):
        text = text.replace(value, "{{secret:" + name + "}}")
    return text


def redact_value(value: T) -> T:
    """`redact` applied to every string inside nested dicts, lists and tuples (a state update, a record)."""
    known = available_secrets()
    if not known:
        return value
    return _redact_nested(value)  # type: ignore[no-any-return]


def _redact_nested(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _redact_nested(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_redact_nested(item) for item in value)
    return value
