"""Search the way Nominatim behaves for the agent: name lookups, and "<what> near <place>" listings.

"hotels near Carnegie Mellon University" resolves the anchor with the same best-match rule the directions form
uses, then lists the places of that category in the area around it, as Nominatim does: the area is a circle
widened step by step (`NEAR_RADII_M`) until it holds `NEAR_MIN` places, and the listing is in name order with no
distances. Which one is closest is a question the listing does not answer: that takes directions to each.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from functools import lru_cache

from webenv.sites.map.categories import Category, category_for
from webenv.sites.map.geo import haversine_m
from webenv.sites.map.places import Place, all_places

# The circles a "near" search tries, smallest first (the last one is the whole map), and how many places the
# area must hold before it stops widening (fewer when the map has fewer of that kind).
NEAR_RADII_M = (10_000.0, 50_000.0, 250_000.0, 1_000_000.0, float("inf"))
NEAR_MIN = 3

_NEAR = re.compile(r"^\s*(?P<what>.+?)\s+near\s+(?P<where>.+?)\s*$", re.IGNORECASE)


@lru_cache(maxsize=8192)
def tokens(text: str) -> tuple[str, ...]:
    """Lower-case words; apostrophes vanish ("Children's" -> "childrens") and other punctuation splits.
    Cached: every query re-reads the same few hundred names and addresses."""
    text = re.sub(r"['’]", "", text.lower())
    return tuple(re.findall(r"\w+", text))


@lru_cache(maxsize=8192)
def _normal(text: str) -> str:
    return " ".join(tokens(text))


@dataclass(frozen=True)
class Hit:
    place: Place


@dataclass(frozen=True)
class SearchResult:
    query: str
    hits: list[Hit]
    anchor: Place | None = None  # the Y of "X near Y"
    category: Category | None = None  # the X of "X near Y", when it names a category
    unresolved: str | None = None  # the Y of "X near Y" when no place matches it

    @property
    def heading(self) -> str:
        if self.anchor is None:
            return "Search Results"
        what = self.category.plural.capitalize() if self.category else f"“{near_parts(self.query)[0]}”"
        return f"{what} near {self.anchor.name}"


def near_parts(query: str) -> tuple[str, str] | None:
    match = _NEAR.match(query)
    return (match["what"], match["where"]) if match else None


def _tier(place: Place, query: str, wanted: set[str]) -> int | None:
    """0 exact name/address, 1 name starts with the query, 2 all words in a name, 3 all words anywhere."""
    names = [place.name, *place.other_names]
    if query in {_normal(name) for name in names} or query == _normal(place.display_name):
        return 0
    if any(_normal(name).startswith(query) for name in names):
        return 1
    if any(wanted <= set(tokens(name)) for name in names):
        return 2
    haystack = set(tokens(place.display_name)) | set(tokens(" ".join(place.other_names)))
    for word in place.kind.words:
        haystack.update(tokens(word))
    if wanted <= haystack:
        return 3
    return None


def text_search(conn: sqlite3.Connection, query: str) -> list[Place]:
    """Places matching every word of the query, best first (ties: shorter name, then name, then id)."""
    wanted = set(tokens(query))
    if not wanted:
        return []
    normal = _normal(query)
    ranked = []
    for place in all_places(conn):
        tier = _tier(place, normal, wanted)
        if tier is not None:
            ranked.append((tier, len(place.name), place.name, place.id, place))
    ranked.sort(key=lambda item: item[:4])
    return [item[-1] for item in ranked]


def best_match(conn: sqlite3.Connection, text: str) -> Place | None:
    """The place a name typed into the directions form (or the Y of "X near Y") stands for."""
    found = text_search(conn, text)
    return found[0] if found else None


def near_candidates(conn: sqlite3.Connection, anchor: Place, what: str, places: list[Place] | None = None
                    ) -> tuple[Category | None, list[Place]]:
    """Every place of a category (or matching a name, e.g. "Starbucks") other than the anchor, on the whole map
    (`places`: the table, when the caller already holds it)."""
    kind = category_for(what)
    if kind is not None:
        candidates = [place for place in places or all_places(conn) if place.category == kind.key]
    else:
        candidates = text_search(conn, what)
    return kind, [place for place in candidates if place.id != anchor.id]


def near_area(anchor: Place, candidates: list[Place]) -> list[Place]:
    """The candidates inside the smallest circle of `NEAR_RADII_M` around the anchor that holds `NEAR_MIN` of
    them (all of them when there are fewer), in name order: what a "near" search lists."""
    def away(place: Place) -> float:
        return haversine_m(anchor.lat, anchor.lon, place.lat, place.lon)

    wanted = min(NEAR_MIN, len(candidates))
    for radius in NEAR_RADII_M:
        inside = [place for place in candidates if away(place) <= radius]
        if len(inside) >= wanted:
            return sorted(inside, key=lambda place: (place.name, place.id))
    raise AssertionError("the last radius holds every place")


def nearby(conn: sqlite3.Connection, anchor: Place, what: str, places: list[Place] | None = None
           ) -> tuple[Category | None, list[Hit]]:
    """What "<what> near <anchor>" lists: the places of that kind in the area around the anchor, by name."""
    kind, candidates = near_candidates(conn, anchor, what, places)
    return kind, [Hit(place) for place in near_area(anchor, candidates)]


def search(conn: sqlite3.Connection, query: str) -> SearchResult:
    parts = near_parts(query)
    if parts is not None:
        what, where = parts
        anchor = best_match(conn, where)
        if anchor is None:
            return SearchResult(query=query, hits=[], unresolved=where)
        kind, hits = nearby(conn, anchor, what)
        return SearchResult(query=query, hits=hits, anchor=anchor, category=kind)
    return SearchResult(query=query, hits=[Hit(place) for place in text_search(conn, query)])
