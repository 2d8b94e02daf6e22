"""Reads for the shop pages and API: a store user's shops, their shipments and returns, a shipment's contents.

Every read is scoped: store staff see their own shops only (Store.staff), superusers see all shops.
An object outside the scope is "not found" (None), never "forbidden", so that its existence is not told.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from rma.core import roles
from rma.locations.models import Store
from rma.returns.models import ReturnLine, ReturnRequest
from rma.shipping.models import Carton, Shipment, ShipmentItem, ShipmentStatus

User = AbstractBaseUser | AnonymousUser


def is_store_user(user: User) -> bool:
    """Store staff and superusers may use the shop pages."""
    return bool(user.is_authenticated and (user.is_superuser or roles.STORE_STAFF in roles.user_roles(user)))


def stores_for_user(*, user: User) -> QuerySet[Store]:
    """The active shops a user works in (all of them for a superuser)."""
    if not is_store_user(user):
        return Store.objects.none()
    queryset = Store.objects.filter(is_active=True).select_related("default_warehouse", "drop_off_point")
    if user.is_superuser:
        return queryset.order_by("code")
    return queryset.filter(staff=user).order_by("code")


def store_get_for_user(*, user: User, code: str) -> Store | None:
    return stores_for_user(user=user).filter(code=code).first()


def _uuid(value: object) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _active_items() -> QuerySet[ShipmentItem]:
    return (
        ShipmentItem.objects.filter(removed_at__isnull=True)
        .select_related("return_request", "added_by")
        .order_by("created_at", "id")
    )


def shipment_list_for_user(*, user: User, stores: Iterable[Store] | None = None) -> QuerySet[Shipment]:
    """Shipments of the user's shops (optionally narrowed), newest first, with totals annotated."""
    scope = stores_for_user(user=user) if stores is None else stores
    return (
        Shipment.objects.filter(store__in=list(scope))
        .select_related("store", "warehouse")
        .annotate(
            carton_count=Count("cartons", distinct=True),
            item_count=Count("items", filter=Q(items__removed_at__isnull=True), distinct=True),
        )
        .order_by("-created_at", "-id")
    )


def shipment_get_for_user(*, user: User, public_id: object) -> Shipment | None:
    """One shipment of the user's shops, with cartons and their current items loaded; None otherwise."""
    parsed = _uuid(public_id)
    if parsed is None:
        return None
    return (
        Shipment.objects.filter(public_id=parsed, store__in=stores_for_user(user=user))
        .select_related("store", "warehouse", "opened_by", "closed_by", "dispatched_by")
        .prefetch_related(
            Prefetch(
                "cartons",
                queryset=Carton.objects.order_by("position").prefetch_related(
                    Prefetch("items", queryset=_active_items())
                ),
            )
        )
        .first()
    )


def return_request_get_for_store(*, user: User, public_id: object) -> ReturnRequest | None:
    """A return handled by one of the user's shops, or not yet tied to any shop (a QR code shown at the counter)."""
    parsed = _uuid(public_id)
    if parsed is None:
        return None
    stores = stores_for_user(user=user)
    return (
        ReturnRequest.objects.filter(Q(store__in=stores) | Q(store__isnull=True), public_id=parsed)
        .select_related("order", "store", "drop_off_point", "destination_warehouse")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=ReturnLine.objects.select_related("order_line", "reason", "counter_check").order_by("id"),
            )
        )
        .first()
    )


def counter_returns_recent(*, stores: Iterable[Store], limit: int = 20) -> list[ReturnRequest]:
    """The returns most recently checked at these shops' counters."""
    return list(
        ReturnRequest.objects.filter(lines__counter_check__store__in=list(stores))
        .distinct()
        .select_related("order", "store")
        .order_by("-updated_at", "-id")[:limit]
    )


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
    for carton in shipment.cartons.all():
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


def shipments_expected_at(*, warehouse_ids: Iterable[int]) -> QuerySet[Shipment]:
    """For the receiving warehouse: shipments announced (closed) or on their way (dispatched) to it."""
    return (
        Shipment.objects.filter(
            warehouse_id__in=list(warehouse_ids), status__in=(ShipmentStatus.CLOSED, ShipmentStatus.DISPATCHED)
        )
        .select_related("store", "warehouse")
        .annotate(carton_count=Count("cartons", distinct=True))
        .order_by("dispatched_at", "closed_at", "id")
    )


def shipment_totals(*, shipment: Shipment) -> dict[str, int]:
    """Running totals of an open shipment: cartons, scans, units, returns, weight."""
    items = ShipmentItem.objects.filter(shipment=shipment, removed_at__isnull=True)
    agg = items.aggregate(
        scans=Count("id"),
        units=Sum("quantity"),
        returns=Count("return_request", distinct=True),
    )
    weight = Carton.objects.filter(shipment=shipment).aggregate(total=Sum("weight_grams"))["total"]
    return {
        "cartons": Carton.objects.filter(shipment=shipment).count(),
        "scans": agg["scans"] or 0,
        "units": agg["units"] or 0,
        "returns": agg["returns"] or 0,
        "weight_grams": weight or 0,
    }
