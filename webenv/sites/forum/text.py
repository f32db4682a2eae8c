"""Text helpers shared by the seed, the pages and the tasks: slugs, plain-text bodies, timestamps.

Slugs must be computed the same way everywhere: task configs name post URLs (`/f/books/12/some-slug`) and
`url_match` compares them with what the browser ends on.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from markupsafe import Markup, escape

_NON_WORD = re.compile(r"[^a-z0-9]+")
SLUG_LENGTH = 60


def slugify(title: str) -> str:
    """Postmill-style slug: lower case, runs of anything else become one dash, cut at a dash near 60 chars."""
    slug = _NON_WORD.sub("-", title.lower()).strip("-")
    if len(slug) > SLUG_LENGTH:
        cut = slug.rfind("-", 0, SLUG_LENGTH + 1)
        slug = slug[: cut if cut > 0 else SLUG_LENGTH]
    return slug or "-"


def paragraphs(text: str | None) -> Markup:
    """Plain text to HTML: blank lines split paragraphs, single newlines become line breaks. No markup is
    interpreted, so what a user typed is exactly what a page (and an evaluator reading it) shows."""
    if not text:
        return Markup("")
    blocks = [block for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()) if block.strip()]
    rendered = [Markup("<br>\n").join(escape(line) for line in block.split("\n")) for block in blocks]
    return Markup("").join(Markup("<p>{}</p>\n").format(block) for block in rendered)


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value)


def long_time(value: str) -> str:
    """'March 14, 2023 at 9:05 AM': absolute, so pages read the same on every run."""
    moment = parse_time(value)
    hour = moment.hour % 12 or 12
    return f"{moment:%B} {moment.day}, {moment.year} at {hour}:{moment:%M} {'AM' if moment.hour < 12 else 'PM'}"


def short_date(value: str) -> str:
    moment = parse_time(value)
    return f"{moment:%b} {moment.day}, {moment.year}"


def now() -> str:
    """The timestamp stored for anything created while the site runs (UTC, seconds)."""
    return datetime.now(UTC).replace(microsecond=0, tzinfo=None).isoformat()
