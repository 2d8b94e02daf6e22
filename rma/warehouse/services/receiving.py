"""Receiving at the dock: a scanned code opens the right return, or an unexpected-parcel record."""

import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from rma.core.exceptions import Conflict, DomainError, NotEligible
from rma.locations.models import Warehouse
from rma.returns.choices import ReturnStatus
from rma.returns.lock_objects import return_request_qs_select_for_update
from rma.returns.models import RMA_ALPHABET, ReturnRequest
from rma.returns.services import return_request_transition
from rma.shipping.models import Label
from rma.shipping.services.labels import label_qr_payload_verify
from rma.warehouse.choices import UnexpectedReason
from rma.warehouse.models import Arrival, UnexpectedParcel
from rma.warehouse.services.common import Actor, actor_name

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


@dataclass(frozen=True)
class ScanResult:
    outcome: str
    message: str
    return_request: ReturnRequest | None = None
    arrival: Arrival | None = None
    parcel: UnexpectedParcel | None = None


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
    if label is not None:
        return ReturnRequest.objects.filter(pk=label.return_request_id).first()
    candidates = {code}
    bare = _RMA_BARE_RE.fullmatch(code.replace("-", ""))
    if bare:
        candidates.add(f"R-{bare.group(1)}-{bare.group(2)}")
    return ReturnRequest.objects.filter(rma_number__in=candidates).first()


def _already_received_message(arrival: Arrival | None, return_request: ReturnRequest) -> str:
    if arrival is None:
        return _("Return %(rma)s was already received.") % {"rma": return_request.rma_number}
    return _("Return %(rma)s was already received by %(who)s on %(when)s.") % {
        "rma": return_request.rma_number,
        "who": actor_name(arrival.received_by),
        "when": date_format(timezone.localtime(arrival.created_at), "DATETIME_FORMAT"),
    }


def _receive_locked(
    *, locked: ReturnRequest, warehouse: Warehouse, code: str, actor: Actor, note: str = ""
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
        received_by=actor if actor is not None and actor.is_authenticated else None,
        note=note,
    )
    return arrival, True


def _unexpected(*, warehouse: Warehouse, code: str, reason: str, note: str, actor: Actor) -> UnexpectedParcel:
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
                created_by=actor if actor is not None and actor.is_authenticated else None,
            )
    except IntegrityError:  # another operator scanned the same parcel at the same moment
        return open_parcels.get(scanned_code=code)


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
        parcel = _unexpected(
            warehouse=warehouse, code=code, reason=UnexpectedReason.UNKNOWN_CODE, note="", actor=actor
        )
        return ScanResult(
            ScanOutcome.UNEXPECTED,
            _("Unknown code %(code)s: recorded as an unexpected parcel.") % {"code": code},
            parcel=parcel,
        )
    # Lock first: two operators scanning the same parcel are served one after the other.
    locked = return_request_qs_select_for_update().select_related("destination_warehouse").get(pk=found.pk)
    if locked.destination_warehouse_id not in (None, warehouse.pk):
        parcel = _unexpected(
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
            _already_received_message(arrival, locked),
            return_request=locked,
            arrival=arrival,
        )
    if locked.status not in RECEIVABLE_STATUSES:
        parcel = _unexpected(
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
    arrival, created = _receive_locked(locked=locked, warehouse=warehouse, code=code, actor=actor)
    if not created:
        return ScanResult(
            ScanOutcome.ALREADY_RECEIVED, _already_received_message(arrival, locked), locked, arrival=arrival
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
    if parcel.matched_return_id is not None:
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
    arrival, _created = _receive_locked(
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
