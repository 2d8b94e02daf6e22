"""Shop-to-warehouse shipments: open, add cartons, scan returns and loose items in, close, dispatch, receive.

Concurrency: every service that changes a shipment first locks its row (SELECT … FOR UPDATE), so two people
scanning into the same shipment, or one closing it while another scans, run one after the other: the second
sees the first's work (a scan already there, a shipment already closed) and is told. A return can be in one
shipment only: a partial unique constraint on ShipmentItem.return_request (non-removed rows) guards that
across shipments, whose locks are different rows.
"""

import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from rma.core.exceptions import Conflict, DomainError, InvalidTransition, NotEligible
from rma.locations.models import Store, Warehouse
from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnRequest
from rma.shipping.carriers import DEFAULT_CARRIER
from rma.shipping.choices import ShipmentItemKind, ShipmentStatus
from rma.shipping.models import Carton, CounterCheck, Shipment, ShipmentItem
from rma.shipping.selectors import return_request_find_by_code, scan_code_normalize
from rma.shipping.services.shipment_locks import (
    Actor,
    actor_or_none,
    shipment_lock,
    shipment_require_open,
    shipment_sync,
)

logger = logging.getLogger(__name__)


# Returns a shop may put in a carton: handed in at the counter (in_transit), or approved and dropped off here.
SHIPPABLE_RETURN_STATUSES = frozenset({ReturnStatus.IN_TRANSIT, ReturnStatus.APPROVED, ReturnStatus.LABEL_READY})
ARRIVED_RETURN_STATUSES = frozenset(
    {ReturnStatus.RECEIVED, ReturnStatus.INSPECTED, ReturnStatus.REFUNDED, ReturnStatus.EXCHANGED, ReturnStatus.CLOSED}
)
LOOSE_ITEM_KINDS = (
    ShipmentItemKind.UNSOLD,
    ShipmentItemKind.DAMAGED,
    ShipmentItemKind.RECALL,
    ShipmentItemKind.RETURN_WITHOUT_RMA,
)
MAX_LOOSE_QUANTITY = 9999
MAX_CARTON_WEIGHT_GRAMS = 70_000


# ---- Open, warehouse, cartons


@transaction.atomic
def shipment_open(*, store: Store, actor: Actor, warehouse: Warehouse | None = None) -> Shipment:
    """Open a shipment from a shop to a warehouse (the shop's default warehouse unless another is given).

    Numbers run per shop, "SH-<shop code>-000123": the shop's row is locked while the next one is taken.
    """
    warehouse = warehouse or store.default_warehouse
    if warehouse is None:
        raise DomainError(_("Choose the warehouse the shipment goes to."), code="warehouse_required")
    if not warehouse.is_active:
        raise DomainError(_("This warehouse does not take shipments at the moment."), code="warehouse_inactive")
    Store.objects.select_for_update().filter(pk=store.pk).first()
    sequence = (Shipment.objects.filter(store=store).aggregate(top=Max("sequence"))["top"] or 0) + 1
    return Shipment.objects.create(
        number=f"SH-{store.code}-{sequence:06d}".upper(),
        sequence=sequence,
        store=store,
        warehouse=warehouse,
        opened_by=actor_or_none(actor),
        carrier=DEFAULT_CARRIER,
    )


@transaction.atomic
def shipment_warehouse_change(*, shipment: Shipment, warehouse: Warehouse, actor: Actor) -> Shipment:
    """Send an open shipment to another warehouse."""
    locked = shipment_lock(shipment)
    shipment_require_open(locked)
    if not warehouse.is_active:
        raise DomainError(_("This warehouse does not take shipments at the moment."), code="warehouse_inactive")
    locked.warehouse = warehouse
    locked.save(update_fields=["warehouse", "updated_at"])
    shipment_sync(shipment, locked, ["warehouse", "warehouse_id", "updated_at"])
    return shipment


@transaction.atomic
def carton_add(*, shipment: Shipment, actor: Actor) -> Carton:
    """Add a carton to an open shipment; its barcode is "CT-<shipment number>-<position>"."""
    locked = shipment_lock(shipment)
    shipment_require_open(locked)
    position = (Carton.objects.filter(shipment=locked).aggregate(top=Max("position"))["top"] or 0) + 1
    return Carton.objects.create(shipment=locked, position=position, barcode=f"CT-{locked.number}-{position:02d}")


@transaction.atomic
def carton_remove(*, carton: Carton, actor: Actor) -> None:
    """Remove an empty carton from an open shipment (a carton with items must be emptied first)."""
    locked = shipment_lock(carton.shipment)
    shipment_require_open(locked)
    if ShipmentItem.objects.filter(carton=carton, removed_at__isnull=True).exists():
        raise Conflict(_("Carton %(barcode)s is not empty.") % {"barcode": carton.barcode}, code="carton_not_empty")
    ShipmentItem.objects.filter(carton=carton).delete()  # only removed scans are left
    carton.delete()


@transaction.atomic
def carton_weight_set(*, carton: Carton, weight_grams: int | None, actor: Actor) -> Carton:
    """Record a carton's weight (grams) while its shipment is open."""
    locked = shipment_lock(carton.shipment)
    shipment_require_open(locked)
    if weight_grams is not None and not 0 < weight_grams <= MAX_CARTON_WEIGHT_GRAMS:
        raise DomainError(
            _("A carton weighs between 1 g and %(max)d kg.") % {"max": MAX_CARTON_WEIGHT_GRAMS // 1000},
            code="invalid_weight",
        )
    Carton.objects.filter(pk=carton.pk).update(weight_grams=weight_grams, updated_at=timezone.now())
    carton.weight_grams = weight_grams
    return carton


def _carton_of(locked: Shipment, carton: Carton) -> Carton:
    if carton.shipment_id != locked.pk:
        raise DomainError(
            _("Carton %(barcode)s is not part of shipment %(number)s.")
            % {"barcode": carton.barcode, "number": locked.number},
            code="foreign_carton",
        )
    return carton


# ---- Scans


@dataclass(frozen=True)
class ScanResult:
    item: ShipmentItem
    message: str


def _return_refusal(*, return_request: ReturnRequest, locked: Shipment) -> None:
    """Raise why this return cannot go into this shipment, if it cannot."""
    rma = return_request.rma_number
    if return_request.store_id != locked.store_id:
        raise DomainError(_("Return %(rma)s belongs to another shop.") % {"rma": rma}, code="other_store")
    if return_request.returnless:
        raise NotEligible(
            _("Return %(rma)s is a refund without return: the customer keeps the items.") % {"rma": rma},
            code="returnless",
        )
    status = return_request.status
    if status in ARRIVED_RETURN_STATUSES:
        raise Conflict(_("Return %(rma)s already reached the warehouse.") % {"rma": rma}, code="already_shipped")
    if status not in SHIPPABLE_RETURN_STATUSES:
        raise InvalidTransition(
            _("Return %(rma)s is %(status)s: it cannot be shipped.")
            % {"rma": rma, "status": str(ReturnStatus(status).label).lower()},
            code="return_not_shippable",
        )
    existing = (
        ShipmentItem.objects.filter(return_request=return_request, removed_at__isnull=True)
        .select_related("shipment", "carton")
        .first()
    )
    if existing is not None:
        if existing.shipment_id == locked.pk:
            raise Conflict(
                _("Return %(rma)s is already in carton %(carton)s.") % {"rma": rma, "carton": existing.carton.barcode},
                code="already_in_shipment",
            )
        if existing.shipment.status == ShipmentStatus.OPEN:
            raise Conflict(
                _("Return %(rma)s is already in shipment %(number)s.")
                % {"rma": rma, "number": existing.shipment.number},
                code="already_in_other_shipment",
            )
        raise Conflict(
            _("Return %(rma)s was already shipped in %(number)s.") % {"rma": rma, "number": existing.shipment.number},
            code="already_shipped",
        )


@transaction.atomic
def shipment_return_add(*, shipment: Shipment, carton: Carton, code: str, actor: Actor) -> ScanResult:
    """Scan a customer return (QR code, RMA number or label tracking number) into a carton."""
    locked = shipment_lock(shipment)
    shipment_require_open(locked)
    _carton_of(locked, carton)
    return_request = return_request_find_by_code(code=code)
    if return_request is None:
        raise DomainError(
            _("No return matches the code “%(code)s”.") % {"code": scan_code_normalize(code)[:40]}, code="unknown_code"
        )
    _return_refusal(return_request=return_request, locked=locked)
    refused = set(
        CounterCheck.objects.filter(return_line__return_request=return_request, accepted=False).values_list(
            "return_line_id", flat=True
        )
    )
    units = sum(line.quantity for line in return_request.lines.all() if line.pk not in refused)
    try:
        with transaction.atomic():
            item = ShipmentItem.objects.create(
                shipment=locked,
                carton=carton,
                kind=ShipmentItemKind.CUSTOMER_RETURN,
                return_request=return_request,
                quantity=max(units, 1),
                scanned_code=scan_code_normalize(code)[:200],
                added_by=actor_or_none(actor),
            )
    except IntegrityError as exc:  # scanned into another shipment at the same moment
        raise Conflict(
            _("Return %(rma)s is already in another shipment.") % {"rma": return_request.rma_number},
            code="already_in_other_shipment",
        ) from exc
    message = _("Return %(rma)s added to carton %(carton)s.") % {
        "rma": return_request.rma_number,
        "carton": carton.barcode,
    }
    return ScanResult(item=item, message=message)


@transaction.atomic
def shipment_loose_item_add(
    *, shipment: Shipment, carton: Carton, sku: str, quantity: int, kind: str, actor: Actor
) -> ScanResult:
    """Add loose units (unsold, damaged, recalled stock, or a customer return without RMA) to a carton."""
    locked = shipment_lock(shipment)
    shipment_require_open(locked)
    _carton_of(locked, carton)
    sku = scan_code_normalize(sku)
    if kind not in LOOSE_ITEM_KINDS:
        raise DomainError(_("Choose why these items go back (unsold, damaged, recall…)."), code="invalid_kind")
    if not sku or len(sku) > 64:
        raise DomainError(_("Scan or type the SKU."), code="invalid_sku")
    if return_request_find_by_code(code=sku) is not None:
        raise DomainError(
            _("“%(code)s” is a return's code: scan it in the return field.") % {"code": sku}, code="sku_is_a_return"
        )
    if not isinstance(quantity, int) or not 0 < quantity <= MAX_LOOSE_QUANTITY:
        raise DomainError(
            _("The quantity must be between 1 and %(max)d.") % {"max": MAX_LOOSE_QUANTITY}, code="invalid_quantity"
        )
    item = ShipmentItem.objects.create(
        shipment=locked,
        carton=carton,
        kind=kind,
        sku=sku,
        quantity=quantity,
        scanned_code=sku,
        added_by=actor_or_none(actor),
    )
    message = _("%(quantity)d × %(sku)s (%(kind)s) added to carton %(carton)s.") % {
        "quantity": quantity,
        "sku": sku,
        "kind": str(ShipmentItemKind(kind).label).lower(),
        "carton": carton.barcode,
    }
    return ScanResult(item=item, message=message)


@transaction.atomic
def shipment_item_remove(*, item: ShipmentItem, actor: Actor) -> ShipmentItem:
    """Take a mistaken scan out of an open shipment (kept as removed, for the record)."""
    locked = shipment_lock(item.shipment)
    shipment_require_open(locked)
    current = ShipmentItem.objects.filter(pk=item.pk, shipment=locked).first()
    if current is None or current.removed_at is not None:
        raise Conflict(_("This scan was already removed."), code="already_removed")
    current.removed_at = timezone.now()
    current.removed_by = actor_or_none(actor)
    current.save(update_fields=["removed_at", "removed_by", "updated_at"])
    return current
