"""La Poste's tracking API "Suivi v2" read as our tracking events.

Source: La Poste developer portal, API Suivi v2 (https://developer.laposte.fr/products/suivi/latest):
GET https://api.laposte.fr/suivi/v2/idships/{idShip}?lang=fr_FR with the header X-Okapi-Key; the answer is
{"lang", "scope", "returnCode", "shipment": {"idShip", "product", "isFinal", "entryDate", "deliveryDate",
"event": [{"code", "label", "date"}] (newest first), "timeline": [...], "contextData": {...}, "url"}}; refusals
are {"returnCode": 400|404, "returnMessage", "lang", "scope", "idShip"}, and the API gateway answers 401
{"code": "UNAUTHORIZED", "message"} for a missing or wrong key. Example answers recorded from the live API in
karrioapi/karrio (modules/connectors/colissimo/tests/colissimo/test_tracking.py, March 2023).

Event codes (Suivi v2, "Liste des codes événements"): DR1 declaration received (label made, not yet handed
over), PC1 taken in charge ("déposé dans un point postal"), PC2 taken in charge in the sending country, ET1-ET4
being handled (ET2 sending country, ET3 destination country, ET4 transit country), EP1 awaiting presentation,
DO1 entering customs, DO2 leaving customs, DO3 held in customs, PB1 problem, PB2 problem solved, MD2 out for
delivery, ND1 cannot be delivered, AG1 waiting at the counter to be collected, RE1 returned to sender,
DI1 delivered, DI2 delivered to the sender.
"""

from datetime import datetime
from typing import Any

from rma.shipping.carriers.base import TrackingEvent, TrackingStatus

EVENT_STATUSES: dict[str, str] = {
    "DR1": TrackingStatus.ANNOUNCED,
    "PC1": TrackingStatus.HANDED_OVER,
    "PC2": TrackingStatus.HANDED_OVER,
    "ET1": TrackingStatus.IN_TRANSIT,
    "ET2": TrackingStatus.IN_TRANSIT,
    "ET3": TrackingStatus.IN_TRANSIT,
    "ET4": TrackingStatus.IN_TRANSIT,
    "EP1": TrackingStatus.IN_TRANSIT,
    "DO1": TrackingStatus.IN_TRANSIT,
    "DO2": TrackingStatus.IN_TRANSIT,
    "DO3": TrackingStatus.EXCEPTION,
    "PB1": TrackingStatus.EXCEPTION,
    "PB2": TrackingStatus.IN_TRANSIT,
    "MD2": TrackingStatus.OUT_FOR_DELIVERY,
    "ND1": TrackingStatus.EXCEPTION,
    "AG1": TrackingStatus.AT_POINT,
    "RE1": TrackingStatus.RETURNED_TO_SENDER,
    "DI1": TrackingStatus.DELIVERED,
    # On a return the sender is the customer: the parcel went back to them.
    "DI2": TrackingStatus.RETURNED_TO_SENDER,
}


def event_status(code: str) -> str:
    return EVENT_STATUSES.get(code.strip().upper(), TrackingStatus.OTHER)


def _when(value: str) -> datetime | None:
    try:
        when = datetime.fromisoformat(value.strip())
    except (AttributeError, ValueError):
        return None
    return when if when.tzinfo is not None else None


def shipment_events(answer: dict[str, Any]) -> list[TrackingEvent]:
    """The shipment's events, oldest first; an event without a readable, zoned date is left out."""
    shipment = answer.get("shipment") or {}
    events = []
    for raw in shipment.get("event") or []:
        when = _when(str(raw.get("date", "")))
        code = str(raw.get("code", "")).strip()
        if when is None or not code:
            continue
        events.append(
            TrackingEvent(
                at=when,
                code=code,
                description=str(raw.get("label", "")).strip(),
                status=event_status(code),
                location=str(raw.get("siteName") or raw.get("location") or "").strip(),
            )
        )
    events.sort(key=lambda event: event.at)
    return events
