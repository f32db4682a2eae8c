"""The map: an OpenStreetMap look-alike with search and car/bike/foot directions (WebArena's "map" site).

No accounts: the map needs no login (WebArena-Lite's map configs still say `require_login: true`, which is
harmless here because the spec has no login form). Places cover Pittsburgh and the US Northeast; directions run
on a seeded road graph (see routing.py).
"""

from __future__ import annotations

from webenv.sites import SiteSpec, lazy

MAP = SiteSpec(
    name="map",
    placeholder="__MAP__",
    database="map",
    build_database=lazy("webenv.sites.map.seed", "build_database"),
    create_app=lazy("webenv.sites.map.app", "create_app"),
    cookie_name="map_session",
    login=None,
    accounts=(),
    build_tasks=lazy("webenv.sites.map.tasks", "build_tasks"),
    title="map",
    summary="144 places, a road graph, search, directions by car/bike/foot with distance and time",
    perf_pages=("/directions?engine=fossgis_osrm_car&route=40.4443%2C-79.9436%3B40.4406%2C-79.9959",),
)

SPECS: tuple[SiteSpec, ...] = (MAP,)
