"""The map: an OpenStreetMap look-alike with search and car/bike/foot directions (WebArena's "map" site).

No accounts: the map needs no login (WebArena-Lite's map configs still say `require_login: true`, which is
harmless here because the spec has no login form). Places cover Pittsburgh and the US Northeast; directions run
on a seeded road graph (see routing.py).
"""

from __future__ import annotations

from pathlib import Path

from starlette.types import ASGIApp

from webenv.sites import SiteSpec
from webenv.sites.common import SiteContext


def _build(path: Path) -> None:
    from webenv.sites.map.seed import build_database

    build_database(path)


def _create_app(ctx: SiteContext) -> ASGIApp:
    from webenv.sites.map.app import create_app

    return create_app(ctx)


MAP = SiteSpec(
    name="map",
    placeholder="__MAP__",
    database="map",
    build_database=_build,
    create_app=_create_app,
    cookie_name="map_session",
    login=None,
    accounts=(),
)

SPECS: tuple[SiteSpec, ...] = (MAP,)
