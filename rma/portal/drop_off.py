"""Step 5: where the parcel is handed over: a nearby point, or a pickup at home."""

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext, pgettext

from rma.locations.choices import DropOffKind
from rma.orders.models import Order
from rma.portal.drop_off_places import (
    FILTER_ALL,
    POINT_KINDS,
    DropOffPlaces,
    drop_off_options,
    drop_off_places,
    kind_filter_label,
    places_shown_text,
)
from rma.portal.formatting import address_lines, day_label, distance_label
from rma.portal.forms import DropOffForm, PostcodeForm
from rma.portal.guards import portal_required, render_step
from rma.portal.session import portal_state, portal_state_save
from rma.returns.carbon import HOME_PICKUP

__all__ = ["drop_off", "drop_off_options", "pickup_dates"]

PICKUP_DAYS_AHEAD = 14


def pickup_dates() -> list[tuple[date, str]]:
    """Pickup days offered: from tomorrow, two weeks ahead, no Sundays (the service's rules)."""
    today = timezone.localdate()
    days = [today + timedelta(days=offset) for offset in range(1, PICKUP_DAYS_AHEAD + 1)]
    return [(day, day_label(day)) for day in days if day.isoweekday() != 7]


def kind_filters(*, places: DropOffPlaces, chosen: str) -> list[dict[str, Any]]:
    """The filter by kind: everything, or one kind among those found (a kind with nothing near is not offered)."""
    total = len(places.options)
    filters = [
        {
            "value": FILTER_ALL,
            "label": pgettext("drop-off filter", "All"),
            "count": total,
            "announce": places_shown_text(kind=FILTER_ALL, count=total),
        }
    ]
    for kind in (*POINT_KINDS, HOME_PICKUP):
        if places.counts.get(kind):
            count = places.counts[kind]
            filters.append(
                {
                    "value": kind,
                    "label": kind_filter_label(kind),
                    "count": count,
                    "announce": places_shown_text(kind=kind, count=count),
                }
            )
    for choice in filters:
        choice["checked"] = choice["value"] == chosen
    return filters


def _km(km: float) -> str:
    return f"{number_format(km, decimal_pos=0 if float(km).is_integer() else 1, use_l10n=True)}\u00a0km"


def missing_kinds_text(*, places: DropOffPlaces) -> list[str]:
    """What the customer should know is not offered: a kind with no point within its maximum distance."""
    if places.error:
        return []
    sentences = {
        DropOffKind.STORE: gettext("No shop within %(km)s."),
        DropOffKind.RELAY_POINT: gettext("No relay point within %(km)s."),
        DropOffKind.LOCKER: gettext("No parcel locker within %(km)s."),
        DropOffKind.POST_OFFICE: gettext("No post office within %(km)s."),
    }
    limits = settings.RMA_DROP_OFF_MAX_KM
    return [
        sentences[kind] % {"km": _km(limits[kind])}
        for kind in POINT_KINDS
        if not places.counts.get(kind) and kind in limits
    ]


def reach_text() -> str:
    """How far each kind is looked for: "Shops: 50 km, Relay points: 20 km…"."""
    limits = settings.RMA_DROP_OFF_MAX_KM
    return ", ".join(f"{kind_filter_label(kind)}: {_km(limits[kind])}" for kind in POINT_KINDS if kind in limits)


# The step reads and keeps its answers in the session only: no transaction (its BEGIN and COMMIT) for nothing.
@transaction.non_atomic_requests
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
    places = drop_off_places(order=order, postcode=state.get("search_postcode", ""))
    options, search_error = places.options, places.error
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
    filters = kind_filters(places=places, chosen=request.GET.get("kind", FILTER_ALL))
    if not any(choice["checked"] for choice in filters):  # unknown, or nothing of that kind near: show everything
        filters[0]["checked"] = True
    shown = next(choice["value"] for choice in filters if choice["checked"])
    for option in options:
        option["checked"] = option["value"] == selected
        option["id"] = f"option-{option['value'].replace(':', '-')}"
        # A filter hides the other kinds, but never the place already chosen.
        option["hidden"] = shown != FILTER_ALL and option["kind"] != shown and not option["checked"]
    context = {
        "order": order,
        "form": form,
        "search_form": search_form,
        "options": options,
        "searching_postcode": state.get("search_postcode", ""),
        "filters": filters,
        "filter_shown": shown,
        "places": places,
        "missing_kinds": missing_kinds_text(places=places),
        "map_tiles": {
            "url": settings.RMA_MAP_TILE_URL,
            "attribution": settings.RMA_MAP_TILE_ATTRIBUTION,
            "max_zoom": settings.RMA_MAP_TILE_MAX_ZOOM,
        },
        "max_km": reach_text(),
        "order_address": address_lines(order),
        "carbon_factors": settings.RMA_CARBON_FACTORS,
        "walkable_distance": distance_label(float(settings.RMA_CARBON_FACTORS.get("walkable_km", 1.0))),
        "has_errors": bool(form.errors or search_form.errors),
        "error_forms": [search_form, form],
    }
    return render_step(
        request, "portal/drop_off.html", "drop_off", context, status=400 if context["has_errors"] else 200
    )
