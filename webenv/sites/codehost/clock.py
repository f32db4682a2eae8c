"""Timestamps: one textual format in the database and one way of showing dates on pages.

Writes made while the site runs use the real clock, so anything an agent creates sorts after the (frozen,
2023) seed data and "latest" / "newest first" orderings stay meaningful.
"""

from __future__ import annotations

from datetime import UTC, datetime

_FORMAT = "%Y-%m-%d %H:%M:%S"


def stamp(moment: datetime) -> str:
    return moment.strftime(_FORMAT)


def now_stamp() -> str:
    return stamp(datetime.now(UTC).replace(tzinfo=None))


def parse(value: str) -> datetime:
    return datetime.strptime(value[:19], _FORMAT) if len(value) > 10 else datetime.strptime(value, "%Y-%m-%d")


def human_date(value: str | None) -> str:
    """`2023-03-05 ...` -> `Mar 5, 2023`, GitLab's way of printing dates."""
    if not value:
        return ""
    moment = parse(value)
    return f"{moment:%b} {moment.day}, {moment.year}"

