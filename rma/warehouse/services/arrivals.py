"""What every way of receiving shares: the statuses, the code a scanner typed, receiving one locked return,
and the unexpected-parcel record."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from rma.locations.models import Warehouse
from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnRequest
from rma.returns.transitions import transition_apply
from rma.shipping.models import Carton, Shipment
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
    # The caller holds the row locked: the moves need no second lock nor a savepoint each.
    if locked.status in (ReturnStatus.APPROVED, ReturnStatus.LABEL_READY):
        transit_note = _("Received without transit scan.")
        transition_apply(locked=locked, to=ReturnStatus.IN_TRANSIT, actor=actor, note=transit_note)
        note = " ".join(filter(None, [transit_note, note]))
    transition_apply(locked=locked, to=ReturnStatus.RECEIVED, actor=actor, note=note)
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
