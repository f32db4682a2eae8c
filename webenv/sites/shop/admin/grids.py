"""The admin's data grids: GET filters turned into SQL, sortable columns, and the "Active filters" bar.

Every filter is a query parameter, so a filtered grid is a plain URL an agent can reach, share and be judged on
(WebArena checks `div.admin__data-grid-filters-current` to see which filters are applied).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request

from webenv.sites.common import Page, page_from, rows

PAGE_SIZE = 20


@dataclass
class Filters:
    """WHERE clauses with their parameters, and how each applied filter reads in the "Active filters" bar."""

    clauses: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)
    active: list[tuple[str, str]] = field(default_factory=list)

    def add(self, clause: str, *params: Any, label: str, shown: str) -> None:
        self.clauses.append(clause)
        self.params.extend(params)
        self.active.append((label, shown))

    def add_keywords(self, text: str, columns: list[str], *, extra: Sequence[tuple[str, Any]] = ()) -> None:
        """Magento-style keyword search: every word must occur in one of the columns (in any order), so
        "sony headphones" finds "Sony WH-1000XM4 ... Headphones". `extra` adds (clause, param) alternatives
        for the whole text, such as a phone number without its punctuation."""
        words = text.split()
        if not words:
            return
        clauses: list[str] = []
        params: list[Any] = []
        for word in words:
            clauses.append("(" + " OR ".join(f"{column} LIKE ?" for column in columns) + ")")
            params.extend([f"%{word}%"] * len(columns))
        clause = " AND ".join(clauses)
        for alternative, param in extra:
            clause = f"{clause} OR {alternative}"
            params.append(param)
        self.add(f"({clause})", *params, label="Keyword", shown=text)

    @property
    def where(self) -> str:
        return " AND ".join(self.clauses) if self.clauses else "1 = 1"


@dataclass(frozen=True)
class Sort:
    """The grid's current order and the links that change it (a second click on a column flips direction)."""

    key: str
    direction: str
    sql: str
    params: tuple[tuple[str, str], ...]

    def href(self, key: str) -> str:
        direction = "desc" if key == self.key and self.direction == "asc" else "asc"
        kept = [(k, v) for k, v in self.params if k not in {"sort", "dir", "page"}]
        return "?" + urlencode([*kept, ("sort", key), ("dir", direction)])

    def aria(self, key: str) -> str:
        if key != self.key:
            return "none"
        return "ascending" if self.direction == "asc" else "descending"


def sort_from(request: Request, columns: dict[str, str], default: tuple[str, str]) -> Sort:
    """The requested sort if it names a known column, else the default; the SQL comes from `columns` only."""
    key = request.query_params.get("sort", default[0])
    direction = request.query_params.get("dir", default[1] if key == default[0] else "asc")
    if key not in columns:
        key, direction = default
    direction = "desc" if direction == "desc" else "asc"
    return Sort(key=key, direction=direction, sql=f"{columns[key]} {direction.upper()}",
                params=tuple(request.query_params.multi_items()))


def remember(request: Request, grid: str) -> None:
    """Keep this grid's filters, sort and page in the admin's session, as Magento's grid bookmarks do, so "Back"
    from a record (or a save that returns to the grid) lands on the listing the admin was working through."""
    request.session[f"grid:{grid}"] = request.url.query


def remembered(request: Request, grid: str) -> str:
    """The grid's URL with the filters it last had in this session (the bare grid if none)."""
    kept = request.session.get(f"grid:{grid}", "")
    return f"{grid}?{kept}" if kept else grid


def pager_suffix(request: Request) -> str:
    """The current filters as `&k=v...`, appended to pagination links so paging keeps the filters."""
    kept = [(k, v) for k, v in request.query_params.multi_items() if k != "page"]
    return "&" + urlencode(kept) if kept else ""


def fetch_page(
    conn: sqlite3.Connection, request: Request, select: str, from_sql: str, filters: Filters, sort: Sort,
    tiebreak: str,
) -> tuple[list[dict[str, Any]], Page]:
    """One page of `SELECT {select} FROM {from_sql} WHERE filters ORDER BY sort, tiebreak`, and the page it is.
    The tiebreak (a unique column) keeps rows from jumping between pages when sort values are equal."""
    total = conn.execute(f"SELECT COUNT(*) FROM {from_sql} WHERE {filters.where}", filters.params).fetchone()[0]
    page = page_from(request, total, size=PAGE_SIZE)
    found = rows(
        conn,
        f"SELECT {select} FROM {from_sql} WHERE {filters.where} ORDER BY {sort.sql}, {tiebreak} LIMIT ? OFFSET ?",
        *filters.params, page.size, page.offset,
    )
    return found, page
