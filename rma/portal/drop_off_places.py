"""The places the drop-off step offers: the nearest points of each kind within the farthest distance allowed for
that kind (setting RMA_DROP_OFF_MAX_KM: no shop hundreds of km away), each with its distance, coming days and carbon
estimate, plus home pickup; and where the customer is, for the map."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext, ngettext, pgettext

from rma.core.exceptions import DomainError
from rma.locations.addresses import address_coordinates
from rma.locations.choices import DropOffKind, DropOffMethod
from rma.locations.selectors import NearbyPoint, drop_off_points_near, postcode_coordinates
from rma.orders.models import Order
from rma.portal.formatting import address_lines, distance_label, grams_label, opening_days
from rma.returns.carbon import HOME_PICKUP, carbon_estimate, convenience_sort_key

POINT_KINDS = (DropOffKind.STORE, DropOffKind.RELAY_POINT, DropOffKind.LOCKER, DropOffKind.POST_OFFICE)
POINTS_PER_KIND = 3
FILTER_ALL = "all"


@dataclass
class DropOffPlaces:
    """What the step shows: the options nearest first, where the customer is (None when unknown) and any error."""

    options: list[dict[str, Any]]
    error: str = ""
    latitude: float | None = None
    longitude: float | None = None
    position_label: str = ""
    counts: dict[str, int] = field(default_factory=dict)


def kind_filter_label(kind: str) -> str:
    """The filter's words for a kind, in the plural ("Relay points")."""
    labels = {
        DropOffKind.STORE: pgettext("drop-off filter", "Shops"),
        DropOffKind.RELAY_POINT: pgettext("drop-off filter", "Relay points"),
        DropOffKind.LOCKER: pgettext("drop-off filter", "Lockers"),
        DropOffKind.POST_OFFICE: pgettext("drop-off filter", "Post offices"),
        HOME_PICKUP: pgettext("drop-off filter", "At home"),
    }
    return labels.get(kind, kind)


def places_shown_text(*, kind: str, count: int) -> str:
    """What a screen reader hears after a filter is chosen."""
    if kind == FILTER_ALL:
        return ngettext("%(count)d option shown.", "%(count)d options shown.", count) % {"count": count}
    return ngettext("%(count)d option shown: %(kind)s.", "%(count)d options shown: %(kind)s.", count) % {
        "count": count,
        "kind": kind_filter_label(kind),
    }


def _customer_position(*, order: Order, postcode: str) -> tuple[float, float, str] | None:
    """Where the search starts: the searched postcode, else the order's delivery address (its coordinates, else the
    address itself in the Base Adresse Nationale, else its postcode and city)."""
    if postcode:
        found = postcode_coordinates(postcode=postcode)
        label = gettext("Postcode %(postcode)s") % {"postcode": postcode}
    elif order.latitude is not None and order.longitude is not None:
        found = (order.latitude, order.longitude)
        label = gettext("Your delivery address")
    else:
        found = address_coordinates(
            line1=order.address_line1, postcode=order.postcode, city=order.city, country=order.country or "FR"
        ) or postcode_coordinates(postcode=order.postcode, city=order.city, country=order.country or "FR")
        label = gettext("Your delivery address")
    return (found[0], found[1], label) if found is not None else None


def _points_near(*, latitude: float, longitude: float, max_km: Mapping[str, float]) -> list[NearbyPoint]:
    """The nearest points of each kind, none farther than its kind's maximum."""
    found: list[NearbyPoint] = []
    for kind in POINT_KINDS:
        found += drop_off_points_near(
            latitude=latitude, longitude=longitude, kinds=[kind], limit=POINTS_PER_KIND, max_km_by_kind=max_km
        )
    return found


def _point_option(nearby: NearbyPoint) -> dict[str, Any]:
    point = nearby.point
    estimate = carbon_estimate(kind=point.kind, distance_km=nearby.distance_km)
    hours = opening_days(point)
    lines = address_lines(point)
    # The row's one line: street and town; the full address is with the point's hours.
    short = [point.address_line1, point.city]
    return {
        "value": f"point:{point.pk}",
        "kind": point.kind,
        "kind_label": DropOffKind(point.kind).label,
        "name": point.name,
        "point": point,
        "address": lines,
        "short_address": ", ".join(line for line in short if line),
        "latitude": point.latitude,
        "longitude": point.longitude,
        "distance_km": nearby.distance_km,
        "distance": distance_label(nearby.distance_km),
        "carbon_g": estimate.grams,
        "carbon": grams_label(estimate.grams),
        "walkable": estimate.walkable,
        "today": hours[0],
        "hours": hours,
        "accessible": point.wheelchair_accessible,
        "label_printing": point.label_printing,
        "max_weight_kg": point.max_weight_kg,
        "sort_key": convenience_sort_key(distance_km=nearby.distance_km, grams=estimate.grams),
    }


def _home_option(order: Order) -> dict[str, Any]:
    home = carbon_estimate(kind=HOME_PICKUP, distance_km=None)
    return {
        "value": HOME_PICKUP,
        "kind": HOME_PICKUP,
        "kind_label": DropOffMethod.HOME_PICKUP.label,
        "name": gettext("Home pickup"),
        "address": address_lines(order),
        "short_address": ", ".join(address_lines(order)[:2]),
        "carbon_g": home.grams,
        "carbon": grams_label(home.grams),
        "sort_key": convenience_sort_key(distance_km=0.0, grams=home.grams),
    }


def drop_off_places(*, order: Order, postcode: str = "") -> DropOffPlaces:
    """Points of every kind near the postcode (or the order's address) within each kind's maximum distance, plus
    home pickup: nearest first, the greener first among about as near, numbered for the map."""
    error = ""
    position = None
    found: list[NearbyPoint] = []
    try:
        position = _customer_position(order=order, postcode=postcode)
        if position is None:
            raise DomainError("We do not know this postcode.", code="unknown_postcode")
        found = _points_near(latitude=position[0], longitude=position[1], max_km=settings.RMA_DROP_OFF_MAX_KM)
    except DomainError:
        error = gettext("We do not know this postcode. Try another one nearby.")
        position = None
    options = [_point_option(nearby) for nearby in found]
    options.append(_home_option(order))
    options.sort(key=lambda option: option["sort_key"])
    greenest = min(option["carbon_g"] for option in options)
    number = 0
    counts: dict[str, int] = {}
    for option in options:
        option["greenest"] = option["carbon_g"] == greenest
        counts[option["kind"]] = counts.get(option["kind"], 0) + 1
        if option["kind"] != HOME_PICKUP:
            number += 1
            option["number"] = number
    return DropOffPlaces(
        options=options,
        error=error,
        latitude=position[0] if position else None,
        longitude=position[1] if position else None,
        position_label=position[2] if position else "",
        counts=counts,
    )


def drop_off_options(*, order: Order, postcode: str = "") -> tuple[list[dict[str, Any]], str]:
    """The options and the error message only (see drop_off_places)."""
    places = drop_off_places(order=order, postcode=postcode)
    return places.options, places.error
