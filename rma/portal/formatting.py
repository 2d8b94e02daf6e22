"""How the portal shows money, days, distances, addresses, opening hours and lines, in the active language."""

from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from typing import Any, Protocol

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import get_language, gettext, pgettext
from django.utils.translation import gettext_lazy as _

from rma.core import formatting
from rma.integrations.shop import Variant, shop_client_get
from rma.locations import hours
from rma.locations.choices import DropOffMethod
from rma.locations.hours import OpeningDay
from rma.locations.models import DropOffPoint
from rma.orders.models import OrderLine
from rma.returns.carbon import HOME_PICKUP

COUNTRY_NAMES = {
    "FR": _("France"),
    "BE": _("Belgium"),
    "LU": _("Luxembourg"),
    "MC": _("Monaco"),
    "CH": _("Switzerland"),
}
OPENING_DAYS_SHOWN = 7


def money(amount: Decimal | int | float, currency: str = "EUR") -> str:
    """49,90 € in French, €49.90 in English."""
    return formatting.money(amount, currency)


def day_label(value: date) -> str:
    """lundi 1er décembre / Monday, December 1."""
    if isinstance(value, datetime):  # shown in the active time zone: not kept
        return formatting.day_month(value, weekday=True)
    return _day_label(value, get_language())


@lru_cache(maxsize=256)
def _day_label(value: date, language: str | None) -> str:
    # The drop-off step prints the same week for each of its dozen places: each day is formatted once per language.
    return formatting.day_month(value, weekday=True)


def distance_label(km: float) -> str:
    if km < 1:
        return f"{number_format(round(km * 1000, -1), decimal_pos=0)}\u00a0m"
    return f"{number_format(km, decimal_pos=1, use_l10n=True)}\u00a0km"


def grams_label(grams: int) -> str:
    if grams >= 1000:
        return f"{number_format(grams / 1000, decimal_pos=2, use_l10n=True)}\u00a0kg CO₂e"
    return f"{number_format(grams, decimal_pos=0, use_l10n=True)}\u00a0g CO₂e"


class PostalAddress(Protocol):
    """What an address is printed from: an order's delivery address, a drop-off point's."""

    @property
    def address_line1(self) -> str: ...

    @property
    def postcode(self) -> str: ...

    @property
    def city(self) -> str: ...


def address_lines(obj: PostalAddress) -> list[str]:
    """The postal lines of an address (French postal order: postcode before city), country in the UI language."""
    lines = [obj.address_line1, getattr(obj, "address_line2", ""), f"{obj.postcode} {obj.city}".strip()]
    country = getattr(obj, "country", "") or ""
    lines.append(str(COUNTRY_NAMES.get(country.upper(), country)))
    return [line for line in lines if line]


def _slot_label(start: str, end: str) -> str:
    """9:00–12:30 in both languages: short enough for a phone's line, and read the same in France."""

    def shown(value: str) -> str:
        hours, minutes = (int(part) for part in value.split(":"))
        if hours == 24:
            return "24:00"
        moment = time(hours, minutes)
        # Django's time format "G:i" (no leading zero on the hour), which no language changes: without its cost.
        return f"{moment.hour}:{moment.minute:02d}"

    return f"{shown(start)}\u2013{shown(end)}"


def opening_day_view(day: OpeningDay, *, today: date) -> dict[str, Any]:
    """One coming day as the pages print it: "Tomorrow", "9:00–12:30, 14:00–19:00", and why it is shut."""
    if day.closure:
        text, note = pgettext("opening hours", "Closed"), gettext("Exceptional closure")
    elif day.always_open:
        text, note = gettext("Open 24 hours"), str(day.holiday or "")
    elif day.holiday is not None:
        text, note = pgettext("opening hours", "Closed"), gettext("Public holiday: %(name)s") % {"name": day.holiday}
    else:
        text = ", ".join(_slot_label(start, end) for start, end in day.slots) or pgettext("opening hours", "Closed")
        note = ""
    offset = (day.day - today).days
    if offset == 0:
        name = gettext("Today")
    elif offset == 1:
        name = gettext("Tomorrow")
    else:
        name = day_label(day.day)
    return {"date": day.day, "name": name, "hours": text, "open": day.is_open, "note": note}


def opening_days(point: DropOffPoint, *, days: int = OPENING_DAYS_SHOWN) -> list[dict[str, Any]]:
    """Opening hours for today and the coming days: slots, exceptional closures and public holidays."""
    today = timezone.localdate()
    return [opening_day_view(day, today=today) for day in hours.opening_days(point=point, start=today, days=days)]


def mask_email(email: str) -> str:
    """c••••@example.fr: enough for the customer to recognise, not enough to read aloud."""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}{'•' * max(len(local) - 1, 3)}@{domain}" if domain else ""


def variant_label(variant: Variant) -> str:
    parts = [str(_("size %(size)s") % {"size": variant.size}) if variant.size else "", variant.colour]
    return " · ".join(p for p in parts if p) or variant.sku


def sku_label(sku: str) -> str:
    """ "size M · blanc" for a SKU the shop knows (its catalogue or an order line), else the SKU itself."""
    variant = shop_client_get().variant_for_sku(sku=sku)
    return variant_label(variant) if variant is not None else sku


def line_view(line: OrderLine, currency: str) -> dict[str, Any]:
    """An order line as the pages show it: name, size and colour, unit price."""
    details = [d for d in (line.size and gettext("Size %(size)s") % {"size": line.size}, line.colour) if d]
    return {
        "line": line,
        "pk": line.pk,
        "name": line.name,
        "details": " · ".join(details),
        "unit_price": money(line.unit_price, currency),
        "category": line.category,
    }


def drop_off_summary(choice_method: str, point: DropOffPoint | None, pickup_date: date | None, slot: str):
    """Where and when the parcel is handed over, as the review, confirmation and tracking pages show it."""
    if choice_method == HOME_PICKUP:
        return {
            "method": HOME_PICKUP,
            "method_label": DropOffMethod.HOME_PICKUP.label,
            "when": f"{day_label(pickup_date)}, {slot}" if pickup_date else "",
        }
    return {
        "method": choice_method,
        "method_label": DropOffMethod(choice_method).label if choice_method in DropOffMethod.values else "",
        "name": point.name if point else "",
        "address": address_lines(point) if point else [],
        "hours": opening_days(point) if point else [],
        "label_printing": bool(point and point.label_printing),
    }


def percent(value: Decimal) -> str:
    """+10 % in French, +10% in English (no trailing zeros: 7,5 not 7,50)."""
    number = value.to_integral_value() if value == value.to_integral_value() else value.normalize()
    shown = number_format(number, use_l10n=True)
    return f"+{shown}\u00a0%" if formatting.is_french() else f"+{shown}%"
