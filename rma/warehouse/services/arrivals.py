"""What every way of receiving shares: the statuses, the code a scanner typed, receiving one locked return,
and the unexpected-parcel record."""

import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from rma.locations.models import Warehouse
from rma.returns.choices import ReturnStatus
from rma.returns.models import RMA_ALPHABET, ReturnRequest
from rma.returns.services import return_request_transition
from rma.shipping.models import Carton, Label, Shipment
from rma.shipping.services.labels import label_qr_payload_verify
from rma.warehouse.models import Arrival, CartonReceipt, UnexpectedParcel
from rma.warehouse.services.common import Actor, actor_name, actor_or_none

# Statuses in which a parcel can be received: in transit, or approved and dropped off without a carrier scan.
RECEIVABLE_STATUSES = (ReturnStatus.IN_TRANSIT, ReturnStatus.APPROVED, ReturnStatus.LABEL_READY)
# Statuses meaning the parcel is already in (received by us or further along).
ALREADY_IN_STATUSES = (
    ReturnStatus.RECEIVED,
    ReturnStatus.INSPECTED,
    ReturnStatus.REFUNDED,
    ReturnStatus.EXCHANGED,
    ReturnStatus.CLOSED,
)
_RMA_BARE_RE = re.compile(rf"R?([{RMA_ALPHABET}]{{4}})([{RMA_ALPHABET}]{{4}})")


class ScanOutcome:
    RECEIVED = "received"
    ALREADY_RECEIVED = "already_received"
    UNEXPECTED = "unexpected"
    CARTON_RECEIVED = "carton_received"
    CARTON_ALREADY_RECEIVED = "carton_already_received"
    SHIPMENT = "shipment"


@dataclass(frozen=True)
class ScanResult:
    """What a scan at the dock did: a return received, a carton received, a shipment opened, or a parcel recorded
    as unexpected."""

    outcome: str
    message: str
    return_request: ReturnRequest | None = None
    arrival: Arrival | None = None
    parcel: UnexpectedParcel | None = None
    shipment: Shipment | None = None
    carton: Carton | None = None
    receipt: CartonReceipt | None = None


def scan_code_normalize(code: str) -> str:
    """What a scanner or a keyboard typed, without spaces and in capitals."""
    return re.sub(r"\s+", "", code or "").upper()


def return_request_find_by_code(*, code: str) -> ReturnRequest | None:
    """The return a code designates: a label's tracking number, its signed QR code, or an RMA number (with or
    without dashes)."""
    code = scan_code_normalize(code)
    if not code:
        return None
    if ":" in code:
        rma_number = label_qr_payload_verify(payload=code)
        return ReturnRequest.objects.filter(rma_number=rma_number).first() if rma_number else None
    label = Label.objects.filter(tracking_number=code, return_request__isnull=False).only("return_request_id").first()
    if label is not None and label.return_request_id is not None:  # the filter keeps labels of a return only
        return ReturnRequest.objects.filter(pk=label.return_request_id).first()
    candidates = {code}
    bare = _RMA_BARE_RE.fullmatch(code.replace("-", ""))
    if bare:
        candidates.add(f"R-{bare.group(1)}-{bare.group(2)}")
    return ReturnRequest.objects.filter(rma_number__in=candidates).first()


def already_received_message(arrival: Arrival | None, return_request: ReturnRequest) -> str:
    if arrival is None:
        return _("Return %(rma)s was already received.") % {"rma": return_request.rma_number}
    return _("Return %(rma)s was already received by %(who)s on %(when)s.") % {
        "rma": return_request.rma_number,
        "who": actor_name(arrival.received_by),
        "when": date_format(timezone.localtime(arrival.created_at), "DATETIME_FORMAT"),
    }


def return_request_receive_locked(
    *,
    locked: ReturnRequest,
    warehouse: Warehouse,
    code: str,
    actor: Actor,
    note: str = "",
    shipment: Shipment | None = None,
    carton: Carton | None = None,
) -> tuple[Arrival, bool]:
    """Receive a locked, receivable return at a warehouse; returns (arrival, created)."""
    existing = Arrival.objects.select_related("received_by").filter(return_request=locked).first()
    if existing is not None:
        return existing, False
    if locked.destination_warehouse_id is None:
        # Nobody was told where it would go: the warehouse that has it adopts it.
        ReturnRequest.objects.filter(pk=locked.pk).update(destination_warehouse=warehouse)
        locked.destination_warehouse = warehouse
    if locked.status in (ReturnStatus.APPROVED, ReturnStatus.LABEL_READY):
        transit_note = _("Received without transit scan.")
        return_request_transition(return_request=locked, to=ReturnStatus.IN_TRANSIT, actor=actor, note=transit_note)
        note = " ".join(filter(None, [transit_note, note]))
    return_request_transition(return_request=locked, to=ReturnStatus.RECEIVED, actor=actor, note=note)
    arrival = Arrival.objects.create(
        warehouse=warehouse,
        scanned_code=code[:64],
        return_request=locked,
        shipment=shipment,
        carton=carton,
        received_by=actor_or_none(actor),
        note=note,
    )
    return arrival, True


def unexpected_parcel_record(
    *, warehouse: Warehouse, code: str, reason: str, note: str, actor: Actor
) -> UnexpectedParcel:
    """The open record for this code at this warehouse, made on the first scan only."""
    open_parcels = UnexpectedParcel.objects.filter(warehouse=warehouse, matched_return__isnull=True)
    parcel = open_parcels.filter(scanned_code=code).first()
    if parcel is not None:
        return parcel
    try:
        with transaction.atomic():
            return UnexpectedParcel.objects.create(
                warehouse=warehouse,
                scanned_code=code,
                reason=reason,
                note=note,
                created_by=actor_or_none(actor),
            )
    except IntegrityError:  # another operator scanned the same parcel at the same moment
        return open_parcels.get(scanned_code=code)
