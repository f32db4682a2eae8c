"""Sensitive values as placeholders: the model writes `{{secret:NAME}}`, only the browser ever sees the value.

Values come from environment variables `PLAN_AND_ACT_SECRET_<NAME>`, never from run settings or state (those
are checkpointed, traced and shown in Studio). Anything that leaves the browser towards a model, a trace, a
log or a report passes through `redact`, which turns a known value back into its placeholder — also when a page
echoed it URL-encoded (`?q=p%40ss`), HTML-escaped or JSON-escaped.

A value is typed only where the user allowed it: `resolve` takes the URL of the document that holds the field
and the domain policy of each secret, and refuses anywhere else, so an injected instruction cannot make the
agent type a password into another site's form.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote, quote_plus

from tools.domains import DomainPolicy

if TYPE_CHECKING:
    from playwright.async_api import Locator, Page

T = TypeVar("T")

PREFIX = "PLAN_AND_ACT_SECRET_"
_PLACEHOLDER = re.compile(r"\{\{\s*secret:([A-Za-z0-9_]+)\s*\}\}")
_PERCENT = re.compile(r"%[0-9A-F]{2}")


class UnknownSecret(KeyError):
    """The model asked for a secret nobody configured."""


class SecretNotAllowed(PermissionError):
    """A secret the user did not allow on this page's domain (or in this kind of field)."""

    def __init__(self, name: str, where: str, allowed: str) -> None:
        super().__init__(name, where, allowed)
        self.name, self.where, self.allowed = name, where, allowed

    def __str__(self) -> str:
        return (f"the secret {self.name} may not be typed here ({self.where}); it is allowed only on "
                f"{self.allowed}")


def available_secrets() -> dict[str, str]:
    """NAME -> value for every configured secret (values shorter than 4 characters are ignored: redacting
    them would mangle ordinary text)."""
    return {key[len(PREFIX):]: value for key, value in os.environ.items()
            if key.startswith(PREFIX) and len(value) >= 4}


def secret_names() -> list[str]:
    return sorted(available_secrets())


def placeholders_in(text: str) -> list[str]:
    """The secret names `text` refers to, in order."""
    return _PLACEHOLDER.findall(text)


def resolve(text: str, url: str | None = None, policies: Mapping[str, DomainPolicy] | None = None) -> str:
    """Replace placeholders by their values, just before the text is typed into the page. With `policies`
    (secret name -> where it may be typed), a secret not allowed at `url` raises `SecretNotAllowed`."""
    secrets = available_secrets()

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in secrets:
            raise UnknownSecret(name)
        if policies is not None:
            policy = policies.get(name)
            if policy is None or not policy.allows(url or ""):
                raise SecretNotAllowed(name, url or "an unknown page", policy.describe() if policy else "no site")
        return secrets[name]

    return _PLACEHOLDER.sub(value, text)


def _variants(value: str) -> set[str]:
    """The forms in which a page may hand a value back: as is, URL-encoded (both ways, either hex case),
    HTML-escaped, JSON-escaped."""
    forms = {value, quote(value, safe=""), quote(value), quote_plus(value), html.escape(value),
             html.escape(value, quote=False), json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1]}
    forms |= {_PERCENT.sub(lambda m: m.group(0).lower(), form) for form in list(forms)}
    return {form for form in forms if form}


@lru_cache(maxsize=8)
def _pattern(known: tuple[tuple[str, str], ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    names: dict[str, str] = {}
    for name, value in sorted(known, key=lambda item: -len(item[1])):
        for form in _variants(value):
            names.setdefault(form, name)
    alternatives = sorted(names, key=len, reverse=True)  # the longest form wins where forms overlap
    return re.compile("|".join(re.escape(form) for form in alternatives)), names


def redact(text: str) -> str:
    """Replace any configured secret value (in any of its echoed forms) in `text` with its placeholder."""
    known = available_secrets()
    if not known or not text:
        return text
    pattern, names = _pattern(tuple(sorted(known.items())))
    return pattern.sub(lambda match: "{{secret:" + names[match.group(0)] + "}}", text)


def redact_value(value: T) -> T:
    """`redact` applied to every string inside nested dicts, lists and tuples (a state update, a record)."""
    if not available_secrets():
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


_MARK_SECRETS = """(values) => {
  const attr = 'data-pa-secret-mask';
  const mark = (el) => { if (el && el.setAttribute) el.setAttribute(attr, ''); };
  for (const el of document.querySelectorAll('input, textarea, [contenteditable]')) {
    const value = el.isContentEditable ? (el.textContent || '') : (el.value || '');
    if ((el.type || '').toLowerCase() === 'password' || values.some(v => value.includes(v))) mark(el);
  }
  if (values.length && document.body) {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (values.some(v => node.nodeValue.includes(v))) mark(node.parentElement);
    }
  }
  return document.querySelectorAll('[' + attr + ']').length;
}"""
_UNMARK = """() => { for (const el of document.querySelectorAll('[data-pa-secret-mask]'))
  el.removeAttribute('data-pa-secret-mask'); }"""


async def mask_locators(page: Page) -> list[Locator]:
    """Locators of everything on the page that shows a configured secret or a password, for a screenshot's
    `mask` (marked in the page just before the picture; `unmask` removes the marks)."""
    found = await page.evaluate(_MARK_SECRETS, list(available_secrets().values()))
    return [page.locator("[data-pa-secret-mask]")] if found else []


async def unmask(page: Page) -> None:
    await page.evaluate(_UNMARK)
