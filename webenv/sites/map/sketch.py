"""A small SVG drawing of a route, so the page has a "map" without tiles or JavaScript.

Equirectangular projection scaled by cos(latitude) is plenty at city and region scale.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

SIZE = 320.0
MARGIN = 16.0


@dataclass(frozen=True)
class Sketch:
    points: str  # the polyline's "x,y x,y ..."
    start: tuple[float, float]
    end: tuple[float, float]
    size: float = SIZE


def route_sketch(path: tuple[tuple[float, float], ...]) -> Sketch | None:
    if len(path) < 2:
        return None
    mean_lat = math.radians(sum(lat for lat, _ in path) / len(path))
    xs = [lon * math.cos(mean_lat) for _, lon in path]
    ys = [-lat for lat, _ in path]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1e-9
    scale = (SIZE - 2 * MARGIN) / span

    def project(i: int) -> tuple[float, float]:
        return (round(MARGIN + (xs[i] - min(xs)) * scale, 1), round(MARGIN + (ys[i] - min(ys)) * scale, 1))

    projected = [project(i) for i in range(len(path))]
    return Sketch(points=" ".join(f"{x},{y}" for x, y in projected), start=projected[0], end=projected[-1])
