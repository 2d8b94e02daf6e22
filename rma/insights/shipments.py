"""What shops sent back to the warehouses and what the warehouses found: shipments dispatched in a period, their
cartons and units, and the discrepancies found on receipt. Shipments are a few a day per shop, so this reads the
shipping tables themselves (by `dispatched_at`), not a roll-up."""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from rma.insights.analytics import Filters, Scope
from rma.locations.models import Store
from rma.shipping.choices import ShipmentStatus
from rma.shipping.models import Shipment, ShipmentItem
from rma.warehouse.models import Discrepancy

RECEIVED = (ShipmentStatus.RECEIVED, ShipmentStatus.RECEIVED_WITH_DISCREPANCIES)


@dataclass
class ShopShipments:
    shipments: int = 0
    cartons: int = 0
    units: int = 0
    received: int = 0
    with_discrepancies: int = 0
    discrepancies: dict[str, int] = field(default_factory=dict)  # kind -> units concerned

    @property
    def discrepancy_share(self) -> float | None:
        return self.with_discrepancies / self.received if self.received else None


def shipments_in_scope(*, scope: Scope, filters: Filters) -> QuerySet[Shipment]:
    zone = timezone.get_current_timezone()
    shipments = Shipment.objects.filter(
        dispatched_at__gte=datetime.combine(filters.start, time.min, tzinfo=zone),
        dispatched_at__lt=datetime.combine(filters.end + timedelta(days=1), time.min, tzinfo=zone),
    )
    if not scope.everything:
        shipments = shipments.filter(Q(store_id__in=scope.stores) | Q(warehouse_id__in=scope.warehouses))
    if filters.store is not None:
        shipments = shipments.filter(store=filters.store)
    if filters.warehouse is not None:
        shipments = shipments.filter(warehouse=filters.warehouse)
    return shipments.order_by()


def shipment_report(*, scope: Scope, filters: Filters) -> tuple[ShopShipments, list[tuple[Store, ShopShipments]]]:
    """The totals, and per shop (the most shipments first): four grouped statements."""
    shipments = shipments_in_scope(scope=scope, filters=filters)
    shops: dict[int, ShopShipments] = {}
    for row in shipments.values("store_id").annotate(
        n=Count("pk", distinct=True),
        received_n=Count("pk", filter=Q(status__in=RECEIVED), distinct=True),
        flagged=Count("pk", filter=Q(status=ShipmentStatus.RECEIVED_WITH_DISCREPANCIES), distinct=True),
        cartons_n=Count("cartons", distinct=True),
    ):
        shops[row["store_id"]] = ShopShipments(row["n"], row["cartons_n"], 0, row["received_n"], row["flagged"])
    units = (
        ShipmentItem.objects.filter(shipment__in=shipments.values("pk"), removed_at__isnull=True)
        .values("shipment__store_id")
        .annotate(n=Sum("quantity"))
        .order_by()
    )
    for row in units:
        shops[row["shipment__store_id"]].units = row["n"] or 0
    found = (
        Discrepancy.objects.filter(shipment__in=shipments.values("pk"))
        .values("shipment__store_id", "kind")
        .annotate(n=Sum("quantity"))
        .order_by()
    )
    for row in found:
        shops[row["shipment__store_id"]].discrepancies[row["kind"]] = row["n"] or 0
    stores = Store.objects.in_bulk(list(shops))
    total = ShopShipments()
    for figures in shops.values():
        total.shipments += figures.shipments
        total.cartons += figures.cartons
        total.units += figures.units
        total.received += figures.received
        total.with_discrepancies += figures.with_discrepancies
        for kind, n in figures.discrepancies.items():
            total.discrepancies[kind] = total.discrepancies.get(kind, 0) + n
    ranked = sorted(shops.items(), key=lambda item: (-item[1].shipments, item[0]))
    return total, [(stores[pk], figures) for pk, figures in ranked if pk in stores]
