"""Issue and merge request list filters, and their one canonical URL form.

WebArena grades "show me ..." tasks by URL (`url_match`, reference URL contained in the final URL). A filter
reached by clicking a label link and the same filter reached through the filter form must therefore end on the
same URL. The list pages redirect any query that is not canonical (empty fields, defaults spelled out, unknown
keys, another order) to this form: filters first in a fixed order, then non-default state, sort and page.
So `?label_name%5B%5D=bug` and `/dashboard/merge_requests?reviewer_username=byteblaze` read exactly as
GitLab's own links do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Literal
from urllib.parse import urlencode

Kind = Literal["issue", "merge_request"]

STATES: dict[str, tuple[str, ...]] = {
    "issue": ("opened", "closed", "all"),
    "merge_request": ("opened", "merged", "closed", "all"),
}

# sort key -> (label shown in the sort menu, SQL ORDER BY over alias `t`)
SORTS: dict[str, tuple[str, str]] = {
    "created_date": ("Created date", "t.created_at DESC, t.id DESC"),
    "created_asc": ("Oldest created", "t.created_at ASC, t.id ASC"),
    "updated_desc": ("Last updated", "t.updated_at DESC, t.id DESC"),
    "updated_asc": ("Oldest updated", "t.updated_at ASC, t.id ASC"),
    "title_asc": ("Title", "t.title COLLATE NOCASE ASC, t.id ASC"),
}
DEFAULT_SORT = "created_date"
ANY = ""  # an empty filter value means "any"
NONE = "None"  # GitLab's spelling for "has no assignee / milestone"


@dataclass(frozen=True)
class TrackerQuery:
    """What an issue or merge request list shows: filters, state tab, sort order and page."""

    kind: Kind
    state: str = "opened"
    labels: tuple[str, ...] = ()
    milestone: str = ANY
    assignee: str = ANY
    author: str = ANY
    reviewer: str = ANY
    search: str = ANY
    sort: str = DEFAULT_SORT
    page: int = 1

    @classmethod
    def from_pairs(cls, kind: Kind, pairs: Iterable[tuple[str, str]]) -> TrackerQuery:
        """Read a query string leniently: unknown keys and bad values fall back to defaults.

        Filter tokens typed into the search box (`label:bug author:@vinta "free text"`) become the URL
        parameters they stand for, so the search box and the filter form lead to the same canonical listing."""
        values: dict[str, str] = {}
        labels: list[str] = []
        for key, value in pairs:
            value = value.strip()
            if key == "search" and value:
                tokens = parse_search(value, kind)
                for token_key, token_value in tokens.filters:
                    if token_key == "label_name[]":
                        labels.append(token_value)
                    else:
                        values[token_key] = token_value
                value = tokens.text
            if key in ("label_name[]", "label_name") and value:
                labels.append(value)
            elif value:
                values[key] = value
        labels = list(dict.fromkeys(labels))
        state = values.get("state", "opened")
        sort = values.get("sort", DEFAULT_SORT)
        try:
            page = max(1, int(values.get("page", "1")))
        except ValueError:
            page = 1
        return cls(
            kind=kind,
            state=state if state in STATES[kind] else "opened",
            labels=tuple(labels),
            milestone=values.get("milestone_title", ANY),
            assignee=values.get("assignee_username", ANY),
            author=values.get("author_username", ANY),
            reviewer=values.get("reviewer_username", ANY) if kind == "merge_request" else ANY,
            search=values.get("search", ANY),
            sort=sort if sort in SORTS else DEFAULT_SORT,
            page=page,
        )

    def pairs(self) -> list[tuple[str, str]]:
        """The canonical query: only what differs from the defaults, always in the same order."""
        pairs = [("label_name[]", label) for label in self.labels]
        for key, value in (("milestone_title", self.milestone), ("assignee_username", self.assignee),
                           ("author_username", self.author), ("reviewer_username", self.reviewer),
                           ("search", self.search)):
            if value:
                pairs.append((key, value))
        if self.state != "opened":
            pairs.append(("state", self.state))
        if self.sort != DEFAULT_SORT:
            pairs.append(("sort", self.sort))
        if self.page > 1:
            pairs.append(("page", str(self.page)))
        return pairs

    def query_string(self) -> str:
        """`?...` for a link (empty when nothing differs from the defaults)."""
        pairs = self.pairs()
        return "?" + urlencode(pairs) if pairs else ""

    def with_(self, **changes: object) -> TrackerQuery:
        """A copy with some fields changed; changing anything but the page goes back to page 1."""
        if "page" not in changes:
            changes["page"] = 1
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def filtered(self) -> bool:
        return bool(self.labels or self.milestone or self.assignee or self.author or self.reviewer or self.search)

    @property
    def order_by(self) -> str:
        return SORTS[self.sort][1]


# -- GitLab's filtered search: tokens typed into the search box ---------------------------------------------------

# token key -> the URL parameter it sets (GitLab's own keys, plus its `is:` / `state:` shorthand for the state tabs)
TOKEN_KEYS = {"label": "label_name[]", "author": "author_username", "assignee": "assignee_username",
              "reviewer": "reviewer_username", "milestone": "milestone_title", "state": "state", "is": "state"}
TOKEN_SIGILS = {"label": "~", "author": "@", "assignee": "@", "reviewer": "@", "milestone": "%"}
STATE_WORDS = {"open": "opened", "opened": "opened", "closed": "closed", "merged": "merged", "all": "all"}
SPECIAL = {"none": NONE, "any": "Any"}  # `assignee:none`, `milestone:any`


@dataclass(frozen=True)
class SearchTokens:
    """A search box's text split into filters (URL parameter, value) and the free text left over."""

    filters: tuple[tuple[str, str], ...] = ()
    text: str = ""
    rejected: tuple[str, ...] = field(default=())


def _read_value(raw: str, start: int) -> tuple[str | None, int]:
    """The token value at raw[start:]: a quoted string (spaces allowed) or a run of non-space characters.
    None when a quote is never closed (the token is then kept as text)."""
    if start < len(raw) and raw[start] in "\"'":
        quote = raw[start]
        end = raw.find(quote, start + 1)
        if end < 0:
            return None, len(raw)
        return raw[start + 1:end], end + 1
    end = start
    while end < len(raw) and not raw[end].isspace():
        end += 1
    return raw[start:end], end


def _token_value(key: str, value: str, kind: Kind) -> tuple[str, str] | None:
    """The (parameter, value) a well-formed token sets, or None when it is malformed for this list."""
    param = TOKEN_KEYS[key]
    if key in ("state", "is"):
        state = STATE_WORDS.get(value.lower())
        return (param, state) if state and state in STATES[kind] else None
    if key == "reviewer" and kind != "merge_request":
        return None
    sigil = TOKEN_SIGILS[key]
    if value.startswith(sigil):
        value = value[1:]
    value = value.strip()
    if not value:
        return None
    if key in ("assignee", "milestone") and value.lower() in SPECIAL:
        return param, SPECIAL[value.lower()]
    return param, value


def parse_search(raw: str, kind: Kind) -> SearchTokens:
    """Split GitLab filtered-search text into filters and free text.

    Accepted tokens: `label:bug`, `label:~"good first issue"`, `author:@vinta`, `assignee:@me`-style usernames,
    `assignee:none`, `reviewer:@name` (merge requests), `milestone:"v1.0"` / `milestone:%v1.0`, `state:closed`,
    `is:open`; an `=` after the colon (`label:=bug`, as GitLab writes it) is allowed. Anything else, including a
    token with an empty value, an unclosed quote, a negation (`label:!=bug`, not supported here) or a state the
    list does not have, stays in the free text and is searched for literally."""
    filters: list[tuple[str, str]] = []
    text: list[str] = []
    rejected: list[str] = []
    i = 0
    while i < len(raw):
        if raw[i].isspace():
            i += 1
            continue
        colon = raw.find(":", i)
        word_end = i
        while word_end < len(raw) and not raw[word_end].isspace():
            word_end += 1
        key = raw[i:colon].lower() if 0 <= colon < word_end else ""
        if key in TOKEN_KEYS:
            start = colon + 1
            if raw.startswith("=", start):
                start += 1
            sigil = raw[start] if raw[start:start + 1] == TOKEN_SIGILS.get(key) else ""
            value, end = _read_value(raw, start + len(sigil))
            value = None if value is None else sigil + value
            found = _token_value(key, value, kind) if value is not None and not raw.startswith("!=", colon + 1) \
                else None
            if found is not None:
                filters.append(found)
                i = end
                continue
            rejected.append(raw[i:end].strip())
            text.append(raw[i:end].strip())
            i = end
            continue
        value, end = _read_value(raw, i)
        text.append(raw[i:end] if value is None else (f'"{value}"' if raw[i] in "\"'" else value))
        i = end
    return SearchTokens(tuple(filters), " ".join(t for t in text if t), tuple(rejected))
