"""The carrier seam: what the shipping services ask of any carrier, and the values they exchange."""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable


class CarrierError(Exception):
    """The carrier refused the request for good; retrying the same request will not help."""


class CarrierUnavailable(CarrierError):
    """The carrier could not be reached or answered with a transient failure; retry later."""


@dataclass(frozen=True, slots=True)
class Address:
    """A postal address as printed on a label."""

    name: str
    line1: str
    line2: str
    postcode: str
    city: str
    country: str
    phone: str = ""


@dataclass(frozen=True, slots=True)
class LabelRequest:
    """What we ask a carrier for when we need a label."""

    reference: str  # our idempotency key, e.g. the return's public id
    sender: Address
    recipient: Address
    rma_number: str
    qr_payload: str
    weight_grams: int = 1000
    service: str = "return"


@dataclass(frozen=True, slots=True)
class CarrierLabel:
    """The carrier's answer to a label request."""

    tracking_number: str
    carrier: str


@dataclass(frozen=True, slots=True)
class TrackingEvent:
    """One scan or status change reported by the carrier."""

    at: datetime
    code: str
    description: str


@runtime_checkable
class Carrier(Protocol):
    """A carrier integration; create_label must be idempotent on `request.reference`."""

    code: str

    def create_label(self, *, request: LabelRequest) -> CarrierLabel:
        """Book a parcel and return its tracking number; same reference gives the same label."""
        ...

    def void_label(self, *, tracking_number: str) -> None:
        """Cancel an unused label; voiding an already void label succeeds."""
        ...

    def track(self, *, tracking_number: str) -> list[TrackingEvent]:
        """Return the tracking events known for the parcel, oldest first."""
        ...
