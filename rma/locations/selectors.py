"""Finding drop-off points near a customer, nearest first."""

from dataclasses import dataclass
from math import asin, cos, radians, sin, sqrt

from django.db.models import Avg, Q

from rma.core.exceptions import DomainError
from rma.locations.models import DropOffPoint, Store

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


def postcode_coordinates(*, postcode: str) -> tuple[float, float] | None:
    """Where a postcode is, from the points and shops we know there (same postcode, else same department)."""
    postcode = postcode.strip().replace(" ", "")
    if not postcode:
        return None
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
    kinds: list[str] | None = None,
    limit: int = 20,
) -> list[NearbyPoint]:
    """Usable drop-off points nearest first, by coordinates or by postcode."""
    if latitude is None or longitude is None:
        coordinates = postcode_coordinates(postcode=postcode)
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
