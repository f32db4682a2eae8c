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
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from webenv.answers import Part, code, distance, duration, name, not_achievable, number, phone
from webenv.sites.map import queries
from webenv.sites.map.geo import format_distance, js_round
from webenv.sites.map.places import Place, all_places
from webenv.sites.map.routing import PROFILES, Graph, Profile, Route, Tree, fastest_tree, profile_for
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


def other_modes(world: MapWorld, origin: Place, destination: Place, mode: str) -> list[Route]:
    """The same trip by the other modes: their times and lengths are the distractors of a by-mode question."""
    return [world.route(origin, destination, profile.mode) for profile in PROFILES if profile.mode != mode]


# ---------------------------------------------------------------- plan fragments

class MapWorld:
    """The seed database plus checks that what a solution types really finds the intended place."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._routes: dict[tuple[int, int, str], Route] = {}
        self._resolved: dict[str, Place | None] = {}  # searches are the slow part of building the tasks
        self._listings: dict[str, list[Place]] = {}
        self._trees: dict[tuple[int, str], Tree] = {}

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

    def typable(self, place: Place) -> str:
        """What to type in a search or directions box to get this place: its name when that finds it, else its
        full address (two hotels may share a name; no two places share an address)."""
        for text in (place.name, place.display_name):
            found = self.resolves_to(text)
            if found is not None and found.id == place.id:
                return text
        raise ValueError(f"nothing typed finds {place.name}")

    def listing(self, plural: str, anchor: Place) -> list[Place]:
        """What "<plural> near <anchor>" lists (memoised: several templates read the same listings)."""
        key = f"{plural} near {anchor.id}"
        if key not in self._listings:
            self._listings[key] = queries.near_listing(self.conn, plural, anchor, self.places)
        return self._listings[key]

    @cached_property
    def graph(self) -> Graph:
        return Graph.load(self.conn)

    def route(self, origin: Place, destination: Place, mode: str) -> Route:
        """The route the directions page shows (the same search as `queries.route`; one search per start and
        mode serves every destination, which keeps building hundreds of multi-route tasks fast)."""
        key = (origin.id, destination.id, mode)
        if key not in self._routes:
            tree_key = (origin.id, mode)
            if tree_key not in self._trees:
                self._trees[tree_key] = fastest_tree(self.graph, origin.node_id, profile_for(mode))
            found = self._trees[tree_key].route(destination.node_id)
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


def _groups(names: Sequence[str], salt: str, size: int, count: int, exclude: Sequence[Any],
            prefix: Sequence[Any] = ((),)) -> list[tuple[Any, ...]]:
    """`count` stable groups of `size` distinct names (each group a differently salted shuffle), each preceded by
    one of `prefix`: training trips without enumerating every combination."""
    found: list[tuple[Any, ...]] = []
    for index in range(count):
        head = prefix[index % len(prefix)]
        group = (*head, *_chosen(list(names), f"{salt}/{index}", size, ()))
        if group not in exclude and group not in found:
            found.append(group)
    return found


def _route_cases(world: MapWorld, template: int, cases: Sequence[tuple[str, str, str, str]],
                 modes: Sequence[tuple[str, str]], per_mode: int) -> list[tuple[str, str, str, str]]:
    """(word, mode, origin, destination) between landmarks, `per_mode` for each (word, mode)."""
    names = [place.name for place in world.landmarks]
    found: list[tuple[str, str, str, str]] = []
    for word, mode in modes:
        pairs = [(word, mode, a, b) for a in names for b in names if a != b]
        found += _chosen(pairs, f"{template}/{mode}", per_mode, cases)
    return found


def _place_cases(world: MapWorld, template: int, cases: Sequence[str], count: int,
                 usable: Callable[[Place], bool]) -> list[str]:
    return _chosen([p.name for p in world.landmarks if usable(p)], str(template), count, cases)


_CATEGORY_WORDS = (("hotel", "hotels"), ("cafe", "cafes"), ("supermarket", "supermarkets"), ("hospital", "hospitals"),
                   ("museum", "museums"), ("pharmacy", "pharmacies"), ("library", "libraries"), ("park", "parks"))


def _closest_cases(world: MapWorld, cases: Sequence[tuple[str, str, str]], count: int) -> list[tuple[str, str, str]]:
    triples = [(c, plural, p.name) for c, plural in _CATEGORY_WORDS for p in world.landmarks if p.category != c]
    return _chosen(triples, "5004", count, cases)


def _triple_cases(world: MapWorld, cases: Sequence[tuple[str, str, str]], count: int) -> list[tuple[str, str, str]]:
    names = [p.name for p in world.landmarks]
    triples = [(o, a, b) for o in names[::3] for a in names[1::3] for b in names[2::3] if len({o, a, b}) == 3]
    return _chosen(triples, "5005", count, cases)


def _around_cases(world: MapWorld, cases: Sequence[tuple[str, str, str]], count: int) -> list[tuple[str, str, str]]:
    triples = [(plural, c, p.name) for c, plural in _CATEGORY_WORDS for p in world.landmarks if p.category != c]
    return _chosen(triples, "5010", count, cases)


def route_note(origin: Place, destination: Place, profile: Profile, route: Route) -> str:
    return (f"{profile.label} route from {origin.name} to {destination.name}: "
            f"Distance {route.distance_text}, Time {route.duration_text}")


def open_directions(plan: Plan) -> None:
    plan.step("Routes, with their distance and travel time, are computed on the directions page, which the "
              "Directions link at the top of every page opens.",
              "Open the directions page",
              click("link", "Directions"))


def _ask_route(plan: Plan, world: MapWorld, origin: Place, destination: Place, mode: str) -> Route:
    profile = profile_for(mode)
    route = world.route(origin, destination, mode)
    plan.step(f"The From and To boxes take place names, and the Mode select must say {profile.label} because "
              f"travel time depends on how one travels.",
              f"Get the {profile.label} route from {origin.name} to {destination.name}",
              type_into("textbox", "From", world.typed(origin.name, origin)),
              type_into("textbox", "To", world.typed(destination.name, destination)),
              select("Mode", profile.label), click("button", "Go"),
              notes=(route_note(origin, destination, profile, route),))
    return route


def _search(plan: Plan, query: str, reasoning: str, notes: tuple[str, ...] = ()) -> None:
    plan.step(reasoning, f"Search the map for “{query}”", type_into("textbox", "Search", query, enter=True),
              notes=notes)


def _open_place(plan: Plan, world: MapWorld, place: Place, query: str) -> None:
    hits = queries.search_hits(world.conn, query)
    index = next(i for i, hit in enumerate(hits) if hit.place.id == place.id)
    nth = sum(1 for hit in hits[:index] if hit.place.name == place.name)
    plan.step("The place page lists the full address, coordinates and contact details.",
              f"Open the result for {place.name}",
              click("link", place.name, nth=nth),
              notes=(f"{place.name}: {place.display_name}; coordinates {place.coordinates}"
                     + (f"; phone {place.phone}" if place.phone else ""),))


def _search_near(plan: Plan, world: MapWorld, plural: str, anchor: Place) -> list[Place]:
    """Search "<plural> near <anchor>" and note what it lists: the candidates a "closest" question is about."""
    listed = world.listing(plural, anchor)
    _search(plan, f"{plural} near {world.typed(anchor.name, anchor)}",
            "A “near” search lists the places of that kind around a place, by name and without distances, so "
            "it gives the candidates but not which one is closest.",
            notes=(f"{plural.capitalize()} near {anchor.name}: " + "; ".join(place.name for place in listed),))
    return listed


def route_to_each(plan: Plan, world: MapWorld, origin: Place, targets: Sequence[Place], mode: str,
                   reasoning: str) -> list[Route]:
    """Directions from `origin` to each target in turn: the first fills From, To and Mode, each next one changes
    only the destination (the page keeps the start and the mode). Every route's summary goes into the notes."""
    profile = profile_for(mode)
    routes = []
    for index, target in enumerate(targets):
        route = world.route(origin, target, mode)
        note = (route_note(origin, target, profile, route),)
        if index == 0:
            plan.step(reasoning, f"Get the {profile.label} route from {origin.name} to {target.name}",
                      type_into("textbox", "From", world.typable(origin)),
                      type_into("textbox", "To", world.typable(target)),
                      select("Mode", profile.label), click("button", "Go"), notes=note)
        else:
            plan.step("The start and the mode stay as they are; only the destination changes.",
                      f"Change the destination to {target.name} and route again",
                      type_into("textbox", "To", world.typable(target)), click("button", "Go"), notes=note)
        routes.append(route)
    return routes


def _distinct_names(gold: str, others: Sequence[Place], count: int = 3) -> list[Part]:
    """The first `count` other places as name distractors, leaving out names that are part of the answer's own
    name or contain it (naming "Hilton Garden Inn" says "Hilton" too)."""
    def inside(a: str, b: str) -> bool:
        return f" {a.lower()} " in f" {b.lower()} "

    kept = [place.name for place in others if not inside(place.name, gold) and not inside(gold, place.name)]
    return [name(text) for text in dict.fromkeys(kept)][:count]


@dataclass(frozen=True)
class _Nearest:
    """The answer to "which <kind> near <anchor> is closest": the listed candidates and their walks."""

    listed: list[Place]
    walks: list[tuple[Place, Route]]  # shortest walk first

    @property
    def winner(self) -> Place:
        return self.walks[0][0]

    @property
    def others(self) -> list[Place]:
        return [place for place, _ in self.walks[1:]]


def _nearest_on_foot(world: MapWorld, category: str, plural: str, anchor: Place, *, at_least: int = 2) -> _Nearest:
    """The listed place with the shortest walk from the anchor, provided "closest" cannot be read another way:
    it must also be the closest as the crow flies (over the whole map) and the quickest drive, and clearly
    ahead of the runner-up."""
    listed = world.listing(plural, anchor)
    if len(listed) < at_least:
        raise ValueError(f"only {len(listed)} {plural} are listed near {anchor.name}")
    walks = sorted(((place, world.route(anchor, place, "foot")) for place in listed),
                   key=lambda item: (item[1].distance_m, item[0].id))
    winner = walks[0][0]
    crow = queries.by_straight_line(world.conn, category, anchor)[0]
    quickest_drive = min(listed, key=lambda place: (world.route(anchor, place, "car").duration_s, place.id))
    if crow.id != winner.id or quickest_drive.id != winner.id:
        raise ValueError(f"the closest {category} to {anchor.name} depends on how distance is measured")
    if walks[1][1].distance_m < 1.15 * walks[0][1].distance_m:
        raise ValueError(f"the closest {category} to {anchor.name} is a near tie")
    if any(place.name == winner.name for place, _ in walks[1:]):
        raise ValueError(f"two listed {plural} are called {winner.name}")
    return _Nearest(listed, walks)


def _compare_on_foot(plan: Plan, world: MapWorld, anchor: Place, nearest: _Nearest, kind: str) -> None:
    open_directions(plan)
    route_to_each(plan, world, anchor, nearest.listed, "foot",
                   f"The listing has no distances: the walking route to each listed {kind} gives its real "
                   f"distance, so route from {anchor.name} to each in turn and compare.")


# ---------------------------------------------------------------- templates

TRAVEL_TIME = Template(5000, "How long does it take to {{mode}} from {{origin}} to {{destination}}?")
TRAVEL_TIME_CASES = (("drive", "car", "Carnegie Mellon University", "Randyland"),
                     ("drive", "car", "Homewood Suites by Hilton Southpointe", "PPG Paints Arena"),
                     ("drive", "car", "Pittsburgh", "Philadelphia"),
                     ("walk", "foot", "Carnegie Museum of Art", "Hunt Library"),
                     ("walk", "foot", "Massachusetts Institute of Technology", "Harvard University"),
                     ("bike", "bike", "University of Pittsburgh", "The Frick Pittsburgh"))


def travel_time_tasks(world: MapWorld) -> list[dict[str, Any]]:
    def make(case: Any, split: Split) -> dict[str, Any]:
        verb, mode, origin_name, destination_name = case
        origin, destination = world.place(origin_name), world.place(destination_name)
        plan = Plan()
        open_directions(plan)
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


def distance_tasks(world: MapWorld) -> list[dict[str, Any]]:
    def make(case: Any, split: Split) -> dict[str, Any]:
        adjective, mode, origin_name, destination_name = case
        origin, destination = world.place(origin_name), world.place(destination_name)
        plan = Plan()
        open_directions(plan)
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


def _neighbour_addresses(world: MapWorld, place: Place) -> list[Part]:
    """Addresses a wrong reading would give: other house numbers on the same street, other zip codes of the
    same city."""
    others = [p for p in world.places if p.id != place.id]
    numbers = {f"{p.housenumber} {p.street}" for p in others if p.street == place.street and p.housenumber and
               p.housenumber != place.housenumber}
    zips = {p.postcode for p in others if p.city == place.city and p.postcode and p.postcode != place.postcode}
    return [*(name(n) for n in sorted(numbers)), *(code(z) for z in sorted(zips))]


def address_tasks(world: MapWorld) -> list[dict[str, Any]]:
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


def zip_code_tasks(world: MapWorld) -> list[dict[str, Any]]:
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


def closest_tasks(world: MapWorld) -> list[dict[str, Any]]:
    def make(case: Any, split: Split) -> dict[str, Any]:
        category, plural, anchor_name = case
        anchor = world.place(anchor_name)
        nearest = _nearest_on_foot(world, category, plural, anchor)
        plan = Plan()
        _search_near(plan, world, plural, anchor)
        _compare_on_foot(plan, world, anchor, nearest, category)
        (best, best_walk), (second, second_walk) = nearest.walks[0], nearest.walks[1]
        solution = plan.finish(f"{best.name} is the shortest walk ({best_walk.distance_text}); the next is "
                               f"{second.name} ({second_walk.distance_text}).",
                               "Report the closest one", best.name)
        values = {"category": category, "place": anchor_name}
        # Distractors: the runners-up.
        evaluation = string_eval(name(best.name), exclude=_distinct_names(best.name, nearest.others), raw=best.name)
        return task(CLOSEST.id, CLOSEST.text, values, evaluation, solution, split=split)

    extra = _closest_cases(world, CLOSEST_CASES, 24)
    return CLOSEST.tasks([*CLOSEST_CASES, *extra], make, test=len(CLOSEST_CASES))


SHORTER_DRIVE = Template(5005, "Which is a shorter drive from {{origin}}: {{option1}} or {{option2}}?")
SHORTER_DRIVE_CASES = (("Carnegie Mellon University", "PNC Park", "PPG Paints Arena"),
                       ("Harvard University", "Fenway Park", "TD Garden"))


def shorter_drive_tasks(world: MapWorld) -> list[dict[str, Any]]:
    def make(case: Any, split: Split) -> dict[str, Any]:
        origin_name, first_name, second_name = case
        origin, first, second = world.place(origin_name), world.place(first_name), world.place(second_name)
        plan = Plan()
        open_directions(plan)
        first_route = _ask_route(plan, world, origin, first, "car")
        second_route = world.route(origin, second, "car")
        plan.step("Comparing needs the second route's distance; the start stays as it is.",
                  f"Change the destination to {second_name} and get the new route",
                  type_into("textbox", "To", world.typed(second_name, second)), click("button", "Go"),
                  notes=(route_note(origin, second, profile_for("car"), second_route),))
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


def compare_tasks(world: MapWorld) -> list[dict[str, Any]]:
    def make(case: Any, split: Split) -> dict[str, Any]:
        origin_name, destination_name = case
        origin, destination = world.place(origin_name), world.place(destination_name)
        plan = Plan()
        open_directions(plan)
        walk = _ask_route(plan, world, origin, destination, "foot")
        drive = world.route(origin, destination, "car")
        plan.step("The same start and destination by car gives the driving time to compare with.",
                  "Switch the mode to Car (OSRM) and route again",
                  select("Mode", profile_for("car").label), click("button", "Go"),
                  notes=(route_note(origin, destination, profile_for("car"), drive),))
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


def coordinate_tasks(world: MapWorld) -> list[dict[str, Any]]:
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


def phone_tasks(world: MapWorld) -> list[dict[str, Any]]:
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


def show_route_tasks(world: MapWorld) -> list[dict[str, Any]]:
    def make(case: Any, split: Split) -> dict[str, Any]:
        word, mode, origin_name, destination_name = case
        origin, destination = world.place(origin_name), world.place(destination_name)
        plan = Plan()
        open_directions(plan)
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


def around_tasks(world: MapWorld) -> list[dict[str, Any]]:
    def make(case: Any, split: Split) -> dict[str, Any]:
        plural, singular, name_ = case
        place = world.place(name_)
        world.typed(name_, place)
        plan = Plan()
        _search_near(plan, world, plural, place)
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


def get_directions_tasks(world: MapWorld) -> list[dict[str, Any]]:
    def make(case: Any, split: Split) -> dict[str, Any]:
        word, mode, origin_name, destination_name = case
        origin, destination = world.place(origin_name), world.place(destination_name)
        plan = Plan()
        open_directions(plan)
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


def place_page_tasks(world: MapWorld) -> list[dict[str, Any]]:
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


# ---------------------------------------------------------------- long tasks: several routes, compared or added up

_MODE_WORDS = {"foot": ("on foot", "walk", "walking"), "car": ("by car", "drive", "driving"),
               "bike": ("by bike", "bike", "cycling")}
_PHONE_CATEGORIES = (("hotel", "hotels"), ("cafe", "cafes"), ("supermarket", "supermarkets"),
                     ("hospital", "hospitals"), ("museum", "museums"), ("pharmacy", "pharmacies"),
                     ("library", "libraries"), ("restaurant", "restaurants"))


def _minutes(route: Route) -> int:
    """A route's time in whole minutes, as its summary shows it."""
    return js_round(route.duration_s / 60)


def _clock(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours}:{rest:02d}"


def _listed_cases(world: MapWorld, salt: str, kinds: Sequence[tuple[str, str]], count: int, exclude: Sequence[Any],
                  at_least: int, extra: Sequence[Any] = ((),)) -> list[Any]:
    """(singular, plural, anchor, *extra) whose "near" listing has at least `at_least` places."""
    found = [(singular, plural, place.name, *more) for singular, plural in kinds for place in world.landmarks
             if place.category != singular and len(world.listing(plural, place)) >= at_least for more in extra]
    return _chosen(found, salt, count, exclude)


QUICKEST = Template(5015, "Which of the {{category}} the map lists near {{place}} is the quickest to reach from "
                          "there {{how}}, and how long does the trip take?")
QUICKEST_CASES = (("hotel", "hotels", "Carnegie Mellon University", "foot"),
                  ("hotel", "hotels", "Pittsburgh Union Station", "bike"),
                  ("museum", "museums", "Chatham University", "bike"),
                  ("museum", "museums", "PPG Paints Arena", "foot"),
                  ("hospital", "hospitals", "PNC Park", "car"))


def quickest_tasks(world: MapWorld) -> list[dict[str, Any]]:
    def make(case: Any, split: Split) -> dict[str, Any]:
        _, plural, anchor_name, mode = case
        anchor = world.place(anchor_name)
        plan = Plan()
        listed = _search_near(plan, world, plural, anchor)
        if len(listed) < 4:
            raise ValueError(f"only {len(listed)} {plural} near {anchor_name}")
        open_directions(plan)
        routes = route_to_each(plan, world, anchor, listed, mode,
                                f"Only the route summaries tell how long each trip takes {_MODE_WORDS[mode][0]}: "
                                f"route from {anchor_name} to each listed place in turn.")
        ranked = sorted(zip(listed, routes), key=lambda item: (item[1].duration_s, item[0].id))
        (best, best_route), (second, second_route) = ranked[0], ranked[1]
        if _minutes(second_route) - _minutes(best_route) < 2 or [p.name for p in listed].count(best.name) > 1:
            raise ValueError(f"the quickest of the {plural} near {anchor_name} is a near tie")
        answer = f"{best.name}, {best_route.duration_text}"
        solution = plan.finish(f"{best.name} takes {best_route.duration_text}; the next quickest, {second.name}, "
                               f"takes {second_route.duration_text}.", "Report the quickest place and its time",
                               answer)
        wrong: list[Part] = [*_distinct_names(best.name, [place for place, _ in ranked[1:]]),
                             shown_duration(second_route.duration_s)]
        wrong += [shown_duration(r.duration_s) for r in other_modes(world, anchor, best, mode)
                  if abs(_minutes(r) - _minutes(best_route)) >= 2]
        evaluation = string_eval([name(best.name), shown_duration(best_route.duration_s)], exclude=wrong, raw=answer)
        values = {"category": plural, "place": anchor_name, "how": _MODE_WORDS[mode][0]}
        return task(QUICKEST.id, QUICKEST.text, values, evaluation, solution, split=split)

    extra = _listed_cases(world, "5015", _CATEGORY_WORDS, 60, QUICKEST_CASES, 4,
                          extra=[("foot",), ("car",), ("bike",)])
    return QUICKEST.tasks([*QUICKEST_CASES, *extra], make, test=len(QUICKEST_CASES))


NEAREST_PHONE = Template(5016, "I want to call the {{category}} nearest to {{place}} (the shortest walk from "
                               "there). What is its phone number?")
NEAREST_PHONE_CASES = (("hotel", "hotels", "PNC Park"),
                       ("museum", "museums", "Randyland"),
                       ("museum", "museums", "Acrisure Stadium"),
                       ("hospital", "hospitals", "University of Pittsburgh"),
                       ("hotel", "hotels", "Pittsburgh Union Station"))


def nearest_phone_tasks(world: MapWorld) -> list[dict[str, Any]]:
    def make(case: Any, split: Split) -> dict[str, Any]:
        category, plural, anchor_name = case
        anchor = world.place(anchor_name)
        nearest = _nearest_on_foot(world, category, plural, anchor, at_least=3)
        winner = nearest.winner
        if not winner.phone:
            raise ValueError(f"{winner.name} has no phone number")
        plan = Plan()
        _search_near(plan, world, plural, anchor)
        _compare_on_foot(plan, world, anchor, nearest, category)
        query = world.typable(winner)
        _search(plan, query, f"{winner.name} is the shortest walk; its page lists its phone number.")
        _open_place(plan, world, winner, query)
        solution = plan.finish("The place page shows the phone number.", "Report the phone number", winner.phone)
        others = [phone(place.phone) for place in nearest.others if place.phone and place.phone != winner.phone]
        evaluation = string_eval(phone(winner.phone), exclude=others, raw=winner.phone)
        return task(NEAREST_PHONE.id, NEAREST_PHONE.text, {"category": category, "place": anchor_name}, evaluation,
                    solution, split=split)

    extra = _listed_cases(world, "5016", _PHONE_CATEGORIES, 55, NEAREST_PHONE_CASES, 3)
    return NEAREST_PHONE.tasks([*NEAREST_PHONE_CASES, *extra], make, test=len(NEAREST_PHONE_CASES))


ROUND_TRIP = Template(5017, "I will {{verb}} from {{origin}} to {{stop1}}, then to {{stop2}}, then to {{stop3}}, "
                            "then to {{stop4}}, and back to {{origin}}. What is the total {{noun}} time of the trip, "
                            "adding up the map's time for each leg?")
ROUND_TRIP_CASES = (("car", "Carnegie Mellon University", "PNC Park", "Randyland",
                     "Phipps Conservatory and Botanical Gardens", "Duquesne University"),
                    ("foot", "Hunt Library", "Carnegie Museum of Natural History", "Cathedral of Learning",
                     "Phipps Conservatory and Botanical Gardens", "Chatham University"),
                    ("bike", "University of Pittsburgh", "The Frick Pittsburgh", "Chatham University",
                     "Carnegie Mellon University", "Carlow University"),
                    ("car", "Pittsburgh International Airport", "Carnegie Mellon University", "PPG Paints Arena",
                     "Acrisure Stadium", "Randyland"))
_TRIP_WORDS = {"car": ("drive", "driving"), "foot": ("walk", "walking"), "bike": ("cycle", "cycling")}


def round_trip_tasks(world: MapWorld) -> list[dict[str, Any]]:
    def make(case: Any, split: Split) -> dict[str, Any]:
        mode, *stop_names = case
        stops = [world.place(stop) for stop in stop_names]
        legs = list(zip(stops, [*stops[1:], stops[0]]))
        profile = profile_for(mode)
        plan = Plan()
        open_directions(plan)
        routes = [world.route(a, b, mode) for a, b in legs]
        for index, ((a, b), route) in enumerate(zip(legs, routes)):
            note = (route_note(a, b, profile, route),)
            if index == 0:
                plan.step(f"Each leg is its own route; the Mode select must say {profile.label}.",
                          f"Get the {profile.label} route from {a.name} to {b.name}",
                          type_into("textbox", "From", world.typable(a)), type_into("textbox", "To", world.typable(b)),
                          select("Mode", profile.label), click("button", "Go"), notes=note)
            else:
                plan.step("The next leg starts where the last one ended; the mode stays.",
                          f"Route the next leg, from {a.name} to {b.name}",
                          type_into("textbox", "From", world.typable(a)), type_into("textbox", "To", world.typable(b)),
                          click("button", "Go"), notes=note)
        total = sum(_minutes(route) for route in routes)
        without_return = total - _minutes(routes[-1])
        solution = plan.finish("The leg times add up to the total: "
                               + " + ".join(route.duration_text for route in routes) + f" = {_clock(total)}.",
                               "Report the total time", _clock(total))
        wrong = [duration(without_return * 60)]
        for other in PROFILES:
            if other.mode != mode:
                wrong.append(duration(sum(_minutes(world.route(a, b, other.mode)) for a, b in legs) * 60))
        wrong = [part for part in wrong if abs(part.value - total * 60) >= 120]
        verb, noun = _TRIP_WORDS[mode]
        values = {"verb": verb, "origin": stops[0].name, "stop1": stops[1].name, "stop2": stops[2].name,
                  "stop3": stops[3].name, "stop4": stops[4].name, "noun": noun}
        return task(ROUND_TRIP.id, ROUND_TRIP.text, values, string_eval(duration(total * 60), exclude=wrong,
                                                                        raw=_clock(total)), solution, split=split)

    names = [place.name for place in world.landmarks]
    extra = _groups(names, "5017", 5, 45, ROUND_TRIP_CASES, prefix=[("car",), ("foot",), ("bike",)])
    return ROUND_TRIP.tasks([*ROUND_TRIP_CASES, *extra], make, test=len(ROUND_TRIP_CASES))


DRIVE_SAVES = Template(5018, "Starting from {{origin}}, compare walking and driving to {{first}}, {{second}}, "
                             "{{third}} and {{fourth}}: for which of them does driving save the most time over "
                             "walking, and how much time does it save?")
DRIVE_SAVES_CASES = (("Carnegie Mellon University", "Carnegie Museum of Art", "The Frick Pittsburgh",
                      "University of Pittsburgh", "Acrisure Stadium"),
                     ("PNC Park", "Duquesne University", "PPG Paints Arena", "Hunt Library", "Chatham University"),
                     ("Chatham University", "Pittsburgh Union Station", "Duquesne University",
                      "University of Pittsburgh", "Randyland"),
                     ("Randyland", "PPG Paints Arena", "Carnegie Museum of Art", "Pittsburgh Union Station",
                      "Hunt Library"))


def drive_saves_tasks(world: MapWorld) -> list[dict[str, Any]]:
    def make(case: Any, split: Split) -> dict[str, Any]:
        origin_name, *target_names = case
        origin, targets = world.place(origin_name), [world.place(target) for target in target_names]
        plan = Plan()
        open_directions(plan)
        walk = profile_for("foot")
        saved: list[int] = []
        for index, target in enumerate(targets):
            order = ("foot", "car") if index % 2 == 0 else ("car", "foot")  # switch modes as rarely as possible
            for step_index, now in enumerate(order):
                route = world.route(origin, target, now)
                note = (route_note(origin, target, profile_for(now), route),)
                if index == 0 and step_index == 0:
                    plan.step("The same trip is routed on foot and by car; the difference is the time driving saves.",
                              f"Get the {walk.label} route from {origin.name} to {target.name}",
                              type_into("textbox", "From", world.typable(origin)),
                              type_into("textbox", "To", world.typable(target)),
                              select("Mode", walk.label), click("button", "Go"), notes=note)
                elif step_index == 0:
                    plan.step(f"Keep the mode ({profile_for(now).label}) and change only the destination.",
                              f"Change the destination to {target.name} and route again",
                              type_into("textbox", "To", world.typable(target)), click("button", "Go"), notes=note)
                else:
                    plan.step("The other mode for the same trip.",
                              f"Switch the mode to {profile_for(now).label} and route again",
                              select("Mode", profile_for(now).label), click("button", "Go"), notes=note)
            saved.append(_minutes(world.route(origin, target, "foot")) - _minutes(world.route(origin, target, "car")))
        ranked = sorted(zip(targets, saved), key=lambda item: (-item[1], item[0].id))
        (best, most), (_, next_most) = ranked[0], ranked[1]
        if most - next_most < 2:
            raise ValueError(f"driving from {origin_name} saves about as much for two destinations")
        answer = f"{best.name}: driving saves {_clock(most)}"
        solution = plan.finish("Time saved = walking time - driving time, for each destination; "
                               + "; ".join(f"{place.name}: {_clock(minutes)}" for place, minutes in ranked) + ".",
                               "Report the destination and the time saved", answer)
        wrong = [*_distinct_names(best.name, [place for place, _ in ranked[1:]]), duration(next_most * 60)]
        best_walk, best_drive = world.route(origin, best, "foot"), world.route(origin, best, "car")
        wrong += [part for part in (shown_duration(best_walk.duration_s), shown_duration(best_drive.duration_s))
                  if abs(part.value - most * 60) >= 120]
        values = {"origin": origin_name, "first": targets[0].name, "second": targets[1].name,
                  "third": targets[2].name, "fourth": targets[3].name}
        return task(DRIVE_SAVES.id, DRIVE_SAVES.text, values,
                    string_eval([name(best.name), duration(most * 60)], exclude=wrong, raw=answer), solution,
                    split=split)

    names = [place.name for place in world.landmarks]
    extra = _groups(names, "5018", 5, 50, DRIVE_SAVES_CASES)
    return DRIVE_SAVES.tasks([*DRIVE_SAVES_CASES, *extra], make, test=len(DRIVE_SAVES_CASES))


NEAREST_THEN_DRIVE = Template(5019, "Find the {{category}} nearest to {{place}} (the shortest walk from there), "
                                    "then tell me which one it is and how long it takes to drive from it to "
                                    "{{destination}}.")
NEAREST_THEN_DRIVE_CASES = (("hotel", "hotels", "Carnegie Mellon University", "Pittsburgh International Airport"),
                            ("hospital", "hospitals", "PNC Park", "Carnegie Mellon University"),
                            ("cafe", "cafes", "University of Pittsburgh", "Randyland"),
                            ("hotel", "hotels", "Pittsburgh Union Station", "Carnegie Mellon University"),
                            ("hotel", "hotels", "PNC Park", "Pittsburgh International Airport"))


def nearest_then_drive_tasks(world: MapWorld) -> list[dict[str, Any]]:
    def make(case: Any, split: Split) -> dict[str, Any]:
        category, plural, anchor_name, destination_name = case
        anchor, destination = world.place(anchor_name), world.place(destination_name)
        nearest = _nearest_on_foot(world, category, plural, anchor, at_least=3)
        winner = nearest.winner
        if destination.id in {anchor.id, winner.id}:
            raise ValueError("the destination is one of the places compared")
        plan = Plan()
        _search_near(plan, world, plural, anchor)
        _compare_on_foot(plan, world, anchor, nearest, category)
        drive = world.route(winner, destination, "car")
        plan.step(f"{winner.name} is the shortest walk; the drive starts there.",
                  f"Get the {profile_for('car').label} route from {winner.name} to {destination.name}",
                  type_into("textbox", "From", world.typable(winner)),
                  type_into("textbox", "To", world.typable(destination)),
                  select("Mode", profile_for("car").label), click("button", "Go"),
                  notes=(route_note(winner, destination, profile_for("car"), drive),))
        answer = f"{winner.name}, {drive.duration_text} by car"
        solution = plan.finish("The route summary gives the driving time.", "Report the place and the time", answer)
        wrong: list[Part] = list(_distinct_names(winner.name, nearest.others))
        for other in [*nearest.others[:2]]:
            alternative = world.route(other, destination, "car")
            if abs(_minutes(alternative) - _minutes(drive)) >= 2:
                wrong.append(shown_duration(alternative.duration_s))
        walk = world.route(winner, destination, "foot")
        if abs(_minutes(walk) - _minutes(drive)) >= 2:
            wrong.append(shown_duration(walk.duration_s))
        values = {"category": category, "place": anchor_name, "destination": destination_name}
        return task(NEAREST_THEN_DRIVE.id, NEAREST_THEN_DRIVE.text, values,
                    string_eval([name(winner.name), shown_duration(drive.duration_s)], exclude=wrong, raw=answer),
                    solution, split=split)

    destinations = [place.name for place in world.landmarks][::6]
    extra = _listed_cases(world, "5019", _PHONE_CATEGORIES, 55, NEAREST_THEN_DRIVE_CASES, 3,
                          extra=[(d,) for d in destinations])
    return NEAREST_THEN_DRIVE.tasks([*NEAREST_THEN_DRIVE_CASES, *extra], make, test=len(NEAREST_THEN_DRIVE_CASES))


def _not_achievable(note: str) -> dict[str, Any]:
    return string_eval(not_achievable(), fuzzy=["N/A"], raw="N/A", note=note)


TRANSIT = Template(5013, "How long does it take to get from {{origin}} to {{destination}} by {{mode}}?", held_out=True)


def transit_tasks(world: MapWorld) -> list[dict[str, Any]]:  # held out: one test instance
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


def missing_place_tasks(world: MapWorld) -> list[dict[str, Any]]:
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
             get_directions_tasks, place_page_tasks, transit_tasks, missing_place_tasks, quickest_tasks,
             nearest_phone_tasks, round_trip_tasks, drive_saves_tasks, nearest_then_drive_tasks)


def build_tasks(db_path: Path) -> list[dict[str, Any]]:
    conn = sqlite3.connect(db_path)
    try:
        world = MapWorld(conn)
        return [task for template in TEMPLATES for task in template(world)]
    finally:
        conn.close()
