from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rma.locations.models import PostcodePlace
from tests.locations.factories import DropOffPointFactory

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parents[1] / "fixtures" / "laposte_hexasmal_gps.csv"
BASTILLE = {"lat": 48.8532, "lng": 2.3691}


def point(name, lat, lng, **kwargs):
    kwargs.setdefault("postcode", "75011")
    return DropOffPointFactory(name=name, latitude=lat, longitude=lng, city="Paris", **kwargs)


@pytest.fixture
def points(store_point):
    # Paris 11e as La Poste's postcode file places it (the search locates a postcode only from that file).
    PostcodePlace.objects.create(
        postcode="75011", name="PARIS", commune="PARIS 11", latitude=48.8590, longitude=2.3800
    )
    return {
        "near": point("Tabac de la Roquette", 48.8540, 2.3700, wheelchair_accessible=True, max_weight_kg=20),
        "locker": point("Consigne Voltaire", 48.8580, 2.3790, kind="locker", open_24_7=True, opening_hours={}),
        "far": point("Relais Lyon", 45.7640, 4.8357, postcode="69001"),
        "closed": point("Fermé", 48.8535, 2.3695, is_active=False),
    }


def test_nearest_first_by_coordinates_with_full_details(agent, points):
    response = agent.get("/api/v1/drop-off-points/", {**BASTILLE, "limit": 3})

    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["name"] for r in results][:2] == ["Tabac de la Roquette", "Consigne Voltaire"]
    assert "Fermé" not in [r["name"] for r in results]
    assert len(results) == 3
    first = results[0]
    assert first["id"] == points["near"].pk
    assert 0 < first["distance_km"] < 0.2
    assert first["kind"] == "relay_point"
    assert first["address"]["postcode"] == "75011"
    assert first["coordinates"] == {"latitude": 48.854, "longitude": 2.37}
    assert first["opening_hours"]["mon"] == [["09:00", "12:30"], ["14:00", "19:00"]]
    assert first["open_24_7"] is False
    assert first["accessibility"] == {"wheelchair_accessible": True}
    assert first["limits"] == {"max_weight_kg": 20, "max_dimensions_cm": None}
    assert first["store_code"] is None
    assert [r["distance_km"] for r in results] == sorted(r["distance_km"] for r in results)


def test_by_postcode_and_kinds(store_staff, points):
    response = store_staff.get("/api/v1/drop-off-points/?postcode=75011&kind=locker&kind=store")

    assert response.status_code == 200
    results = response.json()["results"]
    assert {r["kind"] for r in results} == {"locker", "store"}
    shop = next(r for r in results if r["kind"] == "store")
    assert shop["store_code"] == "PAR-RIV"


def test_kinds_may_be_comma_separated(warehouse_staff, points):
    response = warehouse_staff.get("/api/v1/drop-off-points/", {**BASTILLE, "kind": "locker,store"})

    assert {r["kind"] for r in response.json()["results"]} == {"locker", "store"}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({}, "non_field_errors"),
        ({"lat": "48.85"}, "lng"),
        ({"lat": "north", "lng": "2.3"}, "lat"),
        ({"lat": "95", "lng": "2.3"}, "lat"),
        ({"lat": "nan", "lng": "2.3"}, "lat"),
        ({"postcode": "75011", "kind": "teleporter"}, "kind"),
        ({"postcode": "75011", "limit": "51"}, "limit"),
        ({"postcode": "75011", "limit": "0"}, "limit"),
        ({"postcode": "75011", "limit": "ten"}, "limit"),
    ],
)
def test_validation_errors_are_400_json(agent, points, query, field):
    response = agent.get("/api/v1/drop-off-points/", query)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["details"]


def test_unknown_postcode_is_404_unknown_postcode(agent, points):
    response = agent.get("/api/v1/drop-off-points/?postcode=97600")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_postcode"


def test_fixed_number_of_queries_whatever_the_number_of_points(agent, django_assert_num_queries, points):
    with CaptureQueriesContext(connection) as queries:
        response = agent.get("/api/v1/drop-off-points/?postcode=75011&limit=50")
    baseline, found = len(queries), len(response.json()["results"])
    assert found == 4  # the three active Paris points and the Lyon one

    for i in range(10):
        point(f"Relais {i}", 48.85 + i / 1000, 2.37 + i / 1000)
    with django_assert_num_queries(baseline):
        response = agent.get("/api/v1/drop-off-points/?postcode=75011&limit=50")
    assert len(response.json()["results"]) == found + 10


def test_the_city_places_a_postcode_shared_by_several_towns(agent):
    call_command("postcodes_import", str(FIXTURE), stdout=StringIO(), stderr=StringIO())
    chatillon = point("Châtillon", 46.1215, 4.9570, postcode="01400")
    abergement = point("Abergement", 46.1530, 4.9260, postcode="01400")

    for city, nearest in (("Châtillon-sur-Chalaronne", chatillon), ("L'Abergement-Clémenciat", abergement)):
        response = agent.get("/api/v1/drop-off-points/", {"postcode": "01400", "city": city, "limit": 1})
        assert response.status_code == 200
        assert [r["id"] for r in response.json()["results"]] == [nearest.pk]


def test_a_locker_answers_with_its_compartment_sizes(agent):
    sizes = [
        {"size": "A", "height": 8, "width": 38, "depth": 64},
        {"size": "C", "height": 41, "width": 38, "depth": 64},
    ]
    point("Consigne Bastille", 48.8533, 2.3692, kind="locker", compartments=sizes)
    point("Tabac", 48.8534, 2.3693)

    results = agent.get("/api/v1/drop-off-points/", {**BASTILLE, "limit": 2}).json()["results"]

    assert {r["name"]: r["compartments"] for r in results} == {"Consigne Bastille": sizes, "Tabac": []}
    response = agent.get("/api/v1/drop-off-points/", {"postcode": "75011", "address": "x" * 201})
    assert response.status_code == 400
