"""Receiving at the dock: a scanned code opens the right return or shipment, or an unexpected-parcel record."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rma.core.exceptions import Conflict, DomainError, NotEligible
from rma.locations.models import Warehouse
from rma.returns.choices import ReturnStatus
from rma.returns.lock_objects import return_request_qs_select_for_update
from rma.returns.models import ReturnRequest
from rma.shipping.selectors import return_request_find_by_code, scan_code_normalize, shipment_find_by_code
from rma.warehouse.choices import UnexpectedReason
from rma.warehouse.models import Arrival, UnexpectedParcel
from rma.warehouse.services.arrivals import (
    ALREADY_IN_STATUSES,
    RECEIVABLE_STATUSES,
    ScanOutcome,
    ScanResult,
    already_received_message,
    return_request_receive_locked,
    unexpected_parcel_record,
)
from rma.warehouse.services.common import Actor
from rma.warehouse.services.shipment_receiving import shipment_scan

__all__ = [
    "ALREADY_IN_STATUSES",
    "RECEIVABLE_STATUSES",
    "ScanOutcome",
    "ScanResult",
    "arrival_register",
    "return_request_find_by_code",
    "scan_code_normalize",
    "unexpected_parcel_match",
]


@transaction.atomic
def arrival_register(*, code: str, warehouse: Warehouse, actor: Actor) -> ScanResult:
    """Register a scan at a warehouse's dock.

    A return's tracking number or RMA number receives the return (once: a second scan, even by another
    operator at the same moment, finds the first arrival). Anything else opens an unexpected-parcel record.
    """
    code = scan_code_normalize(code)[:64]
    if not code:
        raise DomainError(_("Scan or type a code."), code="code_required")
    found = return_request_find_by_code(code=code)
    if found is None:
        shipment_found = shipment_find_by_code(code=code)
        if shipment_found is not None:
            shipment, carton = shipment_found
            return shipment_scan(shipment=shipment, carton=carton, warehouse=warehouse, code=code, actor=actor)
        parcel = unexpected_parcel_record(
            warehouse=warehouse, code=code, reason=UnexpectedReason.UNKNOWN_CODE, note="", actor=actor
        )
        return ScanResult(
            ScanOutcome.UNEXPECTED,
            _("Unknown code %(code)s: recorded as an unexpected parcel.") % {"code": code},
            parcel=parcel,
        )
    # Lock first: two operators scanning the same parcel are served one after the other.
    # With what the receipt's messages read (the order, the drop-off point), in the same query.
    locked = (
        return_request_qs_select_for_update()
        .select_related("destination_warehouse", "order", "drop_off_point")
        .get(pk=found.pk)
    )
    if locked.destination_warehouse_id not in (None, warehouse.pk):
        parcel = unexpected_parcel_record(
            warehouse=warehouse,
            code=code,
            reason=UnexpectedReason.OTHER_WAREHOUSE,
            note=_("Return %(rma)s is expected at %(warehouse)s.")
            % {"rma": locked.rma_number, "warehouse": locked.destination_warehouse},
            actor=actor,
        )
        return ScanResult(
            ScanOutcome.UNEXPECTED,
            _("Return %(rma)s is expected at another warehouse (%(warehouse)s): recorded as an unexpected parcel.")
            % {"rma": locked.rma_number, "warehouse": locked.destination_warehouse},
            parcel=parcel,
        )
    if locked.status in ALREADY_IN_STATUSES:
        arrival = Arrival.objects.select_related("received_by").filter(return_request=locked).first()
        return ScanResult(
            ScanOutcome.ALREADY_RECEIVED,
            already_received_message(arrival, locked),
            return_request=locked,
            arrival=arrival,
        )
    if locked.status not in RECEIVABLE_STATUSES:
        parcel = unexpected_parcel_record(
            warehouse=warehouse,
            code=code,
            reason=UnexpectedReason.NOT_EXPECTED,
            note=_("Return %(rma)s is “%(status)s”.")
            % {"rma": locked.rma_number, "status": ReturnStatus(locked.status).label},
            actor=actor,
        )
        return ScanResult(
            ScanOutcome.UNEXPECTED,
            _("Return %(rma)s is “%(status)s” and not expected: recorded as an unexpected parcel.")
            % {"rma": locked.rma_number, "status": ReturnStatus(locked.status).label},
            parcel=parcel,
        )
    arrival, created = return_request_receive_locked(locked=locked, warehouse=warehouse, code=code, actor=actor)
    if not created:
        return ScanResult(
            ScanOutcome.ALREADY_RECEIVED, already_received_message(arrival, locked), locked, arrival=arrival
        )
    return ScanResult(
        ScanOutcome.RECEIVED,
        _("Return %(rma)s received.") % {"rma": locked.rma_number},
        return_request=locked,
        arrival=arrival,
    )


@transaction.atomic
def unexpected_parcel_match(
    *, parcel: UnexpectedParcel, return_request: ReturnRequest, actor: Actor, note: str = ""
) -> Arrival:
    """Match an unexpected parcel to the return it turned out to be, and receive that return."""
    parcel = UnexpectedParcel.objects.select_for_update().select_related("warehouse").get(pk=parcel.pk)
    if parcel.matched_return is not None:
        raise Conflict(
            _("This parcel was already matched to %(rma)s.") % {"rma": parcel.matched_return.rma_number},
            code="parcel_already_matched",
        )
    locked = return_request_qs_select_for_update().get(pk=return_request.pk)
    if locked.destination_warehouse_id not in (None, parcel.warehouse_id):
        raise NotEligible(_("This return is expected at another warehouse."), code="other_warehouse")
    if locked.status not in RECEIVABLE_STATUSES or Arrival.objects.filter(return_request=locked).exists():
        raise Conflict(
            _("Return %(rma)s cannot be received: it is “%(status)s”.")
            % {"rma": locked.rma_number, "status": ReturnStatus(locked.status).label},
            code="not_receivable",
        )
    match_note = _("Matched from unexpected parcel %(code)s.") % {"code": parcel.scanned_code}
    arrival, _created = return_request_receive_locked(
        locked=locked,
        warehouse=parcel.warehouse,
        code=parcel.scanned_code,
        actor=actor,
        note=" ".join(filter(None, [match_note, note])),
    )
    parcel.matched_return = locked
    parcel.matched_by = actor if actor is not None and actor.is_authenticated else None
    parcel.matched_at = timezone.now()
    parcel.save(update_fields=["matched_return", "matched_by", "matched_at", "updated_at"])
    return arrival
