"""Finding drop-off points near a customer, nearest first."""

from dataclasses import dataclass
from math import asin, cos, radians, sin, sqrt

from django.db.models import Avg, Q

from rma.core.exceptions import DomainError
from rma.locations.models import DropOffPoint, PostcodePlace, Store
from rma.locations.postcodes import name_key

# Search rings in km: a wider ring is searched only when the narrower one has too few points.
SEARCH_RADII_KM = (5, 15, 50, 150, 500, 1500)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    lat1, lon1, lat2, lon2 = map(radians, (lat1, lon1, lat2, lon2))
    a = sin((lat2 - lat1) / 2) ** 2 + cos(lat1) * cos(lat2) * sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * asin(sqrt(a))


@dataclass(frozen=True)
class NearbyPoint:
    point: DropOffPoint
    distance_km: float


def postcode_coordinates(*, postcode: str, city: str = "", country: str = "FR") -> tuple[float, float] | None:
    """Where a postcode is: the centre of its places in the official postcode file (`postcodes_import`); when a
    city is given and names one of them (La Poste's spelling or the customer's: "Saint-Étienne" is "ST ETIENNE"),
    that place, since one postcode may cover towns far apart.

    Only when no file was imported for this postcode, a stopgap: the average of the drop-off points and shops we
    know with that postcode, else in that department. That is a guess, not a location (the average of a
    department's points can be nowhere near the postcode), kept so that a site without the file (the demo, a fresh
    install) still answers; import the file to stop relying on it."""
    postcode = postcode.strip().replace(" ", "")
    if not postcode:
        return None
    places = list(PostcodePlace.objects.filter(country=country, postcode=postcode))
    if places:
        wanted = name_key(city)
        matching = [p for p in places if wanted and wanted in (name_key(p.name), name_key(p.commune))]
        chosen = matching or places
        return (
            sum(p.latitude for p in chosen) / len(chosen),
            sum(p.longitude for p in chosen) / len(chosen),
        )
    return _postcode_coordinates_from_known_points(postcode=postcode)


def _postcode_coordinates_from_known_points(*, postcode: str) -> tuple[float, float] | None:
    """The stopgap of `postcode_coordinates`: averages known points, so it guesses; see there."""
    for lookup in (Q(postcode=postcode), Q(postcode__startswith=postcode[:2])):
        for model in (DropOffPoint, Store):
            centre = model.objects.filter(lookup, latitude__isnull=False).aggregate(
                lat=Avg("latitude"), lon=Avg("longitude")
            )
            if centre["lat"] is not None:
                return centre["lat"], centre["lon"]
    return None


def drop_off_points_near(
    *,
    latitude: float | None = None,
    longitude: float | None = None,
    postcode: str = "",
    city: str = "",
    kinds: list[str] | None = None,
    limit: int = 20,
) -> list[NearbyPoint]:
    """Usable drop-off points nearest first, by coordinates or by postcode (and city, when the postcode covers
    several towns)."""
    if latitude is None or longitude is None:
        coordinates = postcode_coordinates(postcode=postcode, city=city)
        if coordinates is None:
            raise DomainError("We do not know this postcode.", code="unknown_postcode")
        latitude, longitude = coordinates
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise DomainError("Coordinates are out of range.", code="invalid_coordinates")
    queryset = DropOffPoint.objects.usable().select_related("store")
    if kinds:
        queryset = queryset.filter(kind__in=kinds)
    found: list[NearbyPoint] = []
    for radius in SEARCH_RADII_KM:
        dlat = radius / 111.0
        dlon = radius / max(111.0 * cos(radians(latitude)), 1.0)
        candidates = queryset.filter(
            latitude__range=(latitude - dlat, latitude + dlat), longitude__range=(longitude - dlon, longitude + dlon)
        )
        found = [
            NearbyPoint(p, round(d, 2))
            for p in candidates
            if (d := distance_km(latitude, longitude, p.latitude, p.longitude)) <= radius
        ]
        if len(found) >= limit:
            break
    found.sort(key=lambda nearby: (nearby.distance_km, nearby.point.pk))
    return found[:limit]
