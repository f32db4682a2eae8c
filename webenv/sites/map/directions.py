"""What the directions page needs from its URL or form: endpoints resolved to places, and the route between.

OSM keeps a route in the URL as coordinates (`route=LAT,LON;LAT,LON`) and shows each end as the geocoded
address in the From/To boxes; typed text is resolved by the best search match. Both paths meet here.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from webenv.sites.map.geo import format_coord
from webenv.sites.map.places import Place, place_at
from webenv.sites.map.routing import Graph, Profile, Route, fastest_route
from webenv.sites.map.search import best_match

_COORDINATES = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class Endpoint:
    text: str  # what the From/To box shows
    point: tuple[float, float] | None = None
    place: Place | None = None
    error: str | None = None

    @property
    def empty(self) -> bool:
        return self.point is None and self.error is None


def _from_point(conn: sqlite3.Connection, lat: float, lon: float) -> Endpoint:
    place = place_at(conn, lat, lon)
    if place is not None:
        return Endpoint(place.display_name, (place.lat, place.lon), place)
    return Endpoint(f"{format_coord(lat)}, {format_coord(lon)}", (lat, lon))


def _parse_point(text: str) -> tuple[float, float] | None:
    match = _COORDINATES.match(text)
    if not match:
        return None
    lat, lon = float(match[1]), float(match[2])
    return (lat, lon) if -90 <= lat <= 90 and -180 <= lon <= 180 else None


def endpoint_from_text(conn: sqlite3.Connection, text: str) -> Endpoint:
    """A From/To box's text: empty, coordinates, or a place name (best search match)."""
    text = text.strip()
    if not text:
        return Endpoint("")
    point = _parse_point(text)
    if point is not None:
        return _from_point(conn, *point)
    place = best_match(conn, text)
    if place is None:
        return Endpoint(text, error=f"Could not find “{text}”")
    return Endpoint(place.display_name, (place.lat, place.lon), place)


def endpoints_from_route(conn: sqlite3.Connection, value: str) -> tuple[Endpoint, Endpoint] | None:
    """The two ends of a `route=` value, or None when it is malformed."""
    parts = value.split(";")
    if len(parts) != 2:
        return None
    ends: list[Endpoint] = []
    for part in parts:
        if not part.strip():
            ends.append(Endpoint(""))
            continue
        point = _parse_point(part)
        if point is None:
            return None
        ends.append(_from_point(conn, *point))
    return ends[0], ends[1]


def route_between(conn: sqlite3.Connection, start: Endpoint, end: Endpoint, profile: Profile) -> Route | None:
    """Fastest route between two resolved ends; a bare coordinate joins the network at its nearest usable node."""
    assert start.point is not None and end.point is not None
    graph = Graph.load(conn)

    def node(endpoint: Endpoint) -> int:
        if endpoint.place is not None:
            return endpoint.place.node_id
        assert endpoint.point is not None
        return graph.nearest_node(*endpoint.point, profile)

    return fastest_route(graph, node(start), node(end), profile)
