"""The nearest-point search: in the database on PostgreSQL, in Python elsewhere, with the same answers."""

import random

import pytest
from django.db import connection

from rma.locations.models import DropOffPoint
from rma.locations.nearest import (
    SEARCH_RADII_KM,
    _Reach,
    distance_km,
    points_near_in_database,
    points_near_in_python,
)
from rma.locations.selectors import drop_off_points_near
from tests.conftest import require
from tests.locations.factories import DropOffPointFactory

pytestmark = pytest.mark.django_db

PARIS = (48.8566, 2.3522)
KINDS = ("store", "relay_point", "locker", "post_office")
SEARCHES = {"database": points_near_in_database, "python": points_near_in_python}


@pytest.fixture
def postgres_only():
    require(
        connection.vendor == "postgresql",
        "PostgreSQL (the earthdistance search)",
        "DATABASE_URL=postgres://postgres@127.0.0.1:5432/rma make test",
    )


@pytest.fixture(params=sorted(SEARCHES))
def search(request):
    if request.param == "database":
        request.getfixturevalue("postgres_only")
    return SEARCHES[request.param]


def _run(search, *, origin=PARIS, kinds=None, caps=None, limit=20):
    queryset = DropOffPoint.objects.usable().select_related("store")
    if kinds:
        queryset = queryset.filter(kind__in=kinds)
    reach = _Reach.make(kinds=kinds, max_km_by_kind=caps)
    return search(queryset=queryset, latitude=origin[0], longitude=origin[1], reach=reach, limit=limit)


def _scatter(count: int, *, seed: int = 12) -> None:
    """Points around France's big towns, some far, some closed, of every kind."""
    rng = random.Random(seed)
    towns = [(48.8566, 2.3522), (45.764, 4.8357), (43.2965, 5.3698), (47.2184, -1.5536), (50.6292, 3.0573)]
    for n in range(count):
        lat, lon = rng.choice(towns)
        spread = rng.choice((0.02, 0.2, 1.0))
        DropOffPointFactory(
            kind=KINDS[n % 4],
            latitude=lat + rng.uniform(-spread, spread),
            longitude=lon + rng.uniform(-spread, spread),
            accepts_returns=n % 17 != 0,
        )


def test_nearest_first_within_each_kinds_maximum(search):
    shop_far = DropOffPointFactory(kind="store", name="Shop 60 km", latitude=PARIS[0] + 0.54, longitude=PARIS[1])
    shop_near = DropOffPointFactory(kind="store", name="Shop 10 km", latitude=PARIS[0] + 0.09, longitude=PARIS[1])
    relay_far = DropOffPointFactory(kind="relay_point", latitude=PARIS[0] + 0.54, longitude=PARIS[1])
    locker = DropOffPointFactory(kind="locker", latitude=PARIS[0], longitude=PARIS[1] + 0.01)
    DropOffPointFactory(kind="store", latitude=PARIS[0], longitude=PARIS[1], is_active=False)

    found = _run(search, caps={"store": 50})
    assert [n.point for n in found] == [locker, shop_near, relay_far]  # the shop 60 km away is not offered
    assert found[1].distance_km == pytest.approx(10.0, abs=0.1)
    assert shop_far not in [n.point for n in _run(search, kinds=["store"], caps={"store": 50, "locker": 0})]
    assert [n.point for n in _run(search, kinds=["store"])] == [shop_near, shop_far]  # no maximum: both
    assert _run(search, kinds=["store"], caps={"store": 5}) == []
    assert [n.point for n in _run(search, caps={"locker": 0})] == [shop_near, shop_far, relay_far]


def test_the_limit_keeps_the_nearest_and_ties_go_by_id(search):
    same_place = [DropOffPointFactory(latitude=PARIS[0] + 0.3, longitude=PARIS[1]) for _ in range(3)]
    nearest = DropOffPointFactory(latitude=PARIS[0] + 0.001, longitude=PARIS[1])
    DropOffPointFactory(latitude=43.2965, longitude=5.3698)  # Marseille

    found = _run(search, limit=3)
    assert [n.point for n in found] == [nearest, *sorted(same_place, key=lambda p: p.pk)[:2]]


def test_points_beyond_the_widest_ring_are_never_offered(search):
    DropOffPointFactory(latitude=-21.1151, longitude=55.5364)  # La Réunion, 9,000 km from Paris
    assert _run(search) == []
    assert SEARCH_RADII_KM[-1] == 1500


def test_both_searches_give_the_same_answer(postgres_only):
    _scatter(400)
    rng = random.Random(7)
    cases = [
        {"kinds": None, "caps": None, "limit": 20},
        {"kinds": ["store"], "caps": {"store": 50}, "limit": 3},
        {"kinds": ["locker", "relay_point"], "caps": {"locker": 20, "relay_point": 30}, "limit": 10},
        {"kinds": None, "caps": {"store": 50, "relay_point": 20, "locker": 20, "post_office": 20}, "limit": 20},
        {"kinds": ["post_office"], "caps": None, "limit": 50},
    ]
    compared = 0
    for _ in range(12):
        origin = (rng.uniform(43.0, 51.0), rng.uniform(-2.0, 6.0))
        for case in cases:
            database = _run(points_near_in_database, origin=origin, **case)
            python = _run(points_near_in_python, origin=origin, **case)
            assert [(n.point.pk, n.distance_km) for n in database] == [(n.point.pk, n.distance_km) for n in python]
            compared += len(database)
    assert compared > 100  # the comparison saw real answers, not empty lists


def test_the_answer_is_the_true_nearest_whatever_ring_found_it(search):
    _scatter(200, seed=3)
    origin = (46.5, 3.0)  # the middle of France: nothing within the first rings
    usable = list(DropOffPoint.objects.usable())
    expected = sorted(usable, key=lambda p: (distance_km(*origin, p.latitude, p.longitude), p.pk))[:15]
    assert [n.point for n in _run(search, origin=origin, limit=15)] == expected


def _database_queries(**search) -> list[tuple[str, tuple]]:
    queries = []

    def keep(execute, sql, params, many, context):
        queries.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        found = _run(points_near_in_database, **search)
    return found, queries


def _plan(sql: str, params: tuple) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a handful of rows: make the planner show what it can use
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_database_search_reads_the_earth_index_nearest_first(postgres_only):
    near = DropOffPointFactory(latitude=PARIS[0], longitude=PARIS[1])
    DropOffPointFactory(latitude=PARIS[0] + 0.2, longitude=PARIS[1])

    found, queries = _database_queries(limit=1)

    assert [n.point for n in found] == [near]
    assert len(queries) == 1  # one nearest-first scan answered
    plan = _plan(*queries[0])
    assert "Index Scan using locations_dropoff_earth" in plan, plan
    assert "Order By" in plan, plan


def test_when_a_kinds_maximum_cuts_the_nearest_the_rings_read_the_index_by_box(postgres_only):
    DropOffPointFactory(kind="store", latitude=PARIS[0] + 0.54, longitude=PARIS[1])  # 60 km
    relay = DropOffPointFactory(kind="relay_point", latitude=PARIS[0] + 0.9, longitude=PARIS[1])  # 100 km

    found, queries = _database_queries(limit=1, caps={"store": 50})

    assert [n.point for n in found] == [relay]  # not the nearer shop beyond its 50 km
    boxes = [(sql, params) for sql, params in queries if "earth_box" in sql]
    assert boxes, queries
    assert "locations_dropoff_earth" in _plan(*boxes[0])


def test_a_tie_at_the_limit_is_broken_by_id_like_the_python_search(search):
    twins = [DropOffPointFactory(latitude=PARIS[0] + 0.01, longitude=PARIS[1]) for _ in range(4)]
    found = _run(search, limit=2)
    assert [n.point for n in found] == sorted(twins, key=lambda p: p.pk)[:2]


def test_drop_off_points_near_takes_the_maximum_per_kind():
    shop_far = DropOffPointFactory(kind="store", latitude=PARIS[0] + 0.54, longitude=PARIS[1])
    assert drop_off_points_near(latitude=PARIS[0], longitude=PARIS[1], kinds=["store"]) != []
    assert (
        drop_off_points_near(latitude=PARIS[0], longitude=PARIS[1], kinds=["store"], max_km_by_kind={"store": 50})
        == []
    )
    assert [
        n.point for n in drop_off_points_near(latitude=PARIS[0], longitude=PARIS[1], max_km_by_kind={"store": 70})
    ] == [shop_far]


def test_a_point_without_coordinates_is_never_offered(search):
    located = DropOffPointFactory(latitude=PARIS[0] + 0.01, longitude=PARIS[1])
    DropOffPointFactory(latitude=None, longitude=None)

    assert [n.point for n in _run(search, limit=5)] == [located]
