"""The nearest drop-off points to a place, in two ways that give the same answer.

On PostgreSQL the database does the work, on the GiST index of migration 0004 (extensions `cube` and
`earthdistance`, index on `ll_to_earth(latitude, longitude)`). First the index's nearest-neighbour scan
(`ORDER BY ll_to_earth(…) <-> ll_to_earth(origin) LIMIT n`), which reads only the n nearest points: one query of
about a millisecond among 50,000 points (`bench/points.py`). When its answer might not be exact (a point read lies
beyond its kind's maximum distance while other kinds reach further, or a tie at the limit), the search goes ring by
ring (5, 15, 50… km): `earth_box(origin, r) @> ll_to_earth(latitude, longitude)` reads the points of a box through
the same index and `earth_distance` orders them, widening only while a ring holds fewer than `limit` points. (A
box alone is not used for the first query: the planner cannot estimate how many points a box holds, and for a
wide box it reads and sorts them all, over a second at 50,000 points.) Other databases (SQLite, the embedded
default) have neither, so the same rings are read through the (latitude, longitude) index and the distances
computed here.

Either way the answer is the `limit` nearest points within reach, whatever ring or scan found them. Reach is
the last ring (1,500 km), or less for a kind that has a maximum distance (`max_km_by_kind`, e.g. no shop further
than 50 km). The nearest-first scan stops once it has read `limit` + 1 points of the kinds asked, so it reads far
only when the directory holds fewer points of those kinds than asked (then it reads them all).

Distances are great-circle distances on a sphere of radius 6,371 km in both (earthdistance's own sphere, `earth()`,
is 6,378.168 km: its distances are scaled to ours), and ties are broken by id, so both ways return the same points
in the same order.
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
    """The portable search: boxes through the (latitude, longitude) index, distances computed here.

    When every kind asked has a maximum distance (the drop-off step's case), the last ring alone gives the answer
    (each kind's box is its maximum): one query whatever the directory holds nearby, instead of one per ring."""
    rings = list(reach.rings())
    if all(kind in reach.caps for kind in reach.kinds):
        rings = rings[-1:]
    found: list[DropOffPoint] = []
    for ring in rings:
        dlat, dlon = _box_degrees(latitude, reach.box(ring))
        candidates = queryset.filter(
            latitude__range=(latitude - dlat, latitude + dlat), longitude__range=(longitude - dlon, longitude + dlon)
        )
        found = [
            point for d, point in _located(latitude, longitude, candidates) if d <= reach.radius(point.kind, ring)
        ]
        if len(found) >= limit:
            break
    return [NearbyPoint(point, round(d, 2)) for d, point in _located(latitude, longitude, found[:limit])]


def _located(latitude: float, longitude: float, points: Iterable[DropOffPoint]) -> list[tuple[float, DropOffPoint]]:
    """(haversine distance, point) nearest first, ties by id; the search only reads located points."""
    found = [
        (distance_km(latitude, longitude, cast(float, point.latitude), cast(float, point.longitude)), point)
        for point in points
    ]
    found.sort(key=lambda item: (item[0], item[1].pk))
    return found


def _nearest_by_index(
    *, queryset: DropOffPointQuerySet, latitude: float, longitude: float, reach: _Reach, limit: int, position: str
) -> list[NearbyPoint] | None:
    """The fast way: the GiST index hands the points over nearest first (`<->`, the straight-line distance between
    two points of earthdistance's earth, which orders points exactly as the great-circle distance does), and the
    scan stops after `limit` + 1 of them. Its answer is exact when none of the points read lies beyond its kind's
    reach, or when every kind searched has the same reach (then every point after a point out of reach is out of
    reach too), and when the last two points read are not at the same distance (a tie the ORDER BY cannot break
    by id without giving up the index). Otherwise None: the caller searches ring by ring."""
    nearest_first = RawSQL(f"{position} <-> ll_to_earth(%s, %s)", (latitude, longitude), output_field=FloatField())
    read = _located(
        latitude,
        longitude,
        queryset.filter(latitude__isnull=False, longitude__isnull=False)
        .annotate(nearest_chord=nearest_first)
        .order_by("nearest_chord")[: limit + 1],
    )
    if len(read) > limit and read[limit][0] == read[limit - 1][0]:
        return None
    widest = SEARCH_RADII_KM[-1]
    kept = [(d, point) for d, point in read[:limit] if d <= reach.radius(point.kind, widest)]
    uniform = len({reach.radius(kind, widest) for kind in reach.kinds}) == 1
    if len(kept) < len(read[:limit]) and not uniform:
        return None
    return [NearbyPoint(point, round(d, 2)) for d, point in kept]


def points_near_in_database(
    *, queryset: DropOffPointQuerySet, latitude: float, longitude: float, reach: _Reach, limit: int
) -> list[NearbyPoint]:
    """The PostgreSQL search: the index's nearest-first scan when its answer is exact, else earthdistance's box on
    the index ring by ring, ordered by the database (see the module docstring)."""
    table = connection.ops.quote_name(DropOffPoint._meta.db_table)
    position = f"ll_to_earth({table}.latitude, {table}.longitude)"
    quick = _nearest_by_index(
        queryset=queryset, latitude=latitude, longitude=longitude, reach=reach, limit=limit, position=position
    )
    if quick is not None:
        return quick
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
    return [NearbyPoint(point, round(d, 2)) for d, point in _located(latitude, longitude, found)]


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
