"""French public holidays ("jours fériés"), so that a point's coming days do not promise hours on a day it is shut.

The list is the Code du travail's (article L3133-1): New Year's Day, Easter Monday, 1 May, 8 May, Ascension Day
(Easter + 39 days), Whit Monday (Easter + 50), 14 July, 15 August, 1 November, 11 November and Christmas Day. In
Alsace and Moselle (departments 57, 67 and 68) local law adds Good Friday and 26 December (article L3134-13).
Easter Sunday is computed with the Gregorian computus (the "anonymous Gregorian algorithm" of Meeus, Jones and
Butcher), valid for every year of the Gregorian calendar. Overseas departments add their own days for the abolition
of slavery; they are not listed here (the portal's network is metropolitan France).
"""

from datetime import date, timedelta
from functools import lru_cache

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Departments whose local law adds Good Friday and St Stephen's Day.
ALSACE_MOSELLE = frozenset({"57", "67", "68"})


def easter_sunday(year: int) -> date:
    """Easter Sunday of a Gregorian year (Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    epact_weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * epact_weekday) // 451
    month, day = divmod(h + epact_weekday - 7 * m + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=64)
def french_public_holidays(year: int, *, alsace_moselle: bool = False) -> dict[date, Promise]:
    """Every public holiday of the year in metropolitan France, with its name; Alsace-Moselle's two more if asked."""
    easter = easter_sunday(year)
    days: dict[date, Promise] = {
        date(year, 1, 1): _("New Year's Day"),
        easter + timedelta(days=1): _("Easter Monday"),
        date(year, 5, 1): _("Labour Day"),
        date(year, 5, 8): _("Victory in Europe Day"),
        easter + timedelta(days=39): _("Ascension Day"),
        easter + timedelta(days=50): _("Whit Monday"),
        date(year, 7, 14): _("Bastille Day"),
        date(year, 8, 15): _("Assumption Day"),
        date(year, 11, 1): _("All Saints' Day"),
        date(year, 11, 11): _("Armistice Day"),
        date(year, 12, 25): _("Christmas Day"),
    }
    if alsace_moselle:
        days[easter - timedelta(days=2)] = _("Good Friday")
        days[date(year, 12, 26)] = _("St Stephen's Day")
    return dict(sorted(days.items()))


def postcode_in_alsace_moselle(postcode: str) -> bool:
    """A French postcode of the Moselle, Bas-Rhin or Haut-Rhin."""
    return postcode.strip()[:2] in ALSACE_MOSELLE


def public_holiday(day: date, *, country: str = "FR", postcode: str = "") -> Promise | None:
    """The name of the public holiday falling on ``day`` where the postcode is, or None (also outside France)."""
    if country.upper() not in ("", "FR"):
        return None
    return french_public_holidays(day.year, alsace_moselle=postcode_in_alsace_moselle(postcode)).get(day)
