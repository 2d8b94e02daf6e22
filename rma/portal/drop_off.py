"""Step 5: where the parcel is handed over: a nearby point, or a pickup at home."""

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext

from rma.core.exceptions import DomainError
from rma.locations.choices import DropOffKind, DropOffMethod
from rma.locations.selectors import drop_off_points_near
from rma.orders.models import Order
from rma.portal.formatting import address_lines, day_label, distance_label, grams_label, opening_days
from rma.portal.forms import DropOffForm, PostcodeForm
from rma.portal.guards import portal_required, render_step
from rma.portal.session import portal_state, portal_state_save
from rma.returns.carbon import HOME_PICKUP, carbon_estimate, convenience_sort_key

POINT_KINDS = (DropOffKind.STORE, DropOffKind.RELAY_POINT, DropOffKind.LOCKER, DropOffKind.POST_OFFICE)
POINTS_PER_KIND = 3
PICKUP_DAYS_AHEAD = 14


def pickup_dates() -> list[tuple[date, str]]:
    """Pickup days offered: from tomorrow, two weeks ahead, no Sundays (the service's rules)."""
    today = timezone.localdate()
    days = [today + timedelta(days=offset) for offset in range(1, PICKUP_DAYS_AHEAD + 1)]
    return [(day, day_label(day)) for day in days if day.isoweekday() != 7]


def drop_off_options(*, order: Order, postcode: str = "") -> tuple[list[dict[str, Any]], str]:
    """Points of every kind near the postcode (or the order's address), each with distance, hours and carbon,
    sorted nearest first with the greener option first among equally near ones; plus an error message."""
    error = ""
    where: dict[str, Any] = {}
    if postcode:
        where = {"postcode": postcode}
    elif order.latitude is not None and order.longitude is not None:
        where = {"latitude": order.latitude, "longitude": order.longitude}
    else:
        where = {"postcode": order.postcode, "city": order.city}
    found = []
    try:
        for kind in POINT_KINDS:
            found += drop_off_points_near(kinds=[kind], limit=POINTS_PER_KIND, **where)
    except DomainError:
        error = gettext("We do not know this postcode. Try another one nearby.")
        found = []
    options: list[dict[str, Any]] = []
    for nearby in found:
        point = nearby.point
        estimate = carbon_estimate(kind=point.kind, distance_km=nearby.distance_km)
        hours = opening_days(point)
        options.append(
            {
                "value": f"point:{point.pk}",
                "kind": point.kind,
                "kind_label": DropOffKind(point.kind).label,
                "name": point.name,
                "point": point,
                "address": address_lines(point),
                "distance_km": nearby.distance_km,
                "distance": distance_label(nearby.distance_km),
                "carbon_g": estimate.grams,
                "carbon": grams_label(estimate.grams),
                "walkable": estimate.walkable,
                "today": hours[0],
                "hours": hours,
                "accessible": point.wheelchair_accessible,
                "label_printing": point.label_printing,
                "sort_key": convenience_sort_key(distance_km=nearby.distance_km, grams=estimate.grams),
            }
        )
    home = carbon_estimate(kind=HOME_PICKUP, distance_km=None)
    options.append(
        {
            "value": DropOffForm.HOME_PICKUP,
            "kind": HOME_PICKUP,
            "kind_label": DropOffMethod.HOME_PICKUP.label,
            "name": gettext("Home pickup"),
            "address": address_lines(order),
            "carbon_g": home.grams,
            "carbon": grams_label(home.grams),
            "sort_key": convenience_sort_key(distance_km=0.0, grams=home.grams),
        }
    )
    options.sort(key=lambda option: option["sort_key"])
    greenest = min(option["carbon_g"] for option in options)
    for option in options:
        option["greenest"] = option["carbon_g"] == greenest
    return options, error


@portal_required
def drop_off(request: HttpRequest, order: Order) -> HttpResponse:
    state = portal_state(request=request)
    if not state.get("resolution"):
        return redirect("portal:resolution")
    search_form = PostcodeForm(initial={"postcode": state.get("search_postcode", "")}, prefix="search")
    if request.method == "POST" and request.POST.get("action") == "search":
        search_form = PostcodeForm(request.POST, prefix="search")
        if search_form.is_valid():
            state["search_postcode"] = search_form.cleaned_data["postcode"]
            portal_state_save(request=request)
            return redirect("portal:drop_off")
    elif request.method == "POST" and request.POST.get("action") == "near_home":
        state.pop("search_postcode", None)
        portal_state_save(request=request)
        return redirect("portal:drop_off")
    options, search_error = drop_off_options(order=order, postcode=state.get("search_postcode", ""))
    if search_error and not search_form.errors:
        search_form = PostcodeForm({"search-postcode": state.get("search_postcode", "")}, prefix="search")
        search_form.is_valid()
        search_form.add_error("postcode", search_error)
    dates = pickup_dates()
    saved = state.get("drop_off") or {}
    initial = {}
    if saved.get("method") == HOME_PICKUP:
        initial = {
            "option": HOME_PICKUP,
            "pickup_date": saved.get("pickup_date"),
            "pickup_slot": saved.get("pickup_slot"),
        }
    elif saved.get("point"):
        initial = {"option": f"point:{saved['point']}"}
    choose = request.method == "POST" and request.POST.get("action") == "choose"
    form = DropOffForm(
        request.POST if choose else None,
        point_choices=[(o["value"], o["name"]) for o in options if o["kind"] != HOME_PICKUP],
        pickup_dates=dates,
        initial=initial,
    )
    if choose and form.is_valid():
        option = form.cleaned_data["option"]
        if option == HOME_PICKUP:
            state["drop_off"] = {
                "method": HOME_PICKUP,
                "pickup_date": form.cleaned_data["pickup_date"],
                "pickup_slot": form.cleaned_data["pickup_slot"],
            }
        else:
            point = next(o["point"] for o in options if o["value"] == option)
            state["drop_off"] = {"method": point.kind, "point": point.pk}
        portal_state_save(request=request)
        return redirect("portal:review")
    selected = form["option"].value() or ""
    for option in options:
        option["checked"] = option["value"] == selected
        option["id"] = f"option-{option['value'].replace(':', '-')}"
    context = {
        "order": order,
        "form": form,
        "search_form": search_form,
        "options": options,
        "searching_postcode": state.get("search_postcode", ""),
        "order_address": address_lines(order),
        "carbon_factors": settings.RMA_CARBON_FACTORS,
        "walkable_distance": distance_label(float(settings.RMA_CARBON_FACTORS.get("walkable_km", 1.0))),
        "has_errors": bool(form.errors or search_form.errors),
        "error_forms": [search_form, form],
    }
    return render_step(
        request, "portal/drop_off.html", "drop_off", context, status=400 if context["has_errors"] else 200
    )
