"""Find the element a semantic target names in the agent's text observation.

The same rules as `webenv.tasks.replay.locate` (which asks Playwright), applied to the lines the agent reads:
role and accessible name, then the optional `near` anchor (only elements after the first line containing that
text) and `nth`. Chrome and Playwright spell a few roles differently; `_ROLE_ALIASES` bridges them.
"""

from __future__ import annotations

from nodes.page_elements import Element, elements
from webenv.tasks.solution import Target

__all__ = ["Element", "TargetNotFound", "elements", "resolve"]

_ROLE_ALIASES = {"img": "image", "image": "image", "text": "StaticText"}


class TargetNotFound(LookupError):
    """No (or not enough) elements match; the message says what was looked for."""


def _norm(text: str) -> str:
    return " ".join(text.split())


def _role(role: str) -> str:
    return _ROLE_ALIASES.get(role.lower(), role.lower())


def resolve(target: Target, page_text: str) -> int:
    """The id of the element the target names (role+name targets; CSS targets cannot be read from text)."""
    if target.css or target.role is None:
        raise TargetNotFound(f"{target.describe()}: CSS targets cannot be resolved from an observation")
    first_line = -1
    if target.near:
        lines = page_text.splitlines()
        anchor = next((i for i, line in enumerate(lines) if target.near.lower() in line.lower()), None)
        if anchor is None:
            raise TargetNotFound(f"{target.describe()}: anchor text {target.near!r} is not on the page")
        first_line = anchor
    wanted = _norm(target.name or "")

    def matches(element: Element) -> bool:
        if _role(element.role) != _role(target.role or "") or element.line <= first_line:
            return False
        name = _norm(element.name)
        return name == wanted if target.exact else wanted.lower() in name.lower()

    candidates = [e for e in elements(page_text) if matches(e)]
    if target.nth >= len(candidates):
        raise TargetNotFound(f"{target.describe()}: {len(candidates)} match(es) in the observation")
    return candidates[target.nth].id
