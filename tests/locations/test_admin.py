"""The locations admin: opening hours checked by the model's validator, staff picked with a filter widget."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rma.locations.models import DropOffPoint
from tests.core.factories import UserFactory
from tests.locations.factories import DropOffPointFactory, StoreFactory, WarehouseFactory

pytestmark = pytest.mark.django_db

HOURS = {"mon": [["09:00", "12:30"], ["14:00", "19:00"]]}


def drop_off_point_data(**overrides):
    data = {
        "name": "Tabac de la Gare",
        "kind": "relay_point",
        "carrier": "mondial_relay",
        "carrier_point_id": "FR-123456",
        "accepts_returns": "on",
        "is_active": "on",
        "country": "FR",
        "postcode": "69002",
        "city": "Lyon",
        "opening_hours": json.dumps(HOURS),
        "closures": "[]",
    }
    return {**data, **overrides}


def test_drop_off_point_with_good_opening_hours_is_created(admin_client):
    response = admin_client.post(reverse("admin:locations_dropoffpoint_add"), drop_off_point_data())

    assert response.status_code == 302
    assert DropOffPoint.objects.get(carrier_point_id="FR-123456").opening_hours == HOURS


@pytest.mark.parametrize(
    "hours",
    [
        {"mon": [["14:00", "12:00"]]},  # ends before it starts
        {"mon": [["09:00", "13:00"], ["12:00", "18:00"]]},  # overlapping slots
        {"monday": [["09:00", "12:00"]]},  # not a weekday key
        ["09:00", "18:00"],  # not a mapping
    ],
)
def test_drop_off_point_with_bad_opening_hours_shows_the_validator_error(admin_client, hours):
    response = admin_client.post(
        reverse("admin:locations_dropoffpoint_add"), drop_off_point_data(opening_hours=json.dumps(hours))
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["opening_hours"]
    assert not DropOffPoint.objects.exists()


def test_drop_off_point_changelist_filters_and_searches(admin_client):
    relay = DropOffPointFactory(kind="relay_point", postcode="69001")
    locker = DropOffPointFactory(kind="locker", carrier="inpost", postcode="75011", city="Paris")
    DropOffPointFactory(kind="locker", carrier="inpost", is_active=False)
    url = reverse("admin:locations_dropoffpoint_changelist")

    by_kind = admin_client.get(url, {"kind__exact": "locker", "is_active__exact": "1"})
    by_carrier = admin_client.get(url, {"carrier": "mondial_relay"})
    by_postcode = admin_client.get(url, {"q": "75011"})
    by_point_id = admin_client.get(url, {"q": relay.carrier_point_id})

    assert list(by_kind.context["cl"].result_list) == [locker]
    assert list(by_carrier.context["cl"].result_list) == [relay]
    assert list(by_postcode.context["cl"].result_list) == [locker]
    assert list(by_point_id.context["cl"].result_list) == [relay]


@pytest.mark.parametrize(("factory", "name"), [(StoreFactory, "store"), (WarehouseFactory, "warehouse")])
def test_staff_are_picked_with_the_horizontal_filter_and_saved(admin_client, factory, name):
    place = factory(opening_hours=HOURS) if name == "store" else factory()
    clerk = UserFactory()
    url = reverse(f"admin:locations_{name}_change", args=(place.pk,))
    page = admin_client.get(url)
    form = page.context["adminform"].form
    assert 'class="selectfilter"' in str(form["staff"])
    data = {key: form[key].value() for key in form.fields if form[key].value() is not None}
    if name == "store":
        data["opening_hours"] = json.dumps(HOURS)

    response = admin_client.post(url, {**data, "staff": [clerk.pk]})

    assert response.status_code == 302
    assert list(place.staff.all()) == [clerk]


@pytest.mark.parametrize("name", ["store", "dropoffpoint", "warehouse"])
def test_location_changelists_query_count_does_not_grow_with_rows(admin_client, name):
    def add_rows(count):
        for _ in range(count):
            store = StoreFactory()
            DropOffPointFactory(store=store, kind="store")

    add_rows(2)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(reverse(f"admin:locations_{name}_changelist"))
    add_rows(8)
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(reverse(f"admin:locations_{name}_changelist"))

    assert response.context["cl"].result_count == 10
    assert len(many) == len(few)
