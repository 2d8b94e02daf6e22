"""What shops sent back to the warehouses and what the warehouses found: shipments dispatched in a period, their
cartons and units, and the discrepancies found on receipt, from the ShipmentDay and DiscrepancyDay roll-ups (by the
day of dispatch). A shipment mixes categories: the category filter does not apply."""

from dataclasses import dataclass, field, replace

from django.db.models import Sum

from rma.insights.analytics import Filters, Scope, rollup_rows
from rma.insights.models import DiscrepancyDay, ShipmentDay
from rma.locations.models import Store


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


_MEASURES = ("shipments", "cartons", "units", "received", "with_discrepancies")


def shipment_report(*, scope: Scope, filters: Filters) -> tuple[ShopShipments, list[tuple[Store, ShopShipments]]]:
    """The totals, and per shop (the most shipments first): two grouped statements over the roll-ups."""
    filters = replace(filters, category="")
    shops: dict[int, ShopShipments] = {}
    grouped = rollup_rows(ShipmentDay, scope=scope, filters=filters).values("store_id")
    for row in grouped.annotate(**{name: Sum(name) for name in _MEASURES}):
        shops[row["store_id"]] = ShopShipments(
            row["shipments"] or 0,
            row["cartons"] or 0,
            row["units"] or 0,
            row["received"] or 0,
            row["with_discrepancies"] or 0,
        )
    found = rollup_rows(DiscrepancyDay, scope=scope, filters=filters).values("store_id", "kind")
    for row in found.annotate(n=Sum("units")):
        shops.setdefault(row["store_id"], ShopShipments()).discrepancies[row["kind"]] = row["n"] or 0
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
