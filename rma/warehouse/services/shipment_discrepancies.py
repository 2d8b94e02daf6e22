"""Finishing a shop's shipment: compare the counts with what was announced, record the discrepancies, tell the shop
(see shipment_receiving).
"""

from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rma.core.exceptions import Conflict, DomainError
from rma.returns.models import ReturnLine, ReturnRequest
from rma.shipping.models import Carton, Shipment
from rma.shipping.selectors import AnnouncedLine, ShipmentContents, shipment_contents
from rma.shipping.services.shipment_handover import shipment_receive_record
from rma.warehouse.choices import DiscrepancyKind
from rma.warehouse.lock_objects import shipment_lock
from rma.warehouse.models import CartonReceipt, CountedItem, Discrepancy
from rma.warehouse.services.arrivals import ALREADY_IN_STATUSES
from rma.warehouse.services.common import Actor, actor_or_none
from rma.warehouse.services.shipment_receiving import require_receivable


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
    require_receivable(locked)
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
    discrepancies = receiving_finish_locked(locked=locked, actor=actor)
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
        rma = entry.return_request.rma_number if entry.return_request is not None else ""
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


def receiving_finish_locked(*, locked: Shipment, actor: Actor) -> list[Discrepancy]:
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
