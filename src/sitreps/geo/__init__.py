"""Geo stage: gazetteer, toponym recognition, resolution and event locations."""

from sitreps.geo.demonyms import country_code
from sitreps.geo.gazetteer import (
    Gazetteer,
    Place,
    build_gazetteer,
    default_gazetteer_path,
    open_gazetteer,
)
from sitreps.geo.location import country_location, event_locations
from sitreps.geo.resolve import ArticleGeography, Geocoder, PlaceMention
from sitreps.geo.toponyms import Toponym, find_toponyms

__all__ = [
    "Place",
    "Gazetteer",
    "open_gazetteer",
    "build_gazetteer",
    "default_gazetteer_path",
    "country_code",
    "Geocoder",
    "ArticleGeography",
    "PlaceMention",
    "Toponym",
    "find_toponyms",
    "event_locations",
    "country_location",
]
