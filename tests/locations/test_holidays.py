"""French public holidays: the fixed days, the Easter-based ones, and Alsace-Moselle's two more."""

from datetime import date

import pytest
from django.utils import translation

from rma.locations.holidays import easter_sunday, french_public_holidays, public_holiday

# Easter Sundays as published (Paris Observatory's Bureau des longitudes tables; the earliest and latest possible
# dates, 22 March and 25 April, included).
EASTER = {
    1818: date(1818, 3, 22),
    1943: date(1943, 4, 25),
    2000: date(2000, 4, 23),
    2008: date(2008, 3, 23),
    2019: date(2019, 4, 21),
    2024: date(2024, 3, 31),
    2025: date(2025, 4, 20),
    2026: date(2026, 4, 5),
    2027: date(2027, 3, 28),
    2038: date(2038, 4, 25),
}


@pytest.mark.parametrize(("year", "expected"), sorted(EASTER.items()))
def test_easter_sunday(year, expected):
    assert easter_sunday(year) == expected
    assert expected.isoweekday() == 7


def test_the_2026_calendar_as_service_public_lists_it():
    # service-public.fr, "Jours fériés 2026": 1 Jan, Mon 6 Apr (Easter Monday), 1 May, 8 May, Thu 14 May (Ascension),
    # Mon 25 May (Whit Monday), 14 Jul, 15 Aug, 1 Nov, 11 Nov, 25 Dec.
    expected = [
        date(2026, 1, 1), date(2026, 4, 6), date(2026, 5, 1), date(2026, 5, 8), date(2026, 5, 14),
        date(2026, 5, 25), date(2026, 7, 14), date(2026, 8, 15), date(2026, 11, 1), date(2026, 11, 11),
        date(2026, 12, 25),
    ]  # fmt: skip
    assert list(french_public_holidays(2026)) == expected
    with translation.override("en"):
        assert str(french_public_holidays(2026)[date(2026, 5, 14)]) == "Ascension Day"


def test_alsace_and_moselle_add_good_friday_and_st_stephens_day():
    local = french_public_holidays(2026, alsace_moselle=True)
    assert len(local) == 13
    assert set(local) - set(french_public_holidays(2026)) == {date(2026, 4, 3), date(2026, 12, 26)}
    assert public_holiday(date(2026, 4, 3), postcode="67000") is not None  # Strasbourg
    assert public_holiday(date(2026, 4, 3), postcode="57000") is not None  # Metz
    assert public_holiday(date(2026, 4, 3), postcode="69003") is None  # Lyon works on Good Friday
    assert public_holiday(date(2026, 12, 26), postcode="68100") is not None  # Mulhouse


def test_an_ordinary_day_and_another_country_have_no_holiday():
    assert public_holiday(date(2026, 3, 3)) is None
    assert public_holiday(date(2026, 7, 14), country="BE") is None  # Belgium's national day is 21 July
    assert public_holiday(date(2026, 7, 14), country="FR") is not None
