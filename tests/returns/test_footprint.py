"""Every return keeps the carbon estimate made when it was created: the way chosen, the distance, the factors applied
and their set's version; figures worked out by hand from the factors below."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from rma.core.exceptions import NotEligible
from rma.locations.models import PostcodePlace
from rma.returns.drop_offs import DropOffChoice
from rma.returns.footprint_backfill import footprints_backfill
from rma.returns.models import ReturnFootprint, ReturnRequest
from tests.locations.factories import DropOffPointFactory
from tests.returns.factories import return_request_make

pytestmark = pytest.mark.django_db

FACTORS = {
    "carrier_leg_g": {"store": 150, "relay_point": 300, "locker": 250, "post_office": 320, "home_pickup": 400},
    "car_g_per_km": 200,
    "dedicated_trip_share": {"store": 0.5, "relay_point": 0.5, "locker": 0.25, "post_office": 0.4, "home_pickup": 0},
    "walkable_km": 1.0,
}


@pytest.fixture(autouse=True)
def factors(settings):
    settings.RMA_CARBON_FACTORS = FACTORS
    settings.RMA_CARBON_FACTORS_VERSION = "test-2026.1"


def _point_north(kind: str, degrees: float):
    """A point `degrees` of latitude north of (45.0, 5.0): 0.045° is 5.004 km on a 6,371 km sphere."""
    return DropOffPointFactory(kind=kind, latitude=45.0 + degrees, longitude=5.0)


def test_a_relay_point_5_km_away_counts_the_carrier_and_the_customers_drive(policy, warehouse, reason):
    relay = _point_north("relay_point", 0.045)

    footprint = return_request_make(reason=reason, point=relay, order__latitude=45.0, order__longitude=5.0).footprint
    stored = ReturnFootprint.objects.get(pk=footprint.pk)

    # 2 × 5.004 km × 200 g/km × 0.5 = 1,001 g for the drive, plus the carrier's 300 g.
    assert (stored.method, stored.distance_m, stored.walkable) == ("relay_point", 5004, False)
    assert (stored.carrier_leg_g, stored.trip_g, stored.grams) == (300, 1001, 1301)
    assert stored.baseline_g == 400
    assert (stored.car_g_per_km, stored.trip_share, stored.walkable_km) == (200, Decimal("0.500"), Decimal("1.00"))
    assert stored.factors_version == "test-2026.1"


def test_a_locker_round_the_corner_is_walked_to(policy, warehouse, reason):
    locker = _point_north("locker", 0.005)  # 556 m

    footprint = return_request_make(reason=reason, point=locker, order__latitude=45.0, order__longitude=5.0).footprint

    assert (footprint.distance_m, footprint.walkable, footprint.trip_g, footprint.grams) == (556, True, 0, 250)


def test_a_home_pickup_is_the_baseline_itself(policy, warehouse, reason):
    day = timezone.localdate() + timedelta(days=2)
    if day.isoweekday() == 7:  # no pickup on Sundays
        day += timedelta(days=1)
    home = DropOffChoice(method="home_pickup", pickup_date=day, pickup_slot="08:00-12:00")

    footprint = return_request_make(reason=reason, drop_off=home).footprint

    assert footprint.method == "home_pickup"
    assert (footprint.distance_m, footprint.walkable, footprint.trip_g) == (None, False, 0)
    assert footprint.grams == footprint.baseline_g == 400


def test_an_order_without_coordinates_starts_from_its_postcode(policy, warehouse, reason):
    PostcodePlace.objects.create(postcode="38000", name="GRENOBLE", commune="Grenoble", latitude=45.0, longitude=5.0)
    post_office = _point_north("post_office", 0.045)

    footprint = return_request_make(
        reason=reason,
        point=post_office,
        order__latitude=None,
        order__longitude=None,
        order__postcode="38000",
        order__city="Grenoble",
    ).footprint

    # 2 × 5.004 km × 200 g/km × 0.4 = 801 g, plus the carrier's 320 g.
    assert (footprint.distance_m, footprint.trip_g, footprint.grams) == (5004, 801, 1121)


def test_an_address_that_cannot_be_located_counts_the_carrier_only(policy, warehouse, reason):
    store_point = _point_north("store", 0.045)

    footprint = return_request_make(
        reason=reason, point=store_point, order__latitude=None, order__longitude=None, order__postcode="99999"
    ).footprint

    assert (footprint.distance_m, footprint.trip_g, footprint.grams) == (None, 0, 150)


def test_new_factors_leave_earlier_estimates_as_they_were(settings, policy, warehouse, reason):
    relay = _point_north("relay_point", 0.045)
    before = return_request_make(reason=reason, point=relay, order__latitude=45.0, order__longitude=5.0)
    settings.RMA_CARBON_FACTORS = {**FACTORS, "car_g_per_km": 100}
    settings.RMA_CARBON_FACTORS_VERSION = "test-2027.1"

    after = return_request_make(reason=reason, point=relay, order__latitude=45.0, order__longitude=5.0)

    rows = {row.return_request_id: row for row in ReturnFootprint.objects.all()}
    assert (rows[before.pk].grams, rows[before.pk].factors_version) == (1301, "test-2026.1")
    # 2 × 5.004 km × 100 g/km × 0.5 = 500 g.
    assert (rows[after.pk].grams, rows[after.pk].car_g_per_km, rows[after.pk].factors_version) == (
        800,
        100,
        "test-2027.1",
    )


def test_a_refused_return_leaves_no_estimate(policy, warehouse, reason, relay):
    line = return_request_make(reason=reason, relay=relay, quantity=2).lines.get().order_line

    with pytest.raises(NotEligible):
        return_request_make(reason=reason, relay=relay, order_line=line, quantity=2)

    assert ReturnRequest.objects.count() == ReturnFootprint.objects.count() == 1


def test_the_admin_shows_a_returns_estimate_and_its_factors(admin_client, policy, warehouse, reason):
    relay = _point_north("relay_point", 0.045)
    return_request = return_request_make(reason=reason, point=relay, order__latitude=45.0, order__longitude=5.0)

    page = admin_client.get(reverse("admin:returns_returnrequest_change", args=(return_request.pk,)))

    assert page.status_code == 200
    text = page.content.decode()
    assert "carbon estimate" in text.lower() or "estimation carbone" in text.lower()
    for shown in ("1301", "1001", "5004", "test-2026.1"):
        assert shown in text


def test_a_returnless_refund_emits_nothing_but_keeps_its_baseline(policy, warehouse, reason):
    policy.returnless_refund_below = Decimal("10.00")
    policy.save()
    relay = _point_north("relay_point", 0.045)

    return_request = return_request_make(
        reason=reason, point=relay, unit_price=Decimal("4.50"), order__latitude=45.0, order__longitude=5.0
    )

    footprint = ReturnFootprint.objects.get(return_request=return_request)
    assert return_request.returnless is True
    assert (footprint.grams, footprint.carrier_leg_g, footprint.trip_g, footprint.baseline_g) == (0, 0, 0, 400)
    assert footprint.distance_m == 5004


def test_the_backfill_estimates_returns_without_one_with_todays_factors_once(policy, warehouse, reason):
    relay = _point_north("relay_point", 0.045)
    PostcodePlace.objects.create(postcode="38000", name="GRENOBLE", commune="Grenoble", latitude=45.0, longitude=5.0)
    older = return_request_make(reason=reason, point=relay, order__latitude=45.0, order__longitude=5.0)
    by_postcode = return_request_make(
        reason=reason, point=relay, order__latitude=None, order__longitude=None, order__postcode="38000"
    )
    kept = return_request_make(reason=reason, point=relay, order__latitude=45.0, order__longitude=5.0)
    ReturnFootprint.objects.filter(return_request__in=[older, by_postcode]).delete()

    written = footprints_backfill(batch_size=1)
    again = footprints_backfill()

    assert (written, again) == (2, 0)
    rows = {row.return_request_id: row for row in ReturnFootprint.objects.all()}
    assert (rows[older.pk].grams, rows[older.pk].factors_version) == (1301, "test-2026.1+backfill")
    assert rows[older.pk].created_at == older.created_at
    assert rows[by_postcode.pk].distance_m == 5004
    assert rows[kept.pk].factors_version == "test-2026.1"


def test_a_point_farther_than_the_portal_offers_counts_no_trip(settings, policy, warehouse, reason):
    settings.RMA_DROP_OFF_MAX_KM = {"store": 50}
    shop = _point_north("store", 0.9)  # 100 km: handed in while travelling, not a trip made for the return

    footprint = return_request_make(reason=reason, point=shop, order__latitude=45.0, order__longitude=5.0).footprint

    assert (footprint.distance_m, footprint.trip_g, footprint.grams) == (100_075, 0, 150)
