"""The map's canonical URLs, built in one place so pages, redirects and task `reference_url`s agree exactly.

They follow openstreetmap.org: `/search?query=hotels%20near%20X` (spaces as %20, as OSM's own search writes
them) and `/directions?engine=fossgis_osrm_car&route=LAT%2CLON%3BLAT%2CLON`.
"""

from __future__ import annotations

from urllib.parse import quote

from webenv.sites.map.geo import format_coord


def search_path(query: str, page: int = 1) -> str:
    path = f"/search?query={quote(query, safe='')}"
    return path if page == 1 else f"{path}&page={page}"


def route_value(start: tuple[float, float] | None, end: tuple[float, float] | None) -> str:
    """`LAT,LON;LAT,LON`, either end may be empty (a half-filled form, or "Directions from here")."""
    def one(point: tuple[float, float] | None) -> str:
        return f"{format_coord(point[0])},{format_coord(point[1])}" if point else ""

    return f"{one(start)};{one(end)}"


def directions_path(engine: str, start: tuple[float, float] | None, end: tuple[float, float] | None) -> str:
    return f"/directions?engine={engine}&route={quote(route_value(start, end), safe='')}"
