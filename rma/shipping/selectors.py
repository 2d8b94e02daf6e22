"""Reads of shipping: labels (for staff within their scope, and for customers by their link), what a code scanned
at a counter or a dock names, and what a shipment announces (manifest, advance notice, receiving warehouse)."""

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import OuterRef, Prefetch, Q, QuerySet

from rma.core.queries import count_of
from rma.returns.models import RMA_ALPHABET, ReturnLine, ReturnRequest
from rma.returns.selectors import return_request_scope
from rma.shipping.choices import EXPECTED_SHIPMENT_STATUSES, LabelStatus
from rma.shipping.models import Carton, Label, Shipment, ShipmentItem
from rma.shipping.services.labels import label_qr_payload_verify

if TYPE_CHECKING:  # django-stubs is a development dependency only
    from django_stubs_ext import WithAnnotations

_RMA_BARE_RE = re.compile(rf"R?([{RMA_ALPHABET}]{{4}})([{RMA_ALPHABET}]{{4}})")


def label_get_for_staff(*, user: User | AnonymousUser, public_id: uuid.UUID) -> Label | None:
    """A label whose return the user may see (superusers, agents, integrations: all; site staff: their sites')."""
    return (
        Label.objects.select_related("return_request")
        .filter(public_id=public_id, return_request__in=return_request_scope(user=user).values("pk"))
        .first()
    )


def label_get_for_return(*, return_public_id: uuid.UUID) -> Label | None:
    """The label of a return, by the return's unguessable public id (the customer's link)."""
    return Label.objects.select_related("return_request").filter(return_request__public_id=return_public_id).first()


def label_is_downloadable(*, label: Label | None) -> bool:
    """Only a ready label can be printed: a pending one has no files, a voided one must not be used."""
    return label is not None and label.status == LabelStatus.READY


def label_formats(*, label: Label | None) -> list[str]:
    """The formats a label has files in ("pdf", "pdf_4x6", "zpl"): all of ours, or only those its carrier gave."""
    if label is None:
        return []
    return [kind for kind in ("pdf", "pdf_4x6", "zpl") if getattr(label, kind)]


def label_pdf_kind(*, label: Label) -> str:
    """The label's PDF to offer by default: the A6 one, else the 10x15 cm one a carrier gave."""
    return "pdf" if label.pdf or not label.pdf_4x6 else "pdf_4x6"


# ---- What a scanned code names


def scan_code_normalize(code: str) -> str:
    """What a scanner or a keyboard typed, without spaces and in capitals."""
    return re.sub(r"\s+", "", code or "").upper()


def return_request_find_by_code(*, code: str) -> ReturnRequest | None:
    """The return a code names: the signed QR payload, a label's tracking number, or the RMA number (dashes and
    the leading R optional)."""
    code = scan_code_normalize(code)
    if not code or len(code) > 200:
        return None
    if ":" in code:
        rma_number = label_qr_payload_verify(payload=code)
        return ReturnRequest.objects.filter(rma_number=rma_number).first() if rma_number else None
    label = Label.objects.filter(tracking_number=code, return_request__isnull=False).only("return_request_id").first()
    if label is not None and label.return_request_id is not None:
        return ReturnRequest.objects.filter(pk=label.return_request_id).first()
    candidates = {code}
    bare = _RMA_BARE_RE.fullmatch(code.replace("-", ""))
    if bare:
        candidates.add(f"R-{bare.group(1)}-{bare.group(2)}")
    return ReturnRequest.objects.filter(rma_number__in=candidates).first()


# ---- What a shipment announces (for the manifest, the advance notice and the receiving warehouse)


@dataclass(frozen=True)
class AnnouncedLine:
    """One line of what a carton holds: a return's line, or loose units."""

    kind: str
    sku: str
    name: str
    quantity: int
    rma_number: str = ""
    return_public_id: str = ""
    item_id: int | None = None


@dataclass(frozen=True)
class AnnouncedCarton:
    barcode: str
    position: int
    weight_grams: int | None
    tracking_number: str
    lines: list[AnnouncedLine] = field(default_factory=list)
    # 1, 2, 3… in position order: what people read ("carton 2 of 3"), still coherent after a carton is removed.
    number: int = 0

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)


@dataclass(frozen=True)
class ShipmentContents:
    """Everything a shipment announces, carton by carton."""

    number: str
    public_id: str
    status: str
    store_code: str
    store_name: str
    warehouse_code: str
    warehouse_name: str
    cartons: list[AnnouncedCarton]

    @property
    def units(self) -> int:
        return sum(carton.units for carton in self.cartons)

    @property
    def weight_grams(self) -> int:
        return sum(carton.weight_grams or 0 for carton in self.cartons)

    @property
    def rma_numbers(self) -> list[str]:
        return sorted({line.rma_number for carton in self.cartons for line in carton.lines if line.rma_number})

    def as_payload(self) -> dict:
        """A JSON-ready dict (advance shipping notice, API)."""
        return {
            "shipment": self.number,
            "public_id": self.public_id,
            "status": self.status,
            "store": {"code": self.store_code, "name": self.store_name},
            "warehouse": {"code": self.warehouse_code, "name": self.warehouse_name},
            "carton_count": len(self.cartons),
            "units": self.units,
            "weight_grams": self.weight_grams,
            "rma_numbers": self.rma_numbers,
            "cartons": [
                {
                    "barcode": carton.barcode,
                    "position": carton.position,
                    "number": carton.number,
                    "weight_grams": carton.weight_grams,
                    "tracking_number": carton.tracking_number or None,
                    "units": carton.units,
                    "items": [
                        {
                            "kind": line.kind,
                            "sku": line.sku,
                            "name": line.name,
                            "quantity": line.quantity,
                            "rma_number": line.rma_number or None,
                        }
                        for line in carton.lines
                    ],
                }
                for carton in self.cartons
            ],
        }


def shipment_contents(*, shipment: Shipment) -> ShipmentContents:
    """What a shipment announces: per carton, each return line (accepted at the counter) and each loose item.

    A return's lines refused at the counter stayed with the customer and are not announced. Fixed number of
    queries whatever the size of the shipment.
    """
    shipment = (
        Shipment.objects.select_related("store", "warehouse")
        .prefetch_related(
            Prefetch(
                "cartons",
                queryset=Carton.objects.order_by("position").prefetch_related(
                    Prefetch(
                        "items",
                        queryset=ShipmentItem.objects.filter(removed_at__isnull=True)
                        .select_related("return_request")
                        .prefetch_related(
                            Prefetch(
                                "return_request__lines",
                                queryset=ReturnLine.objects.select_related("order_line", "counter_check").order_by(
                                    "id"
                                ),
                            )
                        )
                        .order_by("created_at", "id"),
                    )
                ),
            )
        )
        .get(pk=shipment.pk)
    )
    cartons = []
    for number, carton in enumerate(shipment.cartons.all(), start=1):
        lines: list[AnnouncedLine] = []
        for item in carton.items.all():
            return_request = item.return_request
            if return_request is None:
                lines.append(
                    AnnouncedLine(kind=item.kind, sku=item.sku, name="", quantity=item.quantity, item_id=item.pk)
                )
                continue
            for line in return_request.lines.all():
                check = getattr(line, "counter_check", None)
                if check is not None and not check.accepted:
                    continue
                lines.append(
                    AnnouncedLine(
                        kind=item.kind,
                        sku=line.order_line.sku,
                        name=line.order_line.name,
                        quantity=line.quantity,
                        rma_number=return_request.rma_number,
                        return_public_id=str(return_request.public_id),
                        item_id=item.pk,
                    )
                )
        cartons.append(
            AnnouncedCarton(
                barcode=carton.barcode,
                position=carton.position,
                weight_grams=carton.weight_grams,
                tracking_number=carton.tracking_number or "",
                lines=lines,
                number=number,
            )
        )
    return ShipmentContents(
        number=shipment.number,
        public_id=str(shipment.public_id),
        status=shipment.status,
        store_code=shipment.store.code,
        store_name=shipment.store.name,
        warehouse_code=shipment.warehouse.code,
        warehouse_name=shipment.warehouse.name,
        cartons=cartons,
    )


def shipment_find_by_code(*, code: str) -> tuple[Shipment, Carton | None] | None:
    """For the receiving warehouse: the shipment a scanned code names (shipment number, carton barcode or a
    carton's carrier tracking number), with the carton when a carton was scanned."""
    code = "".join((code or "").split()).upper()
    if not code:
        return None
    carton = Carton.objects.select_related("shipment").filter(Q(barcode=code) | Q(tracking_number=code)).first()
    if carton is not None:
        return carton.shipment, carton
    shipment = Shipment.objects.filter(number=code).first()
    return (shipment, None) if shipment is not None else None


class CartonCount(TypedDict):
    carton_count: int


def shipments_expected_at(*, warehouse_ids: Iterable[int]) -> "QuerySet[WithAnnotations[Shipment, CartonCount]]":
    """For the receiving warehouse: shipments announced (closed) or on their way (dispatched) to it."""
    return (
        Shipment.objects.filter(warehouse_id__in=list(warehouse_ids), status__in=EXPECTED_SHIPMENT_STATUSES)
        .select_related("store", "warehouse")
        .annotate(carton_count=count_of(Carton.objects.filter(shipment=OuterRef("pk")), by="shipment"))
        .order_by("dispatched_at", "closed_at", "id")
    )


def carton_number(*, carton: Carton) -> int:
    """The carton's number as people read it: its rank among the shipment's cartons (1, 2, 3…)."""
    return Carton.objects.filter(shipment_id=carton.shipment_id, position__lt=carton.position).count() + 1
