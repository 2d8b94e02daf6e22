"""A point's coming days: several slots a day, its shop's hours, closures, public holidays and 24/7 lockers."""

from datetime import date

import pytest
from django.utils import translation

from rma.locations.hours import opening_days
from tests.locations.factories import DropOffPointFactory, StoreFactory

pytestmark = pytest.mark.django_db

SPLIT_DAY = [["09:00", "12:30"], ["14:00", "19:00"]]
MONDAY = date(2026, 3, 2)


def test_several_slots_a_day_and_a_day_left_out_is_closed():
    hours = {"mon": SPLIT_DAY, "tue": [["08:00", "20:00"]], "sat": [["10:00", "24:00"]]}
    point = DropOffPointFactory(opening_hours=hours)
    days = opening_days(point=point, start=MONDAY, days=7)
    assert [d.day for d in days] == [date(2026, 3, d) for d in range(2, 9)]
    assert days[0].slots == (("09:00", "12:30"), ("14:00", "19:00"))
    assert days[1].slots == (("08:00", "20:00"),)
    assert days[2].slots == ()
    assert not days[2].is_open
    assert days[5].slots == (("10:00", "24:00"),)
    assert not days[6].is_open


def test_a_shop_counter_without_hours_of_its_own_takes_the_shops():
    store = StoreFactory(opening_hours={"mon": [["10:00", "19:30"]]})
    point = DropOffPointFactory(kind="store", store=store, opening_hours={})
    assert opening_days(point=point, start=MONDAY, days=1)[0].slots == (("10:00", "19:30"),)


def test_an_exceptional_closure_shuts_every_day_it_covers():
    point = DropOffPointFactory(closures=[{"start": "2026-03-03", "end": "2026-03-04"}])
    days = opening_days(point=point, start=MONDAY, days=4)
    assert [d.is_open for d in days] == [True, False, False, True]
    assert days[1].closure
    assert days[2].closure
    assert not days[0].closure


def test_a_staffed_point_is_closed_on_a_public_holiday_and_a_247_locker_is_not():
    # Whit Monday 2026 is 25 May; the relay point usually opens on Mondays.
    relay = DropOffPointFactory(opening_hours={"mon": SPLIT_DAY, "tue": SPLIT_DAY})
    locker = DropOffPointFactory(kind="locker", open_24_7=True, opening_hours={})
    relay_days = opening_days(point=relay, start=date(2026, 5, 25), days=2)
    assert not relay_days[0].is_open
    with translation.override("en"):
        assert str(relay_days[0].holiday) == "Whit Monday"
    assert relay_days[1].is_open
    assert relay_days[1].holiday is None
    locker_day = opening_days(point=locker, start=date(2026, 5, 25), days=1)[0]
    assert locker_day.is_open
    assert locker_day.always_open
    assert locker_day.holiday is not None


def test_good_friday_closes_a_point_in_strasbourg_but_not_in_lyon():
    friday = date(2026, 4, 3)
    hours = {"fri": SPLIT_DAY}
    strasbourg = DropOffPointFactory(postcode="67000", city="Strasbourg", opening_hours=hours)
    lyon = DropOffPointFactory(postcode="69003", city="Lyon", opening_hours=hours)
    assert not opening_days(point=strasbourg, start=friday, days=1)[0].is_open
    assert opening_days(point=lyon, start=friday, days=1)[0].is_open


def test_a_closure_wins_over_24_7():
    closures = [{"start": "2026-03-02", "end": "2026-03-02"}]
    locker = DropOffPointFactory(kind="locker", open_24_7=True, closures=closures)
    assert not opening_days(point=locker, start=MONDAY, days=1)[0].is_open
