"""The map's tasks in WebArena's config format (template ids 5000+), each with a reference solution.

Modelled on WebArena-Lite's map tasks: travel times and distances by mode, full addresses and zip codes,
"closest X to Y", comparisons, coordinates, phone numbers, showing a route or a nearby search (url_match),
filling the directions form or opening a place page (program_html), and two tasks the map cannot do.
Every answer comes from `queries.py` on the seed database; every place a solution types is checked to resolve to
the intended place, so a wording change in the data cannot silently make a task wrong.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections import Counter
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

from webenv.answers import Part, code, distance, duration, name, not_achievable, number, phone
from webenv.sites.map import queries
from webenv.sites.map.geo import format_distance, js_round
from webenv.sites.map.places import Place, all_places
from webenv.sites.map.routing import PROFILES, Graph, Profile, Route, fastest_route, profile_for
from webenv.sites.map.urls import directions_path, search_path
from webenv.tasks.authoring import (
    Plan,
    Split,
    TaskSite,
    Template,
    click,
    html_check,
    html_eval,
    select,
    string_eval,
    type_into,
    url_eval,
)
from webenv.url_sets import page

START = "__MAP__"
task = TaskSite("map", home=START, storage_state=None).task
FROM_LOCATOR = "document.querySelector('[name=\"route_from\"]').value"
TO_LOCATOR = "document.querySelector('[name=\"route_to\"]').value"
ENGINE_LOCATOR = "document.querySelector(\"div#content select.routing_engines\").selectedIndex"
HEADING_LOCATOR = "document.querySelector('#sidebar_content h1').outerText"
SIDEBAR_LOCATOR = "document.querySelector('#sidebar_content').outerText"


# ---------------------------------------------------------------- typed answers (as the page shows them)

WALKING = ("walk", "walking", "on foot", "by foot", "foot")
DRIVING = ("drive", "driving", "by car", "car")


def shown_duration(seconds: float) -> Part:
    """A travel time as the directions page shows it: h:mm, rounded to the minute."""
    return duration(js_round(seconds / 60) * 60, precision=60)


def shown_distance(metres: float) -> Part:
    """A route length as the page shows it ("653m", "1.4km", "34km"), with the precision of that display."""
    text = format_distance(metres)
    if text.endswith("km"):
        return distance(float(text[:-2]) * 1000, precision=100 if "." in text else 1000)
    return distance(float(text[:-1]), precision=1)


def other_modes(world: _Map, origin: Place, destination: Place, mode: str) -> list[Route]:
    """The same trip by the other modes: their times and lengths are the distractors of a by-mode question."""
    return [world.route(origin, destination, profile.mode) for profile in PROFILES if profile.mode != mode]


# ---------------------------------------------------------------- plan fragments

class _Map:
    """The seed database plus checks that what a solution types really finds the intended place."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._routes: dict[tuple[int, int, str], Route] = {}
        self._resolved: dict[str, Place | None] = {}  # searches are the slow part of building the tasks

    @cached_property
    def places(self) -> list[Place]:
        return all_places(self.conn)

    def place(self, name: str) -> Place:
        """The one place with exactly this name (as `queries.place_named`)."""
        found = [place for place in self.places if place.name == name]
        if len(found) != 1:
            raise queries.UnknownPlace(f"{len(found)} places are named {name!r}")
        return found[0]

    def resolves_to(self, text: str) -> Place | None:
        if text not in self._resolved:
            self._resolved[text] = queries.resolves_to(self.conn, text)
        return self._resolved[text]

    def typed(self, text: str, meant: Place) -> str:
        found = self.resolves_to(text)
        if found is None or found.id != meant.id:
            raise ValueError(f"typing {text!r} finds {found.name if found else 'nothing'}, not {meant.name}")
        return text

    @cached_property
    def graph(self) -> Graph:
        return Graph.load(self.conn)

    def route(self, origin: Place, destination: Place, mode: str) -> Route:
        """The route the directions page shows (the same search as `queries.route`, on a graph loaded once)."""
        key = (origin.id, destination.id, mode)
        if key not in self._routes:
            found = fastest_route(self.graph, origin.node_id, destination.node_id, profile_for(mode))
            if found is None:
                raise LookupError(f"no {mode} route from {origin.name} to {destination.name}")
            self._routes[key] = found
        return self._routes[key]

    @cached_property
    def landmarks(self) -> list[Place]:
        """Pittsburgh places a task can name by name alone: the name is unique and the search box resolves it to
        that place (cities and towns left out). The training pool draws its instances from these."""
        counts = Counter(place.name for place in self.places)
        found = []
        for place in self.places:
            if counts[place.name] != 1 or place.city != "Pittsburgh" or place.category in ("city", "town"):
                continue
            resolved = self.resolves_to(place.name)
            if resolved is not None and resolved.id == place.id:
                found.append(place)
        return sorted(found, key=lambda place: place.name)


# ---------------------------------------------------------------- training candidates (beyond the test cases)

def _chosen(items: Sequence[Any], salt: str, count: int, exclude: Sequence[Any]) -> list[Any]:
    """`count` items in a stable pseudo-random order (the same on every machine), leaving out the test cases."""
    fresh = [item for item in items if item not in exclude]
    return sorted(fresh, key=lambda item: hashlib.blake2b(f"{salt}|{item!r}".encode(), digest_size=8).digest())[:count]


def _route_cases(world: _Map, template: int, cases: Sequence[tuple[str, str, str, str]],
                 modes: Sequence[tuple[str, str]], per_mode: int) -> list[tuple[str, str, str, str]]:
    """(word, mode, origin, destination) between landmarks, `per_mode` for each (word, mode)."""
    names = [place.name for place in world.landmarks]
    found: list[tuple[str, str, str, str]] = []
    for word, mode in modes:
        pairs = [(word, mode, a, b) for a in names for b in names if a != b]
        found += _chosen(pairs, f"{template}/{mode}", per_mode, cases)
    return found


def _place_cases(world: _Map, template: int, cases: Sequence[str], count: int,
                 usable: Callable[[Place], bool]) -> list[str]:
    return _chosen([p.name for p in world.landmarks if usable(p)], str(template), count, cases)


_CATEGORY_WORDS = (("hotel", "hotels"), ("cafe", "cafes"), ("supermarket", "supermarkets"), ("hospital", "hospitals"),
                   ("museum", "museums"), ("pharmacy", "pharmacies"), ("library", "libraries"), ("park", "parks"))


def _closest_cases(world: _Map, cases: Sequence[tuple[str, str, str]], count: int) -> list[tuple[str, str, str]]:
    triples = [(c, plural, p.name) for c, plural in _CATEGORY_WORDS for p in world.landmarks if p.category != c]
    return _chosen(triples, "5004", count, cases)


def _triple_cases(world: _Map, cases: Sequence[tuple[str, str, str]], count: int) -> list[tuple[str, str, str]]:
    names = [p.name for p in world.landmarks]
    triples = [(o, a, b) for o in names[::3] for a in names[1::3] for b in names[2::3] if len({o, a, b}) == 3]
    return _chosen(triples, "5005", count, cases)


def _around_cases(world: _Map, cases: Sequence[tuple[str, str, str]], count: int) -> list[tuple[str, str, str]]:
    triples = [(plural, c, p.name) for c, plural in _CATEGORY_WORDS for p in world.landmarks if p.category != c]
    return _chosen(triples, "5010", count, cases)


def _route_note(origin: Place, destination: Place, profile: Profile, route: Route) -> str:
    return (f"{profile.label} route from {origin.name} to {destination.name}: "
            f"Distance {route.distance_text}, Time {route.duration_text}")


def _open_directions(plan: Plan) -> None:
    plan.step("Routes, with their distance and travel time, are computed on the directions page, which the "
              "Directions link at the top of every page opens.",
              "Open the directions page",
              click("link", "Directions"))


def _ask_route(plan: Plan, world: _Map, origin: Place, destination: Place, mode: str) -> Route:
    profile = profile_for(mode)
    route = world.route(origin, destination, mode)
    plan.step(f"The From and To boxes take place names, and the Mode select must say {profile.label} because "
              f"travel time depends on how one travels.",
              f"Get the {profile.label} route from {origin.name} to {destination.name}",
              type_into("textbox", "From", world.typed(origin.name, origin)),
              type_into("textbox", "To", world.typed(destination.name, destination)),
              select("Mode", profile.label), click("button", "Go"),
              notes=(_route_note(origin, destination, profile, route),))
    return route


def _search(plan: Plan, query: str, reasoning: str, notes: tuple[str, ...] = ()) -> None:
    plan.step(reasoning, f"Search the map for “{query}”", type_into("textbox", "Search", query, enter=True),
              notes=notes)


def _open_place(plan: Plan, world: _Map, place: Place, query: str) -> None:
    hits = queries.search_hits(world.conn, query)
    index = next(i for i, hit in enumerate(hits) if hit.place.id == place.id)
    nth = sum(1 for hit in hits[:index] if hit.place.name == place.name)
    plan.step("The place page lists the full address, coordinates and contact details.",
              f"Open the result for {place.name}",
              click("link", place.name, nth=nth),
              notes=(f"{place.name}: {place.display_name}; coordinates {place.coordinates}"
                     + (f"; phone {place.phone}" if place.phone else ""),))


# ---------------------------------------------------------------- templates

TRAVEL_TIME = Template(5000, "How long does it take to {{mode}} from {{origin}} to {{destination}}?")
TRAVEL_TIME_CASES = (("drive", "car", "Carnegie Mellon University", "Randyland"),
                     ("drive", "car", "Homewood Suites by Hilton Southpointe", "PPG Paints Arena"),
                     ("drive", "car", "Pittsburgh", "Philadelphia"),
                     ("walk", "foot", "Carnegie Museum of Art", "Hunt Library"),
                     ("walk", "foot", "Massachusetts Institute of Technology", "Harvard University"),
                     ("bike", "bike", "University of Pittsburgh", "The Frick Pittsburgh"))


def travel_time_tasks(world: _Map) -> list[dict[str, Any]]:
    def make(case: Any, split: Split) -> dict[str, Any]:
        verb, mode, origin_name, destination_name = case
        origin, destination = world.place(origin_name), world.place(destination_name)
        plan = Plan()
        _open_directions(plan)
        route = _ask_route(plan, world, origin, destination, mode)
        solution = plan.finish("The summary line above the turn-by-turn steps gives the time as h:mm.",
                               "Report the travel time from the route summary",
                               route.duration_text)
        values = {"mode": verb, "origin": origin_name, "destination": destination_name}
        wrong = [shown_duration(r.duration_s) for r in other_modes(world, origin, destination, mode)]
        evaluation = string_eval(shown_duration(route.duration_s), exclude=wrong, raw=route.duration_text)
        return task(TRAVEL_TIME.id, TRAVEL_TIME.text, values, evaluation, solution, split=split)

    extra = _route_cases(world, 5000, TRAVEL_TIME_CASES, (("drive", "car"), ("walk", "foot"), ("bike", "bike")), 10)
    return TRAVEL_TIME.tasks([*TRAVEL_TIME_CASES, *extra], make, test=len(TRAVEL_TIME_CASES))


DISTANCE = Template(5001, "What is the {{mode}} distance from {{origin}} to {{destination}}?")
DISTANCE_CASES = (("driving", "car", "Carnegie Mellon University", "Pittsburgh International Airport"),
                  ("driving", "car", "Carnegie Mellon University", "TD Garden"),
                  ("walking", "foot", "Carnegie Mellon University", "Phipps Conservatory and Botanical Gardens"),
                  ("cycling", "bike", "Harvard University", "Boston Logan International Airport"))


def distance_tasks(world: _Map) -> list[dict[str, Any]]:
    def make(case: Any, split: Split) -> dict[str, Any]:
        adjective, mode, origin_name, destination_name = case
        origin, destination = world.place(origin_name), world.place(destination_name)
        plan = Plan()
        _open_directions(plan)
        route = _ask_route(plan, world, origin, destination, mode)
        solution = plan.finish("The summary line gives the length of the route the mode would take.",
                               "Report the route distance from the summary",
                               route.distance_text)
        values = {"mode": adjective, "origin": origin_name, "destination": destination_name}
        # Distractors: the other modes' route lengths and the straight-line distance.
        wrong = [shown_distance(r.distance_m) for r in other_modes(world, origin, destination, mode)]
        wrong.append(shown_distance(queries.straight_line_m(origin, destination)))
        gold = shown_distance(route.distance_m)
        evaluation = string_eval(gold, exclude=[w for w in wrong if w.value != gold.value], raw=route.distance_text)
        return task(DISTANCE.id, DISTANCE.text, values, evaluation, solution, split=split)

    extra = _route_cases(world, 5001, DISTANCE_CASES, (("driving", "car"), ("walking", "foot"), ("cycling", "bike")), 8)
    return DISTANCE.tasks([*DISTANCE_CASES, *extra], make, test=len(DISTANCE_CASES))


ADDRESS = Template(5002, "Tell me the full address of {{place}}")
ADDRESS_CASES = ("Carnegie Music Hall", "Fuku Tea", "Pittsburgh International Airport")


def _neighbour_addresses(world: _Map, place: Place) -> list[Part]:
    """Addresses a wrong reading would give: other house numbers on the same street, other zip codes of the
    same city."""
    others = [p for p in world.places if p.id != place.id]
    numbers = {f"{p.housenumber} {p.street}" for p in others if p.street == place.street and p.housenumber and
               p.housenumber != place.housenumber}
    zips = {p.postcode for p in others if p.city == place.city and p.postcode and p.postcode != place.postcode}
    return [*(name(n) for n in sorted(numbers)), *(code(z) for z in sorted(zips))]


def address_tasks(world: _Map) -> list[dict[str, Any]]:
    def make(case: Any, split: Split) -> dict[str, Any]:
        name_ = case
        place = world.place(name_)
        plan = Plan()
        _search(plan, world.typed(name_, place), "Searching by name finds the place and links to its page.")
        _open_place(plan, world, place, name_)
        solution = plan.finish("The Address line is the full address.",
                               "Report the address shown on the place page", place.display_name)
        parts = [part for part in (place.housenumber, place.street, place.city or place.county, place.postcode)
                 if part]
        street = " ".join(part for part in (place.housenumber, place.street) if part)
        answer = [name(street), name(place.city or place.county), code(place.postcode)]
        return task(ADDRESS.id, ADDRESS.text, {"place": name_}, string_eval(
            answer, exclude=_neighbour_addresses(world, place), must_include=parts, raw=place.display_name),
            solution, split=split)

    extra = _place_cases(world, 5002, ADDRESS_CASES, 25, lambda p: bool(p.housenumber and p.street and p.postcode))
    return ADDRESS.tasks([*ADDRESS_CASES, *extra], make, test=len(ADDRESS_CASES))


ZIP_CODE = Template(5003, "What is the zip code of {{place}}?")
ZIP_CASES = ("Chatham University", "Fenway Park")


def zip_code_tasks(world: _Map) -> list[dict[str, Any]]:
    def make(case: Any, split: Split) -> dict[str, Any]:
        name_ = case
        place = world.place(name_)
        plan = Plan()
        _search(plan, world.typed(name_, place),
                "Search results show each place's full address, which ends with the zip code.",
                notes=(f"{place.name}: {place.display_name}",))
        solution = plan.finish("The five digits before the country are the zip code.",
                               "Report the zip code from the address", place.postcode)
        wrong = [p for p in _neighbour_addresses(world, place) if p.type == "code"]
        evaluation = string_eval(code(place.postcode), exclude=wrong, raw=place.display_name)
        return task(ZIP_CODE.id, ZIP_CODE.text, {"place": name_}, evaluation, solution, split=split)

    extra = _place_cases(world, 5003, ZIP_CASES, 20, lambda p: bool(p.postcode))
    return ZIP_CODE.tasks([*ZIP_CASES, *extra], make, test=len(ZIP_CASES))


CLOSEST = Template(5004, "What is the closest {{category}} to {{place}}?")
CLOSEST_CASES = (("hotel", "hotels", "Carnegie Mellon University"),
                 ("cafe", "cafes", "University of Pittsburgh"),
                 ("supermarket", "supermarkets", "DoubleTree by Hilton Hotel Pittsburgh Airport"),
                 ("national park", "national parks", "Pittsburgh"),
                 ("hospital", "hospitals", "PNC Park"))


def closest_tasks(world: _Map) -> list[dict[str, Any]]:
    def make(case: Any, split: Split) -> dict[str, Any]:
        category, plural, anchor_name = case
        anchor = world.place(anchor_name)
        world.typed(anchor_name, anchor)
        hits = queries.nearest(world.conn, category, anchor)
        first, second = hits[0], hits[1]
        assert first.distance_m is not None and second.distance_m is not None
        if second.distance_m - first.distance_m < 50:
            raise ValueError(f"closest {category} to {anchor_name} is a near tie")
        # An agent may measure by walking route instead of straight line; both must name the same place.
        by_walking = min(hits[:3], key=lambda hit: world.route(anchor, hit.place, "foot").distance_m)
        if by_walking.place.id != first.place.id:
            raise ValueError(f"closest {category} to {anchor_name} depends on how distance is measured")
        plan = Plan()
        _search(plan, f"{plural} near {anchor_name}",
                "A “near” search lists places of that kind ordered by distance, closest first.",
                notes=(f"Closest {category} to {anchor_name}: {first.place.name} ({first.distance_text}); "
                       f"next {second.place.name} ({second.distance_text})",))
        solution = plan.finish("Results are sorted by distance.", "Report the first result", first.place.name)
        values = {"category": category, "place": anchor_name}
        # Distractors: the runners-up of the same search.
        runners_up = [name(hit.place.name) for hit in hits[1:4] if hit.place.name != first.place.name]
        return task(CLOSEST.id, CLOSEST.text, values,
                    string_eval(name(first.place.name), exclude=runners_up, raw=first.place.name), solution,
                    split=split)

    extra = _closest_cases(world, CLOSEST_CASES, 24)
    return CLOSEST.tasks([*CLOSEST_CASES, *extra], make, test=len(CLOSEST_CASES))


SHORTER_DRIVE = Template(5005, "Which is a shorter drive from {{origin}}: {{option1}} or {{option2}}?")
SHORTER_DRIVE_CASES = (("Carnegie Mellon University", "PNC Park", "PPG Paints Arena"),
                       ("Harvard University", "Fenway Park", "TD Garden"))


def shorter_drive_tasks(world: _Map) -> list[dict[str, Any]]:
    def make(case: Any, split: Split) -> dict[str, Any]:
        origin_name, first_name, second_name = case
        origin, first, second = world.place(origin_name), world.place(first_name), world.place(second_name)
        plan = Plan()
        _open_directions(plan)
        first_route = _ask_route(plan, world, origin, first, "car")
        second_route = world.route(origin, second, "car")
        plan.step("Comparing needs the second route's distance; the start stays as it is.",
                  f"Change the destination to {second_name} and get the new route",
                  type_into("textbox", "To", world.typed(second_name, second)), click("button", "Go"),
                  notes=(_route_note(origin, second, profile_for("car"), second_route),))
        shorter, longer = ((first, second) if first_route.distance_m < second_route.distance_m else (second, first))
        ratio = max(first_route.distance_m, second_route.distance_m) / min(first_route.distance_m,
                                                                           second_route.distance_m)
        if ratio < 1.1:
            raise ValueError(f"{first_name} and {second_name} are about equally far from {origin_name}")
        solution = plan.finish(f"{first_name} is {first_route.distance_text} away and {second_name} "
                               f"{second_route.distance_text}.",
                               "Report the destination with the shorter driving distance", shorter.name)
        values = {"origin": origin_name, "option1": first_name, "option2": second_name}
        raw = (f"{first_name}: {first_route.distance_text}; {second_name}: {second_route.distance_text}; "
               f"longer: {longer.name}")
        return task(SHORTER_DRIVE.id, SHORTER_DRIVE.text, values,
                    string_eval(name(shorter.name), exclude=[name(longer.name)], raw=raw), solution, split=split)

    extra = _triple_cases(world, SHORTER_DRIVE_CASES, 16)
    return SHORTER_DRIVE.tasks([*SHORTER_DRIVE_CASES, *extra], make, test=len(SHORTER_DRIVE_CASES))


COMPARE = Template(5006, "Compare the time for walking and driving from {{origin}} to {{destination}}", held_out=True)
COMPARE_CASES = (("Randyland", "Carnegie Mellon University"),
                 ("Carnegie Mellon University", "Pittsburgh Union Station"))


def compare_tasks(world: _Map) -> list[dict[str, Any]]:
    def make(case: Any, split: Split) -> dict[str, Any]:
        origin_name, destination_name = case
        origin, destination = world.place(origin_name), world.place(destination_name)
        plan = Plan()
        _open_directions(plan)
        walk = _ask_route(plan, world, origin, destination, "foot")
        drive = world.route(origin, destination, "car")
        plan.step("The same start and destination by car gives the driving time to compare with.",
                  "Switch the mode to Car (OSRM) and route again",
                  select("Mode", profile_for("car").label), click("button", "Go"),
                  notes=(_route_note(origin, destination, profile_for("car"), drive),))
        answer = f"Walking: {walk.duration_text}; driving: {drive.duration_text}"
        solution = plan.finish("Both summaries have been read.", "Report both times", answer)
        # Each time must be stated with its mode: the swapped answer is wrong. The bike time is a distractor.
        bike = world.route(origin, destination, "bike")
        evaluation = string_eval([shown_duration(walk.duration_s).about(*WALKING),
                                  shown_duration(drive.duration_s).about(*DRIVING)],
                                 exclude=[shown_duration(bike.duration_s)], raw=answer)
        return task(COMPARE.id, COMPARE.text, {"origin": origin_name, "destination": destination_name}, evaluation,
                    solution, split=split)

    return COMPARE.tasks(COMPARE_CASES, make, test=len(COMPARE_CASES))


COORDINATES = Template(5007, "Tell me the coordinates of {{place}} in DD format")
COORDINATE_CASES = ("Allegheny General Hospital",)


def _degree_phrases(value: float, positive: str, negative: str) -> str:
    """A coordinate as the page shows it (four decimals) or rounded to three, signed or with a hemisphere."""
    hemisphere = positive if value >= 0 else negative
    options = [f"{value:.4f}", f"{value:.3f}"]
    for digits in (f"{abs(value):.4f}", f"{abs(value):.3f}"):
        options += [f"{digits}° {hemisphere}", f"{digits} {hemisphere}"]
    return " |OR| ".join(options)


def coordinate_tasks(world: _Map) -> list[dict[str, Any]]:
    def make(case: Any, split: Split) -> dict[str, Any]:
        name = case
        place = world.place(name)
        plan = Plan()
        _search(plan, world.typed(name, place), "Searching by name finds the place and links to its page.")
        _open_place(plan, world, place, name)
        solution = plan.finish("The place page shows latitude and longitude in decimal degrees.",
                               "Report the coordinates", place.coordinates)
        phrases = [_degree_phrases(place.lat, "N", "S"), _degree_phrases(place.lon, "E", "W")]
        # Three decimals (about 100 m) are accepted; a lost sign or swapped degrees are not.
        evaluation = string_eval([number(place.lat, tolerance=0.0005), number(place.lon, tolerance=0.0005)],
                                 exclude=[number(-place.lat, tolerance=0.0005), number(-place.lon, tolerance=0.0005)],
                                 must_include=phrases, raw=place.coordinates)
        return task(COORDINATES.id, COORDINATES.text, {"place": name}, evaluation, solution, split=split)

    extra = _place_cases(world, 5007, COORDINATE_CASES, 15, lambda p: True)
    return COORDINATES.tasks([*COORDINATE_CASES, *extra], make, test=len(COORDINATE_CASES))


PHONE = Template(5008, "What is the phone number of {{place}}?", held_out=True)
PHONE_CASES = (("Western Pennsylvania Hospital", "West Penn Hospital"),)


def phone_tasks(world: _Map) -> list[dict[str, Any]]:
    def make(case: Any, split: Split) -> dict[str, Any]:
        asked, name = case
        place = world.place(name)
        plan = Plan()
        _search(plan, world.typed(asked, place),
                f"The map knows “{asked}” under another name; search finds it by either.")
        _open_place(plan, world, place, asked)
        solution = plan.finish("The place page lists the phone number.", "Report the phone number", place.phone)
        # Distractors: the phone numbers of the other places of the same kind.
        others = [p.phone for p in world.places if p.category == place.category and p.phone
                  and p.id != place.id]
        return task(PHONE.id, PHONE.text, {"place": asked},
                    string_eval(phone(place.phone), exclude=[phone(n) for n in others], raw=place.phone),
                    solution, split=split)

    return PHONE.tasks(PHONE_CASES, make, test=len(PHONE_CASES))


SHOW_ROUTE = Template(5009, "Show me the route from {{origin}} to {{destination}} by {{mode}}")
SHOW_ROUTE_CASES = (("bike", "bike", "Carnegie Mellon University", "PNC Park"),)


def show_route_tasks(world: _Map) -> list[dict[str, Any]]:
    def make(case: Any, split: Split) -> dict[str, Any]:
        word, mode, origin_name, destination_name = case
        origin, destination = world.place(origin_name), world.place(destination_name)
        plan = Plan()
        _open_directions(plan)
        _ask_route(plan, world, origin, destination, mode)
        solution = plan.finish("The route is on screen; nothing needs reporting.", "Stop on the route page")
        url = START + directions_path(profile_for(mode).engine, (origin.lat, origin.lon),
                                      (destination.lat, destination.lon))
        values = {"mode": word, "origin": origin_name, "destination": destination_name}
        return task(SHOW_ROUTE.id, SHOW_ROUTE.text, values,
                    url_eval(page(url)), solution, split=split)

    extra = _route_cases(world, 5009, SHOW_ROUTE_CASES, (("bike", "bike"), ("car", "car"), ("foot", "foot")), 4)
    return SHOW_ROUTE.tasks([*SHOW_ROUTE_CASES, *extra], make, test=len(SHOW_ROUTE_CASES))


AROUND = Template(5010, "Find the {{category}} around {{place}}")
AROUND_CASES = (("hotels", "hotel", "Carnegie Music Hall"),)


def around_tasks(world: _Map) -> list[dict[str, Any]]:
    def make(case: Any, split: Split) -> dict[str, Any]:
        plural, singular, name_ = case
        place = world.place(name_)
        world.typed(name_, place)
        query = f"{plural} near {name_}"
        hits = queries.search_hits(world.conn, query)
        plan = Plan()
        _search(plan, query, "A “near” search lists the places of that kind around a place, closest first.",
                notes=(f"Closest {singular}: {hits[0].place.name} ({hits[0].distance_text})",))
        solution = plan.finish("The listing is what was asked for.", "Stop on the results")
        gold = [page(START + search_path(f"{word} near {name_}"), ignore_case=["query"]) for word in (plural, singular)]
        return task(AROUND.id, AROUND.text, {"category": plural, "place": name_}, url_eval(gold), solution, split=split)

    extra = _around_cases(world, AROUND_CASES, 8)
    return AROUND.tasks([*AROUND_CASES, *extra], make, test=len(AROUND_CASES))


def _address_parts(place: Place) -> list[str]:
    parts = [place.name, place.street, place.city if place.city != place.name else "", place.state]
    return [part for part in parts if part]


GET_DIRECTIONS = Template(5011, "Get directions from {{origin}} to {{destination}} using {{mode}} options.",
                          held_out=True)
GET_DIRECTIONS_CASES = (("driving", "car", "Carnegie Hall", "Carnegie Mellon University"),
                        ("walking", "foot", "Allentown", "Hoboken"))


def get_directions_tasks(world: _Map) -> list[dict[str, Any]]:
    def make(case: Any, split: Split) -> dict[str, Any]:
        word, mode, origin_name, destination_name = case
        origin, destination = world.place(origin_name), world.place(destination_name)
        plan = Plan()
        _open_directions(plan)
        _ask_route(plan, world, origin, destination, mode)
        solution = plan.finish("The form now holds both places and the chosen mode.", "Stop on the route page")
        engine_index = str([profile.mode for profile in PROFILES].index(mode))
        evaluation = html_eval(html_check("last", FROM_LOCATOR, must_include=_address_parts(origin)),
                               html_check("last", TO_LOCATOR, must_include=_address_parts(destination)),
                               html_check("last", ENGINE_LOCATOR, exact_match=engine_index))
        values = {"mode": word, "origin": origin_name, "destination": destination_name}
        return task(GET_DIRECTIONS.id, GET_DIRECTIONS.text, values, evaluation, solution, split=split)

    return GET_DIRECTIONS.tasks(GET_DIRECTIONS_CASES, make, test=len(GET_DIRECTIONS_CASES))


PLACE_PAGE = Template(5012, "Pull up the description page of {{place}} on Map", held_out=True)
PLACE_PAGE_CASES = (("Carnegie Music Hall", "Carnegie Music Hall", "Carnegie Music Hall"),
                    ("the memorial to Flight 93", "Flight 93 National Memorial", "Flight 93"))


def place_page_tasks(world: _Map) -> list[dict[str, Any]]:
    def make(case: Any, split: Split) -> dict[str, Any]:
        asked, name, search_text = case
        place = world.place(name)
        query = world.typed(search_text, place)
        plan = Plan()
        _search(plan, query, "Searching by name finds the place and links to its page.")
        _open_place(plan, world, place, query)
        solution = plan.finish("The description page of the place is open.", "Stop on the place page")
        evaluation = html_eval(html_check("last", HEADING_LOCATOR, must_include=[place.name]),
                               html_check("last", SIDEBAR_LOCATOR, must_include=[place.county or place.postcode]))
        return task(PLACE_PAGE.id, PLACE_PAGE.text, {"place": asked}, evaluation, solution, split=split)

    return PLACE_PAGE.tasks(PLACE_PAGE_CASES, make, test=len(PLACE_PAGE_CASES))


def _not_achievable(note: str) -> dict[str, Any]:
    return string_eval(not_achievable(), fuzzy=["N/A"], raw="N/A", note=note)


TRANSIT = Template(5013, "How long does it take to get from {{origin}} to {{destination}} by {{mode}}?", held_out=True)


def transit_tasks(world: _Map) -> list[dict[str, Any]]:  # held out: one test instance
    origin, destination = world.place("Carnegie Mellon University"), world.place("Pittsburgh International Airport")
    modes = ", ".join(profile.label for profile in PROFILES)
    plan = Plan()
    plan.step("Whether the map can answer depends on the modes its directions offer.",
              "Open the directions page and look at the travel modes",
              click("link", "Directions"), notes=(f"The Mode select offers only {modes}",))
    solution = plan.finish("There is no public transit mode, so no transit time can be found.",
                           "Report that the map cannot answer", "N/A")
    values = {"origin": origin.name, "destination": destination.name, "mode": "public transit"}
    note = f"The map's directions offer only {modes}; it has no public transit routing"
    return [task(TRANSIT.id, TRANSIT.text, values, _not_achievable(note), solution)]


MISSING = Template(5014, "What is the walking distance from {{origin}} to the nearest {{brand}} store?", held_out=True)


def missing_place_tasks(world: _Map) -> list[dict[str, Any]]:
    origin, brand = world.place("Carnegie Mellon University"), "IKEA"
    if queries.matching(world.conn, brand):
        raise ValueError(f"the map has a {brand}; the task would be achievable")
    plan = Plan()
    _search(plan, brand, "The store must be on the map before a walking route to it can be asked for.",
            notes=(f"Searching for {brand} finds no results",))
    solution = plan.finish(f"There is no {brand} on the map.", "Report that the map cannot answer", "N/A")
    note = f"There is no {brand} store on the map"
    return [task(MISSING.id, MISSING.text, {"origin": origin.name, "brand": brand}, _not_achievable(note), solution)]


TEMPLATES = (travel_time_tasks, distance_tasks, address_tasks, zip_code_tasks, closest_tasks,
             shorter_drive_tasks, compare_tasks, coordinate_tasks, phone_tasks, show_route_tasks, around_tasks,
             get_directions_tasks, place_page_tasks, transit_tasks, missing_place_tasks)


def build_tasks(db_path: Path) -> list[dict[str, Any]]:
    conn = sqlite3.connect(db_path)
    try:
        world = _Map(conn)
        return [task for template in TEMPLATES for task in template(world)]
    finally:
        conn.close()
