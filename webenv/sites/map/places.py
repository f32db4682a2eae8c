"""The place record every page and query shares, loaded from the `places` table."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from webenv.sites.map.categories import Category, category
from webenv.sites.map.geo import format_coord

_COLUMNS = ("id, name, category, housenumber, street, suburb, city, county, state, postcode, country, lat, lon, "
            "phone, alt_names, display_name, node_id")


@dataclass(frozen=True)
class Place:
    id: int
    name: str
    category: str
    housenumber: str
    street: str
    suburb: str
    city: str
    county: str
    state: str
    postcode: str
    country: str
    lat: float
    lon: float
    phone: str
    alt_names: str
    display_name: str
    node_id: int

    @property
    def kind(self) -> Category:
        return category(self.category)

    @property
    def other_names(self) -> list[str]:
        return [name for name in self.alt_names.split("; ") if name]

    @property
    def lat_text(self) -> str:
        return format_coord(self.lat)

    @property
    def lon_text(self) -> str:
        return format_coord(self.lon)

    @property
    def coordinates(self) -> str:
        """Decimal degrees as shown on the place page ("40.4443, -79.9436")."""
        return f"{self.lat_text}, {self.lon_text}"

    @property
    def path(self) -> str:
        return f"/node/{self.id}"


def all_places(conn: sqlite3.Connection) -> list[Place]:
    return [Place(*row) for row in conn.execute(f"SELECT {_COLUMNS} FROM places ORDER BY id")]


def place_by_id(conn: sqlite3.Connection, place_id: int) -> Place | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM places WHERE id = ?", (place_id,)).fetchone()
    return Place(*row) if row else None


def place_at(conn: sqlite3.Connection, lat: float, lon: float) -> Place | None:
    """The place a `route=` coordinate pair points at (URLs carry four decimals, so match within half a unit)."""
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM places WHERE abs(lat - ?) < 0.00005 AND abs(lon - ?) < 0.00005 ORDER BY id",
        (lat, lon),
    ).fetchone()
    return Place(*row) if row else None
