"""The analytics' shipments sheet follows the shops' shipments through the roll-ups' refresh: dispatched, then
received as announced or with discrepancies (rma.insights.shipments, ShipmentDay and DiscrepancyDay)."""

import pytest
from django.utils import timezone

from rma.insights.analytics import Filters, Scope
from rma.insights.refresh import rollups_refresh
from rma.insights.sheets import shipments_sheet
from rma.shipping.models import Carton
from rma.warehouse.services import carton_count_add, carton_count_finish, carton_receive

pytestmark = pytest.mark.django_db


def counted(shipment, warehouse, operator, found):
    """Receive each carton of `shipment` and count what `found` lists for it: [(sku, quantity), …] per carton."""
    for carton, contents in zip(Carton.objects.filter(shipment=shipment).order_by("position"), found, strict=True):
        receipt = carton_receive(carton=carton, warehouse=warehouse, actor=operator).receipt
        for sku, quantity in contents:
            carton_count_add(receipt=receipt, code=sku, quantity=quantity, actor=operator)
        carton_count_finish(receipt=receipt, actor=operator)


def figures():
    today = timezone.localdate()
    sheet = shipments_sheet(scope=Scope(None, None), filters=Filters(today.replace(day=1), today))
    totals = {column.key: value for column, value in sheet.figures}
    return totals, sheet.table("shops").rows


def test_the_sheet_counts_shipments_when_dispatched_and_their_findings_when_received(
    make_shipment, warehouse, operator, shop
):
    rollups_refresh()  # the first run: marks what exists
    first = make_shipment([("SKU-A", 2)], [("SKU-B", 1)])
    second = make_shipment([("SKU-C", 4)])
    make_shipment([("SKU-D", 1)], dispatch=False)  # closed, not dispatched: not counted yet
    rollups_refresh()

    totals, shops = figures()
    assert (totals["shipments"], totals["units"], totals["flagged_share"]) == (2, 7, None)  # none received yet
    assert [(row["cartons"], row["received"]) for row in shops] == [(3, 0)]

    counted(first, warehouse, operator, [[("SKU-A", 2)], [("SKU-B", 1)]])
    counted(second, warehouse, operator, [[("SKU-C", 3)]])  # one unit short
    rollups_refresh()

    totals, shops = figures()
    assert (totals["flagged_share"], totals["discrepancy_units"]) == (0.5, 1)
    assert [(row["store"], row["shipments"], row["received"], row["flagged"], row["missing"]) for row in shops] == [
        (shop.code, 2, 2, 1, 1)
    ]
