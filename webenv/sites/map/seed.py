"""Build the map's seed database: places with OSM-style addresses, and the road graph directions run on.

The places and roads are hand-written data (seed_data/*.json) because routes and addresses must make sense to a
person reading them; only identifiers and phone numbers come from `seeded_rng`, which keeps them stable across
machines. Every place becomes a graph node joined by a short access road (named after its street) to the
junctions listed in its `attach`, so directions start and end exactly at the place.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from webenv.sites.common import seeded_rng
from webenv.sites.map.categories import BY_KEY
from webenv.sites.map.geo import haversine_m

SEED_DATA = Path(__file__).parent / "seed_data"

SCHEMA = """
CREATE TABLE places (
    id INTEGER PRIMARY KEY,            -- an OSM-style node id, shown in /node/{id}
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    housenumber TEXT NOT NULL DEFAULT '',
    street TEXT NOT NULL DEFAULT '',
    suburb TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    county TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT '',
    postcode TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT 'United States',
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    alt_names TEXT NOT NULL DEFAULT '',  -- '; '-separated other names ("CMU")
    display_name TEXT NOT NULL,          -- the full Nominatim-style address
    node_id INTEGER NOT NULL REFERENCES nodes(id)
);
CREATE TABLE nodes (
    id INTEGER PRIMARY KEY,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    junction TEXT UNIQUE                 -- the seed key of a junction; NULL for a place's own node
);
CREATE TABLE roads (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    ref TEXT NOT NULL DEFAULT '',        -- route number, e.g. 'I-76'
    class TEXT NOT NULL CHECK (class IN ('motorway', 'trunk', 'primary', 'residential', 'path'))
);
CREATE TABLE segments (
    id INTEGER PRIMARY KEY,
    road_id INTEGER NOT NULL REFERENCES roads(id),
    node_a INTEGER NOT NULL REFERENCES nodes(id),
    node_b INTEGER NOT NULL REFERENCES nodes(id),
    length_m REAL NOT NULL
);
CREATE INDEX places_category ON places(category);
CREATE INDEX segments_a ON segments(node_a);
CREATE INDEX segments_b ON segments(node_b);
"""

# Roads wind; straight lines between junctions would make every trip too short. Highways between towns wind most.
WINDING = {"motorway": 1.10, "trunk": 1.20, "primary": 1.10, "residential": 1.15, "path": 1.15}

ADDRESS_FIELDS = ("housenumber", "street", "suburb", "city", "county", "state", "postcode")

# Telephone area codes by (state, city), falling back to the state's most common code.
AREA_CODES = {
    ("Pennsylvania", "Pittsburgh"): "412", ("Pennsylvania", "Findlay Township"): "412",
    ("Pennsylvania", "Moon Township"): "412", ("Pennsylvania", "West Mifflin"): "412",
    ("Pennsylvania", "Philadelphia"): "215", ("Pennsylvania", "Harrisburg"): "717",
    ("Pennsylvania", "Gettysburg"): "717", ("Pennsylvania", "State College"): "814",
    ("Pennsylvania", "Stoystown"): "814", ("Pennsylvania", "Millcreek Township"): "814",
    ("Pennsylvania", "Cecil Township"): "724", ("New York", "Manhattan"): "212",
    ("New York", "Queens"): "718", ("New York", "Bronx"): "718", ("New York", "Ithaca"): "607",
    ("New York", "Niagara Falls"): "716", ("New York", "Cheektowaga"): "716",
    ("Massachusetts", "Boston"): "617", ("Massachusetts", "Cambridge"): "617",
}
STATE_AREA_CODES = {
    "Pennsylvania": "412", "New York": "518", "New Jersey": "973", "Connecticut": "203", "Rhode Island": "401",
    "Massachusetts": "617", "Maine": "207", "New Hampshire": "603", "Vermont": "802", "Ohio": "330",
    "Virginia": "540",
}
NO_PHONE = {"city", "town", "park", "national_park", "historic_site", "memorial", "attraction"}


def display_name(place: dict[str, Any]) -> str:
    """Nominatim's order: name, house number, street, suburb, city, county, state, postcode, country."""
    parts = [place["name"], *(place.get(field, "") for field in ADDRESS_FIELDS), "United States"]
    kept: list[str] = []
    for part in parts:
        if part and (not kept or kept[-1] != part):
            kept.append(part)
    return ", ".join(kept)


def load_places() -> list[dict[str, Any]]:
    """Places with their group's area filled in (a place's own field, even an empty one, wins)."""
    raw = json.loads((SEED_DATA / "places.json").read_text())
    places = []
    for group in raw["groups"]:
        for place in group["places"]:
            merged = {field: "" for field in ADDRESS_FIELDS} | group["area"] | place
            if merged["category"] not in BY_KEY:
                raise ValueError(f"{merged['name']}: unknown category {merged['category']!r}")
            places.append(merged)
    return places


def load_network() -> dict[str, Any]:
    return json.loads((SEED_DATA / "network.json").read_text())


def _phone(place: dict[str, Any], rng: Any) -> str:
    exchange, line = rng.randrange(200, 1000), rng.randrange(0, 10000)
    if place["category"] in NO_PHONE:
        return ""
    area = AREA_CODES.get((place["state"], place["city"])) or STATE_AREA_CODES[place["state"]]
    return f"+1 {area} {exchange} {line:04d}"


def build_database(path: Path) -> None:
    rng = seeded_rng("map")
    network = load_network()
    places = load_places()
    conn = sqlite3.connect(path)
    try:
        conn.executescript(SCHEMA)
        junction_ids: dict[str, int] = {}
        coords: dict[int, tuple[float, float]] = {}
        for key, (lat, lon) in network["junctions"].items():
            cursor = conn.execute("INSERT INTO nodes (lat, lon, junction) VALUES (?, ?, ?)", (lat, lon, key))
            junction_ids[key] = int(cursor.lastrowid or 0)
            coords[junction_ids[key]] = (lat, lon)

        def add_segment(road_id: int, a: int, b: int, road_class: str) -> None:
            length = haversine_m(*coords[a], *coords[b]) * WINDING[road_class]
            conn.execute("INSERT INTO segments (road_id, node_a, node_b, length_m) VALUES (?, ?, ?, ?)",
                         (road_id, a, b, round(length, 1)))

        first_road_at: dict[str, str] = {}
        for road in network["roads"]:
            cursor = conn.execute("INSERT INTO roads (name, ref, class) VALUES (?, ?, ?)",
                                  (road["name"], road.get("ref", ""), road["class"]))
            road_id = int(cursor.lastrowid or 0)
            for a, b in zip(road["nodes"], road["nodes"][1:]):
                add_segment(road_id, junction_ids[a], junction_ids[b], road["class"])
            for key in road["nodes"]:
                first_road_at.setdefault(key, road["name"])

        used_ids: set[int] = set()
        for place in places:
            place_id = rng.randrange(100_000_000, 10_000_000_000)
            while place_id in used_ids:
                place_id = rng.randrange(100_000_000, 10_000_000_000)
            used_ids.add(place_id)
            cursor = conn.execute("INSERT INTO nodes (lat, lon) VALUES (?, ?)", (place["lat"], place["lon"]))
            node_id = int(cursor.lastrowid or 0)
            coords[node_id] = (place["lat"], place["lon"])
            # The access road carries the place's street name, so directions end "onto Forbes Avenue".
            access_name = place["street"] or first_road_at[place["attach"][0]]
            cursor = conn.execute("INSERT INTO roads (name, ref, class) VALUES (?, '', 'residential')",
                                  (access_name,))
            access_road = int(cursor.lastrowid or 0)
            for key in place["attach"]:
                add_segment(access_road, node_id, junction_ids[key], "residential")
            conn.execute(
                "INSERT INTO places (id, name, category, housenumber, street, suburb, city, county, state, "
                "postcode, lat, lon, phone, alt_names, display_name, node_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (place_id, place["name"], place["category"], place["housenumber"], place["street"],
                 place["suburb"], place["city"], place["county"], place["state"], place["postcode"],
                 place["lat"], place["lon"], _phone(place, rng), "; ".join(place.get("alt", [])),
                 display_name(place), node_id),
            )
        conn.commit()
    finally:
        conn.close()
