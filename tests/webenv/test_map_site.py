"""The map site on its own: seed data, routing, search, and the pages a browser sees (real servers, real
Chromium, real SQLite)."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from playwright.async_api import Page

from webenv.server import Environment, start_environment
from webenv.sites.map import queries
from webenv.sites.map.categories import BY_KEY
from webenv.sites.map.geo import format_distance, format_duration
from webenv.sites.map.places import all_places
from webenv.sites.map.routing import PROFILES, Graph, fastest_route
from webenv.sites.map.search import NEAR_MIN, NEAR_RADII_M, search
from webenv.sites.map.seed import build_database
from webenv.sites.map.urls import directions_path, search_path


@pytest.fixture(scope="module")
def env() -> Iterator[Environment]:
    environment = start_environment(sites=["map"])
    yield environment
    environment.stop()


@pytest.fixture(scope="module")
def conn(env: Environment) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(env.db_paths["map"])
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def client(env: Environment) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=env.urls["map"], follow_redirects=False, timeout=10) as http:
        yield http


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# ---------------------------------------------------------------- data and routing


def test_numbers_are_formatted_as_osm_formats_them() -> None:
    assert [format_distance(m) for m in (653.4, 1432.0, 9949.0, 12_345.0)] == ["653m", "1.4km", "9.9km", "12km"]
    # h:mm rounded to the minute, halves up (JavaScript's Math.round), never Python's banker's rounding
    assert [format_duration(s) for s in (30, 89, 90, 1080, 5429, 16_830)] == ["0:01", "0:01", "0:02", "0:18",
                                                                             "1:30", "4:41"]


def test_seed_is_deterministic_and_well_formed(tmp_path: Path, conn: sqlite3.Connection) -> None:
    first, second = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    build_database(first)
    build_database(second)
    dumps = ["\n".join(sqlite3.connect(path).iterdump()) for path in (first, second)]
    assert dumps[0] == dumps[1]
    places = all_places(conn)
    assert len(places) >= 80
    assert {place.category for place in places} >= {"university", "airport", "museum", "hospital", "stadium",
                                                      "park", "hotel", "restaurant", "train_station",
                                                      "national_park", "town"}
    cmu = queries.place_named(conn, "Carnegie Mellon University")
    assert cmu.display_name == ("Carnegie Mellon University, Schenley Drive, Oakland, Pittsburgh, Allegheny County, "
                                "Pennsylvania, 15213, United States")
    assert len({place.id for place in places}) == len(places)
    classes = {row[0] for row in conn.execute("SELECT DISTINCT class FROM roads")}
    assert classes == {"motorway", "trunk", "primary", "residential", "path"}


def test_every_place_is_reachable_by_every_mode(conn: sqlite3.Connection) -> None:
    graph = Graph.load(conn)
    start = queries.place_named(conn, "Carnegie Mellon University")
    for profile in PROFILES:
        unreachable = [place.name for place in all_places(conn)
                       if fastest_route(graph, start.node_id, place.node_id, profile) is None]
        assert unreachable == [], profile.mode


def test_each_mode_keeps_to_the_roads_it_may_use(conn: sqlite3.Connection) -> None:
    graph = Graph.load(conn)
    start = queries.place_named(conn, "Carnegie Mellon University")
    routes = {profile.mode: [fastest_route(graph, start.node_id, place.node_id, profile)
                             for place in all_places(conn)] for profile in PROFILES}
    assert not any("path" in route.road_classes for route in routes["car"] if route)
    assert not any("motorway" in route.road_classes for mode in ("bike", "foot") for route in routes[mode] if route)
    # and the restrictions bite: cars do use motorways, walkers do take paths
    assert any("motorway" in route.road_classes for route in routes["car"] if route)
    assert any("path" in route.road_classes for route in routes["foot"] if route)
    for car, foot in zip(routes["car"], routes["foot"]):
        assert car is not None and foot is not None and car.duration_s <= foot.duration_s


def test_fastest_routes_obey_the_triangle_inequality(conn: sqlite3.Connection) -> None:
    graph = Graph.load(conn)
    names = ["Carnegie Mellon University", "Randyland", "Pittsburgh International Airport", "Philadelphia",
             "Hoboken", "TD Garden", "Schenley Park"]
    nodes = [queries.place_named(conn, name).node_id for name in names]
    for profile in PROFILES:
        time_s = {}
        for a in nodes:
            for b in nodes:
                route = fastest_route(graph, a, b, profile)
                assert route is not None
                time_s[a, b] = route.duration_s
        for a in nodes:
            assert time_s[a, a] == 0
            for b in nodes:
                for c in nodes:
                    assert time_s[a, c] <= time_s[a, b] + time_s[b, c] + 1e-6, (profile.mode, a, b, c)


def test_steps_name_the_roads_and_add_up_to_the_route(conn: sqlite3.Connection) -> None:
    route = queries.route(conn, queries.place_named(conn, "Pittsburgh"), queries.place_named(conn, "Philadelphia"),
                          "car")
    assert route.steps[0].instruction.startswith("Start on ")
    assert route.steps[-1].instruction == "Reach destination"
    assert any("Pennsylvania Turnpike (I-76)" in step.instruction for step in route.steps)
    assert sum(step.distance_m for step in route.steps) == pytest.approx(route.distance_m)


def test_search_ranks_exact_and_alternative_names_first(conn: sqlite3.Connection) -> None:
    cmu = queries.place_named(conn, "Carnegie Mellon University")
    assert queries.resolves_to(conn, "CMU") == cmu
    assert queries.resolves_to(conn, "carnegie mellon") == cmu
    assert queries.resolves_to(conn, cmu.display_name) == cmu
    assert [hit.place.name for hit in search(conn, "Starbucks").hits] == ["Starbucks", "Starbucks"]
    assert search(conn, "Atlantis").hits == []


def test_near_search_lists_the_area_by_name_without_distances(conn: sqlite3.Connection) -> None:
    hunt = queries.place_named(conn, "Hunt Library")
    result = search(conn, "Cafes near Hunt Library")
    assert result.anchor == hunt and result.category == BY_KEY["cafe"]
    cafes = [place for place in all_places(conn) if place.category == "cafe"]
    listed = [hit.place for hit in result.hits]
    # The area: every cafe within the first radius that holds enough of them, none beyond it, in name order.
    radius = next(r for r in NEAR_RADII_M
                  if sum(queries.straight_line_m(hunt, cafe) <= r for cafe in cafes) >= NEAR_MIN)
    assert {place.id for place in listed} == {cafe.id for cafe in cafes
                                              if queries.straight_line_m(hunt, cafe) <= radius}
    assert [place.name for place in listed] == sorted(place.name for place in listed)
    # Name order is not distance order here, so the listing does not give the closest away.
    by_distance = sorted(listed, key=lambda place: queries.straight_line_m(hunt, place))
    assert listed != by_distance and len(listed) >= NEAR_MIN
    # Far-flung kinds widen the area until something is found; a kind the map lacks near nothing lists nothing.
    parks = search(conn, "national parks near Pittsburgh").hits
    assert len(parks) == min(NEAR_MIN, sum(p.category == "national_park" for p in all_places(conn)))
    assert search(conn, "hotels near Atlantis").unresolved == "Atlantis"


def test_near_search_page_shows_no_distances(client: httpx.Client, conn: sqlite3.Connection) -> None:
    text = text_of(client.get(search_path("hotels near Carnegie Mellon University")).text)
    listed = queries.near_listing(conn, "hotels", queries.place_named(conn, "Carnegie Mellon University"))
    assert all(place.name in text for place in listed)
    assert not re.search(r"\d(\.\d)?\s*k?m\b", text) and "away" not in text


# ---------------------------------------------------------------- pages over HTTP


def test_search_redirects_to_osm_style_urls(client: httpx.Client) -> None:
    response = client.get("/search", params={"query": "hotels near Carnegie Music Hall"})
    assert response.status_code == 303
    assert response.headers["location"] == "/search?query=hotels%20near%20Carnegie%20Music%20Hall"
    page = client.get(response.headers["location"])
    assert page.status_code == 200 and "Hotels near Carnegie Music Hall" in text_of(page.text)


def test_search_results_are_paginated(client: httpx.Client, conn: sqlite3.Connection) -> None:
    hits = search(conn, "Pittsburgh").hits
    assert len(hits) > 20
    first = text_of(client.get(search_path("Pittsburgh")).text)
    second = text_of(client.get(search_path("Pittsburgh", 2)).text)
    assert hits[0].place.display_name in first and hits[20].place.display_name not in first
    assert hits[20].place.display_name in second and "Previous" in second
    last = -(-len(hits) // 20)
    assert f"Page 2 of {last}" in second
    clamped = client.get("/search", params={"query": "Pittsburgh", "page": "999"})
    assert clamped.headers["location"] == search_path("Pittsburgh", last)


def test_place_page_and_unknown_nodes(client: httpx.Client, conn: sqlite3.Connection) -> None:
    place = queries.place_named(conn, "Fuku Tea")
    body = client.get(place.path).text
    assert f"<h1>{place.name}</h1>" in body and place.display_name in text_of(body)
    assert place.coordinates in text_of(body) and place.phone in body
    missing = client.get("/node/1")
    assert missing.status_code == 404 and "Node 1 does not exist" in missing.text


def test_directions_form_reports_places_it_cannot_find(client: httpx.Client) -> None:
    response = client.get("/directions", params={"route_from": "Atlantis", "route_to": "Randyland",
                                                 "engine": "fossgis_osrm_car"})
    assert response.status_code == 200
    page = text_of(response.text)
    assert "Could not find “Atlantis”" in page and "Distance:" not in page
    assert 'value="Atlantis"' in response.text
    malformed = text_of(client.get("/directions", params={"route": "not-a-route"}).text)
    assert "That route is not valid" in malformed


def test_directions_from_coordinates_snap_to_the_network(client: httpx.Client) -> None:
    # a point in the Monongahela river, not a place: the route starts from the nearest junction
    response = client.get(directions_path("fossgis_osrm_foot", (40.4330, -79.9900), (40.4443, -79.9436)))
    page = text_of(response.text)
    assert response.status_code == 200 and 'value="40.4330, -79.9900"' in response.text
    assert re.search(r"Distance: [\d.]+k?m\. Time: \d+:\d\d\.", page)


# ---------------------------------------------------------------- in Chromium


async def test_home_page_is_accessible(page: Page, env: Environment) -> None:
    await page.goto(env.urls["map"])
    assert await page.get_by_role("textbox", name="Search", exact=True).count() == 1
    assert await page.get_by_role("button", name="Search", exact=True).count() == 1
    assert await page.get_by_role("link", name="Directions", exact=True).count() == 1
    assert await page.get_by_role("heading", level=1).inner_text() == "Welcome to OpenStreetMap"


async def test_directions_round_trip_in_the_browser(page: Page, env: Environment, conn: sqlite3.Connection) -> None:
    cmu, randyland = queries.place_named(conn, "Carnegie Mellon University"), queries.place_named(conn, "Randyland")
    await page.goto(env.urls["map"])
    await page.get_by_role("link", name="Directions", exact=True).click()
    await page.get_by_role("textbox", name="From", exact=True).fill("CMU")
    await page.get_by_role("textbox", name="To", exact=True).fill("randyland")
    await page.get_by_role("combobox", name="Mode", exact=True).select_option(label="Bicycle (OSRM)")
    await page.get_by_role("button", name="Go", exact=True).click()
    await page.wait_for_load_state("load")
    expected = directions_path("fossgis_osrm_bike", (cmu.lat, cmu.lon), (randyland.lat, randyland.lon))
    assert page.url == env.urls["map"] + expected
    assert await page.evaluate("document.querySelector('[name=\"route_from\"]').value") == cmu.display_name
    assert await page.evaluate("document.querySelector('[name=\"route_to\"]').value") == randyland.display_name
    assert await page.evaluate("document.querySelector('div#content select.routing_engines').selectedIndex") == 0
    route = queries.route(conn, cmu, randyland, "bike")
    summary = await page.locator("#routing_summary").inner_text()
    assert f"Distance: {route.distance_text}. Time: {route.duration_text}." in summary
    assert await page.get_by_role("row").count() == len(route.steps) + 1
    assert await page.get_by_role("img", name="Route sketch").count() == 1

    await page.get_by_role("link", name="Reverse directions").click()
    await page.wait_for_load_state("load")
    assert await page.evaluate("document.querySelector('[name=\"route_from\"]').value") == randyland.display_name
    back = queries.route(conn, randyland, cmu, "bike")
    assert f"Time: {back.duration_text}." in await page.locator("#routing_summary").inner_text()


async def test_place_page_starts_directions_to_the_place(page: Page, env: Environment,
                                                         conn: sqlite3.Connection) -> None:
    tea, museum = queries.place_named(conn, "Fuku Tea"), queries.place_named(conn, "Carnegie Museum of Art")
    await page.goto(f"{env.urls['map']}/search?query={quote('Fuku Tea')}")
    await page.get_by_role("link", name="Fuku Tea", exact=True).click()
    await page.wait_for_load_state("load")
    assert await page.get_by_role("heading", level=1).inner_text() == tea.name
    assert await page.locator(".coordinates").inner_text() == tea.coordinates
    await page.get_by_role("link", name="Directions to here").click()
    await page.wait_for_load_state("load")
    assert await page.get_by_role("textbox", name="To").input_value() == tea.display_name
    assert await page.get_by_role("textbox", name="From").input_value() == ""
    await page.get_by_role("textbox", name="From").fill(museum.name)
    await page.get_by_role("combobox", name="Mode").select_option(label="Foot (OSRM)")
    await page.get_by_role("button", name="Go").click()
    await page.wait_for_load_state("load")
    walk = queries.route(conn, museum, tea, "foot")
    assert f"Distance: {walk.distance_text}. Time: {walk.duration_text}." in await page.locator(
        "#routing_summary").inner_text()
