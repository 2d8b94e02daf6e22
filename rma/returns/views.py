"""The customer portal: find an order, choose items, reasons, resolution and drop-off, confirm, then follow it.

Server-rendered pages; every rule is the services' (return_request_create, order_eligibility, ...). No personal
data travels in URLs: the order is found by POST and held in a signed, expiring session (portal_session.py);
a return is then reached by its unguessable public id only.
"""

import hashlib
import hmac
import logging
import re
from collections.abc import Callable
from datetime import date, time, timedelta
from decimal import Decimal
from functools import wraps
from typing import Any
from uuid import UUID

import segno
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format, time_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, pgettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rma.core.demo_geography import product_for_sku
from rma.core.exceptions import DomainError
from rma.integrations.shop import Variant, exchange_options, shop_client_get
from rma.locations.choices import WEEKDAYS, DropOffKind, DropOffMethod
from rma.locations.models import DropOffPoint
from rma.locations.selectors import drop_off_points_near
from rma.orders.models import Order, OrderLine
from rma.returns import policy as return_policy
from rma.returns.carbon import HOME_PICKUP, carbon_estimate, convenience_sort_key
from rma.returns.choices import Resolution, ReturnStatus
from rma.returns.forms import (
    DropOffForm,
    ItemsForm,
    LineReasonForm,
    LookupForm,
    PostcodeForm,
    ResolutionForm,
    variant_label,
)
from rma.returns.models import ReasonCode, ReturnRequest
from rma.returns.portal_session import (
    PortalSessionInvalid,
    photo_stage,
    photo_staged_find,
    photo_unstage,
    portal_order_get,
    portal_return_known,
    portal_return_remember,
    portal_session_close,
    portal_session_open,
    portal_state,
    portal_state_save,
    portal_wizard_reset,
)
from rma.returns.services import (
    DropOffChoice,
    ReturnLineInput,
    return_line_photo_add,
    return_request_cancel,
    return_request_create,
)
from rma.returns.states import CANCELLABLE_STATUSES

logger = logging.getLogger(__name__)

LOOKUP_FAILED = _(
    "We could not find an order with these details. Check the order number and the email address or postcode."
)
STEPS = (
    ("items", _("Items")),
    ("reasons", _("Reasons")),
    ("resolution", _("Resolution")),
    ("drop_off", _("Drop-off")),
    ("review", _("Review")),
)
POINT_KINDS = (DropOffKind.STORE, DropOffKind.RELAY_POINT, DropOffKind.LOCKER, DropOffKind.POST_OFFICE)
POINTS_PER_KIND = 3
OPENING_DAYS_SHOWN = 7
PICKUP_DAYS_AHEAD = 14
COUNTRY_NAMES = {
    "FR": _("France"),
    "BE": _("Belgium"),
    "LU": _("Luxembourg"),
    "MC": _("Monaco"),
    "CH": _("Switzerland"),
}
CURRENCY_SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "$", "CHF": "CHF"}


# ---- formatting in the active language


def _is_french() -> bool:
    return (get_language() or settings.LANGUAGE_CODE).startswith("fr")


def money(amount: Decimal | int | float, currency: str = "EUR") -> str:
    """49,90 € in French, €49.90 in English."""
    number = number_format(Decimal(amount), decimal_pos=2, use_l10n=True, force_grouping=True)
    symbol = CURRENCY_SYMBOLS.get(currency, currency)
    return f"{number}\u00a0{symbol}" if _is_french() else f"{symbol}{number}"


def day_label(value: date) -> str:
    """lundi 25 novembre / Monday, November 25."""
    return date_format(value, "l j F" if _is_french() else "l, F j")


def distance_label(km: float) -> str:
    if km < 1:
        return f"{number_format(round(km * 1000, -1), decimal_pos=0)}\u00a0m"
    return f"{number_format(km, decimal_pos=1, use_l10n=True)}\u00a0km"


def grams_label(grams: int) -> str:
    if grams >= 1000:
        return f"{number_format(grams / 1000, decimal_pos=2, use_l10n=True)}\u00a0kg CO₂e"
    return f"{number_format(grams, decimal_pos=0, use_l10n=True)}\u00a0g CO₂e"


def address_lines(obj: Any) -> list[str]:
    """The postal lines of an address (French postal order: postcode before city), country in the UI language."""
    lines = [obj.address_line1, getattr(obj, "address_line2", ""), f"{obj.postcode} {obj.city}".strip()]
    country = getattr(obj, "country", "") or ""
    lines.append(str(COUNTRY_NAMES.get(country.upper(), country)))
    return [line for line in lines if line]


def _slot_label(start: str, end: str) -> str:
    def parse(value: str) -> time:
        hours, minutes = (int(part) for part in value.split(":"))
        return time(0, 0) if hours == 24 else time(hours, minutes)

    return f"{time_format(parse(start))}\u2013{time_format(parse(end))}"


def _closed_on(point: DropOffPoint, day: date) -> bool:
    iso = day.isoformat()
    for closure in point.closures or []:
        if isinstance(closure, dict) and str(closure.get("start", "")) <= iso <= str(closure.get("end", "")):
            return True
    return False


def opening_days(point: DropOffPoint, *, days: int = OPENING_DAYS_SHOWN) -> list[dict[str, Any]]:
    """Opening hours for today and the coming days, closures included."""
    hours = point.opening_hours or (point.store.opening_hours if point.store_id and point.store else {}) or {}
    today = timezone.localdate()
    rows = []
    for offset in range(days):
        day = today + timedelta(days=offset)
        if _closed_on(point, day):
            text, is_open = pgettext("opening hours", "Closed"), False
        elif point.open_24_7:
            text, is_open = gettext("Open 24 hours"), True
        else:
            slots = hours.get(WEEKDAYS[day.weekday()], []) if isinstance(hours, dict) else []
            text = ", ".join(_slot_label(start, end) for start, end in slots) or pgettext("opening hours", "Closed")
            is_open = bool(slots)
        if offset == 0:
            name = gettext("Today")
        elif offset == 1:
            name = gettext("Tomorrow")
        else:
            name = day_label(day)
        rows.append({"date": day, "name": name, "hours": text, "open": is_open})
    return rows


# ---- session guard


def portal_required(view: Callable) -> Callable:
    """Run the view with the session's order, or send the customer back to the lookup page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            order = portal_order_get(request=request)
        except PortalSessionInvalid as exc:
            portal_session_close(request=request)
            if exc.reason == "expired":
                messages.info(request, _("Your session has expired. Find your order again to continue."))
            else:
                messages.info(request, _("Find your order to start a return."))
            return redirect("portal:lookup")
        return view(request, order, *args, **kwargs)

    return never_cache(wrapper)


def _render_step(request: HttpRequest, template: str, step: str, context: dict[str, Any], status: int = 200):
    keys = [key for key, _label in STEPS]
    current = keys.index(step)
    steps = [
        {"key": key, "label": label, "number": index + 1, "done": index < current, "current": index == current}
        for index, (key, label) in enumerate(STEPS)
    ]
    return render(request, template, {"steps": steps, "step_number": current + 1, **context}, status=status)


def _chosen_lines(order: Order, state: dict) -> list[tuple[OrderLine, int]]:
    chosen = state.get("lines") or {}
    lines = {str(line.pk): line for line in order.lines.all()}
    return [(lines[pk], quantity) for pk, quantity in chosen.items() if pk in lines]


def _line_view(line: OrderLine, currency: str) -> dict[str, Any]:
    details = [d for d in (line.size and gettext("Size %(size)s") % {"size": line.size}, line.colour) if d]
    return {
        "line": line,
        "pk": line.pk,
        "name": line.name,
        "details": " · ".join(details),
        "unit_price": money(line.unit_price, currency),
        "category": line.category,
    }


# ---- 1. find the order


def _client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or behind ``RMA_TRUSTED_PROXY_COUNT`` reverse proxies the address the first of them saw."""
    proxies = int(getattr(settings, "RMA_TRUSTED_PROXY_COUNT", 0))
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def lookup_rate_limited(request: HttpRequest) -> bool:
    """Count this attempt for the client; True when it is over the limit (a fixed window per IP)."""
    attempts, window = getattr(settings, "RMA_PORTAL_LOOKUP_RATE", (10, 600))
    client = hashlib.sha256(_client_ip(request).encode()).hexdigest()[:32]
    key = f"rma:portal:lookup:{client}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > attempts


def _normalise_postcode(value: str) -> str:
    return re.sub(r"\s+", "", value).upper()


def order_find(*, number: str, email_or_postcode: str) -> Order | None:
    """The order with this number whose email (or delivery postcode) matches; None otherwise, without telling why."""
    order = Order.objects.filter(number__iexact=number).first()
    given = email_or_postcode.strip()
    if "@" in given:
        given, expected = given.lower(), (order.customer_email.strip().lower() if order else "")
    else:
        given, expected = _normalise_postcode(given), (_normalise_postcode(order.postcode) if order else "")
    # Compare in constant time, and even when there is no order, so that timing does not tell.
    matches = hmac.compare_digest(given.encode(), (expected or "\x00").encode())
    return order if order is not None and expected and matches else None


@never_cache
@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    form = LookupForm(request.POST or None)
    if request.method == "POST":
        if lookup_rate_limited(request):
            logger.info("portal lookup rate-limited")
            response = render(request, "portal/rate_limited.html", status=429)
            response["Retry-After"] = str(getattr(settings, "RMA_PORTAL_LOOKUP_RATE", (10, 600))[1])
            return response
        if form.is_valid():
            order = order_find(
                number=form.cleaned_data["order_number"], email_or_postcode=form.cleaned_data["email_or_postcode"]
            )
            if order is not None:
                portal_session_open(request=request, order=order)
                return redirect("portal:items")
            form.add_error(None, LOOKUP_FAILED)
    return render(request, "portal/lookup.html", {"form": form})


@require_POST
def end_session(request: HttpRequest) -> HttpResponse:
    portal_session_close(request=request)
    messages.info(request, _("You have left your order. Your information is no longer shown on this device."))
    return redirect("portal:lookup")


# ---- 2. items


@portal_required
def items(request: HttpRequest, order: Order) -> HttpResponse:
    state = portal_state(request=request)
    eligibility = return_policy.order_eligibility(order=order)
    form = ItemsForm(request.POST or None, eligibility=eligibility, initial_lines=state.get("lines"))
    if request.method == "POST" and form.is_valid():
        state["lines"] = form.cleaned_data["lines"]
        for pk in list((state.get("details") or {}).keys()):
            if pk not in state["lines"]:
                for photo in state["details"][pk].get("photos", []):
                    photo_unstage(request=request, photo_id=photo["id"])
                state["details"].pop(pk, None)
        portal_state_save(request=request)
        return redirect("portal:reasons")
    rows = []
    for verdict in eligibility:
        row = _line_view(verdict.order_line, order.currency)
        row.update(
            {
                "eligible": verdict.eligible,
                "returnable_quantity": verdict.returnable_quantity,
                "ordered": verdict.order_line.quantity,
                "message": verdict.message,
                "closes_on": date_format(verdict.window_closes_on, "DATE_FORMAT") if verdict.window_closes_on else "",
            }
        )
        if verdict.eligible:
            row["check"] = form[f"line_{verdict.order_line.pk}"]
            row["qty"] = form[f"qty_{verdict.order_line.pk}"]
        rows.append(row)
    context = {
        "order": order,
        "form": form,
        "rows": rows,
        "any_eligible": any(v.eligible for v in eligibility),
        "placed_on": date_format(timezone.localtime(order.placed_at), "DATE_FORMAT"),
        "delivered_on": date_format(timezone.localtime(order.delivered_at), "DATE_FORMAT")
        if order.delivered_at
        else "",
    }
    return _render_step(request, "portal/items.html", "items", context, status=400 if form.errors else 200)


# ---- 3. reasons and photos


def _reason_forms(request: HttpRequest, order: Order, state: dict, *, bind: bool) -> list[dict[str, Any]]:
    details = state.setdefault("details", {})
    blocks = []
    for line, quantity in _chosen_lines(order, state):
        saved = details.get(str(line.pk), {})
        staged = saved.get("photos", [])
        form = LineReasonForm(
            request.POST if bind else None,
            request.FILES if bind else None,
            prefix=f"l{line.pk}",
            staged_count=len(staged),
            initial={"reason": saved.get("reason"), "comment": saved.get("comment", "")},
        )
        blocks.append({**_line_view(line, order.currency), "quantity": quantity, "form": form, "staged": staged})
    return blocks


@portal_required
def reasons(request: HttpRequest, order: Order) -> HttpResponse:
    state = portal_state(request=request)
    if not state.get("lines"):
        return redirect("portal:items")
    details = state.setdefault("details", {})
    if request.method == "POST" and request.POST.get("remove_photo"):
        photo_unstage(request=request, photo_id=request.POST["remove_photo"])
        messages.info(request, _("The photo was removed."))
        return redirect("portal:reasons")
    blocks = _reason_forms(request, order, state, bind=request.method == "POST")
    if request.method == "POST":
        all_valid = True
        for block in blocks:
            form, pk = block["form"], str(block["pk"])
            valid = form.is_valid()
            all_valid &= valid
            detail = details.setdefault(pk, {})
            # Keep what is good even when something else is not, so that nothing must be typed or sent twice.
            if hasattr(form, "cleaned_data"):
                if form.cleaned_data.get("reason") is not None:
                    detail["reason"] = form.cleaned_data["reason"].pk
                if "comment" in form.cleaned_data:
                    detail["comment"] = form.cleaned_data["comment"]
                for checked in form.cleaned_data.get("photos") or []:
                    photo_stage(
                        request=request,
                        line_pk=block["pk"],
                        upload=checked.upload,
                        content_type=checked.content_type,
                        extension=checked.extension,
                    )
        portal_state_save(request=request)
        if all_valid:
            return redirect("portal:resolution")
        for block in blocks:
            block["staged"] = details.get(str(block["pk"]), {}).get("photos", [])
    photo_reasons = list(ReasonCode.objects.filter(is_active=True, requires_photo=True))
    context = {
        "order": order,
        "blocks": blocks,
        "photo_reason_ids": ",".join(str(r.pk) for r in photo_reasons),
        "photo_reason_labels": ", ".join(r.label for r in photo_reasons),
        "has_errors": any(block["form"].errors for block in blocks),
    }
    return _render_step(
        request, "portal/reasons.html", "reasons", context, status=400 if context["has_errors"] else 200
    )


@portal_required
@require_GET
def staged_photo(request: HttpRequest, order: Order, photo_id: str) -> HttpResponse:
    """A preview of a photo uploaded in this session (and only this session)."""
    photo = photo_staged_find(request=request, photo_id=photo_id)
    if photo is None or photo["content_type"] == "image/heic" or not default_storage.exists(photo["name"]):
        raise Http404
    response = FileResponse(default_storage.open(photo["name"], "rb"), content_type=photo["content_type"])
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response


def _reasons_complete(order: Order, state: dict) -> bool:
    details = state.get("details") or {}
    reasons_by_pk = {r.pk: r for r in ReasonCode.objects.filter(is_active=True)}
    for line, _quantity in _chosen_lines(order, state):
        detail = details.get(str(line.pk)) or {}
        reason = reasons_by_pk.get(detail.get("reason"))
        if reason is None or (reason.requires_photo and not detail.get("photos")):
            return False
    return bool(state.get("lines"))


# ---- 4. resolution


def _exchange_options(order: Order, state: dict) -> dict[int, list]:
    client = shop_client_get()
    return {
        line.pk: exchange_options(client=client, product_ref=line.product_ref, sku=line.sku)
        for line, _quantity in _chosen_lines(order, state)
    }


@portal_required
def resolution(request: HttpRequest, order: Order) -> HttpResponse:
    state = portal_state(request=request)
    if not _reasons_complete(order, state):
        return redirect("portal:reasons" if state.get("lines") else "portal:items")
    options = _exchange_options(order, state)
    initial = {"resolution": state.get("resolution") or Resolution.REFUND}
    initial.update({f"exchange_{pk}": sku for pk, sku in (state.get("exchange") or {}).items()})
    form = ResolutionForm(request.POST or None, exchange_options=options, initial=initial)
    if request.method == "POST" and form.is_valid():
        state["resolution"] = form.cleaned_data["resolution"]
        state["exchange"] = (
            {str(pk): form.cleaned_data[f"exchange_{pk}"] for pk in options}
            if state["resolution"] == Resolution.EXCHANGE
            else {}
        )
        portal_state_save(request=request)
        return redirect("portal:drop_off")
    blocks = []
    for line, quantity in _chosen_lines(order, state):
        block = {**_line_view(line, order.currency), "quantity": quantity, "variants": options.get(line.pk, [])}
        if options.get(line.pk):
            block["field"] = form[f"exchange_{line.pk}"]
        blocks.append(block)
    context = {"order": order, "form": form, "blocks": blocks, "exchange_possible": form.exchange_possible}
    return _render_step(request, "portal/resolution.html", "resolution", context, status=400 if form.errors else 200)


# ---- 5. drop-off


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
        where = {"postcode": order.postcode}
    found = []
    try:
        for kind in POINT_KINDS:
            found += drop_off_points_near(kinds=[kind], limit=POINTS_PER_KIND, **where)
    except DomainError:
        error = gettext("We do not know this postcode. Try another one nearby.")
        found = []
    options = []
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
    return _render_step(
        request, "portal/drop_off.html", "drop_off", context, status=400 if context["has_errors"] else 200
    )


# ---- 6. review and confirm


class IncompleteReturn(Exception):
    def __init__(self, step: str) -> None:
        super().__init__(step)
        self.step = step


def _build_inputs(order: Order, state: dict) -> tuple[list[ReturnLineInput], DropOffChoice, str]:
    """Turn the session's answers into service inputs, or say which step must be done again."""
    if not state.get("lines"):
        raise IncompleteReturn("portal:items")
    if not _reasons_complete(order, state):
        raise IncompleteReturn("portal:reasons")
    resolution_value = state.get("resolution")
    if resolution_value not in Resolution.values:
        raise IncompleteReturn("portal:resolution")
    saved = state.get("drop_off") or {}
    if saved.get("method") == HOME_PICKUP:
        try:
            pickup_date = date.fromisoformat(saved.get("pickup_date", ""))
        except ValueError:
            raise IncompleteReturn("portal:drop_off") from None
        choice = DropOffChoice(method=HOME_PICKUP, pickup_date=pickup_date, pickup_slot=saved.get("pickup_slot", ""))
    elif saved.get("point"):
        point = DropOffPoint.objects.select_related("store").filter(pk=saved["point"]).first()
        if point is None:
            raise IncompleteReturn("portal:drop_off")
        choice = DropOffChoice(method=saved.get("method", point.kind), point=point)
    else:
        raise IncompleteReturn("portal:drop_off")
    reasons_by_pk = {r.pk: r for r in ReasonCode.objects.filter(is_active=True)}
    details = state.get("details") or {}
    exchange = state.get("exchange") or {}
    inputs = [
        ReturnLineInput(
            order_line=line,
            quantity=quantity,
            reason=reasons_by_pk[details[str(line.pk)]["reason"]],
            comment=details[str(line.pk)].get("comment", ""),
            exchange_sku=exchange.get(str(line.pk), "") if resolution_value == Resolution.EXCHANGE else "",
        )
        for line, quantity in _chosen_lines(order, state)
    ]
    return inputs, choice, resolution_value


def _drop_off_summary(choice_method: str, point: DropOffPoint | None, pickup_date: date | None, slot: str):
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


def sku_label(sku: str) -> str:
    """ "size M · blanc" for a SKU we know (catalogue or an order line), else the SKU itself."""
    known = product_for_sku(sku)
    if known is not None:
        variant = known[1]
        return variant_label(Variant(sku, variant["size"], variant["colour"], True))
    line = OrderLine.objects.filter(sku=sku).only("size", "colour").first()
    return variant_label(Variant(sku, line.size, line.colour, True)) if line else sku


def _variant_names(order: Order, state: dict) -> dict[str, str]:
    names: dict[str, str] = {}
    if state.get("resolution") != Resolution.EXCHANGE:
        return names
    for variants in _exchange_options(order, state).values():
        for variant in variants:
            names[variant.sku] = variant_label(variant)
    return names


@portal_required
def review(request: HttpRequest, order: Order) -> HttpResponse:
    state = portal_state(request=request)
    try:
        inputs, choice, resolution_value = _build_inputs(order, state)
    except IncompleteReturn as incomplete:
        return redirect(incomplete.step)
    error = ""
    if request.method == "POST":
        try:
            return_request = _create_return(request, order, state, inputs, choice, resolution_value)
        except DomainError as exc:
            error = exc.message
        else:
            return redirect("portal:confirmation", public_id=return_request.public_id)
    policy = return_policy.policy_get_default()
    value = sum((item.order_line.unit_price * item.quantity for item in inputs), Decimal("0.00"))
    fee = return_policy.fee_for(
        policy=policy, reasons=[i.reason for i in inputs], drop_off_method=choice.method, resolution=resolution_value
    )
    refund = Decimal("0.00") if resolution_value == Resolution.EXCHANGE else max(value - fee, Decimal("0.00"))
    names = _variant_names(order, state)
    details = state.get("details") or {}
    lines = [
        {
            **_line_view(item.order_line, order.currency),
            "quantity": item.quantity,
            "reason": item.reason.label,
            "comment": item.comment,
            "photos": details.get(str(item.order_line.pk), {}).get("photos", []),
            "exchange": names.get(item.exchange_sku, item.exchange_sku),
            "subtotal": money(item.order_line.unit_price * item.quantity, order.currency),
        }
        for item in inputs
    ]
    context = {
        "order": order,
        "lines": lines,
        "resolution": Resolution(resolution_value).label,
        "resolution_value": resolution_value,
        "value": money(value, order.currency),
        "fee": money(fee, order.currency),
        "fee_is_zero": fee == 0,
        "refund": money(refund, order.currency),
        "drop_off": _drop_off_summary(choice.method, choice.point, choice.pickup_date, choice.pickup_slot),
        "error": error,
        "email": mask_email(order.customer_email),
    }
    return _render_step(request, "portal/review.html", "review", context, status=422 if error else 200)


def _create_return(request, order, state, inputs, choice, resolution_value) -> ReturnRequest:
    with transaction.atomic():
        return_request = return_request_create(
            order=order,
            lines=inputs,
            drop_off=choice,
            resolution=resolution_value,
            contact_email=order.customer_email,
            locale=(get_language() or settings.LANGUAGE_CODE)[:2],
            submit=True,
        )
        _attach_photos(return_request, state)
    portal_return_remember(request=request, public_id=str(return_request.public_id))
    portal_wizard_reset(request=request)
    return return_request


def _attach_photos(return_request: ReturnRequest, state: dict) -> None:
    """Move the photos staged during the journey onto the new return's lines."""
    details = state.get("details") or {}
    staged_names = []
    for line in return_request.lines.all():
        for photo in details.get(str(line.order_line_id), {}).get("photos", []):
            if not default_storage.exists(photo["name"]):
                continue
            with default_storage.open(photo["name"], "rb") as handle:
                return_line_photo_add(
                    return_line=line,
                    content=File(handle),
                    name=photo["name"].rsplit("/", 1)[-1],
                    content_type=photo["content_type"],
                )
            staged_names.append(photo["name"])
        details.get(str(line.order_line_id), {})["photos"] = []
    transaction.on_commit(lambda: [default_storage.delete(name) for name in staged_names])


def mask_email(email: str) -> str:
    """c••••@example.fr: enough for the customer to recognise, not enough to read aloud."""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}{'•' * max(len(local) - 1, 3)}@{domain}" if domain else ""


# ---- 7. confirmation, 8. tracking


def _return_for(public_id: UUID) -> ReturnRequest:
    found = ReturnRequest.objects.with_details().filter(public_id=public_id).first()
    if found is None:
        raise Http404
    return found


def _label_of(return_request: ReturnRequest):
    try:
        return return_request.label
    except (ObjectDoesNotExist, AttributeError):
        return None


def label_context(return_request: ReturnRequest) -> dict[str, Any]:
    """Label status, download URL and QR code, or "being prepared" (also before the labels app exists)."""
    label = _label_of(return_request)
    status = getattr(label, "status", "") if label is not None else ""
    ready = status == "ready" and bool(getattr(label, "pdf", None))
    try:
        url = reverse("customer-label-pdf", kwargs={"public_id": return_request.public_id})
    except NoReverseMatch:
        url = None
    qr_svg = ""
    if ready and getattr(label, "qr_payload", ""):
        qr = segno.make(label.qr_payload, error="m")
        qr_svg = mark_safe(  # noqa: S308 - segno's own SVG, no user input in markup
            qr.svg_inline(scale=5, dark="#000000", light="#ffffff", title=gettext("QR code of your return"))
        )
    expects_label = return_request.status in (ReturnStatus.APPROVED, ReturnStatus.LABEL_READY) and not (
        return_request.returnless
    )
    return {
        "label": label,
        "label_ready": ready,
        "label_failed": status == "failed",
        "label_url": url if ready else None,
        "label_tracking_number": getattr(label, "tracking_number", "") if ready else "",
        "label_qr_svg": qr_svg,
        "label_pending": expects_label and not ready and status != "failed",
    }


def _status_payload(return_request: ReturnRequest) -> dict[str, Any]:
    label = label_context(return_request)
    return {
        "status": return_request.status,
        "status_label": str(ReturnStatus(return_request.status).label),
        "label": "ready" if label["label_ready"] else ("failed" if label["label_failed"] else "pending"),
    }


def _return_summary(return_request: ReturnRequest) -> dict[str, Any]:
    currency = return_request.currency
    lines = []
    for line in return_request.lines.all():
        lines.append(
            {
                **_line_view(line.order_line, currency),
                "quantity": line.quantity,
                "reason": line.reason.label,
                "exchange": sku_label(line.exchange_sku) if line.exchange_sku else "",
            }
        )
    return {
        "return_request": return_request,
        "status_label": ReturnStatus(return_request.status).label,
        "lines": lines,
        "resolution": Resolution(return_request.resolution).label,
        "fee": money(return_request.fee_amount, currency),
        "refund": money(return_request.refund_estimate, currency),
        "drop_off": _drop_off_summary(
            return_request.drop_off_method,
            return_request.drop_off_point,
            return_request.pickup_date,
            return_request.pickup_slot,
        ),
        "send_by": date_format(timezone.localtime(return_request.send_by), "DATE_FORMAT")
        if return_request.send_by
        else "",
        "tracking_url": settings.RMA_PUBLIC_BASE_URL.rstrip("/")
        + reverse("portal:tracking", kwargs={"public_id": return_request.public_id}),
        "can_cancel": return_request.status in CANCELLABLE_STATUSES,
        **label_context(return_request),
    }


@never_cache
@require_GET
def confirmation(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Shown right after confirming, to the session that created the return only."""
    if not portal_return_known(request=request, public_id=str(public_id)):
        raise Http404
    return_request = _return_for(public_id)
    context = {**_return_summary(return_request), "email": mask_email(return_request.contact_email)}
    return render(request, "portal/confirmation.html", context)


HAPPY_PATH = (
    ReturnStatus.SUBMITTED,
    ReturnStatus.APPROVED,
    ReturnStatus.LABEL_READY,
    ReturnStatus.IN_TRANSIT,
    ReturnStatus.RECEIVED,
    ReturnStatus.INSPECTED,
)
NEXT_STEPS = {
    ReturnStatus.DRAFT: _("Your return has not been sent yet."),
    ReturnStatus.SUBMITTED: _("We are checking your return. You will get an email when it is approved."),
    ReturnStatus.NEEDS_REVIEW: _(
        "A member of our team is looking at your return. You will get an email with the decision, usually within "
        "two working days."
    ),
    ReturnStatus.APPROVED: _("Your label is being prepared. This page updates itself when it is ready."),
    ReturnStatus.LABEL_READY: _(
        "Pack the items, then hand over the parcel as planned below, with its label or QR code."
    ),
    ReturnStatus.IN_TRANSIT: _("Your parcel is on its way to our warehouse. We will email you when it arrives."),
    ReturnStatus.RECEIVED: _("We have received your parcel and will inspect it within a few days."),
    ReturnStatus.INSPECTED: _("Your items have been inspected. The refund or exchange is being processed."),
    ReturnStatus.REFUNDED: _("Your refund has been issued. It can take 3 to 5 working days to appear."),
    ReturnStatus.EXCHANGED: _("Your exchange item is on its way."),
    ReturnStatus.CLOSED: _("This return is closed."),
    ReturnStatus.REJECTED: _(
        "This return was not accepted. See the reason below; you can contact us with any question."
    ),
    ReturnStatus.CANCELLED: _("This return was cancelled. The items can be returned again while the window is open."),
    ReturnStatus.EXPIRED: _("The parcel was not sent in time and this return has expired."),
}


def timeline(return_request: ReturnRequest) -> list[dict[str, Any]]:
    """What happened (the events, oldest first), then what is still to come on the usual path."""
    rows = []
    for event in return_request.events.all():
        if event.to_status == ReturnStatus.DRAFT:
            continue
        rows.append(
            {
                "label": ReturnStatus(event.to_status).label,
                "at": date_format(timezone.localtime(event.created_at), "DATETIME_FORMAT"),
                "iso": timezone.localtime(event.created_at).isoformat(),
                "done": True,
                # Only a rejection's note is meant for the customer; the others are internal.
                "note": event.note if event.to_status == ReturnStatus.REJECTED else "",
            }
        )
    if rows:
        rows[-1]["current"] = True
    status = return_request.status
    if status in HAPPY_PATH:
        final = ReturnStatus.EXCHANGED if return_request.resolution == Resolution.EXCHANGE else ReturnStatus.REFUNDED
        for upcoming in (*HAPPY_PATH[HAPPY_PATH.index(status) + 1 :], final):
            rows.append({"label": ReturnStatus(upcoming).label, "done": False})
    elif status == ReturnStatus.NEEDS_REVIEW:
        rows.append({"label": ReturnStatus.APPROVED.label, "done": False})
    return rows


@never_cache
@require_GET
def tracking(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return_request = _return_for(public_id)
    context = {
        **_return_summary(return_request),
        "timeline": timeline(return_request),
        "next_step": NEXT_STEPS.get(return_request.status, ""),
    }
    return render(request, "portal/tracking.html", context)


@never_cache
@require_GET
def status(request: HttpRequest, public_id: UUID) -> JsonResponse:
    """What the confirmation and tracking pages poll until the label is ready."""
    return JsonResponse(_status_payload(_return_for(public_id)))


@never_cache
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return_request = _return_for(public_id)
    if return_request.status not in CANCELLABLE_STATUSES:
        messages.error(request, _("This return can no longer be cancelled."))
        return redirect("portal:tracking", public_id=public_id)
    if request.method == "POST":
        try:
            return_request_cancel(
                return_request=return_request, note=gettext("Cancelled by the customer."), actor_label="customer"
            )
        except DomainError:
            messages.error(request, _("This return can no longer be cancelled."))
        else:
            messages.success(request, _("Your return has been cancelled."))
        return redirect("portal:tracking", public_id=public_id)
    return render(request, "portal/cancel.html", _return_summary(return_request))
