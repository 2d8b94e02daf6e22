"""A stand-in for a carrier's system, in memory, behind the carrier registry (rma.shipping.carriers._FACTORIES).

It plays what a real carrier does that the label path depends on: it checks the account's API key, books one parcel
per reference (a repeated reference gets the parcel already booked, as carriers that dedupe do), refuses what it
is told to refuse with a message for the customer, times out (before or after booking), prints its own label in
the formats it is told to, and cancels parcels. The adapters' own tests run against fakes of the real APIs.
"""

from dataclasses import dataclass, field
from typing import Any

from rma.shipping.carriers import (
    CarrierError,
    CarrierInputError,
    CarrierLabel,
    CarrierSettings,
    CarrierUnavailable,
    LabelRequest,
    TrackingEvent,
)


@dataclass
class CarrierSystem:
    """The carrier's side: what it was sent and what it booked, and how it behaves next."""

    code: str = "standin"
    api_key: str = "key-123"
    # Postcodes it does not serve: refused with a message the customer can act on.
    unknown_postcodes: set[str] = field(default_factory=set)
    # Time out on the next calls: "before" booking (nothing booked) or "after" (booked, but the answer is lost).
    outages: list[str] = field(default_factory=list)
    # The label files it prints itself ({} = none, like the built-in carrier).
    documents: dict[str, bytes] = field(default_factory=dict)
    settings_seen: list[CarrierSettings] = field(default_factory=list)
    requests: list[LabelRequest] = field(default_factory=list)
    bookings: dict[str, str] = field(default_factory=dict)  # reference -> tracking number
    voided: list[str] = field(default_factory=list)

    def create_label(self, settings: CarrierSettings, request: LabelRequest) -> CarrierLabel:
        self.settings_seen.append(settings)
        if settings.credentials.get("api_key") != self.api_key:
            raise CarrierError("401 Unauthorized: bad API key")
        self.requests.append(request)
        outage = self.outages.pop(0) if self.outages else ""
        if outage == "before":
            raise CarrierUnavailable("read timeout")
        if request.sender.postcode in self.unknown_postcodes:
            raise CarrierInputError(
                f"E-204 postcode {request.sender.postcode} unknown",
                code="postcode_unknown",
                customer_message=f"The carrier does not know the postcode {request.sender.postcode}: please check it.",
                carrier_code="E-204",
            )
        tracking = self.bookings.setdefault(request.reference, f"SI{len(self.bookings) + 1:010d}")
        if outage == "after":
            raise CarrierUnavailable("read timeout after the booking")
        return CarrierLabel(
            tracking_number=tracking,
            carrier=self.code,
            documents=dict(self.documents),
            carrier_reference=f"SHIP-{tracking}",
        )


class StandInCarrier:
    """The adapter: built from an account's settings, as the registry builds real adapters."""

    def __init__(self, settings: CarrierSettings, system: CarrierSystem) -> None:
        self.settings = settings
        self.system = system
        self.code = system.code

    def create_label(self, *, request: LabelRequest) -> CarrierLabel:
        return self.system.create_label(self.settings, request)

    def void_label(self, *, tracking_number: str) -> None:
        self.system.settings_seen.append(self.settings)
        if self.settings.credentials.get("api_key") != self.system.api_key:
            raise CarrierError("401 Unauthorized: bad API key")
        self.system.voided.append(tracking_number)

    def track(self, *, tracking_number: str) -> list[TrackingEvent]:
        return []


def factory_for(system: CarrierSystem) -> Any:
    return lambda settings: StandInCarrier(settings, system)
