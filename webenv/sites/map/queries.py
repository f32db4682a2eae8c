"""Facts about the seeded map, computed the same way the pages compute them (tasks take answers from here).

Pure functions over a `sqlite3.Connection`: the tasks call them on the seed database; the app calls the same
search and routing code, so an answer can only disagree with a page if the page is broken.
"""

from __future__ import annotations

import sqlite3

from webenv.sites.map.geo import haversine_m
from webenv.sites.map.places import Place, all_places
from webenv.sites.map.routing import Graph, Route, fastest_route, profile_for
from webenv.sites.map.search import Hit, best_match, near_candidates, nearby, search, text_search


class UnknownPlace(LookupError):
    """A task names a place the seed does not have (or has more than once)."""


def place_named(conn: sqlite3.Connection, name: str) -> Place:
    """The one place with exactly this name."""
    found = [place for place in all_places(conn) if place.name == name]
    if len(found) != 1:
        raise UnknownPlace(f"{len(found)} places are named {name!r}")
    return found[0]


def resolves_to(conn: sqlite3.Connection, text: str) -> Place | None:
    """What the search box / directions form makes of typed text."""
    return best_match(conn, text)


def route(conn: sqlite3.Connection, origin: Place, destination: Place, mode: str) -> Route:
    """The fastest route by car, bike or foot between two places (what the directions page shows)."""
    graph = Graph.load(conn)
    found = fastest_route(graph, origin.node_id, destination.node_id, profile_for(mode))
    if found is None:
        raise LookupError(f"no {mode} route from {origin.name} to {destination.name}")
    return found


def near_listing(conn: sqlite3.Connection, what: str, anchor: Place, places: list[Place] | None = None
                 ) -> list[Place]:
    """What "<what> near <anchor>" lists (the places of that kind around the anchor, in name order); `places`
    saves re-reading the table when the caller already holds it."""
    return [hit.place for hit in nearby(conn, anchor, what, places)[1]]


def by_straight_line(conn: sqlite3.Connection, what: str, anchor: Place) -> list[Place]:
    """Every place of that kind on the map, closest to the anchor as the crow flies first (no page shows this
    order: tasks use it to check that "closest" means the same thing however one measures it)."""
    return sorted(near_candidates(conn, anchor, what)[1],
                  key=lambda place: (straight_line_m(anchor, place), place.id))


def search_hits(conn: sqlite3.Connection, query: str) -> list[Hit]:
    return search(conn, query).hits


def straight_line_m(a: Place, b: Place) -> float:
    return haversine_m(a.lat, a.lon, b.lat, b.lon)


def matching(conn: sqlite3.Connection, text: str) -> list[Place]:
    """Every place a search for this text returns (empty: the map has no such place)."""
    return text_search(conn, text)
