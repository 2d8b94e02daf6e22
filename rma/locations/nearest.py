"""The nearest drop-off points to a place, in two ways that give the same answer.

On PostgreSQL the database does the work: `earth_box(origin, r) @> ll_to_earth(latitude, longitude)` uses the GiST
index of migration 0004 (extensions `cube` and `earthdistance`) to read only the points of a box around the origin,
and `earth_distance` orders them, so a search among 50,000 points reads a few dozen rows (`bench/points.py`). Other
databases (SQLite, the embedded default) have neither, so the same boxes are read through the (latitude, longitude)
index and the distances computed here.

Both search in rings (5, 15, 50… km) and widen only while a ring holds fewer than `limit` points, so a dense city
reads one small box and a rural postcode a few more; the answer is always the `limit` nearest points within
reach, whatever ring found them. Reach is the last ring (1,500 km), or less for a kind that has a maximum distance
(`max_km_by_kind`, e.g. no shop further than 50 km). Distances are great-circle distances on a sphere of radius
6,371 km in both (earthdistance's own sphere, `earth()`, is 6,378.168 km: its distances are scaled to ours), and
ties are broken by id, so both ways return the same points in the same order.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from math import asin, cos, inf, radians, sin, sqrt
from typing import cast

from django.db import connection
from django.db.models import BooleanField, FloatField, Q
from django.db.models.expressions import RawSQL

from rma.locations.choices import DropOffKind
from rma.locations.models import DropOffPoint, DropOffPointQuerySet

EARTH_RADIUS_KM = 6371.0
# Search rings in km: a wider ring is searched only when the narrower one has too few points.
SEARCH_RADII_KM = (5, 15, 50, 150, 500, 1500)
# A box a hair wider than its ring, so that rounding never leaves out a point right on the edge.
_BOX_MARGIN = 1.0001


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    lat1, lon1, lat2, lon2 = map(radians, (lat1, lon1, lat2, lon2))
    a = sin((lat2 - lat1) / 2) ** 2 + cos(lat1) * cos(lat2) * sin((lon2 - lon1) / 2) ** 2
    return EARTH_RADIUS_KM * 2 * asin(sqrt(a))


@dataclass(frozen=True)
class NearbyPoint:
    point: DropOffPoint
    distance_km: float


@dataclass(frozen=True)
class _Reach:
    """How far each kind may be: `caps` for the kinds with a maximum, the last ring for the others."""

    kinds: tuple[str, ...]
    caps: Mapping[str, float]

    @classmethod
    def make(cls, *, kinds: Iterable[str] | None, max_km_by_kind: Mapping[str, float] | None) -> "_Reach":
        wanted = tuple(kinds) if kinds else tuple(DropOffKind.values)
        caps = {kind: max(float(km), 0.0) for kind, km in (max_km_by_kind or {}).items() if kind in wanted}
        return cls(kinds=wanted, caps=caps)

    def radius(self, kind: str, ring: float) -> float:
        return min(ring, self.caps.get(kind, inf))

    def box(self, ring: float) -> float:
        """The radius around the origin that holds every point of this ring, all kinds together."""
        return max(self.radius(kind, ring) for kind in self.kinds)

    def rings(self) -> Iterable[float]:
        """The rings worth searching: none beyond the farthest any kind may be."""
        for ring in SEARCH_RADII_KM:
            yield ring
            if self.box(ring) < ring:  # every kind is capped inside this ring: wider ones add nothing
                return


def _box_degrees(latitude: float, radius: float) -> tuple[float, float]:
    dlat = radius * _BOX_MARGIN / 111.0
    dlon = radius * _BOX_MARGIN / max(111.0 * cos(radians(latitude)), 1.0)
    return dlat, dlon


def points_near_in_python(
    *, queryset: DropOffPointQuerySet, latitude: float, longitude: float, reach: _Reach, limit: int
) -> list[NearbyPoint]:
    """The portable search: boxes through the (latitude, longitude) index, distances computed here."""
    found: list[tuple[float, int, DropOffPoint]] = []
    for ring in reach.rings():
        dlat, dlon = _box_degrees(latitude, reach.box(ring))
        candidates = queryset.filter(
            latitude__range=(latitude - dlat, latitude + dlat), longitude__range=(longitude - dlon, longitude + dlon)
        )
        found = []
        for point in candidates:
            d = distance_km(latitude, longitude, point.latitude, point.longitude)
            if d <= reach.radius(point.kind, ring):
                found.append((d, point.pk, point))
        if len(found) >= limit:
            break
    found.sort(key=lambda item: (item[0], item[1]))
    return [NearbyPoint(point, round(d, 2)) for d, _, point in found[:limit]]


def points_near_in_database(
    *, queryset: DropOffPointQuerySet, latitude: float, longitude: float, reach: _Reach, limit: int
) -> list[NearbyPoint]:
    """The PostgreSQL search: earthdistance's box on the GiST index, ordered by the database (see the module)."""
    table = connection.ops.quote_name(DropOffPoint._meta.db_table)
    position = f"ll_to_earth({table}.latitude, {table}.longitude)"
    distance = RawSQL(
        f"earth_distance(ll_to_earth(%s, %s), {position}) / earth() * %s",
        (latitude, longitude, EARTH_RADIUS_KM),
        output_field=FloatField(),
    )
    found: list[DropOffPoint] = []
    for ring in reach.rings():
        in_box = RawSQL(
            f"earth_box(ll_to_earth(%s, %s), %s * earth() / %s) @> {position}",
            (latitude, longitude, reach.box(ring) * _BOX_MARGIN, EARTH_RADIUS_KM),
            output_field=BooleanField(),
        )
        within = Q()
        capped = [kind for kind in reach.kinds if kind in reach.caps]
        for kind in capped:
            within |= Q(kind=kind, nearest_km__lte=reach.radius(kind, ring))
        within |= Q(nearest_km__lte=ring) & ~Q(kind__in=capped)
        found = list(
            queryset.annotate(nearest_km=distance).filter(in_box).filter(within).order_by("nearest_km", "pk")[:limit]
        )
        if len(found) >= limit:
            break
    # The box only holds located points, so neither coordinate is None here.
    located = [(point, cast(float, point.latitude), cast(float, point.longitude)) for point in found]
    return [NearbyPoint(point, round(distance_km(latitude, longitude, lat, lon), 2)) for point, lat, lon in located]


def points_near(
    *,
    queryset: DropOffPointQuerySet,
    latitude: float,
    longitude: float,
    kinds: Iterable[str] | None,
    max_km_by_kind: Mapping[str, float] | None,
    limit: int,
) -> list[NearbyPoint]:
    """The `limit` points of `queryset` nearest to the origin, in the database where it can."""
    reach = _Reach.make(kinds=kinds, max_km_by_kind=max_km_by_kind)
    search = points_near_in_database if connection.vendor == "postgresql" else points_near_in_python
    return search(queryset=queryset, latitude=latitude, longitude=longitude, reach=reach, limit=limit)
