"""Earth geometry and OSM's number formats, shared by the seed, the router, search and the tasks.

Everything that turns coordinates or metres into text lives here, so a page and a task answer computed from the
same numbers can never format them differently.
"""

from __future__ import annotations

import math

EARTH_RADIUS_M = 6_371_000.0


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (what "nearby" listings and segment lengths are measured in)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def bearing_deg(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Initial compass bearing (0 = north, clockwise), used to tell left turns from right turns."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dlmb = math.radians(lon2 - lon1)
    x = math.sin(dlmb) * math.cos(phi2)
    y = math.cos(phi1) * math.sin(phi2) - math.sin(phi1) * math.cos(phi2) * math.cos(dlmb)
    return (math.degrees(math.atan2(x, y)) + 360.0) % 360.0


def js_round(value: float) -> int:
    """JavaScript's Math.round (halves round up), which OSM's formatting uses; Python's round() would send
    0.5 to 0 and 1.5 to 2."""
    return math.floor(value + 0.5)


def format_coord(value: float) -> str:
    """Coordinates to four decimals (about 10 m): the precision of every `route=` URL and place page."""
    return f"{value:.4f}"


def format_distance(metres: float) -> str:
    """OSM's directions format: whole metres under 1 km, one decimal under 10 km, whole km beyond."""
    if metres < 1000:
        return f"{js_round(metres)}m"
    if metres < 10_000:
        return f"{metres / 1000:.1f}km"
    return f"{js_round(metres / 1000)}km"


def format_duration(seconds: float) -> str:
    """OSM's directions format h:mm, rounded to the minute (0:18, 4:37, 123:05)."""
    minutes = js_round(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}"
