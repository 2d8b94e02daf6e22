"""In Chromium: two shops send this month's shipments to the warehouse through the shops' and the warehouse's own
services (one received as announced, one with units missing and extra, one still on its way), and an agent reads
them on the shipments sheet, figures worked out by hand. The screenshot goes to
test-artifacts/insights-08-shipments.png (the README shows it)."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from rma.insights.rollups import all_days_rebuild
from rma.shipping.choices import ShipmentStatus
from rma.shipping.models import Carton, Shipment
from rma.shipping.services.shipment_handover import shipment_close, shipment_dispatch
from rma.shipping.services.shipments import carton_add, shipment_loose_item_add, shipment_open, shipment_return_add
from rma.warehouse.services import (
    carton_count_add,
    carton_count_finish,
    carton_receive,
    warehouse_reference_data_seed,
)
from tests.helpers import accept_at_counter, screenshot, staff_member
from tests.insights.test_browser import sign_in
from tests.locations.factories import shop_with_counter
from tests.returns.factories import return_request_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def ship(store, clerk, *cartons, dispatch=True):
    """A shipment from `store` as its clerk packs it: one list per carton of returns or (sku, quantity) loose units,
    closed, and picked up by the carrier unless told."""
    shipment = shipment_open(store=store, actor=clerk)
    for contents in cartons:
        carton = carton_add(shipment=shipment, actor=clerk)
        for item in contents:
            if isinstance(item, str):
                shipment_return_add(shipment=shipment, carton=carton, code=item, actor=clerk)
            else:
                sku, quantity = item
                shipment_loose_item_add(
                    shipment=shipment, carton=carton, sku=sku, quantity=quantity, kind="unsold", actor=clerk
                )
    shipment_close(shipment=shipment, actor=clerk)
    if dispatch:
        shipment_dispatch(shipment=shipment, actor=clerk, pickup_reference="PU-1")
    return shipment


def count(shipment, warehouse, operator, *cartons):
    """The warehouse receives each carton of `shipment` and counts what is in it: one list of (code, quantity)."""
    for carton, counted in zip(Carton.objects.filter(shipment=shipment).order_by("position"), cartons, strict=True):
        receipt = carton_receive(carton=carton, warehouse=warehouse, actor=operator).receipt
        for code, quantity in counted:
            carton_count_add(receipt=receipt, code=code, quantity=quantity, actor=operator)
        carton_count_finish(receipt=receipt, actor=operator)


@pytest.fixture
def shipments_sent(policy, reason, warehouse, shop):
    """This month, to the warehouse WH-IDF:
    - Boutique Rivoli (PAR01), shipment 1: carton 1 a customer's return of 2 units and 3 × TEE-LIN-M, carton 2
      2 × JEAN-32; received with 2 × TEE-LIN-M (1 missing) and 3 × JEAN-32 (1 extra);
    - Boutique Rivoli, shipment 2: 4 × ROBE-S in one carton, received as announced;
    - Lyon République (LYO01): 5 × PULL-L and 1 × CEINT-90 in two cartons, picked up, not received yet.
    Left out: a Rivoli shipment closed but not picked up (2 units), and a Lyon one dispatched last month (8 units).

    So 3 shipments, 17 units (Rivoli 2 + 3 + 2 + 4 = 11 in 3 cartons, Lyon 6 in 2), 2 received of which 1 with
    discrepancies (50 %), 2 units in discrepancies (1 missing, 1 extra).
    """
    warehouse_reference_data_seed()
    paris = shop_with_counter("PAR01", "Boutique Rivoli", warehouse, city="Paris")
    noemie = staff_member(paris, "noemie", "store_staff")
    sophie = staff_member(shop, "sophie", "store_staff")
    alice = staff_member(warehouse, "alice", "warehouse_staff")

    handed_in = return_request_make(reason=reason, at=paris, quantity=2)
    accept_at_counter(handed_in, store=paris, actor=noemie)
    first = ship(paris, noemie, [handed_in.rma_number, ("TEE-LIN-M", 3)], [("JEAN-32", 2)])
    count(first, warehouse, alice, [(handed_in.rma_number, 1), ("TEE-LIN-M", 2)], [("JEAN-32", 3)])
    second = ship(paris, noemie, [("ROBE-S", 4)])
    count(second, warehouse, alice, [("ROBE-S", 4)])
    ship(shop, sophie, [("PULL-L", 5)], [("CEINT-90", 1)])

    ship(paris, noemie, [("TEE-LIN-S", 2)], dispatch=False)
    last_month = ship(shop, sophie, [("PULL-M", 8)])
    first_of_month = timezone.localdate().replace(day=1)
    before = datetime.combine(first_of_month - timedelta(days=1), time(12), tzinfo=timezone.get_current_timezone())
    Shipment.objects.filter(pk=last_month.pk).update(dispatched_at=before)

    statuses = dict(Shipment.objects.values_list("pk", "status"))
    assert (statuses[first.pk], statuses[second.pk]) == (
        ShipmentStatus.RECEIVED_WITH_DISCREPANCIES,
        ShipmentStatus.RECEIVED,
    )
    all_days_rebuild()  # what the workers keep up to date (rma.insights.refresh)
    return first_of_month, timezone.localdate()


def test_an_agent_reads_the_shops_shipments_of_the_month(page: Page, live_server, agent, shipments_sent):
    start, end = shipments_sent
    sign_in(page, live_server.url + "/insights/analytics/shipments/")
    page.get_by_label("From", exact=True).fill(start.isoformat())
    page.get_by_label("To", exact=True).fill(end.isoformat())
    page.get_by_role("button", name="Show").click()

    expect(page.get_by_role("heading", name="Shipments from shops")).to_be_visible()
    expect(page.locator('[data-total="shipments"]')).to_have_text("3")
    expect(page.locator('[data-total="units"]')).to_have_text("17")
    expect(page.locator('[data-total="flagged_share"]')).to_have_text("50.0\u00a0%")
    expect(page.locator('[data-total="discrepancy_units"]')).to_have_text("2")
    expect(page.locator("[data-chart=shops] rect")).to_have_count(2)

    rows = page.locator("[data-table=shops] tbody tr")
    expect(rows).to_have_count(2)
    # Code, shop, shipments, cartons, units, received, with discrepancies, share; missing, extra, wrong, damaged.
    expect(rows.nth(0).locator("td")).to_have_text(
        ["PAR01", "Boutique Rivoli", "2", "3", "11", "2", "1", "50.0\u00a0%", "1", "1", "0", "0"]
    )
    expect(rows.nth(1).locator("td")).to_have_text(
        ["LYO01", "Lyon République", "1", "2", "6", "0", "0", "—", "0", "0", "0", "0"]
    )
    screenshot(page, "insights-08-shipments")
