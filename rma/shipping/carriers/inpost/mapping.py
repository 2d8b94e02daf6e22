"""What ShipX's words mean for us: shipment statuses as tracking statuses, points as CarrierPoints, our label
request as a ShipX shipment.

Sources (InPost ShipX API documentation, https://dokumentacja-inpost.atlassian.net/wiki/spaces/PL/pages/622754):
- "Statuses" (page 18153478, GET /v1/statuses): the status names (created, confirmed, dispatched_by_sender,
  ..., delivered, returned_to_sender, canceled) and their titles in en_GB / pl_PL.
- "[1.23.0] Points" (page 28639230): name, type[], status, location {latitude, longitude}, address,
  address_details {street, building_number, post_code, city}, opening_hours, location_247, functions[],
  easy_access_zone, physical_type, operating_hours_extended.customer (minutes from midnight per weekday).
- "Form validation" (page 18153492): custom_attributes sending_method values (parcel_locker, pok, pop,
  courier_pok, branch, dispatch_order) and dropoff_point required with parcel_locker / pok / courier_pok;
  target_point required by the locker services.
- Locker compartments: ShipX parcel templates small / medium / large are the locker sizes A / B / C
  (8 x 38 x 64, 19 x 38 x 64 and 41 x 38 x 64 cm), 25 kg at most.
"""

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from rma.shipping.carriers.base import Address, CarrierPoint, LabelRequest, TrackingStatus

# ShipX status name → our reading. A status missing here reads as OTHER (and is still shown with ShipX's title).
STATUS_MAP: Mapping[str, str] = {
    "created": TrackingStatus.ANNOUNCED,
    "offers_prepared": TrackingStatus.ANNOUNCED,
    "offer_selected": TrackingStatus.ANNOUNCED,
    "confirmed": TrackingStatus.ANNOUNCED,
    # The customer put the parcel in a locker or gave it at a point: what a return waits for.
    "dispatched_by_sender": TrackingStatus.HANDED_OVER,
    "dispatched_by_sender_to_pok": TrackingStatus.HANDED_OVER,
    "collected_from_sender": TrackingStatus.HANDED_OVER,
    "taken_by_courier": TrackingStatus.IN_TRANSIT,
    "taken_by_courier_from_pok": TrackingStatus.IN_TRANSIT,
    "taken_by_courier_from_customer_service_point": TrackingStatus.IN_TRANSIT,
    "adopted_at_source_branch": TrackingStatus.IN_TRANSIT,
    "sent_from_source_branch": TrackingStatus.IN_TRANSIT,
    "adopted_at_sorting_center": TrackingStatus.IN_TRANSIT,
    "sent_from_sorting_center": TrackingStatus.IN_TRANSIT,
    "adopted_at_target_branch": TrackingStatus.IN_TRANSIT,
    "readdressed": TrackingStatus.IN_TRANSIT,
    "redirect_to_box": TrackingStatus.IN_TRANSIT,
    "permanently_redirected_to_box_machine": TrackingStatus.IN_TRANSIT,
    "permanently_redirected_to_customer_service_point": TrackingStatus.IN_TRANSIT,
    "out_for_delivery": TrackingStatus.OUT_FOR_DELIVERY,
    "out_for_delivery_to_address": TrackingStatus.OUT_FOR_DELIVERY,
    "ready_to_pickup": TrackingStatus.AT_POINT,
    "ready_to_pickup_from_pok": TrackingStatus.AT_POINT,
    "ready_to_pickup_from_branch": TrackingStatus.AT_POINT,
    "pickup_reminder_sent": TrackingStatus.AT_POINT,
    "stack_in_box_machine": TrackingStatus.AT_POINT,
    "stack_in_customer_service_point": TrackingStatus.AT_POINT,
    "avizo": TrackingStatus.AT_POINT,
    "delivered": TrackingStatus.DELIVERED,
    "pickup_time_expired": TrackingStatus.EXCEPTION,
    "stack_parcel_pickup_time_expired": TrackingStatus.EXCEPTION,
    "delay_in_delivery": TrackingStatus.EXCEPTION,
    "oversized": TrackingStatus.EXCEPTION,
    "missing": TrackingStatus.EXCEPTION,
    "claimed": TrackingStatus.EXCEPTION,
    "claim_created": TrackingStatus.EXCEPTION,
    "rejected_by_receiver": TrackingStatus.EXCEPTION,
    "undelivered": TrackingStatus.EXCEPTION,
    "undelivered_wrong_address": TrackingStatus.EXCEPTION,
    "undelivered_incomplete_address": TrackingStatus.EXCEPTION,
    "undelivered_unknown_receiver": TrackingStatus.EXCEPTION,
    "undelivered_no_mailbox": TrackingStatus.EXCEPTION,
    "undelivered_not_live_address": TrackingStatus.EXCEPTION,
    "returned_to_sender": TrackingStatus.RETURNED_TO_SENDER,
    "canceled": TrackingStatus.CANCELLED,
    "canceled_redirect_to_box": TrackingStatus.IN_TRANSIT,
}

# Statuses in which ShipX still lets us DELETE a shipment ("Shipment cancellation", page 28639256).
CANCELLABLE = frozenset({"created", "offers_prepared"})
# Confirmed but not handed over: nothing to cancel through the API, and nothing moved (see the adapter's void).
CONFIRMED = "confirmed"
CANCELLED = "canceled"

# Locker compartments (cm) as CarrierPoint wants them: sizes A, B, C are the parcel templates small, medium,
# large; every one takes 25 kg at most.
COMPARTMENTS: tuple[Mapping[str, Any], ...] = (
    {"size": "A", "height": 8, "width": 38, "depth": 64},
    {"size": "B", "height": 19, "width": 38, "depth": 64},
    {"size": "C", "height": 41, "width": 38, "depth": 64},
)
MAX_WEIGHT_KG = 25
MAX_DIMENSION_CM = 64

# Our drop-off kinds → ShipX point types; and back.
POINT_TYPES: Mapping[str, str] = {"locker": "parcel_locker", "relay_point": "pop"}
_WEEKDAYS = (
    ("monday", "mon"),
    ("tuesday", "tue"),
    ("wednesday", "wed"),
    ("thursday", "thu"),
    ("friday", "fri"),
    ("saturday", "sat"),
    ("sunday", "sun"),
)
# Functions of a point that take a parcel from a sender (a return starts there).
SEND_FUNCTIONS = frozenset({"parcel_send", "parcel_reverse_return_send", "standard_letter_send"})

_HOUSE_NUMBER = re.compile(r"^\s*(\d+[A-Za-z]?(?:\s*(?:bis|ter))?)[\s,]+(.+)$", re.IGNORECASE)


def tracking_status(name: str) -> str:
    """Our reading of a ShipX status name."""
    return STATUS_MAP.get(name, TrackingStatus.OTHER)


def shipx_datetime(value: str) -> datetime:
    """Read ShipX's times: ISO 8601 in the API ("2017-03-28T14:17:45.000+02:00"), and "2020-03-20 15:08:42 +0100"
    in webhooks."""
    text = value.strip()
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return datetime.strptime(text, "%Y-%m-%d %H:%M:%S %z")


def _street(line1: str) -> dict[str, str]:
    """French addresses put the number first ("12 rue des Lilas"); ShipX wants street and building_number, or the
    free `line1` (its Address form takes either) for an address without a number ("ZAC des Portes")."""
    match = _HOUSE_NUMBER.match(line1)
    if match:
        return {"street": match.group(2).strip(), "building_number": match.group(1).strip()}
    return {"line1": line1.strip()}


def _party(address: Address) -> dict[str, Any]:
    first, _sep, last = address.name.strip().partition(" ")
    party: dict[str, Any] = {
        "first_name": first,
        "last_name": last or first,
        "address": {
            **_street(address.line1),
            "line2": address.line2,
            "city": address.city,
            "post_code": address.postcode,
            "country_code": address.country.upper(),
        },
    }
    # Left out rather than empty: ShipX checks what is given, and uses the organization's for a missing sender's.
    if address.email:
        party["email"] = address.email
    if address.phone:
        party["phone"] = re.sub(r"[\s.\-()]", "", address.phone)
    return party


def shipment_payload(*, request: LabelRequest, options: Mapping[str, Any]) -> dict[str, Any]:
    """The body of POST /v1/organizations/{id}/shipments for a return: the customer sends, the warehouse receives."""
    service = str(options.get("service") or "inpost_locker_standard")
    recipient = request.recipient
    # The locker services text and email the receiver: the warehouse's returns desk, when its address has none.
    if not recipient.email and options.get("receiver_email"):
        recipient = replace(recipient, email=str(options["receiver_email"]))
    if not recipient.phone and options.get("receiver_phone"):
        recipient = replace(recipient, phone=str(options["receiver_phone"]))
    receiver = _party(recipient)
    if options.get("receiver_company_name"):
        receiver["company_name"] = str(options["receiver_company_name"])
    custom: dict[str, str] = {}
    if options.get("target_point"):
        custom["target_point"] = str(options["target_point"])
    if request.drop_off_point_id:
        custom["sending_method"] = str(options.get("sending_method") or "parcel_locker")
        custom["dropoff_point"] = request.drop_off_point_id
    elif options.get("sending_method_without_point"):
        custom["sending_method"] = str(options["sending_method_without_point"])
    payload: dict[str, Any] = {
        "service": service,
        "reference": request.reference,
        "comments": request.rma_number,
        "sender": _party(request.sender),
        "receiver": receiver,
        "parcels": [{"template": str(options.get("parcel_template") or "small")}],
        "custom_attributes": custom,
    }
    if request.value_cents and options.get("insure"):
        payload["insurance"] = {"amount": request.value_cents / 100, "currency": request.currency}
    return payload


def _slots(minutes: Any) -> list[list[str]]:
    slots = []
    for slot in minutes or []:
        start, end = int(slot["start"]), int(slot["end"])
        slots.append([f"{start // 60:02d}:{start % 60:02d}", f"{end // 60:02d}:{end % 60:02d}"])
    return slots


def point_from_shipx(item: Mapping[str, Any], *, country: str) -> CarrierPoint | None:
    """A ShipX point as a CarrierPoint; None for a point that does not operate (status other than "Operating")."""
    if str(item.get("status", "")).lower() != "operating":
        return None
    types = [str(t) for t in item.get("type") or []]
    kind = "locker" if any(t.startswith("parcel_locker") for t in types) or not types else "relay_point"
    details = item.get("address_details") or {}
    address = item.get("address") or {}
    street = " ".join(str(part) for part in (details.get("street"), details.get("building_number")) if part)
    location = item.get("location") or {}
    extended = (item.get("operating_hours_extended") or {}).get("customer") or {}
    hours = (
        {ours: _slots(extended.get(theirs)) for theirs, ours in _WEEKDAYS if extended.get(theirs)}
        if isinstance(extended, Mapping)
        else {}
    )
    functions = {str(f) for f in item.get("functions") or []}
    is_locker = kind == "locker"
    return CarrierPoint(
        carrier_point_id=str(item["name"]),
        kind=kind,
        name=f"InPost {item['name']}",
        address_line1=street or str(address.get("line1") or ""),
        # Where exactly the machine stands ("next to the supermarket entrance").
        address_line2=str(item.get("location_description") or "")[:200],
        postcode=str(details.get("post_code") or ""),
        city=str(details.get("city") or ""),
        country=str(item.get("country") or country).upper(),
        latitude=float(location["latitude"]),
        longitude=float(location["longitude"]),
        opening_hours=hours,
        open_24_7=bool(item.get("location_247")),
        wheelchair_accessible=bool(item.get("easy_access_zone")),
        max_weight_kg=MAX_WEIGHT_KG,
        max_dimensions_cm=MAX_DIMENSION_CM if is_locker else None,
        compartments=COMPARTMENTS if is_locker else (),
        accepts_returns=bool(functions & SEND_FUNCTIONS),
        label_printing=bool(item.get("print_in_store")),
    )
