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
)

SPECS: tuple[SiteSpec, ...] = (MAP,)
