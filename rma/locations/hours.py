"""A drop-off point's coming days: what the customer will find when going there, day by day.

Reads the point's weekly hours (or its shop's), its exceptional closures and the public holidays where it is. A
staffed point is taken as shut on a public holiday: the carriers' feeds do not say which points open on those days,
and a customer sent to a closed door loses a trip, while one told "closed" only picks another day. A point open
24/7 (a locker) stays open on holidays, unless it has a closure.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils.functional import Promise

from rma.locations.choices import WEEKDAYS
from rma.locations.holidays import public_holiday
from rma.locations.models import DropOffPoint


@dataclass(frozen=True)
class OpeningDay:
    """One day at a point: its slots ("HH:MM", "HH:MM"), or why it is shut."""

    day: date
    slots: tuple[tuple[str, str], ...] = ()
    always_open: bool = False
    closure: bool = False  # an exceptional closure (holidays of the shopkeeper, works...)
    holiday: Promise | None = None  # the public holiday falling on this day, open or not

    @property
    def is_open(self) -> bool:
        return self.always_open or bool(self.slots)


def weekly_hours(point: DropOffPoint) -> Mapping[str, Any]:
    """The point's own weekly hours, else those of the shop it belongs to."""
    if point.opening_hours:
        return point.opening_hours
    if point.store_id and point.store is not None:
        return point.store.opening_hours or {}
    return {}


def closed_on(point: DropOffPoint, day: date) -> bool:
    """Whether one of the point's closures ({"start", "end"} ISO dates, both included) covers the day."""
    iso = day.isoformat()
    for closure in point.closures or []:
        if isinstance(closure, dict) and str(closure.get("start", "")) <= iso <= str(closure.get("end", "")):
            return True
    return False


def opening_days(*, point: DropOffPoint, start: date, days: int) -> list[OpeningDay]:
    """The point's ``days`` days from ``start``: slots, closures and public holidays."""
    hours = weekly_hours(point)
    found = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        holiday = public_holiday(day, country=point.country or "FR", postcode=point.postcode)
        if closed_on(point, day):
            found.append(OpeningDay(day, closure=True, holiday=holiday))
        elif point.open_24_7:
            found.append(OpeningDay(day, always_open=True, holiday=holiday))
        elif holiday is not None:
            found.append(OpeningDay(day, holiday=holiday))
        else:
            slots = hours.get(WEEKDAYS[day.weekday()], []) if isinstance(hours, Mapping) else []
            found.append(OpeningDay(day, slots=tuple((str(a), str(b)) for a, b in slots)))
    return found
