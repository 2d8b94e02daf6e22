"""The warehouse's reports read what they show, not every row of the tables behind them: the destroyed units from
a partial index of the destroyed dispositions, in the report's order, and the shops that ship to a warehouse with a
probe of an index on (store, warehouse) a shop. At 570,000 returns they took 47 and 64 ms to find nothing."""

from datetime import date

from django.db import connection

from rma.locations.models import Warehouse
from rma.shipping.models import Shipment
from rma.warehouse.selectors import destroyed_units, stores_shipping_to
from tests.locations.factories import StoreFactory
from tests.plans import plan_in_index_order


def test_the_destroyed_units_are_read_in_order_from_their_partial_index_on_postgresql(postgres_only, warehouse):
    for period in ({}, {"start": date(2026, 1, 1), "end": date(2026, 12, 31)}):
        plan = plan_in_index_order(destroyed_units(warehouses=[warehouse], **period)[:500])

        assert "warehouse_destroyed_units" in plan
        assert "Sort" not in plan


def test_the_shops_shipping_to_a_warehouse_are_probed_in_the_store_and_warehouse_index_on_postgresql(
    postgres_only, warehouse, other_warehouse
):
    """Four shops, three hundred shipments each, three of them shipping mostly here and one only elsewhere, and the
    table's statistics read: the planner's choice on a table of many shipments a shop, not on a test's empty one."""
    shops = [StoreFactory(code=f"S{index}", default_warehouse=warehouse) for index in range(4)]
    Shipment.objects.bulk_create(
        Shipment(
            store=shop,
            warehouse=warehouse if sequence % 10 and shop != shops[3] else other_warehouse,
            number=f"{shop.code}-{sequence}",
            sequence=sequence,
        )
        for shop in shops
        for sequence in range(1, 301)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE shipping_shipment, locations_store")

    found = stores_shipping_to(warehouses=Warehouse.objects.filter(pk=warehouse.pk))
    plan = found.explain()

    assert [shop.code for shop in found] == ["S0", "S1", "S2"]
    assert "shipping_shipment_store_wh" in plan
    assert "HashAggregate" not in plan
    assert "Unique" not in plan  # no DISTINCT over the shipments
