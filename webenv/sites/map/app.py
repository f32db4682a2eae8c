"""The map site: an OpenStreetMap look-alike with search, place pages and directions (WebArena's map).

No login (WebArena's map has none). Pages:
  /                         search box and a Directions link
  /search?query=...         Nominatim-style results; "<category> near <place>" lists by distance
  /node/{id}                a place: name, category, full address, coordinates, OSM tags, directions links
  /directions?engine=...&route=LAT%2CLON%3BLAT%2CLON
                            From/To boxes (route_from, route_to), a mode select (select.routing_engines) and Go;
                            submitting the form resolves the names and redirects to the canonical route URL
Markup mirrors openstreetmap.org where WebArena's evaluators read it: div#content, #sidebar_content,
[name="route_from"], [name="route_to"], select.routing_engines (option 1 = "Car (OSRM)").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from webenv.sites.common import SiteContext, connect, page_from, redirect, site_templates
from webenv.sites.map.directions import Endpoint, endpoint_from_text, endpoints_from_route, route_between
from webenv.sites.map.places import place_by_id
from webenv.sites.map.routing import BY_ENGINE, DEFAULT_ENGINE, PROFILES
from webenv.sites.map.search import search
from webenv.sites.map.sketch import route_sketch
from webenv.sites.map.urls import directions_path, search_path

SITE_DIR = Path(__file__).parent
PAGE_SIZE = 20


def create_app(ctx: SiteContext) -> ASGIApp:
    templates = site_templates(SITE_DIR)

    def render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> Response:
        return templates.TemplateResponse(request, name, {"query": "", **context}, status_code=status_code)

    def home(request: Request) -> Response:
        return render(request, "home.html", {})

    def search_page(request: Request) -> Response:
        query = request.query_params.get("query", "").strip()
        if not query:
            return render(request, "search.html", {"result": None, "page": None})
        with connect(ctx.db_path) as conn:
            result = search(conn, query)
        page = page_from(request, len(result.hits), size=PAGE_SIZE)
        # One URL per search, whatever the form encoded ("+" or "%20"): OSM's own URLs are the canonical ones.
        canonical = search_path(query, page.number if "page" in request.query_params else 1)
        if f"{request.url.path}?{request.url.query}" != canonical:
            return redirect(canonical)
        hits = result.hits[page.offset:page.offset + PAGE_SIZE]
        return render(request, "search.html", {
            "query": query, "result": result, "hits": hits, "page": page,
            "prev_url": search_path(query, page.number - 1) if page.has_prev else None,
            "next_url": search_path(query, page.number + 1) if page.has_next else None,
        })

    def place_page(request: Request) -> Response:
        with connect(ctx.db_path) as conn:
            place = place_by_id(conn, int(request.path_params["place_id"]))
        if place is None:
            raise HTTPException(404, f"Node {request.path_params['place_id']} does not exist")
        return render(request, "place.html", {
            "place": place,
            "from_here": directions_path(DEFAULT_ENGINE, (place.lat, place.lon), None),
            "to_here": directions_path(DEFAULT_ENGINE, None, (place.lat, place.lon)),
            "nearby_query": f"{place.kind.plural} near {place.name}",
        })

    def directions_page(request: Request) -> Response:
        params = request.query_params
        engine = params.get("engine", DEFAULT_ENGINE)
        profile = BY_ENGINE.get(engine) or BY_ENGINE[DEFAULT_ENGINE]
        messages: list[str] = []
        with connect(ctx.db_path) as conn:
            if "route_from" in params or "route_to" in params:
                start = endpoint_from_text(conn, params.get("route_from", ""))
                end = endpoint_from_text(conn, params.get("route_to", ""))
                if start.error is None and end.error is None:
                    return redirect(directions_path(profile.engine, start.point, end.point))
            elif params.get("route"):
                parsed = endpoints_from_route(conn, params["route"])
                if parsed is None:
                    messages.append("That route is not valid: expected route=LAT,LON;LAT,LON.")
                    parsed = (Endpoint(""), Endpoint(""))
                start, end = parsed
            else:
                start, end = Endpoint(""), Endpoint("")
            messages.extend(error for error in (start.error, end.error) if error)
            route = None
            if start.point is not None and end.point is not None:
                route = route_between(conn, start, end, profile)
                if route is None:
                    messages.append(f"Could not find a route by {profile.label} between these places.")
        return render(request, "directions.html", {
            "profiles": PROFILES, "profile": profile, "start": start, "end": end, "route": route,
            "messages": messages, "sketch": route_sketch(route.path) if route else None,
            "reverse_url": directions_path(profile.engine, end.point, start.point)
            if start.point and end.point else None,
        })

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        detail = exc.detail if isinstance(exc, HTTPException) else "Something went wrong"
        return render(request, "error.html", {"status": status, "detail": detail}, status_code=status)

    return Starlette(
        routes=[
            Route("/", home),
            Route("/search", search_page),
            Route("/node/{place_id:int}", place_page),
            Route("/directions", directions_page),
            Mount("/static", StaticFiles(directory=SITE_DIR / "static"), name="static"),
        ],
        exception_handlers={HTTPException: http_error},
    )
