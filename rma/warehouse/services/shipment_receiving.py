"""Receiving a shop's shipment carton by carton, and checking it against what the shop announced.

How it works (the pages say the same to the operators):
- Scanning a carton's label (its barcode "CT-…" or its carrier tracking number) receives that carton, once: a
  second scan, by anyone, is told who received it and when.
- In a received carton the operator counts what is there: each customer return by its label (which receives the
  return, so that it goes on to inspection), and loose units by SKU, with a quantity ("3*SKU" or the quantity
  field). A return missing from its carton is therefore never received by mistake.
- Scanning the carton's label again (or "Carton counted") closes its count. When every carton is counted the
  shipment is received; the operator may also finish it with cartons missing.
- Then the counts are compared with the announced contents (rma.shipping.selectors.shipment_contents):
  missing: a carton not received; an announced return found in no carton (and not received otherwise); fewer
  units of a SKU than its carton announced.
  extra: a return not announced in the shipment; more units of a SKU than its carton announced, or a SKU the
  carton did not announce.
  wrong item: a return found in another carton than the one it was announced in; in one carton, a SKU that was
  not announced while an announced SKU is short (a substitution, paired unit for unit).
  damaged: units or returns counted as damaged (they still count as found).
  SKUs are compared carton by carton: a SKU packed in the wrong carton is missing from one and extra in the other.
- The discrepancies are stored (reports) and handed to the shop's shipment (shipment_receive_record), which
  becomes "received" or "received with discrepancies"; the shop's pages show them.

Concurrency: every write locks the shipment's row first (then a return's row), so two operators on the same
carton are served one after the other and the second is told what the first did.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from rma.core.exceptions import Conflict, InvalidTransition, NotEligible
from rma.locations.models import Warehouse
from rma.shipping.choices import ShipmentStatus
from rma.shipping.models import Carton, Shipment
from rma.shipping.selectors import scan_code_normalize
from rma.warehouse.choices import UnexpectedReason
from rma.warehouse.lock_objects import shipment_lock
from rma.warehouse.models import CartonReceipt
from rma.warehouse.services.arrivals import ScanOutcome, ScanResult, unexpected_parcel_record
from rma.warehouse.services.common import Actor, actor_name, actor_or_none

SHIPMENT_RECEIVABLE_STATUSES = (ShipmentStatus.CLOSED, ShipmentStatus.DISPATCHED)
SHIPMENT_RECEIVED_STATUSES = (ShipmentStatus.RECEIVED, ShipmentStatus.RECEIVED_WITH_DISCREPANCIES)


def moment_text(moment: datetime | None) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT") if moment else "—"


def require_receivable(locked: Shipment) -> None:
    if locked.status in SHIPMENT_RECEIVED_STATUSES:
        raise Conflict(
            _("Shipment %(number)s was already received on %(when)s.")
            % {"number": locked.number, "when": moment_text(locked.received_at)},
            code="shipment_already_received",
        )
    if locked.status not in SHIPMENT_RECEIVABLE_STATUSES:
        raise InvalidTransition(
            _("Shipment %(number)s is still open at its shop: it cannot be received yet.") % {"number": locked.number},
            code="shipment_not_receivable",
        )


def _carton_already_received_message(receipt: CartonReceipt) -> str:
    return _("Carton %(carton)s was already received by %(who)s on %(when)s.") % {
        "carton": receipt.carton.barcode,
        "who": actor_name(receipt.received_by),
        "when": moment_text(receipt.received_at),
    }


# ---- Receive a carton


@dataclass(frozen=True)
class CartonReceiveResult:
    receipt: CartonReceipt
    created: bool
    message: str


@transaction.atomic
def carton_receive(*, carton: Carton, warehouse: Warehouse, actor: Actor, code: str = "") -> CartonReceiveResult:
    """Receive one carton of a closed or dispatched shipment at its warehouse, once."""
    locked = shipment_lock(pk=carton.shipment_id)
    if locked.warehouse_id != warehouse.pk:
        raise NotEligible(
            _("Shipment %(number)s is expected at %(warehouse)s.")
            % {"number": locked.number, "warehouse": locked.warehouse},
            code="other_warehouse",
        )
    existing = CartonReceipt.objects.select_related("carton", "received_by").filter(carton=carton).first()
    if existing is not None:
        return CartonReceiveResult(existing, False, _carton_already_received_message(existing))
    require_receivable(locked)
    receipt = CartonReceipt.objects.create(
        carton=carton,
        shipment=locked,
        warehouse=warehouse,
        scanned_code=scan_code_normalize(code or carton.barcode)[:64],
        received_by=actor_or_none(actor),
        received_at=timezone.now(),
    )
    message = _("Carton %(carton)s of shipment %(number)s received: count what is in it.") % {
        "carton": carton.barcode,
        "number": locked.number,
    }
    return CartonReceiveResult(receipt, True, message)


@transaction.atomic
def shipment_scan(
    *, shipment: Shipment, carton: Carton | None, warehouse: Warehouse, code: str, actor: Actor
) -> ScanResult:
    """A shipment number or a carton label scanned at the dock (called by arrival_register)."""
    locked = shipment_lock(pk=shipment.pk)
    values = {"number": locked.number, "warehouse": locked.warehouse, "carton": carton.barcode if carton else ""}
    if locked.warehouse_id != warehouse.pk:
        parcel = unexpected_parcel_record(
            warehouse=warehouse,
            code=code,
            reason=UnexpectedReason.OTHER_WAREHOUSE,
            note=_("Shipment %(number)s is expected at %(warehouse)s.") % values,
            actor=actor,
        )
        message = _(
            "Shipment %(number)s is expected at another warehouse (%(warehouse)s): recorded as an unexpected parcel."
        )
        return ScanResult(ScanOutcome.UNEXPECTED, message % values, parcel=parcel)
    if locked.status == ShipmentStatus.OPEN:
        parcel = unexpected_parcel_record(
            warehouse=warehouse,
            code=code,
            reason=UnexpectedReason.NOT_EXPECTED,
            note=_("Shipment %(number)s is still open at its shop.") % values,
            actor=actor,
        )
        message = _(
            "Shipment %(number)s is still open at its shop and not expected: recorded as an unexpected parcel."
        )
        return ScanResult(ScanOutcome.UNEXPECTED, message % values, parcel=parcel)
    if carton is None:
        if locked.status in SHIPMENT_RECEIVED_STATUSES:
            message = _("Shipment %(number)s was received on %(when)s.") % {
                **values,
                "when": moment_text(locked.received_at),
            }
        else:
            message = _("Shipment %(number)s: scan the label of each carton.") % values
        return ScanResult(ScanOutcome.SHIPMENT, message, shipment=locked)
    receipt = CartonReceipt.objects.select_related("carton", "received_by").filter(carton=carton).first()
    if receipt is not None:
        return ScanResult(
            ScanOutcome.CARTON_ALREADY_RECEIVED,
            _carton_already_received_message(receipt),
            shipment=locked,
            carton=carton,
            receipt=receipt,
        )
    if locked.status in SHIPMENT_RECEIVED_STATUSES:
        # Declared missing when the shipment was finished, and here after all: kept aside to be looked at.
        parcel = unexpected_parcel_record(
            warehouse=warehouse,
            code=code,
            reason=UnexpectedReason.NOT_EXPECTED,
            note=_("Carton %(carton)s of shipment %(number)s, which was received without it.") % values,
            actor=actor,
        )
        message = _(
            "Carton %(carton)s arrived after its shipment %(number)s was received: recorded as an unexpected parcel."
        )
        return ScanResult(ScanOutcome.UNEXPECTED, message % values, parcel=parcel)
    result = carton_receive(carton=carton, warehouse=warehouse, actor=actor, code=code)
    return ScanResult(
        ScanOutcome.CARTON_RECEIVED if result.created else ScanOutcome.CARTON_ALREADY_RECEIVED,
        result.message,
        shipment=locked,
        carton=carton,
        receipt=result.receipt,
    )
