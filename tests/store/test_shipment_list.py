"""The shop's list of shipments: each row counts its own cartons and current items, and a shop's page reads its rows
in order from `shipping_shipment_store_newest` instead of grouping every shipment the shop ever sent."""

import re

import pytest
from rest_framework.test import APIClient

from rma.shipping.services.shipments import carton_add, shipment_item_remove, shipment_loose_item_add, shipment_open
from rma.store.selectors import shipment_list_for_user
from tests.plans import plan_in_index_order

pytestmark = pytest.mark.django_db


def loose(shipment, carton, sku, actor):
    return shipment_loose_item_add(shipment=shipment, carton=carton, sku=sku, quantity=1, kind="unsold", actor=actor)


@pytest.fixture
def shipments(store, other_store, clerk, other_clerk):
    """Oldest first: two cartons with three items, one removed; one empty carton; none; another shop's."""
    full = shipment_open(store=store, actor=clerk)
    first, second = carton_add(shipment=full, actor=clerk), carton_add(shipment=full, actor=clerk)
    loose(full, first, "A", clerk)
    loose(full, second, "B", clerk)
    shipment_item_remove(item=loose(full, second, "C", clerk).item, actor=clerk)
    empty = shipment_open(store=store, actor=clerk)
    carton_add(shipment=empty, actor=clerk)
    bare = shipment_open(store=store, actor=clerk)
    theirs = shipment_open(store=other_store, actor=other_clerk)
    loose(theirs, carton_add(shipment=theirs, actor=other_clerk), "Z", other_clerk)
    return {"full": full, "empty": empty, "bare": bare}


def test_each_row_counts_its_cartons_and_current_items(client, clerk, shipments):
    counted = {
        row.number: (row.carton_count, row.item_count) for row in shipment_list_for_user(user=clerk, stores=None)
    }
    assert counted == {
        shipments["bare"].number: (0, 0),
        shipments["empty"].number: (1, 0),
        shipments["full"].number: (2, 2),
    }

    api = APIClient()
    api.force_authenticate(clerk)
    listing = api.get("/api/v1/store/shipments/").json()["results"]
    assert [row["number"] for row in listing] == [shipments[key].number for key in ("bare", "empty", "full")]

    client.force_login(clerk)
    page = client.get("/store/shipments/").content.decode()
    cells = re.findall(r'data-shipment="([^"]+)".*?</td>\s*<td>[^<]*</td>.*?<td>(\d+)</td><td>(\d+)</td>', page, re.S)
    assert cells == [
        (shipments["bare"].number, "0", "0"),
        (shipments["empty"].number, "1", "0"),
        (shipments["full"].number, "2", "2"),
    ]


def test_a_shops_page_reads_its_index_in_order_on_postgresql(postgres_only, clerk, store, shipments):
    plan = plan_in_index_order(shipment_list_for_user(user=clerk, stores=[store])[:100])
    assert "shipping_shipment_store_newest" in plan, plan
    assert "Sort" not in plan, plan
    # Counted per row shown (sub-plans), not grouped over the shop's shipments before the limit.
    assert "Aggregate" not in plan.split("SubPlan")[0], plan
