"""Directions: fastest paths over the seeded road graph, per travel mode, with OSM-style turn-by-turn steps.

A mode is a speed table over road classes; a class missing from the table is closed to that mode (cars never
take paths, bicycles and walkers never take motorways). Dijkstra minimises travel time, as OSRM does, and the
route reports the distance of that fastest path. Turn words come from the change of compass bearing where the
road name changes.
"""

from __future__ import annotations

import heapq
import sqlite3
from dataclasses import dataclass, field

from webenv.sites.map.geo import bearing_deg, format_distance, format_duration, haversine_m


@dataclass(frozen=True)
class Profile:
    """One routing engine of the directions form, named as OSM names its OSRM engines."""

    mode: str  # car | bike | foot
    engine: str  # the `engine=` URL value
    label: str  # the option text in the mode select
    speeds_kmh: dict[str, float]  # road class -> speed; absent = closed to this mode


# In the order of OSM's engine select (alphabetical labels): "Car (OSRM)" is option index 1.
PROFILES: tuple[Profile, ...] = (
    Profile("bike", "fossgis_osrm_bike", "Bicycle (OSRM)",
            {"trunk": 18.0, "primary": 16.0, "residential": 16.0, "path": 14.0}),
    Profile("car", "fossgis_osrm_car", "Car (OSRM)",
            {"motorway": 105.0, "trunk": 75.0, "primary": 40.0, "residential": 25.0}),
    Profile("foot", "fossgis_osrm_foot", "Foot (OSRM)",
            {"trunk": 5.0, "primary": 5.0, "residential": 5.0, "path": 5.0}),
)
BY_ENGINE = {profile.engine: profile for profile in PROFILES}
BY_MODE = {profile.mode: profile for profile in PROFILES}
DEFAULT_ENGINE = "fossgis_osrm_car"


def profile_for(mode: str) -> Profile:
    return BY_MODE[mode]


@dataclass(frozen=True)
class Edge:
    target: int
    road: str  # display label, e.g. "Pennsylvania Turnpike (I-76)"
    road_class: str
    length_m: float


@dataclass
class Graph:
    coords: dict[int, tuple[float, float]]
    edges: dict[int, list[Edge]] = field(default_factory=dict)

    @classmethod
    def load(cls, conn: sqlite3.Connection) -> Graph:
        """The whole network (a few hundred segments: loading per request costs less than caching it)."""
        graph = cls(coords={row[0]: (row[1], row[2]) for row in conn.execute("SELECT id, lat, lon FROM nodes")})
        query = ("SELECT s.node_a, s.node_b, s.length_m, r.name, r.ref, r.class "
                 "FROM segments s JOIN roads r ON r.id = s.road_id ORDER BY s.id")
        for a, b, length, name, ref, road_class in conn.execute(query):
            label = f"{name} ({ref})" if ref and ref != name else name
            graph.edges.setdefault(a, []).append(Edge(b, label, road_class, length))
            graph.edges.setdefault(b, []).append(Edge(a, label, road_class, length))
        return graph

    def usable(self, node: int, profile: Profile) -> bool:
        """Whether a mode can leave this node at all (a walker dropped on a motorway junction cannot)."""
        return any(edge.road_class in profile.speeds_kmh for edge in self.edges.get(node, ()))

    def nearest_node(self, lat: float, lon: float, profile: Profile) -> int:
        """Where a route from arbitrary coordinates joins the network."""
        candidates = [node for node in self.coords if self.usable(node, profile)]
        return min(candidates, key=lambda node: (haversine_m(lat, lon, *self.coords[node]), node))


@dataclass(frozen=True)
class Step:
    instruction: str
    distance_m: float

    @property
    def distance_text(self) -> str:
        return format_distance(self.distance_m) if self.distance_m > 0 else ""


@dataclass(frozen=True)
class Route:
    mode: str
    distance_m: float
    duration_s: float
    steps: tuple[Step, ...]
    path: tuple[tuple[float, float], ...]  # coordinates of every node passed, for the route sketch
    road_classes: tuple[str, ...] = ()  # the class of every segment travelled, in order

    @property
    def distance_text(self) -> str:
        return format_distance(self.distance_m)

    @property
    def duration_text(self) -> str:
        return format_duration(self.duration_s)


def _turn_word(before: float, after: float) -> str:
    delta = (after - before + 540.0) % 360.0 - 180.0  # -180..180, positive = clockwise = right
    side = "right" if delta > 0 else "left"
    size = abs(delta)
    if size < 25:
        return "Continue onto"
    if size < 60:
        return f"Slight {side} onto"
    if size < 135:
        return f"Turn {side} onto"
    return f"Sharp {side} onto"


def _steps(graph: Graph, nodes: list[int], edges: list[Edge]) -> tuple[Step, ...]:
    """Group consecutive edges of the same road into one instruction, as OSM's directions list does."""
    steps: list[Step] = []
    start = 0
    while start < len(edges):
        end = start
        while end + 1 < len(edges) and edges[end + 1].road == edges[start].road:
            end += 1
        length = sum(edge.length_m for edge in edges[start:end + 1])
        if start == 0:
            instruction = f"Start on {edges[start].road}"
        else:
            before = bearing_deg(*graph.coords[nodes[start - 1]], *graph.coords[nodes[start]])
            after = bearing_deg(*graph.coords[nodes[start]], *graph.coords[nodes[start + 1]])
            instruction = f"{_turn_word(before, after)} {edges[start].road}"
        steps.append(Step(instruction, length))
        start = end + 1
    steps.append(Step("Reach destination", 0.0))
    return tuple(steps)


@dataclass(frozen=True)
class Tree:
    """Fastest times from one source (Dijkstra's `best` and `previous`): routes to many targets from one search."""

    graph: Graph
    source: int
    profile: Profile
    best: dict[int, float]
    previous: dict[int, tuple[int, Edge]]

    def route(self, target: int) -> Route | None:
        """The fastest route to `target`; None when the mode cannot get there at all."""
        if target not in self.best:
            return None
        nodes, edges = [target], []
        while nodes[-1] != self.source:
            node, edge = self.previous[nodes[-1]]
            edges.append(edge)
            nodes.append(node)
        nodes.reverse()
        edges.reverse()
        return Route(
            mode=self.profile.mode,
            distance_m=sum(edge.length_m for edge in edges),
            duration_s=self.best[target],
            steps=_steps(self.graph, nodes, edges),
            path=tuple(self.graph.coords[node] for node in nodes),
            road_classes=tuple(edge.road_class for edge in edges),
        )


def fastest_tree(graph: Graph, source: int, profile: Profile, target: int | None = None) -> Tree:
    """Dijkstra by travel time from `source`, stopping once `target` is settled (or covering the whole network).
    Edges are never shorter than zero, so a settled node's route never changes: a route read off the whole tree
    is the same as one from a search that stopped at its target."""
    best: dict[int, float] = {source: 0.0}
    previous: dict[int, tuple[int, Edge]] = {}
    queue: list[tuple[float, int]] = [(0.0, source)]
    while queue:
        time_s, node = heapq.heappop(queue)
        if node == target:
            break
        if time_s > best.get(node, float("inf")):
            continue
        for edge in graph.edges.get(node, ()):
            speed = profile.speeds_kmh.get(edge.road_class)
            if speed is None:
                continue
            candidate = time_s + edge.length_m / (speed / 3.6)
            if candidate < best.get(edge.target, float("inf")):
                best[edge.target] = candidate
                previous[edge.target] = (node, edge)
                heapq.heappush(queue, (candidate, edge.target))
    return Tree(graph, source, profile, best, previous)


def fastest_route(graph: Graph, source: int, target: int, profile: Profile) -> Route | None:
    """Dijkstra by travel time; None when the mode cannot get there at all."""
    return fastest_tree(graph, source, profile, target).route(target)
