"""What kinds of place the map knows: display labels, OSM tags, and the words people search them by.

Search ("hotels near X"), the place page (its OSM tag table) and the tasks ("closest cafe to Y") all read this one
table, so a category word that works in a task intent works in the search box too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    key: str  # stored in places.category
    label: str  # shown on pages ("Railway Station")
    plural: str  # used in headings and intents ("railway stations")
    tag: tuple[str, str]  # the OSM tag, e.g. ("amenity", "cafe")
    words: tuple[str, ...]  # lower-case search words and phrases meaning this category


CATEGORIES: tuple[Category, ...] = (
    Category("university", "University", "universities", ("amenity", "university"),
             ("university", "universities", "college", "colleges")),
    Category("university_building", "University Building", "university buildings", ("building", "university"),
             ("university building", "university buildings", "campus building")),
    Category("library", "Library", "libraries", ("amenity", "library"), ("library", "libraries")),
    Category("museum", "Museum", "museums", ("tourism", "museum"), ("museum", "museums")),
    Category("concert_hall", "Concert Hall", "concert halls", ("amenity", "concert_hall"),
             ("concert hall", "concert halls", "music hall", "music halls")),
    Category("garden", "Garden", "gardens", ("leisure", "garden"),
             ("garden", "gardens", "botanical garden", "botanical gardens")),
    Category("attraction", "Attraction", "attractions", ("tourism", "attraction"),
             ("attraction", "attractions", "sight", "sights", "landmark", "landmarks")),
    Category("zoo", "Zoo", "zoos", ("tourism", "zoo"), ("zoo", "zoos")),
    Category("hospital", "Hospital", "hospitals", ("amenity", "hospital"), ("hospital", "hospitals")),
    Category("stadium", "Stadium", "stadiums", ("leisure", "stadium"),
             ("stadium", "stadiums", "arena", "arenas")),
    Category("park", "Park", "parks", ("leisure", "park"), ("park", "parks")),
    Category("national_park", "National Park", "national parks", ("boundary", "national_park"),
             ("national park", "national parks")),
    Category("hotel", "Hotel", "hotels", ("tourism", "hotel"), ("hotel", "hotels", "lodging")),
    Category("cafe", "Cafe", "cafes", ("amenity", "cafe"),
             ("cafe", "cafes", "café", "cafés", "coffee shop", "coffee shops", "coffee")),
    Category("restaurant", "Restaurant", "restaurants", ("amenity", "restaurant"),
             ("restaurant", "restaurants", "diner", "diners")),
    Category("marketplace", "Marketplace", "marketplaces", ("amenity", "marketplace"),
             ("marketplace", "marketplaces", "market", "markets")),
    Category("supermarket", "Supermarket", "supermarkets", ("shop", "supermarket"),
             ("supermarket", "supermarkets", "grocery store", "grocery stores", "grocery", "groceries")),
    Category("pharmacy", "Pharmacy", "pharmacies", ("amenity", "pharmacy"),
             ("pharmacy", "pharmacies", "drugstore", "drugstores")),
    Category("post_office", "Post Office", "post offices", ("amenity", "post_office"),
             ("post office", "post offices")),
    Category("police", "Police", "police stations", ("amenity", "police"),
             ("police", "police station", "police stations")),
    Category("train_station", "Railway Station", "railway stations", ("railway", "station"),
             ("train station", "train stations", "railway station", "railway stations", "station", "stations")),
    Category("airport", "Airport", "airports", ("aeroway", "aerodrome"), ("airport", "airports")),
    Category("government", "Government Office", "government offices", ("office", "government"),
             ("government office", "government offices", "city hall", "capitol")),
    Category("historic_site", "Historic Site", "historic sites", ("historic", "monument"),
             ("historic site", "historic sites", "monument", "monuments")),
    Category("memorial", "Memorial", "memorials", ("historic", "memorial"), ("memorial", "memorials")),
    Category("city", "City", "cities", ("place", "city"), ("city", "cities")),
    Category("town", "Town", "towns", ("place", "town"), ("town", "towns")),
)

BY_KEY: dict[str, Category] = {category.key: category for category in CATEGORIES}


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower())


_BY_WORD: dict[str, Category] = {word: category for category in CATEGORIES for word in category.words}


def category_for(text: str) -> Category | None:
    """The category a search phrase names ("Hotels", "coffee shops"), or None when it names no category."""
    return _BY_WORD.get(_normalise(text))


def category(key: str) -> Category:
    return BY_KEY[key]
