"""The carrier seam: what the shipping services ask of any carrier, and the values they exchange.

Every carrier implements `Carrier` (labels, voids, tracking). A carrier that can list its drop-off points also
implements `PointSearch`, and one that pushes tracking events implements `TrackingWebhooks`. An adapter is built
from a `CarrierSettings` (what a carrier account holds: credentials, the API's address, the products used) and
must not touch the database: the shipping services store what it answers.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from django.db import models
from django.utils.translation import gettext_lazy as _


class CarrierError(Exception):
    """The carrier refused the request for good; retrying the same request will not help."""


class CarrierUnavailable(CarrierError):
    """The carrier could not be reached or answered with a transient failure (5xx, timeout, 429); retry later."""


class CarrierInputError(CarrierError):
    """The carrier refused something the customer can fix (an address it cannot read, a postcode it does not
    serve, a phone number it needs): `customer_message` says what, in plain words, for the customer's page.

    `code` is ours (e.g. "postcode_unknown", "address_invalid", "phone_required", "point_unavailable");
    `carrier_code` is the carrier's own error code, for the logs and the admin."""

    def __init__(self, message: str, *, code: str, customer_message: str, carrier_code: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.customer_message = customer_message
        self.carrier_code = carrier_code


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
    email: str = ""


@dataclass(frozen=True, slots=True)
class CarrierSettings:
    """What a carrier account gives its adapter.

    `credentials` holds the secrets by the names the adapter documents (e.g. {"contract_number", "password"} for
    Colissimo, {"enseigne", "private_key"} for Mondial Relay, {"token", "organization_id"} for InPost).
    `base_url` is the API's address; empty means the carrier's production address (tests point it at a fake on
    127.0.0.1). `options` holds the adapter's documented choices (product codes, label format, language...)."""

    account: str = ""
    credentials: Mapping[str, str] = field(default_factory=dict)
    base_url: str = ""
    options: Mapping[str, Any] = field(default_factory=dict)
    timeout: float = 10.0


@dataclass(frozen=True, slots=True)
class LabelRequest:
    """What we ask a carrier for when we need a label."""

    reference: str  # our idempotency key, e.g. the return's public id
    sender: Address  # the customer
    recipient: Address  # the destination warehouse (the account's return address)
    rma_number: str
    qr_payload: str
    weight_grams: int = 1000
    service: str = "return"
    # How the parcel leaves the customer (rma.locations.choices.DropOffMethod) and, for a point, the carrier's id.
    drop_off_method: str = ""
    drop_off_point_id: str = ""
    # The customer's language for the carrier's own messages ("fr", "en").
    language: str = "fr"
    # Declared value in cents (insurance, customs), and the currency.
    value_cents: int = 0
    currency: str = "EUR"


@dataclass(frozen=True, slots=True)
class CarrierLabel:
    """The carrier's answer to a label request.

    `documents` holds the carrier's own printable label by format: "pdf" (A4 or A6 PDF), "pdf_4x6" (a 10x15 cm
    PDF) and "zpl" (203 dpi ZPL), whichever the carrier gave. Empty: the carrier prints nothing itself (the
    built-in carrier) and we render the label. `carrier_reference` is the carrier's own id of the shipment when it
    differs from the tracking number (needed to void or fetch it later)."""

    tracking_number: str
    carrier: str
    documents: Mapping[str, bytes] = field(default_factory=dict)
    carrier_reference: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)


class TrackingStatus(models.TextChoices):
    """What a carrier's event means for us, whatever the carrier calls it."""

    ANNOUNCED = "announced", _("Label created")
    HANDED_OVER = "handed_over", _("Handed over to the carrier")
    IN_TRANSIT = "in_transit", _("In transit")
    AT_POINT = "at_point", _("Waiting at a point")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    DELIVERED = "delivered", _("Delivered")
    EXCEPTION = "exception", _("Problem reported by the carrier")
    RETURNED_TO_SENDER = "returned_to_sender", _("Returned to sender")
    CANCELLED = "cancelled", _("Cancelled")
    OTHER = "other", _("Other")


@dataclass(frozen=True, slots=True)
class TrackingEvent:
    """One scan or status change reported by the carrier.

    `code` is the carrier's own event code, `description` its own words, `status` our reading of it;
    `location` where it happened (a point's or a sorting centre's name, a town)."""

    at: datetime
    code: str
    description: str
    status: str = TrackingStatus.OTHER
    location: str = ""


@dataclass(frozen=True, slots=True)
class TrackingUpdate:
    """Events a carrier pushed for one parcel (see `TrackingWebhooks`)."""

    tracking_number: str
    events: tuple[TrackingEvent, ...]


@dataclass(frozen=True, slots=True)
class CarrierPoint:
    """A drop-off point as a carrier's point search describes it.

    `kind` is a rma.locations.choices.DropOffKind value; `opening_hours` is {"mon": [["09:00", "12:30"], ...]}
    (a day left out is closed); `closures` is [{"start": "YYYY-MM-DD", "end": "YYYY-MM-DD"}]; `compartments`
    lists a locker's compartment sizes as the carrier names them with their dimensions in cm, e.g.
    [{"size": "A", "height": 8, "width": 38, "depth": 64}]."""

    carrier_point_id: str
    kind: str
    name: str
    address_line1: str
    postcode: str
    city: str
    country: str
    latitude: float
    longitude: float
    address_line2: str = ""
    opening_hours: Mapping[str, list[list[str]]] = field(default_factory=dict)
    closures: tuple[Mapping[str, str], ...] = ()
    open_24_7: bool = False
    wheelchair_accessible: bool = False
    max_weight_kg: int | None = None
    max_dimensions_cm: int | None = None
    compartments: tuple[Mapping[str, Any], ...] = ()
    accepts_returns: bool = True
    label_printing: bool = False


@runtime_checkable
class Carrier(Protocol):
    """A carrier integration; create_label must be idempotent on `request.reference` where the carrier allows it."""

    code: str

    def create_label(self, *, request: LabelRequest) -> CarrierLabel:
        """Book a parcel and return its tracking number (and the carrier's printable label, if it makes one).

        Raises CarrierInputError for what the customer can fix, CarrierUnavailable for what a retry may fix,
        CarrierError for the rest."""
        ...

    def void_label(self, *, tracking_number: str) -> None:
        """Cancel an unused label; voiding an already void label succeeds. A carrier that cannot cancel does
        nothing (an unused label is never billed by it)."""
        ...

    def track(self, *, tracking_number: str) -> list[TrackingEvent]:
        """Return the tracking events known for the parcel, oldest first."""
        ...


@runtime_checkable
class PointSearch(Protocol):
    """A carrier whose API lists its drop-off points."""

    def points_search(
        self, *, country: str, postcode: str, city: str = "", kinds: tuple[str, ...] = (), limit: int = 50
    ) -> list[CarrierPoint]:
        """The carrier's points around a postcode, nearest first, as the carrier's search returns them."""
        ...


@runtime_checkable
class TrackingWebhooks(Protocol):
    """A carrier that pushes tracking events to a URL of ours."""

    def webhook_read(self, *, headers: Mapping[str, str], body: bytes) -> list[TrackingUpdate]:
        """Check the delivery's signature (CarrierError when it does not match) and read the events it carries;
        a delivery that carries no tracking event reads as []."""
        ...
