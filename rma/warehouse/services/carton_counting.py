"""Counting what is in a received carton: returns by their label, loose units by SKU (see shipment_receiving)."""

import re
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from rma.core.exceptions import Conflict, DomainError
from rma.returns.choices import ReturnStatus
from rma.returns.lock_objects import return_request_qs_select_for_update
from rma.returns.models import ReturnRequest
from rma.shipping.models import Carton, Shipment, ShipmentItem
from rma.shipping.selectors import return_request_find_by_code, scan_code_normalize, shipment_find_by_code
from rma.warehouse.lock_objects import shipment_lock
from rma.warehouse.models import CartonReceipt, CountedItem
from rma.warehouse.services.arrivals import (
    ALREADY_IN_STATUSES,
    RECEIVABLE_STATUSES,
    return_request_receive_locked,
)
from rma.warehouse.services.common import Actor, actor_name, actor_or_none
from rma.warehouse.services.shipment_discrepancies import receiving_finish_locked, shipment_received_message
from rma.warehouse.services.shipment_receiving import moment_text, require_receivable

MAX_COUNT_QUANTITY = 9999
MAX_SKU_LENGTH = 64
_QUANTITY_PREFIX_RE = re.compile(r"(\d{1,4})\*(.+)")


@dataclass(frozen=True)
class CountResult:
    entry: CountedItem
    message: str
    return_request: ReturnRequest | None = None
    received: bool = False


def count_code_parse(code: str) -> tuple[int | None, str]:
    """A count typed as "3*SKU-1" is 3 units of SKU-1; a plain code has no quantity of its own."""
    match = _QUANTITY_PREFIX_RE.fullmatch(code)
    if match is None:
        return None, code
    return int(match.group(1)), match.group(2)


def _receipt_locked(receipt: CartonReceipt) -> tuple[Shipment, CartonReceipt]:
    locked = shipment_lock(pk=receipt.shipment_id)
    current = CartonReceipt.objects.select_related("carton", "counted_by", "warehouse").get(pk=receipt.pk)
    return locked, current


def _require_counting(locked: Shipment, receipt: CartonReceipt) -> None:
    if receipt.counted_at is not None:
        raise Conflict(
            _("Carton %(carton)s was already counted by %(who)s on %(when)s: its count can no longer change.")
            % {
                "carton": receipt.carton.barcode,
                "who": actor_name(receipt.counted_by),
                "when": moment_text(receipt.counted_at),
            },
            code="carton_already_counted",
        )
    require_receivable(locked)


@transaction.atomic
def carton_count_add(
    *, receipt: CartonReceipt, code: str, actor: Actor, quantity: int = 1, damaged: bool = False
) -> CountResult:
    """Count a return (by its label: it is received) or units of a SKU in a received carton."""
    locked, receipt = _receipt_locked(receipt)
    _require_counting(locked, receipt)
    prefixed, code = count_code_parse(scan_code_normalize(code))
    if prefixed is not None:
        quantity = prefixed
    if not code:
        raise DomainError(_("Scan or type a code."), code="code_required")
    if shipment_find_by_code(code=code) is not None:
        raise DomainError(
            _("“%(code)s” is a carton or shipment label, not an item.") % {"code": code[:40]}, code="carton_label"
        )
    return_request = return_request_find_by_code(code=code)
    if return_request is not None:
        return _count_return(
            locked=locked, receipt=receipt, return_request=return_request, code=code, damaged=damaged, actor=actor
        )
    if len(code) > MAX_SKU_LENGTH:
        raise DomainError(_("A SKU has at most %(max)d characters.") % {"max": MAX_SKU_LENGTH}, code="invalid_sku")
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 0 < quantity <= MAX_COUNT_QUANTITY:
        raise DomainError(
            _("The quantity must be between 1 and %(max)d.") % {"max": MAX_COUNT_QUANTITY}, code="invalid_quantity"
        )
    entry = CountedItem.objects.create(
        receipt=receipt,
        sku=code,
        quantity=quantity,
        damaged=damaged,
        scanned_code=code[:200],
        counted_by=actor_or_none(actor),
    )
    total = CountedItem.objects.filter(receipt=receipt, sku=code).aggregate(total=Sum("quantity"))["total"]
    message = _("%(quantity)d × %(sku)s counted in carton %(carton)s (%(total)d in all).") % {
        "quantity": quantity,
        "sku": code,
        "carton": receipt.carton.barcode,
        "total": total,
    }
    if damaged:
        message = " ".join([message, _("Recorded as damaged.")])
    return CountResult(entry=entry, message=message)


def _count_return(
    *,
    locked: Shipment,
    receipt: CartonReceipt,
    return_request: ReturnRequest,
    code: str,
    damaged: bool,
    actor: Actor,
) -> CountResult:
    return_request = return_request_qs_select_for_update().get(pk=return_request.pk)
    values = {
        "rma": return_request.rma_number,
        "carton": receipt.carton.barcode,
        "number": locked.number,
        "status": ReturnStatus(return_request.status).label,
    }
    counted = (
        CountedItem.objects.filter(receipt__shipment=locked, return_request=return_request)
        .select_related("receipt__carton")
        .first()
    )
    if counted is not None:
        raise Conflict(
            _("Return %(rma)s was already counted in carton %(carton)s.")
            % {**values, "carton": counted.receipt.carton.barcode},
            code="return_already_counted",
        )
    announced = ShipmentItem.objects.filter(
        shipment=locked, return_request=return_request, removed_at__isnull=True
    ).exists()
    received = False
    if return_request.status in ALREADY_IN_STATUSES:
        message = _("Return %(rma)s counted: it was already received.") % values
    elif return_request.status in RECEIVABLE_STATUSES and (
        announced or return_request.destination_warehouse_id in (None, locked.warehouse_id)
    ):
        if announced and return_request.destination_warehouse_id != locked.warehouse_id:
            # It travelled with its shop's shipment: the warehouse the shipment went to has it.
            ReturnRequest.objects.filter(pk=return_request.pk).update(destination_warehouse=locked.warehouse)
            return_request.destination_warehouse = locked.warehouse
        return_request_receive_locked(
            locked=return_request,
            warehouse=locked.warehouse,
            code=code,
            actor=actor,
            note=_("Received in carton %(carton)s of shipment %(number)s.") % values,
            shipment=locked,
            carton=receipt.carton,
        )
        received = True
        if announced:
            message = _("Return %(rma)s received in carton %(carton)s.") % values
        else:
            message = _("Return %(rma)s received; it was not announced in this shipment.") % values
    elif return_request.status in RECEIVABLE_STATUSES:
        message = _(
            "Return %(rma)s is expected at another warehouse (%(warehouse)s): counted as extra, not received."
        ) % {**values, "warehouse": return_request.destination_warehouse}
    else:
        message = _("Return %(rma)s is “%(status)s”: counted as extra, not received.") % values
    entry = CountedItem.objects.create(
        receipt=receipt,
        return_request=return_request,
        quantity=1,
        damaged=damaged,
        scanned_code=code[:200],
        counted_by=actor_or_none(actor),
    )
    if damaged:
        message = " ".join([message, _("Recorded as damaged.")])
    return CountResult(entry=entry, message=message, return_request=return_request, received=received)


@transaction.atomic
def carton_count_remove(*, entry: CountedItem, actor: Actor) -> str:
    """Take back a mistaken count while the carton is being counted (a received return stays received)."""
    locked, receipt = _receipt_locked(entry.receipt)
    _require_counting(locked, receipt)
    current = CountedItem.objects.select_related("return_request").filter(pk=entry.pk, receipt=receipt).first()
    if current is None:
        raise Conflict(_("This count was already removed."), code="count_already_removed")
    current.delete()
    if current.return_request is not None:
        return _("Count of return %(rma)s removed.") % {"rma": current.return_request.rma_number}
    return _("Count of %(quantity)d × %(sku)s removed.") % {"quantity": current.quantity, "sku": current.sku}


@dataclass(frozen=True)
class CartonCountResult:
    receipt: CartonReceipt
    shipment: Shipment
    message: str
    shipment_received: bool = False


@transaction.atomic
def carton_count_finish(*, receipt: CartonReceipt, actor: Actor) -> CartonCountResult:
    """Close a carton's count; the last carton of a shipment to be counted finishes the shipment."""
    locked, receipt = _receipt_locked(receipt)
    _require_counting(locked, receipt)
    receipt.counted_at = timezone.now()
    receipt.counted_by = actor_or_none(actor)
    receipt.save(update_fields=["counted_at", "counted_by", "updated_at"])
    message = _("Carton %(carton)s counted.") % {"carton": receipt.carton.barcode}
    cartons = Carton.objects.filter(shipment=locked).count()
    counted = CartonReceipt.objects.filter(shipment=locked, counted_at__isnull=False).count()
    if counted < cartons:
        return CartonCountResult(receipt=receipt, shipment=locked, message=message)
    discrepancies = receiving_finish_locked(locked=locked, actor=actor)
    return CartonCountResult(
        receipt=receipt,
        shipment=locked,
        message=" ".join([message, shipment_received_message(shipment=locked, discrepancies=len(discrepancies))]),
        shipment_received=True,
    )
