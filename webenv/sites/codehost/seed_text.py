"""Believable titles and bodies for generated issues, merge requests and commits.

Each project names its own topics ("concat filter", "skip link"); shared sentence patterns turn them into titles
("Regression in concat filter since the last release"). Pattern x topic gives far more distinct titles than any
project needs, so titles stay unique within a project: tasks can then name an issue by its title.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any

KIND_WEIGHTS = {"bug": 35, "feature": 20, "enhancement": 20, "documentation": 15, "question": 10}


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def fill(pattern: str, topic: str) -> str:
    return pattern.replace("{T}", capitalised(topic)).replace("{t}", topic)


def branch_slug(title: str) -> str:
    """A git branch name from a title, the way GitLab suggests one for a merge request."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return slug[:48].rstrip("-")


@dataclass
class TitleMaker:
    """Draws unique (title, kind) pairs for one project from its topics and the shared patterns."""

    rng: random.Random
    patterns: dict[str, list[str]]
    topics: list[str]
    used: set[str] = field(default_factory=set)

    def kind(self) -> str:
        kinds = [k for k in KIND_WEIGHTS if k in self.patterns]
        return self.rng.choices(kinds, weights=[KIND_WEIGHTS[k] for k in kinds])[0]

    def make(self) -> tuple[str, str]:
        for _ in range(50):
            kind = self.kind()
            title = fill(self.rng.choice(self.patterns[kind]), self.rng.choice(self.topics))
            if title not in self.used:
                self.used.add(title)
                return title, kind
        for kind, patterns in self.patterns.items():  # the random draws kept colliding: take the first free one
            for pattern in patterns:
                for topic in self.topics:
                    title = fill(pattern, topic)
                    if title not in self.used:
                        self.used.add(title)
                        return title, kind
        raise ValueError("ran out of distinct titles; add topics to the project")


def issue_body(content: dict[str, Any], kind: str, topic_hint: str) -> str:
    return fill(content["issue_bodies"][kind], topic_hint)


def topic_of(title: str, topics: list[str]) -> str:
    """The topic a generated title was built from (for its body), or the title itself for hand-written ones."""
    lowered = title.lower()
    for topic in sorted(topics, key=len, reverse=True):
        if topic.lower() in lowered:
            return topic
    return title[:1].lower() + title[1:]
