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

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rma.core.exceptions import Conflict, DomainError, InvalidTransition, NotEligible
from rma.locations.models import Warehouse
from rma.returns.choices import ReturnStatus
from rma.returns.lock_objects import return_request_qs_select_for_update
from rma.returns.models import ReturnLine, ReturnRequest
from rma.shipping.models import Carton, Shipment, ShipmentItem, ShipmentStatus
from rma.shipping.selectors import AnnouncedLine, ShipmentContents, shipment_contents, shipment_find_by_code
from rma.shipping.services.shipments import shipment_receive_record
from rma.warehouse.choices import DiscrepancyKind, UnexpectedReason
from rma.warehouse.lock_objects import shipment_lock
from rma.warehouse.models import CartonReceipt, CountedItem, Discrepancy
from rma.warehouse.services.arrivals import (
    ALREADY_IN_STATUSES,
    RECEIVABLE_STATUSES,
    ScanOutcome,
    ScanResult,
    return_request_find_by_code,
    return_request_receive_locked,
    scan_code_normalize,
    unexpected_parcel_record,
)
from rma.warehouse.services.common import Actor, actor_name, actor_or_none

SHIPMENT_RECEIVABLE_STATUSES = (ShipmentStatus.CLOSED, ShipmentStatus.DISPATCHED)
SHIPMENT_RECEIVED_STATUSES = (ShipmentStatus.RECEIVED, ShipmentStatus.RECEIVED_WITH_DISCREPANCIES)
MAX_COUNT_QUANTITY = 9999
MAX_SKU_LENGTH = 64
_QUANTITY_PREFIX_RE = re.compile(r"(\d{1,4})\*(.+)")


def _when(moment: datetime | None) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT") if moment else "—"


def _require_receivable(locked: Shipment) -> None:
    if locked.status in SHIPMENT_RECEIVED_STATUSES:
        raise Conflict(
            _("Shipment %(number)s was already received on %(when)s.")
            % {"number": locked.number, "when": _when(locked.received_at)},
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
        "when": _when(receipt.received_at),
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
    _require_receivable(locked)
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
                "when": _when(locked.received_at),
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


# ---- Count what is in a received carton


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
                "when": _when(receipt.counted_at),
            },
            code="carton_already_counted",
        )
    _require_receivable(locked)


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
    discrepancies = _finish_locked(locked=locked, actor=actor)
    return CartonCountResult(
        receipt=receipt,
        shipment=locked,
        message=" ".join([message, shipment_received_message(shipment=locked, discrepancies=len(discrepancies))]),
        shipment_received=True,
    )


# ---- Finish a shipment: compare, record the discrepancies, tell the shop


def shipment_received_message(*, shipment: Shipment, discrepancies: int) -> str:
    if not discrepancies:
        return _("Shipment %(number)s received as announced.") % {"number": shipment.number}
    return ngettext(
        "Shipment %(number)s received with %(count)d discrepancy.",
        "Shipment %(number)s received with %(count)d discrepancies.",
        discrepancies,
    ) % {"number": shipment.number, "count": discrepancies}


@transaction.atomic
def shipment_receiving_finish(*, shipment: Shipment, actor: Actor) -> list[Discrepancy]:
    """Finish receiving a shipment, with cartons missing if need be; returns the discrepancies recorded."""
    locked = shipment_lock(pk=shipment.pk)
    _require_receivable(locked)
    receipts = list(CartonReceipt.objects.filter(shipment=locked).select_related("carton").order_by("carton_id"))
    if not receipts:
        raise DomainError(
            _("No carton of shipment %(number)s was received yet: scan a carton's label first.")
            % {"number": locked.number},
            code="nothing_received",
        )
    open_counts = [receipt.carton.barcode for receipt in receipts if receipt.counted_at is None]
    if open_counts:
        raise Conflict(
            _("Carton %(carton)s is still being counted: finish its count first.") % {"carton": open_counts[0]},
            code="carton_count_open",
            extra={"cartons": open_counts},
        )
    discrepancies = _finish_locked(locked=locked, actor=actor)
    shipment.status, shipment.received_at, shipment.findings = locked.status, locked.received_at, locked.findings
    return discrepancies


@dataclass(frozen=True)
class CartonCount:
    """What was counted in one received carton."""

    barcode: str
    returns: list[str] = field(default_factory=list)
    skus: dict[str, int] = field(default_factory=dict)
    damaged: list[tuple[str, str, int]] = field(default_factory=list)


@dataclass(frozen=True)
class Finding:
    kind: str
    carton: str
    quantity: int
    sku: str = ""
    expected_sku: str = ""
    rma_number: str = ""
    announced_carton: str = ""
    expected_quantity: int = 0
    found_quantity: int = 0


def discrepancies_compute(
    *,
    contents: ShipmentContents,
    counts: dict[str, CartonCount],
    already_received: frozenset[str] | set[str] = frozenset(),
    return_units: dict[str, int] | None = None,
) -> list[Finding]:
    """Compare what a shipment announced with what was counted in its received cartons (the rules are in this
    module's docstring). `counts` has one entry per received carton, by barcode; `already_received` are RMA
    numbers received some other way (not missing); `return_units` sizes returns that were not announced."""
    return_units = return_units or {}
    announced_in: dict[str, str] = {}
    announced_units: Counter[str] = Counter()
    for carton in contents.cartons:
        for line in carton.lines:
            if line.rma_number:
                announced_in.setdefault(line.rma_number, carton.barcode)
                announced_units[line.rma_number] += line.quantity
    found_in = {rma: count.barcode for count in counts.values() for rma in count.returns}
    findings: list[Finding] = []
    for carton in contents.cartons:
        here = carton.barcode
        count = counts.get(here)
        if count is None:
            findings.append(
                Finding(DiscrepancyKind.MISSING, here, carton.units, expected_quantity=carton.units, found_quantity=0)
            )
            continue
        for rma in dict.fromkeys(line.rma_number for line in carton.lines if line.rma_number):
            if rma not in found_in and rma not in already_received:
                units = announced_units[rma]
                findings.append(Finding(DiscrepancyKind.MISSING, here, units, rma_number=rma, expected_quantity=units))
        for rma in count.returns:
            where = announced_in.get(rma)
            if where == here:
                continue
            units = announced_units.get(rma) or return_units.get(rma, 1)
            if where is None:
                findings.append(Finding(DiscrepancyKind.EXTRA, here, units, rma_number=rma, found_quantity=units))
            else:
                findings.append(
                    Finding(
                        DiscrepancyKind.WRONG_ITEM,
                        here,
                        units,
                        rma_number=rma,
                        announced_carton=where,
                        expected_quantity=units,
                        found_quantity=units,
                    )
                )
        findings.extend(_sku_findings(carton=here, lines=carton.lines, counted=count.skus))
        for sku, rma, units in count.damaged:
            findings.append(
                Finding(DiscrepancyKind.DAMAGED, here, units, sku=sku, rma_number=rma, found_quantity=units)
            )
    return findings


def _sku_findings(*, carton: str, lines: list[AnnouncedLine], counted: dict[str, int]) -> list[Finding]:
    announced: Counter[str] = Counter()
    for line in lines:
        if not line.rma_number:
            announced[line.sku] += line.quantity
    short = {sku: units - counted.get(sku, 0) for sku, units in announced.items() if counted.get(sku, 0) < units}
    unannounced = {sku: units for sku, units in counted.items() if sku not in announced}
    findings: list[Finding] = []
    # A SKU the carton did not announce, while an announced one is short: the shop sent one for the other.
    for found_sku in list(unannounced):
        for expected_sku in list(short):
            paired = min(unannounced[found_sku], short[expected_sku])
            if paired <= 0:
                continue
            findings.append(
                Finding(
                    DiscrepancyKind.WRONG_ITEM,
                    carton,
                    paired,
                    sku=found_sku,
                    expected_sku=expected_sku,
                    expected_quantity=paired,
                    found_quantity=paired,
                )
            )
            unannounced[found_sku] -= paired
            short[expected_sku] -= paired
    for sku, units in announced.items():
        found = counted.get(sku, 0)
        if short.get(sku, 0) > 0:
            findings.append(
                Finding(
                    DiscrepancyKind.MISSING, carton, short[sku], sku=sku, expected_quantity=units, found_quantity=found
                )
            )
        elif found > units:
            findings.append(
                Finding(
                    DiscrepancyKind.EXTRA,
                    carton,
                    found - units,
                    sku=sku,
                    expected_quantity=units,
                    found_quantity=found,
                )
            )
    for sku, left in unannounced.items():
        if left > 0:
            findings.append(Finding(DiscrepancyKind.EXTRA, carton, left, sku=sku, found_quantity=counted[sku]))
    return findings


def _carton_counts(*, shipment: Shipment) -> tuple[dict[str, CartonCount], dict[str, int]]:
    """What was counted in each received carton of a shipment, and the units of each counted return."""
    counts = {
        receipt.carton.barcode: CartonCount(barcode=receipt.carton.barcode)
        for receipt in CartonReceipt.objects.filter(shipment=shipment).select_related("carton")
    }
    entries = (
        CountedItem.objects.filter(receipt__shipment=shipment)
        .select_related("receipt__carton", "return_request")
        .order_by("created_at", "id")
    )
    return_ids = []
    for entry in entries:
        count = counts[entry.receipt.carton.barcode]
        rma = entry.return_request.rma_number if entry.return_request_id else ""
        if rma:
            count.returns.append(rma)
            return_ids.append(entry.return_request_id)
        else:
            count.skus[entry.sku] = count.skus.get(entry.sku, 0) + entry.quantity
        if entry.damaged:
            count.damaged.append((entry.sku, rma, entry.quantity))
    units: Counter[str] = Counter()
    for line in ReturnLine.objects.filter(return_request_id__in=return_ids).select_related("return_request"):
        units[line.return_request.rma_number] += line.quantity
    return counts, dict(units)


def _finish_locked(*, locked: Shipment, actor: Actor) -> list[Discrepancy]:
    contents = shipment_contents(shipment=locked)
    counts, return_units = _carton_counts(shipment=locked)
    counted_rmas = {rma for count in counts.values() for rma in count.returns}
    uncounted = set(contents.rma_numbers) - counted_rmas
    already_received = set(
        ReturnRequest.objects.filter(rma_number__in=uncounted, status__in=ALREADY_IN_STATUSES).values_list(
            "rma_number", flat=True
        )
    )
    findings = discrepancies_compute(
        contents=contents, counts=counts, already_received=already_received, return_units=return_units
    )
    cartons = {carton.barcode: carton for carton in Carton.objects.filter(shipment=locked)}
    user = actor_or_none(actor)
    rows = [
        Discrepancy(
            shipment=locked,
            carton=cartons.get(finding.carton),
            warehouse=locked.warehouse,
            kind=finding.kind,
            sku=finding.sku,
            expected_sku=finding.expected_sku,
            rma_number=finding.rma_number,
            announced_carton=finding.announced_carton,
            expected_quantity=finding.expected_quantity,
            found_quantity=finding.found_quantity,
            quantity=finding.quantity,
            created_by=user,
        )
        for finding in findings
    ]
    # The shop reads the notes in the site's language, whoever received the shipment.
    with translation.override(settings.LANGUAGE_CODE):
        for row in rows:
            row.note = row.description
    rows = Discrepancy.objects.bulk_create(rows)
    shipment_receive_record(
        shipment=locked,
        actor=actor,
        findings=[
            {
                "carton": row.carton.barcode if row.carton else "",
                "kind": row.kind,
                "sku": row.sku,
                "rma_number": row.rma_number,
                "quantity": row.quantity,
                "note": row.note,
            }
            for row in rows
        ],
    )
    return rows
