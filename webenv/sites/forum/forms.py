"""Validation of the forum's forms, with the messages a user (or an agent) sees next to the field.

Field ids follow Postmill's Symfony forms (`submission_title`, `forum_description`, `user_biography_biography`)
because WebArena's evaluators select them (`#forum_description`, `#forum_sidebar`).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field

from webenv.sites.forum import queries

FORUM_NAME = re.compile(r"^[A-Za-z0-9_]{3,25}$")
RESERVED_FORUM_NAMES = frozenset({"all", "create", "edit", "new", "top", "hot", "forums"})
TITLE_MAX = 300
BODY_MAX = 20_000


@dataclass
class SubmissionForm:
    title: str = ""
    url: str = ""
    body: str = ""
    forum: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_fields(cls, fields: dict[str, str]) -> SubmissionForm:
        return cls(title=fields.get("title", ""), url=fields.get("url", ""), body=fields.get("body", ""),
                   forum=fields.get("forum", ""))

    def validate(self, conn: sqlite3.Connection, *, check_forum: bool = True) -> dict[str, object] | None:
        """The forum row when valid (or an empty dict when the forum is not checked); else None + errors."""
        if not self.title:
            self.errors["title"] = "Please enter a title."
        elif len(self.title) > TITLE_MAX:
            self.errors["title"] = f"The title must be at most {TITLE_MAX} characters."
        if self.url and not re.match(r"^https?://[^\s/]+\.[^\s]+$", self.url):
            self.errors["url"] = "Please enter a valid URL starting with http:// or https://."
        if len(self.body) > BODY_MAX:
            self.errors["body"] = f"The body must be at most {BODY_MAX} characters."
        forum: dict[str, object] | None = {}
        if check_forum:
            forum = queries.forum_by_name(conn, self.forum) if self.forum else None
            if forum is None:
                self.errors["forum"] = "Please choose a forum."
        return None if self.errors else forum


@dataclass
class ForumForm:
    name: str = ""
    title: str = ""
    description: str = ""
    sidebar: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_fields(cls, fields: dict[str, str]) -> ForumForm:
        return cls(name=fields.get("name", ""), title=fields.get("title", ""),
                   description=fields.get("description", ""), sidebar=fields.get("sidebar", ""))

    def validate(self, conn: sqlite3.Connection, *, new: bool) -> bool:
        if new:
            if not FORUM_NAME.match(self.name):
                self.errors["name"] = "The name must be 3 to 25 letters, digits or underscores."
            elif self.name.lower() in RESERVED_FORUM_NAMES:
                self.errors["name"] = "That name is reserved."
            elif queries.forum_by_name(conn, self.name) is not None:
                self.errors["name"] = "A forum with that name already exists."
        if not self.title:
            self.errors["title"] = "Please enter a title."
        elif len(self.title) > 100:
            self.errors["title"] = "The title must be at most 100 characters."
        if len(self.description) > 1500:
            self.errors["description"] = "The description must be at most 1500 characters."
        if len(self.sidebar) > 10_000:
            self.errors["sidebar"] = "The sidebar must be at most 10000 characters."
        return not self.errors
